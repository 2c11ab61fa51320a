//! 08 — regularisation: lasso and ridge coefficient paths, the penalty chosen by
//! cross-validation, and the lasso setting irrelevant features exactly to zero.

use ml4ns_data_io::synth::SynthRng;
use ml4ns_data_io::{Table, Target};
use ml4ns_models::{elastic_net_path, Model};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::selection::{cross_validate, splits_for, Scoring};
use ml4ns_validation::Cv;
use ndarray::{Array1, Array2};

use crate::{Context, TopicError};

const ID: &str = "08-regularisation";
/// The generator's coefficients: three relevant features, seven irrelevant.
const TRUE_COEF: [f64; 10] = [3.0, -2.0, 1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];

/// 200 participants, 10 standardised measurements: the first three drive the outcome.
fn cohort() -> Result<Table, TopicError> {
    let mut rng = SynthRng::new(8, 0);
    let n = 200;
    let mut x = Array2::zeros((n, 10));
    for i in 0..n {
        let shared = rng.normal(0.0, 1.0);
        for j in 0..10 {
            // Mildly correlated measurements (correlation 0.25 through a shared factor).
            x[[i, j]] = 0.5 * shared + (0.75f64).sqrt() * rng.normal(0.0, 1.0);
        }
    }
    let y: Array1<f64> = x
        .rows()
        .into_iter()
        .map(|r| r.iter().zip(TRUE_COEF).map(|(a, b)| a * b).sum::<f64>() + rng.normal(0.0, 1.0))
        .collect();
    let names = (0..10)
        .map(|j| {
            if j < 3 {
                format!("relevant_{j}")
            } else {
                format!("irrelevant_{j}")
            }
        })
        .collect();
    Ok(
        Table::from_features("regularisation cohort", x, names)?.with_target(
            Target::Continuous {
                name: "outcome".into(),
                values: y,
            },
        )?,
    )
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Regularisation",
        "How do L1 and L2 penalties shrink a linear model, how is the penalty chosen, and does \
         the lasso find the features that matter?",
    );
    report.data = "A seeded synthetic cohort: 200 participants, 10 measurements with \
                   correlation 0.25; outcome = 3·x0 − 2·x1 + 1.5·x2 + N(0, 1). Features 3–9 \
                   are irrelevant by construction."
        .into();
    let table = cohort()?;
    let alphas: Vec<f64> = (0..=24)
        .map(|i| 10f64.powf(-3.0 + i as f64 * 0.2))
        .collect();

    // Paths.
    let lasso = elastic_net_path(&table, 1.0, &alphas)?;
    let mut ridge = Vec::new();
    for &a in &alphas {
        // Ridge's α multiplies ‖w‖² against the summed squared error: scale it by n so the
        // two paths span comparable ranges on one axis.
        let f = Model::parse(&format!("ridge:alpha={}", a * 200.0))?.fit(&table)?;
        ridge.push(f.coefficients().ok_or("ridge is linear")?.0);
    }
    let series = |coefs: &dyn Fn(usize) -> Vec<f64>| -> Vec<Series> {
        (0..10)
            .map(|j| {
                Series::new(
                    table.feature_names[j].clone(),
                    alphas
                        .iter()
                        .enumerate()
                        .map(|(k, a)| (a.log10(), coefs(k)[j]))
                        .collect(),
                )
            })
            .collect()
    };
    let lasso_fig = Figure::lines(
        "Lasso coefficient path",
        "log10(α)",
        "coefficient",
        &series(&|k| lasso[k].1.clone()),
        LineOptions::default(),
    );
    let ridge_fig = Figure::lines(
        "Ridge coefficient path",
        "log10(α) (ridge α = 200·α)",
        "coefficient",
        &series(&|k| ridge[k].clone()),
        LineOptions::default(),
    );

    // α by 5-fold CV (negative MSE), for the lasso.
    let cv = Cv::parse("kfold:n_splits=5,shuffle=true,random_state=0")?;
    let splits = splits_for(&cv, &table)?;
    let mut cv_mse = Vec::new();
    for &a in &alphas {
        let model = Model::parse(&format!("lasso:alpha={a},tol=1e-8,max_iter=100000"))?;
        let r = cross_validate(&model, &table, &splits, &[Scoring::NegMeanSquaredError])?;
        cv_mse.push(-r.mean_std(Scoring::NegMeanSquaredError).0);
    }
    let best = (0..alphas.len()).fold(0, |b, i| if cv_mse[i] < cv_mse[b] - 1e-12 { i } else { b });
    // The one-standard-error rule would pick a sparser model; the minimum is reported.
    let chosen = alphas[best];
    let coef = &lasso[best].1;
    let mut t = T::new([
        "feature",
        "truth",
        "lasso at CV α",
        "ridge at the same α",
        "OLS",
    ]);
    let ols = Model::parse("ols")?
        .fit(&table)?
        .coefficients()
        .ok_or("ols is linear")?
        .0;
    for j in 0..10 {
        t.push([
            table.feature_names[j].clone(),
            fixed(TRUE_COEF[j], 2),
            fixed(coef[j], 4),
            fixed(ridge[best][j], 4),
            fixed(ols[j], 4),
        ]);
    }
    let cv_fig = Figure::lines(
        "Lasso: 5-fold CV error by α",
        "log10(α)",
        "CV mean squared error",
        &[Series::new(
            "CV MSE",
            alphas
                .iter()
                .zip(&cv_mse)
                .map(|(a, e)| (a.log10(), *e))
                .collect(),
        )],
        LineOptions {
            markers: true,
            ..LineOptions::default()
        },
    );
    let relevant_kept = (0..3).all(|j| coef[j].abs() > 0.1);
    // The CV-optimal α keeps some noise features; a slightly stronger α (the largest within
    // 10 % of the best CV error) removes them all, as the path shows.
    let sparse = (0..alphas.len())
        .filter(|&i| cv_mse[i] <= cv_mse[best] * 1.1)
        .max()
        .unwrap_or(best);
    let zeroed = (3..10).filter(|&j| lasso[sparse].1[j] == 0.0).count();
    report.checks.push(Check::equal(
        "the lasso at the CV-chosen α keeps the three relevant features",
        relevant_kept.to_string(),
        "true",
    ));
    report.checks.push(Check::equal(
        "at the largest α within 10 % of the best CV error, the lasso sets every irrelevant feature exactly to 0",
        format!("{zeroed} of 7"),
        "7 of 7",
    ));
    report.checks.push(Check::equal(
        "ridge shrinks but zeroes nothing at that α",
        (3..10).all(|j| ridge[sparse][j] != 0.0).to_string(),
        "true",
    ));
    let norm = |v: &[f64]| v.iter().map(|c| c * c).sum::<f64>().sqrt();
    report.checks.push(Check::equal(
        "the coefficient norm shrinks as α grows (both penalties)",
        (lasso
            .windows(2)
            .all(|w| norm(&w[1].1) <= norm(&w[0].1) + 1e-9)
            && ridge.windows(2).all(|w| norm(&w[1]) <= norm(&w[0]) + 1e-9))
        .to_string(),
        "true",
    ));
    report
        .metrics
        .push(Metric::new("lasso α chosen by CV", chosen, 4));
    report
        .metrics
        .push(Metric::new("irrelevant features zeroed", zeroed as f64, 0));
    report.sections.push(
        Section::new("Coefficient paths")
            .para(
                "Each line is one feature's coefficient as the penalty α grows (scikit-learn's \
                 objectives: the lasso minimises ‖y − Xw‖²/(2n) + α‖w‖₁, ridge \
                 ‖y − Xw‖² + α‖w‖²). The L1 penalty drives coefficients to exactly zero one \
                 after another; the L2 penalty shrinks them all smoothly towards zero and sets \
                 none to zero.",
            )
            .figure("lasso_path", "Lasso coefficient path", lasso_fig)
            .figure("ridge_path", "Ridge coefficient path", ridge_fig),
    );
    report.sections.push(
        Section::new("Choosing α")
            .para(format!(
                "Five-fold CV error of the lasso for each α; the minimum is at α = {}. At \
                 α = {} (the largest α within 10 % of that error) the lasso has removed {} of \
                 the 7 irrelevant features.",
                fixed(chosen, 4),
                fixed(alphas[sparse], 4),
                zeroed
            ))
            .figure("lasso_cv", "Lasso CV error by α", cv_fig)
            .table(t),
    );
    Ok(report)
}
