//! Label leakage: features that encode the label they are meant to predict.
//!
//! A leaked feature is one recorded *because of* the outcome (a rescue medication given for
//! agitation, a discharge code, a field filled in after diagnosis) or computed from it. A model
//! that sees it scores almost perfectly in cross-validation and fails in deployment, where the
//! feature is not available before the outcome. The check here looks at each feature alone,
//! with no model:
//!
//! * **Orientation-free ROC AUC** — `max(AUC, 1 − AUC)` of the raw feature as a score for the
//!   positive class. Only the sign is chosen, nothing is fitted, so it cannot over-fit; an
//!   honest single clinical or sensor feature rarely ranks days near-perfectly.
//! * **Best decision stump** — the balanced accuracy of the best one-threshold rule on the
//!   feature (either direction), reported for reading; it is in-sample and mildly optimistic.
//! * **Remaining label entropy** — `H(Y | X) / H(Y)`, the share of the label's uncertainty
//!   left once the feature's value is known (the feature is discretised: its distinct values
//!   when it has at most `n_bins` of them, otherwise `n_bins` equal-width bins). Near 0 means
//!   the feature's value determines the label almost surely.
//!
//! A feature is flagged when its AUC reaches [`LeakageOptions::min_auc`] or its remaining
//! entropy falls to [`LeakageOptions::max_remaining_entropy`]. A flag is a prompt to ask how
//! and when the feature was recorded, not proof: a genuinely excellent biomarker is flagged
//! too, and a leak spread over several features can pass a one-feature check. The entropy
//! criterion needs many rows per discretised cell: on a handful of rows, a feature whose
//! values are all distinct trivially "determines" the label.
//!
//! ```
//! use ml4ns_validation::leakage::{check_features, LeakageOptions};
//! use ndarray::array;
//! let y = [0, 0, 1, 1, 0, 1, 0, 0];
//! // Column 0 is honest noise; column 1 was recorded because the label was 1.
//! let x = array![[0.0, 0.0], [1.0, 0.0], [2.0, 1.0], [0.0, 1.0],
//!                [1.0, 0.0], [2.0, 1.0], [0.0, 0.0], [1.0, 0.0]];
//! let names = ["noise".to_string(), "medication_given".to_string()];
//! let report = check_features(x.view(), &y, &names, &LeakageOptions::default())?;
//! assert_eq!(report.flagged, vec!["medication_given".to_string()]);
//! # Ok::<(), ml4ns_validation::leakage::LeakageError>(())
//! ```

use std::collections::BTreeMap;

use ml4ns_data_io::Table;
use ndarray::ArrayView2;

use crate::metrics;

/// Why a leakage check cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LeakageError {
    /// No rows or no features.
    #[error("leakage check needs at least one row and one feature (got {rows} rows, {features} features)")]
    Empty {
        /// Rows given.
        rows: usize,
        /// Features given.
        features: usize,
    },
    /// Labels and rows, or names and columns, differ in number.
    #[error("{what}: expected {expected}, got {got}")]
    LengthMismatch {
        /// What was compared.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The labels are not two classes.
    #[error("leakage check needs exactly two classes in the labels, found {0}")]
    NotBinary(usize),
    /// A feature holds NaN or an infinity.
    #[error("feature '{feature}' has a non-finite value in row {row}")]
    NonFinite {
        /// Feature name.
        feature: String,
        /// Row index.
        row: usize,
    },
    /// The table has no class target.
    #[error("the table has no class target")]
    NoClassTarget,
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

/// Thresholds of the leakage check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeakageOptions {
    /// Flag a feature whose orientation-free AUC is at least this (default 0.99).
    pub min_auc: f64,
    /// Flag a feature whose remaining label entropy `H(Y|X)/H(Y)` is at most this
    /// (default 0.05).
    pub max_remaining_entropy: f64,
    /// Bins used to discretise features with more distinct values than this (default 10).
    pub n_bins: usize,
}

