//! `trustworthiness` against scikit-learn 1.9.1 (`scripts/fixtures/embedding.py`).

use ml4ns_validation::metrics::trustworthiness;
use ndarray::Array2;
use serde_json::Value;

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

#[test]
fn trustworthiness_matches_scikit_learn() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/embedding.json"
    ))
    .unwrap();
    let f: Value = serde_json::from_str(&text).unwrap();
    let x = matrix(&f["x"]);
    for case in f["cases"].as_array().unwrap() {
        let emb = matrix(&case["x_embedded"]);
        let k = case["n_neighbors"].as_u64().unwrap() as usize;
        let want = case["trustworthiness"].as_f64().unwrap();
        let got = trustworthiness(x.view(), emb.view(), k).unwrap();
        assert!(
            (got - want).abs() < 1e-12,
            "{} k={k}: {got} vs {want}",
            case["embedding"]
        );
    }
    assert!(trustworthiness(x.view(), x.view(), 30).is_err());
    assert_eq!(trustworthiness(x.view(), x.view(), 5).unwrap(), 1.0);
}
