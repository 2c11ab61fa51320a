//! `ml4ns cv`: cross-validate a model on a user's file, with scaling fitted inside each
//! training fold and folds from scikit-learn's splitters.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use ml4ns_data_io::{read_table, Table, Target};
use ml4ns_models::{Model, Pipeline, Scaling};
use ml4ns_validation::metrics::{self as m, Average, ZeroDivision};
use ml4ns_validation::selection::{mean_std, splits_for};
use ml4ns_validation::Cv;
use rayon::prelude::*;
use serde_json::{json, Map, Value};

use crate::eval::num;
use crate::{DataArgs, Format, Usage};

/// Arguments of `ml4ns cv`.
#[derive(clap::Args)]
pub struct CvArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Model spec, e.g. logistic:c=1.0 or knn:k=7 (default: logistic for classes, ols for values).
    #[arg(long)]
    model: Option<String>,
    /// Cross-validation spec (default: 5 folds, stratified for classes, by group with --groups).
    #[arg(long)]
    cv: Option<String>,
    /// Feature scaling, fitted on each training fold only: none, standard or minmax.
    #[arg(long, default_value = "none")]
    scale: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write a report (report.md and report.json) into this directory.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

/// Names that usually hold a subject/patient id.
const ID_HINTS: [&str; 7] = [
    "id",
    "subject",
    "patient",
    "participant",
    "person",
    "name",
    "record",
];

fn looks_like_id(column: &str) -> bool {
    let c = column.to_ascii_lowercase();
    ID_HINTS
        .iter()
        .any(|h| c == *h || c.ends_with(&format!("_{h}")) || c.starts_with(&format!("{h}_")))
}

/// Run `ml4ns cv`; warnings go to stderr.
pub fn run(args: &CvArgs) -> Result<String> {
    let scaling: Scaling = args.scale.parse().map_err(Usage)?;
    // A bad --model is a usage error before any data are read.
    let explicit_model = args
        .model
        .as_deref()
        .map(Model::parse)
        .transpose()
        .map_err(|e| Usage(e.to_string()))?;
    // With --cv, the scheme decides how the data are loaded (groups, predefined folds);
    // without it, the data decide the default scheme.
    let (cv_spec, cv, table) = match &args.cv {
        Some(spec) => {
            let mut cv = Cv::parse(spec).map_err(|e| Usage(e.to_string()))?;
            let table = crate::eval::load_for_cv(&args.data, &mut cv, false)?;
            (spec.clone(), cv, table)
        }
        None => {
            let table = read_table(&args.data.data, &args.data.spec())?;
            let classification = table.class_target().is_some();
            let spec = match (classification, table.groups.is_some()) {
                (true, true) => "stratified_group_kfold:n_splits=5",
                (false, true) => "group_kfold:n_splits=5",
                (true, false) => "stratified_kfold:n_splits=5",
                (false, false) => "kfold:n_splits=5",
            };
            (
                spec.to_string(),
                Cv::parse(spec).expect("default specs parse"),
                table,
            )
        }
    };
    let Some(target) = &table.target else {
        bail!("cross-validation needs a target: give --target");
    };
    let classification = target.classes().is_some();
    let model = match explicit_model {
        Some(m) => m,
        None => Model::parse(if classification { "logistic" } else { "ols" })
            .expect("default models parse"),
    };
    for w in warnings(&table, &cv) {
        eprintln!("warning: {w}");
    }
    let splits = splits_for(&cv, &table).map_err(|e| anyhow::anyhow!("{e}"))?;
    if splits.is_empty() {
        bail!("{cv_spec} produced no folds for {}", table.source);
    }
    let pipeline = Pipeline::new(model)
        .scaling(scaling)
        .impute(args.data.impute.imputation());
    let folds: Vec<BTreeMap<String, f64>> = splits
        .par_iter()
        .map(|s| -> Result<BTreeMap<String, f64>> {
            let train = table.select_rows(&s.train);
            let test = table.select_rows(&s.test);
            let fitted = pipeline.fit(&train)?;
            let pred = fitted.predict(test.x.view())?;
            let proba = fitted.predict_proba(test.x.view())?;
            let mut out =
                fold_metrics(test.target.as_ref().expect("target"), &pred, proba.as_ref())?;
            out.insert("n_train".into(), s.train.len() as f64);
            out.insert("n_test".into(), s.test.len() as f64);
            Ok(out)
        })
        .collect::<Result<_>>()?;
    let keys: Vec<String> = folds[0]
        .keys()
        .filter(|k| !k.starts_with("n_"))
        .cloned()
        .collect();
    let mut mean = Map::new();
    let mut std = Map::new();
    for k in &keys {
        let v: Vec<f64> = folds.iter().map(|f| f[k]).collect();
        let (mu, sd) = mean_std(&v);
        mean.insert(k.clone(), num(mu));
        std.insert(k.clone(), num(sd));
    }
    let canonical_model = pipeline.model.spec().to_string();
    if let Some(dir) = &args.out {
        let report = report(&ReportInput {
            table: &table,
            model: &canonical_model,
            args,
            cv_spec: &cv_spec,
            folds: &folds,
            keys: &keys,
        });
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the report directory", dir.display()))?;
        crate::fit::write_whole(&dir.join("report.md"), &report.to_markdown())?;
        crate::fit::write_whole(&dir.join("report.json"), &report.to_json())?;
    }
    Ok(match args.format {
        Format::Json => {
            let folds_json: Vec<Value> = folds
                .iter()
                .map(|f| Value::Object(f.iter().map(|(k, v)| (k.clone(), num(*v))).collect()))
                .collect();
            let out = json!({
                "model": canonical_model,
                "scale": args.scale,
                "cv": cv_spec,
                "folds": folds_json,
                "mean": mean,
                "std": std,
            });
            format!("{}\n", serde_json::to_string_pretty(&out)?)
        }
        Format::Text => {
            let mut out = format!(
                "{}: {} ({} scaling), {} ({} folds)\n\n{:>5} {:>7} {:>7}",
                table.source,
                canonical_model,
                args.scale,
                cv_spec,
                folds.len(),
                "fold",
                "train",
                "test"
            );
            for k in &keys {
                out.push_str(&format!(" {k:>17}"));
            }
            out.push('\n');
            for (i, f) in folds.iter().enumerate() {
                out.push_str(&format!(
                    "{:>5} {:>7} {:>7}",
                    i + 1,
                    f["n_train"],
                    f["n_test"]
                ));
                for k in &keys {
                    out.push_str(&format!(" {:>17.4}", f[k]));
                }
                out.push('\n');
            }
            out.push('\n');
            for k in &keys {
                let (mu, sd) = (
                    mean[k].as_f64().unwrap_or(f64::NAN),
                    std[k].as_f64().unwrap_or(f64::NAN),
                );
                out.push_str(&format!("{k:<18} {mu:.4} ± {sd:.4}\n"));
            }
            out
        }
    })
}

