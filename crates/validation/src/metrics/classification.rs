//! Classification metrics with scikit-learn's conventions: labels are sorted, the confusion
//! matrix has true classes as rows and predicted classes as columns, and undefined ratios
//! follow an explicit [`ZeroDivision`] policy.

use std::collections::BTreeSet;

use ndarray::ArrayView2;

use super::{check_lengths, MetricError};

/// The value of a ratio whose denominator is zero (scikit-learn's `zero_division`; its
/// default `"warn"` gives 0).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ZeroDivision {
    /// 0.0 (scikit-learn's default).
    #[default]
    Zero,
    /// 1.0.
    One,
    /// NaN; averages then skip the undefined classes.
    NaN,
}

impl ZeroDivision {
    fn value(self) -> f64 {
        match self {
            ZeroDivision::Zero => 0.0,
            ZeroDivision::One => 1.0,
            ZeroDivision::NaN => f64::NAN,
        }
    }
}

/// How per-class scores are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// The score of the positive class only (binary problems).
    Binary {
        /// The positive class.
        pos_label: usize,
    },
    /// From the total true/false positives and negatives.
    Micro,
    /// Unweighted mean over classes.
    Macro,
    /// Mean over classes weighted by their support.
    Weighted,
}

/// A confusion matrix: `counts[i][j]` is the number of samples of true class `labels[i]`
/// predicted as `labels[j]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// Sorted labels present in `y_true` or `y_pred`.
    pub labels: Vec<usize>,
    /// Rows: true class; columns: predicted class.
    pub counts: Vec<Vec<usize>>,
}

