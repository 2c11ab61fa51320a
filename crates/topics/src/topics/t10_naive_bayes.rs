//! 10 — naive Bayes: Bayes' rule computed by hand beside Gaussian naive Bayes, the three
//! event models (Gaussian, multinomial, Bernoulli) on spike counts, and `var_smoothing`
//! tuned by a 10-fold grid search on an imbalanced synthetic problem.

use ml4ns_data_io::synth::{self, ClassificationSpec, SynthRng};
use ml4ns_data_io::{classic, ClassTarget, Table, Target};
use ml4ns_models::Model;
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics::{self as m, Average, ZeroDivision};
use ml4ns_validation::selection::{
    cross_validate, grid_search, splits_for, GridResult, Param, ParamGrid, Scoring,
};
use ml4ns_validation::Cv;
use ndarray::{Array1, Array2, ArrayView1, Axis};

use crate::common::{codes, one_split, predict_codes, train_test};
use crate::{Context, TopicError};

const ID: &str = "10-naive-bayes";
const IRIS_SPECIES: [&str; 3] = ["setosa", "versicolor", "virginica"];
/// Stimulus orientations of the spike-count problem, in degrees.
const ORIENTATIONS: [f64; 3] = [0.0, 15.0, 30.0];
const NEURONS: usize = 20;
const TRIALS_PER_STIMULUS: usize = 100;
/// Tuning curves: a baseline plus a peak at the preferred orientation (spikes per trial).
const BASE_RATE: f64 = 0.5;
const PEAK_RATE: f64 = 4.0;
/// Standard deviation of the log of the gain shared by all neurons on a trial.
const GAIN_SD: f64 = 0.5;
/// The imbalanced problem: `make_classification(n_samples=1000, weights=[0.65])` with
/// scikit-learn's other defaults (2 informative features, each class 2 clusters with random
/// covariances, 2 redundant and 16 noise features, class_sep 1, 1 % labels flipped).
const TUNING_SPEC: ClassificationSpec = ClassificationSpec {
    n: 1000,
    informative: 2,
    redundant: 2,
    repeated: 0,
    noise: 16,
    minority_fraction: 0.35,
    clusters_per_class: 2,
    class_sep: 1.0,
    hypercube: true,
    flip_y: 0.01,
    shift: Some(0.0),
    scale: Some(1.0),
};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Naive Bayes",
        "How does naive Bayes turn class-conditional feature models into a posterior, which \
         event model suits which features, and what does tuning `var_smoothing` do for the \
         minority class of an imbalanced problem?",
    );
    report.data = format!(
        "- scikit-learn's iris (150 flowers, 4 measurements, 3 species).\n\
         - A simulated population recording: {NEURONS} orientation-tuned neurons, \
         {TRIALS_PER_STIMULUS} trials of each of {} gratings ({}); neuron k's spike count on a \
         trial is Poisson with mean g·({BASE_RATE} + {PEAK_RATE}·exp(2·(cos 2(θ − φₖ) − 1))), \
         φₖ = k·180°/{NEURONS} its preferred orientation, and g a gain shared by all neurons on \
         the trial: g = 1, or log g ~ N(0, {GAIN_SD}²) (seeded, `SynthRng::new(10, 0)`).\n\
         - `synth::classification` (seed {}): {}.\n",
        ORIENTATIONS.len(),
        ORIENTATIONS
            .iter()
            .map(|o| format!("{o}°"))
            .collect::<Vec<_>>()
            .join(", "),
        synth::COMMITTED_SEED,
        synth::classification(TUNING_SPEC, synth::COMMITTED_SEED).description
    );
    bayes_by_hand(&mut report)?;
    event_models(&mut report)?;
    tuning(&mut report)?;
    Ok(report)
}

/// Class priors, means and variances (with the smoothing term) learned from training rows,
/// as scikit-learn's `GaussianNB` computes them.
struct GaussianFit {
    prior: Vec<f64>,
    mean: Array2<f64>,
    var: Array2<f64>,
    epsilon: f64,
}

