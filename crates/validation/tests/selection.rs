//! Model selection with small models defined here (the crate takes any model through
//! `Learner`/`Predictor`).

use std::sync::Mutex;

use ml4ns_data_io::{ClassTarget, Table, Target};
use ml4ns_validation::selection::{
    self as sel, BoxError, Learner, Param, ParamGrid, Predictor, Resampled, Resampler, Scoring,
};
use ml4ns_validation::{Cv, RandomState};
use ndarray::{Array1, Array2, ArrayView2};

/// Two features: x0 decides the class (boundary at 0, with label noise), x1 is noise.
fn data(n: usize, minority: f64, seed: u32) -> Table {
    let mut rng = RandomState::new(seed);
    let mut x = Array2::zeros((n, 2));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let class = usize::from(rng.random_sample() < minority);
        x[[i, 0]] = (class as f64 - 0.5) * 2.0 + (rng.random_sample() - 0.5) * 2.5;
        x[[i, 1]] = rng.random_sample();
        y.push(class);
    }
    let target = Target::Classes(ClassTarget {
        name: "y".into(),
        codes: Array1::from(y),
        classes: vec!["0".into(), "1".into()],
        first_seen: vec!["0".into(), "1".into()],
    });
    Table::from_features("synthetic", x, vec!["x0".into(), "x1".into()])
        .unwrap()
        .with_target(target)
        .unwrap()
}

/// Predicts class 1 when x0 > t; probability from a logistic of the margin.
struct Threshold(f64);

impl Predictor for Threshold {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, BoxError> {
        Ok(x.column(0).mapv(|v| f64::from(u8::from(v > self.0))))
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, BoxError> {
        let p1 = x.column(0).mapv(|v| 1.0 / (1.0 + (-(v - self.0)).exp()));
        Ok(Some(Array2::from_shape_fn((x.nrows(), 2), |(i, j)| {
            if j == 1 {
                p1[i]
            } else {
                1.0 - p1[i]
            }
        })))
    }
}

/// A fixed threshold (for grid search), or one fitted as the midpoint of the class means.
struct ThresholdLearner(Option<f64>);

impl Learner for ThresholdLearner {
    fn fit(&self, train: &Table) -> Result<Box<dyn Predictor>, BoxError> {
        if let Some(t) = self.0 {
            return Ok(Box::new(Threshold(t)));
        }
        let c = train.class_target().ok_or("needs classes")?;
        let mean = |k: usize| {
            let v: Vec<f64> = (0..train.n_rows())
                .filter(|&i| c.codes[i] == k)
                .map(|i| train.x[[i, 0]])
                .collect();
            v.iter().sum::<f64>() / v.len().max(1) as f64
        };
        Ok(Box::new(Threshold((mean(0) + mean(1)) / 2.0)))
    }
}

#[test]
fn cross_validate_is_independent_of_thread_count() {
    let table = data(300, 0.4, 1);
    let splits = sel::splits_for(
        &Cv::parse("stratified_kfold:n_splits=5,shuffle=true,random_state=0").unwrap(),
        &table,
    )
    .unwrap();
    let scoring = [Scoring::Accuracy, Scoring::RocAuc, Scoring::F1];
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                sel::cross_validate(&ThresholdLearner(None), &table, &splits, &scoring).unwrap()
            })
    };
    let one = run(1);
    assert_eq!(one, run(4));
    assert_eq!(one.folds.len(), 5);
    let (mean, std) = one.mean_std(Scoring::Accuracy);
    assert!(mean > 0.75 && std < 0.1, "accuracy {mean} ± {std}");
    assert!(one.folds.iter().all(|f| f.n_train + f.n_test == 300));
}

#[test]
fn cross_val_predict_predicts_each_row_out_of_fold() {
    let table = data(120, 0.5, 2);
    let splits = sel::splits_for(&Cv::kfold(4), &table).unwrap();
    let oof = sel::cross_val_predict(&ThresholdLearner(None), &table, &splits).unwrap();
    for s in &splits {
        let model = ThresholdLearner(None)
            .fit(&table.select_rows(&s.train))
            .unwrap();
        let pred = model.predict(table.select_rows(&s.test).x.view()).unwrap();
        for (&i, p) in s.test.iter().zip(pred) {
            assert_eq!(oof[i], p);
        }
    }
    let shuffle = sel::splits_for(
        &Cv::parse("shuffle_split:n_splits=3,test_size=0.3,random_state=0").unwrap(),
        &table,
    )
    .unwrap();
    assert!(sel::cross_val_predict(&ThresholdLearner(None), &table, &shuffle).is_err());
}

#[test]
fn grid_search_finds_the_boundary_and_nested_cv_is_honest() {
    let table = data(400, 0.5, 3);
    let grid = ParamGrid::new().axis("t", [-1.5, -0.5, 0.0, 0.5, 1.5].map(Param::Num).to_vec());
    let make = |p: &sel::Params| -> Result<ThresholdLearner, BoxError> {
        match p["t"] {
            Param::Num(t) => Ok(ThresholdLearner(Some(t))),
            _ => Err("t must be a number".into()),
        }
    };
    let cv = Cv::parse("stratified_kfold:n_splits=5").unwrap();
    let result = sel::grid_search(make, &grid, &table, &cv, Scoring::Accuracy).unwrap();
    assert_eq!(result.results.len(), 5);
    assert_eq!(result.best_params()["t"], Param::Num(0.0));
    let nested =
        sel::nested_cv(make, &grid, &table, &Cv::kfold(4), &cv, Scoring::Accuracy).unwrap();
    assert_eq!(nested.len(), 4);
    assert!(nested
        .iter()
        .all(|f| f.outer_score > 0.7 && f.inner_score > 0.7));
}

