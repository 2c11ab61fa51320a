#![doc = include_str!("../README.md")]
//!
//! ## Where the algorithms come from
//!
//! linfa's, except where linfa lacks the model or is wrong for the job: KNN (linfa has only
//! neighbour indexes), ridge (closed form, as scikit-learn), and the trees, forests, bagging
//! and AdaBoost (grown here: linfa-trees sums class weights in hash-map order, so its trees
//! changed between runs). Where a linfa model differs from scikit-learn in a way users would
//! trip on, the wrapper says so and corrects it (elastic net's intercept, logistic regression's
//! positive class, naive Bayes' probabilities).
//!
//! [`explain`] computes SHAP values: exact TreeSHAP for the crate's trees, forests and
//! AdaBoost ([`Fitted::tree_ensemble`]), and model-agnostic Shapley values (exact by
//! enumeration, or seeded antithetic permutations) for any model.
#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]

mod boost;
mod error;
pub mod explain;
mod forest;
mod knn;
mod logistic;
mod model;
mod pipeline;
mod saved;
mod spec;
mod svm;
mod tree;
mod unsupervised;

pub use error::ModelError;
pub use model::{elastic_net_path, polynomial_features, Fitted, Model};
pub use pipeline::{FittedImputer, FittedOneHot, FittedScaler, Imputation, Pipeline, Scaling};
pub use saved::{Saved, SavedModel, FORMAT, VERSION};
pub use spec::{ModelInfo, ModelSpec, Task, MODELS};
pub use unsupervised::{ClusterFit, Clustering, Embedding, GmmFit, Projection};
