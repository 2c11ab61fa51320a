//! `ml4ns split` and `ml4ns metrics`.

use anyhow::{bail, Context, Result};
use ml4ns_data_io::{encode_labels, read_frame, read_table, Table, TargetKind};
use ml4ns_validation::metrics::{self as m, Average, ZeroDivision};
use ml4ns_validation::Cv;
use serde_json::{json, Map, Value};

use crate::{DataArgs, Format};

/// `ml4ns split`: the folds of a scheme on a file, as 0-based data-row indices of the file.
pub fn split(data: &DataArgs, spec: &str, format: Format) -> Result<String> {
    let mut cv = Cv::parse(spec).map_err(|e| crate::Usage(e.to_string()))?;
    let table = load_for_cv(data, &mut cv, true)?;
    let y: Option<Vec<usize>> = table.class_target().map(|c| c.codes.to_vec());
    let groups: Option<Vec<usize>> = table.groups.as_ref().map(|g| g.ids.to_vec());
    let splits = cv
        .split(table.n_rows(), y.as_deref(), groups.as_deref())
        .with_context(|| format!("splitting {}", data.data.display()))?;
    let rows =
        |idx: &[usize]| -> Vec<usize> { idx.iter().map(|&i| table.source_rows[i]).collect() };
    Ok(match format {
        Format::Json => {
            // Written by hand to keep "train" before "test" in every object.
            let list: Vec<String> = splits
                .iter()
                .map(|s| {
                    format!(
                        "{{\"train\":{},\"test\":{}}}",
                        json!(rows(&s.train)),
                        json!(rows(&s.test))
                    )
                })
                .collect();
            format!("[{}]\n", list.join(","))
        }
        Format::Text => {
            let mut out = format!(
                "{}: {} folds of {} rows ({})\n",
                table.source,
                splits.len(),
                table.n_rows(),
                spec
            );
            for (k, s) in splits.iter().enumerate() {
                let mut line = format!(
                    "fold {:>3}: train {:>7}  test {:>7}",
                    k + 1,
                    s.train.len(),
                    s.test.len()
                );
                if let Some(g) = &table.groups {
                    let mut test_groups: Vec<usize> = s.test.iter().map(|&i| g.ids[i]).collect();
                    test_groups.sort_unstable();
                    test_groups.dedup();
                    line.push_str(&format!("  test groups {:>4}", test_groups.len()));
                }
                if let Some(c) = table.class_target() {
                    let mut counts = vec![0usize; c.classes.len()];
                    s.test.iter().for_each(|&i| counts[c.codes[i]] += 1);
                    let parts: Vec<String> = c
                        .classes
                        .iter()
                        .zip(&counts)
                        .map(|(name, n)| format!("{name}={n}"))
                        .collect();
                    line.push_str(&format!("  test classes {}", parts.join(" ")));
                }
                out.push_str(&line);
                out.push('\n');
            }
            out
        }
    })
}

/// Load the data for a scheme: groups required where the scheme needs them, class labels
/// forced when `force_classes` and the scheme stratifies, and `predefined_split:column=NAME`
/// given its folds (that column is then left out of the features).
pub(crate) fn load_for_cv(data: &DataArgs, cv: &mut Cv, force_classes: bool) -> Result<Table> {
    let mut table_spec = data.spec();
    if cv.needs_labels() {
        if table_spec.target.is_none() {
            bail!("{} needs class labels: give --target", cv.name());
        }
        if force_classes {
            table_spec.target_kind = TargetKind::Classes;
        }
    }
    if cv.needs_groups() && table_spec.groups.is_none() {
        bail!("{} needs groups: give --groups", cv.name());
    }
    let mut file_folds = None;
    if let Cv::PredefinedSplit {
        column: Some(column),
        ..
    } = &*cv
    {
        let frame = read_frame(&data.data)?;
        let folds = frame
            .numbers(column, "test fold")?
            .iter()
            .enumerate()
            .map(|(row, &v)| {
                if v.fract() == 0.0 {
                    Ok(v as i64)
                } else {
                    bail!(
                        "column '{column}' (test fold) must hold whole numbers; row {} holds {v}",
                        row + 1
                    )
                }
            })
            .collect::<Result<Vec<i64>>>()?;
        table_spec.drop.push(column.clone());
        file_folds = Some(folds);
    }
    let table = read_table(&data.data, &table_spec)?;
    if let (Cv::PredefinedSplit { test_fold, .. }, Some(folds)) = (cv, file_folds) {
        // Folds were read for every row of the file; keep those of the rows loaded.
        *test_fold = table.source_rows.iter().map(|&r| folds[r]).collect();
    }
    Ok(table)
}

/// Which kind of metrics to compute.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricsTask {
    /// Class labels in both columns.
    Classification,
    /// Real values in both columns.
    Regression,
}