/// Sorted union of the labels in both arrays.
pub fn unique_labels(y_true: &[usize], y_pred: &[usize]) -> Vec<usize> {
    y_true
        .iter()
        .chain(y_pred)
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The confusion matrix over the sorted union of labels.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty.
pub fn confusion_matrix(
    y_true: &[usize],
    y_pred: &[usize],
) -> Result<ConfusionMatrix, MetricError> {
    confusion_matrix_with_labels(y_true, y_pred, &unique_labels(y_true, y_pred))
}

/// The confusion matrix over the given labels (others are ignored), e.g. `[0, 1]` to get a
/// 2 × 2 matrix even when one class is absent.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty.
pub fn confusion_matrix_with_labels(
    y_true: &[usize],
    y_pred: &[usize],
    labels: &[usize],
) -> Result<ConfusionMatrix, MetricError> {
    check_nonempty(y_true, y_pred)?;
    let index = |l: usize| labels.iter().position(|&x| x == l);
    let mut counts = vec![vec![0; labels.len()]; labels.len()];
    for (&t, &p) in y_true.iter().zip(y_pred) {
        if let (Some(i), Some(j)) = (index(t), index(p)) {
            counts[i][j] += 1;
        }
    }
    Ok(ConfusionMatrix {
        labels: labels.to_vec(),
        counts,
    })
}

fn check_nonempty(y_true: &[usize], y_pred: &[usize]) -> Result<(), MetricError> {
    check_lengths(y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err(MetricError::Invalid("no samples".into()));
    }
    Ok(())
}

/// Fraction of correct predictions.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty.
pub fn accuracy(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricError> {
    check_nonempty(y_true, y_pred)?;
    let correct = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(correct as f64 / y_true.len() as f64)
}

/// Mean recall over the classes present in `y_true` (classes only predicted are skipped,
/// as scikit-learn does with a warning).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty.
pub fn balanced_accuracy(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricError> {
    let cm = confusion_matrix(y_true, y_pred)?;
    let per_class: Vec<f64> = cm
        .counts
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let support: usize = row.iter().sum();
            (support > 0).then(|| row[i] as f64 / support as f64)
        })
        .collect();
    Ok(per_class.iter().sum::<f64>() / per_class.len() as f64)
}

/// Precision, recall, F-beta and support, per class or averaged.
#[derive(Debug, Clone, PartialEq)]
pub struct Prf {
    /// Precision (one value per class when not averaged).
    pub precision: Vec<f64>,
    /// Recall.
    pub recall: Vec<f64>,
    /// F-beta.
    pub fscore: Vec<f64>,
    /// True samples per class (per-class results only).
    pub support: Vec<usize>,
    /// The classes, in order (per-class results only).
    pub labels: Vec<usize>,
}

/// Per-label counts: (true positives, predicted, true).
fn label_counts(y_true: &[usize], y_pred: &[usize], labels: &[usize]) -> Vec<(f64, f64, f64)> {
    labels
        .iter()
        .map(|&l| {
            let (mut tp, mut pred, mut truth) = (0usize, 0usize, 0usize);
            for (&t, &p) in y_true.iter().zip(y_pred) {
                tp += usize::from(t == l && p == l);
                pred += usize::from(p == l);
                truth += usize::from(t == l);
            }
            (tp as f64, pred as f64, truth as f64)
        })
        .collect()
}

fn divide(num: f64, den: f64, zd: ZeroDivision) -> f64 {
    if den == 0.0 {
        zd.value()
    } else {
        num / den
    }
}

/// Mean skipping NaN entries, weighted when weights are given (falling back to the plain
/// mean when the weights sum to zero); NaN when every entry is NaN.
fn nan_average(values: &[f64], weights: Option<&[f64]>) -> f64 {
    let keep: Vec<usize> = (0..values.len()).filter(|&i| !values[i].is_nan()).collect();
    if keep.is_empty() {
        return f64::NAN;
    }
    if let Some(w) = weights {
        let total: f64 = keep.iter().map(|&i| w[i]).sum();
        if total != 0.0 {
            return keep.iter().map(|&i| values[i] * w[i]).sum::<f64>() / total;
        }
    }
    keep.iter().map(|&i| values[i]).sum::<f64>() / keep.len() as f64
}

/// Per-class precision, recall, F-beta and support over the sorted union of labels.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty.
pub fn precision_recall_fscore_per_class(
    y_true: &[usize],
    y_pred: &[usize],
    beta: f64,
    zero_division: ZeroDivision,
) -> Result<Prf, MetricError> {
    check_nonempty(y_true, y_pred)?;
    let labels = unique_labels(y_true, y_pred);
    Ok(prf_for(y_true, y_pred, &labels, beta, zero_division))
}

fn prf_for(
    y_true: &[usize],
    y_pred: &[usize],
    labels: &[usize],
    beta: f64,
    zd: ZeroDivision,
) -> Prf {
    let counts = label_counts(y_true, y_pred, labels);
    prf_from_counts(&counts, labels, beta, zd)
}

fn prf_from_counts(
    counts: &[(f64, f64, f64)],
    labels: &[usize],
    beta: f64,
    zd: ZeroDivision,
) -> Prf {
    let b2 = beta * beta;
    Prf {
        precision: counts
            .iter()
            .map(|&(tp, pred, _)| divide(tp, pred, zd))
            .collect(),
        recall: counts
            .iter()
            .map(|&(tp, _, truth)| divide(tp, truth, zd))
            .collect(),
        // From counts, as scikit-learn: (1 + β²)·tp / (β²·true + predicted).
        fscore: counts
            .iter()
            .map(|&(tp, pred, truth)| divide((1.0 + b2) * tp, b2 * truth + pred, zd))
            .collect(),
        support: counts.iter().map(|&(_, _, truth)| truth as usize).collect(),
        labels: labels.to_vec(),
    }
}

/// Averaged precision, recall and F-beta: `(precision, recall, fscore)`.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty or, with [`Average::Binary`], when more than two
/// labels occur in `y_true` and `y_pred` together or `pos_label` is not one of the two labels that
/// occur.
pub fn precision_recall_fscore(
    y_true: &[usize],
    y_pred: &[usize],
    beta: f64,
    average: Average,
    zero_division: ZeroDivision,
) -> Result<(f64, f64, f64), MetricError> {
    check_nonempty(y_true, y_pred)?;
    let present = unique_labels(y_true, y_pred);
    match average {
        Average::Binary { pos_label } => {
            if present.len() > 2 {
                return Err(MetricError::Invalid(format!(
                    "target is multiclass ({} labels) but average is binary; choose micro, macro or weighted",
                    present.len()
                )));
            }
            if !present.contains(&pos_label) && present.len() >= 2 {
                return Err(MetricError::Invalid(format!(
                    "pos_label={pos_label} is not a valid label: it should be one of {present:?}"
                )));
            }
            let p = prf_for(y_true, y_pred, &[pos_label], beta, zero_division);
            Ok((p.precision[0], p.recall[0], p.fscore[0]))
        }
        Average::Micro => {
            let counts = label_counts(y_true, y_pred, &present);
            let total = counts
                .iter()
                .fold((0.0, 0.0, 0.0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
            let p = prf_from_counts(&[total], &[0], beta, zero_division);
            Ok((p.precision[0], p.recall[0], p.fscore[0]))
        }
        Average::Macro | Average::Weighted => {
            let p = prf_for(y_true, y_pred, &present, beta, zero_division);
            let weights: Vec<f64> = p.support.iter().map(|&s| s as f64).collect();
            let w = (average == Average::Weighted).then_some(weights.as_slice());
            Ok((
                nan_average(&p.precision, w),
                nan_average(&p.recall, w),
                nan_average(&p.fscore, w),
            ))
        }
    }
}

/// Precision of the positive class (or averaged).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty or, with [`Average::Binary`], when more than two
/// labels occur in `y_true` and `y_pred` together or `pos_label` is not one of the two labels that
/// occur.
pub fn precision(
    y_true: &[usize],
    y_pred: &[usize],
    average: Average,
    zd: ZeroDivision,
) -> Result<f64, MetricError> {
    precision_recall_fscore(y_true, y_pred, 1.0, average, zd).map(|r| r.0)
}

/// Recall (sensitivity) of the positive class (or averaged).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty or, with [`Average::Binary`], when more than two
/// labels occur in `y_true` and `y_pred` together or `pos_label` is not one of the two labels that
/// occur.
pub fn recall(
    y_true: &[usize],
    y_pred: &[usize],
    average: Average,
    zd: ZeroDivision,
) -> Result<f64, MetricError> {
    precision_recall_fscore(y_true, y_pred, 1.0, average, zd).map(|r| r.1)
}

/// F1 of the positive class (or averaged).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty or, with [`Average::Binary`], when more than two
/// labels occur in `y_true` and `y_pred` together or `pos_label` is not one of the two labels that
/// occur.
pub fn f1(
    y_true: &[usize],
    y_pred: &[usize],
    average: Average,
    zd: ZeroDivision,
) -> Result<f64, MetricError> {
    precision_recall_fscore(y_true, y_pred, 1.0, average, zd).map(|r| r.2)
}

/// F-beta of the positive class (or averaged).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty or, with [`Average::Binary`], when more than two
/// labels occur in `y_true` and `y_pred` together or `pos_label` is not one of the two labels that
/// occur.
pub fn fbeta(
    y_true: &[usize],
    y_pred: &[usize],
    beta: f64,
    average: Average,
    zd: ZeroDivision,
) -> Result<f64, MetricError> {
    precision_recall_fscore(y_true, y_pred, beta, average, zd).map(|r| r.2)
}

/// Specificity of a binary problem: the recall of the negative class, TN / (TN + FP).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty.
pub fn specificity(
    y_true: &[usize],
    y_pred: &[usize],
    pos_label: usize,
    zd: ZeroDivision,
) -> Result<f64, MetricError> {
    check_nonempty(y_true, y_pred)?;
    let (mut tn, mut negatives) = (0usize, 0usize);
    for (&t, &p) in y_true.iter().zip(y_pred) {
        if t != pos_label {
            negatives += 1;
            tn += usize::from(p != pos_label);
        }
    }
    Ok(divide(tn as f64, negatives as f64, zd))
}

/// Youden's J = sensitivity + specificity − 1.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty, when more than two labels occur in `y_true` and
/// `y_pred` together, or when `pos_label` is not one of the two labels that occur (as [`recall`]
/// with [`Average::Binary`]).
pub fn youden_j(
    y_true: &[usize],
    y_pred: &[usize],
    pos_label: usize,
    zd: ZeroDivision,
) -> Result<f64, MetricError> {
    let sensitivity = recall(y_true, y_pred, Average::Binary { pos_label }, zd)?;
    Ok(sensitivity + specificity(y_true, y_pred, pos_label, zd)? - 1.0)
}

/// Matthews correlation coefficient (multiclass form); 0 when undefined.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty.
pub fn mcc(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricError> {
    let cm = confusion_matrix(y_true, y_pred)?;
    let k = cm.labels.len();
    let t_sum: Vec<f64> = cm
        .counts
        .iter()
        .map(|r| r.iter().sum::<usize>() as f64)
        .collect();
    let p_sum: Vec<f64> = (0..k)
        .map(|j| cm.counts.iter().map(|r| r[j]).sum::<usize>() as f64)
        .collect();
    let correct: f64 = (0..k).map(|i| cm.counts[i][i] as f64).sum();
    let n: f64 = p_sum.iter().sum();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let cov_tp = correct * n - dot(&t_sum, &p_sum);
    let cov_pp = n * n - dot(&p_sum, &p_sum);
    let cov_tt = n * n - dot(&t_sum, &t_sum);
    let denom = cov_pp * cov_tt;
    Ok(if denom == 0.0 {
        0.0
    } else {
        cov_tp / denom.sqrt()
    })
}

/// A ROC curve: false/true positive rates at each threshold (the first threshold is +∞).
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    /// False positive rates.
    pub fpr: Vec<f64>,
    /// True positive rates.
    pub tpr: Vec<f64>,
    /// Decreasing score thresholds.
    pub thresholds: Vec<f64>,
}

/// A precision–recall curve (recall decreasing, ending at recall 0 and precision 1).
#[derive(Debug, Clone, PartialEq)]
pub struct PrCurve {
    /// Precision.
    pub precision: Vec<f64>,
    /// Recall.
    pub recall: Vec<f64>,
    /// Increasing thresholds (one fewer than points).
    pub thresholds: Vec<f64>,
}

/// False positives, true positives and thresholds at each distinct score.
type CurvePoints = (Vec<f64>, Vec<f64>, Vec<f64>);

/// Cumulative false and true positives at each distinct score, scores descending.
fn clf_curve(
    y_true: &[usize],
    scores: &[f64],
    pos_label: usize,
) -> Result<CurvePoints, MetricError> {
    check_lengths(y_true.len(), scores.len())?;
    if y_true.is_empty() {
        return Err(MetricError::Invalid("no samples".into()));
    }
    if let Some(bad) = scores.iter().find(|s| !s.is_finite()) {
        return Err(MetricError::Invalid(format!(
            "scores must be finite, found {bad}"
        )));
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // Stable sort, descending.
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut fps, mut tps, mut thresholds) = (Vec::new(), Vec::new(), Vec::new());
    let mut tp = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        if y_true[i] == pos_label {
            tp += 1.0;
        }
        let last = rank + 1 == order.len();
        if last || scores[order[rank + 1]] != scores[i] {
            tps.push(tp);
            fps.push(1.0 + rank as f64 - tp);
            thresholds.push(scores[i]);
        }
    }
    Ok((fps, tps, thresholds))
}

/// The ROC curve of scores for `pos_label`. With `drop_intermediate`, collinear points are
/// dropped as scikit-learn does. Rates are NaN when a class is absent.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `scores` differ in length;
/// [`MetricError::Invalid`] when they are empty or a score is NaN or infinite.
pub fn roc_curve(
    y_true: &[usize],
    scores: &[f64],
    pos_label: usize,
    drop_intermediate: bool,
) -> Result<RocCurve, MetricError> {
    let (mut fps, mut tps, mut th) = clf_curve(y_true, scores, pos_label)?;
    if drop_intermediate && fps.len() > 2 {
        let keep: Vec<usize> = (0..fps.len())
            .filter(|&i| {
                i == 0
                    || i == fps.len() - 1
                    || (fps[i + 1] - 2.0 * fps[i] + fps[i - 1]) != 0.0
                    || (tps[i + 1] - 2.0 * tps[i] + tps[i - 1]) != 0.0
            })
            .collect();
        fps = keep.iter().map(|&i| fps[i]).collect();
        tps = keep.iter().map(|&i| tps[i]).collect();
        th = keep.iter().map(|&i| th[i]).collect();
    }
    fps.insert(0, 0.0);
    tps.insert(0, 0.0);
    th.insert(0, f64::INFINITY);
    let (fl, tl) = (
        *fps.last().expect("nonempty"),
        *tps.last().expect("nonempty"),
    );
    Ok(RocCurve {
        fpr: fps
            .iter()
            .map(|f| if fl <= 0.0 { f64::NAN } else { f / fl })
            .collect(),
        tpr: tps
            .iter()
            .map(|t| if tl <= 0.0 { f64::NAN } else { t / tl })
            .collect(),
        thresholds: th,
    })
}

/// Area under the ROC curve for a binary problem (trapezoid rule; ties count half).
/// NaN when `y_true` holds one class only (scikit-learn warns and returns NaN).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `scores` differ in length;
/// [`MetricError::Invalid`] when `y_true` holds two classes and a score is NaN or infinite.
pub fn roc_auc(y_true: &[usize], scores: &[f64], pos_label: usize) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), scores.len())?;
    if y_true.iter().collect::<BTreeSet<_>>().len() != 2 {
        return Ok(f64::NAN);
    }
    let c = roc_curve(y_true, scores, pos_label, true)?;
    Ok(trapezoid(&c.fpr, &c.tpr))
}

fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    (1..x.len())
        .map(|i| (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0)
        .sum()
}

/// One-vs-rest ROC AUC of a probability matrix whose column `k` scores class `k`,
/// averaged with [`Average::Macro`] or [`Average::Weighted`] (by prevalence).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `proba` has not one row per label;
/// [`MetricError::Invalid`] when a probability is NaN or infinite in the column of a class that is
/// neither absent from nor alone in `y_true`, or when `average` is neither [`Average::Macro`] nor
/// [`Average::Weighted`].
pub fn roc_auc_ovr(
    y_true: &[usize],
    proba: ArrayView2<f64>,
    average: Average,
) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), proba.nrows())?;
    let k = proba.ncols();
    let mut aucs = Vec::with_capacity(k);
    let mut weights = Vec::with_capacity(k);
    for c in 0..k {
        let binary: Vec<usize> = y_true.iter().map(|&t| usize::from(t == c)).collect();
        let scores: Vec<f64> = proba.column(c).to_vec();
        aucs.push(roc_auc(&binary, &scores, 1)?);
        weights.push(binary.iter().sum::<usize>() as f64);
    }
    match average {
        Average::Macro => Ok(aucs.iter().sum::<f64>() / k as f64),
        Average::Weighted => {
            let total: f64 = weights.iter().sum();
            Ok(aucs.iter().zip(&weights).map(|(a, w)| a * w).sum::<f64>() / total)
        }
        other => Err(MetricError::Invalid(format!(
            "one-vs-rest ROC AUC supports macro or weighted averaging, not {other:?}"
        ))),
    }
}

