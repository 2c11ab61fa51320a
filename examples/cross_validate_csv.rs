//! Cross-validate a model on your own CSV with subject-grouped folds.
//!
//! ```sh
//! cargo run --example cross_validate_csv -- my_study.csv diagnosis subject_id
//! ```
//!
//! Without arguments it uses the repository's synthetic in-home monitoring cohort
//! (`datasets/cohorts/inhome_monitoring.csv`, target `agitation`, subjects `patient_id`).
//! Folds are scikit-learn's `StratifiedGroupKFold` (same rows as Python for the same
//! `random_state`): no subject is ever on both sides of a split. Scaling is fitted inside each
//! training fold.

use ml4ns::data_io::{read_csv, TableSpec};
use ml4ns::models::{Model, Pipeline, Scaling};
use ml4ns::validation::selection::{cross_validate, splits_for, Scoring};
use ml4ns::validation::Cv;

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/cohorts/inhome_monitoring.csv"
    );
    let path = args.first().map_or(default, String::as_str);
    let target = args.get(1).map_or("agitation", String::as_str);
    let groups = args.get(2).map_or("patient_id", String::as_str);

    // Explicit roles: the target, the subject ids; every other numeric column is a feature
    // (text columns such as sex are skipped and listed in `ignored_columns`).
    let mut spec = TableSpec::new().class_target(target).groups(groups);
    if args.is_empty() {
        spec = spec.drop(["day"]);
    }
    let table = read_csv(path, &spec)?;
    println!(
        "{path}: {} rows, {} features, {} subjects (ignored: {:?})",
        table.n_rows(),
        table.feature_names.len(),
        table.groups.as_ref().map_or(0, |g| g.names.len()),
        table.ignored_columns
    );

    let cv = Cv::parse("stratified_group_kfold:n_splits=5,shuffle=true,random_state=0")?;
    let splits = splits_for(&cv, &table)?;
    let model = Pipeline::new(Model::parse("logistic:c=1.0,class_weight=balanced")?)
        .scaling(Scaling::Standard);
    let scoring = [Scoring::BalancedAccuracy, Scoring::Recall, Scoring::RocAuc];
    let result = cross_validate(&model, &table, &splits, &scoring)?;

    println!("fold  train  test  balanced_accuracy  recall  roc_auc");
    for (k, (split, fold)) in splits.iter().zip(&result.folds).enumerate() {
        println!(
            "{k:>4}  {:>5}  {:>4}  {:>17.3}  {:>6.3}  {:>7.3}",
            split.train.len(),
            split.test.len(),
            fold.test[&Scoring::BalancedAccuracy],
            fold.test[&Scoring::Recall],
            fold.test[&Scoring::RocAuc]
        );
    }
    for s in scoring {
        let (mean, sd) = result.mean_std(s);
        println!("{}: {mean:.3} ± {sd:.3}", s.name());
    }
    Ok(())
}
