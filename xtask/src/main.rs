//! `cargo xtask`: the workspace's task runner.
//!
//! * `list`: topics in course order.
//! * `run TOPIC`: one topic, its report written under `reports/TOPIC/`.
//! * `run-all`: every topic, all reports and `reports/index.md`; non-zero exit if a topic
//!   errors or a check fails. Timings go to `target/ml4ns-timings.json` (not committed).
//! * `gen-data [--check]`: write the synthetic cohorts under `datasets/cohorts/` and their
//!   section of `datasets/SOURCES.md`; with `--check`, regenerate in memory and fail if a
//!   committed file differs by a byte.
//! * `check-reports`: run everything in memory and fail if `reports/` differs from it.
//! * `bench [validation|models|neural|all]`: the criterion benchmarks. `validation`:
//!   splitting and metrics on 10⁶ rows. `models`: each model family fitted on 10k and 100k rows
//!   (`cargo bench -p ml4ns-models`), then, when a Python with scikit-learn is available, the
//!   scikit-learn equivalents on the same rows (`scripts/bench/sklearn_models.py`) and a table
//!   of the time ratios (also written to `target/bench/models.md`).
//! * `bench neural`: one LeNet-5 training epoch on the digits (`cargo bench -p ml4ns-neural
//!   --bench lenet`), then, when a Python with torch is available, the same epoch in PyTorch
//!   on the CPU with one thread and with its default thread count
//!   (`scripts/bench/torch_lenet.py`), and a table of the ratios (also written to
//!   `target/bench/neural.md`). `all` runs the three suites.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use clap::{Parser, Subcommand};
use ml4ns_data_io::synth;
use ml4ns_reporting::{
    render_index, render_replication, replication_json, IndexEntry, Replication,
};
use ml4ns_topics::{registry, Context, Topic};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "ml4ns task runner")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the topics in course order.
    List,
    /// Run one topic and write its report.
    Run {
        /// Topic id, e.g. 04-linear-regression.
        topic: String,
    },
    /// Run every topic, write all reports and the index.
    RunAll,
    /// Write the synthetic cohorts (or, with --check, verify the committed ones).
    GenData {
        /// Regenerate in memory and fail if a committed file differs.
        #[arg(long)]
        check: bool,
    },
    /// Run everything in memory and fail if reports/ differs from what is committed.
    CheckReports,
    /// Run the criterion benchmarks; `models` also times scikit-learn on the same rows,
    /// `neural` PyTorch on the same epoch.
    Bench {
        /// validation (splitting and metrics on 10^6 rows), models (fits on 10k/100k rows,
        /// beside scikit-learn), neural (one LeNet-5 epoch on the digits, beside PyTorch), or
        /// all.
        #[arg(value_enum, default_value_t = Suite::All)]
        suite: Suite,
        /// Row counts for the model benchmarks.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        sizes: Vec<usize>,
        /// Model families to run (default: all), e.g. ols,svm,random_forest.
        #[arg(long, value_delimiter = ',')]
        families: Vec<String>,
        /// Python with scikit-learn 1.9.1 (default: $ML4NS_PYTHON, else .venv-bench/bin/python
        /// when it exists, else python3).
        #[arg(long)]
        python: Option<String>,
        /// Python with torch for `neural` (default: $ML4NS_TORCH_PYTHON, else
        /// .venv-torch/bin/python when it exists, else python3).
        #[arg(long)]
        torch_python: Option<String>,
        /// Do not rerun our benchmarks: tabulate the criterion results already on disk (for
        /// instance to time only scikit-learn again).
        #[arg(long)]
        skip_ours: bool,
    },
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List => list(),
        Command::Run { topic } => run_one(&topic),
        Command::RunAll => run_all(),
        Command::GenData { check } => gen_data(check),
        Command::CheckReports => check_reports(),
        Command::Bench {
            suite,
            sizes,
            families,
            python,
            torch_python,
            skip_ours,
        } => {
            let validation = (matches!(suite, Suite::Validation | Suite::All) && !skip_ours)
                .then(|| cargo_bench("ml4ns-validation", "validation", &[]))
                .transpose();
            validation
                .and_then(|_| {
                    if matches!(suite, Suite::Models | Suite::All) {
                        bench_models(&sizes, &families, python.as_deref(), skip_ours)
                    } else {
                        Ok(())
                    }
                })
                .and_then(|_| {
                    if matches!(suite, Suite::Neural | Suite::All) {
                        bench_neural(torch_python.as_deref(), skip_ours)
                    } else {
                        Ok(())
                    }
                })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn list() -> Result<()> {
    let topics = registry();
    if topics.is_empty() {
        println!("no topics are registered yet");
    }
    for t in topics {
        println!("{:<32} {}", t.id, t.title);
    }
    Ok(())
}

fn find_topic(id: &str) -> Result<Topic> {
    let topics = registry();
    if let Some(t) = topics.iter().find(|t| t.id == id) {
        return Ok(*t);
    }
    if topics.is_empty() {
        bail!("unknown topic '{id}': no topics are registered yet");
    }
    let known: Vec<&str> = topics.iter().map(|t| t.id).collect();
    bail!("unknown topic '{id}'; known topics: {}", known.join(", "))
}

/// Rendered files of one run: path relative to `reports/` → contents.
type Rendered = BTreeMap<String, String>;

struct Outcome {
    entry: IndexEntry,
    replication: Vec<Replication>,
    seconds: f64,
}

fn run_topic(topic: &Topic, ctx: &Context, files: &mut Rendered) -> Outcome {
    let start = Instant::now();
    let (status, passed, total, headline, replication) = match (topic.run)(ctx) {
        Ok(report) => {
            let passed =
                report.checks_passed() + report.replication.iter().filter(|r| r.passed).count();
            let total = report.checks.len() + report.replication.len();
            for (name, contents) in report.files() {
                files.insert(format!("{}/{name}", topic.id), contents);
            }
            let status = if report.all_passed() {
                "ok".to_string()
            } else {
                "checks failed".to_string()
            };
            (
                status,
                passed,
                total,
                report.metrics.clone(),
                report.replication.clone(),
            )
        }
        Err(e) => (format!("error: {e}"), 0, 0, Vec::new(), Vec::new()),
    };
    Outcome {
        entry: IndexEntry {
            id: topic.id.into(),
            title: topic.title.into(),
            status,
            passed,
            total,
            headline,
        },
        replication,
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn render_all(progress: bool) -> (Rendered, Vec<Outcome>) {
    let ctx = Context::default();
    let topics = registry();
    let mut files = Rendered::new();
    let mut outcomes = Vec::new();
    for (i, topic) in topics.iter().enumerate() {
        if progress {
            eprintln!("[{}/{}] {}", i + 1, topics.len(), topic.id);
        }
        outcomes.push(run_topic(topic, &ctx, &mut files));
    }
    let entries: Vec<IndexEntry> = outcomes.iter().map(|o| o.entry.clone()).collect();
    files.insert("index.md".into(), render_index(&entries));
    let rows: Vec<Replication> = outcomes
        .iter()
        .flat_map(|o| o.replication.clone())
        .collect();
    files.insert("replication.md".into(), render_replication(&rows));
    files.insert("replication.json".into(), replication_json(&rows));
    (files, outcomes)
}

fn write_files(dir: &Path, files: &Rendered) -> Result<()> {
    for (rel, contents) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        write_atomic(&path, contents.as_bytes())?;
    }
    Ok(())
}

/// Write through a temporary file and rename, so a failure never leaves half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp-xtask");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

fn summarise(outcomes: &[Outcome]) -> Result<()> {
    if outcomes.is_empty() {
        eprintln!("no topics are registered yet; wrote reports/index.md");
        return Ok(());
    }
    eprintln!("\n{:<32} {:>8} {:>9}  status", "topic", "checks", "seconds");
    for o in outcomes {
        eprintln!(
            "{:<32} {:>8} {:>9.2}  {}",
            o.entry.id,
            format!("{}/{}", o.entry.passed, o.entry.total),
            o.seconds,
            o.entry.status
        );
    }
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.entry.status != "ok")
        .map(|o| o.entry.id.as_str())
        .collect();
    if !failed.is_empty() {
        bail!("{} topic(s) failed: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

fn write_timings(outcomes: &[Outcome]) -> Result<()> {
    let dir = root().join("target");
    std::fs::create_dir_all(&dir)?;
    let body: Vec<String> = outcomes
        .iter()
        .map(|o| format!("  \"{}\": {:.3}", o.entry.id, o.seconds))
        .collect();
    let json = format!("{{\n{}\n}}\n", body.join(",\n"));
    write_atomic(&dir.join("ml4ns-timings.json"), json.as_bytes())
}

fn run_one(id: &str) -> Result<()> {
    let topic = find_topic(id)?;
    let mut files = Rendered::new();
    let outcome = run_topic(&topic, &Context::default(), &mut files);
    write_files(&root().join("reports"), &files)?;
    summarise(std::slice::from_ref(&outcome))
}

fn run_all() -> Result<()> {
    let (files, outcomes) = render_all(true);
    write_files(&root().join("reports"), &files)?;
    write_timings(&outcomes)?;
    summarise(&outcomes)
}

fn check_reports() -> Result<()> {
    let (files, outcomes) = render_all(false);
    let dir = root().join("reports");
    let mut problems = Vec::new();
    for (rel, contents) in &files {
        match std::fs::read_to_string(dir.join(rel)) {
            Ok(on_disk) if on_disk == *contents => {}
            Ok(_) => problems.push(format!("reports/{rel} differs from a fresh run")),
            Err(_) => problems.push(format!("reports/{rel} is missing")),
        }
    }
    for rel in list_files(&dir)? {
        if !files.contains_key(&rel) {
            problems.push(format!("reports/{rel} is not produced by any topic"));
        }
    }
    if !problems.is_empty() {
        bail!(
            "reports/ is out of date (run `cargo xtask run-all` and commit):\n  {}",
            problems.join("\n  ")
        );
    }
    summarise(&outcomes)?;
    eprintln!("reports/ matches a fresh run ({} files)", files.len());
    Ok(())
}

/// Files under `dir`, relative, with `/` separators, sorted.
fn list_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir");
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Which benchmarks `cargo xtask bench` runs.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Suite {
    Validation,
    Models,
    Neural,
    All,
}

fn cargo_bench(package: &str, bench: &str, env: &[(&str, String)]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root())
        .args(["bench", "-p", package, "--bench", bench])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .status()
        .context("running cargo bench")?;
    if !status.success() {
        bail!("cargo bench -p {package} failed ({status})");
    }
    Ok(())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// Model fits: ours through criterion, scikit-learn's through the Python script, one table.
fn bench_models(
    sizes: &[usize],
    families: &[String],
    python: Option<&str>,
    skip_ours: bool,
) -> Result<()> {
    let data = target_dir().join("bench").join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data).with_context(|| format!("clearing {}", data.display()))?;
    }
    std::fs::create_dir_all(&data)?;
    for &n in sizes {
        for (kind, classification) in [("classification", true), ("regression", false)] {
            let path = data.join(format!("{kind}_{n}.csv"));
            std::fs::write(&path, synth::benchmark(n, classification, 0).to_csv())
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    let sizes_text = sizes
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut env = vec![("ML4NS_BENCH_SIZES", sizes_text)];
    if !families.is_empty() {
        env.push(("ML4NS_BENCH_FAMILIES", families.join(",")));
    }
    if !skip_ours {
        cargo_bench("ml4ns-models", "models", &env)?;
    }

    // Ours: criterion's median of each fit/<family>/<n>.
    let mut ours: BTreeMap<(String, usize), f64> = BTreeMap::new();
    let criterion = target_dir().join("criterion").join("fit");
    for family in
        std::fs::read_dir(&criterion).with_context(|| format!("reading {}", criterion.display()))?
    {
        let family = family?;
        let name = family.file_name().to_string_lossy().into_owned();
        if !families.is_empty() && !families.contains(&name) {
            continue;
        }
        for &n in sizes {
            let est = family
                .path()
                .join(n.to_string())
                .join("new")
                .join("estimates.json");
            let Ok(text) = std::fs::read_to_string(&est) else {
                continue;
            };
            let v: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", est.display()))?;
            if let Some(ns) = v["median"]["point_estimate"].as_f64() {
                ours.insert((name.clone(), n), ns * 1e-9);
            }
        }
    }

    // scikit-learn's, if a Python with it is at hand.
    let python = python
        .map(str::to_string)
        .or_else(|| std::env::var("ML4NS_PYTHON").ok())
        .unwrap_or_else(|| {
            let venv = root().join(".venv-bench/bin/python");
            if venv.exists() {
                venv.to_string_lossy().into_owned()
            } else {
                "python3".into()
            }
        });
    let has_sklearn = std::process::Command::new(&python)
        .args(["-c", "import sklearn"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let mut sklearn: BTreeMap<(String, usize), f64> = BTreeMap::new();
    if has_sklearn {
        let mut cmd = std::process::Command::new(&python);
        cmd.current_dir(root())
            .arg("scripts/bench/sklearn_models.py")
            .arg(&data);
        if !families.is_empty() {
            cmd.args(["--families", &families.join(",")]);
        }
        let out = cmd
            .stderr(std::process::Stdio::inherit())
            .output()
            .context("running scripts/bench/sklearn_models.py")?;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("unexpected line from the scikit-learn script: {line}"))?;
            let (Some(bench), Some(secs)) = (v["bench"].as_str(), v["sklearn_seconds"].as_f64())
            else {
                continue;
            };
            if let Some((family, n)) = bench.split_once('/') {
                if let Ok(n) = n.parse() {
                    sklearn.insert((family.to_string(), n), secs);
                }
            }
        }
        if !out.status.success() {
            eprintln!("warning: the scikit-learn script failed for some families (see above)");
        }
    } else {
        eprintln!(
            "note: no scikit-learn for {python}; for the comparison run\n  python3 -m venv .venv-bench && .venv-bench/bin/pip install -r scripts/bench/requirements.txt"
        );
    }

    let mut table = String::from(
        "| family | rows | ml4ns (s) | scikit-learn (s) | ml4ns / scikit-learn |\n|---|---:|---:|---:|---:|\n",
    );
    for ((family, n), t) in &ours {
        let (sk, ratio) = match sklearn.get(&(family.clone(), *n)) {
            Some(s) => (format!("{s:.4}"), format!("{:.2}", t / s)),
            None => ("–".into(), "–".into()),
        };
        table.push_str(&format!("| {family} | {n} | {t:.4} | {sk} | {ratio} |\n"));
    }
    println!("\n{table}");
    let out = target_dir().join("bench").join("models.md");
    std::fs::write(&out, &table).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "written to {} (medians; whole fits, data in memory)",
        out.display()
    );
    Ok(())
}

/// Criterion's median estimate (in seconds) for `group/bench`, if that benchmark has run.
fn criterion_median(group: &str, bench: &str) -> Result<Option<f64>> {
    let est = target_dir()
        .join("criterion")
        .join(group)
        .join(bench)
        .join("new")
        .join("estimates.json");
    let Ok(text) = std::fs::read_to_string(&est) else {
        return Ok(None);
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", est.display()))?;
    Ok(v["median"]["point_estimate"].as_f64().map(|ns| ns * 1e-9))
}

/// One row of the LeNet-5 comparison: who, threads, wall and CPU seconds per epoch.
struct EpochRow {
    label: String,
    threads: String,
    wall: f64,
    cpu: Option<f64>,
}

/// One LeNet-5 epoch on the digits: ours through criterion (wall clock and, on Linux, the
/// thread's CPU time), PyTorch's through `scripts/bench/torch_lenet.py`, one table.
fn bench_neural(python: Option<&str>, skip_ours: bool) -> Result<()> {
    if !skip_ours {
        cargo_bench("ml4ns-neural", "lenet", &[])?;
    }
    let Some(ours_wall) = criterion_median("lenet5", "digits_epoch")? else {
        bail!("no criterion result for lenet5/digits_epoch: run `cargo xtask bench neural`");
    };
    let ours = EpochRow {
        label: "ml4ns-neural (burn flex)".into(),
        threads: "1".into(),
        wall: ours_wall,
        cpu: criterion_median("lenet5_cpu", "digits_epoch")?,
    };

    let python = python
        .map(str::to_string)
        .or_else(|| std::env::var("ML4NS_TORCH_PYTHON").ok())
        .unwrap_or_else(|| {
            let venv = root().join(".venv-torch/bin/python");
            if venv.exists() {
                venv.to_string_lossy().into_owned()
            } else {
                "python3".into()
            }
        });
    let has_torch = std::process::Command::new(&python)
        .args(["-c", "import torch"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let mut rows = vec![ours];
    if has_torch {
        let out = std::process::Command::new(&python)
            .current_dir(root())
            .arg("scripts/bench/torch_lenet.py")
            .stderr(std::process::Stdio::inherit())
            .output()
            .context("running scripts/bench/torch_lenet.py")?;
        if !out.status.success() {
            bail!("scripts/bench/torch_lenet.py failed ({})", out.status);
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("unexpected line from the torch script: {line}"))?;
            let (Some(wall), Some(threads)) = (v["torch_seconds"].as_f64(), v["threads"].as_u64())
            else {
                continue;
            };
            let version = v["torch"].as_str().unwrap_or("?");
            let threads = if v["default_threads"].as_bool() == Some(true) {
                format!("{threads} (default)")
            } else {
                threads.to_string()
            };
            rows.push(EpochRow {
                label: format!("PyTorch {version}"),
                threads,
                wall,
                cpu: v["cpu_seconds"].as_f64(),
            });
        }
    } else {
        eprintln!(
            "note: no torch for {python}; for the comparison run\n  python3 -m venv .venv-torch && .venv-torch/bin/pip install -r scripts/bench/requirements-torch.txt\n(PyPI's Linux wheel brings CUDA libraries: about 3 GB to download; nothing else needs torch)"
        );
    }

    let cell = |x: Option<f64>| x.map_or("–".into(), |x| format!("{x:.4}"));
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "–".into(),
    };
    let mut table = String::from(
        "| implementation | threads | epoch, wall (s) | epoch, CPU (s) | ml4ns / this, wall | ml4ns / this, CPU |\n|---|---|---:|---:|---:|---:|\n",
    );
    for row in &rows {
        table.push_str(&format!(
            "| {} | {} | {:.4} | {} | {} | {} |\n",
            row.label,
            row.threads,
            row.wall,
            cell(row.cpu),
            ratio(Some(rows[0].wall), Some(row.wall)),
            ratio(rows[0].cpu, row.cpu),
        ));
    }
    table.push_str(
        "\nOne epoch of LeNet-5 on the first 1,437 digits (32×32, batches of 32, Adam 1e-3), \
         from a fresh network; medians. CPU: the thread's CPU time for ml4ns, the process's \
         (all threads) for PyTorch.\n",
    );
    println!("\n{table}");
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let out = dir.join("neural.md");
    std::fs::write(&out, &table).with_context(|| format!("writing {}", out.display()))?;
    println!("written to {}", out.display());
    Ok(())
}

const SOURCES_BEGIN: &str = "<!-- cohorts:begin (generated by `cargo xtask gen-data`) -->";
const SOURCES_END: &str = "<!-- cohorts:end -->";

/// The cohort files and the regenerated `datasets/SOURCES.md`.
fn cohort_files() -> Result<Rendered> {
    let mut files = Rendered::new();
    let mut section = format!(
        "{SOURCES_BEGIN}\n\nGenerated by `cargo xtask gen-data` from `ml4ns_data_io::synth` with seed {}; \
         `cargo xtask gen-data --check` proves each file regenerates byte for byte. The data are \
         synthetic: no row is a real person.\n\n| file | sha256 | rows | columns | target | groups | time |\n|---|---|---|---|---|---|---|\n",
        synth::COMMITTED_SEED
    );
    let mut processes = String::new();
    for cohort in synth::committed() {
        let csv = cohort.to_csv();
        let file = format!("cohorts/{}.csv", cohort.name);
        section.push_str(&format!(
            "| `{file}` | `{}` | {} | {} | `{}` | {} | {} |\n",
            sha256_hex(csv.as_bytes()),
            cohort.n_rows(),
            cohort.columns.len(),
            cohort.spec.target.as_deref().unwrap_or("-"),
            cohort
                .spec
                .groups
                .as_deref()
                .map_or("-".into(), |g| format!("`{g}`")),
            cohort
                .spec
                .time
                .as_deref()
                .map_or("-".into(), |t| format!("`{t}`")),
        ));
        let columns: Vec<&str> = cohort.columns.iter().map(|c| c.name()).collect();
        processes.push_str(&format!(
            "\n### {}\n\n{}\n\nColumns: {}.\n",
            cohort.name,
            cohort.description,
            columns
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        files.insert(file, csv);
    }
    section.push_str(&format!(
        "\nThe full generating process of each cohort is documented on its generator in \
         `crates/data-io/src/synth/cohorts.rs`; in short:\n{processes}\n{SOURCES_END}"
    ));
    let sources_path = root().join("datasets/SOURCES.md");
    let sources = std::fs::read_to_string(&sources_path)
        .with_context(|| format!("reading {}", sources_path.display()))?;
    let updated = match (sources.find(SOURCES_BEGIN), sources.find(SOURCES_END)) {
        (Some(b), Some(e)) if b < e => format!(
            "{}{}{}",
            &sources[..b],
            section,
            &sources[e + SOURCES_END.len()..]
        ),
        _ => bail!(
            "{} has no generated-cohorts markers ({SOURCES_BEGIN} ... {SOURCES_END})",
            sources_path.display()
        ),
    };
    files.insert("SOURCES.md".into(), updated);
    Ok(files)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn gen_data(check: bool) -> Result<()> {
    let files = cohort_files()?;
    let dir = root().join("datasets");
    if !check {
        write_files(&dir, &files)?;
        for rel in files.keys() {
            eprintln!("wrote datasets/{rel}");
        }
        return Ok(());
    }
    let mut problems = Vec::new();
    for (rel, contents) in &files {
        match std::fs::read(dir.join(rel)) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(bytes) => {
                let line = first_difference(&bytes, contents.as_bytes());
                problems.push(format!("datasets/{rel} differs (first at line {line})"))
            }
            Err(e) => problems.push(format!("datasets/{rel}: {e}")),
        }
    }
    if !problems.is_empty() {
        bail!(
            "committed data do not match the generators (run `cargo xtask gen-data`):\n  {}",
            problems.join("\n  ")
        );
    }
    eprintln!("{} generated files match byte for byte", files.len());
    Ok(())
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    1 + a[..at].iter().filter(|&&c| c == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_topic_is_a_clear_error() {
        let msg = find_topic("99-nope").unwrap_err().to_string();
        assert!(msg.contains("unknown topic '99-nope'"), "{msg}");
    }

    #[test]
    fn first_difference_reports_the_line() {
        assert_eq!(first_difference(b"a\nb\nc\n", b"a\nb\nx\n"), 3);
        assert_eq!(first_difference(b"a\n", b"a\nb\n"), 2);
    }

    #[test]
    fn generated_files_cover_every_cohort_and_sources() {
        let files = cohort_files().unwrap();
        assert!(files.contains_key("SOURCES.md"));
        for cohort in synth::committed() {
            assert!(files.contains_key(&format!("cohorts/{}.csv", cohort.name)));
        }
        let sources = &files["SOURCES.md"];
        assert_eq!(sources.matches(SOURCES_BEGIN).count(), 1);
        assert!(sources.contains("## Classic datasets"));
    }

    #[test]
    fn report_file_listing_is_relative_and_sorted() {
        let dir = tempfile_dir();
        std::fs::create_dir_all(dir.join("b")).unwrap();
        std::fs::write(dir.join("b/x.md"), "").unwrap();
        std::fs::write(dir.join("a.md"), "").unwrap();
        assert_eq!(list_files(&dir).unwrap(), ["a.md", "b/x.md"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