/// Arguments of `ml4ns metrics`.
#[derive(clap::Args)]
pub struct MetricsArgs {
    /// CSV or Parquet file holding the predictions.
    #[arg(long)]
    data: std::path::PathBuf,
    /// Column of true values.
    #[arg(long)]
    y_true: String,
    /// Column of predicted values.
    #[arg(long)]
    y_pred: String,
    /// Column of scores or probabilities for the positive class (binary only).
    #[arg(long)]
    y_score: Option<String>,
    /// The positive class of a binary problem (default: the last label in sorted order).
    #[arg(long)]
    pos_label: Option<String>,
    /// Classification or regression metrics.
    #[arg(long, value_enum, default_value_t = MetricsTask::Classification)]
    task: MetricsTask,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `ml4ns metrics`: every metric that applies to a file of predictions.
pub fn metrics(args: &MetricsArgs) -> Result<String> {
    let frame = read_frame(&args.data)?;
    let mut out = Map::new();
    if args.task == MetricsTask::Regression {
        let t = frame.numbers(&args.y_true, "y_true")?;
        let p = frame.numbers(&args.y_pred, "y_pred")?;
        out.insert("mae".into(), json!(m::mae(&t, &p)?));
        out.insert("mse".into(), json!(m::mse(&t, &p)?));
        out.insert("rmse".into(), json!(m::rmse(&t, &p)?));
        out.insert("r2".into(), num(m::r2(&t, &p, true)?));
        out.insert(
            "explained_variance".into(),
            num(m::explained_variance(&t, &p, true)?),
        );
        out.insert("mape".into(), json!(m::mape(&t, &p)?));
        return Ok(render(out, args.format, None));
    }
    let (true_labels, true_numeric) = frame.labels(&args.y_true, "y_true")?;
    let (pred_labels, pred_numeric) = frame.labels(&args.y_pred, "y_pred")?;
    let n = true_labels.len();
    let all: Vec<String> = true_labels.iter().chain(&pred_labels).cloned().collect();
    let (codes, names, _) = encode_labels(&all, true_numeric && pred_numeric);
    let (t, p) = codes.split_at(n);
    let zd = ZeroDivision::Zero;
    out.insert("labels".into(), json!(names));
    out.insert("accuracy".into(), json!(m::accuracy(t, p)?));
    out.insert(
        "balanced_accuracy".into(),
        json!(m::balanced_accuracy(t, p)?),
    );
    out.insert("mcc".into(), json!(m::mcc(t, p)?));
    out.insert(
        "confusion_matrix".into(),
        json!(m::confusion_matrix(t, p)?.counts),
    );
    if names.len() <= 2 {
        let pos = match &args.pos_label {
            Some(l) => names
                .iter()
                .position(|n| n == l)
                .with_context(|| format!("--pos-label '{l}' is not one of the labels {names:?}"))?,
            None => names.len() - 1,
        };
        let bin = Average::Binary { pos_label: pos };
        out.insert("positive_label".into(), json!(names[pos]));
        let (precision, recall, f1) = m::precision_recall_fscore(t, p, 1.0, bin, zd)?;
        out.insert("precision".into(), json!(precision));
        out.insert("recall".into(), json!(recall));
        out.insert("sensitivity".into(), json!(recall));
        out.insert("specificity".into(), json!(m::specificity(t, p, pos, zd)?));
        out.insert("f1".into(), json!(f1));
        out.insert("youden_j".into(), json!(m::youden_j(t, p, pos, zd)?));
        if let Some(col) = &args.y_score {
            let s = frame.numbers(col, "y_score")?;
            out.insert("roc_auc".into(), num(m::roc_auc(t, &s, pos)?));
            out.insert(
                "average_precision".into(),
                json!(m::average_precision(t, &s, pos)?),
            );
            if s.iter().all(|v| (0.0..=1.0).contains(v)) {
                let y01: Vec<usize> = t.iter().map(|&c| usize::from(c == pos)).collect();
                out.insert("log_loss".into(), json!(m::log_loss_binary(&y01, &s)?));
                out.insert("brier".into(), json!(m::brier_score(t, &s, pos)?));
            }
        }
    } else {
        if args.y_score.is_some() {
            bail!(
                "--y-score applies to binary problems; {} has {} labels",
                args.y_true,
                names.len()
            );
        }
        for (key, avg) in [("macro", Average::Macro), ("weighted", Average::Weighted)] {
            let (precision, recall, f1) = m::precision_recall_fscore(t, p, 1.0, avg, zd)?;
            out.insert(format!("precision_{key}"), json!(precision));
            out.insert(format!("recall_{key}"), json!(recall));
            out.insert(format!("f1_{key}"), json!(f1));
        }
    }
    let report = m::classification_report(t, p, Some(&names), 2, zd)?;
    Ok(render(out, args.format, Some(report)))
}

/// NaN and infinities have no JSON number: write them as strings.
pub(crate) fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        json!(v.to_string())
    }
}

fn render(map: Map<String, Value>, format: Format, report: Option<String>) -> String {
    match format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&Value::Object(map)).expect("json values serialise")
        ),
        Format::Text => {
            let mut out = report.map(|r| format!("{r}\n")).unwrap_or_default();
            for (k, v) in &map {
                if matches!(k.as_str(), "labels" | "confusion_matrix") {
                    continue;
                }
                let shown = match v {
                    Value::Number(n) => n.as_f64().map_or(n.to_string(), |x| format!("{x:.6}")),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out.push_str(&format!("{k:<20} {shown}\n"));
            }
            if let (Some(labels), Some(cm)) = (map.get("labels"), map.get("confusion_matrix")) {
                out.push_str(&format!(
                    "confusion matrix (rows true, columns predicted; labels {labels}):\n"
                ));
                for row in cm.as_array().into_iter().flatten() {
                    out.push_str(&format!("  {row}\n"));
                }
            }
            out
        }
    }
}