impl GaussianFit {
    fn new(x: &Array2<f64>, y: &[usize], n_classes: usize, var_smoothing: f64) -> Self {
        // ε = var_smoothing × the largest population variance of any feature (all classes).
        let max_var = x.var_axis(Axis(0), 0.0).iter().copied().fold(0.0, f64::max);
        let epsilon = var_smoothing * max_var;
        let p = x.ncols();
        let mut mean = Array2::zeros((n_classes, p));
        let mut var = Array2::zeros((n_classes, p));
        let mut prior = vec![0.0; n_classes];
        for (c, prior_c) in prior.iter_mut().enumerate() {
            let rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == c).collect();
            let xc = x.select(Axis(0), &rows);
            *prior_c = rows.len() as f64 / y.len() as f64;
            if rows.is_empty() {
                continue;
            }
            mean.row_mut(c)
                .assign(&xc.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(p)));
            var.row_mut(c)
                .assign(&(xc.var_axis(Axis(0), 0.0) + epsilon));
        }
        GaussianFit {
            prior,
            mean,
            var,
            epsilon,
        }
    }

    /// Σ_j log N(x_j | μ_cj, σ²_cj) for each class.
    fn log_likelihood(&self, row: ArrayView1<f64>) -> Vec<f64> {
        (0..self.prior.len())
            .map(|c| {
                row.iter()
                    .enumerate()
                    .map(|(j, &v)| {
                        let (mu, s2) = (self.mean[[c, j]], self.var[[c, j]]);
                        -0.5 * (2.0 * std::f64::consts::PI * s2).ln()
                            - (v - mu).powi(2) / (2.0 * s2)
                    })
                    .sum()
            })
            .collect()
    }

    /// The posterior P(c | x) by Bayes' rule, normalised in log space.
    fn posterior(&self, row: ArrayView1<f64>) -> Vec<f64> {
        let joint: Vec<f64> = self
            .log_likelihood(row)
            .iter()
            .zip(&self.prior)
            .map(|(l, p)| l + p.ln())
            .collect();
        let top = joint.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = joint.iter().map(|j| (j - top).exp()).sum();
        joint.iter().map(|j| (j - top).exp() / total).collect()
    }
}

fn gaussian_pdf(v: f64, mu: f64, s2: f64) -> f64 {
    (-(v - mu).powi(2) / (2.0 * s2)).exp() / (2.0 * std::f64::consts::PI * s2).sqrt()
}

