//! 06 — k nearest neighbours: k chosen by cross-validation, why features must be scaled,
//! and distance weighting.

use ml4ns_data_io::classic;
use ml4ns_models::{Model, Pipeline, Scaling};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::selection::{cross_validate, splits_for, Scoring};
use ml4ns_validation::Cv;

use crate::{Context, TopicError};

const ID: &str = "06-knn";

fn cv_accuracy(
    table: &ml4ns_data_io::Table,
    spec: &str,
    scaling: Scaling,
    cv: &Cv,
) -> Result<(f64, f64), TopicError> {
    let pipeline = Pipeline::new(Model::parse(spec)?).scaling(scaling);
    let splits = splits_for(cv, table)?;
    let r = cross_validate(&pipeline, table, &splits, &[Scoring::Accuracy])?;
    Ok(r.mean_std(Scoring::Accuracy))
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "k nearest neighbours",
        "How should k be chosen, why must features be put on one scale first, and does \
         weighting neighbours by distance help?",
    );
    report.data = "scikit-learn's wine data: 178 wines from three cultivars, 13 chemical \
                   measurements on very different scales (proline in the hundreds to thousands, \
                   hue around 1)."
        .into();
    let wine = classic::wine();
    let cv = Cv::parse("stratified_kfold:n_splits=5,shuffle=true,random_state=0")?;

    // k by CV, on standardised features (scaled inside each training fold).
    let ks: Vec<usize> = (1..=30).collect();
    let mut curve = Vec::new();
    for &k in &ks {
        curve.push(cv_accuracy(&wine, &format!("knn:k={k}"), Scaling::Standard, &cv)?.0);
    }
    let best = (0..ks.len()).fold(0, |b, i| if curve[i] > curve[b] + 1e-12 { i } else { b });
    let fig = Figure::lines(
        "Choosing k by 5-fold cross-validation (wine, standardised)",
        "k",
        "CV accuracy",
        &[Series::new(
            "uniform weights",
            ks.iter()
                .zip(&curve)
                .map(|(&k, &a)| (k as f64, a))
                .collect(),
        )],
        LineOptions {
            markers: true,
            ..LineOptions::default()
        },
    );
    report.checks.push(Check::greater(
        "k = 1 over-fits: the chosen k scores higher",
        (format!("k = {}", ks[best]).as_str(), curve[best]),
        ("k = 1", curve[0]),
        3,
    ));
    report
        .metrics
        .push(Metric::new("k chosen by CV", ks[best] as f64, 0));
    report.sections.push(
        Section::new("Choosing k")
            .para(
                "Small k follows single noisy neighbours; large k blurs the classes together. \
                 Cross-validation picks the k that predicts held-out wines best (ties to the \
                 smallest k, as scikit-learn's `GridSearchCV`). `knn:k=cv` does this inside any \
                 fit.",
            )
            .figure("k_curve", "Cross-validated accuracy by k", fig),
    );

    // Scaling.
    let spec = format!("knn:k={}", ks[best]);
    let (raw, raw_sd) = cv_accuracy(&wine, &spec, Scaling::None, &cv)?;
    let (std, std_sd) = cv_accuracy(&wine, &spec, Scaling::Standard, &cv)?;
    let (mm, mm_sd) = cv_accuracy(&wine, &spec, Scaling::MinMax, &cv)?;
    let t = T::new(["features", "CV accuracy (mean ± sd)"])
        .row([
            "as measured",
            &format!("{} ± {}", fixed(raw, 3), fixed(raw_sd, 3)),
        ])
        .row([
            "standardised",
            &format!("{} ± {}", fixed(std, 3), fixed(std_sd, 3)),
        ])
        .row([
            "min-max scaled",
            &format!("{} ± {}", fixed(mm, 3), fixed(mm_sd, 3)),
        ]);
    report.checks.push(Check::at_least(
        "standardising raises accuracy by at least 0.15",
        std - raw,
        0.15,
        3,
    ));
    report
        .metrics
        .push(Metric::new("accuracy unscaled", raw, 3));
    report
        .metrics
        .push(Metric::new("accuracy standardised", std, 3));
    report.sections.push(
        Section::new("Scaling")
            .para(
                "Euclidean distance adds squared differences, so a feature measured in the \
                 hundreds (proline) outweighs one measured in tenths (hue) whatever their \
                 information. Scaling each feature (statistics from the training folds only) \
                 lets all of them count.",
            )
            .table(t)
            .figure(
                "scaling",
                "Cross-validated accuracy by feature scaling",
                Figure::bars(
                    &format!("{spec} on wine: accuracy by scaling"),
                    "CV accuracy",
                    &[
                        ("as measured".to_string(), raw),
                        ("standardised".to_string(), std),
                        ("min-max".to_string(), mm),
                    ],
                ),
            ),
    );

    // Distance weighting.
    let mut w = T::new(["k", "uniform", "distance-weighted"]);
    let mut diffs = Vec::new();
    for k in [1, 5, 15, 30] {
        let (u, _) = cv_accuracy(&wine, &format!("knn:k={k}"), Scaling::Standard, &cv)?;
        let (d, _) = cv_accuracy(
            &wine,
            &format!("knn:k={k},weights=distance"),
            Scaling::Standard,
            &cv,
        )?;
        diffs.push((k, u, d));
        w.push([k.to_string(), fixed(u, 3), fixed(d, 3)]);
    }
    report.checks.push(Check::equal(
        "with k = 1 both weightings are the same model",
        fixed(diffs[0].1, 6),
        fixed(diffs[0].2, 6),
    ));
    report.checks.push(Check::at_least(
        "at k = 30, distance weighting is at least as accurate as uniform weighting",
        diffs[3].2 - diffs[3].1,
        0.0,
        3,
    ));
    report.sections.push(
        Section::new("Distance weighting")
            .para(
                "Weighting each neighbour by 1/distance lets the closest neighbours dominate, \
                 which makes a large k less harmful: far neighbours count for little.",
            )
            .table(w),
    );
    Ok(report)
}
