//! The crate's error type.

/// Why a network could not be built, trained or applied.
///
/// Bad input (mismatched shapes, empty data, non-finite values, invalid hyper-parameters) is
/// reported here rather than by a panic inside burn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NeuralError {
    /// An architecture or training setting is invalid (zero-sized layer, learning rate ≤ 0, ...).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// Input data do not fit the network or are unusable (wrong width, empty, NaN, ...).
    #[error("invalid data: {0}")]
    InvalidData(String),
    /// The training loss became NaN or infinite (usually a learning rate that is too high).
    #[error(
        "training diverged in epoch {epoch}: the mean training loss is {loss} \
         (try a smaller learning rate)"
    )]
    Diverged {
        /// 1-based epoch in which the loss stopped being finite.
        epoch: usize,
        /// The non-finite loss.
        loss: f64,
    },
}

/// Result alias for this crate.
pub type Result<T, E = NeuralError> = std::result::Result<T, E>;

pub(crate) fn config_err(msg: impl Into<String>) -> NeuralError {
    NeuralError::InvalidConfig(msg.into())
}

pub(crate) fn data_err(msg: impl Into<String>) -> NeuralError {
    NeuralError::InvalidData(msg.into())
}