fn bayes_by_hand(report: &mut Report) -> Result<(), TopicError> {
    let iris = classic::iris();
    let split = one_split(
        "train_test_split:test_size=0.3,random_state=0,stratify=true",
        &iris,
    )?;
    let (train, test) = train_test(&iris, &split);
    let (ytr, yte) = (codes(&train)?, codes(&test)?);
    let k = IRIS_SPECIES.len();

    // The model's posteriors beside ours, at the default and at a large var_smoothing (where
    // ε = var_smoothing · max variance is no longer negligible).
    let mut worst = Vec::new();
    let mut default_fit = None;
    let mut default_proba = None;
    for vs in [1e-9, 0.1] {
        let fitted = Model::parse(&format!("gaussian_nb:var_smoothing={vs:e}"))?.fit(&train)?;
        let proba = fitted
            .predict_proba(test.x.view())?
            .ok_or("Gaussian naive Bayes has probabilities")?;
        let ours = GaussianFit::new(&train.x, &ytr, k, vs);
        let mut diff: f64 = 0.0;
        for i in 0..test.n_rows() {
            for (c, p) in ours.posterior(test.x.row(i)).iter().enumerate() {
                diff = diff.max((p - proba[[i, c]]).abs());
            }
        }
        worst.push((vs, diff, ours.epsilon));
        if default_fit.is_none() {
            default_fit = Some(ours);
            default_proba = Some((proba, predict_codes(fitted.as_ref(), test.x.view())?));
        }
    }
    let ours = default_fit.ok_or("fitted above")?;
    let (proba, pred) = default_proba.ok_or("fitted above")?;
    for &(vs, diff, eps) in &worst {
        report.checks.push(Check::at_most(
            format!(
                "iris: Bayes' rule by hand (ε = {} · max variance = {}) matches GaussianNB's \
                 posterior on every test row",
                short(vs),
                short(eps)
            ),
            diff,
            1e-6,
            9,
        ));
    }
    let acc = m::accuracy(&yte, &pred)?;
    report.checks.push(Check::at_least(
        "iris: Gaussian naive Bayes held-out accuracy",
        acc,
        0.9,
        3,
    ));
    report
        .metrics
        .push(Metric::new("iris Gaussian NB test accuracy", acc, 3));

    // The least certain test row: where Bayes' rule has the most weighing to do.
    let row = (0..test.n_rows())
        .min_by(|&a, &b| {
            let top = |i: usize| proba.row(i).iter().copied().fold(0.0, f64::max);
            top(a).total_cmp(&top(b))
        })
        .ok_or("no test rows")?;
    let x = test.x.row(row);
    let ll = ours.log_likelihood(x);
    let post = ours.posterior(x);
    let mut by_hand = T::new([
        "class c",
        "prior P(c)",
        "log P(c)",
        "Σ log p(xⱼ | c)",
        "log P(c) + Σ log p(xⱼ | c)",
        "P(c | x) by hand",
        "P(c | x), GaussianNB",
    ]);
    for c in 0..k {
        by_hand.push([
            IRIS_SPECIES[c].to_string(),
            fixed(ours.prior[c], 4),
            fixed(ours.prior[c].ln(), 4),
            fixed(ll[c], 4),
            fixed(ll[c] + ours.prior[c].ln(), 4),
            fixed(post[c], 6),
            fixed(proba[[row, c]], 6),
        ]);
    }
    let mut params = T::new(
        std::iter::once("class".to_string())
            .chain(test.feature_names.iter().map(|f| format!("{f}: μ (σ)"))),
    );
    for (c, species) in IRIS_SPECIES.iter().enumerate() {
        params.push(
            std::iter::once(species.to_string()).chain((0..x.len()).map(|j| {
                format!(
                    "{} ({})",
                    fixed(ours.mean[[c, j]], 3),
                    fixed(ours.var[[c, j]].sqrt(), 3)
                )
            })),
        );
    }
    let row_text = test
        .feature_names
        .iter()
        .zip(x.iter())
        .map(|(f, v)| format!("{f} = {}", fixed(*v, 1)))
        .collect::<Vec<_>>()
        .join(", ");

    // One feature's class-conditional densities, and where the row falls.
    let j = test
        .feature_index("petal length (cm)")
        .ok_or("iris has petal length")?;
    let grid: Vec<f64> = (0..=300).map(|i| 0.5 + 7.0 * i as f64 / 300.0).collect();
    let mut series: Vec<Series> = (0..k)
        .map(|c| {
            Series::new(
                IRIS_SPECIES[c],
                grid.iter()
                    .map(|&v| (v, gaussian_pdf(v, ours.mean[[c, j]], ours.var[[c, j]])))
                    .collect(),
            )
        })
        .collect();
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    series.push(Series::new(
        format!("test row {}", row + 1),
        vec![(x[j], 0.0), (x[j], top)],
    ));
    report.sections.push(
        Section::new("Bayes' rule, by hand")
            .para(format!(
                "Gaussian naive Bayes models each feature, within each class, as an \
                 independent normal distribution, and combines them with the class prior by \
                 Bayes' rule: P(c | x) ∝ P(c) · Πⱼ p(xⱼ | c). Fitted on {} iris training rows \
                 (stratified 70/30 split, `random_state=0`), the model's parameters are just \
                 class frequencies, means and variances; scikit-learn and linfa add \
                 ε = `var_smoothing` · (largest feature variance) to every variance, here \
                 ε = {} at the default `var_smoothing` = 1e-9.",
                train.n_rows(),
                short(ours.epsilon)
            ))
            .table(params)
            .para(format!(
                "Test row {} of {} ({row_text}) is the one the model is least sure about. \
                 Computing the sums in log space from the table above and normalising gives \
                 the posterior; it matches the fitted model's `predict_proba` to within {} \
                 on every test row and class (and to within {} with `var_smoothing` = 0.1, \
                 which checks the ε rule). Held-out accuracy: {}.",
                row + 1,
                test.n_rows(),
                short(worst[0].1),
                short(worst[1].1),
                fixed(acc, 3)
            ))
            .table(by_hand)
            .figure(
                "class_conditional_petal_length",
                "Class-conditional Gaussians of petal length, and the least certain test row",
                Figure::lines(
                    "p(petal length | species), fitted on the training rows",
                    "petal length (cm)",
                    "density",
                    &series,
                    LineOptions::default(),
                ),
            ),
    );
    Ok(())
}

