//! Model selection for any model: cross-validation, out-of-fold predictions, grid search
//! (with nested CV for an honest estimate), learning and validation curves, resampling for
//! imbalance inside training folds only, class weights and permutation importance.
//!
//! Models plug in through two small traits, [`Learner`] (fit on a training [`Table`]) and
//! [`Predictor`] (predict from features), so this crate does not depend on `ml4ns-models`.
//! Folds run in parallel with rayon; results are collected in fold order, so they do not
//! depend on the number of threads.

use std::collections::BTreeMap;

use ml4ns_data_io::{Table, Target};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;

use crate::metrics::{self as m, Average, ZeroDivision};
use crate::random_state::RandomState;
use crate::split::{Cv, Split};

/// Errors from models and from model selection.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A model that can be fitted on a training table.
pub trait Learner: Sync {
    /// Fit on `train` (features, target and, if needed, groups) and return the fitted model.
    ///
    /// # Errors
    ///
    /// Returns the implementation's error when the model cannot be fitted on `train` (e.g. no
    /// target, a target of the wrong kind, too few rows or classes, invalid hyper-parameters).
    fn fit(&self, train: &Table) -> Result<Box<dyn Predictor>, BoxError>;
}

/// A fitted model.
pub trait Predictor: Send + Sync {
    /// Predictions for each row: class codes (as numbers) or real values.
    ///
    /// # Errors
    ///
    /// Returns the implementation's error when `x` does not fit the model (e.g. another number of
    /// features) or the prediction fails.
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, BoxError>;
    /// Class probabilities (`n_rows × n_classes`), for models that have them.
    ///
    /// # Errors
    ///
    /// The default never fails (it returns `Ok(None)`); implementations return an error when `x`
    /// does not fit the model or the computation fails.
    fn predict_proba(&self, _x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, BoxError> {
        Ok(None)
    }
}

/// A score computed on held-out rows; larger is better (errors are negated, as in
/// scikit-learn's `neg_*` scorers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scoring {
    /// Accuracy.
    Accuracy,
    /// Balanced accuracy.
    BalancedAccuracy,
    /// F1 of class 1 (binary).
    F1,
    /// Macro-averaged F1.
    F1Macro,
    /// Precision of class 1 (binary).
    Precision,
    /// Recall (sensitivity) of class 1 (binary).
    Recall,
    /// ROC AUC from the probability of class 1 (binary; needs `predict_proba`).
    RocAuc,
    /// R².
    R2,
    /// −MSE.
    NegMeanSquaredError,
    /// −MAE.
    NegMeanAbsoluteError,
}

