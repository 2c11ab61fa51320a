//! `ml4ns`: the course's machinery on your own CSV or Parquet file.
//!
//! Exit codes: 0 success, 1 data or model error, 2 usage error.

use std::process::ExitCode;

mod cv;
mod eval;
mod fit;
mod unsupervised;

use clap::{Parser, Subcommand, ValueEnum};
use ml4ns_data_io::{read_table, MissingPolicy, Table, TableSpec, Target, TargetKind};

#[derive(Parser)]
#[command(
    name = "ml4ns",
    version,
    about = "Machine Learning for Neuroscience on your own data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Impute {
    /// A missing, NaN or infinite value is an error naming its column and row.
    Error,
    /// Drop rows with such a value in any used column.
    #[value(name = "drop_rows")]
    DropRows,
    /// Replace such feature values by the column's mean over the training rows (fitted
    /// inside each training fold in `cv`, saved with the model by `fit`).
    Mean,
    /// Replace such feature values by the column's median over the training rows.
    Median,
}

impl Impute {
    /// The loader's missing-value policy.
    pub(crate) fn policy(self) -> MissingPolicy {
        match self {
            Impute::Error => MissingPolicy::Error,
            Impute::DropRows => MissingPolicy::DropRows,
            // Imputation is a pipeline step fitted on training rows: load the gaps as NaN.
            Impute::Mean | Impute::Median => MissingPolicy::Keep,
        }
    }

