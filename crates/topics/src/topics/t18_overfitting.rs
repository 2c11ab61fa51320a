//! 18 — over-fitting: learning curves, validation curves for tree depth, polynomial degree
//! and regularisation strength, and early stopping of gradient descent.

use ml4ns_data_io::synth::{self, SynthRng};
use ml4ns_data_io::{Table, Target};
use ml4ns_models::{Model, Pipeline, Scaling};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics as m;
use ml4ns_validation::selection::{
    learning_curve, splits_for, validation_curve, CurvePoint, Scoring,
};
use ml4ns_validation::Cv;
use ndarray::{Array1, Array2, Axis};

use crate::common::values;
use crate::{Context, TopicError};

const ID: &str = "18-overfitting";
const SHUFFLE: &str = "shuffle_split:n_splits=10,test_size=0.2,random_state=0";
const KFOLD: &str = "kfold:n_splits=5,shuffle=true,random_state=0";
/// Rows of the noisy sine problem, and its noise level.
const SINE_N: usize = 30;
const SINE_NOISE: f64 = 0.3;

/// `y = sin(2πx) + N(0, noise²)`, x uniform on [0, 1]: the classic curve-fitting example.
fn sine(n: usize, seed: u64) -> Result<Table, TopicError> {
    let mut rng = SynthRng::new(seed, 300);
    let x: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
    let y: Vec<f64> = x
        .iter()
        .map(|&v| (2.0 * std::f64::consts::PI * v).sin() + rng.normal(0.0, SINE_NOISE))
        .collect();
    let mut t = Table::from_features(
        "noisy sine",
        Array2::from_shape_vec((n, 1), x)?,
        vec!["x".into()],
    )?;
    t.target = Some(Target::Continuous {
        name: "y".into(),
        values: Array1::from(y),
    });
    Ok(t)
}

fn curve_figure(title: &str, x_label: &str, y_label: &str, points: &[CurvePoint]) -> Figure {
    Figure::lines(
        title,
        x_label,
        y_label,
        &[
            Series::new(
                "training",
                points.iter().map(|p| (p.x, p.train_mean)).collect(),
            ),
            Series::new(
                "validation",
                points.iter().map(|p| (p.x, p.test_mean)).collect(),
            ),
        ],
        LineOptions {
            markers: true,
            ..LineOptions::default()
        },
    )
}

fn curve_table(x_name: &str, points: &[CurvePoint], x_fmt: impl Fn(f64) -> String) -> T {
    let mut t = T::new([x_name, "training score", "validation score", "gap"]);
    for p in points {
        t.push([
            x_fmt(p.x),
            format!("{} ± {}", fixed(p.train_mean, 3), fixed(p.train_std, 3)),
            format!("{} ± {}", fixed(p.test_mean, 3), fixed(p.test_std, 3)),
            fixed(p.train_mean - p.test_mean, 3),
        ]);
    }
    t
}

fn best(points: &[CurvePoint]) -> &CurvePoint {
    points.iter().fold(
        &points[0],
        |b, p| if p.test_mean > b.test_mean { p } else { b },
    )
}

/// Polynomial features `x, x², …, x^d` of a one-column table, each standardised with the
/// training rows' mean and SD.
fn powers(x: &Array1<f64>, d: usize, stats: Option<&(Vec<f64>, Vec<f64>)>) -> Array2<f64> {
    let mut out = Array2::zeros((x.len(), d));
    for (i, &v) in x.iter().enumerate() {
        for j in 0..d {
            out[[i, j]] = v.powi(j as i32 + 1);
        }
    }
    if let Some((mean, sd)) = stats {
        for j in 0..d {
            out.column_mut(j).mapv_inplace(|v| (v - mean[j]) / sd[j]);
        }
    }
    out
}

struct Descent {
    train_mse: Vec<f64>,
    val_mse: Vec<f64>,
    stopped_at: usize,
    best_epoch: usize,
}

