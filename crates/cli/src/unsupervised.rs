//! `ml4ns cluster` and `ml4ns embed`: unsupervised models on a user's file. Imputation,
//! one-hot encoding and scaling are fitted on all rows (there is no held-out data); a
//! `--target`, if given, is left out of the features and only used to compare clusters with
//! it (adjusted Rand index).

use anyhow::{bail, Result};
use ml4ns_data_io::read_table;
use ml4ns_models::{ClusterFit, Model, Pipeline, Scaling, Task};
use ml4ns_validation::metrics as cm;
use serde_json::{json, Map, Value};

use crate::eval::num;
use crate::fit::write_whole;
use crate::{DataArgs, Format, Usage};

/// Arguments of `ml4ns cluster` and `ml4ns embed`.
#[derive(clap::Args)]
pub struct UnsupervisedArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Model spec: kmeans, gmm or dbscan for `cluster`; pca or diffusion_map for `embed`.
    #[arg(long)]
    model: String,
    /// Feature scaling before the model: none, standard or minmax.
    #[arg(long, default_value = "none")]
    scale: String,
    /// Write one row per data row (cluster label, or coordinates) to this CSV file.
    #[arg(long)]
    output: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn prepare(
    args: &UnsupervisedArgs,
    task: Task,
) -> Result<(Model, ml4ns_data_io::Table, ndarray::Array2<f64>)> {
    let scaling: Scaling = args.scale.parse().map_err(Usage)?;
    let model = Model::parse(&args.model).map_err(|e| Usage(e.to_string()))?;
    let info = ml4ns_models::ModelSpec::info(model.name()).expect("parsed names are registered");
    if info.task != task {
        let valid: Vec<&str> = ml4ns_models::MODELS
            .iter()
            .filter(|m| m.task == task)
            .map(|m| m.name)
            .collect();
        return Err(Usage(format!(
            "{} is not {} model; use one of: {}",
            model.name(),
            if task == Task::Clustering {
                "a clustering"
            } else {
                "an embedding"
            },
            valid.join(", ")
        ))
        .into());
    }
    let table = read_table(&args.data.data, &args.data.spec())?;
    let (x, _) = Pipeline::new(model.clone())
        .scaling(scaling)
        .impute(args.data.impute.imputation())
        .preprocess(&table)?;
    Ok((model, table, x))
}

/// `ml4ns cluster`.
pub fn cluster(args: &UnsupervisedArgs) -> Result<String> {
    let (model, table, x) = prepare(args, Task::Clustering)?;
    let c = model.cluster(x.view())?;
    let mut summary = Map::new();
    let mut sizes = vec![0usize; c.n_clusters];
    for &l in &c.labels {
        if l >= 0 {
            sizes[l as usize] += 1;
        }
    }
    summary.insert("n_clusters".into(), json!(c.n_clusters));
    summary.insert("sizes".into(), json!(sizes));
    match &c.fit {
        ClusterFit::KMeans { inertia, .. } => {
            summary.insert("inertia".into(), num(*inertia));
        }
        ClusterFit::Gmm(g) => {
            summary.insert("log_likelihood".into(), num(g.log_likelihood));
            summary.insert("bic".into(), num(g.bic));
            summary.insert("aic".into(), num(g.aic));
        }
        ClusterFit::Dbscan { n_noise, .. } => {
            summary.insert("noise".into(), json!(n_noise));
        }
    }
    // Quality metrics over the clustered (non-noise) rows, when they are defined.
    let kept: Vec<usize> = (0..c.labels.len()).filter(|&i| c.labels[i] >= 0).collect();
    let labels: Vec<usize> = kept.iter().map(|&i| c.labels[i] as usize).collect();
    let xk = x.select(ndarray::Axis(0), &kept);
    if let Ok(s) = cm::silhouette(xk.view(), &labels) {
        summary.insert("silhouette".into(), num(s));
    }
    if let Ok(s) = cm::davies_bouldin(xk.view(), &labels) {
        summary.insert("davies_bouldin".into(), num(s));
    }
    if let Ok(s) = cm::calinski_harabasz(xk.view(), &labels) {
        summary.insert("calinski_harabasz".into(), num(s));
    }
    if let Some(t) = table.class_target() {
        if let Ok(ari) = cm::adjusted_rand(&t.codes.to_vec(), &c.labels_with_noise_cluster()) {
            summary.insert(format!("adjusted_rand_vs_{}", t.name), num(ari));
        }
    }
    if let Some(path) = &args.output {
        let mut csv = String::from("row,cluster\n");
        for (i, l) in c.labels.iter().enumerate() {
            csv.push_str(&format!("{},{l}\n", table.source_rows[i]));
        }
        write_whole(path, &csv)?;
    }
    Ok(render(
        &table.source,
        &model,
        &args.scale,
        x.dim(),
        summary,
        args.format,
    ))
}

/// `ml4ns embed`.
pub fn embed(args: &UnsupervisedArgs) -> Result<String> {
    let (model, table, x) = prepare(args, Task::Embedding)?;
    let e = model.embed(x.view())?;
    let mut summary = Map::new();
    summary.insert("n_components".into(), json!(e.coordinates.ncols()));
    summary.insert(
        "eigenvalues".into(),
        Value::Array(e.eigenvalues.iter().map(|v| num(*v)).collect()),
    );
    if let Some(r) = &e.explained_variance_ratio {
        summary.insert(
            "explained_variance_ratio".into(),
            Value::Array(r.iter().map(|v| num(*v)).collect()),
        );
    }
    if let Some(path) = &args.output {
        let k = e.coordinates.ncols();
        let mut csv = String::from("row");
        for j in 0..k {
            csv.push_str(&format!(",c{}", j + 1));
        }
        csv.push('\n');
        for (i, r) in e.coordinates.rows().into_iter().enumerate() {
            csv.push_str(&table.source_rows[i].to_string());
            for v in r {
                csv.push_str(&format!(",{v}"));
            }
            csv.push('\n');
        }
        write_whole(path, &csv)?;
    }
    if e.coordinates.iter().any(|v| !v.is_finite()) {
        bail!("{} produced non-finite coordinates", model.name());
    }
    Ok(render(
        &table.source,
        &model,
        &args.scale,
        x.dim(),
        summary,
        args.format,
    ))
}

fn render(
    source: &str,
    model: &Model,
    scale: &str,
    (rows, cols): (usize, usize),
    summary: Map<String, Value>,
    format: Format,
) -> String {
    match format {
        Format::Json => {
            let out = json!({
                "data": source,
                "model": model.spec().to_string(),
                "scale": scale,
                "rows": rows,
                "features": cols,
                "result": summary,
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&out).expect("json values serialise")
            )
        }
        Format::Text => {
            let mut out = format!(
                "{source}: {} on {rows} rows × {cols} features ({scale} scaling)\n",
                model.spec()
            );
            for (k, v) in &summary {
                let shown = match v {
                    Value::Number(n) => match n.as_f64() {
                        Some(f) if n.is_f64() => format!("{f:.4}"),
                        _ => n.to_string(),
                    },
                    Value::Array(a) => a
                        .iter()
                        .map(|x| match x.as_f64() {
                            Some(f) if x.is_f64() => format!("{f:.4}"),
                            _ => x.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                out.push_str(&format!("{k:<26} {shown}\n"));
            }
            out
        }
    }
}
