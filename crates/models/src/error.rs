//! Errors of model specs, fitting and prediction.

/// Everything that can go wrong with a model. Hyper-parameters are checked before fitting,
/// and linfa's panicking paths (wrong shapes, empty data) are checked before linfa is called.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The spec names no registered model.
    #[error("unknown model '{name}'; valid models: {valid}")]
    UnknownModel {
        /// The name given.
        name: String,
        /// Registered names.
        valid: String,
    },
    /// The spec has a key the model does not take.
    #[error("{model}: unknown parameter '{key}'; valid parameters: {valid}")]
    UnknownParam {
        /// The model.
        model: String,
        /// The key given.
        key: String,
        /// The model's keys.
        valid: String,
    },
    /// A hyper-parameter value is out of range or of the wrong type.
    #[error("{model}: {key}={value} is invalid: {reason}")]
    InvalidParam {
        /// The model.
        model: String,
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The data do not suit the model (no target, a continuous target for a classifier, too few rows...).
    #[error("{model}: {message}")]
    Data {
        /// The model.
        model: String,
        /// What is wrong.
        message: String,
    },
    /// The underlying algorithm failed.
    #[error("{model}: fitting failed: {message}")]
    Fit {
        /// The model.
        model: String,
        /// linfa's message.
        message: String,
    },
    /// Prediction data do not match what the model was fitted on.
    #[error("{model}: {message}")]
    Shape {
        /// The model.
        model: String,
        /// What does not match.
        message: String,
    },
}
