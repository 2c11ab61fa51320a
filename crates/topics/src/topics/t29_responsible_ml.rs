//! 29 — responsible machine learning: an agitation-alert model for people living with
//! dementia, audited before anyone relies on it. Performance and calibration by sex and age
//! band with patient-bootstrap intervals, a dataset-shift check between two deployment
//! periods (as recorded, and with an injected sensor recalibration), label leakage caught by
//! `ml4ns_validation::leakage`, and a model card written from the computed numbers.

use std::collections::BTreeMap;

use ml4ns_data_io::synth::{self, SynthColumn, SynthRng};
use ml4ns_data_io::{ClassTarget, Table, Target};
use ml4ns_models::{Model, Pipeline, Scaling};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::leakage::{self, LeakageOptions, LeakageReport};
use ml4ns_validation::metrics::{self as m, BinStrategy};
use ml4ns_validation::selection::{splits_for, Learner};
use ml4ns_validation::{Cv, RandomState, Split};
use ndarray::{Array2, Axis};

use crate::common::codes;
use crate::{Context, TopicError};

const ID: &str = "29-responsible-ml";
const CV_SPEC: &str = "stratified_group_kfold:n_splits=5";
const MODEL: &str = "logistic:c=1.0";
/// Bootstrap resamples of patients.
const N_BOOT: usize = 400;
/// Last day of deployment period 1.
const SPLIT_DAY: f64 = 45.0;
/// The injected bed-sensor recalibration in period 2 (beats per minute added).
const RECALIBRATION: f64 = 6.0;
const HR: &str = "sleep_heart_rate";
const LEAK: &str = "rescue_medication_given";
/// Standardised mean difference that counts as a shift (the usual balance rule of thumb).
const SMD_FLAG: f64 = 0.1;

fn model() -> Result<Pipeline, TopicError> {
    Ok(Pipeline::new(Model::parse(MODEL)?).scaling(Scaling::Standard))
}

/// Out-of-fold probabilities and alerts. A day raises an alert when its predicted risk
/// reaches the training patients' agitation rate: the operating point that class-balanced
/// weighting would give, while the probabilities stay calibrated.
struct Oof {
    p: Vec<f64>,
    alert: Vec<usize>,
    thresholds: Vec<f64>,
}

fn out_of_fold(learner: &dyn Learner, table: &Table, splits: &[Split]) -> Result<Oof, TopicError> {
    let y = codes(table)?;
    let n = table.n_rows();
    let (mut p, mut alert, mut thresholds) = (vec![f64::NAN; n], vec![0; n], Vec::new());
    for s in splits {
        let fitted = learner.fit(&table.select_rows(&s.train))?;
        let prob = fitted
            .predict_proba(table.x.select(Axis(0), &s.test).view())?
            .ok_or("the model gives no probabilities")?;
        let thr = s.train.iter().filter(|&&i| y[i] == 1).count() as f64 / s.train.len() as f64;
        for (&i, &v) in s.test.iter().zip(prob.column(1)) {
            p[i] = v;
            alert[i] = usize::from(v >= thr);
        }
        thresholds.push(thr);
    }
    if p.iter().any(|v| v.is_nan()) {
        return Err("the folds did not test every row".into());
    }
    Ok(Oof {
        p,
        alert,
        thresholds,
    })
}

/// Performance on a set of rows (which may repeat, for the bootstrap).
#[derive(Debug, Clone, Copy)]
struct Perf {
    n: usize,
    prevalence: f64,
    sensitivity: f64,
    specificity: f64,
    balanced: f64,
    auc: f64,
    brier: f64,
    mean_p: f64,
    alert_rate: f64,
    /// Share of alerts that fall on agitated days (positive predictive value).
    ppv: f64,
}

fn perf(y: &[usize], p: &[f64], alert: &[usize], rows: &[usize]) -> Result<Perf, TopicError> {
    if rows.is_empty() {
        return Err("no rows to score".into());
    }
    let ys: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
    let ps: Vec<f64> = rows.iter().map(|&i| p[i]).collect();
    let (mut tp, mut fneg, mut tn, mut fp) = (0usize, 0usize, 0usize, 0usize);
    for &i in rows {
        match (y[i], alert[i]) {
            (1, 1) => tp += 1,
            (1, _) => fneg += 1,
            (_, 1) => fp += 1,
            _ => tn += 1,
        }
    }
    let ratio = |a: usize, b: usize| {
        if a + b == 0 {
            f64::NAN
        } else {
            a as f64 / (a + b) as f64
        }
    };
    let (sensitivity, specificity) = (ratio(tp, fneg), ratio(tn, fp));
    let n = rows.len();
    Ok(Perf {
        n,
        prevalence: (tp + fneg) as f64 / n as f64,
        sensitivity,
        specificity,
        balanced: (sensitivity + specificity) / 2.0,
        auc: m::roc_auc(&ys, &ps, 1)?,
        brier: m::brier_score(&ys, &ps, 1)?,
        mean_p: ps.iter().sum::<f64>() / n as f64,
        alert_rate: (tp + fp) as f64 / n as f64,
        ppv: ratio(tp, fp),
    })
}

/// `np.percentile(v, q)` (linear) of the finite values; NaN when there are none.
fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (s.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
}

/// A 95 % percentile interval.
fn ci(v: &[f64]) -> (f64, f64) {
    (percentile(v, 2.5), percentile(v, 97.5))
}

/// Bootstrap resamples that draw whole patients (each a list of rows) with replacement.
fn patient_bootstrap(patients: &[Vec<usize>], seed: u32) -> Vec<Vec<usize>> {
    let mut rs = RandomState::new(seed);
    let k = patients.len() as i64;
    (0..N_BOOT)
        .map(|_| {
            (0..k)
                .flat_map(|_| patients[rs.randint(0, k) as usize].iter().copied())
                .collect()
        })
        .collect()
}

/// Bootstrap resamples that draw rows with replacement, ignoring who they belong to.
fn row_bootstrap(rows: &[usize], seed: u32) -> Vec<Vec<usize>> {
    let mut rs = RandomState::new(seed);
    let k = rows.len() as i64;
    (0..N_BOOT)
        .map(|_| (0..k).map(|_| rows[rs.randint(0, k) as usize]).collect())
        .collect()
}

