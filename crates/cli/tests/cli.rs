//! The `ml4ns` binary as users call it: output, exit codes, and errors that name the problem.

use assert_cmd::Command;
use predicates::prelude::*;

fn ml4ns() -> Command {
    Command::cargo_bin("ml4ns").expect("binary built")
}

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
