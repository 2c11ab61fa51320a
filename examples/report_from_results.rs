//! Build a deterministic report (Markdown, JSON, SVG) from your own results.
//!
//! ```sh
//! cargo run --example report_from_results -- out_dir
//! ```
//!
//! Here the "results" are per-fold scores of two models cross-validated on a synthetic
//! data set; with your own numbers only the first block changes. The files are byte-identical
//! on every run, so they can be committed and diffed.

use ml4ns::data_io::synth;
use ml4ns::models::Model;
use ml4ns::reporting::figure::{LineOptions, Series};
use ml4ns::reporting::{fixed, Check, Figure, Metric, Report, Section, Table};
use ml4ns::validation::selection::{cross_validate, mean_std, splits_for, Scoring};
use ml4ns::validation::Cv;

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let out = std::env::args().nth(1).map_or_else(
        || std::env::temp_dir().join("ml4ns-example-report"),
        std::path::PathBuf::from,
    );

    // 1. Your results: here, 5-fold balanced accuracy of two models on noisy two moons.
    let table = synth::moons(500, 0.3, 7).table()?;
    let splits = splits_for(&Cv::parse("stratified_kfold:n_splits=5")?, &table)?;
    let mut results = Vec::new();
    for spec in ["logistic:c=1.0", "decision_tree:max_depth=3"] {
        let cv = cross_validate(
            &Model::parse(spec)?,
            &table,
            &splits,
            &[Scoring::BalancedAccuracy],
        )?;
        results.push((spec, cv.test_scores(Scoring::BalancedAccuracy)));
    }

    // 2. The report.
    let mut report = Report::new(
        "example",
        "Two models on noisy two moons",
        "Which model separates the two moons better under 5-fold stratified CV?",
    );
    report.data = "Synthetic two moons: 500 points, noise 0.3, seed 7.".into();
    let mut t = Table::new(["model", "fold scores", "mean ± sd"]);
    let mut series = Vec::new();
    for (spec, scores) in &results {
        let (mean, sd) = mean_std(scores);
        report
            .metrics
            .push(Metric::new(format!("{spec} balanced accuracy"), mean, 3));
        let folds: Vec<String> = scores.iter().map(|s| fixed(*s, 3)).collect();
        t.push([
            spec.to_string(),
            folds.join(", "),
            format!("{} ± {}", fixed(mean, 3), fixed(sd, 3)),
        ]);
        let points = scores
            .iter()
            .enumerate()
            .map(|(k, s)| (k as f64 + 1.0, *s))
            .collect();
        series.push(Series::new(*spec, points));
        report.checks.push(Check::at_least(
            format!("{spec} beats chance"),
            mean,
            0.5,
            3,
        ));
    }
    let figure = Figure::lines(
        "Balanced accuracy by fold",
        "fold",
        "balanced accuracy",
        &series,
        LineOptions {
            markers: true,
            ..Default::default()
        },
    );
    report.sections.push(
        Section::new("Cross-validation")
            .para("Each model is fitted on four folds and scored on the fifth.")
            .table(t)
            .figure("folds", "Balanced accuracy of each fold.", figure),
    );

    // 3. Write it.
    std::fs::create_dir_all(&out)?;
    for (name, contents) in report.files() {
        std::fs::write(out.join(&name), contents)?;
        println!("wrote {}", out.join(&name).display());
    }
    println!(
        "{}/{} checks passed",
        report.checks_passed(),
        report.checks.len()
    );
    Ok(())
}
