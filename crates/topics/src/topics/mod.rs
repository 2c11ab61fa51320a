//! The topic modules, one per course topic.

pub mod t01_representation;
pub mod t02_curse_of_dimensionality;
pub mod t03_manifold_learning;
pub mod t04_linear_regression;
pub mod t05_logistic_regression;
pub mod t06_knn;
pub mod t07_cross_validation;
pub mod t08_regularisation;
pub mod t09_probability;
pub mod t10_naive_bayes;
pub mod t11_evaluation_metrics;
pub mod t12_kernels;
pub mod t13_svm;
pub mod t14_decision_trees;
pub mod t15_ensembles;
pub mod t16_clustering;
pub mod t17_imbalanced_data;
pub mod t18_overfitting;
pub mod t19_model_selection;
pub mod t20_neural_networks;
pub mod t22_convolution;
