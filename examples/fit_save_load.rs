//! Fit a model on one file, save it as JSON, load it back and predict new rows.
//!
//! ```sh
//! cargo run --example fit_save_load -- train.csv diagnosis model.json
//! ```
//!
//! Without arguments it trains a random forest on the repository's synthetic dementia-severity
//! cohort (`datasets/cohorts/dementia_severity.csv`, target `severity`) and writes the model to
//! a temporary directory. The loaded model predicts exactly what the fitted one did.

use ml4ns::data_io::{read_csv, TableSpec};
use ml4ns::models::{Model, Pipeline, SavedModel, Scaling};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/cohorts/dementia_severity.csv"
    );
    let path = args.first().map_or(default, String::as_str);
    let target = args.get(1).map_or("severity", String::as_str);
    let out = args.get(2).map_or_else(
        || std::env::temp_dir().join("ml4ns-example-model.json"),
        std::path::PathBuf::from,
    );

    let mut spec = TableSpec::new().class_target(target);
    if args.is_empty() {
        spec = spec.drop(["participant_id", "visit", "month"]);
    }
    let table = read_csv(path, &spec)?;
    let model_spec = "random_forest:n_trees=50,max_depth=8,seed=0";
    let fitted = Pipeline::new(Model::parse(model_spec)?)
        .scaling(Scaling::Standard)
        .fit(&table)?;

    let saved = SavedModel::new(
        model_spec.into(),
        "standard".into(),
        &table,
        fitted.as_ref(),
    );
    std::fs::write(&out, saved.to_json())?;
    println!(
        "saved {} ({} features) to {}",
        model_spec,
        saved.feature_names.len(),
        out.display()
    );

    let text = std::fs::read_to_string(&out)?;
    let loaded = SavedModel::from_json(&text, &out.display().to_string())?;
    let classes = loaded.classes.clone().unwrap_or_default();
    let restored = loaded.model.into_fitted()?;

    let before = fitted.predict(table.x.view())?;
    let after = restored.predict(table.x.view())?;
    if before != after {
        return Err("the loaded model predicts differently".into());
    }
    let codes = table
        .class_target()
        .ok_or("no class target")?
        .codes
        .to_vec();
    let correct = codes
        .iter()
        .zip(after.iter())
        .filter(|(&c, &p)| c as f64 == p)
        .count();
    println!(
        "loaded model: identical predictions on {} rows; training accuracy {:.3}",
        after.len(),
        correct as f64 / after.len() as f64
    );
    for (row, p) in after.iter().take(3).enumerate() {
        let name = classes.get(*p as usize).map_or("?", String::as_str);
        println!("row {row}: predicted {target} = {name}");
    }
    Ok(())
}
