//! 28 — dementia severity over time: five ordered severity groups predicted from in-home and
//! clinical assessments with participant-grouped cross-validation, comparing nominal
//! classifiers with ordinal-aware models (regression on the class index, Frank & Hall's
//! cumulative binary classifiers, a proportional-odds cumulative-logit model written here),
//! scored with ordinal-aware measures; then behavioural trajectories by baseline severity.

use ml4ns_data_io::synth::{self, SEVERITY_LEVELS};
use ml4ns_data_io::{ClassTarget, Table, Target};
use ml4ns_models::{FittedScaler, Model, Pipeline, Scaling};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics::{self as m, Average, ZeroDivision};
use ml4ns_validation::selection::{mean_std, splits_for, Learner};
use ml4ns_validation::{Cv, RandomState, Split};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use crate::common::{codes, inverse, select_features};
use crate::{Context, TopicError};

const ID: &str = "28-dementia-severity";
/// Participant-wise folds: every visit of a participant is on the same side.
const CV: &str = "group_kfold:n_splits=5";
const K: usize = SEVERITY_LEVELS.len();
const LOGISTIC: &str = "logistic:c=1.0";
const FOREST: &str = "random_forest:n_trees=100,seed=0";
const RIDGE: &str = "ridge:alpha=1.0";
/// L2 penalty on the cumulative-logit slopes (on the mean log-likelihood), for stability.
const CLM_L2: f64 = 1e-4;

/// The in-home measures (with age, which shifts steps and gait): no clinical scale.
const SENSOR_FEATURES: [&str; 6] = [
    "age",
    "sleep_disturbance_nights",
    "daily_steps",
    "gait_speed",
    "night_activity_events",
    "kitchen_visits",
];

/// The features whose trajectories are followed.
const TRAJECTORY: [(&str, &str); 6] = [
    ("mmse", "MMSE (points)"),
    ("daily_steps", "daily steps"),
    ("gait_speed", "gait speed (m/s)"),
    ("night_activity_events", "night activity events"),
    ("kitchen_visits", "kitchen visits"),
    ("sleep_disturbance_nights", "disturbed nights / week"),
];