/// A subgroup: its name and the rows of each of its patients.
struct Subgroup {
    attribute: &'static str,
    level: String,
    patients: Vec<Vec<usize>>,
}

impl Subgroup {
    fn rows(&self) -> Vec<usize> {
        let mut r: Vec<usize> = self.patients.iter().flatten().copied().collect();
        r.sort_unstable();
        r
    }
}

/// The text column `name` of the cohort, one value per table row.
fn text_column(
    cohort: &synth::Cohort,
    table: &Table,
    name: &str,
) -> Result<Vec<String>, TopicError> {
    let values = cohort
        .columns
        .iter()
        .find_map(|c| match c {
            SynthColumn::Text { name: n, values } if n == name => Some(values),
            _ => None,
        })
        .ok_or_else(|| format!("the cohort has no text column '{name}'"))?;
    table
        .source_rows
        .iter()
        .map(|&r| {
            values
                .get(r)
                .cloned()
                .ok_or_else(|| format!("row {r} missing from '{name}'").into())
        })
        .collect()
}

fn subgroups(
    attribute: &'static str,
    values: &[String],
    patient: &[usize],
) -> Result<Vec<Subgroup>, TopicError> {
    // level → patient → rows, both ordered.
    let mut map: BTreeMap<&str, BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        map.entry(v.as_str())
            .or_default()
            .entry(patient[i])
            .or_default()
            .push(i);
    }
    let out: Vec<Subgroup> = map
        .into_iter()
        .map(|(level, ps)| Subgroup {
            attribute,
            level: level.to_string(),
            patients: ps.into_values().collect(),
        })
        .collect();
    if out.len() < 2 {
        return Err(format!("'{attribute}' has fewer than two levels").into());
    }
    Ok(out)
}

fn interval((lo, hi): (f64, f64)) -> String {
    format!("[{}, {}]", fixed(lo, 3), fixed(hi, 3))
}

fn with_ci(point: f64, iv: (f64, f64)) -> String {
    format!("{} {}", fixed(point, 3), interval(iv))
}

/// Standardised mean difference (pooled SD of the two periods).
fn smd(a: &[f64], b: &[f64]) -> f64 {
    let mv = |v: &[f64]| {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        (
            mean,
            v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0),
        )
    };
    let ((ma, va), (mb, vb)) = (mv(a), mv(b));
    let sd = ((va + vb) / 2.0).sqrt();
    if sd > 0.0 {
        (mb - ma) / sd
    } else {
        0.0
    }
}

/// Two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical CDFs.
fn ks(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let v = a[i].min(b[j]);
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// Population stability index of `b` against reference `a`, on the reference's deciles
/// (tied edges merged; empty cells floored at 1e-4).
fn psi(a: &[f64], b: &[f64]) -> f64 {
    let mut s = a.to_vec();
    s.sort_by(f64::total_cmp);
    let mut edges: Vec<f64> = (1..10).map(|k| percentile(&s, 10.0 * k as f64)).collect();
    edges.dedup();
    let share = |v: &[f64]| {
        let mut c = vec![0.0; edges.len() + 1];
        for &x in v {
            c[edges.partition_point(|&e| e < x)] += 1.0;
        }
        c.into_iter()
            .map(|k| (k / v.len() as f64).max(1e-4))
            .collect::<Vec<f64>>()
    };
    let (pa, pb) = (share(a), share(b));
    pa.iter()
        .zip(&pb)
        .map(|(&x, &y)| (y - x) * (y / x).ln())
        .sum()
}

struct Drift {
    feature: String,
    smd: f64,
    ks: f64,
    psi: f64,
}

fn drift(table: &Table, period: &[usize]) -> Vec<Drift> {
    table
        .feature_names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let col = table.x.column(j);
            let a: Vec<f64> = (0..table.n_rows())
                .filter(|&i| period[i] == 0)
                .map(|i| col[i])
                .collect();
            let b: Vec<f64> = (0..table.n_rows())
                .filter(|&i| period[i] == 1)
                .map(|i| col[i])
                .collect();
            Drift {
                feature: name.clone(),
                smd: smd(&a, &b),
                ks: ks(&a, &b),
                psi: psi(&a, &b),
            }
        })
        .collect()
}

/// AUC of a classifier that predicts the period from the features (patient-wise CV):
/// 0.5 means the two periods look alike.
fn domain_auc(table: &Table, period: &[usize], exclude: &[&str]) -> Result<f64, TopicError> {
    let keep: Vec<usize> = (0..table.n_features())
        .filter(|&j| !exclude.contains(&table.feature_names[j].as_str()))
        .collect();
    let mut t = table.clone();
    t.x = table.x.select(Axis(1), &keep);
    t.feature_names = keep
        .iter()
        .map(|&j| table.feature_names[j].clone())
        .collect();
    t.target = Some(Target::Classes(ClassTarget {
        name: "period".into(),
        codes: period.iter().copied().collect(),
        classes: vec!["1".into(), "2".into()],
        first_seen: vec!["1".into(), "2".into()],
    }));
    let splits = splits_for(&Cv::parse(CV_SPEC)?, &t)?;
    let oof = out_of_fold(&model()?, &t, &splits)?;
    Ok(m::roc_auc(period, &oof.p, 1)?)
}

/// A copy of the table with one column added.
fn with_column(table: &Table, name: &str, values: &[f64]) -> Result<Table, TopicError> {
    if values.len() != table.n_rows() {
        return Err("column length differs from the table's rows".into());
    }
    let (n, k) = table.x.dim();
    let mut x = Array2::zeros((n, k + 1));
    x.slice_mut(ndarray::s![.., ..k]).assign(&table.x);
    for (i, &v) in values.iter().enumerate() {
        x[[i, k]] = v;
    }
    let mut t = table.clone();
    t.x = x;
    t.feature_names.push(name.to_string());
    Ok(t)
}