/// Seeded spike counts of orientation-tuned neurons; `gain_sd` is the standard deviation of
/// the log of the gain shared by all neurons on a trial (0: no shared gain).
fn spike_counts(gain_sd: f64) -> Result<Table, TopicError> {
    let mut rng = SynthRng::new(10, 0);
    let n = TRIALS_PER_STIMULUS * ORIENTATIONS.len();
    let mut x = Array2::zeros((n, NEURONS));
    let mut y = Vec::with_capacity(n);
    for t in 0..n {
        let s = t % ORIENTATIONS.len();
        let theta = ORIENTATIONS[s].to_radians();
        // Drawn in both settings; with gain_sd = 0 the gain is exactly 1.
        let gain = (gain_sd * rng.normal(0.0, 1.0)).exp();
        for k in 0..NEURONS {
            x[[t, k]] = rng.poisson(gain * tuning_rate(theta, k)) as f64;
        }
        y.push(s);
    }
    let names = (0..NEURONS).map(|k| format!("neuron_{k:02}")).collect();
    let classes: Vec<String> = ORIENTATIONS.iter().map(|o| format!("{o}°")).collect();
    Ok(
        Table::from_features("spike counts", x, names)?.with_target(Target::Classes(
            ClassTarget {
                name: "orientation".into(),
                codes: Array1::from(y),
                classes: classes.clone(),
                first_seen: classes,
            },
        ))?,
    )
}

/// Mean spike count of neuron `k` (preferred orientation k·180°/NEURONS) for a grating at
/// `theta` radians.
fn tuning_rate(theta: f64, k: usize) -> f64 {
    let phi = (180.0 * k as f64 / NEURONS as f64).to_radians();
    BASE_RATE + PEAK_RATE * (2.0 * ((2.0 * (theta - phi)).cos() - 1.0)).exp()
}