impl Scoring {
    /// scikit-learn's scorer name.
    pub fn name(self) -> &'static str {
        match self {
            Scoring::Accuracy => "accuracy",
            Scoring::BalancedAccuracy => "balanced_accuracy",
            Scoring::F1 => "f1",
            Scoring::F1Macro => "f1_macro",
            Scoring::Precision => "precision",
            Scoring::Recall => "recall",
            Scoring::RocAuc => "roc_auc",
            Scoring::R2 => "r2",
            Scoring::NegMeanSquaredError => "neg_mean_squared_error",
            Scoring::NegMeanAbsoluteError => "neg_mean_absolute_error",
        }
    }

    /// Parse a scikit-learn scorer name.
    ///
    /// # Errors
    ///
    /// Returns an error listing the valid names when `s` is not one of them.
    pub fn parse(s: &str) -> Result<Scoring, BoxError> {
        const ALL: [Scoring; 10] = [
            Scoring::Accuracy,
            Scoring::BalancedAccuracy,
            Scoring::F1,
            Scoring::F1Macro,
            Scoring::Precision,
            Scoring::Recall,
            Scoring::RocAuc,
            Scoring::R2,
            Scoring::NegMeanSquaredError,
            Scoring::NegMeanAbsoluteError,
        ];
        ALL.into_iter().find(|x| x.name() == s).ok_or_else(|| {
            let names: Vec<&str> = ALL.iter().map(|x| x.name()).collect();
            format!("unknown scoring '{s}'; valid: {}", names.join(", ")).into()
        })
    }

    /// Score `model` on `data`.
    ///
    /// # Errors
    ///
    /// Returns an error when `data` has no target; when a classification scorer (all but
    /// [`Scoring::R2`] and the `Neg*` ones) meets a continuous target; when the model's
    /// [`Predictor::predict`] (or, for [`Scoring::RocAuc`], [`Predictor::predict_proba`]) fails;
    /// for [`Scoring::RocAuc`] when the model has no probabilities or fewer than two columns; and
    /// the [`MetricError`](crate::metrics::MetricError) of the metric, e.g. when the model gives
    /// not one prediction per row, `data` has no rows (classification scorers but
    /// [`Scoring::RocAuc`]), or, for the binary scorers ([`Scoring::F1`], [`Scoring::Precision`],
    /// [`Scoring::Recall`]), more than two classes occur among true and predicted codes or class 1
    /// is not among the two.
    pub fn score(self, model: &dyn Predictor, data: &Table) -> Result<f64, BoxError> {
        let target = data.target.as_ref().ok_or("scoring needs a target")?;
        let pred = model.predict(data.x.view())?;
        let classes = || -> Result<(Vec<usize>, Vec<usize>), BoxError> {
            let c = target
                .classes()
                .ok_or("this scoring needs a class target")?;
            let p = pred.iter().map(|&v| v.round().max(0.0) as usize).collect();
            Ok((c.codes.to_vec(), p))
        };
        let bin = Average::Binary { pos_label: 1 };
        let zd = ZeroDivision::Zero;
        Ok(match self {
            Scoring::Accuracy => {
                let (t, p) = classes()?;
                m::accuracy(&t, &p)?
            }
            Scoring::BalancedAccuracy => {
                let (t, p) = classes()?;
                m::balanced_accuracy(&t, &p)?
            }
            Scoring::F1 => {
                let (t, p) = classes()?;
                m::f1(&t, &p, bin, zd)?
            }
            Scoring::F1Macro => {
                let (t, p) = classes()?;
                m::f1(&t, &p, Average::Macro, zd)?
            }
            Scoring::Precision => {
                let (t, p) = classes()?;
                m::precision(&t, &p, bin, zd)?
            }
            Scoring::Recall => {
                let (t, p) = classes()?;
                m::recall(&t, &p, bin, zd)?
            }
            Scoring::RocAuc => {
                let (t, _) = classes()?;
                let proba = model
                    .predict_proba(data.x.view())?
                    .ok_or("roc_auc needs a model with predict_proba")?;
                if proba.ncols() < 2 {
                    return Err("roc_auc needs probabilities for two classes".into());
                }
                m::roc_auc(&t, &proba.column(1).to_vec(), 1)?
            }
            Scoring::R2 => m::r2(&values(target), &pred.to_vec(), true)?,
            Scoring::NegMeanSquaredError => -m::mse(&values(target), &pred.to_vec())?,
            Scoring::NegMeanAbsoluteError => -m::mae(&values(target), &pred.to_vec())?,
        })
    }
}

fn values(target: &Target) -> Vec<f64> {
    target.as_f64().to_vec()
}

/// The folds of `cv` on `table`, using its class codes and group ids where present.
///
/// # Errors
///
/// Returns the [`SplitError`](crate::split::SplitError) of [`Cv::split`] (for example when `cv`
/// needs labels or groups the table does not have, or has more folds than rows or groups).
pub fn splits_for(cv: &Cv, table: &Table) -> Result<Vec<Split>, BoxError> {
    let y: Option<Vec<usize>> = table.class_target().map(|c| c.codes.to_vec());
    let groups: Option<Vec<usize>> = table.groups.as_ref().map(|g| g.ids.to_vec());
    Ok(cv.split(table.n_rows(), y.as_deref(), groups.as_deref())?)
}

/// Scores of one fold.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldScores {
    /// Training rows.
    pub n_train: usize,
    /// Test rows.
    pub n_test: usize,
    /// Test score per scorer.
    pub test: BTreeMap<Scoring, f64>,
    /// Training score per scorer (for over-fitting diagnostics).
    pub train: BTreeMap<Scoring, f64>,
}

/// Per-fold results of [`cross_validate`], in fold order.
#[derive(Debug, Clone, PartialEq)]
pub struct CvResult {
    /// One entry per fold.
    pub folds: Vec<FoldScores>,
}

