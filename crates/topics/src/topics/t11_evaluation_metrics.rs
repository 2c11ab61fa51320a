//! 11 — evaluation metrics: every metric of the validation crate on worked examples, the
//! accuracy paradox on a rare label, ROC and precision-recall curves, Youden's J threshold,
//! calibration, and `classification_report` in scikit-learn's layout.

use ml4ns_data_io::synth::{self, SynthRng};
use ml4ns_data_io::{classic, Table};
use ml4ns_models::{Fitted, Model, Pipeline, Scaling};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics::{self as m, Average, BinStrategy, ZeroDivision};
use ml4ns_validation::selection::splits_for;
use ml4ns_validation::Cv;

use crate::common::{codes, one_split, select_features, train_test};
use crate::{Context, TopicError};

const ID: &str = "11-evaluation-metrics";
const ZD: ZeroDivision = ZeroDivision::Zero;
const POS: Average = Average::Binary { pos_label: 1 };
/// Subjects in the binary worked example.
const N_WORKED: usize = 20;

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Evaluation metrics",
        "What does each classification metric measure, how do they relate, and which ones \
         still tell the truth when the positive class is rare?",
    );
    report.data = format!(
        "- A worked example of {N_WORKED} subjects with a true label and a classifier's score \
         (seeded, `SynthRng::new(11, 2)`), and ten regression predictions (`SynthRng::new(11, \
         1)`).\n\
         - scikit-learn's iris on its two sepal measurements (a three-class example).\n\
         - The `inhome_monitoring` cohort (60 people living with dementia × 90 days, seed {}): \
         daily sensor summaries and a rare agitation label; split by person \
         (`group_shuffle_split`, 30 % of people held out).\n",
        synth::COMMITTED_SEED
    );
    worked_binary(&mut report)?;
    worked_multiclass(&mut report)?;
    worked_regression(&mut report)?;
    rare_label(&mut report)?;
    Ok(report)
}

/// Confusion counts of a binary problem with positive class 1: (TP, FP, FN, TN).
fn counts(y: &[usize], pred: &[usize]) -> (f64, f64, f64, f64) {
    let mut c = (0.0, 0.0, 0.0, 0.0);
    for (&t, &p) in y.iter().zip(pred) {
        match (t == 1, p == 1) {
            (true, true) => c.0 += 1.0,
            (false, true) => c.1 += 1.0,
            (true, false) => c.2 += 1.0,
            (false, false) => c.3 += 1.0,
        }
    }
    c
}

/// ROC AUC as the Mann–Whitney statistic: the share of (positive, negative) pairs the score
/// orders correctly, ties counting half.
fn pairwise_auc(y: &[usize], s: &[f64]) -> f64 {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (i, &yi) in y.iter().enumerate() {
        for (j, &yj) in y.iter().enumerate() {
            if yi == 1 && yj != 1 {
                pairs += 1.0;
                if s[i] > s[j] {
                    wins += 1.0;
                } else if s[i] == s[j] {
                    wins += 0.5;
                }
            }
        }
    }
    wins / pairs
}

/// Average precision from its definition: Σ (Rₖ − Rₖ₋₁)·Pₖ over the distinct score
/// thresholds, highest first.
fn ap_by_definition(y: &[usize], s: &[f64]) -> f64 {
    let mut thresholds = s.to_vec();
    thresholds.sort_by(|a, b| b.total_cmp(a));
    thresholds.dedup();
    let positives = y.iter().filter(|&&t| t == 1).count() as f64;
    let (mut ap, mut last_recall) = (0.0, 0.0);
    for t in thresholds {
        let pred: Vec<usize> = s.iter().map(|&v| usize::from(v >= t)).collect();
        let (tp, fp, _, _) = counts(y, &pred);
        let recall = tp / positives;
        ap += (recall - last_recall) * tp / (tp + fp);
        last_recall = recall;
    }
    ap
}

