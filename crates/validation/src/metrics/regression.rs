//! Regression metrics with scikit-learn's conventions.

use super::{check_lengths, MetricError};

/// Mean absolute error.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length.
pub fn mae(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), y_pred.len())?;
    Ok(mean(y_true.iter().zip(y_pred).map(|(t, p)| (t - p).abs())))
}

/// Mean squared error.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length.
pub fn mse(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), y_pred.len())?;
    Ok(mean(
        y_true.iter().zip(y_pred).map(|(t, p)| (t - p) * (t - p)),
    ))
}

/// Root mean squared error.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length.
pub fn rmse(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    mse(y_true, y_pred).map(f64::sqrt)
}

/// Mean absolute percentage error, `mean(|y − ŷ| / max(|y|, ε))` with ε the machine epsilon
/// (scikit-learn's guard against division by zero; the result is a fraction, not a percent).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length.
pub fn mape(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), y_pred.len())?;
    Ok(mean(
        y_true
            .iter()
            .zip(y_pred)
            .map(|(t, p)| (t - p).abs() / t.abs().max(f64::EPSILON)),
    ))
}

/// Coefficient of determination R² = 1 − SS_res / SS_tot.
///
/// With `force_finite` (scikit-learn's default) a constant `y_true` gives 1.0 for a perfect
/// prediction and 0.0 otherwise instead of NaN / −∞. Fewer than two samples give NaN, as
/// scikit-learn (which also warns).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length.
pub fn r2(y_true: &[f64], y_pred: &[f64], force_finite: bool) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), y_pred.len())?;
    if y_true.len() < 2 {
        return Ok(f64::NAN);
    }
    let m = mean(y_true.iter().copied());
    let num: f64 = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (t - p) * (t - p))
        .sum();
    let den: f64 = y_true.iter().map(|t| (t - m) * (t - m)).sum();
    Ok(assemble(num, den, force_finite))
}

/// Explained variance 1 − Var(y − ŷ) / Var(y), with `force_finite` as in [`r2`] (but, as in
/// scikit-learn, no special case for a single sample).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length.
pub fn explained_variance(
    y_true: &[f64],
    y_pred: &[f64],
    force_finite: bool,
) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), y_pred.len())?;
    let diff: Vec<f64> = y_true.iter().zip(y_pred).map(|(t, p)| t - p).collect();
    let md = mean(diff.iter().copied());
    let num = mean(diff.iter().map(|d| (d - md) * (d - md)));
    let mt = mean(y_true.iter().copied());
    let den = mean(y_true.iter().map(|t| (t - mt) * (t - mt)));
    Ok(assemble(num, den, force_finite))
}

/// scikit-learn's `_assemble_r2_explained_variance` for one output.
fn assemble(num: f64, den: f64, force_finite: bool) -> f64 {
    if den != 0.0 {
        return 1.0 - num / den;
    }
    if !force_finite {
        return if num == 0.0 {
            f64::NAN
        } else {
            f64::NEG_INFINITY
        };
    }
    if num == 0.0 {
        1.0
    } else {
        0.0
    }
}

pub(crate) fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for v in values {
        sum += v;
        n += 1;
    }
    sum / n as f64
}
