//! Each model fits and predicts through its spec, agrees with scikit-learn 1.9.1 where the
//! objective is the same (fixtures from `scripts/fixtures/models.py`), and rejects bad
//! hyper-parameters with errors, not panics.

use ml4ns_data_io::{classic, Table};
use ml4ns_models::{Model, ModelError, ModelSpec, MODELS};
use ndarray::{Array1, Array2};
use serde_json::Value;

mod common;
use common::{assert_close, floats, matrix};

fn fixtures() -> Value {
    common::fixture("sklearn_models.json")
}

/// Standardise with scikit-learn's fitted mean and scale.
fn standardised(mut t: Table, f: &Value) -> Table {
    let (mean, scale) = (floats(&f["mean"]), floats(&f["scale"]));
    for (j, mut col) in t.x.columns_mut().into_iter().enumerate() {
        col.mapv_inplace(|v| (v - mean[j]) / scale[j]);
    }
    t
}

/// Coefficients of a linear model, recovered from predictions on unit vectors.
fn linear_coefficients(fitted: &dyn ml4ns_models::Fitted, p: usize) -> (Vec<f64>, f64) {
    let zero = Array2::<f64>::zeros((1, p));
    let b = fitted.predict(zero.view()).unwrap()[0];
    let eye = Array2::<f64>::eye(p);
    let coef = fitted
        .predict(eye.view())
        .unwrap()
        .iter()
        .map(|v| v - b)
        .collect();
    (coef, b)
}

fn accuracy(pred: &Array1<f64>, t: &Table) -> f64 {
    let c = t.class_target().unwrap();
    pred.iter()
        .zip(&c.codes)
        .filter(|(p, &y)| **p as usize == y)
        .count() as f64
        / t.n_rows() as f64
}

#[test]
fn linear_models_match_scikit_learn_on_diabetes() {
    let f = &fixtures()["diabetes"];
    let t = classic::diabetes();
    for (spec, key, tol) in [
        ("ols", "ols", 1e-8),
        ("ridge:alpha=1.0", "ridge_1", 1e-5),
        ("ridge:alpha=0.1", "ridge_0_1", 1e-5),
        (
            "lasso:alpha=0.1,tol=1e-10,max_iter=100000",
            "lasso_0_1",
            1e-4,
        ),
        (
            "elastic_net:alpha=0.01,l1_ratio=0.5,tol=1e-10,max_iter=100000",
            "enet_0_01_0_5",
            1e-4,
        ),
    ] {
        let fitted = Model::parse(spec).unwrap().fit(&t).unwrap();
        let (coef, b) = linear_coefficients(fitted.as_ref(), t.n_features());
        assert_close(&coef, &floats(&f[key]["coef"]), tol, key);
        assert_close(&[b], &[f[key]["intercept"].as_f64().unwrap()], tol, key);
    }
}

#[test]
fn logistic_regression_matches_scikit_learn() {
    let all = fixtures();
    let f = &all["breast_cancer_mean10"];
    let mut t = classic::breast_cancer();
    t.x = t.x.slice(ndarray::s![.., ..10]).to_owned();
    t.feature_names.truncate(10);
    let t = standardised(t, f);
    for (spec, key) in [
        ("logistic:c=1.0,tol=1e-8,max_iter=10000", "logistic_c1"),
        ("logistic:c=0.1,tol=1e-8,max_iter=10000", "logistic_c0_1"),
    ] {
        let fitted = Model::parse(spec).unwrap().fit(&t).unwrap();
        let proba = fitted.predict_proba(t.x.view()).unwrap().unwrap();
        let p1: Vec<f64> = (0..5).map(|i| proba[[i, 1]]).collect();
        assert_close(&p1, &floats(&f[key]["proba_first5"]), 1e-3, key);
        let acc = accuracy(&fitted.predict(t.x.view()).unwrap(), &t);
        assert!(
            (acc - f[key]["train_accuracy"].as_f64().unwrap()).abs() <= 2.0 / 569.0,
            "{key}: {acc}"
        );
    }
    // Multinomial on iris.
    let f = &all["iris"];
    let t = standardised(classic::iris(), f);
    let fitted = Model::parse("logistic:c=1.0,tol=1e-8,max_iter=10000")
        .unwrap()
        .fit(&t)
        .unwrap();
    let proba = fitted.predict_proba(t.x.view()).unwrap().unwrap();
    let want = matrix(&f["logistic_c1"]["proba_first3"]);
    for i in 0..3 {
        assert_close(
            &proba.row(i).to_vec(),
            &want.row(i).to_vec(),
            1e-3,
            "iris multinomial",
        );
    }
}

