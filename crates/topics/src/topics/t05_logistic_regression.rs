//! 05 — logistic regression: the sigmoid, the course's breast-cancer replication with its
//! decision boundary, and what moving the probability threshold does.

use ml4ns_data_io::classic;
use ml4ns_models::Model;
use ml4ns_reporting::figure::{LineOptions, Regions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Replication, Report, Section, Table as T};
use ml4ns_validation::metrics::{self as m, Average, ZeroDivision};
use ml4ns_validation::selection::{cross_val_predict, splits_for};
use ml4ns_validation::Cv;
use ndarray::Array2;

use crate::common::{
    codes, matrix_text, one_split, predict_codes, select_features, standardise_all, train_test,
};
use crate::{Context, TopicError};

const ID: &str = "05-logistic-regression";

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Logistic regression",
        "How does a linear score become a class probability, and how well does it separate \
         malignant from benign tumours on two features?",
    );
    report.data = "scikit-learn's breast cancer data (569 tumours, 212 malignant = class 0, \
                   357 benign = class 1; 30 features of cell nuclei), as `load_breast_cancer()` \
                   returns it."
        .into();

    // The sigmoid.
    let curve: Vec<(f64, f64)> = (-80..=80)
        .map(|i| {
            let z = i as f64 / 10.0;
            (z, sigmoid(z))
        })
        .collect();
    let symmetric = curve
        .iter()
        .all(|&(z, p)| (p + sigmoid(-z) - 1.0).abs() < 1e-12);
    report
        .checks
        .push(Check::close("σ(0) = 0.5", sigmoid(0.0), 0.5, 1e-15, 3));
    report.checks.push(Check::equal(
        "σ(−z) = 1 − σ(z) on [−8, 8]",
        symmetric.to_string(),
        "true",
    ));
    report.sections.push(
        Section::new("The sigmoid")
            .para(
                "Logistic regression scores a row linearly, z = w·x + b, and reads the score \
                 as a probability through σ(z) = 1 / (1 + e^(−z)): z = 0 is the 50 % \
                 boundary, and each unit of z multiplies the odds by e.",
            )
            .figure(
                "sigmoid",
                "σ(z) = 1 / (1 + e^(−z))",
                Figure::lines(
                    "The logistic function",
                    "z",
                    "σ(z)",
                    &[Series::new("σ(z)", curve)],
                    LineOptions {
                        y_range: Some((0.0, 1.0)),
                        ..LineOptions::default()
                    },
                ),
            ),
    );

    let bc = classic::breast_cancer();
    let mut rows = Vec::new();

    // Two standardised features (scaled on all rows, as the notebook did).
    let two = standardise_all(&select_features(&bc, &["mean area", "mean smoothness"])?);
    let split = one_split("train_test_split:test_size=0.2,random_state=42", &two)?;
    let (train, test) = train_test(&two, &split);
    let model = Model::parse("logistic:c=1.0")?;
    let fitted = model.fit(&train)?;
    let (yt, yp) = (
        codes(&test)?,
        predict_codes(fitted.as_ref(), test.x.view())?,
    );
    let zd = ZeroDivision::Zero;
    let bin = Average::Binary { pos_label: 1 };
    let acc = m::accuracy(&yt, &yp)?;
    let (precision, recall, f1) = m::precision_recall_fscore(&yt, &yp, 1.0, bin, zd)?;
    let cm = m::confusion_matrix(&yt, &yp)?;
    rows.push(Replication::exact(
        ID,
        "breast cancer, 2 features: train/test rows",
        "455/114",
        format!("{}/{}", train.n_rows(), test.n_rows()),
    ));
    rows.push(Replication::number(
        ID,
        "breast cancer, 2 features: accuracy",
        "0.92982",
        acc,
        5e-6,
    ));
    rows.push(Replication::exact(
        ID,
        "breast cancer, 2 features: confusion matrix",
        "[[38,5],[3,68]]",
        matrix_text(&cm),
    ));
    rows.push(Replication::number(
        ID,
        "breast cancer, 2 features: F1",
        "0.94444",
        f1,
        5e-6,
    ));
    rows.push(Replication::number(
        ID,
        "breast cancer, 2 features: recall",
        "0.95775",
        recall,
        5e-6,
    ));
    rows.push(Replication::number(
        ID,
        "breast cancer, 2 features: precision",
        "0.93151",
        precision,
        5e-6,
    ));
    report
        .metrics
        .push(Metric::new("breast-cancer test accuracy", acc, 5));

    // Decision regions over the test rows.
    let (x0, x1) = range(&two.x, 0);
    let (y0, y1) = range(&two.x, 1);
    let (nx, ny) = (120, 90);
    let grid = Array2::from_shape_fn((nx * ny, 2), |(k, j)| {
        let (i, r) = (k % nx, k / nx);
        if j == 0 {
            x0 + (i as f64 + 0.5) * (x1 - x0) / nx as f64
        } else {
            y0 + (r as f64 + 0.5) * (y1 - y0) / ny as f64
        }
    });
    let classes: Vec<usize> = predict_codes(fitted.as_ref(), grid.view())?;
    let by_class = |c: usize| -> Vec<(f64, f64)> {
        (0..test.n_rows())
            .filter(|&i| yt[i] == c)
            .map(|i| (test.x[[i, 0]], test.x[[i, 1]]))
            .collect()
    };
    let fig = Figure::scatter(
        "Logistic regression on two features: test rows",
        "mean area (standardised)",
        "mean smoothness (standardised)",
        &[
            Series::new("malignant (0)", by_class(0)),
            Series::new("benign (1)", by_class(1)),
        ],
        Some(&Regions {
            x: (x0, x1, nx),
            y: (y0, y1, ny),
            classes,
        }),
    );
    let heat = Figure::heatmap(
        "Confusion matrix (test rows)",
        "predicted",
        "true",
        &["malignant".into(), "benign".into()],
        &["malignant".into(), "benign".into()],
        &cm.counts
            .iter()
            .map(|r| r.iter().map(|&v| v as f64).collect())
            .collect::<Vec<_>>(),
        0,
    );

    // Thresholds.
    let proba = fitted
        .predict_proba(test.x.view())?
        .ok_or("logistic regression has probabilities")?;
    let mut thresholds = T::new(["threshold on P(benign)", "precision", "recall", "accuracy"]);
    let mut recalls = Vec::new();
    for t in [0.3, 0.5, 0.7, 0.9] {
        let pred: Vec<usize> = proba
            .column(1)
            .iter()
            .map(|&p| usize::from(p >= t))
            .collect();
        let (p, r, _) = m::precision_recall_fscore(&yt, &pred, 1.0, bin, zd)?;
        recalls.push(r);
        thresholds.push([
            fixed(t, 1),
            fixed(p, 4),
            fixed(r, 4),
            fixed(m::accuracy(&yt, &pred)?, 4),
        ]);
    }
    let scores = proba.column(1).to_vec();
    let roc = m::roc_curve(&yt, &scores, 1, true)?;
    let auc = m::roc_auc(&yt, &scores, 1)?;
    let pr = m::precision_recall_curve(&yt, &scores, 1)?;
    let ap = m::average_precision(&yt, &scores, 1)?;
    let roc_fig = Figure::lines(
        &format!("ROC curve (test rows), AUC {}", fixed(auc, 3)),
        "false positive rate",
        "true positive rate",
        &[Series::new(
            "logistic regression",
            roc.fpr
                .iter()
                .copied()
                .zip(roc.tpr.iter().copied())
                .collect(),
        )],
        LineOptions {
            diagonal: true,
            y_range: Some((0.0, 1.0)),
            ..LineOptions::default()
        },
    );
    let pr_fig = Figure::lines(
        &format!("Precision-recall curve (test rows), AP {}", fixed(ap, 3)),
        "recall",
        "precision",
        &[Series::new(
            "logistic regression",
            pr.recall
                .iter()
                .copied()
                .zip(pr.precision.iter().copied())
                .collect(),
        )],
        LineOptions {
            y_range: Some((0.0, 1.02)),
            ..LineOptions::default()
        },
    );
    report.checks.push(Check::at_least(
        "the ROC AUC on test rows is well above chance (0.5)",
        auc,
        0.9,
        3,
    ));
    report.metrics.push(Metric::new("test ROC AUC", auc, 3));
    report.checks.push(Check::equal(
        "raising the threshold never raises recall",
        recalls.windows(2).all(|w| w[1] <= w[0]).to_string(),
        "true",
    ));
    report.sections.push(
        Section::new("Breast cancer on two features (course replication)")
            .para(
                "`mean area` and `mean smoothness`, standardised on all 569 rows as the course \
                 notebook did (strictly, the scaler should be fitted on the training rows only: \
                 scaling on all rows leaks the test rows' means and spreads into training; \
                 here the effect is tiny, and the notebook's numbers are reproduced as they \
                 were printed), split by `train_test_split(test_size=0.2, random_state=42)`, \
                 logistic regression with C = 1. The boundary is the straight line where \
                 P(benign) = 0.5.",
            )
            .figure("decision_regions", "Decision regions and test rows", fig)
            .figure(
                "confusion_matrix",
                "Confusion matrix of the test rows (rows: true class)",
                heat,
            )
            .para(
                "Moving the threshold trades precision against recall for the benign class \
                 (equivalently, missed malignancies against false alarms):",
            )
            .table(thresholds)
            .para(
                "Every threshold at once: the ROC curve (true against false positive rate) and \
                 the precision-recall curve of P(benign) on the test rows.",
            )
            .figure("roc", "ROC curve of the test rows", roc_fig)
            .figure(
                "precision_recall",
                "Precision-recall curve of the test rows",
                pr_fig,
            ),
    );

    // 10-fold cross_val_predict on all rows.
    let cv = Cv::parse("stratified_kfold:n_splits=10")?;
    let splits = splits_for(&cv, &two)?;
    let pred: Vec<usize> = cross_val_predict(&model, &two, &splits)?
        .iter()
        .map(|&v| v as usize)
        .collect();
    let all = codes(&two)?;
    let cv_acc = m::accuracy(&all, &pred)?;
    rows.push(Replication::number(
        ID,
        "breast cancer, 2 features: 10-fold cross_val_predict accuracy",
        "0.89807",
        cv_acc,
        5e-6,
    ));
    rows.push(Replication::exact(
        ID,
        "breast cancer, 2 features: 10-fold cross_val_predict confusion matrix",
        "[[173,39],[19,338]]",
        matrix_text(&m::confusion_matrix(&all, &pred)?),
    ));
    report
        .metrics
        .push(Metric::new("10-fold CV accuracy", cv_acc, 5));

    // Features 0 and 1, raw, no penalty.
    let raw = select_features(&bc, &["mean radius", "mean texture"])?;
    let split = one_split("train_test_split:test_size=0.1,random_state=42", &raw)?;
    let (train, test) = train_test(&raw, &split);
    let f = Model::parse("logistic:penalty=none,max_iter=1000")?.fit(&train)?;
    let (coef, _) = f
        .coefficients()
        .ok_or("logistic regression has coefficients")?;
    rows.push(Replication::exact(
        ID,
        "breast cancer, raw features 0–1: train/test rows",
        "512/57",
        format!("{}/{}", train.n_rows(), test.n_rows()),
    ));
    rows.push(Replication::number(
        ID,
        "breast cancer, raw features 0–1, no penalty: coefficient of mean radius",
        "-1.019",
        coef[0],
        5e-4,
    ));
    rows.push(Replication::number(
        ID,
        "breast cancer, raw features 0–1, no penalty: coefficient of mean texture",
        "-0.219",
        coef[1],
        5e-4,
    ));
    rows.push(Replication::number(
        ID,
        "breast cancer, raw features 0–1, no penalty: accuracy",
        "0.947",
        crate::common::accuracy(f.as_ref(), &test)?,
        5e-4,
    ));
    report.sections.push(Section::text(
        "Cross-validated predictions and an unpenalised fit",
        "Every row predicted once by a model that did not see it (`cross_val_predict` over \
         10 stratified folds), and the notebook's unpenalised model on the raw `mean radius` \
         and `mean texture`: each extra unit of radius lowers the log-odds of a benign tumour \
         by about one.",
    ));
    report.replication = rows;
    Ok(report)
}

fn range(x: &Array2<f64>, j: usize) -> (f64, f64) {
    crate::common::padded_range(x, j, 0.05)
}