fn worked_binary(report: &mut Report) -> Result<(), TopicError> {
    let mut rng = SynthRng::new(11, 2);
    let mut y = Vec::with_capacity(N_WORKED);
    let mut score = Vec::with_capacity(N_WORKED);
    for _ in 0..N_WORKED {
        let t = usize::from(rng.bernoulli(0.4));
        // A score that separates the classes imperfectly and leans towards positive calls.
        let z = if t == 1 { 1.0 } else { -1.0 } + 0.2 + rng.normal(0.0, 1.5);
        // Two decimals, as a reader would copy them.
        score.push((100.0 * synth::sigmoid(z)).round() / 100.0);
        y.push(t);
    }
    let threshold = 0.5;
    let pred: Vec<usize> = score.iter().map(|&s| usize::from(s >= threshold)).collect();
    let (tp, fp, fn_, tn) = counts(&y, &pred);
    let n = N_WORKED as f64;
    let row = |name: &str, v: &[String]| format!("{name:<8}{}", v.join(""));
    let listing = [
        row(
            "subject",
            &(1..=N_WORKED)
                .map(|i| format!("{i:>5}"))
                .collect::<Vec<_>>(),
        ),
        row(
            "y_true",
            &y.iter().map(|v| format!("{v:>5}")).collect::<Vec<_>>(),
        ),
        row(
            "score",
            &score
                .iter()
                .map(|v| format!("{:>5}", fixed(*v, 2)))
                .collect::<Vec<_>>(),
        ),
        row(
            "y_pred",
            &pred.iter().map(|v| format!("{v:>5}")).collect::<Vec<_>>(),
        ),
    ]
    .join("\n");
    let cm = m::confusion_matrix_with_labels(&y, &pred, &[0, 1])?;
    report.checks.push(Check::equal(
        "worked example: confusion_matrix gives the hand-counted [[TN, FP], [FN, TP]]",
        format!("{:?}", cm.counts),
        format!(
            "{:?}",
            [[tn as usize, fp as usize], [fn_ as usize, tp as usize]]
        ),
    ));

    // Every metric: the crate's value beside one from the counts or the definition.
    let (sens, spec) = (tp / (tp + fn_), tn / (tn + fp));
    let (prec, neg_prec) = (tp / (tp + fp), tn / (tn + fn_));
    let fb = |b: f64| (1.0 + b * b) * tp / ((1.0 + b * b) * tp + b * b * fn_ + fp);
    let f1_neg = 2.0 * tn / (2.0 * tn + fn_ + fp);
    let (sup1, sup0) = (tp + fn_, tn + fp);
    let log_loss: f64 = y
        .iter()
        .zip(&score)
        .map(|(&t, &p)| if t == 1 { -p.ln() } else { -(1.0 - p).ln() })
        .sum::<f64>()
        / n;
    let brier: f64 = y
        .iter()
        .zip(&score)
        .map(|(&t, &p)| (t as f64 - p).powi(2))
        .sum::<f64>()
        / n;
    let rows: Vec<(&str, &str, &str, f64, f64)> = vec![
        (
            "accuracy",
            "accuracy",
            "(TP + TN) / n",
            m::accuracy(&y, &pred)?,
            (tp + tn) / n,
        ),
        (
            "balanced accuracy",
            "balanced_accuracy",
            "(TPR + TNR) / 2",
            m::balanced_accuracy(&y, &pred)?,
            (sens + spec) / 2.0,
        ),
        (
            "precision (PPV)",
            "precision",
            "TP / (TP + FP)",
            m::precision(&y, &pred, POS, ZD)?,
            prec,
        ),
        (
            "recall, sensitivity (TPR)",
            "recall",
            "TP / (TP + FN)",
            m::recall(&y, &pred, POS, ZD)?,
            sens,
        ),
        (
            "specificity (TNR)",
            "specificity",
            "TN / (TN + FP)",
            m::specificity(&y, &pred, 1, ZD)?,
            spec,
        ),
        (
            "F1",
            "f1",
            "2·TP / (2·TP + FP + FN)",
            m::f1(&y, &pred, POS, ZD)?,
            2.0 * tp / (2.0 * tp + fp + fn_),
        ),
        (
            "F2 (recall weighted)",
            "fbeta, β = 2",
            "5·TP / (5·TP + 4·FN + FP)",
            m::fbeta(&y, &pred, 2.0, POS, ZD)?,
            fb(2.0),
        ),
        (
            "F0.5 (precision weighted)",
            "fbeta, β = 0.5",
            "1.25·TP / (1.25·TP + 0.25·FN + FP)",
            m::fbeta(&y, &pred, 0.5, POS, ZD)?,
            fb(0.5),
        ),
        (
            "Youden's J",
            "youden_j",
            "TPR + TNR − 1",
            m::youden_j(&y, &pred, 1, ZD)?,
            sens + spec - 1.0,
        ),
        (
            "Matthews correlation",
            "mcc",
            "(TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN))",
            m::mcc(&y, &pred)?,
            (tp * tn - fp * fn_) / ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt(),
        ),
        (
            "macro-averaged F1",
            "f1, macro",
            "mean of both classes' F1",
            m::f1(&y, &pred, Average::Macro, ZD)?,
            (fb(1.0) + f1_neg) / 2.0,
        ),
        (
            "weighted F1",
            "f1, weighted",
            "both classes' F1 weighted by support",
            m::f1(&y, &pred, Average::Weighted, ZD)?,
            (fb(1.0) * sup1 + f1_neg * sup0) / n,
        ),
        (
            "macro-averaged precision",
            "precision, macro",
            "(PPV + NPV) / 2",
            m::precision(&y, &pred, Average::Macro, ZD)?,
            (prec + neg_prec) / 2.0,
        ),
        (
            "micro-averaged F1",
            "f1, micro",
            "pooled counts of both classes",
            m::f1(&y, &pred, Average::Micro, ZD)?,
            (tp + tn) / n,
        ),
        (
            "ROC AUC",
            "roc_auc",
            "share of (positive, negative) pairs ranked correctly",
            m::roc_auc(&y, &score, 1)?,
            pairwise_auc(&y, &score),
        ),
        (
            "average precision",
            "average_precision",
            "Σ (Rₖ − Rₖ₋₁)·Pₖ over thresholds",
            m::average_precision(&y, &score, 1)?,
            ap_by_definition(&y, &score),
        ),
        (
            "log loss",
            "log_loss_binary",
            "−mean(y·ln p + (1 − y)·ln(1 − p))",
            m::log_loss_binary(&y, &score)?,
            log_loss,
        ),
        (
            "Brier score",
            "brier_score",
            "mean((y − p)²)",
            m::brier_score(&y, &score, 1)?,
            brier,
        ),
    ];
    let mut t = T::new([
        "metric",
        "validation crate",
        "from the counts or the definition",
        "crate",
        "by hand",
    ]);
    let mut worst: f64 = 0.0;
    for (name, call, formula, crate_value, hand) in &rows {
        worst = worst.max((crate_value - hand).abs());
        t.push([
            name.to_string(),
            format!("`{call}`"),
            formula.to_string(),
            fixed(*crate_value, 4),
            fixed(*hand, 4),
        ]);
    }
    report.checks.push(Check::at_most(
        format!(
            "worked example: all {} metrics equal their hand computation",
            rows.len()
        ),
        worst,
        1e-12,
        15,
    ));
    let get = |name: &str| -> Result<f64, TopicError> {
        rows.iter()
            .find(|r| r.0 == name)
            .map(|r| r.3)
            .ok_or_else(|| format!("no metric '{name}'").into())
    };
    let (ba, p, r, f1, j, acc) = (
        get("balanced accuracy")?,
        get("precision (PPV)")?,
        get("recall, sensitivity (TPR)")?,
        get("F1")?,
        get("Youden's J")?,
        get("accuracy")?,
    );
    let spec_c = get("specificity (TNR)")?;
    report.checks.push(Check::close(
        "worked example: balanced accuracy = (sensitivity + specificity) / 2",
        ba,
        (r + spec_c) / 2.0,
        1e-12,
        6,
    ));
    report.checks.push(Check::close(
        "worked example: F1 = harmonic mean of precision and recall",
        f1,
        2.0 * p * r / (p + r),
        1e-12,
        6,
    ));
    report.checks.push(Check::close(
        "worked example: Youden's J = 2 · balanced accuracy − 1",
        j,
        2.0 * ba - 1.0,
        1e-12,
        6,
    ));
    // PPV + NPV = 2 × macro-averaged precision.
    let markedness = 2.0 * get("macro-averaged precision")? - 1.0;
    report.checks.push(Check::close(
        "worked example: MCC² = Youden's J (informedness) × markedness (PPV + NPV − 1)",
        get("Matthews correlation")?.powi(2),
        j * markedness,
        1e-12,
        6,
    ));
    report.checks.push(Check::close(
        "worked example: micro-averaged F1 = accuracy (single-label problems)",
        get("micro-averaged F1")?,
        acc,
        1e-12,
        6,
    ));
    let report_text = m::classification_report(
        &y,
        &pred,
        Some(&["negative".to_string(), "positive".to_string()]),
        2,
        ZD,
    )?;
    report.sections.push(
        Section::new("A worked example")
            .para(format!(
                "{N_WORKED} subjects, {} of them positive, with a classifier's score for each; \
                 predictions are score ≥ {threshold}:",
                sup1
            ))
            .para(format!("```text\n{listing}\n```"))
            .para(format!(
                "Counting gives TP = {tp}, FP = {fp}, FN = {fn_}, TN = {tn}. Every \
                 classification metric of the validation crate follows, each beside the same \
                 quantity computed here from the counts (threshold metrics) or from its \
                 definition (ranking and probability metrics, which use the scores; tied \
                 scores count half a correctly ordered pair in the AUC); they agree {}.",
                if worst == 0.0 {
                    "exactly".to_string()
                } else {
                    format!("to within {}", short(worst))
                }
            ))
            .table(t)
            .para(
                "They are tied together: balanced accuracy is the mean of sensitivity and \
                 specificity and Youden's J is twice it minus one; F1 is the harmonic mean of \
                 precision and recall (F2 leans towards recall, F0.5 towards precision); MCC is \
                 the geometric mean of Youden's J (informedness) and its counterpart on the \
                 predictions, markedness = PPV + NPV − 1; with one label per row, \
                 micro-averaging pools the counts and gives accuracy. scikit-learn's \
                 `classification_report` lays the per-class numbers out as:",
            )
            .para(format!("```text\n{report_text}```")),
    );
    Ok(())
}