impl CvResult {
    /// Test scores of one scorer, in fold order.
    pub fn test_scores(&self, s: Scoring) -> Vec<f64> {
        self.folds.iter().map(|f| f.test[&s]).collect()
    }
    /// Training scores of one scorer, in fold order.
    pub fn train_scores(&self, s: Scoring) -> Vec<f64> {
        self.folds.iter().map(|f| f.train[&s]).collect()
    }
    /// Mean and (population) standard deviation of a scorer's test scores.
    pub fn mean_std(&self, s: Scoring) -> (f64, f64) {
        mean_std(&self.test_scores(s))
    }
}

/// Mean and population standard deviation (NumPy's `std`, as scikit-learn reports).
pub fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Fit on each fold's training rows and score on its test rows (and training rows), folds
/// in parallel, results in fold order.
///
/// # Errors
///
/// Returns the first error, in fold order, of [`Learner::fit`] on a fold's training rows or of
/// [`Scoring::score`] on its test or training rows.
pub fn cross_validate(
    learner: &dyn Learner,
    table: &Table,
    splits: &[Split],
    scoring: &[Scoring],
) -> Result<CvResult, BoxError> {
    let folds = splits
        .par_iter()
        .map(|s| -> Result<FoldScores, BoxError> {
            let train = table.select_rows(&s.train);
            let test = table.select_rows(&s.test);
            let model = learner.fit(&train)?;
            let mut test_scores = BTreeMap::new();
            let mut train_scores = BTreeMap::new();
            for &sc in scoring {
                test_scores.insert(sc, sc.score(model.as_ref(), &test)?);
                train_scores.insert(sc, sc.score(model.as_ref(), &train)?);
            }
            Ok(FoldScores {
                n_train: s.train.len(),
                n_test: s.test.len(),
                test: test_scores,
                train: train_scores,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CvResult { folds })
}

/// Out-of-fold predictions: each row predicted by the model fitted without it. The splits
/// must test every row exactly once (a partition, as scikit-learn requires).
///
/// # Errors
///
/// Returns an error when the test sides of `splits` do not hold every row exactly once, and the
/// first error, in fold order, of [`Learner::fit`] or [`Predictor::predict`].
pub fn cross_val_predict(
    learner: &dyn Learner,
    table: &Table,
    splits: &[Split],
) -> Result<Array1<f64>, BoxError> {
    let n = table.n_rows();
    let mut seen = vec![0usize; n];
    splits
        .iter()
        .flat_map(|s| &s.test)
        .for_each(|&i| seen[i] += 1);
    if seen.iter().any(|&c| c != 1) {
        return Err("cross_val_predict needs splits that test every row exactly once".into());
    }
    let parts = splits
        .par_iter()
        .map(|s| -> Result<Array1<f64>, BoxError> {
            let model = learner.fit(&table.select_rows(&s.train))?;
            model.predict(table.x.select(Axis(0), &s.test).view())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Array1::zeros(n);
    for (s, p) in splits.iter().zip(parts) {
        for (&i, v) in s.test.iter().zip(p) {
            out[i] = v;
        }
    }
    Ok(out)
}

/// A hyper-parameter value.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Param {
    /// A number.
    Num(f64),
    /// A name (kernel, criterion, ...).
    Text(String),
}

impl std::fmt::Display for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Param::Num(x) => write!(f, "{x}"),
            Param::Text(s) => f.write_str(s),
        }
    }
}

/// One point of a grid: parameter name → value.
pub type Params = BTreeMap<String, Param>;

/// A parameter grid: every combination of the listed values, in scikit-learn's
/// `ParameterGrid` order (keys sorted, the last key varying fastest).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamGrid {
    axes: BTreeMap<String, Vec<Param>>,
}

impl ParamGrid {
    /// An empty grid (one point with no parameters).
    pub fn new() -> ParamGrid {
        ParamGrid::default()
    }
    /// Add an axis.
    pub fn axis(mut self, name: &str, values: Vec<Param>) -> ParamGrid {
        self.axes.insert(name.to_string(), values);
        self
    }
    /// Every point of the grid.
    pub fn points(&self) -> Vec<Params> {
        let mut out = vec![Params::new()];
        for (name, values) in &self.axes {
            out = out
                .into_iter()
                .flat_map(|p| {
                    values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.insert(name.clone(), v.clone());
                        q
                    })
                })
                .collect();
        }
        out
    }
}

/// The result of [`grid_search`].
#[derive(Debug, Clone, PartialEq)]
pub struct GridResult {
    /// Each grid point with its mean and standard deviation of test scores.
    pub results: Vec<(Params, f64, f64)>,
    /// Index of the best point (highest mean; the first among ties, as scikit-learn).
    pub best: usize,
}