struct ReportInput<'a> {
    table: &'a Table,
    model: &'a str,
    args: &'a CvArgs,
    cv_spec: &'a str,
    folds: &'a [BTreeMap<String, f64>],
    keys: &'a [String],
}

/// The cross-validation as a report: data, setup, per-fold and summary tables. Only the file's
/// name appears (no directories), and numbers have fixed decimals, so reruns diff clean.
fn report(r: &ReportInput) -> ml4ns_reporting::Report {
    use ml4ns_reporting::{fixed, Report, Section, Table};
    let t = r.table;
    let file = std::path::Path::new(&t.source)
        .file_name()
        .map_or_else(|| t.source.clone(), |n| n.to_string_lossy().into_owned());
    let target = match &t.target {
        Some(Target::Classes(c)) => {
            let counts = c.counts();
            let parts: Vec<String> = c
                .classes
                .iter()
                .zip(&counts)
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            format!("`{}`, classes ({})", c.name, parts.join(", "))
        }
        Some(Target::Continuous { name, .. }) => format!("`{name}`, continuous"),
        None => "none".into(),
    };
    let mut data = format!(
        "- file: `{file}`\n- rows: {}\n- features ({}): {}\n- target: {target}\n",
        t.n_rows(),
        t.n_features(),
        t.feature_names.join(", ")
    );
    if let Some(g) = &t.groups {
        data.push_str(&format!(
            "- groups: `{}` ({} groups)\n",
            g.name,
            g.names.len()
        ));
    }
    let setup = format!(
        "- model: `{}`\n- scaling: {} (fitted on each training fold)\n- imputation: {} (fitted on each training fold)\n- cross-validation: `{}` ({} folds)\n",
        r.model,
        r.args.scale,
        format!("{:?}", r.args.data.impute.imputation()).to_lowercase(),
        r.cv_spec,
        r.folds.len()
    );
    let mut per_fold = Table::new(["fold", "train", "test"]);
    per_fold.header.extend(r.keys.iter().cloned());
    for (i, f) in r.folds.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            fixed(f["n_train"], 0),
            fixed(f["n_test"], 0),
        ];
        row.extend(r.keys.iter().map(|k| fixed(f[k], 4)));
        per_fold.push(row);
    }
    let mut summary = Table::new(["metric", "mean", "sd"]);
    for k in r.keys {
        let v: Vec<f64> = r.folds.iter().map(|f| f[k]).collect();
        let (mu, sd) = mean_std(&v);
        summary.push([k.clone(), fixed(mu, 4), fixed(sd, 4)]);
    }
    let mut report = Report::new(
        "cv",
        format!("Cross-validation of {} on {file}", r.model),
        "How well does this model predict rows it was not fitted on?",
    );
    report.data = data;
    report.sections = vec![
        Section::text("Setup", setup),
        Section::new("Per fold").table(per_fold),
        Section::new("Mean and standard deviation over folds")
            .table(summary)
            .para("The standard deviation is the population one (ddof = 0), as scikit-learn's `cv_results_`."),
    ];
    report
}