#[test]
fn naive_bayes_knn_and_tree_match_scikit_learn_on_iris() {
    let f = &fixtures()["iris"];
    let raw = classic::iris();
    let rows = [0usize, 50, 100];
    let pick = |t: &Table| t.x.select(ndarray::Axis(0), &rows);
    let gnb = Model::parse("gaussian_nb").unwrap().fit(&raw).unwrap();
    let p = gnb.predict_proba(pick(&raw).view()).unwrap().unwrap();
    let want = matrix(&f["gnb_proba_rows_0_50_100"]);
    for i in 0..3 {
        assert_close(
            &p.row(i).to_vec(),
            &want.row(i).to_vec(),
            1e-6,
            "gaussian_nb",
        );
    }
    assert_eq!(
        accuracy(&gnb.predict(raw.x.view()).unwrap(), &raw),
        f["gnb_train_accuracy"].as_f64().unwrap()
    );

    let t = standardised(classic::iris(), f);
    let knn = Model::parse("knn:k=5").unwrap().fit(&t).unwrap();
    assert_eq!(
        accuracy(&knn.predict(t.x.view()).unwrap(), &t),
        f["knn5_train_accuracy"].as_f64().unwrap()
    );
    let p = knn.predict_proba(pick(&t).view()).unwrap().unwrap();
    let want = matrix(&f["knn5_proba_rows_0_50_100"]);
    for i in 0..3 {
        assert_close(
            &p.row(i).to_vec(),
            &want.row(i).to_vec(),
            1e-12,
            "knn proba",
        );
    }
    let knn_d = Model::parse("knn:k=5,weights=distance")
        .unwrap()
        .fit(&t)
        .unwrap();
    assert_eq!(accuracy(&knn_d.predict(t.x.view()).unwrap(), &t), 1.0);

    // scikit-learn's unrestricted tree fits iris perfectly (1.0); linfa-trees 0.8.1 stops three
    // samples short (0.98, measured). Likely cause, not yet confirmed: linfa prunes sibling
    // leaves that predict the same class after fitting (a max_depth=3 tree comes out depth 2).
    let tree = Model::parse("decision_tree").unwrap().fit(&raw).unwrap();
    let acc = accuracy(&tree.predict(raw.x.view()).unwrap(), &raw);
    assert!(acc >= 0.98, "full tree train accuracy {acc}");
    assert_eq!(f["tree_train_accuracy"].as_f64().unwrap(), 1.0);
    let stump = Model::parse("decision_tree:max_depth=2")
        .unwrap()
        .fit(&raw)
        .unwrap();
    let acc = accuracy(&stump.predict(raw.x.view()).unwrap(), &raw);
    assert!(
        (acc - f["tree_depth2_train_accuracy"].as_f64().unwrap()).abs() < 0.02,
        "depth-2 tree {acc}"
    );
}

#[test]
fn knn_regression_matches_scikit_learn() {
    let f = &fixtures()["knn_regression"];
    let t = classic::diabetes();
    let first5 = t.x.slice(ndarray::s![..5, ..]).to_owned();
    for (spec, key) in [
        ("knn:k=5", "pred_first5"),
        ("knn:k=5,weights=distance", "distance_pred_first5"),
    ] {
        let fitted = Model::parse(spec).unwrap().fit(&t).unwrap();
        assert_close(
            &fitted.predict(first5.view()).unwrap().to_vec(),
            &floats(&f[key]),
            1e-9,
            key,
        );
    }
}

