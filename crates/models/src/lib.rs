//! # ml4ns-models
//!
//! One interface over linfa's models: a [`ModelSpec`] string (`logistic:c=1.0`,
//! `knn:k=7,weights=distance`, ...) is checked into a [`Model`], which fits on an
//! [`ml4ns_data_io::Table`] and returns a [`Fitted`] model that predicts class codes or values
//! and, where the model has them, class probabilities.
//!
//! The algorithms are linfa's, except KNN (linfa has only neighbour indexes); where a linfa
//! model differs from scikit-learn in a way users would trip on, the wrapper says so and
//! corrects it (elastic net's intercept, logistic regression's positive class, naive Bayes'
//! probabilities).
//!
//! [`explain`] computes SHAP values: exact TreeSHAP for the crate's trees, forests and
//! AdaBoost ([`Fitted::tree_ensemble`]), and model-agnostic Shapley values (exact by
//! enumeration, or seeded antithetic permutations) for any model.
//!
//! ```
//! use ml4ns_models::Model;
//! let rings = ml4ns_data_io::synth::concentric_rings(200, 1).table()?;
//! let model = Model::parse("knn:k=5")?;
//! let fitted = model.fit(&rings)?;
//! let pred = fitted.predict(rings.x.view())?;
//! assert_eq!(pred.len(), 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

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