impl Default for LeakageOptions {
    fn default() -> Self {
        LeakageOptions {
            min_auc: 0.99,
            max_remaining_entropy: 0.05,
            n_bins: 10,
        }
    }
}

/// Why a feature was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeakageReason {
    /// The feature alone ranks the classes almost perfectly (AUC ≥ `min_auc`).
    SeparatesClasses,
    /// The feature's value determines the label almost surely (remaining entropy ≤
    /// `max_remaining_entropy`).
    DeterminesLabel,
}

impl LeakageReason {
    /// A short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            LeakageReason::SeparatesClasses => "separates the classes alone",
            LeakageReason::DeterminesLabel => "determines the label",
        }
    }
}

/// The scores of one feature.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureLeakage {
    /// Feature name.
    pub feature: String,
    /// Column index.
    pub index: usize,
    /// Orientation-free ROC AUC, `max(AUC, 1 − AUC)`, in [0.5, 1].
    pub auc: f64,
    /// Whether larger values point to the positive class (AUC ≥ 0.5 before orientation).
    pub positive_high: bool,
    /// Balanced accuracy of the best one-threshold rule (in-sample), in [0.5, 1].
    pub stump_balanced_accuracy: f64,
    /// `H(Y | X) / H(Y)` after discretisation, in [0, 1].
    pub remaining_entropy: f64,
    /// Why it was flagged; empty when it was not.
    pub reasons: Vec<LeakageReason>,
}

impl FeatureLeakage {
    /// True when the feature was flagged.
    pub fn flagged(&self) -> bool {
        !self.reasons.is_empty()
    }
}

/// The result of a leakage check.
#[derive(Debug, Clone, PartialEq)]
pub struct LeakageReport {
    /// One entry per feature, in column order.
    pub features: Vec<FeatureLeakage>,
    /// Names of the flagged features, in column order.
    pub flagged: Vec<String>,
    /// The options used.
    pub options: LeakageOptions,
}

impl LeakageReport {
    /// The entry of a feature by name.
    pub fn get(&self, name: &str) -> Option<&FeatureLeakage> {
        self.features.iter().find(|f| f.feature == name)
    }

    /// Entries sorted by AUC, highest first (ties by column order).
    pub fn by_auc(&self) -> Vec<&FeatureLeakage> {
        let mut v: Vec<&FeatureLeakage> = self.features.iter().collect();
        v.sort_by(|a, b| b.auc.total_cmp(&a.auc).then(a.index.cmp(&b.index)));
        v
    }

    /// The highest AUC among features that were not flagged (`None` if all were).
    pub fn max_unflagged_auc(&self) -> Option<f64> {
        self.features
            .iter()
            .filter(|f| !f.flagged())
            .map(|f| f.auc)
            .max_by(f64::total_cmp)
    }
}