fn event_models(report: &mut Report) -> Result<(), TopicError> {
    let models = [
        (
            "Gaussian NB",
            "gaussian_nb",
            "each count ~ normal, per class",
        ),
        (
            "multinomial NB",
            "multinomial_nb:alpha=1.0",
            "a trial's spikes shared among the neurons in class-specific proportions",
        ),
        (
            "Bernoulli NB",
            "bernoulli_nb:alpha=1.0,binarize=0.0",
            "each neuron fired (count > 0) or not, per class",
        ),
    ];
    let cv = Cv::parse("stratified_kfold:n_splits=10,shuffle=true,random_state=0")?;
    // acc[setting][model]: mean 10-fold accuracy without and with the shared gain.
    let mut acc = Vec::new();
    let mut sd = Vec::new();
    let mut shape = (0.0, 0.0);
    for gain_sd in [0.0, GAIN_SD] {
        let table = spike_counts(gain_sd)?;
        if gain_sd > 0.0 {
            shape = (
                table.x.mean().unwrap_or(0.0),
                table.x.iter().filter(|&&v| v == 0.0).count() as f64 / table.x.len() as f64,
            );
        }
        let splits = splits_for(&cv, &table)?;
        let (mut a, mut s) = (Vec::new(), Vec::new());
        for (_, spec, _) in models {
            let r = cross_validate(&Model::parse(spec)?, &table, &splits, &[Scoring::Accuracy])?;
            let (mean, std) = r.mean_std(Scoring::Accuracy);
            a.push(mean);
            s.push(std);
        }
        acc.push(a);
        sd.push(s);
    }
    let mut t = T::new([
        "model",
        "spec",
        "event model",
        "accuracy, no shared gain",
        "accuracy, shared gain",
        "change",
    ]);
    for (i, (name, spec, what)) in models.iter().enumerate() {
        t.push([
            name.to_string(),
            format!("`{spec}`"),
            what.to_string(),
            format!("{} ± {}", fixed(acc[0][i], 3), fixed(sd[0][i], 3)),
            format!("{} ± {}", fixed(acc[1][i], 3), fixed(sd[1][i], 3)),
            format!("{:+.3}", acc[1][i] - acc[0][i]),
        ]);
        report.metrics.push(Metric::new(
            format!("spike counts (shared gain), {name} CV accuracy"),
            acc[1][i],
            3,
        ));
    }
    let chance = 1.0 / ORIENTATIONS.len() as f64;
    for (i, (name, _, _)) in models.iter().enumerate() {
        report.checks.push(Check::at_least(
            format!("spike counts: {name} decodes the orientation well above chance (1/3)"),
            acc[1][i],
            1.5 * chance,
            3,
        ));
    }
    report.checks.push(Check::greater(
        "spike counts: binarising the counts loses information (multinomial > Bernoulli)",
        ("multinomial", acc[1][1]),
        ("Bernoulli", acc[1][2]),
        3,
    ));
    report.checks.push(Check::greater(
        "spike counts: a shared gain costs Gaussian NB more accuracy than multinomial NB",
        ("Gaussian loss", acc[0][0] - acc[1][0]),
        ("multinomial loss", acc[0][1] - acc[1][1]),
        3,
    ));
    report.sections.push(
        Section::new("Three event models on spike counts")
            .para(format!(
                "The naive assumption (features independent given the class) leaves open how \
                 each feature is modelled. Decoding a grating's orientation from {NEURONS} \
                 neurons' spike counts ({} trials; with the shared gain, mean count {} spikes \
                 and {} % of counts zero), scored by 10-fold stratified cross-validation \
                 (mean ± sd over folds): Gaussian NB fits a normal distribution to each \
                 neuron's counts; multinomial NB treats a trial's spikes as draws from \
                 class-specific proportions over the neurons (add-α smoothed), its usual use \
                 being word counts; Bernoulli NB only sees whether each neuron fired. The \
                 recording is simulated twice from the same seed: without and with a gain \
                 shared by all neurons on a trial (log-gain sd {GAIN_SD}), as fluctuations of \
                 attention or arousal would impose.",
                TRIALS_PER_STIMULUS * ORIENTATIONS.len(),
                fixed(shape.0, 2),
                fixed(100.0 * shape.1, 1)
            ))
            .table(t)
            .para(
                "Independent Poisson counts whose rates share a gain g are, given the trial's \
                 total, multinomial with proportions that do not depend on g: multinomial NB \
                 models exactly that, whatever the gain, while the gain blurs Gaussian NB's \
                 per-class means and variances and, shared by all neurons, is counted once per \
                 neuron as if independent. Binarising keeps whether a neuron fired and \
                 drops how often.",
            ),
    );
    Ok(())
}

/// `np.logspace(0, -9, 100)`.
fn logspace_grid() -> Vec<f64> {
    (0..100)
        .map(|i| 10f64.powf(-9.0 * i as f64 / 99.0))
        .collect()
}

fn param(p: &ml4ns_validation::selection::Params) -> Result<f64, TopicError> {
    match p.get("var_smoothing") {
        Some(Param::Num(v)) => Ok(*v),
        _ => Err("the grid has a numeric var_smoothing".into()),
    }
}

fn nb(var_smoothing: f64) -> Result<Model, TopicError> {
    Ok(Model::parse(&format!(
        "gaussian_nb:var_smoothing={var_smoothing:e}"
    ))?)
}

/// Minority recall, balanced accuracy and ROC AUC on the test rows.
fn test_scores(model: &Model, train: &Table, test: &Table) -> Result<(f64, f64, f64), TopicError> {
    let fitted = model.fit(train)?;
    let yt = codes(test)?;
    let pred = predict_codes(fitted.as_ref(), test.x.view())?;
    let proba = fitted
        .predict_proba(test.x.view())?
        .ok_or("Gaussian naive Bayes has probabilities")?;
    Ok((
        m::recall(
            &yt,
            &pred,
            Average::Binary { pos_label: 1 },
            ZeroDivision::Zero,
        )?,
        m::balanced_accuracy(&yt, &pred)?,
        m::roc_auc(&yt, &proba.column(1).to_vec(), 1)?,
    ))
}