/// The precision–recall curve of scores for `pos_label` (all distinct thresholds).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `scores` differ in length;
/// [`MetricError::Invalid`] when they are empty or a score is NaN or infinite.
pub fn precision_recall_curve(
    y_true: &[usize],
    scores: &[f64],
    pos_label: usize,
) -> Result<PrCurve, MetricError> {
    let (fps, tps, th) = clf_curve(y_true, scores, pos_label)?;
    let tl = *tps.last().expect("nonempty");
    let mut precision: Vec<f64> = tps
        .iter()
        .zip(&fps)
        .map(|(t, f)| if t + f != 0.0 { t / (t + f) } else { 0.0 })
        .collect();
    let mut recall: Vec<f64> = tps
        .iter()
        .map(|t| if tl == 0.0 { 1.0 } else { t / tl })
        .collect();
    precision.reverse();
    recall.reverse();
    precision.push(1.0);
    recall.push(0.0);
    let mut thresholds = th;
    thresholds.reverse();
    Ok(PrCurve {
        precision,
        recall,
        thresholds,
    })
}

/// Average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over the precision–recall curve (no interpolation).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `scores` differ in length;
/// [`MetricError::Invalid`] when they are empty or a score is NaN or infinite.
pub fn average_precision(
    y_true: &[usize],
    scores: &[f64],
    pos_label: usize,
) -> Result<f64, MetricError> {
    let c = precision_recall_curve(y_true, scores, pos_label)?;
    let s: f64 = (1..c.recall.len())
        .map(|i| (c.recall[i] - c.recall[i - 1]) * c.precision[i - 1])
        .sum();
    Ok((-s).max(0.0))
}