impl GridResult {
    /// The best parameters.
    pub fn best_params(&self) -> &Params {
        &self.results[self.best].0
    }
    /// The best mean score.
    pub fn best_score(&self) -> f64 {
        self.results[self.best].1
    }
}

/// Exhaustive grid search with cross-validation: `make` builds a learner for a grid point.
///
/// # Errors
///
/// Returns the errors of [`splits_for`], of `make` for a grid point and of [`cross_validate`]; and
/// an error when the grid has no point (an axis with no values).
pub fn grid_search<L, F>(
    make: F,
    grid: &ParamGrid,
    table: &Table,
    cv: &Cv,
    scoring: Scoring,
) -> Result<GridResult, BoxError>
where
    L: Learner,
    F: Fn(&Params) -> Result<L, BoxError>,
{
    let splits = splits_for(cv, table)?;
    let mut results = Vec::new();
    for point in grid.points() {
        let learner = make(&point)?;
        let cv_result = cross_validate(&learner, table, &splits, &[scoring])?;
        let (mean, std) = cv_result.mean_std(scoring);
        results.push((point, mean, std));
    }
    if results.is_empty() {
        return Err("the parameter grid is empty".into());
    }
    let mut best = 0;
    for (i, r) in results.iter().enumerate() {
        if r.1 > results[best].1 {
            best = i;
        }
    }
    Ok(GridResult { results, best })
}

/// One outer fold of [`nested_cv`].
#[derive(Debug, Clone, PartialEq)]
pub struct NestedFold {
    /// Parameters chosen by the inner search on the outer training rows.
    pub params: Params,
    /// Inner cross-validated score of those parameters (optimistic).
    pub inner_score: f64,
    /// Score on the outer test rows (honest).
    pub outer_score: f64,
}

/// Nested cross-validation: a grid search on each outer training set, the chosen model
/// refitted there and scored on the outer test set, which the search never saw.
///
/// # Errors
///
/// Returns the errors of [`splits_for`] on the outer scheme, of [`grid_search`] with `inner` on
/// each outer training set, of `make` and [`Learner::fit`] when refitting the chosen parameters,
/// and of [`Scoring::score`] on the outer test set.
pub fn nested_cv<L, F>(
    make: F,
    grid: &ParamGrid,
    table: &Table,
    outer: &Cv,
    inner: &Cv,
    scoring: Scoring,
) -> Result<Vec<NestedFold>, BoxError>
where
    L: Learner,
    F: Fn(&Params) -> Result<L, BoxError>,
{
    let mut out = Vec::new();
    for s in splits_for(outer, table)? {
        let train = table.select_rows(&s.train);
        let test = table.select_rows(&s.test);
        let search = grid_search(&make, grid, &train, inner, scoring)?;
        let model = make(search.best_params())?.fit(&train)?;
        out.push(NestedFold {
            params: search.best_params().clone(),
            inner_score: search.best_score(),
            outer_score: scoring.score(model.as_ref(), &test)?,
        });
    }
    Ok(out)
}

/// One point of a learning or validation curve: mean ± sd of train and test scores.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    /// Training-set size (learning curve) or parameter value (validation curve).
    pub x: f64,
    /// Mean training score.
    pub train_mean: f64,
    /// Its standard deviation over folds.
    pub train_std: f64,
    /// Mean test score.
    pub test_mean: f64,
    /// Its standard deviation over folds.
    pub test_std: f64,
}

fn curve_point(x: f64, r: &CvResult, s: Scoring) -> CurvePoint {
    let (train_mean, train_std) = mean_std(&r.train_scores(s));
    let (test_mean, test_std) = mean_std(&r.test_scores(s));
    CurvePoint {
        x,
        train_mean,
        train_std,
        test_mean,
        test_std,
    }
}

