//! Every metric against scikit-learn 1.9.1 on the cases written by
//! `scripts/fixtures/metrics.py` (tolerance 1e-9; no Python needed).

use ml4ns_validation::metrics::{self as m, Average, BinStrategy, ZeroDivision};
use ndarray::Array2;
use serde_json::Value;

fn fixtures() -> Value {
    let path = format!("{}/tests/fixtures/metrics.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => other
            .as_f64()
            .unwrap_or_else(|| panic!("not a number: {other}")),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

fn labels(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

struct Checker {
    failures: Vec<String>,
    checked: usize,
}

impl Checker {
    fn value(&mut self, case: &str, key: &str, got: f64, want: &Value) {
        self.checked += 1;
        if want.is_null() {
            self.failures
                .push(format!("{case}/{key}: no expected value"));
        } else if !close(got, num(want)) {
            self.failures
                .push(format!("{case}/{key}: {got} vs {}", num(want)));
        }
    }
    fn values(&mut self, case: &str, key: &str, got: &[f64], want: &Value) {
        let want = nums(want);
        self.checked += 1;
        if got.len() != want.len() || !got.iter().zip(&want).all(|(a, b)| close(*a, *b)) {
            self.failures
                .push(format!("{case}/{key}: {got:?} vs {want:?}"));
        }
    }
    fn finish(self, what: &str) {
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} checks differ:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
        assert!(self.checked > 20, "{what}: only {} checks", self.checked);
    }
}

const ZDS: [(&str, ZeroDivision); 4] = [
    ("", ZeroDivision::Zero),
    ("_zd0", ZeroDivision::Zero),
    ("_zd1", ZeroDivision::One),
    ("_zdnan", ZeroDivision::NaN),
];

#[test]
fn binary_classification_metrics_match() {
    let mut c = Checker {
        failures: vec![],
        checked: 0,
    };
    for case in fixtures()["binary"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (t, p, s) = (
            labels(&case["y_true"]),
            labels(&case["y_pred"]),
            nums(&case["y_score"]),
        );
        let r = &case["results"];
        let cm = m::confusion_matrix(&t, &p).unwrap();
        let want: Vec<Vec<usize>> = r["confusion_matrix"]
            .as_array()
            .unwrap()
            .iter()
            .map(labels)
            .collect();
        c.checked += 1;
        if cm.counts != want {
            c.failures.push(format!(
                "{name}/confusion_matrix: {:?} vs {want:?}",
                cm.counts
            ));
        }
        let cm01 = m::confusion_matrix_with_labels(&t, &p, &[0, 1]).unwrap();
        let want: Vec<Vec<usize>> = r["confusion_matrix_labels_0_1"]
            .as_array()
            .unwrap()
            .iter()
            .map(labels)
            .collect();
        c.checked += 1;
        if cm01.counts != want {
            c.failures
                .push(format!("{name}/confusion_matrix_labels_0_1"));
        }
        c.value(
            name,
            "accuracy",
            m::accuracy(&t, &p).unwrap(),
            &r["accuracy"],
        );
        c.value(
            name,
            "balanced_accuracy",
            m::balanced_accuracy(&t, &p).unwrap(),
            &r["balanced_accuracy"],
        );
        let bin = Average::Binary { pos_label: 1 };
        for (suffix, zd) in ZDS {
            c.value(
                name,
                &format!("precision{suffix}"),
                m::precision(&t, &p, bin, zd).unwrap(),
                &r[format!("precision{suffix}")],
            );
            c.value(
                name,
                &format!("recall{suffix}"),
                m::recall(&t, &p, bin, zd).unwrap(),
                &r[format!("recall{suffix}")],
            );
            c.value(
                name,
                &format!("specificity{suffix}"),
                m::specificity(&t, &p, 1, zd).unwrap(),
                &r[format!("specificity{suffix}")],
            );
            c.value(
                name,
                &format!("f1{suffix}"),
                m::f1(&t, &p, bin, zd).unwrap(),
                &r[format!("f1{suffix}")],
            );
        }
        let z = ZeroDivision::Zero;
        c.value(
            name,
            "fbeta_0_5",
            m::fbeta(&t, &p, 0.5, bin, z).unwrap(),
            &r["fbeta_0_5"],
        );
        c.value(
            name,
            "fbeta_2",
            m::fbeta(&t, &p, 2.0, bin, z).unwrap(),
            &r["fbeta_2"],
        );
        c.value(name, "mcc", m::mcc(&t, &p).unwrap(), &r["mcc"]);
        c.value(
            name,
            "youden_j",
            m::youden_j(&t, &p, 1, z).unwrap(),
            &r["youden_j"],
        );
        c.value(
            name,
            "roc_auc",
            m::roc_auc(&t, &s, 1).unwrap(),
            &r["roc_auc"],
        );
        c.value(
            name,
            "average_precision",
            m::average_precision(&t, &s, 1).unwrap(),
            &r["average_precision"],
        );
        c.value(
            name,
            "log_loss_labels_0_1",
            m::log_loss_binary(&t, &s).unwrap(),
            &r["log_loss_labels_0_1"],
        );
        if !r["log_loss"].is_null() {
            c.value(
                name,
                "log_loss",
                m::log_loss_binary(&t, &s).unwrap(),
                &r["log_loss"],
            );
        }
        c.value(
            name,
            "brier",
            m::brier_score(&t, &s, 1).unwrap(),
            &r["brier"],
        );
    }
    c.finish("binary");
}

#[test]
fn multiclass_metrics_match() {
    let mut c = Checker {
        failures: vec![],
        checked: 0,
    };
    for case in fixtures()["multiclass"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        // Labels may be negative: code them by rank in the sorted union (only order matters).
        let raw = |k: &str| -> Vec<i64> {
            case[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect()
        };
        let (rt, rp) = (raw("y_true"), raw("y_pred"));
        let mut union: Vec<i64> = rt.iter().chain(&rp).copied().collect();
        union.sort_unstable();
        union.dedup();
        let code = |v: &[i64]| -> Vec<usize> {
            v.iter().map(|x| union.binary_search(x).unwrap()).collect()
        };
        let (t, p) = (code(&rt), code(&rp));
        let r = &case["results"];
        let cm = m::confusion_matrix(&t, &p).unwrap();
        c.checked += 1;
        let want_labels: Vec<i64> = r["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        if cm.labels.iter().map(|&i| union[i]).collect::<Vec<_>>() != want_labels {
            c.failures.push(format!("{name}/labels"));
        }
        let want: Vec<Vec<usize>> = r["confusion_matrix"]
            .as_array()
            .unwrap()
            .iter()
            .map(labels)
            .collect();
        if cm.counts != want {
            c.failures.push(format!(
                "{name}/confusion_matrix: {:?} vs {want:?}",
                cm.counts
            ));
        }
        c.value(
            name,
            "accuracy",
            m::accuracy(&t, &p).unwrap(),
            &r["accuracy"],
        );
        c.value(
            name,
            "balanced_accuracy",
            m::balanced_accuracy(&t, &p).unwrap(),
            &r["balanced_accuracy"],
        );
        c.value(name, "mcc", m::mcc(&t, &p).unwrap(), &r["mcc"]);
        for (suffix, zd) in [
            ("", ZeroDivision::Zero),
            ("_zd1", ZeroDivision::One),
            ("_zdnan", ZeroDivision::NaN),
        ] {
            for (avg_name, avg) in [
                ("micro", Average::Micro),
                ("macro", Average::Macro),
                ("weighted", Average::Weighted),
            ] {
                let (pr, rc, f) = m::precision_recall_fscore(&t, &p, 1.0, avg, zd).unwrap();
                c.value(
                    name,
                    &format!("precision_{avg_name}{suffix}"),
                    pr,
                    &r[format!("precision_{avg_name}{suffix}")],
                );
                c.value(
                    name,
                    &format!("recall_{avg_name}{suffix}"),
                    rc,
                    &r[format!("recall_{avg_name}{suffix}")],
                );
                c.value(
                    name,
                    &format!("f1_{avg_name}{suffix}"),
                    f,
                    &r[format!("f1_{avg_name}{suffix}")],
                );
            }
            let per = m::precision_recall_fscore_per_class(&t, &p, 1.0, zd).unwrap();
            c.values(
                name,
                &format!("precision_none{suffix}"),
                &per.precision,
                &r[format!("precision_none{suffix}")],
            );
            c.values(
                name,
                &format!("recall_none{suffix}"),
                &per.recall,
                &r[format!("recall_none{suffix}")],
            );
            c.values(
                name,
                &format!("f1_none{suffix}"),
                &per.fscore,
                &r[format!("f1_none{suffix}")],
            );
        }
        if let Some(rows) = case["y_score"].as_array() {
            let k = rows[0].as_array().unwrap().len();
            let proba = Array2::from_shape_fn((rows.len(), k), |(i, j)| num(&rows[i][j]));
            // Columns follow the sorted labels of y_true: encode y_true as column indices.
            let mut sorted = t.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let codes: Vec<usize> = t.iter().map(|l| sorted.binary_search(l).unwrap()).collect();
            c.value(
                name,
                "roc_auc_ovr_macro",
                m::roc_auc_ovr(&codes, proba.view(), Average::Macro).unwrap(),
                &r["roc_auc_ovr_macro"],
            );
            c.value(
                name,
                "roc_auc_ovr_weighted",
                m::roc_auc_ovr(&codes, proba.view(), Average::Weighted).unwrap(),
                &r["roc_auc_ovr_weighted"],
            );
            c.value(
                name,
                "log_loss",
                m::log_loss(&codes, proba.view()).unwrap(),
                &r["log_loss"],
            );
        }
    }
    c.finish("multiclass");
}

#[test]
fn regression_metrics_match() {
    let mut c = Checker {
        failures: vec![],
        checked: 0,
    };
    for case in fixtures()["regression"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (t, p) = (nums(&case["y_true"]), nums(&case["y_pred"]));
        let r = &case["results"];
        c.value(name, "mae", m::mae(&t, &p).unwrap(), &r["mae"]);
        c.value(name, "mse", m::mse(&t, &p).unwrap(), &r["mse"]);
        c.value(name, "rmse", m::rmse(&t, &p).unwrap(), &r["rmse"]);
        c.value(name, "mape", m::mape(&t, &p).unwrap(), &r["mape"]);
        c.value(name, "r2", m::r2(&t, &p, true).unwrap(), &r["r2"]);
        c.value(
            name,
            "r2_force_finite_false",
            m::r2(&t, &p, false).unwrap(),
            &r["r2_force_finite_false"],
        );
        c.value(
            name,
            "explained_variance",
            m::explained_variance(&t, &p, true).unwrap(),
            &r["explained_variance"],
        );
        c.value(
            name,
            "explained_variance_force_finite_false",
            m::explained_variance(&t, &p, false).unwrap(),
            &r["explained_variance_force_finite_false"],
        );
    }
    c.finish("regression");
}

#[test]
fn clustering_metrics_match() {
    let mut c = Checker {
        failures: vec![],
        checked: 0,
    };
    for case in fixtures()["clustering"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let rows = case["x"].as_array().unwrap();
        let d = rows[0].as_array().unwrap().len();
        let x = Array2::from_shape_fn((rows.len(), d), |(i, j)| num(&rows[i][j]));
        let (l, lt) = (labels(&case["labels"]), labels(&case["labels_true"]));
        let r = &case["results"];
        c.value(
            name,
            "silhouette",
            m::silhouette(x.view(), &l).unwrap(),
            &r["silhouette"],
        );
        c.values(
            name,
            "silhouette_samples",
            m::silhouette_samples(x.view(), &l)
                .unwrap()
                .as_slice()
                .unwrap(),
            &r["silhouette_samples"],
        );
        c.value(
            name,
            "davies_bouldin",
            m::davies_bouldin(x.view(), &l).unwrap(),
            &r["davies_bouldin"],
        );
        c.value(
            name,
            "calinski_harabasz",
            m::calinski_harabasz(x.view(), &l).unwrap(),
            &r["calinski_harabasz"],
        );
        c.value(
            name,
            "adjusted_rand",
            m::adjusted_rand(&lt, &l).unwrap(),
            &r["adjusted_rand"],
        );
        c.value(
            name,
            "inertia",
            m::inertia(x.view(), &l).unwrap(),
            &r["inertia"],
        );
    }
    c.finish("clustering");
}

#[test]
fn curves_match() {
    let mut c = Checker {
        failures: vec![],
        checked: 0,
    };
    for case in fixtures()["curves"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (t, s) = (labels(&case["y_true"]), nums(&case["y_score"]));
        let r = &case["results"];
        for (key, drop) in [("roc_curve", true), ("roc_curve_all", false)] {
            let roc = m::roc_curve(&t, &s, 1, drop).unwrap();
            c.values(name, &format!("{key}.fpr"), &roc.fpr, &r[key]["fpr"]);
            c.values(name, &format!("{key}.tpr"), &roc.tpr, &r[key]["tpr"]);
            c.values(
                name,
                &format!("{key}.thresholds"),
                &roc.thresholds,
                &r[key]["thresholds"],
            );
        }
        let pr = m::precision_recall_curve(&t, &s, 1).unwrap();
        c.values(
            name,
            "pr.precision",
            &pr.precision,
            &r["precision_recall_curve"]["precision"],
        );
        c.values(
            name,
            "pr.recall",
            &pr.recall,
            &r["precision_recall_curve"]["recall"],
        );
        c.values(
            name,
            "pr.thresholds",
            &pr.thresholds,
            &r["precision_recall_curve"]["thresholds"],
        );
        c.value(
            name,
            "roc_auc",
            m::roc_auc(&t, &s, 1).unwrap(),
            &r["roc_auc"],
        );
        c.value(
            name,
            "average_precision",
            m::average_precision(&t, &s, 1).unwrap(),
            &r["average_precision"],
        );
        let n_bins = case["n_bins"].as_u64().unwrap_or(5) as usize;
        for (key, strategy) in [
            ("uniform", BinStrategy::Uniform),
            ("quantile", BinStrategy::Quantile),
        ] {
            let want = &r["calibration_curve"][key];
            match m::calibration_curve(&t, &s, 1, n_bins, strategy) {
                Ok((pt, pp)) => {
                    c.values(
                        name,
                        &format!("calibration.{key}.prob_true"),
                        &pt,
                        &want["prob_true"],
                    );
                    c.values(
                        name,
                        &format!("calibration.{key}.prob_pred"),
                        &pp,
                        &want["prob_pred"],
                    );
                }
                Err(e) => {
                    c.checked += 1;
                    if !want.is_null() {
                        c.failures.push(format!("{name}/calibration.{key}: {e}"));
                    }
                }
            }
        }
    }
    c.finish("curves");
}

#[test]
fn classification_report_matches_text() {
    let mut failures = Vec::new();
    for case in fixtures()["report"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (t, p) = (labels(&case["y_true"]), labels(&case["y_pred"]));
        let names: Option<Vec<String>> = case["target_names"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect());
        for rep in case["reports"].as_array().unwrap() {
            let digits = rep["digits"].as_u64().unwrap() as usize;
            let got =
                m::classification_report(&t, &p, names.as_deref(), digits, ZeroDivision::Zero)
                    .unwrap();
            let want = rep["text"].as_str().unwrap();
            if got != want {
                failures.push(format!("{name} digits={digits}:\n{got}\nvs\n{want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