/// Log loss of a probability matrix whose column `k` is the probability of class `k`;
/// probabilities are clipped to [ε, 1 − ε] as scikit-learn does.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `proba` has not one row per label;
/// [`MetricError::Invalid`] when there are no samples or a label has no column in `proba`
/// (a label ≥ its number of columns).
pub fn log_loss(y_true: &[usize], proba: ArrayView2<f64>) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), proba.nrows())?;
    if y_true.is_empty() {
        return Err(MetricError::Invalid("no samples".into()));
    }
    let eps = f64::EPSILON;
    let mut total = 0.0;
    for (i, &t) in y_true.iter().enumerate() {
        if t >= proba.ncols() {
            return Err(MetricError::Invalid(format!(
                "label {t} has no probability column ({} columns)",
                proba.ncols()
            )));
        }
        total -= proba[[i, t]].clamp(eps, 1.0 - eps).ln();
    }
    Ok(total / y_true.len() as f64)
}

/// Log loss of a binary problem from the probability of class 1.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `p1` differ in length;
/// [`MetricError::Invalid`] when they are empty or a label is not 0 or 1.
pub fn log_loss_binary(y_true: &[usize], p1: &[f64]) -> Result<f64, MetricError> {
    let proba =
        ndarray::Array2::from_shape_fn(
            (p1.len(), 2),
            |(i, j)| if j == 1 { p1[i] } else { 1.0 - p1[i] },
        );
    log_loss(y_true, proba.view())
}

