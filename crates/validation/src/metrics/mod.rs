//! Metrics with scikit-learn's numbers and conventions, written by hand because linfa's
//! confusion matrix is transposed and its precision/recall are swapped for the documented
//! call order. Every metric is checked against scikit-learn 1.9.1 fixtures
//! (`tests/fixtures/metrics.json`, tolerance 1e-9).

mod classification;
mod clustering;
mod embedding;
mod regression;

pub use classification::{
    accuracy, average_precision, balanced_accuracy, brier_score, calibration_curve,
    classification_report, confusion_matrix, confusion_matrix_with_labels, f1, fbeta, log_loss,
    log_loss_binary, mcc, precision, precision_recall_curve, precision_recall_fscore,
    precision_recall_fscore_per_class, recall, roc_auc, roc_auc_ovr, roc_curve, specificity,
    unique_labels, youden_j, Average, BinStrategy, ConfusionMatrix, PrCurve, Prf, RocCurve,
    ZeroDivision,
};
pub use clustering::{
    adjusted_rand, calinski_harabasz, davies_bouldin, inertia, silhouette, silhouette_samples,
};
pub use embedding::trustworthiness;
pub use regression::{explained_variance, mae, mape, mse, r2, rmse};

/// Why a metric cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricError {
    /// Inputs of different lengths.
    #[error("inputs have different lengths: {0} and {1}")]
    LengthMismatch(usize, usize),
    /// Inputs the metric is not defined for.
    #[error("{0}")]
    Invalid(String),
}

pub(crate) fn check_lengths(a: usize, b: usize) -> Result<(), MetricError> {
    if a != b {
        return Err(MetricError::LengthMismatch(a, b));
    }
    Ok(())
}
