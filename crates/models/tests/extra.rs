//! The models added after the first batch, checked against scikit-learn 1.9.1
//! (`scripts/fixtures/models_extra.py` → `tests/fixtures/sklearn_models_extra.json`).

use ml4ns_data_io::{classic, Table};
use ml4ns_models::{ClusterFit, GmmFit, Model, ModelError};
use ndarray::{Array1, Array2, Array3, Axis};
use serde_json::Value;

mod common;
use common::{floats, matrix};

fn fixtures() -> Value {
    common::fixture("sklearn_models_extra.json")
}

/// StandardScaler (population sd) on every column.
fn standardised(mut t: Table) -> Table {
    let mean = t.x.mean_axis(Axis(0)).unwrap();
    let sd = t.x.std_axis(Axis(0), 0.0);
    t.x = (&t.x - &mean) / &sd;
    t
}

/// breast_cancer's ten "mean ..." features, standardised.
fn bc10() -> Table {
    let bc = classic::breast_cancer();
    let mut t = bc.clone();
    t.x = bc.x.slice(ndarray::s![.., ..10]).to_owned();
    t.feature_names.truncate(10);
    standardised(t)
}

fn accuracy(fitted: &dyn ml4ns_models::Fitted, t: &Table) -> f64 {
    let pred = fitted.predict(t.x.view()).unwrap();
    let codes = &t.class_target().unwrap().codes;
    pred.iter()
        .zip(codes)
        .filter(|(p, c)| **p as usize == **c)
        .count() as f64
        / codes.len() as f64
}

#[test]
fn sigmoid_and_polynomial_svms_follow_libsvm() {
    let f = fixtures();
    let bc = bc10();
    // The sigmoid kernel is solved by this crate's SMO (libsvm's algorithm and tolerance), so
    // its decision values agree with libsvm's closely; the polynomial kernel is linfa's solver
    // with scikit-learn's γ folded into the rows.
    for (spec, key, tol) in [
        ("svm:kernel=sigmoid", "svm_sigmoid", 0.02),
        ("svm:kernel=poly,degree=3", "svm_poly", 0.25),
    ] {
        let fitted = Model::parse(spec).unwrap().fit(&bc).unwrap();
        let acc = accuracy(fitted.as_ref(), &bc);
        let want = f[key]["train_accuracy"].as_f64().unwrap();
        assert!(
            (acc - want).abs() <= 0.01,
            "{spec}: accuracy {acc} vs {want}"
        );
        let first10 = bc.select_rows(&(0..10).collect::<Vec<_>>());
        let p = fitted.predict_proba(first10.x.view()).unwrap().unwrap();
        let decisions = floats(&f[key]["decision_first10"]);
        for (i, d) in decisions.iter().enumerate() {
            // Same side of the boundary wherever libsvm is not on the fence.
            if d.abs() > tol {
                assert_eq!(p[[i, 1]] > 0.5, *d > 0.0, "{spec}: row {i}, decision {d}");
            }
        }
    }
    // Saved and loaded, the sigmoid machine predicts the same.
    let fitted = Model::parse("svm:kernel=sigmoid,c=2")
        .unwrap()
        .fit(&bc)
        .unwrap();
    let saved = ml4ns_models::SavedModel::new("svm".into(), "none".into(), &bc, fitted.as_ref());
    let back = ml4ns_models::SavedModel::from_json(&saved.to_json(), "m.json")
        .unwrap()
        .model
        .into_fitted()
        .unwrap();
    assert_eq!(
        back.predict_proba(bc.x.view()).unwrap(),
        fitted.predict_proba(bc.x.view()).unwrap()
    );
    // A sigmoid machine on three classes, one-vs-rest.
    let iris = standardised(classic::iris());
    let fitted = Model::parse("svm:kernel=sigmoid")
        .unwrap()
        .fit(&iris)
        .unwrap();
    assert!(accuracy(fitted.as_ref(), &iris) > 0.8);
    assert!(matches!(
        Model::parse("svm:kernel=poly,coef0=-1").unwrap_err(),
        ModelError::InvalidParam { .. }
    ));
}