#[test]
fn bad_specs_and_data_are_errors_not_panics() {
    let e = Model::parse("random_florest").unwrap_err();
    assert!(matches!(e, ModelError::UnknownModel { .. }));
    assert!(e.to_string().contains("valid models: ols, ridge"), "{e}");
    let e = Model::parse("knn:neighbours=3").unwrap_err();
    assert!(
        e.to_string().contains("valid parameters: k, weights"),
        "{e}"
    );
    for spec in [
        "ridge:alpha=-1",
        "lasso:alpha=0",
        "elastic_net:l1_ratio=1.5",
        "logistic:c=0",
        "logistic:penalty=l1",
        "gaussian_nb:var_smoothing=-1",
        "multinomial_nb:alpha=0",
        "bernoulli_nb:binarize=high",
        "decision_tree:criterion=mse",
        "decision_tree:max_depth=0",
        "knn:k=0",
        "knn:weights=inverse",
        "ols:fit_intercept=maybe",
        "knn:k=abc",
    ] {
        let e = Model::parse(spec).unwrap_err();
        assert!(matches!(e, ModelError::InvalidParam { .. }), "{spec}: {e}");
    }
    // Task mismatches and shapes.
    let iris = classic::iris();
    let diabetes = classic::diabetes();
    let fit_error = |spec: &str, t: &Table| match Model::parse(spec).unwrap().fit(t) {
        Ok(_) => panic!("{spec} should not fit"),
        Err(e) => e.to_string(),
    };
    assert!(fit_error("ols", &iris).contains("class labels"));
    assert!(fit_error("logistic", &diabetes).contains("continuous"));
    assert!(fit_error("knn:k=500", &iris).contains("larger than"));
    let fitted = Model::parse("knn").unwrap().fit(&iris).unwrap();
    let wrong = Array2::<f64>::zeros((2, 3));
    assert!(matches!(
        fitted.predict(wrong.view()).unwrap_err(),
        ModelError::Shape { .. }
    ));
    let fitted = Model::parse("logistic").unwrap().fit(&iris).unwrap();
    assert!(fitted.predict_proba(wrong.view()).is_err());
}

#[test]
fn every_registered_model_fits_with_its_defaults() {
    let iris = classic::iris();
    let diabetes = classic::diabetes();
    for info in MODELS {
        let spec = ModelSpec::parse(info.name).unwrap();
        assert!(spec.to_string().starts_with(info.name));
        let model = Model::from_spec(&spec).unwrap();
        if matches!(
            info.task,
            ml4ns_models::Task::Clustering | ml4ns_models::Task::Embedding
        ) {
            assert!(model.fit(&iris).is_err(), "{} is unsupervised", info.name);
            let ok = if info.task == ml4ns_models::Task::Clustering {
                model.cluster(iris.x.view()).map(|c| c.labels.len())
            } else {
                model.embed(iris.x.view()).map(|e| e.coordinates.nrows())
            };
            assert_eq!(ok.unwrap_or_else(|e| panic!("{}: {e}", info.name)), 150);
            continue;
        }
        let data = match info.task {
            ml4ns_models::Task::Regression => &diabetes,
            _ => &iris,
        };
        let fitted = model
            .fit(data)
            .unwrap_or_else(|e| panic!("{}: {e}", info.name));
        assert_eq!(fitted.predict(data.x.view()).unwrap().len(), data.n_rows());
    }
    // The canonical form lists every key.
    assert_eq!(
        ModelSpec::parse("knn:k=7").unwrap().to_string(),
        "knn:k=7,k_max=30,weights=uniform"
    );
}

#[test]
fn count_and_binary_naive_bayes_classify_digits() {
    let digits = classic::digits();
    for (spec, floor) in [("multinomial_nb", 0.85), ("bernoulli_nb:binarize=8.0", 0.8)] {
        let fitted = Model::parse(spec).unwrap().fit(&digits).unwrap();
        let acc = accuracy(&fitted.predict(digits.x.view()).unwrap(), &digits);
        assert!(acc > floor, "{spec}: training accuracy {acc}");
        let p = fitted.predict_proba(digits.x.view()).unwrap().unwrap();
        assert_eq!(p.ncols(), 10);
        assert!(p
            .rows()
            .into_iter()
            .all(|r| (r.sum() - 1.0).abs() < 1e-9 && r.iter().all(|v| v.is_finite())));
    }
    // Counts cannot be negative.
    let mut shifted = classic::iris();
    shifted.x[[3, 1]] = -1.0;
    let e = match Model::parse("multinomial_nb").unwrap().fit(&shifted) {
        Ok(_) => panic!("negative counts accepted"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains("non-negative") && e.contains("row 4"), "{e}");
}

#[test]
fn decision_tree_explains_itself() {
    let iris = classic::iris();
    let fitted = Model::parse("decision_tree:max_depth=2")
        .unwrap()
        .fit(&iris)
        .unwrap();
    let imp = fitted.feature_importance().unwrap();
    assert_eq!(imp.len(), 4);
    assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    // Petal measurements separate iris; sepal ones do not at depth 2.
    assert!(imp[2] + imp[3] > 0.99, "{imp:?}");
    let classes = &iris.class_target().unwrap().classes;
    let text = fitted.describe(&iris.feature_names, classes).unwrap();
    assert!(text.starts_with("if petal"), "{text}");
    assert!(text.contains("class setosa"), "{text}");
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with("class "))
            .count()
            >= 3,
        "{text}"
    );
    // Models without rules say so.
    let knn = Model::parse("knn").unwrap().fit(&iris).unwrap();
    assert!(knn.describe(&iris.feature_names, classes).is_none());
    assert!(knn.feature_importance().is_none());
}

