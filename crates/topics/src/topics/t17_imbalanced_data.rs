//! 17 — imbalanced data: agitation days are rare. Stratification, class weights, random
//! over- and under-sampling and SMOTE inside the training folds only, and threshold moving,
//! compared by sensitivity, specificity, balanced accuracy and PR-AUC; then the wrong way
//! (resampling before splitting) measured against untouched patients.

use ml4ns_data_io::{synth, Table};
use ml4ns_models::{Model, Pipeline, Scaling};
use ml4ns_reporting::{fixed, Check, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics::{self as m, Average, ZeroDivision};
use ml4ns_validation::selection::{
    mean_std, splits_for, BoxError, Learner, Predictor, Resampled, Resampler,
};
use ml4ns_validation::Cv;
use ndarray::{Array1, Array2, ArrayView2};

use crate::common::{codes, train_test};
use crate::{Context, TopicError};

const ID: &str = "17-imbalanced-data";
const OUTER: &str = "stratified_group_kfold:n_splits=5";
const INNER: &str = "stratified_group_kfold:n_splits=3";
const HOLDOUT: &str = "group_shuffle_split:n_splits=1,test_size=0.3,random_state=0";

/// Threshold moving: the probability cut-off that maximises Youden's J (sensitivity +
/// specificity − 1) on out-of-fold predictions of the training rows (inner patient-wise CV),
/// then the model refitted on all training rows with that cut-off. No test row is used to
/// choose the threshold.
struct ThresholdMoved<L> {
    inner: L,
    cv: Cv,
}

struct Thresholded {
    model: Box<dyn Predictor>,
    threshold: f64,
}

impl Predictor for Thresholded {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, BoxError> {
        let p = self
            .model
            .predict_proba(x)?
            .ok_or("threshold moving needs probabilities")?;
        Ok(p.column(1)
            .mapv(|v| if v >= self.threshold { 1.0 } else { 0.0 }))
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, BoxError> {
        self.model.predict_proba(x)
    }
}

impl<L: Learner> Learner for ThresholdMoved<L> {
    fn fit(&self, train: &Table) -> Result<Box<dyn Predictor>, BoxError> {
        let y: Vec<usize> = train
            .class_target()
            .ok_or("needs a class target")?
            .codes
            .to_vec();
        let mut oof = vec![0.0; train.n_rows()];
        for s in splits_for(&self.cv, train)? {
            let model = self.inner.fit(&train.select_rows(&s.train))?;
            let p = model
                .predict_proba(train.x.select(ndarray::Axis(0), &s.test).view())?
                .ok_or("threshold moving needs probabilities")?;
            for (&i, v) in s.test.iter().zip(p.column(1)) {
                oof[i] = *v;
            }
        }
        let roc = m::roc_curve(&y, &oof, 1, true)?;
        let best = (0..roc.thresholds.len())
            .filter(|&i| roc.thresholds[i].is_finite())
            .max_by(|&a, &b| {
                (roc.tpr[a] - roc.fpr[a])
                    .total_cmp(&(roc.tpr[b] - roc.fpr[b]))
                    .then(b.cmp(&a))
            })
            .ok_or("no finite threshold")?;
        Ok(Box::new(Thresholded {
            model: self.inner.fit(train)?,
            threshold: roc.thresholds[best],
        }))
    }
}

/// Scores of one fold.
#[derive(Debug, Clone, Copy)]
struct Scores {
    sensitivity: f64,
    specificity: f64,
    balanced: f64,
    pr_auc: f64,
}

fn score(model: &dyn Predictor, test: &Table) -> Result<Scores, TopicError> {
    let y = codes(test)?;
    let pred: Vec<usize> = model
        .predict(test.x.view())?
        .iter()
        .map(|&v| v as usize)
        .collect();
    // An unrestricted tree has no probabilities here; its leaves are pure, so its score is
    // its prediction.
    let p1: Vec<f64> = match model.predict_proba(test.x.view())? {
        Some(p) => p.column(1).to_vec(),
        None => pred.iter().map(|&c| c as f64).collect(),
    };
    let bin = Average::Binary { pos_label: 1 };
    Ok(Scores {
        sensitivity: m::recall(&y, &pred, bin, ZeroDivision::Zero)?,
        specificity: m::specificity(&y, &pred, 1, ZeroDivision::Zero)?,
        balanced: m::balanced_accuracy(&y, &pred)?,
        pr_auc: m::average_precision(&y, &p1, 1)?,
    })
}

fn cv_scores(learner: &dyn Learner, table: &Table, cv: &str) -> Result<Vec<Scores>, TopicError> {
    let mut out = Vec::new();
    for s in splits_for(&Cv::parse(cv)?, table)? {
        let (train, test) = train_test(table, &s);
        out.push(score(learner.fit(&train)?.as_ref(), &test)?);
    }
    Ok(out)
}

fn summary(v: &[Scores], f: impl Fn(&Scores) -> f64) -> (f64, f64) {
    mean_std(&v.iter().map(f).collect::<Vec<_>>())
}

fn cell((mean, sd): (f64, f64)) -> String {
    format!("{} ± {}", fixed(mean, 3), fixed(sd, 3))
}

fn scaled(spec: &str) -> Result<Pipeline, TopicError> {
    Ok(Pipeline::new(Model::parse(spec)?).scaling(Scaling::Standard))
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Imbalanced data",
        "Agitation is rare: how do class weights, resampling and threshold moving trade \
         sensitivity against specificity, and how badly does resampling before splitting \
         mislead?",
    );
    let table = synth::inhome_monitoring(60, 90, synth::COMMITTED_SEED).table()?;
    let y = codes(&table)?;
    let prevalence = y.iter().filter(|&&c| c == 1).count() as f64 / y.len() as f64;
    report.data = format!(
        "- The `inhome_monitoring` cohort (60 people living with dementia × 90 days, seed {}): \
         one row per patient-day, {} sensor features, target `agitation` ({} of {} days, {} %).\n\
         - Methods are compared by 5-fold stratified patient-wise CV (`{OUTER}`): every test \
         patient is unseen and each fold keeps the agitation rate. Features are standardised \
         inside each training fold; every resampler touches training folds only.\n\
         - The wrong-way experiment first holds out 30 % of the patients (`{HOLDOUT}`), never \
         resampled, as the truth both estimates are compared with.\n",
        synth::COMMITTED_SEED,
        table.n_features(),
        y.iter().filter(|&&c| c == 1).count(),
        y.len(),
        fixed(100.0 * prevalence, 1),
    );

    // Folds are stratified: each test fold's agitation rate is close to the cohort's.
    let outer = splits_for(&Cv::parse(OUTER)?, &table)?;
    let fold_rates: Vec<f64> = outer
        .iter()
        .map(|s| s.test.iter().filter(|&&i| y[i] == 1).count() as f64 / s.test.len() as f64)
        .collect();
    let worst = fold_rates
        .iter()
        .map(|r| (r - prevalence).abs())
        .fold(0.0, f64::max);
    report.checks.push(Check::at_most(
        "stratified patient-wise folds keep the agitation rate (largest deviation of a test \
         fold from the cohort rate)",
        worst,
        0.02,
        4,
    ));

    let base = "logistic:c=1.0";
    let methods: Vec<(&str, Box<dyn Learner>)> = vec![
        ("no adjustment (threshold 0.5)", Box::new(scaled(base)?)),
        (
            "class weights (balanced)",
            Box::new(scaled("logistic:c=1.0,class_weight=balanced")?),
        ),
        (
            "random over-sampling",
            Box::new(Resampled {
                inner: scaled(base)?,
                resampler: Resampler::RandomOver { seed: 0 },
            }),
        ),
        (
            "random under-sampling",
            Box::new(Resampled {
                inner: scaled(base)?,
                resampler: Resampler::RandomUnder { seed: 0 },
            }),
        ),
        (
            "SMOTE (k = 5)",
            Box::new(Resampled {
                inner: scaled(base)?,
                resampler: Resampler::Smote { k: 5, seed: 0 },
            }),
        ),
        (
            "threshold moving (Youden's J on inner CV)",
            Box::new(ThresholdMoved {
                inner: scaled(base)?,
                cv: Cv::parse(INNER)?,
            }),
        ),
    ];
    let mut t = T::new([
        "method",
        "sensitivity",
        "specificity",
        "balanced accuracy",
        "PR-AUC",
    ]);
    let mut res: Vec<(&str, Vec<Scores>)> = Vec::new();
    for (name, learner) in &methods {
        let s = cv_scores(learner.as_ref(), &table, OUTER)?;
        t.push([
            name.to_string(),
            cell(summary(&s, |x| x.sensitivity)),
            cell(summary(&s, |x| x.specificity)),
            cell(summary(&s, |x| x.balanced)),
            cell(summary(&s, |x| x.pr_auc)),
        ]);
        res.push((name, s));
    }
    let mean = |i: usize, f: fn(&Scores) -> f64| summary(&res[i].1, f).0;
    let plain_sens = mean(0, |x| x.sensitivity);
    for (i, (name, _)) in res.iter().enumerate().skip(1) {
        report.checks.push(Check::greater(
            format!("{name} raises sensitivity over the unadjusted model"),
            ("adjusted", mean(i, |x| x.sensitivity)),
            ("unadjusted", plain_sens),
            3,
        ));
        report.checks.push(Check::greater(
            format!("{name} raises balanced accuracy over the unadjusted model"),
            ("adjusted", mean(i, |x| x.balanced)),
            ("unadjusted", mean(0, |x| x.balanced)),
            3,
        ));
    }
    report.checks.push(Check::greater(
        "the unadjusted model buys its specificity with sensitivity: specificity above the \
         balanced model's",
        ("unadjusted", mean(0, |x| x.specificity)),
        ("balanced", mean(1, |x| x.specificity)),
        3,
    ));
    // Reweighting does not reorder the scores much: PR-AUC stays within 0.05 of unadjusted.
    let pr_spread = (1..res.len())
        .map(|i| (mean(i, |x| x.pr_auc) - mean(0, |x| x.pr_auc)).abs())
        .fold(0.0, f64::max);
    report.checks.push(Check::at_most(
        "PR-AUC, a ranking measure, moves far less than sensitivity (largest PR-AUC change \
         from the unadjusted model)",
        pr_spread,
        0.05,
        3,
    ));
    report
        .metrics
        .push(Metric::new("agitation prevalence", prevalence, 3));
    report
        .metrics
        .push(Metric::new("sensitivity, unadjusted", plain_sens, 3));
    report.metrics.push(Metric::new(
        "sensitivity, class weights",
        mean(1, |x| x.sensitivity),
        3,
    ));

    // The wrong way.
    let split = splits_for(&Cv::parse(HOLDOUT)?, &table)?
        .into_iter()
        .next()
        .ok_or("the hold-out split gave no split")?;
    let (dev, holdout) = train_test(&table, &split);
    let tree = Model::parse("decision_tree")?;
    let over = Resampler::RandomOver { seed: 0 };
    let record_cv = "stratified_kfold:n_splits=5,shuffle=true,random_state=0";
    let mut wrong_table = T::new([
        "procedure",
        "CV estimate: sensitivity",
        "CV estimate: PR-AUC",
        "held-out patients: sensitivity",
        "held-out patients: PR-AUC",
    ]);
    let mut gaps = Vec::new();
    for (name, wrong) in [
        ("wrong: over-sample, then split", true),
        ("right: split, then over-sample the training folds", false),
    ] {
        let est = if wrong {
            cv_scores(&tree, &over.resample(&dev)?, record_cv)?
        } else {
            cv_scores(
                &Resampled {
                    inner: tree.clone(),
                    resampler: over,
                },
                &dev,
                record_cv,
            )?
        };
        let model = Learner::fit(&tree, &over.resample(&dev)?)?;
        let truth = score(model.as_ref(), &holdout)?;
        let (es, ep) = (
            summary(&est, |x| x.sensitivity).0,
            summary(&est, |x| x.pr_auc).0,
        );
        wrong_table.push([
            name.to_string(),
            fixed(es, 3),
            fixed(ep, 3),
            fixed(truth.sensitivity, 3),
            fixed(truth.pr_auc, 3),
        ]);
        gaps.push((es - truth.sensitivity, ep - truth.pr_auc, es));
    }
    let (wrong_gap, right_gap) = (gaps[0], gaps[1]);
    report.checks.push(Check::at_least(
        "over-sampling before splitting inflates the CV sensitivity estimate over what held-out \
         patients show (estimate − truth)",
        wrong_gap.0,
        0.3,
        3,
    ));
    report.checks.push(Check::at_most(
        "resampling inside the training folds gives an estimate within 0.15 of the held-out \
         sensitivity (|estimate − truth|)",
        right_gap.0.abs(),
        0.15,
        3,
    ));
    report.checks.push(Check::greater(
        "the wrong way's PR-AUC estimate is further above the truth than the right way's",
        ("wrong", wrong_gap.1),
        ("right", right_gap.1),
        3,
    ));
    report.metrics.push(Metric::new(
        "sensitivity inflation, resampling before splitting",
        wrong_gap.0,
        3,
    ));

    report.sections.push(
        Section::new("Six ways to handle a rare class")
            .para(format!(
                "The same logistic regression, five patient-wise folds. Unadjusted, it \
                 rarely predicts agitation at the default 0.5 cut-off (sensitivity {}): with \
                 {} % positives, predicting \"calm\" is nearly always right. Every adjustment \
                 trades specificity for sensitivity. Class weights and the resamplers \
                 change what the model is fitted to; threshold moving keeps the model and \
                 lowers the cut-off, chosen on inner patient-wise folds of the training rows. \
                 PR-AUC ranks days by predicted risk and barely moves: these methods mostly \
                 choose a different operating point on much the same ranking.",
                fixed(plain_sens, 3),
                fixed(100.0 * prevalence, 1)
            ))
            .table(t),
    );
    report.sections.push(
        Section::new("The wrong way: resampling before splitting")
            .para(format!(
                "An unrestricted decision tree, which memorises its training rows. Over-sampling \
                 the development patients before the 5-fold split puts copies of the same \
                 agitated day on both sides of the split; the tree recognises them and the CV \
                 estimate of sensitivity is {} above what the same procedure achieves on the \
                 held-out patients. Over-sampling only the training folds gives an estimate \
                 {} from the truth. (Both CV estimates are record-wise, so they share the \
                 patient leakage topic 07 measures; only the resampling differs.)",
                fixed(wrong_gap.0, 3),
                fixed(right_gap.0.abs(), 3)
            ))
            .table(wrong_table),
    );
    Ok(report)
}