fn tuning(report: &mut Report) -> Result<(), TopicError> {
    let table = synth::classification(TUNING_SPEC, synth::COMMITTED_SEED).table()?;
    let split = one_split(
        "train_test_split:test_size=0.3,random_state=0,stratify=true",
        &table,
    )?;
    let (train, test) = train_test(&table, &split);
    let minority =
        codes(&train)?.iter().filter(|&&c| c == 1).count() as f64 / train.n_rows() as f64;
    let values = logspace_grid();
    let grid = ParamGrid::new().axis(
        "var_smoothing",
        values.iter().map(|&v| Param::Num(v)).collect(),
    );
    let cv = Cv::parse("stratified_kfold:n_splits=10")?;
    let make = |p: &ml4ns_validation::selection::Params| nb(param(p)?);
    let scorings = [Scoring::BalancedAccuracy, Scoring::Recall, Scoring::RocAuc];
    let searches: Vec<GridResult> = scorings
        .iter()
        .map(|&s| grid_search(make, &grid, &train, &cv, s))
        .collect::<Result<_, _>>()?;
    let default_idx = values.len() - 1;
    let (before_recall, before_bal, before_auc) =
        test_scores(&nb(values[default_idx])?, &train, &test)?;
    let mut t = T::new([
        "search scored by",
        "chosen var_smoothing",
        "mean CV score at chosen",
        "mean CV score at the default",
        "test minority recall",
        "test balanced accuracy",
        "test ROC AUC",
    ]);
    t.push([
        "(untuned)".to_string(),
        short(values[default_idx]),
        "—".to_string(),
        "—".to_string(),
        fixed(before_recall, 3),
        fixed(before_bal, 3),
        fixed(before_auc, 3),
    ]);
    let mut chosen = Vec::new();
    for (s, r) in scorings.iter().zip(&searches) {
        let best = param(r.best_params())?;
        let (rec, bal, auc) = test_scores(&nb(best)?, &train, &test)?;
        chosen.push((best, rec, auc));
        t.push([
            format!("`{}`", s.name()),
            short(best),
            fixed(r.best_score(), 4),
            fixed(r.results[default_idx].1, 4),
            fixed(rec, 3),
            fixed(bal, 3),
            fixed(auc, 3),
        ]);
    }
    let (best_vs, after_recall, after_auc) = chosen[0];
    let bal = &searches[0];
    report.checks.push(Check::at_least(
        "tuning: the chosen var_smoothing's CV balanced accuracy is at least the default's",
        bal.best_score() - bal.results[default_idx].1,
        0.0,
        4,
    ));
    let recall_curve = &searches[1].results;
    report.checks.push(Check::greater(
        "tuning: heavy smoothing pulls predictions towards the majority class (CV minority \
         recall)",
        ("var_smoothing 1e-9", recall_curve[default_idx].1),
        ("var_smoothing 1", recall_curve[0].1),
        3,
    ));
    // scikit-learn 1.9.1, make_classification(n_samples=1000, weights=[0.65]) with seeds 0–29,
    // the same split and search: tuned test minority recall rose for 2 seeds (fell 9, equal
    // 19) and |ΔAUC| ≤ 0.013 for all 30.
    report.checks.push(Check::at_most(
        "tuning: the tuned model's test minority recall does not rise (28 of 30 \
         make_classification seeds in scikit-learn)",
        after_recall - before_recall,
        0.0,
        3,
    ));
    report.checks.push(Check::at_most(
        "tuning: test ROC AUC moves by less than 0.02 (30 of 30 make_classification seeds in \
         scikit-learn)",
        (after_auc - before_auc).abs(),
        0.02,
        3,
    ));
    report
        .metrics
        .push(Metric::new("untuned minority recall", before_recall, 3));
    report
        .metrics
        .push(Metric::new("tuned minority recall", after_recall, 3));
    report
        .metrics
        .push(Metric::new("untuned test ROC AUC", before_auc, 3));
    report
        .metrics
        .push(Metric::new("tuned test ROC AUC", after_auc, 3));

    let series: Vec<Series> = scorings
        .iter()
        .zip(&searches)
        .map(|(s, r)| {
            Series::new(
                s.name(),
                values
                    .iter()
                    .zip(&r.results)
                    .map(|(v, res)| (v.log10(), res.1))
                    .collect(),
            )
        })
        .collect();
    let (lo, hi) = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let moves = |a: f64, b: f64| {
        if b > a {
            format!("rises ({} → {})", fixed(a, 3), fixed(b, 3))
        } else if b < a {
            format!("falls ({} → {})", fixed(a, 3), fixed(b, 3))
        } else {
            format!("is unchanged ({})", fixed(a, 3))
        }
    };
    // ε at the chosen value, against the smallest within-class variance of any feature.
    let ytr = codes(&train)?;
    let chosen_fit = GaussianFit::new(&train.x, &ytr, 2, best_vs);
    let smallest_var = chosen_fit
        .var
        .iter()
        .map(|v| v - chosen_fit.epsilon)
        .fold(f64::INFINITY, f64::min);
    report.sections.push(
        Section::new("Tuning var_smoothing on an imbalanced problem")
            .para(format!(
                "{} training rows ({} % minority) and {} test rows, stratified. Gaussian NB's \
                 `var_smoothing` is searched over `np.logspace(0, -9, 100)` by 10-fold \
                 stratified cross-validation on the training rows. The search is scored by \
                 balanced accuracy (the mean of the two classes' recalls): scoring by recall \
                 alone rewards calling everything the minority class, and ROC AUC ignores the \
                 decision threshold that minority recall depends on. The other two scorings \
                 are shown for comparison.",
                train.n_rows(),
                fixed(100.0 * minority, 1),
                test.n_rows()
            ))
            .figure(
                "cv_score_vs_var_smoothing",
                "Mean 10-fold CV score against log10(var_smoothing)",
                Figure::lines(
                    "Gaussian NB: CV score by var_smoothing",
                    "log10(var_smoothing)",
                    "mean CV score",
                    &series,
                    LineOptions {
                        // Head room for the legend.
                        y_range: Some((lo - 0.02, hi + 0.1)),
                        ..LineOptions::default()
                    },
                ),
            )
            .table(t)
            .para(format!(
                "Scored by balanced accuracy, the search picks `var_smoothing` = {}: minority \
                 recall on the test rows {} and ROC AUC {}. The course notebook reported \
                 0.514 → 0.743 (recall) and 0.750 → 0.833 (AUC) on its own synthetic data. The \
                 generator here follows the algorithm of scikit-learn's `make_classification` \
                 (each class two Gaussian clusters, each with its own random covariance) with \
                 its default settings, yet neither the notebook's rise in recall nor one of \
                 its size in AUC appears, and in scikit-learn itself neither is typical: for `make_classification(n_samples=1000, \
                 weights=[0.65])` with seeds 0–29, the same stratified 70/30 split and the same \
                 balanced-accuracy search, scikit-learn 1.9.1 raised test minority recall for \
                 2 seeds, lowered it for 9 and left it unchanged for 19, and moved ROC AUC by \
                 at most 0.013 (searched by accuracy, `GridSearchCV`'s default, recall rose \
                 for 2 seeds and fell for 16). What the parameter does explains why: it adds \
                 the same ε = `var_smoothing` · (largest feature variance) to every class's \
                 variance of every feature. A large ε flattens every likelihood and leaves the \
                 prior ({} % majority) to decide more rows, which is why cross-validated \
                 minority recall falls towards the right of the figure; at the chosen value \
                 ε = {} is {} % of the smallest within-class variance of any feature, so the \
                 ranking of the test rows by posterior, which is all ROC AUC sees, hardly \
                 changes. The \
                 parameter exists for numerical stability when a feature is (nearly) constant \
                 within a class; gains like the notebook's are not what tuning it typically \
                 does on `make_classification` data.",
                short(best_vs),
                moves(before_recall, after_recall),
                moves(before_auc, after_auc),
                fixed(100.0 * (1.0 - minority), 0),
                short(chosen_fit.epsilon),
                fixed(100.0 * chosen_fit.epsilon / smallest_var, 1)
            )),
    );
    Ok(())
}

/// A compact form of a positive number: `0.1`, `0.0123`, `1e-9`, `3.162e-5`.
fn short(v: f64) -> String {
    if v != 0.0 && (1e-2..1e3).contains(&v.abs()) {
        let s = format!("{v:.4}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let s = format!("{v:.3e}");
    match s.split_once('e') {
        Some((mant, exp)) => {
            let mant = mant.trim_end_matches('0').trim_end_matches('.');
            format!("{mant}e{exp}")
        }
        None => s,
    }
}