/// Learning curve: scores when training on the first `fraction` of each fold's training
/// rows (scikit-learn's `train[:n]`), for each fraction in (0, 1].
///
/// # Errors
///
/// Returns an error when a fraction is not in (0, 1], and the errors of [`cross_validate`].
pub fn learning_curve(
    learner: &dyn Learner,
    table: &Table,
    splits: &[Split],
    fractions: &[f64],
    scoring: Scoring,
) -> Result<Vec<CurvePoint>, BoxError> {
    let min_train = splits.iter().map(|s| s.train.len()).min().unwrap_or(0);
    fractions
        .iter()
        .map(|&f| {
            if !(f > 0.0 && f <= 1.0) {
                return Err(format!("training fraction {f} is not in (0, 1]").into());
            }
            let n = ((f * min_train as f64).floor() as usize).max(1);
            let sub: Vec<Split> = splits
                .iter()
                .map(|s| Split {
                    train: s.train[..n].to_vec(),
                    test: s.test.clone(),
                })
                .collect();
            let r = cross_validate(learner, table, &sub, &[scoring])?;
            Ok(curve_point(n as f64, &r, scoring))
        })
        .collect()
}

/// Validation curve: train and test scores as one hyper-parameter varies.
///
/// # Errors
///
/// Returns the errors of `make` and of [`cross_validate`].
pub fn validation_curve<L, F>(
    make: F,
    values: &[f64],
    table: &Table,
    splits: &[Split],
    scoring: Scoring,
) -> Result<Vec<CurvePoint>, BoxError>
where
    L: Learner,
    F: Fn(f64) -> Result<L, BoxError>,
{
    values
        .iter()
        .map(|&v| {
            let r = cross_validate(&make(v)?, table, splits, &[scoring])?;
            Ok(curve_point(v, &r, scoring))
        })
        .collect()
}

/// scikit-learn's `class_weight="balanced"`: `n_samples / (n_classes · count(class))` per
/// class code (0 for codes absent from `y`).
pub fn balanced_class_weights(y: &[usize], n_classes: usize) -> Vec<f64> {
    let mut counts = vec![0usize; n_classes];
    y.iter().for_each(|&c| counts[c] += 1);
    let present = counts.iter().filter(|&&c| c > 0).count() as f64;
    counts
        .iter()
        .map(|&c| {
            if c == 0 {
                0.0
            } else {
                y.len() as f64 / (present * c as f64)
            }
        })
        .collect()
}

/// How to rebalance classes in a training set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resampler {
    /// Duplicate random rows of smaller classes until every class has the majority's count.
    RandomOver {
        /// Seed.
        seed: u32,
    },
    /// Drop random rows of larger classes down to the minority's count.
    RandomUnder {
        /// Seed.
        seed: u32,
    },
    /// SMOTE (Chawla et al. 2002): synthetic rows on segments between a minority row and
    /// one of its `k` nearest same-class neighbours, until classes are balanced. The algorithm
    /// of imbalanced-learn, not its random stream.
    Smote {
        /// Neighbours considered.
        k: usize,
        /// Seed.
        seed: u32,
    },
}

impl Resampler {
    /// Resample a training table (class target required). Groups and time are carried along
    /// for copied rows and dropped for synthetic ones.
    ///
    /// # Errors
    ///
    /// Returns an error when the table has no class target; for [`Resampler::Smote`], when `k` is
    /// 0, a class that needs synthetic rows has fewer than 2 rows, or the features (old or
    /// synthetic) hold NaN or an infinity.
    pub fn resample(&self, table: &Table) -> Result<Table, BoxError> {
        let c = table
            .class_target()
            .ok_or("resampling needs a class target")?;
        let counts = c.counts();
        let by_class: Vec<Vec<usize>> = (0..counts.len())
            .map(|k| (0..table.n_rows()).filter(|&i| c.codes[i] == k).collect())
            .collect();
        let present: Vec<usize> = (0..counts.len()).filter(|&k| counts[k] > 0).collect();
        let max = present.iter().map(|&k| counts[k]).max().unwrap_or(0);
        let min = present.iter().map(|&k| counts[k]).min().unwrap_or(0);
        match *self {
            Resampler::RandomOver { seed } => {
                let mut rng = RandomState::new(seed);
                let mut rows: Vec<usize> = (0..table.n_rows()).collect();
                for &k in &present {
                    for _ in counts[k]..max {
                        rows.push(by_class[k][rng.randint(0, counts[k] as i64) as usize]);
                    }
                }
                Ok(table.select_rows(&rows))
            }
            Resampler::RandomUnder { seed } => {
                let mut rng = RandomState::new(seed);
                let mut rows = Vec::new();
                for &k in &present {
                    let mut chosen = rng.choice_without_replacement(&by_class[k], min);
                    chosen.sort_unstable();
                    rows.extend(chosen);
                }
                rows.sort_unstable();
                Ok(table.select_rows(&rows))
            }
            Resampler::Smote { k, seed } => smote(table, &by_class, &present, max, k, seed),
        }
    }
}