/// Check every column of `x` against binary labels `y` (any two distinct codes; the larger
/// is the positive class). `names` names the columns.
///
/// # Errors
///
/// - [`LeakageError::Empty`] when `x` has no rows or no columns;
/// - [`LeakageError::LengthMismatch`] when `y` has not one label per row or `names` not one name
///   per column;
/// - [`LeakageError::InvalidOption`] when `min_auc` is outside [0.5, 1], `max_remaining_entropy`
///   outside [0, 1] or `n_bins` below 2;
/// - [`LeakageError::NotBinary`] when `y` does not hold exactly two distinct labels;
/// - [`LeakageError::NonFinite`] when a feature holds NaN or an infinity.
pub fn check_features(
    x: ArrayView2<f64>,
    y: &[usize],
    names: &[String],
    options: &LeakageOptions,
) -> Result<LeakageReport, LeakageError> {
    let (rows, features) = x.dim();
    if rows == 0 || features == 0 {
        return Err(LeakageError::Empty { rows, features });
    }
    if y.len() != rows {
        return Err(LeakageError::LengthMismatch {
            what: "labels per row",
            expected: rows,
            got: y.len(),
        });
    }
    if names.len() != features {
        return Err(LeakageError::LengthMismatch {
            what: "feature names per column",
            expected: features,
            got: names.len(),
        });
    }
    if !(0.5..=1.0).contains(&options.min_auc) {
        return Err(LeakageError::InvalidOption(format!(
            "min_auc must be in [0.5, 1], got {}",
            options.min_auc
        )));
    }
    if !(0.0..=1.0).contains(&options.max_remaining_entropy) {
        return Err(LeakageError::InvalidOption(format!(
            "max_remaining_entropy must be in [0, 1], got {}",
            options.max_remaining_entropy
        )));
    }
    if options.n_bins < 2 {
        return Err(LeakageError::InvalidOption(format!(
            "n_bins must be at least 2, got {}",
            options.n_bins
        )));
    }
    let classes: Vec<usize> = {
        let mut c: Vec<usize> = y.to_vec();
        c.sort_unstable();
        c.dedup();
        c
    };
    if classes.len() != 2 {
        return Err(LeakageError::NotBinary(classes.len()));
    }
    let positive = classes[1];
    let is_pos: Vec<bool> = y.iter().map(|&c| c == positive).collect();
    let n_pos = is_pos.iter().filter(|&&p| p).count();
    let h_y = entropy2(n_pos as f64 / rows as f64);

    let mut out = Vec::with_capacity(features);
    for (j, name) in names.iter().enumerate() {
        let col: Vec<f64> = x.column(j).to_vec();
        if let Some(row) = col.iter().position(|v| !v.is_finite()) {
            return Err(LeakageError::NonFinite {
                feature: name.clone(),
                row,
            });
        }
        let raw_auc = metrics::roc_auc(y, &col, positive)
            .map_err(|e| LeakageError::InvalidOption(e.to_string()))?;
        let auc = raw_auc.max(1.0 - raw_auc);
        let stump = best_stump(&col, &is_pos, n_pos);
        let remaining = if h_y > 0.0 {
            (conditional_entropy(&col, &is_pos, options.n_bins) / h_y).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let mut reasons = Vec::new();
        if auc >= options.min_auc {
            reasons.push(LeakageReason::SeparatesClasses);
        }
        if remaining <= options.max_remaining_entropy {
            reasons.push(LeakageReason::DeterminesLabel);
        }
        out.push(FeatureLeakage {
            feature: name.clone(),
            index: j,
            auc,
            positive_high: raw_auc >= 0.5,
            stump_balanced_accuracy: stump,
            remaining_entropy: remaining,
            reasons,
        });
    }
    let flagged = out
        .iter()
        .filter(|f| f.flagged())
        .map(|f| f.feature.clone())
        .collect();
    Ok(LeakageReport {
        features: out,
        flagged,
        options: *options,
    })
}

/// Check every feature of a table against its class target (which must have two classes).
///
/// # Errors
///
/// Returns [`LeakageError::NoClassTarget`] when the table has no class target, and otherwise the
/// errors of [`check_features`] (e.g. [`LeakageError::NotBinary`] when the target does not have
/// exactly two classes present).
pub fn check_table(table: &Table, options: &LeakageOptions) -> Result<LeakageReport, LeakageError> {
    let y = table
        .class_target()
        .ok_or(LeakageError::NoClassTarget)?
        .codes
        .to_vec();
    check_features(table.x.view(), &y, &table.feature_names, options)
}

/// Binary entropy in bits.
fn entropy2(p: f64) -> f64 {
    let h = |q: f64| if q > 0.0 { -q * q.log2() } else { 0.0 };
    h(p) + h(1.0 - p)
}

/// `H(Y | X)` in bits, `X` discretised into its distinct values (at most `n_bins`) or
/// `n_bins` equal-width bins.
fn conditional_entropy(x: &[f64], is_pos: &[bool], n_bins: usize) -> f64 {
    // Keys are bin indices; BTreeMap keeps the sum in a fixed order.
    let mut distinct: Vec<f64> = x.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let key = |v: f64| -> usize {
        if distinct.len() <= n_bins {
            distinct.partition_point(|&d| d < v)
        } else {
            let (lo, hi) = (distinct[0], distinct[distinct.len() - 1]);
            (((v - lo) / (hi - lo) * n_bins as f64) as usize).min(n_bins - 1)
        }
    };
    let mut cells: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (&v, &p) in x.iter().zip(is_pos) {
        let e = cells.entry(key(v)).or_insert((0, 0));
        e.0 += 1;
        e.1 += usize::from(p);
    }
    let n = x.len() as f64;
    cells
        .values()
        .map(|&(total, pos)| total as f64 / n * entropy2(pos as f64 / total as f64))
        .sum()
}

/// Balanced accuracy of the best rule `x > t → positive` or `x ≤ t → positive`.
fn best_stump(x: &[f64], is_pos: &[bool], n_pos: usize) -> f64 {
    let n_neg = x.len() - n_pos;
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    // Sweep the threshold upwards: rows at or below it are predicted negative.
    let (mut neg_below, mut pos_below) = (0usize, 0usize);
    let mut best: f64 = 0.5;
    let mut i = 0;
    while i < order.len() {
        let v = x[order[i]];
        while i < order.len() && x[order[i]] == v {
            if is_pos[order[i]] {
                pos_below += 1;
            } else {
                neg_below += 1;
            }
            i += 1;
        }
        let tpr = (n_pos - pos_below) as f64 / n_pos as f64;
        let tnr = neg_below as f64 / n_neg as f64;
        let ba = (tpr + tnr) / 2.0;
        best = best.max(ba).max(1.0 - ba);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random_state::RandomState;
    use ndarray::Array2;

    /// Labels (about 20 % positive), two honest features that carry some signal, a pure
    /// noise feature, and three leaks.
    fn data() -> (Array2<f64>, Vec<usize>, Vec<String>) {
        let mut rs = RandomState::new(7);
        let n = 600;
        let mut y = Vec::new();
        let mut x = Array2::zeros((n, 6));
        for i in 0..n {
            let label = usize::from(rs.random_sample() < 0.2);
            y.push(label);
            let l = label as f64;
            // Honest: a noisy signal, a weak count-like signal, noise.
            x[[i, 0]] = l + 1.5 * normal(&mut rs);
            x[[i, 1]] = (2.0 + l + 2.0 * rs.random_sample()).floor();
            x[[i, 2]] = normal(&mut rs);
            // Leaks: the label itself, label plus tiny noise, and a post-hoc record (given on
            // every positive day and on 1 % of negative days).
            x[[i, 3]] = l;
            x[[i, 4]] = l + 1e-3 * normal(&mut rs);
            x[[i, 5]] = if label == 1 || rs.random_sample() < 0.01 {
                1.0
            } else {
                0.0
            };
        }
        let names = [
            "noisy_signal",
            "count",
            "noise",
            "label_copy",
            "label_plus_noise",
            "medication_given",
        ]
        .map(String::from)
        .to_vec();
        (x, y, names)
    }

    fn normal(rs: &mut RandomState) -> f64 {
        let u1 = rs.random_sample().max(1e-12);
        let u2 = rs.random_sample();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    #[test]
    fn leakage_flags_exactly_the_leaks() {
        let (x, y, names) = data();
        let r = check_features(x.view(), &y, &names, &LeakageOptions::default()).unwrap();
        assert_eq!(
            r.flagged,
            vec!["label_copy", "label_plus_noise", "medication_given"]
        );
        let copy = r.get("label_copy").unwrap();
        assert_eq!(copy.auc, 1.0);
        assert_eq!(copy.stump_balanced_accuracy, 1.0);
        assert_eq!(copy.remaining_entropy, 0.0);
        assert_eq!(
            copy.reasons,
            vec![
                LeakageReason::SeparatesClasses,
                LeakageReason::DeterminesLabel
            ]
        );
        // Label plus tiny noise: equal-width bins still separate it.
        assert!(r.get("label_plus_noise").unwrap().remaining_entropy < 1e-12);
        // The post-hoc record ranks nearly perfectly but leaves some entropy.
        let med = r.get("medication_given").unwrap();
        assert!(med.auc >= 0.99 && med.positive_high);
        assert_eq!(med.reasons, vec![LeakageReason::SeparatesClasses]);
        // Honest features keep most of the label's uncertainty and rank imperfectly.
        for name in ["noisy_signal", "count", "noise"] {
            let f = r.get(name).unwrap();
            assert!(!f.flagged(), "{name}: {f:?}");
            assert!(f.remaining_entropy > 0.5, "{name}: {f:?}");
        }
        assert!(r.get("noisy_signal").unwrap().auc > 0.6);
        assert!(r.get("noise").unwrap().auc < 0.6);
        assert!(r.max_unflagged_auc().unwrap() < 0.9);
        assert_eq!(r.by_auc()[0].feature, "label_copy");
    }

    #[test]
    fn leakage_orientation_and_stump() {
        // A reversed leak (1 − label) is flagged as well.
        let y = [0, 1, 0, 1, 1, 0];
        let x = Array2::from_shape_vec((6, 1), vec![1.0, 0.0, 1.0, 0.0, 0.0, 1.0]).unwrap();
        let r = check_features(x.view(), &y, &["rev".into()], &LeakageOptions::default()).unwrap();
        assert_eq!(r.features[0].auc, 1.0);
        assert!(!r.features[0].positive_high);
        // Stump: the best cut of [1, 2, 3, 4] against [0, 0, 1, 0] isolates 3 only from
        // above (rule x > 2 gives TPR 1, TNR 2/3).
        let s = best_stump(&[1.0, 2.0, 3.0, 4.0], &[false, false, true, false], 1);
        assert!((s - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        // Conditional entropy: a feature independent of the label leaves all of it.
        let h = conditional_entropy(&[0.0, 0.0, 1.0, 1.0], &[true, false, true, false], 10);
        assert!((h - 1.0).abs() < 1e-12);
    }

    #[test]
    fn leakage_errors_instead_of_panics() {
        let o = LeakageOptions::default();
        let x = Array2::<f64>::zeros((4, 2));
        let names = ["a".to_string(), "b".to_string()];
        assert!(matches!(
            check_features(x.view(), &[0, 1, 0], &names, &o),
            Err(LeakageError::LengthMismatch { .. })
        ));
        assert!(matches!(
            check_features(x.view(), &[0, 1, 0, 1], &names[..1], &o),
            Err(LeakageError::LengthMismatch { .. })
        ));
        assert_eq!(
            check_features(x.view(), &[1, 1, 1, 1], &names, &o),
            Err(LeakageError::NotBinary(1))
        );
        assert_eq!(
            check_features(x.view(), &[0, 1, 2, 1], &names, &o),
            Err(LeakageError::NotBinary(3))
        );
        let empty = Array2::<f64>::zeros((0, 2));
        assert!(matches!(
            check_features(empty.view(), &[], &names, &o),
            Err(LeakageError::Empty { .. })
        ));
        let mut bad = x.clone();
        bad[[2, 1]] = f64::NAN;
        assert_eq!(
            check_features(bad.view(), &[0, 1, 0, 1], &names, &o),
            Err(LeakageError::NonFinite {
                feature: "b".into(),
                row: 2
            })
        );
        let wrong = LeakageOptions {
            n_bins: 1,
            ..LeakageOptions::default()
        };
        assert!(matches!(
            check_features(x.view(), &[0, 1, 0, 1], &names, &wrong),
            Err(LeakageError::InvalidOption(_))
        ));
        let table = Table::from_features("t", x, names.to_vec()).unwrap();
        assert_eq!(check_table(&table, &o), Err(LeakageError::NoClassTarget));
    }
}
