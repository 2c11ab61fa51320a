//! The topic modules, one per course topic.

pub mod t01_representation;
pub mod t02_curse_of_dimensionality;
pub mod t03_manifold_learning;
pub mod t04_linear_regression;
pub mod t05_logistic_regression;
pub mod t06_knn;
pub mod t07_cross_validation;
pub mod t08_regularisation;
pub mod t16_clustering;