#[test]
fn balanced_logistic_regression_matches_scikit_learn() {
    let f = fixtures();
    let bc = bc10();
    let fitted = Model::parse("logistic:class_weight=balanced")
        .unwrap()
        .fit(&bc)
        .unwrap();
    let (coef, intercept) = fitted.coefficients().expect("linear model");
    // lbfgs (tol 1e-10) and Newton stop a few 1e-6 apart.
    common::assert_abs_close(
        &coef,
        &floats(&f["logistic_balanced_bc"]["coef"]),
        1e-5,
        "coef",
    );
    let want = f["logistic_balanced_bc"]["intercept"].as_f64().unwrap();
    assert!(
        (intercept - want).abs() < 1e-5,
        "intercept {intercept} vs {want}"
    );
    let p = fitted.predict_proba(bc.x.view()).unwrap().unwrap();
    common::assert_abs_close(
        &p.column(1).iter().take(5).copied().collect::<Vec<_>>(),
        &floats(&f["logistic_balanced_bc"]["proba_first5"]),
        1e-6,
        "proba",
    );

    let wine = standardised(classic::wine());
    let fitted = Model::parse("logistic:class_weight=balanced,c=0.5")
        .unwrap()
        .fit(&wine)
        .unwrap();
    let p = fitted.predict_proba(wine.x.view()).unwrap().unwrap();
    let want = matrix(&f["logistic_balanced_wine"]["proba_first3"]);
    for i in 0..3 {
        common::assert_abs_close(
            &p.row(i).to_vec(),
            &want.row(i).to_vec(),
            1e-6,
            &format!("wine proba row {i}"),
        );
    }
    assert!(matches!(
        Model::parse("logistic:class_weight=heavy").unwrap_err(),
        ModelError::InvalidParam { .. }
    ));
}

#[test]
fn adaboost_is_scikit_learns_samme() {
    let f = fixtures();
    let bc = bc10();
    let fitted = Model::parse("adaboost:n_estimators=20")
        .unwrap()
        .fit(&bc)
        .unwrap();
    let acc = accuracy(fitted.as_ref(), &bc);
    let want = f["adaboost_bc"]["train_accuracy"].as_f64().unwrap();
    assert!((acc - want).abs() < 1e-9, "accuracy {acc} vs {want}");
    let p = fitted.predict_proba(bc.x.view()).unwrap().unwrap();
    common::assert_abs_close(
        &p.column(1).iter().take(5).copied().collect::<Vec<_>>(),
        &floats(&f["adaboost_bc"]["proba_first5"]),
        1e-5,
        "proba",
    );
    let iris = classic::iris();
    let fitted = Model::parse("adaboost:n_estimators=10")
        .unwrap()
        .fit(&iris)
        .unwrap();
    let acc = accuracy(fitted.as_ref(), &iris);
    let want = f["adaboost_iris"]["train_accuracy"].as_f64().unwrap();
    assert!((acc - want).abs() < 1e-9, "iris accuracy {acc} vs {want}");
    let rows = iris.select_rows(&[0, 50, 100]);
    let p = fitted.predict_proba(rows.x.view()).unwrap().unwrap();
    let want = matrix(&f["adaboost_iris"]["proba_rows_0_50_100"]);
    for i in 0..3 {
        common::assert_abs_close(
            &p.row(i).to_vec(),
            &want.row(i).to_vec(),
            1e-5,
            "iris proba",
        );
    }
    for spec in ["adaboost:n_estimators=0", "adaboost:learning_rate=0"] {
        assert!(matches!(
            Model::parse(spec).unwrap_err(),
            ModelError::InvalidParam { .. }
        ));
    }
}