#[test]
fn every_model_saves_and_loads_to_identical_predictions() {
    use ml4ns_models::{Pipeline, SavedModel, Scaling};
    let iris = classic::iris();
    let diabetes = classic::diabetes();
    for info in MODELS {
        let data = match info.task {
            ml4ns_models::Task::Regression => &diabetes,
            ml4ns_models::Task::Clustering | ml4ns_models::Task::Embedding => continue,
            _ => &iris,
        };
        for scaling in [Scaling::None, Scaling::Standard] {
            if info.name == "multinomial_nb" && scaling == Scaling::Standard {
                continue; // counts cannot be negative
            }
            let pipeline = Pipeline::new(Model::parse(info.name).unwrap()).scaling(scaling);
            let fitted = pipeline.fit(data).unwrap();
            let saved = SavedModel::new(
                info.name.into(),
                format!("{scaling:?}"),
                data,
                fitted.as_ref(),
            );
            let json = saved.to_json();
            let loaded = SavedModel::from_json(&json, "model.json").unwrap();
            assert_eq!(loaded.feature_names, data.feature_names);
            let again = loaded.model.into_fitted().unwrap();
            assert_eq!(
                fitted.predict(data.x.view()).unwrap(),
                again.predict(data.x.view()).unwrap(),
                "{}",
                info.name
            );
            assert_eq!(
                fitted.predict_proba(data.x.view()).unwrap(),
                again.predict_proba(data.x.view()).unwrap(),
                "{}",
                info.name
            );
        }
    }
    for (text, what) in [
        ("{", "not a JSON model file"),
        ("{\"format\": \"other\"}", "not an ml4ns-model file"),
        (
            "{\"format\": \"ml4ns-model\", \"version\": 99}",
            "version Some(99) is not supported",
        ),
        (
            "{\"format\": \"ml4ns-model\", \"version\": 1}",
            "malformed model file",
        ),
    ] {
        let e = SavedModel::from_json(text, "m.json")
            .err()
            .expect("rejected")
            .to_string();
        assert!(e.contains(what) && e.contains("m.json"), "{e}");
    }
}

/// Refitting gives the same model: reports must not change between runs. linfa-trees breaks
/// modal-class ties through a HashMap (random order), so leaves with tied classes are the risk;
/// the rings cohort with a shallow tree has such leaves.
#[test]
fn refits_are_deterministic() {
    let rings = ml4ns_data_io::synth::concentric_rings(300, 3)
        .table()
        .unwrap();
    let iris = classic::iris();
    for (spec, data) in [
        ("decision_tree:max_depth=1", &rings),
        ("decision_tree:max_depth=2", &iris),
        ("knn:k=4", &rings),
        ("gaussian_nb", &iris),
        ("logistic", &rings),
    ] {
        let first = Model::parse(spec)
            .unwrap()
            .fit(data)
            .unwrap()
            .predict(data.x.view())
            .unwrap();
        for _ in 0..20 {
            let again = Model::parse(spec)
                .unwrap()
                .fit(data)
                .unwrap()
                .predict(data.x.view())
                .unwrap();
            assert_eq!(first, again, "{spec}");
        }
    }
}

