//! Lazy scans: selection and filters are pushed into the reader before anything is
//! materialised.
#![cfg(feature = "polars")]

use ml4ns_data_io::scan::{col, lit, Scan};
use ml4ns_data_io::{DataError, TableSpec};
use polars::prelude::*;

/// A Parquet file of `n` rows and 12 columns: subject, age, label and nine signals.
fn write_cohort(path: &std::path::Path, n: usize) {
    let subject: Vec<String> = (0..n).map(|i| format!("S{:03}", i % 97)).collect();
    let age: Vec<i64> = (0..n).map(|i| 40 + (i * 7 % 50) as i64).collect();
    let label: Vec<i32> = (0..n).map(|i| (i % 3 == 0) as i32).collect();
    let mut columns = vec![
        Column::new("subject".into(), subject),
        Column::new("age".into(), age),
        Column::new("label".into(), label),
    ];
    for k in 0..9 {
        let signal: Vec<f64> = (0..n)
            .map(|i| ((i * (k + 3)) % 101) as f64 / 10.0)
            .collect();
        columns.push(Column::new(format!("signal_{k}").into(), signal));
    }
    let mut df = DataFrame::new_infer_height(columns).unwrap();
    ml4ns_data_io::write_parquet(&mut df, path).unwrap();
}

#[test]
fn scan_selects_and_filters_before_materialising() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cohort.parquet");
    let n = 200_000;
    write_cohort(&path, n);

    let scan = Scan::parquet(&path)
        .unwrap()
        .select(["subject", "age", "signal_2", "label"])
        .unwrap()
        .filter(col("age").gt_eq(lit(80i64)));
    // The optimised plan reads 4 of the 12 columns and applies the filter inside the scan.
    let plan = scan.plan().unwrap();
    assert!(
        plan.contains("4/12 COLUMNS"),
        "projection not pushed down:\n{plan}"
    );
    assert!(
        plan.contains("SELECTION"),
        "filter not pushed down:\n{plan}"
    );

    let table = scan
        .collect(&TableSpec::new().class_target("label").groups("subject"))
        .unwrap();
    let expected: Vec<usize> = (0..n).filter(|i| 40 + (i * 7 % 50) >= 80).collect();
    assert_eq!(table.n_rows(), expected.len());
    assert_eq!(table.feature_names, ["age", "signal_2"]);
    let first = expected[0];
    assert_eq!(table.x[[0, 0]], (40 + first * 7 % 50) as f64);
    assert_eq!(table.x[[0, 1]], ((first * 5) % 101) as f64 / 10.0);
    assert!(table.x.column(0).iter().all(|&a| a >= 80.0));
    assert_eq!(table.groups.unwrap().names.len(), 97);
}

#[test]
fn scan_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cohort.parquet");
    write_cohort(&path, 100);
    let e = Scan::parquet(&path).unwrap().select(["agee"]).unwrap_err();
    assert!(matches!(e, DataError::UnknownColumn { .. }));
    assert!(
        e.to_string()
            .contains("available columns: subject, age, label"),
        "{e}"
    );
    let e = Scan::parquet(dir.path().join("missing.parquet")).unwrap_err();
    assert!(matches!(e, DataError::FileNotFound { .. }), "{e}");
    let e = Scan::parquet(&path)
        .unwrap()
        .filter(col("age").gt(lit(1000i64)))
        .collect(&TableSpec::new())
        .unwrap_err();
    assert!(
        e.to_string().contains("no data rows after filtering"),
        "{e}"
    );
}

#[test]
fn csv_scan_infers_types_for_filters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.csv");
    std::fs::write(&path, "id,x,y\na,1.5,0\nb,2.5,1\nc,3.5,1\nd,0.5,0\n").unwrap();
    let t = Scan::open(&path)
        .unwrap()
        .filter(col("x").gt(lit(1.0)))
        .collect(&TableSpec::new().class_target("y"))
        .unwrap();
    assert_eq!(t.x.column(0).to_vec(), [1.5, 2.5, 3.5]);
    assert_eq!(t.ignored_columns, ["id"]);
}