#[test]
fn gaussian_mixture_scores_match_scikit_learn() {
    let f = fixtures();
    let iris = classic::iris();
    let g = &f["gmm_iris3"];
    // Our likelihood, BIC and AIC of scikit-learn's fitted mixture equal scikit-learn's.
    let covs: Vec<Array2<f64>> = g["covariances"]
        .as_array()
        .unwrap()
        .iter()
        .map(matrix)
        .collect();
    let mut c3 = Array3::zeros((3, 4, 4));
    for (k, c) in covs.iter().enumerate() {
        c3.index_axis_mut(Axis(0), k).assign(c);
    }
    let fit = GmmFit::new(
        Array1::from(floats(&g["weights"])),
        matrix(&g["means"]),
        c3,
        iris.x.view(),
    )
    .unwrap();
    let rel = |a: f64, b: f64| (a - b).abs() / b.abs();
    assert!(rel(fit.log_likelihood, g["log_likelihood"].as_f64().unwrap()) < 1e-9);
    assert!(rel(fit.bic, g["bic"].as_f64().unwrap()) < 1e-9);
    assert!(rel(fit.aic, g["aic"].as_f64().unwrap()) < 1e-9);

    // linfa's EM reaches the same optimum for three components, and BIC picks the same k.
    let ours = Model::parse("gmm:n_components=3")
        .unwrap()
        .cluster(iris.x.view())
        .unwrap();
    let ClusterFit::Gmm(ours_fit) = &ours.fit else {
        panic!("a mixture")
    };
    assert!(
        (ours_fit.log_likelihood - g["log_likelihood"].as_f64().unwrap()).abs() < 0.5,
        "LL {}",
        ours_fit.log_likelihood
    );
    let bic: Vec<f64> = (1..=5)
        .map(|k| {
            let c = Model::parse(&format!("gmm:n_components={k},n_init=3"))
                .unwrap()
                .cluster(iris.x.view())
                .unwrap();
            let ClusterFit::Gmm(fit) = c.fit else {
                unreachable!()
            };
            fit.bic
        })
        .collect();
    let want = floats(&f["gmm_iris_bic_by_k"]);
    let argmin = |v: &[f64]| (0..v.len()).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap();
    assert_eq!(argmin(&bic), argmin(&want), "BIC {bic:?} vs {want:?}");
    let p = ours.predict_proba(iris.x.view()).unwrap().unwrap();
    assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-9));
    assert_eq!(ours.predict(iris.x.view()).unwrap(), ours.labels);
    assert!(Model::parse("gmm:n_components=151")
        .unwrap()
        .cluster(iris.x.view())
        .is_err());
}

#[test]
fn dbscan_labels_match_scikit_learn() {
    let f = fixtures();
    let iris = standardised(classic::iris());
    for (eps, key) in [(0.5, "dbscan_iris_eps0_5"), (0.8, "dbscan_iris_eps0_8")] {
        let c = Model::parse(&format!("dbscan:eps={eps}"))
            .unwrap()
            .cluster(iris.x.view())
            .unwrap();
        let want: Vec<i64> = f[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert_eq!(c.labels.to_vec(), want, "eps {eps}");
        let dense = c.labels_with_noise_cluster();
        for (d, w) in dense.iter().zip(&want) {
            assert_eq!(*d as i64, if *w < 0 { c.n_clusters as i64 } else { *w });
        }
        assert!(
            c.predict(iris.x.view()).is_err(),
            "DBSCAN cannot assign new rows"
        );
    }
    assert!(matches!(
        Model::parse("dbscan:eps=0").unwrap_err(),
        ModelError::InvalidParam { .. }
    ));
}

#[test]
fn knn_chooses_k_as_grid_search_does() {
    let f = fixtures();
    let iris = standardised(classic::iris());
    let fitted = Model::parse("knn:k=cv").unwrap().fit(&iris).unwrap();
    let text = fitted.describe(&[], &[]).unwrap();
    let best = f["knn_cv_iris"]["best_k"].as_i64().unwrap();
    assert!(text.starts_with(&format!("k = {best} chosen")), "{text}");
    let scores = floats(&f["knn_cv_iris"]["mean_test_score"]);
    for (k, s) in scores.iter().enumerate() {
        assert!(
            text.contains(&format!("k={:<3} {s:.4}", k + 1)),
            "k={} in {text}",
            k + 1
        );
    }
    let diabetes = classic::diabetes();
    let fitted = Model::parse("knn:k=cv").unwrap().fit(&diabetes).unwrap();
    let text = fitted.describe(&[], &[]).unwrap();
    let best = f["knn_cv_diabetes"]["best_k"].as_i64().unwrap();
    assert!(text.starts_with(&format!("k = {best} chosen")), "{text}");
    assert!(matches!(
        Model::parse("knn:k=often").unwrap_err(),
        ModelError::InvalidParam { .. }
    ));
}

/// Points along an arc: the first diffusion coordinate orders them along the curve.
#[test]
fn diffusion_map_unrolls_a_curve() {
    let n = 200;
    let t: Vec<f64> = (0..n).map(|i| 3.0 * i as f64 / n as f64).collect();
    let x = Array2::from_shape_fn((n, 2), |(i, j)| {
        if j == 0 {
            t[i].cos() * (1.0 + t[i])
        } else {
            t[i].sin() * (1.0 + t[i])
        }
    });
    let e = Model::parse("diffusion_map:n_components=2,epsilon=0.05")
        .unwrap()
        .embed(x.view())
        .unwrap();
    assert_eq!(e.coordinates.dim(), (n, 2));
    let first = e.coordinates.column(0);
    let increasing = first.windows(2).into_iter().all(|w| w[1] > w[0]);
    let decreasing = first.windows(2).into_iter().all(|w| w[1] < w[0]);
    assert!(increasing || decreasing, "{first}");
    let again = Model::parse("diffusion_map:n_components=2,epsilon=0.05")
        .unwrap()
        .embed(x.view())
        .unwrap();
    assert_eq!(again, e, "deterministic");
    assert!(e.transform(x.view()).is_err());
    assert!(Model::parse("diffusion_map:n_components=300")
        .unwrap()
        .embed(x.view())
        .is_err());
}

/// A regression table: y = 2·x0 + 10·[site = b] (+ 0 for a, c), x0 with gaps.
fn sites_table() -> Table {
    let n = 12;
    let x0: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let site: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| 2.0 * x0[i] + if site[i] == 1.0 { 10.0 } else { 0.0 })
        .collect();
    let x = Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { x0[i] } else { site[i] });
    let mut t = Table::from_features("sites", x, vec!["x0".into(), "site".into()])
        .unwrap()
        .with_target(ml4ns_data_io::Target::Continuous {
            name: "y".into(),
            values: Array1::from(y),
        })
        .unwrap();
    t.categorical = vec![ml4ns_data_io::Categorical {
        feature: 1,
        levels: vec!["a".into(), "b".into(), "c".into()],
    }];
    t
}

