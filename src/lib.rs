//! # ml4ns
//!
//! Machine Learning for Neuroscience, replicated end to end in Rust. This umbrella crate
//! re-exports the workspace's crates under short names; each can also be used on its own.
#![warn(missing_docs)]

pub use ml4ns_data_io as data_io;
pub use ml4ns_models as models;
pub use ml4ns_neural as neural;
pub use ml4ns_reporting as reporting;
pub use ml4ns_topics as topics;
pub use ml4ns_validation as validation;
