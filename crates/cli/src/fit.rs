//! `ml4ns fit` (train on a whole file, save the model as JSON) and `ml4ns predict` (apply a
//! saved model to a file). Output files are written whole or not at all.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ml4ns_data_io::{read_table, MissingPolicy, TableSpec};
use ml4ns_models::{Model, Pipeline, SavedModel, Scaling};

use crate::{DataArgs, Impute, Usage};

/// Arguments of `ml4ns fit`.
#[derive(clap::Args)]
pub struct FitArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Model spec, e.g. logistic:c=1.0.
    #[arg(long)]
    model: String,
    /// Feature scaling fitted with the model: none, standard or minmax.
    #[arg(long, default_value = "none")]
    scale: String,
    /// Where to write the model (JSON).
    #[arg(long)]
    save: PathBuf,
}

/// Arguments of `ml4ns predict`.
#[derive(clap::Args)]
pub struct PredictArgs {
    /// A model file written by `ml4ns fit`.
    #[arg(long)]
    model: PathBuf,
    /// CSV or Parquet file with the model's feature columns (other columns are ignored).
    #[arg(long)]
    data: PathBuf,
    /// Also write class probabilities (classifiers that have them).
    #[arg(long)]
    proba: bool,
    /// What to do with missing, NaN and infinite feature values.
    #[arg(long, value_enum, default_value_t = Impute::Error)]
    impute: Impute,
    /// Where to write the predictions (CSV); standard output when absent.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Write through a temporary file in the same folder and rename it into place.
pub(crate) fn write_whole(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        bail!(
            "{}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    std::fs::write(&tmp, contents).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// `ml4ns fit`.
pub fn fit(args: &FitArgs) -> Result<String> {
    let scaling: Scaling = args.scale.parse().map_err(Usage)?;
    let model = Model::parse(&args.model).map_err(|e| Usage(e.to_string()))?;
    let table = read_table(&args.data.data, &args.data.spec())?;
    if table.target.is_none() {
        bail!("fitting needs a target: give --target");
    }
    let pipeline = Pipeline::new(model)
        .scaling(scaling)
        .impute(args.data.impute.imputation());
    let fitted = pipeline.fit(&table)?;
    let mut saved = SavedModel::new(
        pipeline.model.spec().to_string(),
        args.scale.clone(),
        &table,
        fitted.as_ref(),
    );
    saved.impute = format!("{:?}", pipeline.impute).to_lowercase();
    write_whole(&args.save, &saved.to_json())?;
    let mut out = format!(
        "fitted {} on {} rows × {} features of {}; saved to {}\n",
        saved.spec,
        table.n_rows(),
        table.n_features(),
        table.source,
        args.save.display()
    );
    let classes = table
        .class_target()
        .map(|c| c.classes.clone())
        .unwrap_or_default();
    if let Some(oob) = fitted.oob_score() {
        out.push_str(&format!(
            "out-of-bag accuracy: {oob:.4} (each training row voted on by the trees that did not draw it)\n"
        ));
    }
    if let Some(importance) = fitted.feature_importance() {
        let names = fitted.feature_names(&table.feature_names);
        let mut ranked: Vec<(&String, f64)> = names.iter().zip(importance).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        out.push_str("\nfeature importance:\n");
        for (name, v) in ranked {
            out.push_str(&format!("  {name:<30} {v:.4}\n"));
        }
    }
    if let Some(rules) = fitted.describe(&table.feature_names, &classes) {
        out.push('\n');
        out.push_str(&rules);
    }
    Ok(out)
}

/// `ml4ns predict`.
pub fn predict(args: &PredictArgs) -> Result<String> {
    let text = std::fs::read_to_string(&args.model)
        .with_context(|| format!("{}: cannot read the model file", args.model.display()))?;
    let saved = SavedModel::from_json(&text, &args.model.display().to_string())?;
    // A model fitted with imputation fills gaps itself (with its training statistics).
    let missing = match (saved.impute.as_str(), args.impute.policy()) {
        ("none", policy) | (_, policy @ MissingPolicy::DropRows) => policy,
        _ => MissingPolicy::Keep,
    };
    let spec = TableSpec {
        features: Some(saved.feature_names.clone()),
        categorical: saved.categories.keys().cloned().collect(),
        missing,
        ..TableSpec::default()
    };
    let mut table = read_table(&args.data, &spec).with_context(|| {
        format!(
            "the model in {} needs the feature columns it was fitted on: {}",
            args.model.display(),
            saved.feature_names.join(", ")
        )
    })?;
    // Categorical columns: re-code to the training levels, in the training column order.
    let unknown = table.align_categories(&saved.categories)?;
    if unknown > 0 {
        eprintln!(
            "warning: {unknown} categorical value(s) in {} were not seen in training; they set no indicator",
            table.source
        );
    }
    if table.feature_names != saved.feature_names {
        let order: Vec<usize> = saved
            .feature_names
            .iter()
            .map(|n| table.feature_index(n).expect("loaded by name"))
            .collect();
        table.x = table.x.select(ndarray::Axis(1), &order);
        for c in &mut table.categorical {
            let name = &table.feature_names[c.feature];
            c.feature = saved
                .feature_names
                .iter()
                .position(|n| n == name)
                .expect("loaded by name");
        }
        table.feature_names = saved.feature_names.clone();
    }
    let fitted = saved.model.clone().into_fitted()?;
    let pred = fitted.predict(table.x.view())?;
    let proba = if args.proba {
        match fitted.predict_proba(table.x.view())? {
            Some(p) => Some(p),
            None => bail!("{} gives no probabilities; drop --proba", saved.spec),
        }
    } else {
        None
    };
    let mut csv = String::from("row,prediction");
    if let (Some(_), Some(classes)) = (&proba, &saved.classes) {
        for c in classes {
            csv.push_str(&format!(",proba_{c}"));
        }
    }
    csv.push('\n');
    for (i, p) in pred.iter().enumerate() {
        let label = match &saved.classes {
            Some(classes) => classes
                .get(*p as usize)
                .cloned()
                .unwrap_or_else(|| p.to_string()),
            None => format!("{p}"),
        };
        csv.push_str(&format!("{},{}", table.source_rows[i], quote(&label)));
        if let Some(proba) = &proba {
            for v in proba.row(i) {
                csv.push_str(&format!(",{v}"));
            }
        }
        csv.push('\n');
    }
    match &args.output {
        Some(path) => {
            write_whole(path, &csv)?;
            Ok(format!(
                "wrote {} predictions to {}\n",
                pred.len(),
                path.display()
            ))
        }
        None => Ok(csv),
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