fn worked_multiclass(report: &mut Report) -> Result<(), TopicError> {
    let iris = select_features(&classic::iris(), &["sepal length (cm)", "sepal width (cm)"])?;
    let split = one_split(
        "train_test_split:test_size=0.3,random_state=0,stratify=true",
        &iris,
    )?;
    let (train, test) = train_test(&iris, &split);
    let fitted = Model::parse("gaussian_nb")?.fit(&train)?;
    let y = codes(&test)?;
    let proba = fitted
        .predict_proba(test.x.view())?
        .ok_or("naive Bayes has probabilities")?;
    let pred: Vec<usize> = fitted
        .predict(test.x.view())?
        .iter()
        .map(|&v| v as usize)
        .collect();
    let names = ["setosa", "versicolor", "virginica"];
    let per = m::precision_recall_fscore_per_class(&y, &pred, 1.0, ZD)?;
    let cm = m::confusion_matrix(&y, &pred)?;
    let mut t = T::new(["class", "precision", "recall", "F1", "support"]);
    for (i, &l) in per.labels.iter().enumerate() {
        t.push([
            names.get(l).copied().unwrap_or("?").to_string(),
            fixed(per.precision[i], 4),
            fixed(per.recall[i], 4),
            fixed(per.fscore[i], 4),
            per.support[i].to_string(),
        ]);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let total: usize = per.support.iter().sum();
    let weighted = |v: &[f64]| {
        v.iter()
            .zip(&per.support)
            .map(|(a, &s)| a * s as f64)
            .sum::<f64>()
            / total as f64
    };
    let mut avg = T::new([
        "average",
        "precision",
        "recall",
        "F1",
        "how the classes are combined",
    ]);
    let mut worst: f64 = 0.0;
    for (name, a, by_hand, how) in [
        (
            "macro",
            Average::Macro,
            (mean(&per.precision), mean(&per.recall), mean(&per.fscore)),
            "unweighted mean of the rows above",
        ),
        (
            "weighted",
            Average::Weighted,
            (
                weighted(&per.precision),
                weighted(&per.recall),
                weighted(&per.fscore),
            ),
            "mean weighted by support",
        ),
        (
            "micro",
            Average::Micro,
            {
                let acc = m::accuracy(&y, &pred)?;
                (acc, acc, acc)
            },
            "pooled counts (= accuracy)",
        ),
    ] {
        let (p, r, f) = m::precision_recall_fscore(&y, &pred, 1.0, a, ZD)?;
        worst = worst
            .max((p - by_hand.0).abs())
            .max((r - by_hand.1).abs())
            .max((f - by_hand.2).abs());
        avg.push([
            name.to_string(),
            fixed(p, 4),
            fixed(r, 4),
            fixed(f, 4),
            how.to_string(),
        ]);
    }
    report.checks.push(Check::at_most(
        "iris: macro, weighted and micro averages equal the mean, support-weighted mean and \
         accuracy computed from the per-class rows",
        worst,
        1e-12,
        15,
    ));
    let ba = m::balanced_accuracy(&y, &pred)?;
    report.checks.push(Check::close(
        "iris: balanced accuracy = macro-averaged recall",
        ba,
        mean(&per.recall),
        1e-12,
        6,
    ));
    // One-vs-rest AUCs by hand.
    let ovr: Vec<f64> = (0..names.len())
        .map(|c| {
            let yc: Vec<usize> = y.iter().map(|&t| usize::from(t == c)).collect();
            pairwise_auc(&yc, &proba.column(c).to_vec())
        })
        .collect();
    let auc_macro = m::roc_auc_ovr(&y, proba.view(), Average::Macro)?;
    let auc_weighted = m::roc_auc_ovr(&y, proba.view(), Average::Weighted)?;
    report.checks.push(Check::close(
        "iris: one-vs-rest macro ROC AUC = mean of the per-class pairwise AUCs",
        auc_macro,
        mean(&ovr),
        1e-12,
        6,
    ));
    let ll = m::log_loss(&y, proba.view())?;
    let ll_hand = y
        .iter()
        .enumerate()
        .map(|(i, &c)| -proba[[i, c]].clamp(f64::EPSILON, 1.0 - f64::EPSILON).ln())
        .sum::<f64>()
        / y.len() as f64;
    report.checks.push(Check::close(
        "iris: multiclass log loss = mean −ln P(true class)",
        ll,
        ll_hand,
        1e-12,
        6,
    ));
    let mcc = m::mcc(&y, &pred)?;
    let mut scalar = T::new(["metric", "value"]);
    for (name, v) in [
        ("accuracy", m::accuracy(&y, &pred)?),
        ("balanced accuracy (= macro recall)", ba),
        ("Matthews correlation (multiclass)", mcc),
        ("one-vs-rest ROC AUC, macro", auc_macro),
        ("one-vs-rest ROC AUC, weighted by prevalence", auc_weighted),
        ("log loss", ll),
    ] {
        scalar.push([name.to_string(), fixed(v, 4)]);
    }
    report.sections.push(
        Section::new("More than two classes")
            .para(format!(
                "Gaussian naive Bayes on iris' two sepal measurements ({} training and {} test \
                 flowers, stratified; the species overlap on these two features). Precision, \
                 recall and F1 are defined per class, one class against the rest. Confusion \
                 matrix of the test flowers (rows true, columns predicted): {:?}.",
                train.n_rows(),
                test.n_rows(),
                cm.counts
            ))
            .table(t)
            .para(format!(
                "Averages differ in what they weight: macro treats every class alike (a rare \
                 class counts as much as a common one), weighted follows the class sizes, \
                 micro pools every decision.{}",
                if per.support.windows(2).all(|w| w[0] == w[1]) {
                    " The stratified test set has equally many flowers of each species, so \
                     macro and weighted averages coincide here."
                } else {
                    ""
                }
            ))
            .table(avg)
            .table(scalar),
    );
    Ok(())
}

fn worked_regression(report: &mut Report) -> Result<(), TopicError> {
    let mut rng = SynthRng::new(11, 1);
    let truth: Vec<f64> = (0..10)
        .map(|_| (10.0 * rng.uniform_range(10.0, 30.0)).round() / 10.0)
        .collect();
    let pred: Vec<f64> = truth
        .iter()
        .map(|&t| (10.0 * (0.8 * t + 4.0 + rng.normal(0.0, 2.0))).round() / 10.0)
        .collect();
    let n = truth.len() as f64;
    let err: Vec<f64> = truth.iter().zip(&pred).map(|(t, p)| t - p).collect();
    let mean_t = truth.iter().sum::<f64>() / n;
    let mean_e = err.iter().sum::<f64>() / n;
    let ss_res: f64 = err.iter().map(|e| e * e).sum();
    let ss_tot: f64 = truth.iter().map(|t| (t - mean_t).powi(2)).sum();
    let var_e = err.iter().map(|e| (e - mean_e).powi(2)).sum::<f64>() / n;
    let rows = [
        (
            "mean absolute error",
            "mae",
            "mean |y − ŷ|",
            m::mae(&truth, &pred)?,
            err.iter().map(|e| e.abs()).sum::<f64>() / n,
        ),
        (
            "mean squared error",
            "mse",
            "mean (y − ŷ)²",
            m::mse(&truth, &pred)?,
            ss_res / n,
        ),
        (
            "root mean squared error",
            "rmse",
            "√MSE",
            m::rmse(&truth, &pred)?,
            (ss_res / n).sqrt(),
        ),
        (
            "mean absolute percentage error",
            "mape",
            "mean |y − ŷ| / |y| (a fraction)",
            m::mape(&truth, &pred)?,
            err.iter()
                .zip(&truth)
                .map(|(e, t)| e.abs() / t.abs())
                .sum::<f64>()
                / n,
        ),
        (
            "R²",
            "r2",
            "1 − SS_res / SS_tot",
            m::r2(&truth, &pred, true)?,
            1.0 - ss_res / ss_tot,
        ),
        (
            "explained variance",
            "explained_variance",
            "1 − Var(y − ŷ) / Var(y)",
            m::explained_variance(&truth, &pred, true)?,
            1.0 - var_e / (ss_tot / n),
        ),
    ];
    let mut t = T::new([
        "metric",
        "validation crate",
        "definition",
        "crate",
        "by hand",
    ]);
    let mut worst: f64 = 0.0;
    for (name, call, def, v, hand) in rows {
        worst = worst.max((v - hand).abs());
        t.push([
            name.to_string(),
            format!("`{call}`"),
            def.to_string(),
            fixed(v, 4),
            fixed(hand, 4),
        ]);
    }
    report.checks.push(Check::at_most(
        "regression example: all 6 metrics equal their hand computation",
        worst,
        1e-12,
        15,
    ));
    let fmt = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{:>6}", fixed(*x, 1)))
            .collect::<Vec<_>>()
            .join("")
    };
    report.sections.push(
        Section::new("Regression metrics")
            .para(format!(
                "For completeness, the crate's regression metrics on ten predictions (the \
                 clustering metrics are in topic 16):\n\n```text\ny_true {}\ny_pred {}\n```",
                fmt(&truth),
                fmt(&pred)
            ))
            .table(t)
            .para(
                "R² and explained variance differ only by the mean error: explained \
                 variance ignores a constant bias, R² does not.",
            ),
    );
    Ok(())
}