    /// The pipeline's imputation step.
    pub(crate) fn imputation(self) -> ml4ns_models::Imputation {
        match self {
            Impute::Mean => ml4ns_models::Imputation::Mean,
            Impute::Median => ml4ns_models::Imputation::Median,
            Impute::Error | Impute::DropRows => ml4ns_models::Imputation::None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Task {
    /// Decide from the target column (text → classes; few whole numbers → classes).
    Auto,
    /// The target is a class label.
    Classification,
    /// The target is a real value.
    Regression,
}

/// How to read a data file: shared by every command that loads one.
#[derive(clap::Args)]
pub(crate) struct DataArgs {
    /// CSV (.csv, .tsv) or Parquet (.parquet) file.
    #[arg(long)]
    data: std::path::PathBuf,
    /// Target column.
    #[arg(long)]
    target: Option<String>,
    /// Column of subject/patient ids (rows of one group stay together when splitting).
    #[arg(long)]
    groups: Option<String>,
    /// Time column (numeric).
    #[arg(long)]
    time: Option<String>,
    /// Feature columns, comma-separated (default: every other numeric column).
    #[arg(long, value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// Columns to leave out, comma-separated.
    #[arg(long, value_delimiter = ',')]
    drop: Vec<String>,
    /// Categorical feature columns (text or codes), comma-separated: one-hot encoded with the
    /// levels seen in the training rows.
    #[arg(long, value_delimiter = ',')]
    categorical: Vec<String>,
    /// What to do with missing, NaN and infinite values.
    #[arg(long, value_enum, default_value_t = Impute::Error)]
    pub(crate) impute: Impute,
    /// How to read the target.
    #[arg(long, value_enum, default_value_t = Task::Auto)]
    task: Task,
}

impl DataArgs {
    pub(crate) fn spec(&self) -> TableSpec {
        TableSpec {
            target: self.target.clone(),
            target_kind: match self.task {
                Task::Auto => TargetKind::Auto,
                Task::Classification => TargetKind::Classes,
                Task::Regression => TargetKind::Continuous,
            },
            groups: self.groups.clone(),
            time: self.time.clone(),
            features: self.features.clone(),
            drop: self.drop.clone(),
            missing: self.impute.policy(),
            categorical: self.categorical.clone(),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Load a file with the given column roles and describe what was loaded.
    Inspect {
        #[command(flatten)]
        data: DataArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the train/test folds of a cross-validation scheme (0-based data rows of the file).
    Split {
        #[command(flatten)]
        data: DataArgs,
        /// Scheme, e.g. group_kfold:n_splits=5 or kfold:n_splits=5,shuffle=true,random_state=0.
        #[arg(long)]
        cv: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Every metric that applies to a file of true and predicted values.
    Metrics(eval::MetricsArgs),
    /// Cross-validate a model: per-fold and mean ± sd metrics.
    Cv(cv::CvArgs),
    /// Fit a model on a whole file and save it as JSON.
    Fit(fit::FitArgs),
    /// Apply a saved model to a file.
    Predict(fit::PredictArgs),
    /// Cluster the rows of a file (kmeans, gmm, dbscan): sizes, fit statistics, quality.
    Cluster(unsupervised::UnsupervisedArgs),
    /// Embed the rows of a file in a few dimensions (pca, diffusion_map).
    Embed(unsupervised::UnsupervisedArgs),
    /// List the course topics in order.
    Topics {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// A usage error detected after argument parsing (e.g. a malformed `--cv` spec): exit 2.
#[derive(Debug)]
pub(crate) struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(out) => {
            // Not print!: it panics when the reader has gone away (`ml4ns ... | head`).
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: writing the output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn run(command: Command) -> anyhow::Result<String> {
    match command {
        Command::Inspect { data, format } => {
            let table = read_table(&data.data, &data.spec())?;
            Ok(match format {
                Format::Text => describe_text(&table),
                Format::Json => describe_json(&table),
            })
        }
        Command::Split { data, cv, format } => eval::split(&data, &cv, format),
        Command::Metrics(args) => eval::metrics(&args),
        Command::Cv(args) => cv::run(&args),
        Command::Fit(args) => fit::fit(&args),
        Command::Predict(args) => fit::predict(&args),
        Command::Cluster(args) => unsupervised::cluster(&args),
        Command::Embed(args) => unsupervised::embed(&args),
        Command::Topics { format } => {
            let topics = ml4ns_topics::registry();
            Ok(match format {
                Format::Text if topics.is_empty() => "no topics are registered yet\n".into(),
                Format::Text => topics
                    .iter()
                    .map(|t| format!("{:<32} {}\n", t.id, t.title))
                    .collect(),
                Format::Json => {
                    let list: Vec<serde_json::Value> = topics
                        .iter()
                        .map(|t| serde_json::json!({"id": t.id, "title": t.title}))
                        .collect();
                    format!("{}\n", serde_json::to_string_pretty(&list)?)
                }
            })
        }
    }
}

fn describe_text(t: &Table) -> String {
    let mut out = format!(
        "{}: {} rows, {} features\n",
        t.source,
        t.n_rows(),
        t.n_features()
    );
    out.push_str(&format!("features: {}\n", t.feature_names.join(", ")));
    match &t.target {
        Some(Target::Classes(c)) => {
            let counts = c.counts();
            let parts: Vec<String> = c
                .classes
                .iter()
                .zip(&counts)
                .enumerate()
                .map(|(k, (name, n))| format!("{k}={name} ({n})"))
                .collect();
            out.push_str(&format!(
                "target: {} (classes: {})\n",
                c.name,
                parts.join(", ")
            ));
        }
        Some(Target::Continuous { name, values }) => {
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            out.push_str(&format!(
                "target: {name} (continuous, min {min}, max {max})\n"
            ));
        }
        None => out.push_str("target: none\n"),
    }
    if let Some(g) = &t.groups {
        out.push_str(&format!("groups: {} ({} groups)\n", g.name, g.names.len()));
    }
    if let Some(time) = &t.time {
        out.push_str(&format!("time: {}\n", time.name));
    }
    if !t.ignored_columns.is_empty() {
        out.push_str(&format!(
            "ignored non-numeric columns: {}\n",
            t.ignored_columns.join(", ")
        ));
    }
    out
}

fn describe_json(t: &Table) -> String {
    let target = match &t.target {
        Some(Target::Classes(c)) => serde_json::json!({
            "name": c.name, "kind": "classes", "classes": c.classes, "counts": c.counts(),
        }),
        Some(Target::Continuous { name, .. }) => {
            serde_json::json!({"name": name, "kind": "continuous"})
        }
        None => serde_json::Value::Null,
    };
    let value = serde_json::json!({
        "source": t.source,
        "rows": t.n_rows(),
        "features": t.feature_names,
        "target": target,
        "groups": t.groups.as_ref().map(|g| serde_json::json!({"name": g.name, "n_groups": g.names.len()})),
        "time": t.time.as_ref().map(|c| c.name.clone()),
        "ignored_columns": t.ignored_columns,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).expect("json values serialise")
    )
}
