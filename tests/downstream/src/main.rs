//! Load a CSV with subject ids, make scikit-learn's StratifiedGroupKFold folds, and score a
//! trivial per-fold classifier (the training fold's majority class, then a one-feature
//! threshold) with the validation crate's metrics.
//!
//! Usage: `ml4ns-downstream-check FILE.csv TARGET GROUPS` (default: the committed in-home
//! monitoring cohort, `agitation`, `patient_id`).

use std::process::ExitCode;

use ml4ns_data_io::{read_csv, TableSpec};
use ml4ns_validation::{metrics, Cv};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../datasets/cohorts/inhome_monitoring.csv"
    );
    let path = args.first().map_or(default, String::as_str);
    let target = args.get(1).map_or("agitation", String::as_str);
    let groups = args.get(2).map_or("patient_id", String::as_str);

    let spec = TableSpec::new()
        .class_target(target)
        .groups(groups)
        .drop(["day", "age_band", "sex"]);
    let table = read_csv(path, &spec)?;
    let y = table
        .class_target()
        .ok_or("the table has no class target")?
        .codes
        .to_vec();
    let subject = table.groups.as_ref().ok_or("no groups")?.ids.to_vec();
    println!(
        "{}: {} rows, {} features, {} subjects",
        path,
        table.n_rows(),
        table.feature_names.len(),
        subject.iter().max().map_or(0, |m| m + 1)
    );

    let cv = Cv::parse("stratified_group_kfold:n_splits=5,shuffle=true,random_state=0")?;
    let splits = cv.split(table.n_rows(), Some(&y), Some(&subject))?;
    // One feature, thresholded at its training-fold mean: the direction and feature that
    // separate the training fold best (balanced accuracy).
    let mut scores = Vec::new();
    for (k, split) in splits.iter().enumerate() {
        if split
            .test
            .iter()
            .any(|&t| split.train.iter().any(|&r| subject[r] == subject[t]))
        {
            return Err(format!("fold {k} has a subject on both sides").into());
        }
        let y_train: Vec<usize> = split.train.iter().map(|&i| y[i]).collect();
        let mut best = (f64::NEG_INFINITY, 0, 0.0, false);
        for j in 0..table.feature_names.len() {
            let col = table.x.column(j);
            let mean = split.train.iter().map(|&i| col[i]).sum::<f64>() / split.train.len() as f64;
            for above in [true, false] {
                let pred: Vec<usize> = split
                    .train
                    .iter()
                    .map(|&i| usize::from((col[i] > mean) == above))
                    .collect();
                let ba = metrics::balanced_accuracy(&y_train, &pred)?;
                if ba > best.0 {
                    best = (ba, j, mean, above);
                }
            }
        }
        let (_, j, mean, above) = best;
        let y_test: Vec<usize> = split.test.iter().map(|&i| y[i]).collect();
        let pred: Vec<usize> = split
            .test
            .iter()
            .map(|&i| usize::from((table.x[[i, j]] > mean) == above))
            .collect();
        let ba = metrics::balanced_accuracy(&y_test, &pred)?;
        println!(
            "fold {k}: {} train / {} test rows, feature {}, balanced accuracy {ba:.3}",
            split.train.len(),
            split.test.len(),
            table.feature_names[j]
        );
        scores.push(ba);
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    println!(
        "mean balanced accuracy over {} folds: {mean:.3}",
        scores.len()
    );
    Ok(())
}