fn smote(
    table: &Table,
    by_class: &[Vec<usize>],
    present: &[usize],
    max: usize,
    k: usize,
    seed: u32,
) -> Result<Table, BoxError> {
    if k == 0 {
        return Err("SMOTE needs k ≥ 1".into());
    }
    let c = table.class_target().expect("checked by caller");
    let mut rng = RandomState::new(seed);
    let mut new_rows: Vec<Vec<f64>> = Vec::new();
    let mut new_codes: Vec<usize> = Vec::new();
    for &class in present {
        let members = &by_class[class];
        let need = max - members.len();
        if need == 0 {
            continue;
        }
        if members.len() < 2 {
            return Err(format!(
                "SMOTE needs at least 2 rows of class '{}' in the training set",
                c.classes[class]
            )
            .into());
        }
        let kk = k.min(members.len() - 1);
        // Nearest same-class neighbours of each member (Euclidean, ties by row order).
        let neighbours: Vec<Vec<usize>> = members
            .iter()
            .map(|&i| {
                let mut d: Vec<(f64, usize)> = members
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| {
                        let diff = &table.x.row(i) - &table.x.row(j);
                        (diff.dot(&diff), j)
                    })
                    .collect();
                d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                d.into_iter().take(kk).map(|(_, j)| j).collect()
            })
            .collect();
        for _ in 0..need {
            let a = rng.randint(0, members.len() as i64) as usize;
            let b = neighbours[a][rng.randint(0, kk as i64) as usize];
            let gap = rng.random_sample();
            let (xa, xb) = (table.x.row(members[a]), table.x.row(b));
            new_rows.push(xa.iter().zip(xb).map(|(p, q)| p + gap * (q - p)).collect());
            new_codes.push(class);
        }
    }
    let n_old = table.n_rows();
    let mut x = Array2::zeros((n_old + new_rows.len(), table.n_features()));
    x.slice_mut(ndarray::s![..n_old, ..]).assign(&table.x);
    for (i, row) in new_rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            x[[n_old + i, j]] = *v;
        }
    }
    let mut codes = c.codes.to_vec();
    codes.extend(new_codes);
    let mut target = c.clone();
    target.codes = Array1::from(codes);
    let mut out = Table::from_features(table.source.clone(), x, table.feature_names.clone())?;
    out.target = Some(Target::Classes(target));
    out.source_rows = table
        .source_rows
        .iter()
        .copied()
        .chain(std::iter::repeat_n(usize::MAX, new_rows.len()))
        .collect();
    Ok(out)
}

/// A learner whose training set is resampled before fitting: used in cross-validation, the
/// resampling happens inside each training fold only, never touching test rows.
pub struct Resampled<L> {
    /// The model.
    pub inner: L,
    /// The resampler.
    pub resampler: Resampler,
}

impl<L: Learner> Learner for Resampled<L> {
    fn fit(&self, train: &Table) -> Result<Box<dyn Predictor>, BoxError> {
        self.inner.fit(&self.resampler.resample(train)?)
    }
}

/// Permutation importance of each feature: the mean and standard deviation, over
/// `n_repeats` shuffles of that column, of the drop in score.
///
/// # Errors
///
/// Returns the errors of [`Scoring::score`] on `data` and on its shuffled copies.
pub fn permutation_importance(
    model: &dyn Predictor,
    data: &Table,
    scoring: Scoring,
    n_repeats: usize,
    seed: u32,
) -> Result<Vec<(f64, f64)>, BoxError> {
    let baseline = scoring.score(model, data)?;
    let mut rng = RandomState::new(seed);
    let mut out = Vec::with_capacity(data.n_features());
    for j in 0..data.n_features() {
        let mut drops = Vec::with_capacity(n_repeats);
        for _ in 0..n_repeats {
            let perm = rng.permutation(data.n_rows());
            let mut shuffled = data.clone();
            let col = data.x.column(j);
            for (i, &p) in perm.iter().enumerate() {
                shuffled.x[[i, j]] = col[p];
            }
            drops.push(baseline - scoring.score(model, &shuffled)?);
        }
        out.push(mean_std(&drops));
    }
    Ok(out)
}