/// A model that predicts a severity code 0..K for each row of a test table.
enum Approach {
    /// A classifier that ignores the order (its predicted class).
    Nominal(&'static str),
    /// Regression on the class index, rounded and clipped to 0..K−1.
    Regression(&'static str),
    /// Frank & Hall (2001): K−1 binary logistic models of P(severity > k), combined into
    /// class probabilities; the most probable class.
    FrankHall,
    /// Proportional-odds cumulative logit, P(severity ≤ k) = σ(θₖ − x·β); the most probable
    /// class.
    CumulativeLogit,
}

struct Method {
    name: &'static str,
    short: &'static str,
    ordinal: bool,
    approach: Approach,
}

const METHODS: [Method; 5] = [
    Method {
        name: "multinomial logistic regression",
        short: "multinomial",
        ordinal: false,
        approach: Approach::Nominal(LOGISTIC),
    },
    Method {
        name: "random forest (100 trees)",
        short: "forest",
        ordinal: false,
        approach: Approach::Nominal(FOREST),
    },
    Method {
        name: "ridge regression on the class index, rounded",
        short: "regression",
        ordinal: true,
        approach: Approach::Regression(RIDGE),
    },
    Method {
        name: "Frank & Hall: 4 binary \"severity > k\" logistic models",
        short: "frank_hall",
        ordinal: true,
        approach: Approach::FrankHall,
    },
    Method {
        name: "cumulative logit (proportional odds, written here)",
        short: "cumulative_logit",
        ordinal: true,
        approach: Approach::CumulativeLogit,
    },
];

fn scaled(spec: &str) -> Result<Pipeline, TopicError> {
    Ok(Pipeline::new(Model::parse(spec)?).scaling(Scaling::Standard))
}

fn with_codes(t: &Table, codes: Vec<usize>, classes: Vec<String>) -> Result<Table, TopicError> {
    Ok(t.clone().with_target(Target::Classes(ClassTarget {
        name: "severity".into(),
        codes: Array1::from(codes),
        first_seen: classes.clone(),
        classes,
    }))?)
}

fn argmax(row: ArrayView1<f64>) -> usize {
    let mut best = 0;
    for (k, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = k;
        }
    }
    best
}

/// Fit on `train`, predict severity codes for `test`. Also returns, for the cumulative logit,
/// the largest absolute gradient component at the end of the fit (0 otherwise).
fn fit_predict(a: &Approach, train: &Table, test: &Table) -> Result<(Vec<usize>, f64), TopicError> {
    let y = codes(train)?;
    let labels: Vec<usize> = train
        .class_target()
        .ok_or("severity is a class target")?
        .classes
        .iter()
        .map(|c| c.parse::<usize>())
        .collect::<Result<_, _>>()?;
    if labels != (0..K).collect::<Vec<_>>() {
        return Err(format!("expected severity classes 0..{K}, got {labels:?}").into());
    }
    let present: std::collections::BTreeSet<usize> = y.iter().copied().collect();
    if present.len() != K {
        return Err("a training fold lacks a severity group".into());
    }
    match a {
        Approach::Nominal(spec) => {
            let model = Learner::fit(&scaled(spec)?, train)?;
            let p = model.predict(test.x.view())?;
            Ok((p.iter().map(|&v| v as usize).collect(), 0.0))
        }
        Approach::Regression(spec) => {
            let mut t = train.clone();
            t.target = Some(Target::Continuous {
                name: "severity".into(),
                values: Array1::from_iter(y.iter().map(|&c| c as f64)),
            });
            let model = Learner::fit(&scaled(spec)?, &t)?;
            let p = model.predict(test.x.view())?;
            Ok((
                p.iter()
                    .map(|&v| v.round().clamp(0.0, (K - 1) as f64) as usize)
                    .collect(),
                0.0,
            ))
        }
        Approach::FrankHall => {
            let mut above = Array2::<f64>::zeros((test.n_rows(), K - 1));
            for k in 0..K - 1 {
                let bin: Vec<usize> = y.iter().map(|&c| usize::from(c > k)).collect();
                let t = with_codes(train, bin, vec!["0".into(), "1".into()])?;
                let model = Learner::fit(&scaled(LOGISTIC)?, &t)?;
                let p = model
                    .predict_proba(test.x.view())?
                    .ok_or("logistic regression gives probabilities")?;
                above.column_mut(k).assign(&p.column(1));
            }
            let pred = above
                .outer_iter()
                .map(|q| {
                    let mut probs = Array1::<f64>::zeros(K);
                    probs[0] = 1.0 - q[0];
                    for k in 1..K - 1 {
                        probs[k] = q[k - 1] - q[k];
                    }
                    probs[K - 1] = q[K - 2];
                    argmax(probs.view())
                })
                .collect();
            Ok((pred, 0.0))
        }
        Approach::CumulativeLogit => {
            let scaler = FittedScaler::fit(Scaling::Standard, train.x.view());
            let fit = CumulativeLogit::fit(scaler.transform(train.x.view()).view(), &y, K)?;
            let probs = fit.proba(scaler.transform(test.x.view()).view());
            Ok((probs.outer_iter().map(argmax).collect(), fit.final_gradient))
        }
    }
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// A fitted proportional-odds (cumulative logit) model: P(y ≤ k | x) = σ(θₖ − x·β) for
/// k = 0..K−2, with θ₀ < θ₁ < … kept ordered by writing θₖ = θₖ₋₁ + exp(δₖ).
///
/// Written here because linfa has no ordinal regression. Fitted by Newton's method on the
/// mean negative log-likelihood (plus a small L2 penalty on β), with the analytic gradient, a
/// Hessian from finite differences of that gradient, and a backtracking line search.
#[derive(Debug, Clone)]
struct CumulativeLogit {
    beta: Array1<f64>,
    theta: Vec<f64>,
    final_gradient: f64,
}

impl CumulativeLogit {
    /// Unpack θ from the parameter vector [β (p), θ₀, δ₁ … δ_{K−2}].
    fn thresholds(params: &[f64], p: usize, k: usize) -> Vec<f64> {
        let mut th = Vec::with_capacity(k - 1);
        th.push(params[p]);
        for j in 1..k - 1 {
            th.push(th[j - 1] + params[p + j].exp());
        }
        th
    }

    /// Mean negative log-likelihood plus penalty, and its gradient.
    fn objective(x: ArrayView2<f64>, y: &[usize], k: usize, params: &[f64]) -> (f64, Vec<f64>) {
        let (n, p) = x.dim();
        let th = CumulativeLogit::thresholds(params, p, k);
        let beta = ArrayView1::from(&params[..p]);
        let eta = x.dot(&beta);
        let mut loss = 0.0;
        let mut g_beta = Array1::<f64>::zeros(p);
        let mut g_theta = vec![0.0; k - 1];
        for i in 0..n {
            let c = y[i];
            // P(y = c) = F(θ_c − η) − F(θ_{c−1} − η), θ_{−1} = −∞, θ_{K−1} = +∞.
            let (fa, da) = if c < k - 1 {
                let s = sigmoid(th[c] - eta[i]);
                (s, s * (1.0 - s))
            } else {
                (1.0, 0.0)
            };
            let (fb, db) = if c > 0 {
                let s = sigmoid(th[c - 1] - eta[i]);
                (s, s * (1.0 - s))
            } else {
                (0.0, 0.0)
            };
            let pr = (fa - fb).max(1e-300);
            loss -= pr.ln();
            // d(−log pr)/dη = (da − db)/pr; d/dθ_c = −da/pr; d/dθ_{c−1} = db/pr.
            let d_eta = (da - db) / pr;
            g_beta.scaled_add(d_eta, &x.row(i));
            if c < k - 1 {
                g_theta[c] -= da / pr;
            }
            if c > 0 {
                g_theta[c - 1] += db / pr;
            }
        }
        let nf = n as f64;
        let mut grad = Vec::with_capacity(params.len());
        for j in 0..p {
            grad.push(g_beta[j] / nf + CLM_L2 * params[j]);
        }
        // θ₀ moves every threshold; δⱼ moves θⱼ.. by exp(δⱼ).
        grad.push(g_theta.iter().sum::<f64>() / nf);
        for j in 1..k - 1 {
            grad.push(params[p + j].exp() * g_theta[j..].iter().sum::<f64>() / nf);
        }
        let penalty = 0.5 * CLM_L2 * params[..p].iter().map(|b| b * b).sum::<f64>();
        (loss / nf + penalty, grad)
    }

    fn fit(x: ArrayView2<f64>, y: &[usize], k: usize) -> Result<CumulativeLogit, TopicError> {
        let p = x.ncols();
        let d = p + k - 1;
        // Start: β = 0, thresholds at the logits of the cumulative class shares.
        let mut params = vec![0.0; d];
        let n = y.len() as f64;
        let mut cum = 0.0;
        let mut th = Vec::new();
        for c in 0..k - 1 {
            cum += y.iter().filter(|&&v| v == c).count() as f64 / n;
            let q = cum.clamp(1e-3, 1.0 - 1e-3);
            th.push((q / (1.0 - q)).ln());
        }
        params[p] = th[0];
        for j in 1..k - 1 {
            params[p + j] = (th[j] - th[j - 1]).max(1e-3).ln();
        }
        let (mut f, mut g) = CumulativeLogit::objective(x, y, k, &params);
        for _ in 0..100 {
            let gmax = g.iter().fold(0.0f64, |a, b| a.max(b.abs()));
            if gmax < 1e-9 {
                break;
            }
            // Hessian by central differences of the analytic gradient, symmetrised.
            let h = 1e-5;
            let mut hess = Array2::<f64>::zeros((d, d));
            for j in 0..d {
                let mut up = params.clone();
                up[j] += h;
                let mut down = params.clone();
                down[j] -= h;
                let gu = CumulativeLogit::objective(x, y, k, &up).1;
                let gd = CumulativeLogit::objective(x, y, k, &down).1;
                for i in 0..d {
                    hess[[i, j]] = (gu[i] - gd[i]) / (2.0 * h);
                }
            }
            let hess = (&hess + &hess.t()) / 2.0;
            let garr = Array1::from(g.clone());
            let newton = inverse(&hess).map(|inv| -inv.dot(&garr));
            // Fall back to steepest descent where Newton's direction is not a descent one.
            let dir = match newton {
                Some(s) if s.dot(&garr) < 0.0 => s,
                _ => -garr.clone(),
            };
            let slope = dir.dot(&garr);
            let mut step = 1.0;
            let mut moved = false;
            for _ in 0..40 {
                let trial: Vec<f64> = params
                    .iter()
                    .zip(dir.iter())
                    .map(|(a, b)| a + step * b)
                    .collect();
                let (ft, gt) = CumulativeLogit::objective(x, y, k, &trial);
                if ft.is_finite() && ft <= f + 1e-4 * step * slope {
                    params = trial;
                    f = ft;
                    g = gt;
                    moved = true;
                    break;
                }
                step /= 2.0;
            }
            if !moved {
                break;
            }
        }
        if !f.is_finite() {
            return Err("the cumulative-logit fit diverged".into());
        }
        Ok(CumulativeLogit {
            beta: Array1::from(params[..p].to_vec()),
            theta: CumulativeLogit::thresholds(&params, p, k),
            final_gradient: g.iter().fold(0.0f64, |a, b| a.max(b.abs())),
        })
    }

    /// Class probabilities, one row per sample.
    fn proba(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let k = self.theta.len() + 1;
        let eta = x.dot(&self.beta);
        let mut out = Array2::zeros((x.nrows(), k));
        for (i, &e) in eta.iter().enumerate() {
            let mut prev = 0.0;
            for c in 0..k {
                let cum = if c < k - 1 {
                    sigmoid(self.theta[c] - e)
                } else {
                    1.0
                };
                out[[i, c]] = cum - prev;
                prev = cum;
            }
        }
        out
    }
}

/// Quadratic weighted Cohen's kappa (scikit-learn's `cohen_kappa_score(weights="quadratic")`)
/// over classes 0..k: 1 − Σ w·O / Σ w·E with w = (i − j)², E the outer product of the
/// marginals scaled to the total.
fn quadratic_kappa(y_true: &[usize], y_pred: &[usize], k: usize) -> Result<f64, TopicError> {
    let cm = m::confusion_matrix_with_labels(y_true, y_pred, &(0..k).collect::<Vec<_>>())?;
    let total: f64 = cm.counts.iter().flatten().map(|&c| c as f64).sum();
    let rows: Vec<f64> = cm
        .counts
        .iter()
        .map(|r| r.iter().map(|&c| c as f64).sum())
        .collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| cm.counts.iter().map(|r| r[j] as f64).sum())
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for (i, (row, r)) in cm.counts.iter().zip(&rows).enumerate() {
        for (j, (&o, c)) in row.iter().zip(&cols).enumerate() {
            let w = ((i as f64) - (j as f64)).powi(2);
            num += w * o as f64;
            den += w * r * c / total;
        }
    }
    if den == 0.0 {
        return Err("quadratic kappa is undefined when only one class occurs".into());
    }
    Ok(1.0 - num / den)
}

/// Ordinal-aware scores of one set of predictions.
#[derive(Debug, Clone, Copy)]
struct Scores {
    accuracy: f64,
    macro_f1: f64,
    mae: f64,
    /// Share of all predictions two or more classes off.
    far: f64,
    /// Of the wrong predictions, the share two or more classes off.
    far_of_errors: f64,
    qwk: f64,
}

fn scores(y: &[usize], pred: &[usize]) -> Result<Scores, TopicError> {
    let n = y.len() as f64;
    let off: Vec<usize> = y.iter().zip(pred).map(|(&a, &b)| a.abs_diff(b)).collect();
    let errors = off.iter().filter(|&&d| d > 0).count();
    let far = off.iter().filter(|&&d| d >= 2).count();
    Ok(Scores {
        accuracy: m::accuracy(y, pred)?,
        macro_f1: m::f1(y, pred, Average::Macro, ZeroDivision::Zero)?,
        mae: off.iter().sum::<usize>() as f64 / n,
        far: far as f64 / n,
        far_of_errors: if errors == 0 {
            0.0
        } else {
            far as f64 / errors as f64
        },
        qwk: quadratic_kappa(y, pred, K)?,
    })
}

struct MethodResult {
    folds: Vec<Scores>,
    pooled: Scores,
    pred: Vec<usize>,
    max_gradient: f64,
}

impl MethodResult {
    fn mean(&self, f: fn(&Scores) -> f64) -> (f64, f64) {
        mean_std(&self.folds.iter().map(f).collect::<Vec<_>>())
    }
}

fn cell((mean, sd): (f64, f64), d: usize) -> String {
    format!("{} ± {}", fixed(mean, d), fixed(sd, d))
}

/// Ordinary least-squares slope of `v` on `t`; `None` with fewer than two distinct times.
fn slope(t: &[f64], v: &[f64]) -> Option<f64> {
    let n = t.len() as f64;
    if t.len() < 2 {
        return None;
    }
    let (mt, mv) = (t.iter().sum::<f64>() / n, v.iter().sum::<f64>() / n);
    let sxx: f64 = t.iter().map(|a| (a - mt) * (a - mt)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = t.iter().zip(v).map(|(a, b)| (a - mt) * (b - mv)).sum();
    Some(sxy / sxx)
}

/// Baseline groups for the trajectories: the five levels, with the last two merged when the
/// most severe level has too few participants at baseline to draw a line.
fn baseline_groups(counts: &[usize; K]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = (0..K - 2)
        .map(|k| (SEVERITY_LEVELS[k].to_string(), vec![k]))
        .collect();
    if counts[K - 1] < 5 {
        out.push((
            format!("{} or {}", SEVERITY_LEVELS[K - 2], SEVERITY_LEVELS[K - 1]),
            vec![K - 2, K - 1],
        ));
    } else {
        out.push((SEVERITY_LEVELS[K - 2].to_string(), vec![K - 2]));
        out.push((SEVERITY_LEVELS[K - 1].to_string(), vec![K - 1]));
    }
    out
}

/// Every method on `table`, the same folds: per-fold scores and pooled out-of-fold predictions.
fn evaluate(table: &Table, splits: &[Split], y: &[usize]) -> Result<Vec<MethodResult>, TopicError> {
    let n = table.n_rows();
    let mut results = Vec::new();
    for method in &METHODS {
        let mut pred = vec![usize::MAX; n];
        let mut folds = Vec::new();
        let mut max_gradient = 0.0f64;
        for s in splits {
            let train = table.select_rows(&s.train);
            let test = table.select_rows(&s.test);
            let (p, grad) = fit_predict(&method.approach, &train, &test)?;
            max_gradient = max_gradient.max(grad);
            let truth: Vec<usize> = s.test.iter().map(|&i| y[i]).collect();
            folds.push(scores(&truth, &p)?);
            for (&i, &c) in s.test.iter().zip(&p) {
                pred[i] = c;
            }
        }
        if pred.iter().any(|&c| c >= K) {
            return Err(format!("{}: not every visit was predicted", method.name).into());
        }
        results.push(MethodResult {
            pooled: scores(y, &pred)?,
            folds,
            pred,
            max_gradient,
        });
    }
    Ok(results)
}

/// Training sizes (participants) of the learning curve, draws per size and fold, and seed.
const CURVE_SIZES: [usize; 5] = [10, 15, 25, 50, 100];
const CURVE_REPEATS: usize = 4;
const CURVE_SEED: u32 = 28;
/// Methods on the learning curve (indices into [`METHODS`]): multinomial, regression,
/// cumulative logit.
const CURVE_METHODS: [usize; 3] = [0, 2, 4];

/// Mean absolute class error of [`CURVE_METHODS`] trained on random subsets of each fold's
/// training participants: `out[method][size]` holds one value per fold and draw. The same
/// subsets serve every method (paired).
fn learning_curve(
    table: &Table,
    splits: &[Split],
    y: &[usize],
    pid: &[usize],
) -> Result<Vec<Vec<Vec<f64>>>, TopicError> {
    let mut rng = RandomState::new(CURVE_SEED);
    let mut out = vec![vec![Vec::new(); CURVE_SIZES.len()]; CURVE_METHODS.len()];
    for s in splits {
        let people: Vec<usize> = s
            .train
            .iter()
            .map(|&i| pid[i])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let test = table.select_rows(&s.test);
        let truth: Vec<usize> = s.test.iter().map(|&i| y[i]).collect();
        for (si, &size) in CURVE_SIZES.iter().enumerate() {
            if size > people.len() {
                return Err(format!(
                    "a fold has {} training participants, fewer than {size}",
                    people.len()
                )
                .into());
            }
            for _ in 0..CURVE_REPEATS {
                let mut rows = None;
                for _ in 0..200 {
                    let chosen: std::collections::BTreeSet<usize> =
                        rng.permuted(&people).into_iter().take(size).collect();
                    let r: Vec<usize> = s
                        .train
                        .iter()
                        .copied()
                        .filter(|i| chosen.contains(&pid[*i]))
                        .collect();
                    let classes: std::collections::BTreeSet<usize> =
                        r.iter().map(|&i| y[i]).collect();
                    if classes.len() == K {
                        rows = Some(r);
                        break;
                    }
                }
                let rows = rows.ok_or_else(|| {
                    format!("no draw of {size} participants covered all five groups")
                })?;
                let train = table.select_rows(&rows);
                for (ci, &mi) in CURVE_METHODS.iter().enumerate() {
                    let (p, _) = fit_predict(&METHODS[mi].approach, &train, &test)?;
                    out[ci][si].push(scores(&truth, &p)?.mae);
                }
            }
        }
    }
    Ok(out)
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Dementia severity over time",
        "Severity comes in five ordered groups: does a model that knows the order make smaller \
         mistakes than one that treats the groups as unrelated labels, and how do behaviour and \
         cognition change over time in each group?",
    );
    let table = synth::dementia_severity(150, synth::COMMITTED_SEED).table()?;
    let y = codes(&table)?;
    let n = table.n_rows();
    let pid: Vec<usize> = table
        .groups
        .as_ref()
        .ok_or("dementia_severity has participant groups")?
        .ids
        .to_vec();
    let month: Vec<f64> = table
        .time
        .as_ref()
        .ok_or("dementia_severity has a month column")?
        .values
        .to_vec();
    let n_part = pid.iter().collect::<std::collections::BTreeSet<_>>().len();
    let mut class_counts = [0usize; K];
    y.iter().for_each(|&c| class_counts[c] += 1);
    report.data = format!(
        "- **Synthetic data.** The `dementia_severity` cohort ({n_part} participants, {n} \
         quarterly visits, 6–12 each, seed {}; `datasets/cohorts/dementia_severity.csv`). \
         Features: {} (`sex` is text and left out; `month` is the time axis, not a feature). \
         Target `severity`, five ordered groups {} with {} visits.\n\
         - True process (the generator's documentation): a latent severity z(t) = z₀ + rate·t + \
         noise per participant, z₀ ~ N(1.2, 1), rate lognormal around 0.35 per year; severity \
         counts the thresholds 0.5 / 1.5 / 2.5 / 3.5 below z. Every assessment is a noisy \
         function of z: MMSE falls 4.2 points per unit of z, daily steps fall by a factor \
         e^(−0.25) per unit, night activity events rise by 1.5 per unit, and so on. The groups \
         are cut points on one continuous scale: ordinal by construction.\n\
         - Evaluation: participant-wise 5-fold CV (`{CV}` on `participant_id`, so no \
         participant's visits are on both sides); metrics are the mean ± standard deviation \
         over the five test folds; confusion matrices pool the out-of-fold predictions. \
         Features are standardised inside every fit.\n",
        synth::COMMITTED_SEED,
        table
            .feature_names
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", "),
        SEVERITY_LEVELS
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(" < "),
        class_counts
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" / "),
    );

    // Participant-wise folds.
    let splits: Vec<Split> = splits_for(&Cv::parse(CV)?, &table)?;
    let leaked = splits
        .iter()
        .map(|s| {
            let train: std::collections::BTreeSet<usize> =
                s.train.iter().map(|&i| pid[i]).collect();
            s.test.iter().filter(|&&i| train.contains(&pid[i])).count()
        })
        .sum::<usize>();
    report.checks.push(Check::equal(
        "group k-fold keeps each participant's visits on one side (test visits whose \
         participant is also in training)",
        leaked.to_string(),
        "0",
    ));

    let sensors = select_features(&table, &SENSOR_FEATURES)?;
    let full = evaluate(&table, &splits, &y)?;
    let sens = evaluate(&sensors, &splits, &y)?;

    let mut t = T::new([
        "features",
        "model",
        "kind",
        "accuracy",
        "macro-F1",
        "mean absolute class error",
        "≥ 2 classes off (% of visits)",
        "≥ 2 classes off (% of errors)",
        "quadratic weighted κ",
    ]);
    for (set, results) in [
        ("clinical + in-home", &full),
        ("in-home sensors only", &sens),
    ] {
        for (method, r) in METHODS.iter().zip(results.iter()) {
            let pct = |f: fn(&Scores) -> f64| {
                let (a, b) = r.mean(f);
                cell((100.0 * a, 100.0 * b), 1)
            };
            t.push([
                set.to_string(),
                method.name.to_string(),
                if method.ordinal { "ordinal" } else { "nominal" }.to_string(),
                cell(r.mean(|s| s.accuracy), 3),
                cell(r.mean(|s| s.macro_f1), 3),
                cell(r.mean(|s| s.mae), 3),
                pct(|s| s.far),
                pct(|s| s.far_of_errors),
                cell(r.mean(|s| s.qwk), 3),
            ]);
        }
    }
    let mut eval = Section::new("Nominal versus ordinal models")
        .para(format!(
            "Five models, the same participant-wise folds, on two feature sets: everything \
             (clinical scales MMSE, ADL and NPI plus the in-home measures), and the in-home \
             sensors alone ({}), the question a monitoring system would face without a clinic \
             visit. The nominal models predict one of five unrelated labels: mistaking *mild* \
             for *severe* costs them as much as mistaking it for *moderate*. The ordinal ones \
             use the order: a ridge regression on the class index (0–4), rounded and clipped; \
             Frank & Hall's method, four binary logistic models of P(severity > k) whose \
             differences give the class probabilities; and a proportional-odds model, \
             P(severity ≤ k) = σ(θₖ − x·β), one direction β and four ordered cut points θ, \
             fitted here by Newton's method because linfa has no ordinal regression. Accuracy \
             and macro-F1 ignore how far a mistake is; the mean absolute class error, the share \
             of predictions two or more groups off and the quadratic weighted κ (disagreement \
             weighted by the squared distance between groups) do not.",
            SENSOR_FEATURES
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .table(t);
    // Short labels: the heatmap's row-label margin is narrow.
    let names: Vec<String> = SEVERITY_LEVELS
        .iter()
        .map(|s| s.replace("moderately_", "mod. "))
        .collect();
    let labels: Vec<usize> = (0..K).collect();
    for (set, file, results) in [
        ("clinical + in-home", "all", &full),
        ("in-home sensors only", "sensors", &sens),
    ] {
        for (mi, method) in METHODS.iter().enumerate() {
            if method.short != "multinomial" && method.short != "cumulative_logit" {
                continue;
            }
            let cm = m::confusion_matrix_with_labels(&y, &results[mi].pred, &labels)?;
            let values: Vec<Vec<f64>> = cm
                .counts
                .iter()
                .map(|r| r.iter().map(|&c| c as f64).collect())
                .collect();
            eval = eval.figure(
                &format!("confusion_{file}_{}", method.short),
                format!(
                    "Confusion matrix, {}, {set} (out-of-fold, all {n} visits; rows true group, \
                     columns predicted)",
                    method.name
                ),
                Figure::heatmap(
                    &format!("{}, {set}", method.short.replace('_', " ")),
                    "predicted severity",
                    "true severity",
                    &names,
                    &names,
                    &values,
                    0,
                ),
            );
        }
    }
    report.sections.push(eval);

    // Checks on the evaluation.
    let idx = |short: &str| -> Result<usize, TopicError> {
        METHODS
            .iter()
            .position(|m| m.short == short)
            .ok_or_else(|| format!("no method {short}").into())
    };
    let (multi, forest, clm) = (
        idx("multinomial")?,
        idx("forest")?,
        idx("cumulative_logit")?,
    );
    let mae = |r: &[MethodResult], i: usize| r[i].mean(|s| s.mae).0;
    let qwk = |r: &[MethodResult], i: usize| r[i].mean(|s| s.qwk).0;
    let far = |r: &[MethodResult], i: usize| r[i].pooled.far;
    let spread = |r: &[MethodResult]| {
        let v: Vec<f64> = (0..METHODS.len()).map(|i| mae(r, i)).collect();
        v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - v.iter().copied().fold(f64::INFINITY, f64::min)
    };
    report.checks.push(Check::at_most(
        "with the clinical scales the five models are close: all five mean absolute class \
         errors lie within 0.05 of each other (spread)",
        spread(&full),
        0.05,
        3,
    ));
    report.checks.push(Check::at_most(
        "with the clinical scales almost no prediction is two or more groups off (largest \
         share over the five models, pooled out-of-fold)",
        (0..METHODS.len())
            .map(|i| far(&full, i))
            .fold(0.0, f64::max),
        0.01,
        3,
    ));
    let worse = (0..METHODS.len())
        .filter(|&i| mae(&sens, i) > mae(&full, i))
        .count();
    report.checks.push(Check::equal(
        "without the clinical scales every model makes larger mistakes (models whose mean \
         absolute class error rises)",
        format!("{worse}/{}", METHODS.len()),
        format!("{}/{}", METHODS.len(), METHODS.len()),
    ));
    let linear: Vec<usize> = (0..METHODS.len()).filter(|&i| i != forest).collect();
    let linear_maes: Vec<f64> = linear.iter().map(|&i| mae(&sens, i)).collect();
    let linear_spread = linear_maes
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        - linear_maes.iter().copied().fold(f64::INFINITY, f64::min);
    report.checks.push(Check::at_most(
        "sensors only, all training participants: the four linear models, nominal or \
         ordinal, are within 0.03 of each other in mean absolute class error (spread)",
        linear_spread,
        0.03,
        3,
    ));
    report.checks.push(Check::greater(
        "sensors only: the forest, whose axis-aligned splits do not follow one severity \
         direction, has the highest mean absolute class error",
        ("forest", mae(&sens, forest)),
        (
            "worst linear model",
            linear_maes
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max),
        ),
        3,
    ));

    // Where the order pays: few training participants.
    let curve = learning_curve(&sensors, &splits, &y, &pid)?;
    let series: Vec<Series> = CURVE_METHODS
        .iter()
        .enumerate()
        .map(|(ci, &mi)| {
            Series::new(
                METHODS[mi].short.replace('_', " "),
                CURVE_SIZES
                    .iter()
                    .enumerate()
                    .map(|(si, &size)| (size as f64, mean_std(&curve[ci][si]).0))
                    .collect(),
            )
        })
        .collect();
    let mut ct = T::new(
        std::iter::once("training participants".to_string())
            .chain(CURVE_METHODS.iter().map(|&mi| METHODS[mi].name.to_string())),
    );
    for (si, size) in CURVE_SIZES.iter().enumerate() {
        let mut row = vec![size.to_string()];
        row.extend((0..CURVE_METHODS.len()).map(|ci| cell(mean_std(&curve[ci][si]), 3)));
        ct.push(row);
    }
    let (c_multi, c_clm) = (
        CURVE_METHODS
            .iter()
            .position(|&mi| mi == multi)
            .ok_or("the curve lacks multinomial")?,
        CURVE_METHODS
            .iter()
            .position(|&mi| mi == clm)
            .ok_or("the curve lacks the cumulative logit")?,
    );
    let small_multi = mean_std(&curve[c_multi][0]).0;
    let small_clm = mean_std(&curve[c_clm][0]).0;
    let paired_wins = curve[c_clm][0]
        .iter()
        .zip(&curve[c_multi][0])
        .filter(|(a, b)| a < b)
        .count();
    report.checks.push(Check::at_least(
        format!(
            "sensors only, {} training participants: the cumulative logit's mean absolute class \
             error is lower than multinomial logistic regression's by at least 0.03",
            CURVE_SIZES[0]
        ),
        small_multi - small_clm,
        0.03,
        3,
    ));
    report.checks.push(Check::at_least(
        format!(
            "...and lower in most of the {} paired draws (share of draws)",
            curve[c_clm][0].len()
        ),
        paired_wins as f64 / curve[c_clm][0].len() as f64,
        0.7,
        3,
    ));
    let last = CURVE_SIZES.len() - 1;
    report.sections.push(
        Section::new("Where the order pays: few training participants")
            .para(format!(
                "Each training fold cut down to a random subset of its participants ({} draws \
                 per size and fold, seed {CURVE_SEED}, redrawn until all five groups occur), \
                 sensor features only, scored on the fold's full test participants (mean ± sd \
                 over the {} draws). Multinomial logistic regression estimates {} coefficients \
                 for {} features; the cumulative logit {} (one direction and four cut points). \
                 With {} training participants the cumulative logit's mean absolute class \
                 error is {} against {} ({} of {} paired draws better); with {} the two are \
                 {} and {}. The order is prior knowledge, and prior knowledge matters most \
                 when data are few.",
                CURVE_REPEATS,
                CURVE_REPEATS * splits.len(),
                K * (SENSOR_FEATURES.len() + 1),
                SENSOR_FEATURES.len(),
                SENSOR_FEATURES.len() + K - 1,
                CURVE_SIZES[0],
                fixed(small_clm, 3),
                fixed(small_multi, 3),
                paired_wins,
                curve[c_clm][0].len(),
                CURVE_SIZES[last],
                fixed(mean_std(&curve[c_clm][last]).0, 3),
                fixed(mean_std(&curve[c_multi][last]).0, 3),
            ))
            .table(ct)
            .figure(
                "learning_curve",
                "Mean absolute class error against the number of training participants, \
                 sensor features only",
                Figure::lines(
                    "Mean absolute class error vs training participants",
                    "training participants",
                    "mean absolute class error",
                    &series,
                    LineOptions {
                        markers: true,
                        ..LineOptions::default()
                    },
                ),
            ),
    );
    report.checks.push(Check::at_least(
        "every model agrees with the truth far beyond chance, even from sensors alone \
         (smallest quadratic weighted κ)",
        full.iter()
            .chain(sens.iter())
            .map(|r| r.mean(|s| s.qwk).0)
            .fold(f64::INFINITY, f64::min),
        0.5,
        3,
    ));
    report.checks.push(Check::at_most(
        "the cumulative-logit fit reached a stationary point in every fold (largest final \
         gradient component)",
        full[clm].max_gradient.max(sens[clm].max_gradient),
        1e-6,
        9,
    ));
    report.metrics.push(Metric::new(
        "mean absolute class error, cumulative logit, sensors only",
        mae(&sens, clm),
        3,
    ));
    report.metrics.push(Metric::new(
        "mean absolute class error, multinomial logistic, sensors only",
        mae(&sens, multi),
        3,
    ));
    report.metrics.push(Metric::new(
        "mean absolute class error, cumulative logit, all features",
        mae(&full, clm),
        3,
    ));
    report.metrics.push(Metric::new(
        "quadratic weighted κ, cumulative logit, all features",
        qwk(&full, clm),
        3,
    ));
    // Before the learning-curve section, which follows from it.
    let at = report.sections.len() - 1;
    report.sections.insert(
        at,
        Section::text(
            "What the comparison shows",
            format!(
                "With the clinical scales the five models are nearly indistinguishable: mean \
                 absolute class errors span {} (cumulative logit {}, multinomial {}), and at \
                 most {} % of visits are two or more groups off, so there is almost no distance \
                 left for the order to save. From the in-home sensors alone every model errs \
                 more, yet the four linear models still agree within {} (cumulative logit {}, \
                 multinomial {}), and only the forest falls behind ({}). With about 1,100 \
                 training visits per fold a multinomial model learns the order on its own: its \
                 five linear scores end up ranked along the same severity direction. The \
                 generator — one latent severity scale cut at four points, every measure a \
                 noisy function of it — is exactly the proportional-odds model's assumption, so \
                 it loses nothing by assuming it; what it gains shows when data are few (next \
                 section).",
                fixed(spread(&full), 3),
                fixed(mae(&full, clm), 3),
                fixed(mae(&full, multi), 3),
                fixed(
                    100.0
                        * (0..METHODS.len())
                            .map(|i| far(&full, i))
                            .fold(0.0, f64::max),
                    1
                ),
                fixed(linear_spread, 3),
                fixed(mae(&sens, clm), 3),
                fixed(mae(&sens, multi), 3),
                fixed(mae(&sens, forest), 3),
            ),
        ),
    );

    // Trajectories by baseline severity.
    let mut baseline = vec![usize::MAX; pid.iter().max().map_or(0, |&p| p + 1)];
    let mut first_month = vec![f64::INFINITY; baseline.len()];
    for i in 0..n {
        if month[i] < first_month[pid[i]] {
            first_month[pid[i]] = month[i];
            baseline[pid[i]] = y[i];
        }
    }
    let mut base_counts = [0usize; K];
    baseline
        .iter()
        .filter(|&&b| b < K)
        .for_each(|&b| base_counts[b] += 1);
    let bgroups = baseline_groups(&base_counts);
    let group_of = |p: usize| bgroups.iter().position(|(_, ks)| ks.contains(&baseline[p]));
    let n_groups = bgroups.len();
    let months: Vec<f64> = month
        .iter()
        .map(|&v| v as i64)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|v| v as f64)
        .collect();
    let mut slope_table_header = vec!["baseline group".to_string(), "participants".to_string()];
    slope_table_header.extend(
        TRAJECTORY
            .iter()
            .map(|(_, label)| format!("{label} per year")),
    );
    let mut slope_table = T::new(slope_table_header);
    // slopes[group][feature] = per-participant slopes per year.
    let mut slopes: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); TRAJECTORY.len()]; n_groups];
    // means[group][feature] = (month, mean) points.
    let mut means: Vec<Vec<Vec<(f64, f64)>>> = vec![vec![Vec::new(); TRAJECTORY.len()]; n_groups];
    let mut members = vec![0usize; n_groups];
    for p in 0..baseline.len() {
        if let Some(g) = group_of(p) {
            members[g] += 1;
        }
    }
    for (fi, (feat, _)) in TRAJECTORY.iter().enumerate() {
        let j = table
            .feature_index(feat)
            .ok_or_else(|| format!("dementia_severity has no '{feat}'"))?;
        let col = table.x.column(j);
        for p in 0..baseline.len() {
            let Some(g) = group_of(p) else { continue };
            let rows: Vec<usize> = (0..n).filter(|&i| pid[i] == p).collect();
            let t: Vec<f64> = rows.iter().map(|&i| month[i] / 12.0).collect();
            let v: Vec<f64> = rows.iter().map(|&i| col[i]).collect();
            if let Some(s) = slope(&t, &v) {
                slopes[g][fi].push(s);
            }
        }
        for (g, series) in means.iter_mut().enumerate() {
            for &mo in &months {
                let vals: Vec<f64> = (0..n)
                    .filter(|&i| month[i] == mo && group_of(pid[i]) == Some(g))
                    .map(|i| col[i])
                    .collect();
                // A mean of fewer than three participants is too noisy to draw.
                if vals.len() >= 3 {
                    series[fi].push((mo, vals.iter().sum::<f64>() / vals.len() as f64));
                }
            }
        }
    }
    let decimals = [2, 0, 3, 2, 2, 2];
    for (g, (name, _)) in bgroups.iter().enumerate() {
        let mut row = vec![name.replace('_', " "), members[g].to_string()];
        for (fi, d) in decimals.iter().enumerate() {
            row.push(cell(mean_std(&slopes[g][fi]), *d));
        }
        slope_table.push(row);
    }
    let mut traj = Section::new("Behavioural trajectories by baseline severity")
        .para(format!(
            "Participants grouped by their severity at the first visit ({}; the most severe \
             group has {} participant(s) at baseline, too few for a line, so it is merged with \
             the group below). Each line is the group's mean at each visit month, drawn while \
             at least three of its participants are still followed. The table gives, per \
             group, the mean ± standard deviation of the participants' own least-squares \
             slopes, per year. The generator draws each participant's rate of progression \
             independently of baseline severity, so the groups' MMSE slopes differ only by \
             sampling noise and by the ceiling of 30 that flattens the mildest group; the \
             steeper mean of the small most-severe group is such noise. Daily steps fall by a \
             constant factor per unit of latent severity, so the mildest group, walking most, \
             loses the most steps per year; night activity rises and kitchen visits fall in \
             every group.",
            bgroups
                .iter()
                .zip(&members)
                .map(|((nm, _), c)| format!("{} {c}", nm.replace('_', " ")))
                .collect::<Vec<_>>()
                .join(", "),
            base_counts[K - 1],
        ))
        .table(slope_table);
    for fi in [0usize, 1, 3] {
        let (feat, label) = TRAJECTORY[fi];
        let series: Vec<Series> = bgroups
            .iter()
            .enumerate()
            .map(|(g, (nm, _))| {
                Series::new(
                    format!("{} (n={})", nm.replace('_', " "), members[g]),
                    means[g][fi].clone(),
                )
            })
            .collect();
        traj = traj.figure(
            &format!("trajectory_{feat}"),
            format!("Mean {label} by visit month, per baseline severity group"),
            Figure::lines(
                &format!("{label} over time"),
                "month",
                label,
                &series,
                LineOptions {
                    markers: true,
                    ..LineOptions::default()
                },
            ),
        );
    }
    report.sections.push(traj);

    // Checks on the trajectories.
    let group_mean = |g: usize, fi: usize| mean_std(&slopes[g][fi]).0;
    let mmse_worst = (0..n_groups)
        .map(|g| group_mean(g, 0))
        .fold(f64::NEG_INFINITY, f64::max);
    report.checks.push(Check::at_most(
        "MMSE declines in every baseline group (largest mean slope, points per year)",
        mmse_worst,
        0.0,
        2,
    ));
    let steps_worst = (0..n_groups)
        .map(|g| group_mean(g, 1))
        .fold(f64::NEG_INFINITY, f64::max);
    report.checks.push(Check::at_most(
        "daily steps decline in every baseline group (largest mean slope, steps per year)",
        steps_worst,
        0.0,
        0,
    ));
    let night_least = (0..n_groups)
        .map(|g| group_mean(g, 3))
        .fold(f64::INFINITY, f64::min);
    report.checks.push(Check::at_least(
        "night activity events rise in every baseline group (smallest mean slope, events per \
         year)",
        night_least,
        0.0,
        2,
    ));
    let kitchen_worst = (0..n_groups)
        .map(|g| group_mean(g, 4))
        .fold(f64::NEG_INFINITY, f64::max);
    report.checks.push(Check::at_most(
        "kitchen visits fall in every baseline group (largest mean slope, visits per year)",
        kitchen_worst,
        0.0,
        2,
    ));
    let all_mmse: Vec<f64> = slopes.iter().flat_map(|g| g[0].clone()).collect();
    // E[rate] of the lognormal rate is 0.35·exp(0.5²/2) per year; MMSE = 29 − 4.2·z + noise.
    let expected = -4.2 * 0.35 * (0.5f64 * 0.5 / 2.0).exp();
    report.checks.push(Check::close(
        "the mean participant MMSE slope recovers the generator's expected decline, −4.2 × \
         E[rate] (points per year; clipping at 30 flattens the mildest a little)",
        mean_std(&all_mmse).0,
        expected,
        0.4,
        2,
    ));
    let base_mmse: Vec<f64> = (0..n_groups)
        .map(|g| means[g][0].first().map_or(f64::NAN, |p| p.1))
        .collect();
    report.checks.push(Check::equal(
        "baseline MMSE falls from each baseline group to the next",
        if base_mmse.windows(2).all(|w| w[0] > w[1]) {
            "ordered"
        } else {
            "not ordered"
        },
        "ordered",
    ));
    let progressed = (0..baseline.len())
        .filter(|&p| {
            (0..n)
                .filter(|&i| pid[i] == p)
                .max_by(|&a, &b| month[a].total_cmp(&month[b]))
                .is_some_and(|last| y[last] > baseline[p])
        })
        .count();
    report.metrics.push(Metric::new(
        "share of participants in a more severe group at their last visit",
        progressed as f64 / n_part as f64,
        3,
    ));
    report.metrics.push(Metric::new(
        "mean MMSE slope (points per year)",
        mean_std(&all_mmse).0,
        2,
    ));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn quadratic_kappa_matches_hand_values() {
        // Two classes: quadratic = unweighted kappa = (0.75 − 0.5) / 0.5.
        assert!((quadratic_kappa(&[0, 0, 1, 1], &[0, 1, 1, 1], 2).unwrap() - 0.5).abs() < 1e-12);
        assert!((quadratic_kappa(&[0, 1, 2, 3], &[0, 1, 2, 3], 4).unwrap() - 1.0).abs() < 1e-12);
        // A two-class miss costs four times a one-class miss.
        let near = quadratic_kappa(&[0, 1, 2, 2], &[0, 1, 2, 1], 3).unwrap();
        let far = quadratic_kappa(&[0, 1, 2, 2], &[0, 1, 2, 0], 3).unwrap();
        assert!(near > far);
        assert!(quadratic_kappa(&[1, 1], &[1, 1], 3).is_err());
    }

    #[test]
    fn cumulative_logit_gradient_matches_finite_differences_and_fits() {
        let x = array![
            [-2.0, 0.3],
            [-1.0, -0.2],
            [-0.5, 0.1],
            [0.0, 0.4],
            [0.4, -0.3],
            [1.0, 0.2],
            [1.5, -0.1],
            [2.2, 0.0],
            [-1.5, 0.5],
            [0.8, -0.4]
        ];
        let y = [0, 0, 1, 1, 1, 2, 2, 2, 1, 2];
        let params = [0.7, -0.2, -0.5, 0.1];
        let (_, g) = CumulativeLogit::objective(x.view(), &y, 3, &params);
        for j in 0..params.len() {
            let (mut up, mut down) = (params, params);
            up[j] += 1e-6;
            down[j] -= 1e-6;
            let fd = (CumulativeLogit::objective(x.view(), &y, 3, &up).0
                - CumulativeLogit::objective(x.view(), &y, 3, &down).0)
                / 2e-6;
            assert!((fd - g[j]).abs() < 1e-6, "parameter {j}: {fd} vs {}", g[j]);
        }
        let fit = CumulativeLogit::fit(x.view(), &y, 3).unwrap();
        assert!(fit.final_gradient < 1e-6);
        assert!(fit.theta[0] < fit.theta[1]);
        assert!(fit.beta[0] > 0.0, "higher x, higher class");
        let p = fit.proba(x.view());
        for row in p.outer_iter() {
            assert!((row.sum() - 1.0).abs() < 1e-12);
        }
        assert_eq!(argmax(p.row(0)), 0);
        assert_eq!(argmax(p.row(7)), 2);
    }

    #[test]
    fn slopes_and_merged_groups() {
        assert!((slope(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]).unwrap() - 2.0).abs() < 1e-12);
        assert!(slope(&[1.0, 1.0], &[1.0, 2.0]).is_none());
        assert_eq!(baseline_groups(&[5, 5, 5, 5, 1]).len(), 4);
        assert_eq!(baseline_groups(&[5, 5, 5, 5, 9]).len(), 5);
    }
}