/// scikit-learn: `KMeans(3, n_init=10).fit(iris).inertia_` = 78.851 with clusters of 50/62/38;
/// `PCA(2).fit(iris)`: explained variance ratio [0.92461872, 0.05306648], explained variance
/// [4.22824171, 0.24267075], first axis [0.36138659, -0.08452251, 0.85667061, 0.3582892].
#[test]
fn kmeans_and_pca_match_scikit_learn_on_iris() {
    let iris = classic::iris();
    let clustering = Model::parse("kmeans:k=3")
        .unwrap()
        .cluster(iris.x.view())
        .unwrap();
    let ml4ns_models::ClusterFit::KMeans { inertia, .. } = clustering.fit else {
        panic!("k-means")
    };
    assert!((inertia - 78.851).abs() < 0.01, "inertia {inertia}");
    let mut sizes = vec![0; 3];
    clustering
        .labels
        .iter()
        .for_each(|&l| sizes[l as usize] += 1);
    sizes.sort_unstable();
    assert_eq!(sizes, [38, 50, 62]);
    assert_eq!(
        clustering.predict(iris.x.view()).unwrap(),
        clustering.labels
    );
    let again = Model::parse("kmeans:k=3")
        .unwrap()
        .cluster(iris.x.view())
        .unwrap();
    assert_eq!(again, clustering, "seeded");

    let pca = Model::parse("pca:n_components=2")
        .unwrap()
        .embed(iris.x.view())
        .unwrap();
    assert_close(
        &pca.explained_variance_ratio.clone().unwrap().to_vec(),
        &[0.92461872, 0.05306648],
        1e-7,
        "ratio",
    );
    assert_close(
        &pca.eigenvalues.to_vec(),
        &[4.22824171, 0.24267075],
        1e-7,
        "variance",
    );
    assert_close(
        &pca.projection.as_ref().unwrap().components.row(0).to_vec(),
        &[0.36138659, -0.08452251, 0.85667061, 0.3582892],
        1e-7,
        "axis 1",
    );
    let z = pca.transform(iris.x.view()).unwrap();
    assert_eq!(z.dim(), (150, 2));
    assert!(z.column(0).mean().unwrap().abs() < 1e-12);
    assert!((&z - &pca.coordinates).iter().all(|d| d.abs() < 1e-12));

    // Errors, not panics.
    assert!(Model::parse("kmeans:k=151")
        .unwrap()
        .cluster(iris.x.view())
        .is_err());
    assert!(Model::parse("pca:n_components=5")
        .unwrap()
        .embed(iris.x.view())
        .is_err());
    assert!(Model::parse("pca").unwrap().cluster(iris.x.view()).is_err());
    assert!(matches!(
        Model::parse("kmeans:k=0").unwrap_err(),
        ModelError::InvalidParam { .. }
    ));
    let wrong = Array2::<f64>::zeros((1, 3));
    assert!(pca.transform(wrong.view()).is_err() && clustering.predict(wrong.view()).is_err());
}

#[test]
fn polynomial_features_follow_scikit_learn_and_fit_curves() {
    use ml4ns_models::polynomial_features;
    let x = Array2::from_shape_vec((1, 2), vec![2.0, 3.0]).unwrap();
    // PolynomialFeatures(2, include_bias=False): a, b, a², ab, b².
    assert_eq!(
        polynomial_features(x.view(), 2).row(0).to_vec(),
        [2.0, 3.0, 4.0, 6.0, 9.0]
    );
    assert_eq!(
        polynomial_features(x.view(), 3).row(0).to_vec(),
        [2.0, 3.0, 4.0, 6.0, 9.0, 8.0, 12.0, 18.0, 27.0]
    );
    // y = 1 + 2x − 3x² is fitted exactly at degree 2, not at degree 1.
    let xs: Vec<f64> = (0..30).map(|i| i as f64 / 10.0 - 1.5).collect();
    let y: Array1<f64> = xs.iter().map(|x| 1.0 + 2.0 * x - 3.0 * x * x).collect();
    let t = Table::from_features(
        "curve",
        Array2::from_shape_vec((30, 1), xs).unwrap(),
        vec!["x".into()],
    )
    .unwrap()
    .with_target(ml4ns_data_io::Target::Continuous {
        name: "y".into(),
        values: y.clone(),
    })
    .unwrap();
    let sse = |spec: &str| {
        let pred = Model::parse(spec)
            .unwrap()
            .fit(&t)
            .unwrap()
            .predict(t.x.view())
            .unwrap();
        (&pred - &y).mapv(|e| e * e).sum()
    };
    assert!(
        sse("polynomial:degree=2") < 1e-18,
        "degree 2 sse {}",
        sse("polynomial:degree=2")
    );
    assert!(sse("polynomial:degree=1") > 10.0);
    assert!(
        sse("polynomial:degree=2,alpha=1.0") > sse("polynomial:degree=2"),
        "ridge shrinks"
    );
    assert!(matches!(
        Model::parse("polynomial:degree=0").unwrap_err(),
        ModelError::InvalidParam { .. }
    ));
}