#[test]
fn parameter_grid_order_follows_scikit_learn() {
    let grid = ParamGrid::new()
        .axis("c", vec![Param::Num(1.0), Param::Num(10.0)])
        .axis(
            "kernel",
            vec![Param::Text("linear".into()), Param::Text("rbf".into())],
        );
    let points: Vec<String> = grid
        .points()
        .iter()
        .map(|p| format!("{}/{}", p["c"], p["kernel"]))
        .collect();
    assert_eq!(points, ["1/linear", "1/rbf", "10/linear", "10/rbf"]);
}

#[test]
fn curves_show_the_expected_shapes() {
    let table = data(300, 0.5, 4);
    let splits = sel::splits_for(&Cv::kfold(5), &table).unwrap();
    let lc = sel::learning_curve(
        &ThresholdLearner(None),
        &table,
        &splits,
        &[0.1, 0.5, 1.0],
        Scoring::Accuracy,
    )
    .unwrap();
    assert_eq!(
        lc.iter().map(|p| p.x).collect::<Vec<_>>(),
        [24.0, 120.0, 240.0]
    );
    let vc = sel::validation_curve(
        |t| Ok(ThresholdLearner(Some(t))),
        &[-2.0, 0.0, 2.0],
        &table,
        &splits,
        Scoring::Accuracy,
    )
    .unwrap();
    assert!(vc[1].test_mean > vc[0].test_mean && vc[1].test_mean > vc[2].test_mean);
    assert!(sel::learning_curve(
        &ThresholdLearner(None),
        &table,
        &splits,
        &[0.0],
        Scoring::Accuracy
    )
    .is_err());
}

/// Records the class counts of every training set it is fitted on.
struct Counting<'a>(&'a Mutex<Vec<Vec<usize>>>);

impl Learner for Counting<'_> {
    fn fit(&self, train: &Table) -> Result<Box<dyn Predictor>, BoxError> {
        self.0
            .lock()
            .unwrap()
            .push(train.class_target().unwrap().counts());
        ThresholdLearner(None).fit(train)
    }
}

#[test]
fn resampling_happens_inside_training_folds_only() {
    let table = data(200, 0.15, 5);
    let counts = table.class_target().unwrap().counts();
    assert!(counts[1] * 3 < counts[0], "imbalanced: {counts:?}");
    let splits =
        sel::splits_for(&Cv::parse("stratified_kfold:n_splits=4").unwrap(), &table).unwrap();
    for resampler in [
        Resampler::RandomOver { seed: 0 },
        Resampler::RandomUnder { seed: 0 },
        Resampler::Smote { k: 5, seed: 0 },
    ] {
        let seen = Mutex::new(Vec::new());
        let learner = Resampled {
            inner: Counting(&seen),
            resampler,
        };
        let r =
            sel::cross_validate(&learner, &table, &splits, &[Scoring::BalancedAccuracy]).unwrap();
        // Test folds keep their original rows and sizes.
        for (f, s) in r.folds.iter().zip(&splits) {
            assert_eq!(f.n_test, s.test.len());
        }
        // Every training set the model saw was balanced.
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.len(), 4);
        assert!(seen.iter().all(|c| c[0] == c[1]), "{resampler:?}: {seen:?}");
    }
}

#[test]
fn smote_interpolates_between_minority_neighbours() {
    let table = data(100, 0.2, 6);
    let c = table.class_target().unwrap();
    let minority: Vec<usize> = (0..100).filter(|&i| c.codes[i] == 1).collect();
    let (lo, hi) = minority
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &i| {
            (lo.min(table.x[[i, 0]]), hi.max(table.x[[i, 0]]))
        });
    let out = Resampler::Smote { k: 3, seed: 1 }.resample(&table).unwrap();
    let oc = out.class_target().unwrap();
    assert_eq!(oc.counts()[0], oc.counts()[1]);
    for i in 100..out.n_rows() {
        assert_eq!(oc.codes[i], 1);
        assert!(
            out.x[[i, 0]] >= lo && out.x[[i, 0]] <= hi,
            "synthetic row outside the minority hull"
        );
    }
    assert_eq!(
        out,
        Resampler::Smote { k: 3, seed: 1 }.resample(&table).unwrap(),
        "seeded"
    );
}

#[test]
fn balanced_class_weights_follow_scikit_learn() {
    // compute_class_weight("balanced", classes=[0, 1], y=[0, 0, 0, 1]) = [0.6667, 2.0]
    let w = sel::balanced_class_weights(&[0, 0, 0, 1], 2);
    assert!((w[0] - 4.0 / 6.0).abs() < 1e-12 && (w[1] - 2.0).abs() < 1e-12);
}

#[test]
fn permutation_importance_ranks_the_informative_feature_first() {
    let table = data(400, 0.5, 7);
    let model = ThresholdLearner(None).fit(&table).unwrap();
    let imp = sel::permutation_importance(model.as_ref(), &table, Scoring::Accuracy, 5, 0).unwrap();
    assert!(imp[0].0 > 0.2, "x0 importance {:?}", imp[0]);
    assert_eq!(imp[1], (0.0, 0.0), "x1 is never used by the model");
}

#[test]
fn scoring_names_round_trip() {
    for name in ["accuracy", "roc_auc", "neg_mean_squared_error", "f1_macro"] {
        assert_eq!(Scoring::parse(name).unwrap().name(), name);
    }
    assert!(Scoring::parse("acuracy")
        .unwrap_err()
        .to_string()
        .contains("valid: accuracy"));
}