#[test]
fn pipelines_impute_and_one_hot_from_training_rows_only() {
    use ml4ns_models::{Imputation, Pipeline, Scaling};
    let t = sites_table();
    // One-hot makes the site effect exactly learnable by least squares.
    let fitted = Pipeline::new(Model::parse("ols").unwrap()).fit(&t).unwrap();
    let pred = fitted.predict(t.x.view()).unwrap();
    let y = t.target.as_ref().unwrap().as_f64();
    assert!((&pred - &y).iter().all(|d| d.abs() < 1e-8), "{pred}");
    assert_eq!(
        fitted.feature_names(&t.feature_names),
        ["x0", "site=a", "site=b", "site=c"]
    );

    // Gaps: no imputation is an error naming the feature; mean and median use training rows.
    let mut gappy = t.clone();
    gappy.x[[0, 0]] = f64::NAN;
    let err = Pipeline::new(Model::parse("ols").unwrap())
        .fit(&gappy)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("x0") && err.contains("impute"), "{err}");
    assert!(Model::parse("ols").unwrap().fit(&gappy).is_err());
    // Training rows 0..6 (x0 = NaN, 1..5): mean 3, median 3; a test row with a gap gets 3.
    let train = gappy.select_rows(&[0, 1, 2, 3, 4, 5]);
    let test = Array2::from_shape_vec((1, 2), vec![f64::NAN, 1.0]).unwrap();
    for how in [Imputation::Mean, Imputation::Median] {
        let f = Pipeline::new(Model::parse("ols").unwrap())
            .impute(how)
            .fit(&train)
            .unwrap();
        let filled = Array2::from_shape_vec((1, 2), vec![3.0, 1.0]).unwrap();
        assert_eq!(
            f.predict(test.view()).unwrap(),
            f.predict(filled.view()).unwrap(),
            "{how:?}"
        );
    }
    // A level never seen in training sets no indicator (scikit-learn's handle_unknown=ignore);
    // scaling leaves indicators at 0/1 and saving keeps all of it.
    let train = t.select_rows(&(0..12).filter(|i| i % 3 != 2).collect::<Vec<_>>());
    let f = Pipeline::new(Model::parse("ols").unwrap())
        .scaling(Scaling::Standard)
        .impute(Imputation::Median)
        .fit(&train)
        .unwrap();
    assert_eq!(
        f.feature_names(&t.feature_names),
        ["x0", "site=a", "site=b"]
    );
    let unseen = Array2::from_shape_vec((1, 2), vec![4.0, 2.0]).unwrap();
    let p = f.predict(unseen.view()).unwrap()[0];
    assert!(p.is_finite());
    let saved = ml4ns_models::SavedModel::new("ols".into(), "standard".into(), &train, f.as_ref());
    assert_eq!(saved.categories["site"], ["a", "b", "c"]);
    let back = ml4ns_models::SavedModel::from_json(&saved.to_json(), "m.json")
        .unwrap()
        .model
        .into_fitted()
        .unwrap();
    assert_eq!(back.predict(unseen.view()).unwrap()[0], p);
    assert_eq!(
        back.predict(test.view()).unwrap(),
        f.predict(test.view()).unwrap()
    );
    assert!("mode".parse::<Imputation>().is_err());
}