/// Full-batch gradient descent on least squares with degree-`d` standardised polynomial
/// features, recording training and validation MSE per epoch; early stopping with `patience`
/// is evaluated on the recorded validation curve (the run continues to `epochs` to show what
/// stopping avoids).
#[allow(clippy::too_many_arguments)]
fn descent(
    train: &Table,
    val: &Table,
    d: usize,
    lr: f64,
    epochs: usize,
    record_every: usize,
    patience: usize,
) -> Result<Descent, TopicError> {
    let xt = train.x.column(0).to_owned();
    let raw = powers(&xt, d, None);
    let mean: Vec<f64> = raw.mean_axis(Axis(0)).ok_or("empty")?.to_vec();
    let sd: Vec<f64> = raw.std_axis(Axis(0), 0.0).to_vec();
    let stats = (mean, sd);
    let a = powers(&xt, d, Some(&stats));
    let v = powers(&val.x.column(0).to_owned(), d, Some(&stats));
    let (yt, yv) = (Array1::from(values(train)?), Array1::from(values(val)?));
    let n = a.nrows() as f64;
    let mut w = Array1::<f64>::zeros(d);
    let mut b = 0.0;
    let (mut train_mse, mut val_mse) = (Vec::new(), Vec::new());
    for epoch in 0..=epochs {
        // Training residuals serve both the recorded error and the gradient.
        let r = a.dot(&w) + b - &yt;
        if epoch % record_every == 0 {
            let rv = v.dot(&w) + b - &yv;
            train_mse.push(r.dot(&r) / n);
            val_mse.push(rv.dot(&rv) / yv.len() as f64);
        }
        let gw = a.t().dot(&r) * (2.0 / n);
        let gb = 2.0 * r.sum() / n;
        w = w - gw * lr;
        b -= lr * gb;
    }
    // Early stopping: stop once the validation error has not improved for `patience`
    // recorded points; keep the best.
    let (mut best_epoch, mut best_val, mut stopped_at) = (0, f64::INFINITY, val_mse.len() - 1);
    for (i, &e) in val_mse.iter().enumerate() {
        if e < best_val {
            best_val = e;
            best_epoch = i;
        } else if i - best_epoch >= patience {
            stopped_at = i;
            break;
        }
    }
    Ok(Descent {
        train_mse,
        val_mse,
        stopped_at,
        best_epoch,
    })
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Over-fitting",
        "When does a model start fitting noise, how do learning and validation curves show it, \
         and which dial (depth, degree, regularisation, training time) pulls it back?",
    );
    report.data = format!(
        "- Noisy `moons` (1,000 points, noise 0.35, seed {seed}): the best possible accuracy is \
         below 1 because the classes overlap. Curves use 10 random 80/20 splits (`{SHUFFLE}`).\n\
         - A noisy sine, y = sin(2πx) + N(0, {SINE_NOISE}²) with x uniform on [0, 1]: {SINE_N} \
         points (seed {seed}) for the validation curves, scored by R² in 5-fold CV (`{KFOLD}`); \
         for early stopping, 20 training and 200 validation points (seeds {seed}+1, +2).\n",
        seed = synth::COMMITTED_SEED
    );
    let moons = synth::moons(1000, 0.35, synth::COMMITTED_SEED).table()?;
    let shuffle = splits_for(&Cv::parse(SHUFFLE)?, &moons)?;

    // Learning curves.
    let fractions = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0];
    let tree = Model::parse("decision_tree")?;
    let linear = Pipeline::new(Model::parse("logistic:c=1.0")?).scaling(Scaling::Standard);
    let lc_tree = learning_curve(&tree, &moons, &shuffle, &fractions, Scoring::Accuracy)?;
    let lc_lin = learning_curve(&linear, &moons, &shuffle, &fractions, Scoring::Accuracy)?;
    let last = |c: &[CurvePoint]| c[c.len() - 1].clone();
    let (tree_full, lin_full) = (last(&lc_tree), last(&lc_lin));
    report.checks.push(Check::equal(
        "an unrestricted tree scores 1.000 on its training rows at every size (it memorises)",
        fixed(
            lc_tree
                .iter()
                .map(|p| p.train_mean)
                .fold(f64::INFINITY, f64::min),
            3,
        ),
        "1.000",
    ));
    report.checks.push(Check::greater(
        "the tree's validation accuracy grows with more data",
        ("all rows", tree_full.test_mean),
        ("5 %", lc_tree[0].test_mean),
        3,
    ));
    report.checks.push(Check::at_most(
        "a linear model's training and validation accuracy meet (gap at full size): high bias, \
         low variance",
        (lin_full.train_mean - lin_full.test_mean).abs(),
        0.02,
        3,
    ));
    report.checks.push(Check::greater(
        "the tree's train–validation gap is larger than the linear model's at full size",
        ("tree", tree_full.train_mean - tree_full.test_mean),
        ("linear", lin_full.train_mean - lin_full.test_mean),
        3,
    ));

    // Validation curve: tree depth.
    let depths: Vec<f64> = (1..=15).map(f64::from).collect();
    let vc_depth = validation_curve(
        |d| {
            Ok(Model::parse(&format!(
                "decision_tree:max_depth={}",
                d as usize
            ))?)
        },
        &depths,
        &moons,
        &shuffle,
        Scoring::Accuracy,
    )?;
    let best_depth = best(&vc_depth).clone();
    let deepest = last(&vc_depth);
    report.checks.push(Check::greater(
        "validation accuracy peaks at an intermediate depth, above the deepest tree's",
        (
            &format!("depth {}", best_depth.x as usize),
            best_depth.test_mean,
        ),
        ("depth 15", deepest.test_mean),
        3,
    ));
    report.checks.push(Check::equal(
        "training accuracy never falls as depth grows",
        vc_depth
            .windows(2)
            .all(|w| w[1].train_mean >= w[0].train_mean - 1e-12)
            .to_string(),
        "true",
    ));

    // Validation curve: polynomial degree on the noisy sine.
    let sine_t = sine(SINE_N, synth::COMMITTED_SEED)?;
    let kfold = splits_for(&Cv::parse(KFOLD)?, &sine_t)?;
    let degrees: Vec<f64> = (1..=12).map(f64::from).collect();
    let vc_degree = validation_curve(
        |d| Ok(Model::parse(&format!("polynomial:degree={}", d as usize))?),
        &degrees,
        &sine_t,
        &kfold,
        Scoring::R2,
    )?;
    let best_degree = best(&vc_degree).clone();
    let top_degree = last(&vc_degree);
    report.checks.push(Check::at_most(
        "a straight line under-fits the sine (validation R² of degree 1)",
        vc_degree[0].test_mean,
        0.2,
        3,
    ));
    report.checks.push(Check::greater(
        "the best degree beats degree 12 in validation R² (over-fitting at high degree)",
        (
            &format!("degree {}", best_degree.x as usize),
            best_degree.test_mean,
        ),
        ("degree 12", top_degree.test_mean),
        3,
    ));
    report.checks.push(Check::at_least(
        "degree 12 fits its training rows better than the best degree does",
        top_degree.train_mean - best_degree.train_mean,
        0.0,
        4,
    ));

    // Validation curve: regularisation of a degree-12 polynomial.
    let log_alphas: Vec<f64> = (-12..=2).map(|k| f64::from(k) * 0.5 - 2.0).collect();
    let vc_alpha = validation_curve(
        |la| {
            Ok(Model::parse(&format!(
                "polynomial:degree=12,alpha={:e}",
                10f64.powf(la)
            ))?)
        },
        &log_alphas,
        &sine_t,
        &kfold,
        Scoring::R2,
    )?;
    let best_alpha = best(&vc_alpha).clone();
    report.checks.push(Check::greater(
        "ridge regularisation rescues degree 12: best validation R² over α beats the weakest α",
        (
            &format!("log10 α = {}", fixed(best_alpha.x, 1)),
            best_alpha.test_mean,
        ),
        ("weakest α", vc_alpha[0].test_mean),
        3,
    ));
    report.checks.push(Check::greater(
        "the strongest α under-fits: its validation R² is below the best α's",
        ("best", best_alpha.test_mean),
        ("strongest", last(&vc_alpha).test_mean),
        3,
    ));

    // Early stopping.
    let es_train = sine(20, synth::COMMITTED_SEED + 1)?;
    let es_val = sine(200, synth::COMMITTED_SEED + 2)?;
    let every = 100;
    let run = descent(&es_train, &es_val, 9, 0.1, 200_000, every, 200)?;
    let final_val = run.val_mse[run.val_mse.len() - 1];
    let best_val = run.val_mse[run.best_epoch];
    report.checks.push(Check::greater(
        "training longer keeps lowering the training error",
        ("first epochs", run.train_mse[1]),
        ("last epoch", run.train_mse[run.train_mse.len() - 1]),
        4,
    ));
    report.checks.push(Check::greater(
        "…while the validation error rises again after its minimum (over-fitting in time)",
        ("last epoch", final_val),
        ("minimum", best_val),
        4,
    ));
    report.checks.push(Check::at_most(
        "early stopping (patience 200 records = 20,000 epochs) keeps the model at the \
         validation minimum: it stops before the end",
        run.stopped_at as f64 / (run.val_mse.len() - 1) as f64,
        0.99,
        3,
    ));
    report
        .metrics
        .push(Metric::new("early-stopping validation MSE", best_val, 4));
    report
        .metrics
        .push(Metric::new("validation MSE without stopping", final_val, 4));
    report.metrics.push(Metric::new(
        "tree train–validation gap (moons, all rows)",
        tree_full.train_mean - tree_full.test_mean,
        3,
    ));
    let es_fig = Figure::lines(
        "Gradient descent: error by epoch (degree 9)",
        "epoch (thousands)",
        "mean squared error",
        &[
            Series::new(
                "training",
                run.train_mse
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(i, &e)| ((i * every) as f64 / 1000.0, e))
                    .collect(),
            ),
            Series::new(
                "validation",
                run.val_mse
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(i, &e)| ((i * every) as f64 / 1000.0, e))
                    .collect(),
            ),
        ],
        LineOptions::default(),
    );
    // Held-out R² of the closed-form fit of the same degree, for scale.
    let closed = Model::parse("polynomial:degree=9")?.fit(&es_train)?;
    let closed_mse = m::mse(
        &values(&es_val)?,
        &closed.predict(es_val.x.view())?.to_vec(),
    )?;

    report.sections.push(
        Section::new("Learning curves")
            .para(format!(
                "Accuracy on the training rows and on held-out rows as the training set grows. \
                 The unrestricted tree is perfect on whatever it trains on and its validation \
                 accuracy climbs with data (gap {} at full size): high variance, which more \
                 data cures slowly. Logistic regression's two curves meet at once (gap {}), \
                 below what the curved boundary allows: high bias, which more data cannot cure.",
                fixed(tree_full.train_mean - tree_full.test_mean, 3),
                fixed(lin_full.train_mean - lin_full.test_mean, 3)
            ))
            .figure(
                "learning_tree",
                "Learning curve, unrestricted decision tree",
                curve_figure(
                    "Learning curve: decision tree",
                    "training rows",
                    "accuracy",
                    &lc_tree,
                ),
            )
            .figure(
                "learning_logistic",
                "Learning curve, logistic regression",
                curve_figure(
                    "Learning curve: logistic regression",
                    "training rows",
                    "accuracy",
                    &lc_lin,
                ),
            )
            .table(curve_table("training rows (tree)", &lc_tree, |x| {
                format!("{x:.0}")
            })),
    );
    report.sections.push(
        Section::new("Validation curves")
            .para(format!(
                "One dial at a time. Tree depth: training accuracy only rises, validation \
                 accuracy peaks at depth {} ({}) and falls to {} at depth 15. Polynomial \
                 degree on {SINE_N} noisy sine points: degree 1 under-fits (validation R² {}), \
                 degree {} is best ({}), degree 12 chases the noise ({}). Ridge on the degree-12 \
                 features: validation R² is best at log10 α = {} ({}); too little α over-fits, \
                 too much under-fits.",
                best_depth.x as usize,
                fixed(best_depth.test_mean, 3),
                fixed(deepest.test_mean, 3),
                fixed(vc_degree[0].test_mean, 3),
                best_degree.x as usize,
                fixed(best_degree.test_mean, 3),
                fixed(top_degree.test_mean, 3),
                fixed(best_alpha.x, 1),
                fixed(best_alpha.test_mean, 3),
            ))
            .figure(
                "validation_depth",
                "Validation curve: tree depth (moons)",
                curve_figure(
                    "Validation curve: tree depth",
                    "max_depth",
                    "accuracy",
                    &vc_depth,
                ),
            )
            .figure(
                "validation_degree",
                "Validation curve: polynomial degree (noisy sine)",
                curve_figure(
                    "Validation curve: polynomial degree",
                    "degree",
                    "R²",
                    &vc_degree,
                ),
            )
            .figure(
                "validation_alpha",
                "Validation curve: ridge α on degree-12 features (noisy sine)",
                curve_figure(
                    "Validation curve: ridge strength (degree 12)",
                    "log10(α)",
                    "R²",
                    &vc_alpha,
                ),
            )
            .table(curve_table("degree", &vc_degree, |x| format!("{x:.0}"))),
    );
    report.sections.push(
        Section::new("Early stopping")
            .para(format!(
                "Training time is a dial too. Full-batch gradient descent (step 0.1) on \
                 degree-9 standardised polynomial features of 20 noisy sine points, errors \
                 recorded every {every} epochs. Gradient descent fits the smooth directions \
                 first and the noise later, so the validation error falls to {} (epoch {}) \
                 and then climbs to {} by epoch 200,000 while the training error keeps \
                 falling. Stopping once the validation error has not improved for 20,000 \
                 epochs halts at epoch {} and keeps the best weights. (The exact least-squares \
                 fit, where descent would end, has validation MSE {}.)",
                fixed(best_val, 4),
                run.best_epoch * every,
                fixed(final_val, 4),
                run.stopped_at * every,
                fixed(closed_mse, 4),
            ))
            .figure(
                "early_stopping",
                "Training and validation error by epoch",
                es_fig,
            ),
    );
    Ok(report)
}