/// Brier score of a binary problem: mean of (1[y = pos_label] − p)².
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `p` differ in length.
pub fn brier_score(y_true: &[usize], p: &[f64], pos_label: usize) -> Result<f64, MetricError> {
    check_lengths(y_true.len(), p.len())?;
    Ok(y_true
        .iter()
        .zip(p)
        .map(|(&t, &q)| {
            let y = f64::from(u8::from(t == pos_label));
            (y - q) * (y - q)
        })
        .sum::<f64>()
        / y_true.len() as f64)
}

/// How [`calibration_curve`] places its bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinStrategy {
    /// Equal-width bins on [0, 1].
    Uniform,
    /// Bins holding equal numbers of predictions (NumPy's linear percentiles).
    Quantile,
}

/// Calibration curve: for each non-empty bin, the observed frequency of the positive class
/// and the mean predicted probability, `(prob_true, prob_pred)`.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `prob` differ in length;
/// [`MetricError::Invalid`] when `n_bins` is 0, there are no samples, or a probability is outside
/// [0, 1] (or NaN).
pub fn calibration_curve(
    y_true: &[usize],
    prob: &[f64],
    pos_label: usize,
    n_bins: usize,
    strategy: BinStrategy,
) -> Result<(Vec<f64>, Vec<f64>), MetricError> {
    check_lengths(y_true.len(), prob.len())?;
    if n_bins == 0 || prob.is_empty() {
        return Err(MetricError::Invalid(
            "need at least one bin and one sample".into(),
        ));
    }
    if prob.iter().any(|&p| !(0.0..=1.0).contains(&p)) {
        return Err(MetricError::Invalid(
            "y_prob has values outside [0, 1]".into(),
        ));
    }
    let step = 1.0 / n_bins as f64;
    let quantiles: Vec<f64> = (0..=n_bins)
        .map(|i| if i == n_bins { 1.0 } else { i as f64 * step })
        .collect();
    let edges: Vec<f64> = match strategy {
        BinStrategy::Uniform => quantiles,
        BinStrategy::Quantile => {
            let mut sorted = prob.to_vec();
            sorted.sort_by(f64::total_cmp);
            quantiles
                .iter()
                .map(|&q| percentile_linear(&sorted, q * 100.0))
                .collect()
        }
    };
    let interior = &edges[1..edges.len() - 1];
    let (mut sums, mut trues, mut totals) =
        (vec![0.0; n_bins], vec![0.0; n_bins], vec![0usize; n_bins]);
    for (&t, &p) in y_true.iter().zip(prob) {
        // searchsorted(side='left'): the number of interior edges strictly below p.
        let bin = interior.iter().filter(|&&e| e < p).count();
        sums[bin] += p;
        trues[bin] += f64::from(u8::from(t == pos_label));
        totals[bin] += 1;
    }
    let (mut prob_true, mut prob_pred) = (Vec::new(), Vec::new());
    for b in 0..n_bins {
        if totals[b] > 0 {
            prob_true.push(trues[b] / totals[b] as f64);
            prob_pred.push(sums[b] / totals[b] as f64);
        }
    }
    Ok((prob_true, prob_pred))
}

