//! 02 — the curse of dimensionality: regions to cover, distance concentration, and a
//! nearest-neighbour classifier drowning in irrelevant dimensions.

use ml4ns_data_io::synth::{self, SynthRng};
use ml4ns_models::{Pipeline, Scaling};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::selection::{cross_validate, splits_for, Scoring};
use ml4ns_validation::Cv;
use ndarray::Array2;

use crate::{Context, TopicError};

const ID: &str = "02-curse-of-dimensionality";

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "The curse of dimensionality",
        "Why do methods that work in two dimensions fail in hundreds: how many regions must data \
         cover, what happens to distances, and what happens to a nearest-neighbour classifier?",
    );
    report.data = format!(
        "- Points drawn uniformly in the unit cube [0, 1]^d (500 per dimension count, seeded).\n\
         - The `concentric_rings` cohort (600 points, seed {}), padded with irrelevant uniform \
         features.\n",
        synth::COMMITTED_SEED
    );
    regions(&mut report);
    concentration(&mut report)?;
    knn(&mut report)?;
    Ok(report)
}

fn regions(report: &mut Report) {
    let v = 10.0f64;
    let mut t = T::new([
        "dimensions d",
        "cells of side 1/10: 10^d",
        "points per cell with 10⁶ points",
    ]);
    for d in [1, 2, 3, 5, 10, 20] {
        let cells = v.powi(d);
        t.push([
            d.to_string(),
            format!("{cells:.0e}"),
            format!("{:.0e}", 1e6 / cells),
        ]);
    }
    report.checks.push(Check::equal(
        "10 intervals per axis make 10^d cells: 10¹⁰ in 10 dimensions",
        format!("{:.0e}", v.powi(10)),
        "1e10",
    ));
    report.sections.push(
        Section::new("Regions to cover")
            .para(
                "Cutting each axis into v intervals makes v^d cells. With v = 10, a million \
                 points fill every cell of a 5-dimensional grid ten times over, and leave all \
                 but one in ten thousand cells of a 10-dimensional grid empty: a method that \
                 needs examples near every query needs exponentially many.",
            )
            .table(t),
    );
}

fn concentration(report: &mut Report) -> Result<(), TopicError> {
    let mut rng = SynthRng::new(2, 0);
    let n = 500;
    let dims = [1usize, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    let mut t = T::new(["d", "min distance", "max distance", "max / min"]);
    let mut ratios = Vec::new();
    for &d in &dims {
        let x = Array2::from_shape_fn((n, d), |_| rng.uniform());
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for i in 0..n {
            for j in 0..i {
                let dist: f64 = x
                    .row(i)
                    .iter()
                    .zip(x.row(j))
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt();
                lo = lo.min(dist);
                hi = hi.max(dist);
            }
        }
        ratios.push(hi / lo);
        t.push([d.to_string(), fixed(lo, 4), fixed(hi, 4), fixed(hi / lo, 3)]);
    }
    let fig = Figure::lines(
        "Distance concentration",
        "log10(dimensions)",
        "log10(max / min pairwise distance)",
        &[Series::new(
            "500 uniform points",
            dims.iter()
                .zip(&ratios)
                .map(|(&d, &r)| ((d as f64).log10(), r.log10()))
                .collect(),
        )],
        LineOptions {
            markers: true,
            ..LineOptions::default()
        },
    );
    let last = *ratios.last().expect("dimensions");
    report.checks.push(Check::equal(
        "the max/min distance ratio falls as d grows from 2 upwards",
        ratios[1..].windows(2).all(|w| w[1] < w[0]).to_string(),
        "true",
    ));
    report.checks.push(Check::at_most(
        "in 1000 dimensions the farthest pair is under 1.5× the nearest",
        last,
        1.5,
        3,
    ));
    report
        .metrics
        .push(Metric::new("max/min distance, d = 1000", last, 3));
    report.sections.push(
        Section::new("Distances concentrate")
            .para(
                "For 500 uniform points, the ratio of the largest to the smallest pairwise \
                 distance. In a few dimensions some points are neighbours and some are far \
                 apart; in a thousand, every point is about as far from every other, so \
                 \"nearest\" stops meaning much.",
            )
            .table(t)
            .figure(
                "concentration",
                "Max/min pairwise distance by dimension",
                fig,
            ),
    );
    Ok(())
}

fn knn(report: &mut Report) -> Result<(), TopicError> {
    let rings = synth::concentric_rings(600, synth::COMMITTED_SEED).table()?;
    let mut rng = SynthRng::new(2, 1);
    let extras = [0usize, 2, 5, 10, 20, 50, 100];
    let mut t = T::new(["irrelevant features added", "5-NN accuracy (5-fold CV)"]);
    let mut acc = Vec::new();
    let noise = Array2::from_shape_fn((rings.n_rows(), *extras.last().expect("extras")), |_| {
        // Same spread as the informative features (they span about −2.3…2.3).
        rng.uniform_range(-2.3, 2.3)
    });
    let cv = Cv::parse("stratified_kfold:n_splits=5,shuffle=true,random_state=0")?;
    for &k in &extras {
        let mut t2 = rings.clone();
        t2.x = ndarray::concatenate(
            ndarray::Axis(1),
            &[rings.x.view(), noise.slice(ndarray::s![.., ..k])],
        )?;
        t2.feature_names = (0..t2.x.ncols()).map(|j| format!("f{j}")).collect();
        let pipeline = Pipeline::new(ml4ns_models::Model::parse("knn:k=5")?).scaling(Scaling::None);
        let splits = splits_for(&cv, &t2)?;
        let r = cross_validate(&pipeline, &t2, &splits, &[Scoring::Accuracy])?;
        let (m, _) = r.mean_std(Scoring::Accuracy);
        acc.push(m);
        t.push([k.to_string(), fixed(m, 3)]);
    }
    let fig = Figure::lines(
        "5-NN on the rings with irrelevant features",
        "irrelevant features",
        "CV accuracy",
        &[Series::new(
            "5-NN",
            extras
                .iter()
                .zip(&acc)
                .map(|(&k, &a)| (k as f64, a))
                .collect(),
        )],
        LineOptions {
            markers: true,
            y_range: Some((0.4, 1.02)),
            ..LineOptions::default()
        },
    );
    report.checks.push(Check::at_least(
        "with only the two informative features, 5-NN separates the rings",
        acc[0],
        0.97,
        3,
    ));
    report.checks.push(Check::at_most(
        "with 100 irrelevant features it is little better than chance",
        *acc.last().expect("extras"),
        0.7,
        3,
    ));
    report.metrics.push(Metric::new(
        "5-NN accuracy, +100 noise features",
        *acc.last().expect("extras"),
        3,
    ));
    report.sections.push(
        Section::new("Nearest neighbours in many dimensions")
            .para(
                "The rings again, with features of pure noise added on the same scale. The \
                 class still depends only on the first two coordinates, but distances are now \
                 dominated by the noise, so a point's nearest neighbours are no longer from its \
                 own ring.",
            )
            .table(t)
            .figure(
                "knn_noise",
                "5-NN accuracy as irrelevant features are added",
                fig,
            ),
    );
    Ok(())
}
