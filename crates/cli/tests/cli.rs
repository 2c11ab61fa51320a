//! The `ml4ns` binary as users call it: output, exit codes, and errors that name the problem.

mod harness;
use harness::{ml4ns, predicate};

fn cohort(name: &str) -> String {
    format!(
        "{}/../../datasets/cohorts/{name}.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn inspect_describes_a_cohort() {
    ml4ns()
        .args(["inspect", "--data", &cohort("inhome_monitoring")])
        .args([
            "--target",
            "agitation",
            "--groups",
            "patient_id",
            "--time",
            "day",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("5400 rows, 39 features"))
        .stdout(predicate::str::contains("groups: patient_id (60 groups)"))
        .stdout(predicate::str::contains(
            "ignored non-numeric columns: age_band, sex",
        ));
}

#[test]
fn inspect_json_is_machine_readable() {
    let out = ml4ns()
        .args([
            "inspect",
            "--data",
            &cohort("dementia_severity"),
            "--target",
            "severity",
        ])
        .args([
            "--groups",
            "participant_id",
            "--drop",
            "visit",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["target"]["kind"], "classes");
    assert_eq!(v["target"]["classes"].as_array().unwrap().len(), 5);
    assert!(!v["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "visit"));
}

#[test]
fn data_errors_exit_1_and_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "x,score,y\n1,2,0\n2,oops,1\n3,4,0\n").unwrap();
    ml4ns()
        .args(["inspect", "--data", path.to_str().unwrap(), "--target", "y"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("bad.csv"))
        .stderr(predicate::str::contains("column 'score'"))
        .stderr(predicate::str::contains("row 2 (line 3)"));
    ml4ns()
        .args([
            "inspect",
            "--data",
            path.to_str().unwrap(),
            "--target",
            "label",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("available columns: x, score, y"));
    ml4ns()
        .args(["inspect", "--data", "/no/such/file.csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/no/such/file.csv"));
}

#[test]
fn usage_errors_exit_2() {
    ml4ns().args(["inspect"]).assert().code(2);
    ml4ns()
        .args(["inspect", "--data", "x.csv", "--impute", "sometimes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("drop_rows"));
    ml4ns().args(["frobnicate"]).assert().code(2);
}

#[test]
fn impute_policy_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gaps.csv");
    std::fs::write(&path, "x,y\n1,0\n,1\n3,0\n4,1\n").unwrap();
    let p = path.to_str().unwrap();
    ml4ns()
        .args(["inspect", "--data", p, "--target", "y"])
        .assert()
        .code(1);
    ml4ns()
        .args([
            "inspect",
            "--data",
            p,
            "--target",
            "y",
            "--impute",
            "drop_rows",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 rows"));
    ml4ns()
        .args(["inspect", "--data", p, "--target", "y", "--impute", "mean"])
        .assert()
        .success()
        .stdout(predicate::str::contains("4 rows"));
}

#[test]
fn topics_lists_the_registry() {
    let expected = ml4ns_topics::registry().len();
    let out = ml4ns()
        .args(["topics", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), expected);
}

#[test]
fn split_prints_group_respecting_folds_as_json() {
    let out = ml4ns()
        .args([
            "split",
            "--data",
            &cohort("dementia_severity"),
            "--target",
            "severity",
        ])
        .args([
            "--groups",
            "participant_id",
            "--cv",
            "group_kfold:n_splits=4",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("[{\"train\":["), "{}", &text[..40]);
    let folds: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(folds.len(), 4);
    // Rows of one participant (the CSV's participant_id column) never straddle train and test.
    let csv = std::fs::read_to_string(cohort("dementia_severity")).unwrap();
    let ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut tested = vec![0; ids.len()];
    for fold in &folds {
        let side = |k: &str| -> Vec<usize> {
            fold[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect()
        };
        let (train, test) = (side("train"), side("test"));
        assert_eq!(train.len() + test.len(), ids.len());
        for &t in &test {
            tested[t] += 1;
            assert!(train.iter().all(|&r| ids[r] != ids[t]));
        }
    }
    assert!(
        tested.iter().all(|&n| n == 1),
        "every row tested exactly once"
    );
}

#[test]
fn split_errors_name_the_problem() {
    let data = cohort("cognitive_risk");
    ml4ns()
        .args(["split", "--data", &data, "--cv", "kfold:n_split=3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown key 'n_split'"))
        .stderr(predicate::str::contains(
            "valid keys: n_splits, shuffle, random_state",
        ));
    ml4ns()
        .args(["split", "--data", &data, "--cv", "group_kfold:n_splits=3"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs groups"));
    ml4ns()
        .args([
            "split",
            "--data",
            &data,
            "--cv",
            "kfold:n_splits=3,random_state=1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shuffle is false"));
}

#[test]
fn predefined_split_reads_its_fold_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.csv");
    std::fs::write(&path, "x,fold\n1,0\n2,1\n3,-1\n4,0\n5,1\n").unwrap();
    ml4ns()
        .args(["split", "--data", path.to_str().unwrap()])
        .args(["--cv", "predefined_split:column=fold", "--format", "json"])
        .assert()
        .success()
        .stdout("[{\"train\":[1,2,4],\"test\":[0,3]},{\"train\":[0,2,3],\"test\":[1,4]}]\n");
}

#[test]
fn metrics_prints_scikit_learn_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    // scikit-learn: accuracy 0.6, precision 2/3, recall 2/3, specificity 0.5, ROC AUC 5/6.
    std::fs::write(
        &path,
        "y,yhat,score\n1,1,0.9\n0,0,0.2\n1,0,0.4\n0,1,0.6\n1,1,0.8\n",
    )
    .unwrap();
    let out = ml4ns()
        .args([
            "metrics",
            "--data",
            path.to_str().unwrap(),
            "--y-true",
            "y",
            "--y-pred",
            "yhat",
        ])
        .args(["--y-score", "score", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let close = |k: &str, x: f64| (v[k].as_f64().unwrap() - x).abs() < 1e-12;
    assert!(close("accuracy", 0.6));
    assert!(close("precision", 2.0 / 3.0) && close("recall", 2.0 / 3.0));
    assert!(close("sensitivity", 2.0 / 3.0) && close("specificity", 0.5));
    assert!(close("roc_auc", 5.0 / 6.0));
    assert_eq!(v["confusion_matrix"], serde_json::json!([[1, 1], [1, 2]]));
    // Text output is scikit-learn's classification_report first.
    ml4ns()
        .args([
            "metrics",
            "--data",
            path.to_str().unwrap(),
            "--y-true",
            "y",
            "--y-pred",
            "yhat",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "              precision    recall  f1-score   support\n",
        ));
    // Regression.
    std::fs::write(&path, "y,yhat\n1,1.5\n2,2\n3,2.5\n").unwrap();
    let out = ml4ns()
        .args([
            "metrics",
            "--data",
            path.to_str().unwrap(),
            "--y-true",
            "y",
            "--y-pred",
            "yhat",
        ])
        .args(["--task", "regression", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((v["mae"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert!((v["r2"].as_f64().unwrap() - 0.75).abs() < 1e-12);
    // A missing prediction names its column and row.
    std::fs::write(&path, "y,yhat\n1,1\n0,\n").unwrap();
    ml4ns()
        .args([
            "metrics",
            "--data",
            path.to_str().unwrap(),
            "--y-true",
            "y",
            "--y-pred",
            "yhat",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "column 'yhat' (y_pred) has a missing value at row 2",
        ));
}

/// The UCI Parkinson's voice file with a `subject` column derived from `name`
/// (`phon_R01_S01_1` → `S01`), written to a temp dir. `None` when `../shared/data` is absent.
fn parkinsons_with_subjects(dir: &std::path::Path) -> Option<String> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/uci_parkinsons/parkinsons.csv");
    let text = std::fs::read_to_string(&src).ok()?;
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let subject = if i == 0 {
            "subject"
        } else {
            line.split('_').nth(2).unwrap()
        };
        out.push_str(&format!("{subject},{line}\n"));
    }
    let path = dir.join("parkinsons_subjects.csv");
    std::fs::write(&path, out).unwrap();
    Some(path.to_str().unwrap().to_string())
}

fn cv_json(args: &[&str]) -> serde_json::Value {
    let out = ml4ns()
        .args(["cv", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Subject-grouped CV scores lower than record-wise CV on real data with several
/// recordings per person: the leak that grouped splitting removes.
#[test]
fn subject_grouped_cv_scores_lower_than_record_wise_on_parkinsons() {
    let dir = tempfile::tempdir().unwrap();
    let Some(data) = parkinsons_with_subjects(dir.path()) else {
        eprintln!("skipped: ../shared/data not present");
        return;
    };
    let common = [
        "--data", &data, "--target", "status", "--model", "knn:k=5", "--scale", "standard",
    ];
    let record_wise = cv_json(
        &[
            &common[..],
            &[
                "--drop",
                "name,subject",
                "--cv",
                "stratified_kfold:n_splits=5,shuffle=true,random_state=0",
            ],
        ]
        .concat(),
    );
    let grouped = cv_json(
        &[
            &common[..],
            &[
                "--drop",
                "name",
                "--groups",
                "subject",
                "--cv",
                "stratified_group_kfold:n_splits=5",
            ],
        ]
        .concat(),
    );
    let acc = |v: &serde_json::Value| v["mean"]["accuracy"].as_f64().unwrap();
    let auc = |v: &serde_json::Value| v["mean"]["roc_auc"].as_f64().unwrap();
    assert!(
        acc(&grouped) + 0.05 < acc(&record_wise),
        "accuracy {} vs {}",
        acc(&grouped),
        acc(&record_wise)
    );
    assert!(
        auc(&grouped) < auc(&record_wise),
        "roc_auc {} vs {}",
        auc(&grouped),
        auc(&record_wise)
    );
    assert_eq!(grouped["folds"].as_array().unwrap().len(), 5);
    assert_eq!(grouped["model"], "knn:k=5,k_max=30,weights=uniform");
    // Without --groups the id-like columns are pointed out.
    ml4ns()
        .args([
            "cv", "--data", &data, "--target", "status", "--drop", "name", "--model", "knn",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "column 'subject' looks like a subject/patient id",
        ));
}

#[test]
fn cv_runs_regression_and_reports_json_layout() {
    let v = cv_json(&[
        "--data",
        &cohort("cognitive_risk"),
        "--target",
        "risk",
        "--model",
        "ridge:alpha=1.0",
        "--cv",
        "kfold:n_splits=4",
    ]);
    assert_eq!(v["cv"], "kfold:n_splits=4");
    let r2 = v["mean"]["r2"].as_f64().unwrap();
    assert!(r2 > 0.8, "r2 {r2}");
    for key in ["mae", "rmse", "r2"] {
        assert!(v["std"][key].as_f64().is_some(), "{key}");
    }
    assert_eq!(v["folds"][0]["n_test"].as_f64().unwrap(), 250.0);
}

#[test]
fn cv_errors_are_clear() {
    let data = cohort("inhome_monitoring");
    ml4ns()
        .args([
            "cv",
            "--data",
            &data,
            "--target",
            "agitation",
            "--model",
            "random_florest",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown model 'random_florest'; valid models:",
        ));
    ml4ns()
        .args([
            "cv",
            "--data",
            &data,
            "--target",
            "agitation",
            "--model",
            "knn:k=0",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("k=0 is invalid"));
    ml4ns()
        .args([
            "cv",
            "--data",
            &data,
            "--target",
            "agitation",
            "--groups",
            "patient_id",
        ])
        .args(["--cv", "group_kfold:n_splits=100"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "greater than the number of groups: 60",
        ));
    ml4ns()
        .args([
            "cv",
            "--data",
            &data,
            "--target",
            "agitation",
            "--scale",
            "zscore",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected none, standard or minmax",
        ));
}

#[test]
fn fit_save_predict_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    let preds = dir.path().join("preds.csv");
    let data = cohort("dementia_severity");
    ml4ns()
        .args([
            "fit",
            "--data",
            &data,
            "--target",
            "severity",
            "--drop",
            "visit,participant_id",
        ])
        .args([
            "--model",
            "logistic",
            "--scale",
            "standard",
            "--save",
            model.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("fitted logistic:c=1.0"));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["format"], "ml4ns-model");
    assert_eq!(saved["classes"].as_array().unwrap().len(), 5);
    ml4ns()
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            &data,
            "--proba",
        ])
        .args(["--output", preds.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote 1350 predictions"));
    let csv = std::fs::read_to_string(&preds).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "row,prediction,proba_0,proba_1,proba_2,proba_3,proba_4"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1350);
    // Probabilities sum to one and the prediction is the most probable class.
    for row in rows.iter().take(50) {
        let cells: Vec<&str> = row.split(',').collect();
        let p: Vec<f64> = cells[2..].iter().map(|c| c.parse().unwrap()).collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let best = (0..5).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(cells[1], best.to_string());
    }
    // Training accuracy is far above chance (5 classes).
    let truth: Vec<String> = csv_column(&data, "severity");
    let correct = rows
        .iter()
        .zip(&truth)
        .filter(|(r, t)| r.split(',').nth(1).unwrap() == t.as_str())
        .count();
    assert!(
        correct as f64 / 1350.0 > 0.6,
        "accuracy {}",
        correct as f64 / 1350.0
    );
}

fn csv_column(path: &str, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let idx = lines
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == name)
        .unwrap();
    lines
        .map(|l| l.split(',').nth(idx).unwrap().to_string())
        .collect()
}

#[test]
fn predict_rejects_other_features_and_bad_files_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    let out = dir.path().join("out.csv");
    ml4ns()
        .args([
            "fit",
            "--data",
            &cohort("cognitive_risk"),
            "--target",
            "risk",
            "--model",
            "ridge",
        ])
        .args(["--save", model.to_str().unwrap()])
        .assert()
        .success();
    ml4ns()
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            &cohort("concentric_rings"),
        ])
        .args(["--output", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "needs the feature columns it was fitted on: age, sleep_quality, cognitive_test_score",
        ))
        .stderr(predicate::str::contains("no column named 'age'"));
    assert!(!out.exists(), "no half-written output");
    std::fs::write(dir.path().join("junk.json"), "{\"format\": \"x\"}").unwrap();
    ml4ns()
        .args([
            "predict",
            "--model",
            dir.path().join("junk.json").to_str().unwrap(),
        ])
        .args(["--data", &cohort("cognitive_risk")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an ml4ns-model file"));
    // Regression models have no probabilities.
    ml4ns()
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            &cohort("cognitive_risk"),
            "--proba",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("gives no probabilities"));
    // A closed pipe is not a panic.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ml4ns"))
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            &cohort("cognitive_risk"),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn cv_uses_predefined_folds_from_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("folds.csv");
    let mut csv = String::from("x,y,fold\n");
    for i in 0..40 {
        csv.push_str(&format!("{},{},{}\n", i as f64 * 0.5, i % 2, i % 4));
    }
    std::fs::write(&path, &csv).unwrap();
    let p = path.to_str().unwrap();
    let v = cv_json(&[
        "--data",
        p,
        "--target",
        "y",
        "--model",
        "knn:k=3",
        "--cv",
        "predefined_split:column=fold",
    ]);
    let folds = v["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 4);
    assert!(folds
        .iter()
        .all(|f| f["n_test"] == 10.0 && f["n_train"] == 30.0));
    // Every row held out: no folds at all is an error, not a panic.
    std::fs::write(&path, "x,y,fold\n1,0,-1\n2,1,-1\n3,0,-1\n").unwrap();
    ml4ns()
        .args([
            "cv",
            "--data",
            p,
            "--target",
            "y",
            "--cv",
            "predefined_split:column=fold",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("produced no folds"));
}

#[test]
fn categorical_and_imputed_features_round_trip_through_fit_and_predict() {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.csv");
    let mut csv = String::from("id,site,age,score,y\n");
    for i in 0..40 {
        let site = ["north", "south", "east"][i % 3];
        let age = if i % 7 == 3 {
            String::new()
        } else {
            (40 + i).to_string()
        };
        let y = u8::from(site == "south" || i % 5 == 0);
        csv.push_str(&format!("{i},{site},{age},{},{y}\n", i % 4));
    }
    std::fs::write(&train, csv).unwrap();
    let model = dir.path().join("m.json");
    let t = train.to_str().unwrap();
    let common = ["--target", "y", "--drop", "id", "--categorical", "site"];
    // Without imputation the gaps are an error naming the column and row.
    ml4ns()
        .args(["cv", "--data", t])
        .args(common)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("age"));
    ml4ns()
        .args([
            "cv",
            "--data",
            t,
            "--impute",
            "median",
            "--model",
            "decision_tree",
        ])
        .args(common)
        .assert()
        .success()
        .stdout(predicate::str::contains("accuracy"));
    ml4ns()
        .args([
            "fit",
            "--data",
            t,
            "--impute",
            "mean",
            "--model",
            "decision_tree:max_depth=2",
        ])
        .args(common)
        .args(["--save", model.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("site=south"));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["impute"], "mean");
    assert_eq!(
        saved["categories"]["site"],
        serde_json::json!(["east", "north", "south"])
    );
    // New data: columns in another order, a gap, and a site never seen in training.
    let new = dir.path().join("new.csv");
    std::fs::write(&new, "score,age,site\n1,,south\n2,50,west\n0,45,north\n").unwrap();
    let out = dir.path().join("p.csv");
    ml4ns()
        .args(["predict", "--model", model.to_str().unwrap()])
        .args([
            "--data",
            new.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 categorical value(s)"));
    let preds = std::fs::read_to_string(&out).unwrap();
    assert_eq!(preds.lines().count(), 4, "{preds}");
    assert!(
        preds.lines().nth(1).unwrap().ends_with(",1"),
        "south → 1: {preds}"
    );
}

#[test]
fn cluster_and_embed_run_unsupervised_models_on_a_file() {
    let rings = cohort("concentric_rings");
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.csv");
    // DBSCAN follows the rings (k-means cannot): compare both with the true ring.
    let ari = |spec: &str, out: Option<&std::path::Path>| -> f64 {
        let mut cmd = ml4ns()
            .args([
                "cluster", "--data", &rings, "--target", "ring", "--model", spec,
            ])
            .args(["--format", "json"]);
        if let Some(o) = out {
            cmd = cmd.args(["--output", o.to_str().unwrap()]);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["result"]["adjusted_rand_vs_ring"].as_f64().unwrap()
    };
    assert!(ari("kmeans:k=2", None).abs() < 0.1);
    assert!(ari("dbscan:eps=0.3", Some(&labels)) > 0.5);
    let written = std::fs::read_to_string(&labels).unwrap();
    assert_eq!(written.lines().count(), 601);
    assert!(written.starts_with("row,cluster\n0,"));
    ml4ns()
        .args(["cluster", "--data", &rings, "--model", "gmm:n_components=2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("bic"));
    let coords = dir.path().join("coords.csv");
    ml4ns()
        .args([
            "embed", "--data", &rings, "--target", "ring", "--model", "pca",
        ])
        .args(["--output", coords.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("explained_variance_ratio"));
    assert!(std::fs::read_to_string(&coords)
        .unwrap()
        .starts_with("row,c1,c2\n"));
    // The wrong kind of model, or an impossible one, is a clear error.
    ml4ns()
        .args(["embed", "--data", &rings, "--model", "kmeans"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pca, diffusion_map"));
    ml4ns()
        .args(["cluster", "--data", &rings, "--model", "kmeans:k=1000"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1000"));
}

#[test]
fn cv_out_writes_a_deterministic_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = cohort("cognitive_risk");
    let run = |out: &std::path::Path| {
        ml4ns()
            .args([
                "cv", "--data", &data, "--target", "risk", "--model", "ridge",
            ])
            .args(["--scale", "standard", "--out", out.to_str().unwrap()])
            .assert()
            .success();
        (
            std::fs::read_to_string(out.join("report.md")).unwrap(),
            std::fs::read_to_string(out.join("report.json")).unwrap(),
        )
    };
    let (md, json) = run(&dir.path().join("a"));
    assert_eq!(run(&dir.path().join("b")), (md.clone(), json.clone()));
    assert!(md.starts_with("# Cross-validation of ridge:"), "{md}");
    assert!(
        md.contains("| fold | train | test | mae | r2 | rmse |"),
        "{md}"
    );
    assert!(
        md.contains("file: `cognitive_risk.csv`"),
        "no directories: {md}"
    );
    assert!(!md.contains(dir.path().to_str().unwrap()));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["id"], "cv");
}

#[test]
fn fit_reports_out_of_bag_accuracy_for_bagged_trees() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("forest.json");
    let data = cohort("dementia_severity");
    let fit = |spec: &str| {
        ml4ns()
            .args(["fit", "--data", &data, "--target", "severity"])
            .args(["--drop", "visit,participant_id", "--model", spec])
            .args(["--save", model.to_str().unwrap()])
            .assert()
            .success()
    };
    fit("bagging:n_trees=20,max_samples=0.5")
        .stdout(predicate::str::contains("out-of-bag accuracy: 0."));
    let pasted = ml4ns()
        .args(["fit", "--data", &data, "--target", "severity"])
        .args(["--drop", "visit,participant_id"])
        .args(["--model", "bagging:n_trees=3,bootstrap=false"])
        .args(["--save", model.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(pasted.status.success());
    assert!(!String::from_utf8_lossy(&pasted.stdout).contains("out-of-bag"));
}
