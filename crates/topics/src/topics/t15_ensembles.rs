//! 15 — ensembles: bagging, pasting, random subspaces, random forests and AdaBoost; the
//! out-of-bag estimate; how many trees; and why averaging trees lowers variance.

use ml4ns_data_io::{classic, synth};
use ml4ns_models::Model;
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::selection::{cross_validate, mean_std, splits_for, Scoring};
use ml4ns_validation::Cv;

use crate::common::{accuracy, fit, one_split, train_test};
use crate::{Context, TopicError};

const ID: &str = "15-ensembles";
const SPLIT: &str = "stratified_shuffle_split:n_splits=1,test_size=0.25,random_state=42";
const CV: &str = "stratified_kfold:n_splits=5,shuffle=true,random_state=0";

/// The ensembles compared, as (name, what it does, spec).
const METHODS: [(&str, &str, &str); 7] = [
    ("single tree", "one unrestricted CART", "decision_tree"),
    (
        "bagging",
        "50 trees, each on a bootstrap sample of the rows",
        "bagging:n_trees=50,seed=0",
    ),
    (
        "pasting",
        "50 trees, each on half the rows drawn without replacement",
        "bagging:n_trees=50,bootstrap=false,max_samples=0.5,seed=0",
    ),
    (
        "random subspaces",
        "50 trees, all rows, each on half the features",
        "bagging:n_trees=50,bootstrap=false,max_features=0.5,seed=0",
    ),
    (
        "random patches",
        "50 trees, bootstrap rows and half the features",
        "bagging:n_trees=50,max_features=0.5,seed=0",
    ),
    (
        "random forest",
        "100 trees, bootstrap rows, √p candidate features at every split",
        "random_forest:n_trees=100,seed=0",
    ),
    (
        "AdaBoost",
        "50 boosted stumps (SAMME)",
        "adaboost:n_estimators=50",
    ),
];

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Ensembles",
        "Does combining many trees beat one tree, which way of perturbing the trees works, how \
         many trees are enough, and can the training rows themselves estimate accuracy?",
    );
    report.data = format!(
        "- scikit-learn's breast cancer dataset (569 tumours, 30 features, 212 malignant); a \
         stratified 75/25 train/test split (`{SPLIT}`) and stratified 5-fold CV on all rows \
         (`{CV}`).\n\
         - Noisy `moons` (noise 0.35) for the variance experiment: 30 independent training \
         sets of 200 points (seeds {seed}+1 … {seed}+30), each model scored on one fixed test \
         set of 2,000 points (seed {seed}+1000).\n\
         - Trees are this project's CARTs, grown as scikit-learn grows them. The ensembles \
         draw rows, features and per-split feature candidates from their own seeded stream, \
         not NumPy's, so scores are close to, not equal to, scikit-learn's.\n",
        seed = synth::COMMITTED_SEED
    );

    let bc = classic::breast_cancer();
    let split = one_split(SPLIT, &bc)?;
    let (train, test) = train_test(&bc, &split);
    let splits = splits_for(&Cv::parse(CV)?, &bc)?;

    // Method table.
    let mut table = T::new([
        "method",
        "what varies between trees",
        "test accuracy",
        "out-of-bag accuracy",
        "5-fold CV accuracy",
    ]);
    let mut results: Vec<(&str, f64, f64, Option<f64>)> = Vec::new();
    for (name, what, spec) in METHODS {
        let fitted = fit(spec, &train)?;
        let test_acc = accuracy(fitted.as_ref(), &test)?;
        let oob = fitted.oob_score();
        let model = Model::parse(spec)?;
        let cv = cross_validate(&model, &bc, &splits, &[Scoring::Accuracy])?;
        let (mean, sd) = cv.mean_std(Scoring::Accuracy);
        table.push([
            format!("{name} (`{spec}`)"),
            what.to_string(),
            fixed(test_acc, 3),
            oob.map_or("—".to_string(), |v| fixed(v, 3)),
            format!("{} ± {}", fixed(mean, 3), fixed(sd, 3)),
        ]);
        results.push((name, test_acc, mean, oob));
    }
    let get = |n: &str| results.iter().find(|r| r.0 == n).expect("listed above");
    let tree_cv = get("single tree").2;
    for name in ["bagging", "random forest", "AdaBoost"] {
        report.checks.push(Check::greater(
            format!("{name} beats a single tree in 5-fold CV accuracy"),
            (name, get(name).2),
            ("tree", tree_cv),
            3,
        ));
    }
    let (_, _, bag_cv, bag_oob) = *get("bagging");
    let bag_oob = bag_oob.ok_or("bagging has no out-of-bag score")?;
    report.checks.push(Check::close(
        "bagging's out-of-bag accuracy (training rows only) is within 0.03 of 5-fold CV",
        bag_oob,
        bag_cv,
        0.03,
        3,
    ));
    report.checks.push(Check::equal(
        "pasting every row (no bootstrap, all rows) leaves nothing out of bag",
        format!(
            "{:?}",
            fit("bagging:n_trees=5,bootstrap=false", &train)?.oob_score()
        ),
        "None",
    ));
    let forest = results
        .iter()
        .find(|r| r.0 == "random forest")
        .expect("listed");
    report
        .metrics
        .push(Metric::new("random forest 5-fold CV accuracy", forest.2, 3));
    report
        .metrics
        .push(Metric::new("single tree 5-fold CV accuracy", tree_cv, 3));
    report
        .metrics
        .push(Metric::new("bagging out-of-bag accuracy", bag_oob, 3));

    // Number of trees.
    let sizes = [1usize, 2, 3, 5, 10, 20, 30, 50, 75, 100];
    let (mut test_curve, mut oob_curve) = (Vec::new(), Vec::new());
    let mut trees_table = T::new(["trees", "test accuracy", "out-of-bag accuracy"]);
    for &n in &sizes {
        let f = fit(&format!("random_forest:n_trees={n},seed=0"), &train)?;
        let acc = accuracy(f.as_ref(), &test)?;
        let oob = f
            .oob_score()
            .ok_or("a bootstrap forest has out-of-bag rows")?;
        test_curve.push((n as f64, acc));
        oob_curve.push((n as f64, oob));
        trees_table.push([n.to_string(), fixed(acc, 3), fixed(oob, 3)]);
    }
    let oob_first = oob_curve[0].1;
    let oob_last = oob_curve[oob_curve.len() - 1].1;
    report.checks.push(Check::greater(
        "out-of-bag accuracy rises from 1 tree to 100",
        ("100 trees", oob_last),
        ("1 tree", oob_first),
        3,
    ));
    let tail: Vec<f64> = oob_curve
        .iter()
        .filter(|(n, _)| *n >= 30.0)
        .map(|p| p.1)
        .collect();
    let spread = tail.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
        - tail.iter().cloned().fold(f64::INFINITY, f64::min);
    report.checks.push(Check::at_most(
        "beyond 30 trees the out-of-bag accuracy moves by at most 0.02 (more trees do not \
         over-fit, they only stop helping)",
        spread,
        0.02,
        3,
    ));

    // Variance: many training sets, one test set.
    let test_set = synth::moons(2000, 0.35, synth::COMMITTED_SEED + 1000).table()?;
    let mut var_rows = Vec::new();
    for (name, spec) in [
        ("single tree", "decision_tree"),
        (
            "random forest",
            "random_forest:n_trees=100,max_features=all,seed=0",
        ),
    ] {
        let mut accs = Vec::new();
        let mut p1: Vec<Vec<f64>> = Vec::new();
        for r in 1..=30u64 {
            let tr = synth::moons(200, 0.35, synth::COMMITTED_SEED + r).table()?;
            let f = fit(spec, &tr)?;
            accs.push(accuracy(f.as_ref(), &test_set)?);
            // A tree's vote is its prediction (an unrestricted tree's leaves are pure); the
            // forest's is its share of tree votes.
            p1.push(match f.predict_proba(test_set.x.view())? {
                Some(proba) => proba.column(1).to_vec(),
                None => f.predict(test_set.x.view())?.to_vec(),
            });
        }
        // Mean over test points of the variance, across training sets, of P(class 1).
        let n_test = test_set.n_rows();
        let pred_var = (0..n_test)
            .map(|i| {
                let v: Vec<f64> = p1.iter().map(|p| p[i]).collect();
                let (_, sd) = mean_std(&v);
                sd * sd
            })
            .sum::<f64>()
            / n_test as f64;
        let (mean, sd) = mean_std(&accs);
        var_rows.push((name, mean, sd, pred_var));
    }
    let mut var_table = T::new([
        "model",
        "mean test accuracy",
        "SD of test accuracy",
        "mean variance of P(class 1) across training sets",
    ]);
    for (name, mean, sd, pv) in &var_rows {
        var_table.push([
            name.to_string(),
            fixed(*mean, 3),
            fixed(*sd, 4),
            fixed(*pv, 4),
        ]);
    }
    let (tree_v, forest_v) = (&var_rows[0], &var_rows[1]);
    report.checks.push(Check::greater(
        "averaging trees lowers the variance of predictions across training sets (tree vs \
         forest)",
        ("tree", tree_v.3),
        ("forest", forest_v.3),
        4,
    ));
    report.checks.push(Check::at_most(
        "the forest's prediction variance is less than half the single tree's (ratio)",
        forest_v.3 / tree_v.3,
        0.5,
        3,
    ));
    report.checks.push(Check::greater(
        "lower variance buys accuracy: the forest's mean test accuracy is higher",
        ("forest", forest_v.1),
        ("tree", tree_v.1),
        3,
    ));
    let pasting_acc = results
        .iter()
        .find(|r| r.0 == "pasting")
        .expect("listed above")
        .1;

    report.sections.push(
        Section::new("Ways to build an ensemble")
            .para(format!(
                "Every ensemble here combines trees that see different versions of the training \
                 set, by averaging their class probabilities (AdaBoost: a weighted vote of trees fitted in sequence, \
                 each on rows re-weighted towards the previous trees' mistakes). Bagging draws \
                 rows with replacement; pasting without (here half of them, test accuracy {}); \
                 random subspaces keep every row but show each tree half the features; random \
                 patches do both; the random forest draws √p candidate features afresh at every split of \
                 every bootstrap tree. \
                 The out-of-bag column scores each training row by the trees that did not draw \
                 it: a validation estimate from the training rows alone.",
                fixed(pasting_acc, 3)
            ))
            .table(table),
    );
    report.sections.push(
        Section::new("How many trees")
            .para(
                "Test and out-of-bag accuracy of a random forest as trees are added (each forest \
                 with n trees is the first n trees of the same seeded sequence). Accuracy climbs \
                 over the first few trees, then flattens: adding trees cannot over-fit, it only \
                 stops reducing variance.",
            )
            .table(trees_table)
            .figure(
                "n_trees",
                "Random forest accuracy by number of trees",
                Figure::lines(
                    "Random forest: accuracy by number of trees",
                    "trees",
                    "accuracy",
                    &[
                        Series::new("test", test_curve),
                        Series::new("out-of-bag", oob_curve),
                    ],
                    LineOptions {
                        markers: true,
                        ..LineOptions::default()
                    },
                ),
            ),
    );
    report.sections.push(
        Section::new("Why averaging helps: variance")
            .para(
                "Thirty independent training sets of 200 noisy moons, each fitted by an \
                 unrestricted tree and by a 100-tree forest (every feature per tree, so the \
                 forest is bagging: only the averaging differs), all scored on the same 2,000 \
                 test points. A deep tree has low bias but its predictions swing with the \
                 training sample; averaging many bootstrap trees keeps the bias and shrinks the \
                 variance.",
            )
            .table(var_table),
    );
    Ok(report)
}