#[test]
fn svm_kernels_separate_rings_and_classes() {
    let rings = ml4ns_data_io::synth::concentric_rings(300, 5)
        .table()
        .unwrap();
    let acc_of = |spec: &str, t: &Table| {
        let fitted = Model::parse(spec).unwrap().fit(t).unwrap();
        accuracy(&fitted.predict(t.x.view()).unwrap(), t)
    };
    // A radial kernel separates concentric rings; a straight line cannot.
    let rbf = acc_of("svm:kernel=rbf", &rings);
    let linear = acc_of("svm:kernel=linear", &rings);
    let poly = acc_of("svm:kernel=poly,degree=2", &rings);
    assert!(rbf > 0.97, "rbf {rbf}");
    assert!(poly > 0.97, "poly degree 2 {poly}");
    assert!(linear < 0.7, "linear {linear}");
    // Three classes, one-vs-rest.
    let iris = standardised(classic::iris(), &fixtures()["iris"]);
    assert!(acc_of("svm", &iris) > 0.93);
    let fitted = Model::parse("svm:gamma=0.5").unwrap().fit(&iris).unwrap();
    let p = fitted.predict_proba(iris.x.view()).unwrap().unwrap();
    assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-9));
    for spec in [
        "svm:c=0",
        "svm:gamma=-1",
        "svm:gamma=often",
        "svm:kernel=rbf2",
    ] {
        assert!(
            matches!(
                Model::parse(spec).unwrap_err(),
                ModelError::InvalidParam { .. }
            ),
            "{spec}"
        );
    }
}

#[test]
fn forests_generalise_and_are_seeded() {
    let bc = classic::breast_cancer();
    let train_rows: Vec<usize> = (0..bc.n_rows()).filter(|i| i % 3 != 0).collect();
    let test_rows: Vec<usize> = (0..bc.n_rows()).filter(|i| i % 3 == 0).collect();
    let (train, test) = (bc.select_rows(&train_rows), bc.select_rows(&test_rows));
    for spec in ["random_forest:n_trees=50", "bagging:n_trees=30"] {
        let fitted = Model::parse(spec).unwrap().fit(&train).unwrap();
        let acc = accuracy(&fitted.predict(test.x.view()).unwrap(), &test);
        assert!(acc > 0.92, "{spec}: held-out accuracy {acc}");
        let p = fitted.predict_proba(test.x.view()).unwrap().unwrap();
        assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-9));
        let imp = fitted.feature_importance().unwrap();
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let again = Model::parse(spec).unwrap().fit(&train).unwrap();
        assert_eq!(
            p,
            again.predict_proba(test.x.view()).unwrap().unwrap(),
            "{spec} seeded"
        );
    }
    let a = Model::parse("random_forest:n_trees=20,seed=1")
        .unwrap()
        .fit(&train)
        .unwrap();
    let b = Model::parse("random_forest:n_trees=20,seed=2")
        .unwrap()
        .fit(&train)
        .unwrap();
    assert_ne!(
        a.predict_proba(test.x.view()).unwrap(),
        b.predict_proba(test.x.view()).unwrap()
    );
    for spec in [
        "random_forest:n_trees=0",
        "random_forest:max_features=half",
        "bagging:max_depth=0",
        "bagging:max_samples=0",
        "bagging:max_samples=1.5",
        "bagging:max_features=1.5",
        "bagging:bootstrap=maybe",
    ] {
        assert!(
            matches!(
                Model::parse(spec).unwrap_err(),
                ModelError::InvalidParam { .. }
            ),
            "{spec}"
        );
    }
}

