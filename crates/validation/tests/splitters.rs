//! Every splitter against scikit-learn 1.9.1, fold for fold, from the fixtures written by
//! `scripts/fixtures/splitters.py` (no Python needed to run this test).

use std::collections::BTreeMap;

use ml4ns_validation::{Cv, RandomState, Split};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Encode arbitrary JSON labels (ints or strings) as codes in sorted order, like np.unique.
fn encode(v: &Value) -> Option<Vec<usize>> {
    let arr = v.as_array()?;
    let keys: Vec<(i64, String)> = arr
        .iter()
        .map(|x| match x {
            Value::Number(n) => (n.as_i64().unwrap(), String::new()),
            Value::String(s) => (0, s.clone()),
            other => panic!("unsupported label {other}"),
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    let index: BTreeMap<&(i64, String), usize> =
        sorted.iter().enumerate().map(|(i, k)| (k, i)).collect();
    Some(keys.iter().map(|k| index[k]).collect())
}

fn indices(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

#[test]
fn splitters_match_scikit_learn() {
    let fixtures = load("splitters.json");
    let cases = fixtures["cases"].as_array().unwrap();
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let mut failures = Vec::new();
    let mut per_scheme: BTreeMap<String, usize> = BTreeMap::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let spec = case["spec"].as_str().unwrap();
        let n = case["n_samples"].as_u64().unwrap() as usize;
        let y = encode(&case["y"]);
        let groups = encode(&case["groups"]);
        *per_scheme
            .entry(spec.split(':').next().unwrap().to_string())
            .or_default() += 1;
        let result = Cv::parse(spec).and_then(|mut cv| {
            if let Cv::PredefinedSplit { test_fold, .. } = &mut cv {
                *test_fold = case["test_fold"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap())
                    .collect();
            }
            cv.split(n, y.as_deref(), groups.as_deref())
        });
        match (&case["error"], result) {
            (Value::String(expected), Ok(_)) => failures.push(format!(
                "{name}: scikit-learn raised '{expected}', we split"
            )),
            (Value::String(_), Err(_)) => {}
            (_, Err(e)) => failures.push(format!("{name}: {e}")),
            (_, Ok(splits)) => {
                let expected: Vec<Split> = case["splits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| Split {
                        train: indices(&s["train"]),
                        test: indices(&s["test"]),
                    })
                    .collect();
                if splits != expected {
                    let at = splits
                        .iter()
                        .zip(&expected)
                        .position(|(a, b)| a != b)
                        .unwrap_or(splits.len().min(expected.len()));
                    failures.push(format!(
                        "{name} ({spec}): {} splits vs {}; first difference at split {at}: {:?} vs {:?}",
                        splits.len(),
                        expected.len(),
                        splits.get(at),
                        expected.get(at)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("cases per scheme: {per_scheme:?}");
}

#[test]
fn random_state_matches_numpy() {
    let fixtures = load("random_state.json");
    let cases = fixtures
        .as_array()
        .or_else(|| fixtures["seeds"].as_array())
        .expect("a list of seed cases");
    let floats = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let ints = |v: &Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect()
    };
    let mut checked = 0;
    for case in cases {
        let Some(seed) = case["seed"].as_u64() else {
            continue;
        };
        let seed = seed as u32;
        let rs = || RandomState::new(seed);
        let mut r = rs();
        let got: Vec<f64> = (0..6).map(|_| r.random_sample()).collect();
        assert_eq!(got, floats(&case["random_sample"]), "seed {seed}");
        for (key, high, len) in [
            ("randint_0_7", 7, 12),
            ("randint_0_1000", 1000, 12),
            ("randint_0_2pow31", (1i64 << 31) - 1, 6),
        ] {
            let mut r = rs();
            let got: Vec<i64> = (0..len).map(|_| r.randint(0, high)).collect();
            assert_eq!(got, ints(&case[key]), "seed {seed} {key}");
        }
        let perm: Vec<i64> = rs().permutation(10).iter().map(|&v| v as i64).collect();
        assert_eq!(perm, ints(&case["permutation_10"]), "seed {seed}");
        let mut a: Vec<i64> = (0..8).collect();
        rs().shuffle(&mut a);
        assert_eq!(a, ints(&case["shuffle_list_8"]), "seed {seed}");
        checked += 1;
    }
    assert!(checked >= 5, "checked {checked} seeds");
}

/// One generator's state carries across calls, as scikit-learn's repeated splitters rely on.
#[test]
fn random_state_sequence_carries_state() {
    let seq = &load("random_state.json")["sequence"];
    let mut rs = RandomState::new(seq["seed"].as_u64().unwrap() as u32);
    let calls = seq["calls"].as_array().unwrap();
    let ints = |v: &Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect()
    };
    let as_i64 = |v: Vec<usize>| -> Vec<i64> { v.into_iter().map(|x| x as i64).collect() };
    assert_eq!(as_i64(rs.permutation(5)), ints(&calls[0]["result"]));
    assert_eq!(
        (0..3).map(|_| rs.randint(0, 10)).collect::<Vec<_>>(),
        ints(&calls[1]["result"])
    );
    let floats: Vec<f64> = calls[2]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(vec![rs.random_sample(), rs.random_sample()], floats);
    assert_eq!(as_i64(rs.permutation(7)), ints(&calls[3]["result"]));
}

/// The acceptance case, spelled out: 569 rows, test_size=0.2, random_state=42.
#[test]
fn train_test_split_picks_scikit_learns_rows() {
    let fixtures = load("splitters.json");
    let case = fixtures["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["spec"] == "train_test_split:test_size=0.2,random_state=42" && c["n_samples"] == 569
        })
        .expect("fixture case present");
    let split = &Cv::parse("train_test_split:test_size=0.2,random_state=42")
        .unwrap()
        .split(569, None, None)
        .unwrap()[0];
    assert_eq!(split.test.len(), 114);
    assert_eq!(split.test, indices(&case["splits"][0]["test"]));
    assert_eq!(split.train, indices(&case["splits"][0]["train"]));
}

/// `check_cv(k)`: stratified k-fold for a classifier with labels, plain k-fold otherwise.
#[test]
fn check_cv_picks_scikit_learns_default() {
    assert_eq!(
        Cv::check_cv(5, true, true),
        Cv::parse("stratified_kfold:n_splits=5").unwrap()
    );
    assert_eq!(Cv::check_cv(5, true, false), Cv::kfold(5));
    assert_eq!(Cv::check_cv(3, false, true), Cv::kfold(3));
}
