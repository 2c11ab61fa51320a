#![cfg(feature = "polars")]
//! Loader behaviour on well-formed and malformed files: every error names the file and,
//! where it applies, the column and the row.

use std::path::PathBuf;

use ml4ns_data_io::{
    read_csv, read_parquet, read_table, DataError, MissingPolicy, TableSpec, Target,
};

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, contents).expect("write temp file");
        p
    }
}

fn err_csv(contents: &str, spec: &TableSpec) -> (DataError, String) {
    let d = Dir::new();
    let p = d.file("bad.csv", contents.as_bytes());
    let e = read_csv(&p, spec).expect_err("should fail");
    let msg = e.to_string();
    assert!(msg.contains("bad.csv"), "message names the file: {msg}");
    (e, msg)
}

#[test]
fn missing_file_is_an_error_naming_it() {
    let e = read_table("/nonexistent/dir/data.csv", &TableSpec::new()).unwrap_err();
    assert!(matches!(e, DataError::FileNotFound { .. }));
    assert!(e.to_string().contains("/nonexistent/dir/data.csv"), "{e}");
}

#[test]
fn unknown_extension_is_an_error() {
    let d = Dir::new();
    let p = d.file("data.xlsx", b"a,b\n1,2\n");
    let e = read_table(&p, &TableSpec::new()).unwrap_err();
    assert!(matches!(e, DataError::UnknownFormat { .. }), "{e}");
}

#[test]
fn empty_and_blank_files_are_errors() {
    for contents in ["", "\n\n", "\u{feff}", "  \r\n"] {
        let (e, msg) = err_csv(contents, &TableSpec::new());
        assert!(
            matches!(e, DataError::EmptyFile { .. }),
            "{contents:?}: {msg}"
        );
        assert!(msg.contains("empty"), "{msg}");
    }
}

#[test]
fn header_only_is_an_error() {
    for contents in ["a,b,c\n", "a,b,c", "a,b,c\r\n\r\n"] {
        let (e, msg) = err_csv(contents, &TableSpec::new());
        assert!(matches!(e, DataError::NoRows { .. }), "{msg}");
        assert!(msg.contains("header only"), "{msg}");
    }
}