/// Probability of class 1 on the test rows.
fn p1(f: &dyn Fitted, test: &Table) -> Result<Vec<f64>, TopicError> {
    let p = f
        .predict_proba(test.x.view())?
        .ok_or("the model has no probabilities")?;
    if p.ncols() < 2 {
        return Err("expected probabilities for two classes".into());
    }
    Ok(p.column(1).to_vec())
}

/// Threshold metrics of one classifier: accuracy, balanced accuracy, recall, precision,
/// specificity, F1, MCC.
fn threshold_metrics(y: &[usize], pred: &[usize]) -> Result<[f64; 7], TopicError> {
    Ok([
        m::accuracy(y, pred)?,
        m::balanced_accuracy(y, pred)?,
        m::recall(y, pred, POS, ZD)?,
        m::precision(y, pred, POS, ZD)?,
        m::specificity(y, pred, 1, ZD)?,
        m::f1(y, pred, POS, ZD)?,
        m::mcc(y, pred)?,
    ])
}

fn rare_label(report: &mut Report) -> Result<(), TopicError> {
    let table = synth::inhome_monitoring(60, 90, synth::COMMITTED_SEED).table()?;
    let cv = Cv::parse("group_shuffle_split:n_splits=1,test_size=0.3,random_state=0")?;
    let split = splits_for(&cv, &table)?
        .into_iter()
        .next()
        .ok_or("group_shuffle_split gave no split")?;
    let (train, test) = train_test(&table, &split);
    let groups = table.groups.as_ref().ok_or("the cohort has patient ids")?;
    let people = |rows: &[usize]| -> std::collections::BTreeSet<usize> {
        rows.iter().map(|&i| groups.ids[i]).collect()
    };
    let (p_train, p_test) = (people(&split.train), people(&split.test));
    report.checks.push(Check::equal(
        "inhome: no person has days on both sides of the split",
        p_train.intersection(&p_test).count().to_string(),
        "0",
    ));
    let (ytr, y) = (codes(&train)?, codes(&test)?);
    let prevalence_train = ytr.iter().filter(|&&c| c == 1).count() as f64 / ytr.len() as f64;
    let prevalence = y.iter().filter(|&&c| c == 1).count() as f64 / y.len() as f64;

    // Models (features standardised on the training rows).
    let pipe = |spec: &str| -> Result<Box<dyn Fitted>, TopicError> {
        Ok(Pipeline::new(Model::parse(spec)?)
            .scaling(Scaling::Standard)
            .fit(&train)?)
    };
    let models: Vec<(&str, &str, Box<dyn Fitted>)> = vec![
        ("logistic", "logistic:c=1.0", pipe("logistic:c=1.0")?),
        (
            "logistic, balanced weights",
            "logistic:c=1.0,class_weight=balanced",
            pipe("logistic:c=1.0,class_weight=balanced")?,
        ),
        ("Gaussian NB", "gaussian_nb", pipe("gaussian_nb")?),
    ];
    let scores: Vec<Vec<f64>> = models
        .iter()
        .map(|(_, _, f)| p1(f.as_ref(), &test))
        .collect::<Result<_, _>>()?;

    // The accuracy paradox.
    let majority = usize::from(prevalence_train > 0.5);
    let always: Vec<usize> = vec![majority; y.len()];
    let mut t = T::new([
        "classifier (threshold 0.5)",
        "accuracy",
        "balanced accuracy",
        "recall",
        "precision",
        "specificity",
        "F1",
        "MCC",
        "ROC AUC",
        "average precision",
    ]);
    let constant = vec![0.0; y.len()];
    let mut results = Vec::new();
    for (name, pred, s) in std::iter::once(("always \"no agitation\"", always.clone(), &constant))
        .chain(models.iter().zip(&scores).map(|((name, _, _), s)| {
            (*name, s.iter().map(|&p| usize::from(p >= 0.5)).collect(), s)
        }))
    {
        let v = threshold_metrics(&y, &pred)?;
        let auc = m::roc_auc(&y, s, 1)?;
        let ap = m::average_precision(&y, s, 1)?;
        let mut cells = vec![name.to_string()];
        cells.extend(v.iter().map(|x| fixed(*x, 3)));
        cells.push(fixed(auc, 3));
        cells.push(fixed(ap, 3));
        t.push(cells);
        results.push((name, v, auc, ap));
    }
    let trivial = results[0].1;
    let balanced = results[2].1;
    report.checks.push(Check::at_least(
        "inhome: always predicting \"no agitation\" is over 90 % accurate",
        trivial[0],
        0.9,
        3,
    ));
    report.checks.push(Check::equal(
        "inhome: ... yet finds no agitated day (recall) and scores chance balanced accuracy",
        format!(
            "recall {}, balanced accuracy {}",
            fixed(trivial[2], 3),
            fixed(trivial[1], 3)
        ),
        "recall 0.000, balanced accuracy 0.500",
    ));
    report.checks.push(Check::greater(
        "inhome: the balanced-weight logistic model is less accurate than the constant ...",
        ("constant", trivial[0]),
        ("balanced logistic", balanced[0]),
        3,
    ));
    report.checks.push(Check::greater(
        "inhome: ... but has the higher balanced accuracy",
        ("balanced logistic", balanced[1]),
        ("constant", trivial[1]),
        3,
    ));
    report.metrics.push(Metric::new(
        "inhome accuracy of always \"no agitation\"",
        trivial[0],
        3,
    ));
    report.metrics.push(Metric::new(
        "inhome balanced accuracy, balanced logistic",
        balanced[1],
        3,
    ));
    let names: Vec<String> = ["no agitation", "agitation"].map(String::from).to_vec();
    let cr_trivial = m::classification_report(&y, &always, Some(&names), 2, ZD)?;
    let bal_pred: Vec<usize> = scores[1].iter().map(|&p| usize::from(p >= 0.5)).collect();
    let cr_bal = m::classification_report(&y, &bal_pred, Some(&names), 2, ZD)?;
    // The agitation line of the report, number by number.
    let line: Vec<String> = cr_bal
        .lines()
        .find(|l| l.trim_start().starts_with("agitation"))
        .ok_or("the report has an agitation row")?
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect();
    let prf = m::precision_recall_fscore(&y, &bal_pred, 1.0, POS, ZD)?;
    let support = y.iter().filter(|&&c| c == 1).count();
    report.checks.push(Check::equal(
        "classification_report's agitation row = precision, recall, F1, support",
        line.join(" "),
        format!("{:.2} {:.2} {:.2} {support}", prf.0, prf.1, prf.2),
    ));
    report.sections.push(
        Section::new("The accuracy paradox")
            .para(format!(
                "Agitation is rare: {} % of training days and {} % of the {} test days \
                 ({} people in training, {} held out). A classifier that always answers \"no \
                 agitation\" is right on almost every day and useless. Three real models \
                 ({}), fitted on the training people with features standardised on their \
                 rows, at the default threshold P(agitation) ≥ 0.5:",
                fixed(100.0 * prevalence_train, 1),
                fixed(100.0 * prevalence, 1),
                test.n_rows(),
                p_train.len(),
                p_test.len(),
                models
                    .iter()
                    .map(|(_, spec, _)| format!("`{spec}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .table(t)
            .para(format!(
                "Accuracy rewards the constant answer. Balanced accuracy (0.5 for any \
                 constant answer), recall, F1 and MCC expose it; ROC AUC and average precision \
                 judge the scores at every threshold (a constant score has AUC 0.5 and average \
                 precision equal to the prevalence). Plain logistic regression, trained on \
                 {} % positives, rarely clears 0.5 (recall {}); class weights trade accuracy \
                 for recall. `classification_report` shows the same story, constant classifier \
                 first:",
                fixed(100.0 * prevalence_train, 1),
                fixed(results[1].1[2], 3)
            ))
            .para(format!("```text\n{cr_trivial}```"))
            .para(format!("```text\n{cr_bal}```")),
    );

    curves(report, &train, &test, &models, &scores, prevalence)?;
    Ok(())
}

/// A vertical segment from the diagonal to an ROC point: Youden's J drawn.
fn j_segment(fpr: f64, tpr: f64) -> Vec<(f64, f64)> {
    vec![(fpr, fpr), (fpr, tpr)]
}

fn curves(
    report: &mut Report,
    train: &Table,
    test: &Table,
    models: &[(&str, &str, Box<dyn Fitted>)],
    scores: &[Vec<f64>],
    prevalence: f64,
) -> Result<(), TopicError> {
    let y = codes(test)?;
    let ytr = codes(train)?;

    // ROC and PR curves.
    let mut roc_series = Vec::new();
    let mut pr_series = Vec::new();
    let mut aucs = Vec::new();
    for ((name, _, _), s) in models.iter().zip(scores) {
        let roc = m::roc_curve(&y, s, 1, true)?;
        let auc = m::roc_auc(&y, s, 1)?;
        let pr = m::precision_recall_curve(&y, s, 1)?;
        let ap = m::average_precision(&y, s, 1)?;
        aucs.push(auc);
        roc_series.push(Series::new(
            format!("{name} (AUC {})", fixed(auc, 3)),
            roc.fpr
                .iter()
                .copied()
                .zip(roc.tpr.iter().copied())
                .collect(),
        ));
        pr_series.push(Series::new(
            format!("{name} (AP {})", fixed(ap, 3)),
            pr.recall
                .iter()
                .copied()
                .zip(pr.precision.iter().copied())
                .collect(),
        ));
    }
    pr_series.push(Series::new(
        format!("no skill (prevalence {})", fixed(prevalence, 3)),
        vec![(0.0, prevalence), (1.0, prevalence)],
    ));
    for ((name, _, _), &auc) in models.iter().zip(&aucs) {
        report.checks.push(Check::at_least(
            format!("inhome: {name} ranks agitated days above calm ones better than chance (test ROC AUC)"),
            auc,
            0.6,
            3,
        ));
    }
    report.checks.push(Check::close(
        "inhome: class weights move the threshold, not the ranking (AUC, weighted vs plain \
         logistic)",
        aucs[1],
        aucs[0],
        0.02,
        3,
    ));

    // Youden's J: the threshold chosen on the training rows, applied to the test rows.
    let plain = models[0].2.as_ref();
    let s_train = p1(plain, train)?;
    let roc_train = m::roc_curve(&ytr, &s_train, 1, false)?;
    let (best, best_j) = roc_train
        .fpr
        .iter()
        .zip(&roc_train.tpr)
        .enumerate()
        .map(|(i, (f, t))| (i, t - f))
        .fold((0, f64::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
    let t_star = roc_train.thresholds[best];
    let at = |s: &[f64], t: f64| -> Vec<usize> { s.iter().map(|&p| usize::from(p >= t)).collect() };
    let j_train = m::youden_j(&ytr, &at(&s_train, t_star), 1, ZD)?;
    report.checks.push(Check::close(
        "youden_j at the chosen threshold = the training ROC curve's max(TPR − FPR)",
        j_train,
        best_j,
        1e-12,
        4,
    ));
    let s_test = &scores[0];
    let mut yt = T::new([
        "threshold on P(agitation)",
        "chosen by",
        "test sensitivity",
        "test specificity",
        "test Youden's J",
        "test balanced accuracy",
    ]);
    let mut js = Vec::new();
    let mut op = (0.0, 0.0);
    for (t, how) in [(0.5, "default"), (t_star, "max J on the training days")] {
        let pred = at(s_test, t);
        let sens = m::recall(&y, &pred, POS, ZD)?;
        let spec = m::specificity(&y, &pred, 1, ZD)?;
        let j = m::youden_j(&y, &pred, 1, ZD)?;
        js.push(j);
        if how != "default" {
            op = (1.0 - spec, sens);
        }
        yt.push([
            fixed(t, 4),
            how.to_string(),
            fixed(sens, 3),
            fixed(spec, 3),
            fixed(j, 3),
            fixed(m::balanced_accuracy(&y, &pred)?, 3),
        ]);
    }
    report.checks.push(Check::greater(
        "inhome: plain logistic's test Youden's J at the training-chosen threshold beats 0.5",
        ("J at t*", js[1]),
        ("J at 0.5", js[0]),
        3,
    ));
    report
        .metrics
        .push(Metric::new("Youden threshold (plain logistic)", t_star, 4));
    roc_series.push(Series::new(
        format!("Youden's J at t* = {} (logistic)", fixed(t_star, 3)),
        j_segment(op.0, op.1),
    ));
    let roc_fig = Figure::lines(
        "ROC curves, test people",
        "false positive rate (1 − specificity)",
        "true positive rate (sensitivity)",
        &roc_series,
        LineOptions {
            diagonal: true,
            y_range: Some((0.0, 1.0)),
            ..LineOptions::default()
        },
    );
    let pr_fig = Figure::lines(
        "Precision-recall curves, test people",
        "recall",
        "precision",
        &pr_series,
        LineOptions {
            y_range: Some((0.0, 1.02)),
            ..LineOptions::default()
        },
    );
    report.sections.push(
        Section::new("ROC and precision-recall curves")
            .para(
                "Every threshold at once. The ROC curve plots sensitivity against the false \
                 positive rate; its baseline is the diagonal whatever the prevalence, so with \
                 rare positives it can look good while most alarms are false. The \
                 precision-recall curve shows that cost: its no-skill baseline is the \
                 prevalence.",
            )
            .figure(
                "roc",
                "ROC curves of the three models on the test people",
                roc_fig,
            )
            .figure(
                "precision_recall",
                "Precision-recall curves of the three models on the test people",
                pr_fig,
            )
            .para(format!(
                "Youden's J = sensitivity + specificity − 1 is the height of an ROC point above \
                 the diagonal. Its maximum over the training days' ROC curve of plain \
                 logistic regression is at t* = {} (J = {} there); applied to the test \
                 people, that threshold is compared with the default 0.5 below, and drawn as \
                 the vertical segment on the ROC figure. Choosing the threshold on the test \
                 rows themselves would overstate J.",
                fixed(t_star, 4),
                fixed(best_j, 3)
            ))
            .table(yt),
    );

    calibration(report, models, scores, &y, prevalence_of(&ytr))?;
    Ok(())
}

fn prevalence_of(y: &[usize]) -> f64 {
    y.iter().filter(|&&c| c == 1).count() as f64 / y.len() as f64
}

fn calibration(
    report: &mut Report,
    models: &[(&str, &str, Box<dyn Fitted>)],
    scores: &[Vec<f64>],
    y: &[usize],
    train_prevalence: f64,
) -> Result<(), TopicError> {
    let observed = prevalence_of(y);
    let mut t = T::new([
        "model",
        "Brier score",
        "log loss",
        "mean predicted P(agitation)",
        "observed rate",
        "share of P < 0.01 or > 0.99",
    ]);
    let extreme = |s: &[f64]| {
        s.iter().filter(|&&p| !(0.01..=0.99).contains(&p)).count() as f64 / s.len() as f64
    };
    let mut extremes = Vec::new();
    let mut series = Vec::new();
    let mut brier = Vec::new();
    let mut mean_p = Vec::new();
    for ((name, _, _), s) in models.iter().zip(scores) {
        let b = m::brier_score(y, s, 1)?;
        let mp = s.iter().sum::<f64>() / s.len() as f64;
        brier.push(b);
        mean_p.push(mp);
        extremes.push(extreme(s));
        t.push([
            name.to_string(),
            fixed(b, 4),
            fixed(m::log_loss_binary(y, s)?, 4),
            fixed(mp, 4),
            fixed(observed, 4),
            fixed(extreme(s), 3),
        ]);
        let (prob_true, prob_pred) = m::calibration_curve(y, s, 1, 10, BinStrategy::Quantile)?;
        series.push(Series::new(
            *name,
            prob_pred.into_iter().zip(prob_true).collect(),
        ));
    }
    let reference = vec![train_prevalence; y.len()];
    let b_ref = m::brier_score(y, &reference, 1)?;
    t.push([
        "constant: the training prevalence".to_string(),
        fixed(b_ref, 4),
        fixed(m::log_loss_binary(y, &reference)?, 4),
        fixed(train_prevalence, 4),
        fixed(observed, 4),
        fixed(extreme(&reference), 3),
    ]);
    report.checks.push(Check::greater(
        "inhome: plain logistic's probabilities beat the constant prevalence forecast (lower \
         Brier)",
        ("constant", b_ref),
        ("logistic", brier[0]),
        4,
    ));
    report.checks.push(Check::greater(
        "inhome: naive Bayes' probabilities are worse than logistic regression's (Brier)",
        ("Gaussian NB", brier[2]),
        ("logistic", brier[0]),
        4,
    ));
    report.checks.push(Check::greater(
        "inhome: naive Bayes is over-confident (share of probabilities below 0.01 or above \
         0.99)",
        ("Gaussian NB", extremes[2]),
        ("logistic", extremes[0]),
        3,
    ));
    report.checks.push(Check::greater(
        "inhome: balanced class weights inflate the predicted probabilities (mean P over \
         twice the observed rate)",
        ("mean predicted", mean_p[1]),
        ("2 × observed", 2.0 * observed),
        4,
    ));
    report
        .metrics
        .push(Metric::new("Brier, logistic", brier[0], 4));
    report
        .metrics
        .push(Metric::new("Brier, Gaussian NB", brier[2], 4));
    let fig = Figure::lines(
        "Reliability diagram (10 quantile bins), test people",
        "mean predicted P(agitation)",
        "observed fraction agitated",
        &series,
        LineOptions {
            diagonal: true,
            markers: true,
            y_range: Some((0.0, 1.0)),
        },
    );
    report.sections.push(
        Section::new("Calibration")
            .para(
                "A probability is calibrated when, among days given P = 0.2, about 20 % are \
                 agitated. The reliability diagram bins the test days by predicted probability \
                 (10 bins of equal count) and plots each bin's observed rate against its mean \
                 prediction; calibrated models follow the diagonal. The Brier score (mean \
                 squared error of the probability) and log loss summarise calibration and \
                 discrimination together; the constant forecast of the training prevalence is \
                 the bar to clear.",
            )
            .figure(
                "calibration",
                "Reliability diagram of the three models",
                fig,
            )
            .table(t)
            .para(format!(
                "Plain logistic regression's Brier score is only {} below the constant \
                 forecast's: with {} % positives, most of any score is earned by giving calm \
                 days small probabilities. \
                 Naive Bayes multiplies per-feature evidence as if it were independent; \
                 correlated sensor features count the same evidence several times and push its \
                 probabilities towards 0 and 1 ({} % of its test probabilities are below 0.01 \
                 or above 0.99, against {} % of logistic regression's). Balanced class weights \
                 pretend agitation is as common as calm, so every probability is inflated \
                 (mean {} against an observed rate of {}): good for recall at 0.5, wrong as a \
                 risk estimate.",
                fixed(b_ref - brier[0], 4),
                fixed(100.0 * observed, 1),
                fixed(100.0 * extremes[2], 1),
                fixed(100.0 * extremes[0], 1),
                fixed(mean_p[1], 3),
                fixed(observed, 3)
            )),
    );
    Ok(())
}

/// A compact form of a small positive number: `0`, `1.11e-16`.
fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let s = format!("{v:.2e}");
    match s.split_once('e') {
        Some((mant, exp)) => {
            let mant = mant.trim_end_matches('0').trim_end_matches('.');
            format!("{mant}e{exp}")
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pairwise_auc_and_ap_by_definition() {
        let y = [0, 0, 1, 1];
        let s = [0.1, 0.4, 0.35, 0.8];
        assert!((super::pairwise_auc(&y, &s) - 0.75).abs() < 1e-12);
        // Thresholds 0.8 (P 1, R 0.5), 0.4 (P 0.5), 0.35 (P 2/3, R 1), 0.1.
        let ap = 0.5 * 1.0 + 0.5 * (2.0 / 3.0);
        assert!((super::ap_by_definition(&y, &s) - ap).abs() < 1e-12);
    }
}