/// The metrics of one test fold.
fn fold_metrics(
    target: &Target,
    pred: &ndarray::Array1<f64>,
    proba: Option<&ndarray::Array2<f64>>,
) -> Result<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    match target {
        Target::Continuous { values, .. } => {
            let (t, p) = (values.to_vec(), pred.to_vec());
            out.insert("mae".into(), m::mae(&t, &p)?);
            out.insert("rmse".into(), m::rmse(&t, &p)?);
            out.insert("r2".into(), m::r2(&t, &p, true)?);
        }
        Target::Classes(c) => {
            let t = c.codes.to_vec();
            let p: Vec<usize> = pred.iter().map(|&v| v as usize).collect();
            let zd = ZeroDivision::Zero;
            out.insert("accuracy".into(), m::accuracy(&t, &p)?);
            out.insert("balanced_accuracy".into(), m::balanced_accuracy(&t, &p)?);
            if c.classes.len() == 2 {
                let bin = Average::Binary { pos_label: 1 };
                let (precision, recall, f1) = m::precision_recall_fscore(&t, &p, 1.0, bin, zd)?;
                out.insert("precision".into(), precision);
                out.insert("recall".into(), recall);
                out.insert("specificity".into(), m::specificity(&t, &p, 1, zd)?);
                out.insert("f1".into(), f1);
                if let Some(proba) = proba {
                    out.insert(
                        "roc_auc".into(),
                        m::roc_auc(&t, &proba.column(1).to_vec(), 1)?,
                    );
                }
            } else {
                let (precision, recall, f1) =
                    m::precision_recall_fscore(&t, &p, 1.0, Average::Macro, zd)?;
                out.insert("precision_macro".into(), precision);
                out.insert("recall_macro".into(), recall);
                out.insert("f1_macro".into(), f1);
            }
        }
    }
    Ok(out)
}

/// Warnings about evaluations that are likely to mislead.
fn warnings(table: &Table, cv: &Cv) -> Vec<String> {
    let mut out = Vec::new();
    if table.groups.is_none() {
        let candidates: Vec<&String> = table
            .ignored_columns
            .iter()
            .chain(&table.feature_names)
            .filter(|c| looks_like_id(c))
            .collect();
        for c in candidates {
            out.push(format!(
                "column '{c}' looks like a subject/patient id but no --groups was given: rows of one \
                 person in both training and test folds inflate every score (try --groups {c})"
            ));
        }
    }
    if let Some(c) = table.class_target() {
        let counts = c.counts();
        let min = counts.iter().copied().min().unwrap_or(0) as f64;
        let share = min / table.n_rows().max(1) as f64;
        let stratified = cv.needs_labels();
        if share < 0.2 && !stratified {
            out.push(format!(
                "the smallest class is {:.1} % of rows but {} is not stratified: folds may miss it \
                 (try stratified_kfold or stratified_group_kfold)",
                100.0 * share,
                cv.name()
            ));
        }
    }
    out
}