#[test]
fn ragged_rows_are_errors_naming_row_and_line() {
    let (e, msg) = err_csv("a,b,c\n1,2,3\n4,5\n7,8,9\n", &TableSpec::new());
    assert!(
        matches!(
            e,
            DataError::RaggedRow {
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.contains("row 2 (line 3)"), "{msg}");
    let (_, msg) = err_csv("a,b\n1,2\n3,4\n5,6,7\n", &TableSpec::new());
    assert!(
        msg.contains("row 3 (line 4) has 3 fields but the header has 2"),
        "{msg}"
    );
}

#[test]
fn quoted_fields_may_hold_separators_and_newlines() {
    let d = Dir::new();
    let p = d.file(
        "q.csv",
        b"note,x,y\n\"a, b\",1,0\n\"two\nlines\",2,1\n\"say \"\"hi\"\"\",3,0\n",
    );
    let t = read_csv(&p, &TableSpec::new().class_target("y")).unwrap();
    assert_eq!(t.n_rows(), 3);
    assert_eq!(t.feature_names, ["x"]);
    assert_eq!(t.ignored_columns, ["note"]);
}

#[test]
fn unknown_column_lists_the_available_ones() {
    let (e, msg) = err_csv(
        "age,sleep,label\n1,2,0\n3,4,1\n",
        &TableSpec::new().target("lable"),
    );
    assert!(matches!(e, DataError::UnknownColumn { .. }), "{msg}");
    assert!(msg.contains("'lable'"), "{msg}");
    assert!(
        msg.contains("available columns: age, sleep, label"),
        "{msg}"
    );
    // Also for features, groups and dropped columns.
    let (_, msg) = err_csv("a,b\n1,2\n", &TableSpec::new().drop(["c"]));
    assert!(msg.contains("no column named 'c' (given as drop)"), "{msg}");
    let (_, msg) = err_csv("a,b\n1,2\n", &TableSpec::new().groups("subject"));
    assert!(msg.contains("(given as groups)"), "{msg}");
}

#[test]
fn a_column_may_have_one_role_only() {
    let (e, msg) = err_csv(
        "a,b,y\n1,2,0\n3,4,1\n",
        &TableSpec::new().target("y").features(["a", "y"]),
    );
    assert!(matches!(e, DataError::RoleConflict { .. }), "{msg}");
}

#[test]
fn non_numeric_feature_value_names_column_and_row() {
    let csv = "age,score,label\n70,21,0\n71,22,1\n72,n/a?,0\n73,24,1\n";
    // Explicit features.
    let (e, msg) = err_csv(
        csv,
        &TableSpec::new().target("label").features(["age", "score"]),
    );
    assert!(matches!(e, DataError::NonNumeric { .. }), "{msg}");
    assert!(msg.contains("column 'score'"), "{msg}");
    assert!(msg.contains("row 3 (line 4)"), "{msg}");
    assert!(msg.contains("'n/a?'"), "{msg}");
    // Default feature selection: a mostly numeric column with stray text is an error too.
    let (_, msg) = err_csv(csv, &TableSpec::new().target("label"));
    assert!(
        msg.contains("column 'score'") && msg.contains("row 3"),
        "{msg}"
    );
    // A decimal comma is not a number.
    let (_, msg) = err_csv("x;y\n1;0\n2,5;1\n3;0\n", &TableSpec::new().target("x"));
    assert!(
        msg.contains("ragged") || msg.contains("fields") || msg.contains("row"),
        "{msg}"
    );
}

#[test]
fn text_columns_are_skipped_by_default_and_listed() {
    let d = Dir::new();
    let p = d.file("t.csv", b"name,x,y\nann,1.5,0\nbob,2.5,1\n");
    let t = read_csv(&p, &TableSpec::new().target("y")).unwrap();
    assert_eq!(t.feature_names, ["x"]);
    assert_eq!(t.ignored_columns, ["name"]);
    // Nothing numeric left is an error naming what was skipped.
    let (e, msg) = err_csv("name,y\nann,0\nbob,1\n", &TableSpec::new().target("y"));
    assert!(matches!(e, DataError::NoFeatures { .. }), "{msg}");
    assert!(msg.contains("skipped non-numeric columns: name"), "{msg}");
}

const WITH_GAPS: &str = "x1,x2,y\n1,10,0\n2,,1\n3,30,0\nNaN,40,1\n5,inf,0\n6,60,1\n";

#[test]
fn missing_nan_and_inf_are_errors_by_default() {
    let (e, msg) = err_csv(WITH_GAPS, &TableSpec::new().target("y"));
    assert!(matches!(e, DataError::Missing { .. }), "{msg}");
    assert!(
        msg.contains("column 'x2'") && msg.contains("a missing value"),
        "{msg}"
    );
    assert!(msg.contains("row 2 (line 3)"), "{msg}");
    assert!(
        msg.contains("drop_rows"),
        "message says how to proceed: {msg}"
    );
    let (_, msg) = err_csv("x,y\n1,0\nNaN,1\n", &TableSpec::new().target("y"));
    assert!(msg.contains("NaN at row 2"), "{msg}");
    let (_, msg) = err_csv("x,y\n1,0\n-inf,1\n", &TableSpec::new().target("y"));
    assert!(msg.contains("an infinite value at row 2"), "{msg}");
    let (_, msg) = err_csv("x,y\n1,0\n2,NA\n3,1\n", &TableSpec::new().target("y"));
    assert!(
        msg.contains("column 'y' (target) has a missing value at row 2"),
        "{msg}"
    );
}

#[test]
fn drop_rows_policy_drops_and_remembers_source_rows() {
    let d = Dir::new();
    let p = d.file("g.csv", WITH_GAPS.as_bytes());
    let t = read_csv(
        &p,
        &TableSpec::new()
            .target("y")
            .missing(MissingPolicy::DropRows),
    )
    .unwrap();
    assert_eq!(t.n_rows(), 3);
    assert_eq!(t.source_rows, [0, 2, 5]);
    assert_eq!(t.x.column(0).to_vec(), [1.0, 3.0, 6.0]);
}

#[test]
fn impute_mean_fills_features_only() {
    let d = Dir::new();
    let p = d.file("g.csv", WITH_GAPS.as_bytes());
    let t = read_csv(
        &p,
        &TableSpec::new()
            .target("y")
            .missing(MissingPolicy::ImputeMean),
    )
    .unwrap();
    assert_eq!(t.n_rows(), 6);
    // x1: mean of 1,2,3,5,6 = 3.4 replaces NaN; x2: mean of 10,30,40,60 = 35.
    assert_eq!(t.x.column(0).to_vec(), [1.0, 2.0, 3.0, 3.4, 5.0, 6.0]);
    assert_eq!(t.x.column(1).to_vec(), [10.0, 35.0, 30.0, 40.0, 35.0, 60.0]);
    // A gap in the target is still an error, with a hint.
    let (_, msg) = err_csv(
        "x,y\n1,0\n2,\n3,1\n",
        &TableSpec::new()
            .target("y")
            .missing(MissingPolicy::ImputeMean),
    );
    assert!(
        msg.contains("target") && msg.contains("imputation fills feature cells only"),
        "{msg}"
    );
    // A column with no finite value cannot be imputed.
    let (e, _) = err_csv(
        "x,z,y\n1,,0\n2,NaN,1\n",
        &TableSpec::new()
            .target("y")
            .missing(MissingPolicy::ImputeMean),
    );
    assert!(matches!(e, DataError::NothingToImpute { .. }));
    // Dropping every row is an error, not an empty table.
    let (e, msg) = err_csv(
        "x,y\n,0\nNaN,1\n",
        &TableSpec::new()
            .target("y")
            .missing(MissingPolicy::DropRows),
    );
    assert!(matches!(e, DataError::NoRows { .. }), "{msg}");
}

#[test]
fn single_class_target_is_an_error_for_classification() {
    let (e, msg) = err_csv("x,y\n1,yes\n2,yes\n3,yes\n", &TableSpec::new().target("y"));
    assert!(matches!(e, DataError::SingleClass { .. }), "{msg}");
    assert!(msg.contains("single class ('yes')"), "{msg}");
    // The same column read as a regression target is fine.
    let d = Dir::new();
    let p = d.file("r.csv", b"x,y\n1,5\n2,5\n");
    let t = read_csv(&p, &TableSpec::new().continuous_target("y")).unwrap();
    assert!(matches!(t.target, Some(Target::Continuous { .. })));
}

#[test]
fn duplicate_column_names_are_errors() {
    let (e, msg) = err_csv("a,b,a\n1,2,3\n", &TableSpec::new());
    assert!(matches!(e, DataError::DuplicateColumn { .. }), "{msg}");
    assert!(
        msg.contains("duplicate column name 'a' (columns 1 and 3)"),
        "{msg}"
    );
}

#[test]
fn crlf_and_bom_are_accepted() {
    let d = Dir::new();
    let p = d.file(
        "win.csv",
        b"\xEF\xBB\xBFsubject,x,label\r\ns1,1.5,yes\r\ns1,2.5,no\r\ns2,3.5,yes\r\n",
    );
    let t = read_csv(&p, &TableSpec::new().target("label").groups("subject")).unwrap();
    assert_eq!(t.feature_names, ["x"]);
    assert_eq!(t.x.column(0).to_vec(), [1.5, 2.5, 3.5]);
    let c = t.class_target().unwrap();
    assert_eq!(c.classes, ["no", "yes"]);
    assert_eq!(c.codes.to_vec(), [1, 0, 1]);
    assert_eq!(t.groups.unwrap().names, ["s1", "s2"]);
}

#[test]
fn string_targets_keep_sorted_and_first_seen_orders() {
    let d = Dir::new();
    let p = d.file("c.csv", b"x,dx\n1,mild\n2,severe\n3,mild\n4,moderate\n");
    let t = read_csv(&p, &TableSpec::new().target("dx")).unwrap();
    let c = t.class_target().unwrap();
    assert_eq!(c.classes, ["mild", "moderate", "severe"]);
    assert_eq!(c.first_seen, ["mild", "severe", "moderate"]);
    assert_eq!(c.codes.to_vec(), [0, 2, 0, 1]);
    assert_eq!(c.counts(), [2, 1, 1]);
    // Numeric labels sort numerically, not as text.
    let p = d.file("n.csv", b"x,y\n1,10\n2,2\n3,1\n");
    let t = read_csv(&p, &TableSpec::new().class_target("y")).unwrap();
    assert_eq!(t.class_target().unwrap().classes, ["1", "2", "10"]);
}

#[test]
fn booleans_become_zero_and_one() {
    let d = Dir::new();
    let p = d.file("b.csv", b"smoker,x,y\ntrue,1,0\nFALSE,2,1\nTrue,3,1\n");
    let t = read_csv(&p, &TableSpec::new().target("y")).unwrap();
    assert_eq!(t.feature_names, ["smoker", "x"]);
    assert_eq!(t.x.column(0).to_vec(), [1.0, 0.0, 1.0]);
}

#[test]
fn auto_target_kind_follows_the_documented_rule() {
    let d = Dir::new();
    let p = d.file("a.csv", b"x,int_y,float_y\n1,0,0.5\n2,1,1.5\n3,2,2.5\n");
    let t = read_csv(&p, &TableSpec::new().target("int_y").drop(["float_y"])).unwrap();
    assert!(t.class_target().is_some());
    let t = read_csv(&p, &TableSpec::new().target("float_y").drop(["int_y"])).unwrap();
    assert!(matches!(t.target, Some(Target::Continuous { .. })));
    // A text column cannot be a regression target.
    let (e, msg) = err_csv("x,y\n1,a\n2,b\n", &TableSpec::new().continuous_target("y"));
    assert!(matches!(e, DataError::NonNumeric { .. }), "{msg}");
}

#[test]
fn tsv_files_are_tab_separated() {
    let d = Dir::new();
    let p = d.file("t.tsv", b"x\ty\n1\t0\n2\t1\n");
    let t = read_table(&p, &TableSpec::new().target("y")).unwrap();
    assert_eq!(t.n_rows(), 2);
}

#[test]
fn parquet_files_load_with_typed_columns() {
    use polars::prelude::*;
    let d = Dir::new();
    let path = d.0.path().join("typed.parquet");
    let mut df = df!(
        "subject" => ["a", "a", "b", "b"],
        "alpha" => [0.5f64, 0.7, 0.2, 0.1],
        "count" => [1i64, 2, 3, 4],
        "flag" => [true, false, true, false],
        "label" => [1i32, 0, 1, 0],
    )
    .unwrap();
    ml4ns_data_io::write_parquet(&mut df, &path).unwrap();
    let t = read_parquet(
        &path,
        &TableSpec::new().class_target("label").groups("subject"),
    )
    .unwrap();
    assert_eq!(t.feature_names, ["alpha", "count", "flag"]);
    assert_eq!(t.x.row(0).to_vec(), [0.5, 1.0, 1.0]);
    assert_eq!(t.groups.unwrap().ids.to_vec(), [0, 0, 1, 1]);
    // Parquet nulls obey the missing-value policy, naming the row.
    let mut df = df!("x" => [Some(1.0f64), None, Some(3.0)], "y" => [0i32, 1, 0]).unwrap();
    ml4ns_data_io::write_parquet(&mut df, &path).unwrap();
    let e = read_parquet(&path, &TableSpec::new().target("y")).unwrap_err();
    assert!(
        e.to_string()
            .contains("column 'x' (feature) has a missing value at row 2"),
        "{e}"
    );
    // An empty file is reported as such.
    let empty = d.file("empty.parquet", b"");
    assert!(matches!(
        read_parquet(&empty, &TableSpec::new()).unwrap_err(),
        DataError::EmptyFile { .. }
    ));
    // A corrupt file is an error, not a panic.
    let junk = d.file("junk.parquet", b"this is not parquet");
    assert!(read_parquet(&junk, &TableSpec::new()).is_err());
}

/// The real UCI Parkinson's voice data (CRLF, as published), when `../shared/data` is present.
#[test]
fn real_parkinsons_csv_loads_with_subject_groups() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/uci_parkinsons/parkinsons.csv");
    if !path.exists() {
        eprintln!("skipped: {} not present", path.display());
        return;
    }
    let t = read_csv(
        &path,
        &TableSpec::new().class_target("status").groups("name"),
    )
    .unwrap();
    assert_eq!(t.n_rows(), 195);
    assert_eq!(t.n_features(), 22);
    assert_eq!(t.class_target().unwrap().counts(), [48, 147]);
    // Every recording is its own "group" here; a real subject id must be derived from the
    // name (phon_R01_S01_1 → S01), which is what users are told to do.
    assert_eq!(t.groups.unwrap().names.len(), 195);
}

#[test]
fn categorical_columns_load_as_level_codes_and_realign_by_name() {
    let d = Dir::new();
    let p = d.file(
        "cat.csv",
        b"site,age,sex,y\nb,30,F,0\na,,M,1\nc,50,F,0\nb,60,,1\n",
    );
    let spec = TableSpec::new()
        .class_target("y")
        .categorical(["sex", "site"])
        .missing(MissingPolicy::Keep);
    let t = read_csv(&p, &spec).unwrap();
    // Numeric features first, then the categorical columns in the order given.
    assert_eq!(t.feature_names, ["age", "sex", "site"]);
    assert_eq!(t.categorical.len(), 2);
    assert_eq!(t.categorical[0].feature, 1);
    assert_eq!(t.categorical[0].levels, ["F", "M"]);
    assert_eq!(t.categorical[1].levels, ["a", "b", "c"]);
    assert!(t.x[[1, 0]].is_nan(), "kept as NaN for a pipeline imputer");
    assert!(t.x[[3, 1]].is_nan(), "missing level");
    assert_eq!(t.x.column(2).to_vec(), [1.0, 0.0, 2.0, 1.0]);

    // Without a filling policy a missing categorical cell is an error naming it.
    let (_, msg) = err_csv(
        "sex,y\nF,0\n,1\n",
        &TableSpec::new().class_target("y").categorical(["sex"]),
    );
    assert!(msg.contains("sex"), "{msg}");

    // Another file with other levels is re-coded to these levels by name.
    let q = d.file("new.csv", b"site,age,sex,y\nc,1,M,0\nz,2,F,1\n");
    let mut u = read_csv(&q, &spec).unwrap();
    let levels: std::collections::BTreeMap<String, Vec<String>> = t
        .categorical
        .iter()
        .map(|c| (t.feature_names[c.feature].clone(), c.levels.clone()))
        .collect();
    assert_eq!(u.align_categories(&levels).unwrap(), 1, "one unknown level");
    assert_eq!(u.x[[0, 2]], 2.0, "c is level 2 in training");
    assert!(u.x[[1, 2]].is_nan(), "z was never seen");
    assert_eq!(u.x.column(1).to_vec(), [1.0, 0.0]);
    assert_eq!(
        "keep".parse::<MissingPolicy>().unwrap(),
        MissingPolicy::Keep
    );
}