#[test]
fn lasso_path_shrinks_to_zero_and_passes_through_scikit_learn() {
    use ml4ns_models::elastic_net_path;
    let f = &fixtures()["diabetes"];
    let t = classic::diabetes();
    let alphas = [0.01, 0.1, 1.0, 10.0, 100.0];
    let path = elastic_net_path(&t, 1.0, &alphas).unwrap();
    assert_eq!(path.len(), 5);
    let nonzero: Vec<usize> = path
        .iter()
        .map(|(_, c, _)| c.iter().filter(|v| v.abs() > 1e-12).count())
        .collect();
    assert!(
        nonzero.windows(2).all(|w| w[0] >= w[1]),
        "active set shrinks: {nonzero:?}"
    );
    assert_eq!(nonzero[4], 0, "alpha=100 removes every feature");
    // At alpha = 0.1 the path equals scikit-learn's Lasso(alpha=0.1).
    assert_close(
        &path[1].1,
        &floats(&f["lasso_0_1"]["coef"]),
        1e-4,
        "lasso path at 0.1",
    );
    assert_close(
        &[path[1].2],
        &[f["lasso_0_1"]["intercept"].as_f64().unwrap()],
        1e-6,
        "intercept",
    );
    // Linear models expose coefficients; others do not.
    let ols = Model::parse("ols").unwrap().fit(&t).unwrap();
    assert_close(
        &ols.coefficients().unwrap().0,
        &floats(&f["ols"]["coef"]),
        1e-8,
        "ols coef",
    );
    assert!(Model::parse("knn")
        .unwrap()
        .fit(&t)
        .unwrap()
        .coefficients()
        .is_none());
}

#[test]
fn bagging_variants_pasting_subspaces_and_out_of_bag() {
    let bc = classic::breast_cancer();
    let cv = |spec: &str| -> f64 {
        // 3 interleaved folds.
        let mut right = 0usize;
        for f in 0..3 {
            let tr: Vec<usize> = (0..bc.n_rows()).filter(|i| i % 3 != f).collect();
            let te: Vec<usize> = (0..bc.n_rows()).filter(|i| i % 3 == f).collect();
            let (train, test) = (bc.select_rows(&tr), bc.select_rows(&te));
            let fitted = Model::parse(spec).unwrap().fit(&train).unwrap();
            right += (accuracy(&fitted.predict(test.x.view()).unwrap(), &test)
                * test.n_rows() as f64)
                .round() as usize;
        }
        right as f64 / bc.n_rows() as f64
    };
    // Bootstrap leaves about a third of the rows out of each tree: the out-of-bag accuracy is
    // an honest estimate, close to cross-validation's.
    let bagged = Model::parse("bagging:n_trees=40")
        .unwrap()
        .fit(&bc)
        .unwrap();
    let oob = bagged.oob_score().expect("bootstrap leaves rows out");
    let cv_acc = cv("bagging:n_trees=40");
    assert!((oob - cv_acc).abs() < 0.04, "oob {oob} vs cv {cv_acc}");
    assert!(oob < 0.999, "out-of-bag rows are not training predictions");
    // Pasting every row leaves nothing out of bag; pasting half does.
    let all = Model::parse("bagging:n_trees=5,bootstrap=false")
        .unwrap()
        .fit(&bc)
        .unwrap();
    assert_eq!(all.oob_score(), None);
    let half = Model::parse("bagging:n_trees=40,bootstrap=false,max_samples=0.5")
        .unwrap()
        .fit(&bc)
        .unwrap();
    assert!(half.oob_score().unwrap() > 0.9);
    // Random subspaces: one tree on half the features uses at most 15 of the 30.
    let one = Model::parse("bagging:n_trees=1,bootstrap=false,max_features=0.5")
        .unwrap()
        .fit(&bc)
        .unwrap();
    let used = one
        .feature_importance()
        .unwrap()
        .iter()
        .filter(|&&v| v > 0.0)
        .count();
    assert!((1..=15).contains(&used), "{used} features used");
    assert!(cv("bagging:n_trees=30,bootstrap=false,max_features=0.5") > 0.92);
}

#[test]
fn adaboost_survives_confident_rounds() {
    // This training split once made linfa-trees panic (a leaf lighter than its f32 rounding
    // error scored an empty class table) after many confident boosting rounds.
    let bc = classic::breast_cancer();
    let y: Vec<usize> = bc.class_target().unwrap().codes.to_vec();
    let split = ml4ns_validation::Cv::parse(
        "stratified_shuffle_split:n_splits=1,test_size=0.25,random_state=42",
    )
    .unwrap()
    .split(bc.n_rows(), Some(&y), None)
    .unwrap()
    .remove(0);
    let (train, test) = (bc.select_rows(&split.train), bc.select_rows(&split.test));
    let fitted = Model::parse("adaboost:n_estimators=50")
        .unwrap()
        .fit(&train)
        .unwrap();
    assert!(accuracy(&fitted.predict(test.x.view()).unwrap(), &test) > 0.93);
}