/// `np.percentile(sorted, q)` with the default linear method.
fn percentile_linear(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let quantile = q / 100.0;
    // NumPy's `_compute_virtual_index` with the linear method's alpha = beta = 1.
    let (alpha, beta) = (1.0, 1.0);
    let virtual_index = n as f64 * quantile + (alpha + quantile * (1.0 - alpha - beta)) - 1.0;
    let prev = virtual_index.floor();
    let gamma = virtual_index - prev;
    let clip = |i: f64| (i.max(0.0) as usize).min(n - 1);
    let (a, b) = (sorted[clip(prev)], sorted[clip(prev + 1.0)]);
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// scikit-learn's `classification_report` text, laid out exactly as scikit-learn prints it.
/// `target_names` name the sorted labels; `digits` sets the decimals.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `y_true` and `y_pred` differ in length;
/// [`MetricError::Invalid`] when they are empty or `target_names` does not hold one name per label.
pub fn classification_report(
    y_true: &[usize],
    y_pred: &[usize],
    target_names: Option<&[String]>,
    digits: usize,
    zero_division: ZeroDivision,
) -> Result<String, MetricError> {
    let per_class = precision_recall_fscore_per_class(y_true, y_pred, 1.0, zero_division)?;
    let names: Vec<String> = match target_names {
        Some(t) if t.len() != per_class.labels.len() => {
            return Err(MetricError::Invalid(format!(
                "number of classes, {}, does not match size of target_names, {}",
                per_class.labels.len(),
                t.len()
            )))
        }
        Some(t) => t.to_vec(),
        None => per_class.labels.iter().map(|l| l.to_string()).collect(),
    };
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max("weighted avg".len())
        .max(digits);
    let mut out = format!(
        "{:>width$}  {:>9} {:>9} {:>9} {:>9}\n\n",
        "", "precision", "recall", "f1-score", "support"
    );
    let row = |name: &str, p: f64, r: f64, f: f64, s: usize| {
        format!(
            "{name:>width$}  {} {} {} {s:>9}\n",
            fmt_fixed(p, digits),
            fmt_fixed(r, digits),
            fmt_fixed(f, digits)
        )
    };
    for (i, name) in names.iter().enumerate() {
        out.push_str(&row(
            name,
            per_class.precision[i],
            per_class.recall[i],
            per_class.fscore[i],
            per_class.support[i],
        ));
    }
    out.push('\n');
    let total: usize = per_class.support.iter().sum();
    let acc = precision_recall_fscore(y_true, y_pred, 1.0, Average::Micro, zero_division)?.2;
    out.push_str(&format!(
        "{:>width$}  {:>9} {:>9} {} {total:>9}\n",
        "accuracy",
        "",
        "",
        fmt_fixed(acc, digits)
    ));
    for (label, average) in [
        ("macro avg", Average::Macro),
        ("weighted avg", Average::Weighted),
    ] {
        let (p, r, f) = precision_recall_fscore(y_true, y_pred, 1.0, average, zero_division)?;
        out.push_str(&row(label, p, r, f, total));
    }
    Ok(out)
}

/// Python's `format(x, '>9.{d}f')`: correctly rounded, ties to even, right-aligned in 9.
fn fmt_fixed(x: f64, digits: usize) -> String {
    let s = if x.is_nan() {
        "nan".to_string()
    } else {
        format!("{x:.digits$}")
    };
    format!("{s:>9}")
}