fn calibration_series(
    y: &[usize],
    p: &[f64],
    groups: &[Subgroup],
) -> Result<Vec<Series>, TopicError> {
    groups
        .iter()
        .map(|g| {
            let rows = g.rows();
            let ys: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
            let ps: Vec<f64> = rows.iter().map(|&i| p[i]).collect();
            let (obs, pred) = m::calibration_curve(&ys, &ps, 1, 5, BinStrategy::Quantile)?;
            Ok(Series::new(
                format!("{} {}", g.attribute, g.level),
                pred.into_iter().zip(obs).collect(),
            ))
        })
        .collect()
}

fn leakage_rows(report: &LeakageReport, top: usize) -> T {
    let mut t = T::new([
        "feature",
        "single-feature AUC",
        "best stump balanced accuracy",
        "remaining label entropy H(Y|X)/H(Y)",
        "flagged",
    ]);
    for f in report.by_auc().into_iter().take(top) {
        t.push([
            format!("`{}`", f.feature),
            fixed(f.auc, 3),
            fixed(f.stump_balanced_accuracy, 3),
            fixed(f.remaining_entropy, 3),
            if f.flagged() {
                f.reasons
                    .iter()
                    .map(|r| r.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                "no".into()
            },
        ]);
    }
    t
}

fn names_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Responsible machine learning",
        "Before an agitation-alert model for people living with dementia is used, does it work \
         equally well for women and men and across age bands, are its probabilities calibrated \
         in each group, would a change between deployment periods be noticed, would a feature \
         that encodes the label be caught, and what should its model card say?",
    );
    let cohort = synth::inhome_monitoring(60, 90, synth::COMMITTED_SEED);
    let table = cohort.table()?;
    let y = codes(&table)?;
    let n = table.n_rows();
    let patient: Vec<usize> = table
        .groups
        .as_ref()
        .ok_or("the cohort has no patient ids")?
        .ids
        .to_vec();
    let n_patients = patient.iter().max().map_or(0, |&k| k + 1);
    let day: Vec<f64> = table
        .time
        .as_ref()
        .ok_or("the cohort has no day column")?
        .values
        .to_vec();
    let sex = text_column(&cohort, &table, "sex")?;
    let age = text_column(&cohort, &table, "age_band")?;
    let n_pos = y.iter().filter(|&&c| c == 1).count();
    report.data = format!(
        "- **Synthetic data.** The `inhome_monitoring` cohort (seed {}), generated to mimic \
         in-home monitoring of people living with dementia (TIHM-like): {n_patients} patients × \
         90 days = {n} patient-days, {} sensor features (room activity, light, temperature, \
         sleep heart and respiratory rate, night bathroom visits), target `agitation` ({n_pos} \
         days, {} %). No real person's data are used.\n\
         - `sex` and `age_band` are recorded per patient but are not model inputs; they define \
         the audit's subgroups. **In the generator, neither affects agitation**: the agitation \
         logit is −4.1 + u_p + 1.6·[hallway activity at night ≥ 4] + 1.2·[night bathroom \
         visits ≥ 3] + 1.0·[sleep heart rate ≥ 70], with an unobserved patient propensity \
         u_p ~ N(0, 0.9²) drawn independently of sex and age. Subgroup differences here can \
         only come from chance (few patients per group) and from who happens to be in a group.\n\
         - The generator also has a real drift: home temperatures cool by 2 °C over the 90 \
         days. Temperature does not drive agitation.\n\
         - Evaluation is patient-wise: 5-fold stratified group CV (`{CV_SPEC}`), every test \
         patient unseen; logistic regression (`{MODEL}`, features standardised inside the \
         training folds). Intervals are 95 % percentile intervals from {N_BOOT} bootstrap \
         resamples of **patients** (seeded).\n",
        synth::COMMITTED_SEED,
        table.n_features(),
        fixed(100.0 * n_pos as f64 / n as f64, 1),
    );

    // ---- The model and its out-of-fold predictions --------------------------------------
    let splits = splits_for(&Cv::parse(CV_SPEC)?, &table)?;
    let oof = out_of_fold(&model()?, &table, &splits)?;
    let all_rows: Vec<usize> = (0..n).collect();
    let overall = perf(&y, &oof.p, &oof.alert, &all_rows)?;
    let mut by_patient: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &g) in patient.iter().enumerate() {
        by_patient.entry(g).or_default().push(i);
    }
    let all_patients: Vec<Vec<usize>> = by_patient.into_values().collect();
    let boot_perf = |samples: &[Vec<usize>]| -> Result<Vec<Perf>, TopicError> {
        samples
            .iter()
            .map(|r| perf(&y, &oof.p, &oof.alert, r))
            .collect()
    };
    let overall_boot = boot_perf(&patient_bootstrap(&all_patients, 29))?;
    let row_boot = boot_perf(&row_bootstrap(&all_rows, 29))?;
    let pick = |v: &[Perf], f: fn(&Perf) -> f64| ci(&v.iter().map(f).collect::<Vec<_>>());
    let auc_ci = pick(&overall_boot, |p| p.auc);
    let auc_ci_rows = pick(&row_boot, |p| p.auc);
    let sens_ci = pick(&overall_boot, |p| p.sensitivity);
    let sens_ci_rows = pick(&row_boot, |p| p.sensitivity);
    let spec_ci = pick(&overall_boot, |p| p.specificity);
    let bal_ci = pick(&overall_boot, |p| p.balanced);
    let brier_ci = pick(&overall_boot, |p| p.brier);
    let thr_mean = oof.thresholds.iter().sum::<f64>() / oof.thresholds.len() as f64;

    report.checks.push(Check::at_least(
        "the honest model ranks agitated days above calm ones for unseen patients, beyond \
         chance (lower end of the out-of-fold AUC's patient-bootstrap interval)",
        auc_ci.0,
        0.55,
        3,
    ));
    report.checks.push(Check::greater(
        "rows of one patient are correlated: the patient bootstrap's AUC interval is wider \
         than a row bootstrap's (width)",
        ("patients", auc_ci.1 - auc_ci.0),
        ("rows", auc_ci_rows.1 - auc_ci_rows.0),
        3,
    ));

    // ---- Subgroups ---------------------------------------------------------------------
    let sex_groups = subgroups("sex", &sex, &patient)?;
    let age_groups = subgroups("age band", &age, &patient)?;
    let mut sub_table = T::new([
        "subgroup",
        "patients",
        "days",
        "agitation rate",
        "sensitivity",
        "specificity",
        "balanced accuracy",
        "AUC",
        "Brier",
        "mean predicted risk",
    ]);
    sub_table.push([
        "everyone".to_string(),
        n_patients.to_string(),
        n.to_string(),
        fixed(overall.prevalence, 3),
        with_ci(overall.sensitivity, sens_ci),
        with_ci(overall.specificity, spec_ci),
        with_ci(overall.balanced, bal_ci),
        with_ci(overall.auc, auc_ci),
        with_ci(overall.brier, brier_ci),
        fixed(overall.mean_p, 3),
    ]);
    // (group, point, bootstrap draws), in table order.
    let mut sub_results: Vec<(&Subgroup, Perf, Vec<Perf>)> = Vec::new();
    for (k, g) in sex_groups.iter().chain(&age_groups).enumerate() {
        let point = perf(&y, &oof.p, &oof.alert, &g.rows())?;
        let draws = boot_perf(&patient_bootstrap(&g.patients, 100 + k as u32))?;
        sub_table.push([
            format!("{} {}", g.attribute, g.level),
            g.patients.len().to_string(),
            point.n.to_string(),
            fixed(point.prevalence, 3),
            with_ci(point.sensitivity, pick(&draws, |p| p.sensitivity)),
            with_ci(point.specificity, pick(&draws, |p| p.specificity)),
            with_ci(point.balanced, pick(&draws, |p| p.balanced)),
            with_ci(point.auc, pick(&draws, |p| p.auc)),
            with_ci(point.brier, pick(&draws, |p| p.brier)),
            fixed(point.mean_p, 3),
        ]);
        sub_results.push((g, point, draws));
    }
    // Sex difference in AUC: the two groups are disjoint patients, so their resamples are
    // independent; pair draw b of one with draw b of the other.
    let (f_res, m_res) = (&sub_results[0], &sub_results[1]);
    let auc_diff: Vec<f64> = f_res
        .2
        .iter()
        .zip(&m_res.2)
        .map(|(a, b)| a.auc - b.auc)
        .collect();
    let diff_point = f_res.1.auc - m_res.1.auc;
    let diff_ci = ci(&auc_diff);
    let bal_diff: Vec<f64> = f_res
        .2
        .iter()
        .zip(&m_res.2)
        .map(|(a, b)| a.balanced - b.balanced)
        .collect();
    let bal_diff_ci = ci(&bal_diff);
    let age_aucs: Vec<(String, f64, (f64, f64))> = sub_results[2..]
        .iter()
        .map(|(g, p, d)| (g.level.clone(), p.auc, pick(d, |q| q.auc)))
        .collect();
    let age_overlap = age_aucs
        .iter()
        .map(|a| a.2 .0)
        .fold(f64::NEG_INFINITY, f64::max)
        <= age_aucs
            .iter()
            .map(|a| a.2 .1)
            .fold(f64::INFINITY, f64::min);
    let age_rates = sub_results[2..]
        .iter()
        .map(|(_, p, _)| p.prevalence)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        });
    let largest_citl = sub_results
        .iter()
        .map(|(_, p, _)| (p.mean_p - p.prevalence).abs())
        .fold(0.0, f64::max);
    let widest_sub = sub_results
        .iter()
        .map(|(_, _, d)| {
            let iv = pick(d, |q| q.auc);
            iv.1 - iv.0
        })
        .fold(0.0, f64::max);

    report.checks.push(Check::at_most(
        "no sex difference in AUC is detectable, as the generator implies: the interval of \
         AUC(F) − AUC(M) reaches 0 from below (lower end)",
        diff_ci.0,
        0.0,
        3,
    ));
    report.checks.push(Check::at_least(
        "… and from above (upper end)",
        diff_ci.1,
        0.0,
        3,
    ));
    report.checks.push(Check::at_most(
        "probabilities are calibrated in the large in every subgroup (largest |mean predicted \
         risk − observed agitation rate|)",
        largest_citl,
        0.02,
        3,
    ));
    report.checks.push(Check::greater(
        "small subgroups are uncertain: the widest subgroup AUC interval is wider than the \
         whole cohort's",
        ("widest subgroup", widest_sub),
        ("cohort", auc_ci.1 - auc_ci.0),
        3,
    ));

    let cal_sex = calibration_series(&y, &oof.p, &sex_groups)?;
    let cal_age = calibration_series(&y, &oof.p, &age_groups)?;
    let cal_max = cal_sex
        .iter()
        .chain(&cal_age)
        .flat_map(|s| s.points.iter().flat_map(|&(a, b)| [a, b]))
        .fold(0.0f64, f64::max);
    let cal_opts = LineOptions {
        diagonal: true,
        markers: true,
        y_range: Some((0.0, (cal_max * 1.1).max(0.05))),
    };
    let fig_sex = Figure::lines(
        "Calibration by sex (out-of-fold, 5 quantile bins)",
        "mean predicted risk",
        "observed agitation rate",
        &cal_sex,
        cal_opts,
    );
    let fig_age = Figure::lines(
        "Calibration by age band (out-of-fold, 5 quantile bins)",
        "mean predicted risk",
        "observed agitation rate",
        &cal_age,
        cal_opts,
    );

    report.sections.push(
        Section::new("Performance by subgroup")
            .para(format!(
                "Out-of-fold predictions of a logistic regression on all {} sensor features; a \
                 day raises an alert when its predicted risk reaches the training patients' \
                 agitation rate (mean cut-off {}), roughly the operating point class-balanced \
                 weights would choose, while keeping the probabilities interpretable as risks. Each \
                 interval resamples whole patients: a patient's 90 days share one propensity \
                 and one set of sensor baselines, so they are not 90 independent observations. \
                 Resampling rows instead gives narrower intervals for the whole cohort — AUC \
                 {} (width {}) rather than {} (width {}), sensitivity width {} rather than {} \
                 — modestly overconfident here, more so the more patients differ.",
                table.n_features(),
                fixed(thr_mean, 3),
                interval(auc_ci_rows),
                fixed(auc_ci_rows.1 - auc_ci_rows.0, 3),
                interval(auc_ci),
                fixed(auc_ci.1 - auc_ci.0, 3),
                fixed(sens_ci_rows.1 - sens_ci_rows.0, 3),
                fixed(sens_ci.1 - sens_ci.0, 3),
            ))
            .table(sub_table)
            .para(format!(
                "Difference between women and men: AUC {} (95 % interval {}), balanced \
                 accuracy {} (interval {}). Agitation rates differ between age bands ({}–{}) \
                 although the generator gives age no role: with few patients per band, the draw \
                 of their personal propensities alone moves a band's rate. The age bands' AUC intervals {} overlap. With \
                 {}–{} patients per age band, intervals are wide: a subgroup audit on a cohort \
                 this size can rule out only large disparities. Since the generator gives sex \
                 and age no role, the point differences are what chance produces with these \
                 few patients; on real data the same table could not tell chance from a real \
                 disparity without more patients.",
                fixed(diff_point, 3),
                interval(diff_ci),
                fixed(f_res.1.balanced - m_res.1.balanced, 3),
                interval(bal_diff_ci),
                fixed(age_rates.0, 3),
                fixed(age_rates.1, 3),
                if age_overlap { "all" } else { "do not all" },
                age_groups
                    .iter()
                    .map(|g| g.patients.len())
                    .min()
                    .unwrap_or(0),
                age_groups
                    .iter()
                    .map(|g| g.patients.len())
                    .max()
                    .unwrap_or(0),
            ))
            .figure(
                "calibration_sex",
                "Calibration by sex: observed agitation rate against mean predicted risk in \
                 five quantile bins; the grey diagonal is perfect calibration.",
                fig_sex,
            )
            .figure(
                "calibration_age",
                "Calibration by age band (the smallest bands have few agitated days per bin).",
                fig_age,
            ),
    );

    // ---- Dataset shift between deployment periods ---------------------------------------
    let period: Vec<usize> = day.iter().map(|&d| usize::from(d > SPLIT_DAY)).collect();
    let temp_features: Vec<&str> = table
        .feature_names
        .iter()
        .filter(|f| f.contains("_temp_"))
        .map(String::as_str)
        .collect();
    let hr_col = table
        .feature_index(HR)
        .ok_or("the cohort has no heart-rate column")?;
    let mut shifted = table.clone();
    for (i, _) in period.iter().enumerate().filter(|(_, &q)| q == 1) {
        shifted.x[[i, hr_col]] += RECALIBRATION;
    }
    let drift_rec = drift(&table, &period);
    let drift_shift = drift(&shifted, &period);
    let flagged = |d: &[Drift]| -> Vec<String> {
        d.iter()
            .filter(|r| r.smd.abs() >= SMD_FLAG)
            .map(|r| r.feature.clone())
            .collect()
    };
    let flagged_rec = flagged(&drift_rec);
    let flagged_shift = flagged(&drift_shift);
    let non_temp_max = |d: &[Drift]| {
        d.iter()
            .filter(|r| !r.feature.contains("_temp_"))
            .map(|r| r.smd.abs())
            .fold(0.0, f64::max)
    };
    let dom_all = domain_auc(&table, &period, &[])?;
    let dom_no_temp = domain_auc(&table, &period, &temp_features)?;
    let dom_shift = domain_auc(&shifted, &period, &temp_features)?;

    // Deployment: fit on period 1, use in period 2 (same homes), as recorded and recalibrated.
    let p1: Vec<usize> = (0..n).filter(|&i| period[i] == 0).collect();
    let p2: Vec<usize> = (0..n).filter(|&i| period[i] == 1).collect();
    let dep_model = Learner::fit(&model()?, &table.select_rows(&p1))?;
    let dep_thr = p1.iter().filter(|&&i| y[i] == 1).count() as f64 / p1.len() as f64;
    let deploy = |t: &Table| -> Result<(Perf, Vec<usize>), TopicError> {
        let prob = dep_model
            .predict_proba(t.x.select(Axis(0), &p2).view())?
            .ok_or("the model gives no probabilities")?;
        let mut p = vec![0.0; n];
        let mut a = vec![0; n];
        for (&i, &v) in p2.iter().zip(prob.column(1)) {
            p[i] = v;
            a[i] = usize::from(v >= dep_thr);
        }
        Ok((perf(&y, &p, &a, &p2)?, a))
    };
    let (dep_rec, alerts_rec) = deploy(&table)?;
    let (dep_shift, alerts_shift) = deploy(&shifted)?;
    // Daily shares over period 2.
    let daily = |v: &[usize]| -> Vec<(f64, f64)> {
        let mut by_day: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
        for &i in &p2 {
            let e = by_day.entry(day[i] as i64).or_insert((0.0, 0.0));
            e.0 += v[i] as f64;
            e.1 += 1.0;
        }
        by_day
            .into_iter()
            .map(|(d, (k, total))| (d as f64, k / total))
            .collect()
    };
    let alerts_fig = Figure::lines(
        "Alerts per day in period 2",
        "day",
        "share of patients",
        &[
            Series::new("alerts, as recorded", daily(&alerts_rec)),
            Series::new("alerts, after recalibration", daily(&alerts_shift)),
            Series::new("agitated", daily(&y)),
        ],
        LineOptions {
            y_range: Some((0.0, 0.8)),
            ..LineOptions::default()
        },
    );
    let oof_p1 = perf(&y, &oof.p, &oof.alert, &p1)?;
    let oof_p2 = perf(&y, &oof.p, &oof.alert, &p2)?;

    // ---- Label leakage ------------------------------------------------------------------
    let mut rng = SynthRng::new(synth::COMMITTED_SEED, 29);
    let leak: Vec<f64> = y
        .iter()
        .map(|&c| f64::from(u8::from(c == 1 || rng.bernoulli(0.01))))
        .collect();
    let leaky = with_column(&table, LEAK, &leak)?;
    let opts = LeakageOptions::default();
    let leak_report = leakage::check_table(&leaky, &opts)?;
    let honest_report = leakage::check_table(&table, &opts)?;
    let leaky_oof = out_of_fold(&model()?, &leaky, &splits)?;
    let leaky_perf = perf(&y, &leaky_oof.p, &leaky_oof.alert, &all_rows)?;
    // Shift checks.
    let temp_list: Vec<String> = temp_features.iter().map(|s| s.to_string()).collect();
    report.checks.push(Check::equal(
        "as recorded, the per-feature check flags exactly the temperature features, whose \
         cooling trend the generator builds in (features with |SMD| ≥ 0.1)",
        names_or_none(&flagged_rec),
        names_or_none(&temp_list),
    ));
    report.checks.push(Check::at_most(
        "no other feature moves between the periods (largest |SMD| outside temperature)",
        non_temp_max(&drift_rec),
        SMD_FLAG,
        3,
    ));
    report.checks.push(Check::at_least(
        "the domain classifier notices the temperature drift (AUC of predicting the period \
         from all features)",
        dom_all,
        0.65,
        3,
    ));
    report.checks.push(Check::close(
        "without temperature, the periods are indistinguishable (domain classifier AUC)",
        dom_no_temp,
        0.5,
        0.05,
        3,
    ));
    let new_in_shift: Vec<String> = flagged_shift
        .iter()
        .filter(|f| !f.contains("_temp_"))
        .cloned()
        .collect();
    report.checks.push(Check::equal(
        "after the injected recalibration, the per-feature check names the recalibrated sensor \
         and nothing else besides temperature",
        names_or_none(&new_in_shift),
        HR,
    ));
    report.checks.push(Check::at_least(
        "the domain classifier (still without temperature) catches the recalibration (AUC)",
        dom_shift,
        0.65,
        3,
    ));
    report.checks.push(Check::close(
        "the recalibration moves every period-2 risk the same way, so the ranking and its AUC \
         do not change (AUC recalibrated − AUC as recorded)",
        dep_shift.auc - dep_rec.auc,
        0.0,
        1e-9,
        3,
    ));
    report.checks.push(Check::greater(
        "… yet the alert burden rises (share of period-2 days with an alert)",
        ("recalibrated", dep_shift.alert_rate),
        ("as recorded", dep_rec.alert_rate),
        3,
    ));
    report.checks.push(Check::at_least(
        format!(
            "… and calibration breaks: mean predicted risk over observed agitation rate, \
             recalibrated (as recorded it is {})",
            fixed(dep_rec.mean_p / dep_rec.prevalence, 2)
        ),
        dep_shift.mean_p / dep_shift.prevalence,
        1.3,
        2,
    ));
    report.checks.push(Check::at_most(
        "the temperature drift, which does not drive agitation, leaves discrimination alone \
         (|out-of-fold AUC period 1 − period 2|)",
        (oof_p1.auc - oof_p2.auc).abs(),
        0.05,
        3,
    ));

    let mut shift_table = T::new([
        "feature",
        "SMD (recorded)",
        "KS (recorded)",
        "PSI (recorded)",
        "SMD (recalibrated)",
        "KS (recalibrated)",
        "PSI (recalibrated)",
    ]);
    // Features flagged in either version, then the two largest other movers.
    let mut shown: Vec<usize> = (0..drift_rec.len())
        .filter(|&j| drift_rec[j].smd.abs() >= SMD_FLAG || drift_shift[j].smd.abs() >= SMD_FLAG)
        .collect();
    let mut rest: Vec<usize> = (0..drift_rec.len())
        .filter(|j| !shown.contains(j))
        .collect();
    rest.sort_by(|&a, &b| {
        drift_rec[b]
            .smd
            .abs()
            .total_cmp(&drift_rec[a].smd.abs())
            .then(a.cmp(&b))
    });
    shown.extend(rest.into_iter().take(2));
    for j in shown {
        let (a, b) = (&drift_rec[j], &drift_shift[j]);
        shift_table.push([
            format!("`{}`", a.feature),
            fixed(a.smd, 3),
            fixed(a.ks, 3),
            fixed(a.psi, 3),
            fixed(b.smd, 3),
            fixed(b.ks, 3),
            fixed(b.psi, 3),
        ]);
    }
    let mut period_table = T::new([
        "evaluation",
        "AUC",
        "sensitivity",
        "specificity",
        "alert rate",
        "alerts that are agitation (PPV)",
        "mean predicted risk",
        "observed agitation rate",
    ]);
    for (name, p) in [
        ("patient-wise CV, days 1–45", &oof_p1),
        ("patient-wise CV, days 46–90", &oof_p2),
        (
            "fitted on days 1–45, used on days 46–90 as recorded",
            &dep_rec,
        ),
        (
            "fitted on days 1–45, used on days 46–90 after the recalibration",
            &dep_shift,
        ),
    ] {
        period_table.push([
            name.to_string(),
            fixed(p.auc, 3),
            fixed(p.sensitivity, 3),
            fixed(p.specificity, 3),
            fixed(p.alert_rate, 3),
            fixed(p.ppv, 3),
            fixed(p.mean_p, 3),
            fixed(p.prevalence, 3),
        ]);
    }
    let mut domain_table = T::new([
        "features seen by the domain classifier",
        "AUC (period 2 vs 1)",
    ]);
    domain_table.push(["all, as recorded".to_string(), fixed(dom_all, 3)]);
    domain_table.push([
        "all but temperature, as recorded".to_string(),
        fixed(dom_no_temp, 3),
    ]);
    domain_table.push([
        "all but temperature, after the recalibration".to_string(),
        fixed(dom_shift, 3),
    ]);
    report.sections.push(
        Section::new("Dataset shift between deployment periods")
            .para(format!(
                "Period 1 is days 1–{}, period 2 days {}–90. For each feature: the standardised \
                 mean difference (SMD, period 2 − period 1 over the pooled SD; |SMD| ≥ {} \
                 flags a shift), the two-sample Kolmogorov–Smirnov statistic and the \
                 population stability index (PSI, on period 1's deciles; ≥ 0.1 is usually read \
                 as a moderate shift, ≥ 0.25 as a large one). Then a domain classifier: the same \
                 logistic regression asked to tell period 2 from period 1, patient-wise CV; an \
                 AUC near 0.5 means the periods look alike. To show the check works on a shift \
                 that matters, a copy of the data has a bed-sensor recalibration (a firmware \
                 update, say) that adds {} bpm to `{HR}` in period 2 only — the labels, which \
                 depend on the true heart rate, are unchanged.",
                SPLIT_DAY as usize,
                SPLIT_DAY as usize + 1,
                SMD_FLAG,
                RECALIBRATION,
            ))
            .table(shift_table)
            .table(domain_table)
            .para(format!(
                "As recorded, the check flags the {} temperature features and nothing else: \
                 the generator cools the homes by 2 °C over the study (a season turning), a real \
                 drift the domain classifier also finds (AUC {}). Temperature does not drive \
                 agitation, and out-of-fold AUC is {} in period 1 and {} in period 2. Without \
                 temperature the domain classifier is at chance (AUC {}). After the \
                 recalibration it separates the periods (AUC {}) and the per-feature check \
                 names `{HR}` (SMD {}).",
                temp_features.len(),
                fixed(dom_all, 3),
                fixed(oof_p1.auc, 3),
                fixed(oof_p2.auc, 3),
                fixed(dom_no_temp, 3),
                fixed(dom_shift, 3),
                fixed(drift_shift[hr_col].smd, 3),
            ))
            .table(period_table)
            .para(format!(
                "Deployed on period 2 after training on period 1 (the same homes, later \
                 days), the recalibration leaves the ranking of days untouched (AUC {} both \
                 ways: every period-2 score moves by the same amount) but breaks what the \
                 numbers mean: mean predicted risk {} against an observed rate of {}, and the \
                 share of days raising an alert goes from {} to {}. A monitoring team would \
                 see nearly twice the alerts for the same patients — alert fatigue — while \
                 discrimination metrics alone would report nothing wrong. Monitoring therefore \
                 needs the feature and calibration checks, not only AUC.",
                fixed(dep_rec.auc, 3),
                fixed(dep_shift.mean_p, 3),
                fixed(dep_shift.prevalence, 3),
                fixed(dep_rec.alert_rate, 3),
                fixed(dep_shift.alert_rate, 3),
            ))
            .figure(
                "alerts_by_day",
                "Share of patients with an alert on each day of period 2 (model fitted on \
                 period 1), as recorded and after the heart-rate sensor recalibration, beside \
                 the share actually agitated.",
                alerts_fig,
            ),
    );

    // Leakage checks.
    report.checks.push(Check::equal(
        "the leakage check flags the leaked feature and only it",
        names_or_none(&leak_report.flagged),
        LEAK,
    ));
    report.checks.push(Check::equal(
        "on the honest features, the leakage check flags nothing",
        names_or_none(&honest_report.flagged),
        "none",
    ));
    let honest_max = honest_report.max_unflagged_auc().unwrap_or(f64::NAN);
    report.checks.push(Check::at_most(
        "no honest feature alone separates the classes (largest single-feature AUC)",
        honest_max,
        0.9,
        3,
    ));
    report.checks.push(Check::at_least(
        "with the leaked feature, cross-validated performance is suspiciously perfect (AUC)",
        leaky_perf.auc,
        0.99,
        3,
    ));
    report.checks.push(Check::at_least(
        "removing the flagged feature brings AUC back to honest levels (AUC with leak − \
         without)",
        leaky_perf.auc - overall.auc,
        0.2,
        3,
    ));
    let leak_entry = leak_report
        .get(LEAK)
        .ok_or("the leakage report lost the leaked feature")?;
    let mut leak_perf_table = T::new([
        "features",
        "AUC",
        "sensitivity",
        "specificity",
        "balanced accuracy",
        "alert rate",
    ]);
    for (name, p) in [
        (
            format!("{} sensor features + `{LEAK}`", table.n_features()),
            &leaky_perf,
        ),
        (
            format!("{} sensor features (leak removed)", table.n_features()),
            &overall,
        ),
    ] {
        leak_perf_table.push([
            name,
            fixed(p.auc, 3),
            fixed(p.sensitivity, 3),
            fixed(p.specificity, 3),
            fixed(p.balanced, 3),
            fixed(p.alert_rate, 3),
        ]);
    }
    report.sections.push(
        Section::new("Label leakage")
            .para(format!(
                "Suppose the extract also held `{LEAK}`: in care records, as-needed \
                 (PRN) medication is given *because* a person is agitated, so the field is \
                 written after the outcome. Here it is 1 on every agitated day and on 1 % of \
                 calm days (seeded). Patient-wise CV of the same model becomes suspiciously \
                 perfect — and would not survive deployment, where the field does not exist \
                 when the alert must be raised."
            ))
            .table(leak_perf_table)
            .para(format!(
                "`ml4ns_validation::leakage::check_table` scores each feature alone, with no \
                 model: its orientation-free AUC, the balanced accuracy of its best single \
                 threshold, and the share of the label's entropy left once its value is known. \
                 It flags features with AUC ≥ {} or remaining entropy ≤ {}. It names `{LEAK}` \
                 (AUC {}, remaining entropy {}) and nothing else; the most informative honest \
                 feature reaches AUC {}. A flag asks how and when a feature was recorded; it is \
                 not proof (an excellent biomarker would be flagged, and a leak spread over \
                 several features could pass).",
                fixed(opts.min_auc, 2),
                fixed(opts.max_remaining_entropy, 2),
                fixed(leak_entry.auc, 3),
                fixed(leak_entry.remaining_entropy, 3),
                fixed(honest_max, 3),
            ))
            .table(leakage_rows(&leak_report, 6)),
    );

    // ---- Model card ---------------------------------------------------------------------
    let sub_lines: Vec<String> = sub_results
        .iter()
        .map(|(g, p, d)| {
            format!(
                "  - {} {} ({} patients): AUC {}, sensitivity {}, specificity {}, mean \
                 predicted risk {} vs observed {}",
                g.attribute,
                g.level,
                g.patients.len(),
                with_ci(p.auc, pick(d, |q| q.auc)),
                with_ci(p.sensitivity, pick(d, |q| q.sensitivity)),
                with_ci(p.specificity, pick(d, |q| q.specificity)),
                fixed(p.mean_p, 3),
                fixed(p.prevalence, 3),
            )
        })
        .collect();
    let card = Section::new("Model card: agitation alerts from in-home sensors")
        .para(format!(
            "**Model details.** Logistic regression (L2, C = 1) on {} standardised daily sensor \
             features; an alert is raised when the predicted risk of agitation reaches the \
             training agitation rate (cut-off {}). Generated by this report from code; every \
             number below is computed here. Layout after Mitchell et al., *Model Cards for \
             Model Reporting* (FAT* 2019).",
            table.n_features(),
            fixed(thr_mean, 3),
        ))
        .para(
            "**Intended use.** Prioritise which people living with dementia, monitored at home, \
             a clinical monitoring team should check on today. **Intended users:** that team \
             (nurses and clinicians), not patients, carers or automated systems. **Out of \
             scope:** diagnosis, decisions about medication or restraint, any automatic \
             intervention, other populations or sensor kits, and any real patient before \
             validation on real data.",
        )
        .para(format!(
            "**Data.** Synthetic only: {n_patients} simulated patients × 90 days ({n} \
             patient-days, {} % agitated) from a documented generator; no real person's data. \
             Sex and age band are recorded but are not inputs.",
            fixed(100.0 * overall.prevalence, 1),
        ))
        .para(format!(
            "**Metrics** (patient-wise 5-fold CV; 95 % intervals from {N_BOOT} patient \
             resamples): AUC {}; sensitivity {}; specificity {}; balanced accuracy {}; Brier \
             score {}; alerts on {} % of days, of which {} % are agitated days.",
            with_ci(overall.auc, auc_ci),
            with_ci(overall.sensitivity, sens_ci),
            with_ci(overall.specificity, spec_ci),
            with_ci(overall.balanced, bal_ci),
            with_ci(overall.brier, brier_ci),
            fixed(100.0 * overall.alert_rate, 1),
            fixed(100.0 * overall.ppv, 1),
        ))
        .para(format!(
            "**Subgroups.** AUC(F) − AUC(M) = {} (interval {}); age-band AUC intervals {} \
             overlap; calibration in the large within {} in every subgroup. Groups are small \
             (as few as {} patients), so only large disparities could be excluded.\n\n{}",
            fixed(diff_point, 3),
            interval(diff_ci),
            if age_overlap { "all" } else { "do not all" },
            fixed(largest_citl, 3),
            sub_results
                .iter()
                .map(|(g, _, _)| g.patients.len())
                .min()
                .unwrap_or(0),
            sub_lines.join("\n"),
        ))
        .para(format!(
            "**Shift monitoring.** Between days 1–{} and {}–90 only temperature drifts \
             (domain AUC {} with it, {} without). A {} bpm heart-rate sensor recalibration \
             is caught (domain AUC {}, `{HR}` flagged) and, unnoticed, would raise the alert \
             rate from {} to {} with unchanged AUC. Re-run the feature and calibration checks \
             after every sensor or firmware change and at regular intervals; re-set the \
             cut-off when calibration drifts.",
            SPLIT_DAY as usize,
            SPLIT_DAY as usize + 1,
            fixed(dom_all, 3),
            fixed(dom_no_temp, 3),
            RECALIBRATION,
            fixed(dom_shift, 3),
            fixed(dep_rec.alert_rate, 3),
            fixed(dep_shift.alert_rate, 3),
        ))
        .para(format!(
            "**Leakage.** The leakage check flags no sensor feature (largest single-feature \
             AUC {}). Fields recorded because of agitation (`{LEAK}`, incident notes) must \
             never be inputs: with one, CV AUC reads {}.",
            fixed(honest_max, 3),
            fixed(leaky_perf.auc, 3),
        ))
        .para(format!(
            "**Limitations.** Discrimination is modest (AUC {}): at this cut-off {} % of \
             agitated days raise no alert and {} % of alerts are false. Agitation depends on \
             an unobserved personal propensity and on thresholds that a linear model only \
             approximates. Results come from synthetic data, one cohort and patient-wise CV, \
             not a prospective trial; only sex and age band were audited (not, e.g., dementia \
             type or severity, living alone, ethnicity).",
            fixed(overall.auc, 3),
            fixed(100.0 * (1.0 - overall.sensitivity), 1),
            fixed(100.0 * (1.0 - overall.ppv), 1),
        ))
        .para(
            "**Ethical considerations.** Continuous sensing in a person's home is intrusive: \
             consent must respect fluctuating capacity (with a consultee or proxy where \
             needed), data should be minimised and kept secure, and monitoring must not \
             replace human contact. Agitation labels come from carers and may be recorded \
             unevenly; false alerts cost staff time and could push towards unnecessary \
             sedation.",
        )
        .para(
            "**Human in the loop.** Every alert is reviewed by a clinician of the monitoring \
             team, who decides whether and how to contact the person or their carer; the \
             model makes no decision on its own. It is a prioritisation aid, not a diagnostic \
             device, and clinicians' dismissals should be logged to monitor it.",
        );
    report.sections.push(card);
    report.sections.push(Section::text(
        "What the course and the real study found",
        "The module's application lectures follow TIHM-style in-home monitoring of people \
         living with dementia, where sensor-derived alerts (for agitation and other events) go \
         to a clinical monitoring team who review them before acting — the human-in-the-loop \
         design this model card adopts. The responsible-ML lecture's checklist is the one \
         this report works through: subgroup performance with uncertainty, calibration, shift \
         between development and deployment, leakage, and documentation in a model card \
         (Mitchell et al., 2019). No course notebook prints numbers for this topic, so there \
         are no replication rows; every number above comes from the synthetic cohort.",
    ));

    report
        .metrics
        .push(Metric::new("out-of-fold AUC", overall.auc, 3));
    report
        .metrics
        .push(Metric::new("AUC(F) − AUC(M)", diff_point, 3));
    report.metrics.push(Metric::new(
        "domain-classifier AUC, temperature excluded, as recorded",
        dom_no_temp,
        3,
    ));
    report.metrics.push(Metric::new(
        "domain-classifier AUC, temperature excluded, recalibrated",
        dom_shift,
        3,
    ));
    report.metrics.push(Metric::new(
        "AUC with the leaked feature",
        leaky_perf.auc,
        3,
    ));
    Ok(report)
}
