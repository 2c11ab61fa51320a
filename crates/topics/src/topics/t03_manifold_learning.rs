//! 03 — manifold learning: a swiss roll flattened by a linear projection (PCA) and by a
//! nonlinear embedding (diffusion map), judged by how well each keeps neighbourhoods.

use ml4ns_data_io::synth::SynthRng;
use ml4ns_models::Model;
use ml4ns_reporting::figure::Series;
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics::trustworthiness;
use ndarray::{Array1, Array2};

use crate::{Context, TopicError};

const ID: &str = "03-manifold-learning";
const N: usize = 1500;
/// Height of the sheet (scikit-learn's `make_swiss_roll` uses 21).
const HEIGHT: f64 = 60.0;
/// Neighbours for trustworthiness.
const K: usize = 10;

/// scikit-learn's `make_swiss_roll` process with a taller sheet: t = 1.5π(1 + 2u),
/// (t·cos t, HEIGHT·v, t·sin t), plus N(0, 0.05²) noise per coordinate (seeded).
fn swiss_roll() -> (Array2<f64>, Array1<f64>) {
    let mut rng = SynthRng::new(3, 0);
    let mut x = Array2::zeros((N, 3));
    let mut t = Array1::zeros(N);
    for i in 0..N {
        let ti = 1.5 * std::f64::consts::PI * (1.0 + 2.0 * rng.uniform());
        let h = HEIGHT * rng.uniform();
        t[i] = ti;
        x[[i, 0]] = ti * ti.cos() + rng.normal(0.0, 0.05);
        x[[i, 1]] = h + rng.normal(0.0, 0.05);
        x[[i, 2]] = ti * ti.sin() + rng.normal(0.0, 0.05);
    }
    (x, t)
}

/// Spearman rank correlation.
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let ranks = |v: &[f64]| -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in idx.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = ra
        .iter()
        .zip(&rb)
        .map(|(x, y)| (x - mean) * (y - mean))
        .sum();
    let var: f64 = ra.iter().map(|x| (x - mean) * (x - mean)).sum();
    cov / var
}

/// Mean squared distance from each point to its `k`-th nearest neighbour: a kernel width on
/// the scale of local neighbourhoods rather than of the whole roll.
fn local_scale(x: &Array2<f64>, k: usize) -> f64 {
    let n = x.nrows();
    let mut total = 0.0;
    let mut d = Vec::with_capacity(n);
    for i in 0..n {
        d.clear();
        d.extend((0..n).filter(|&j| j != i).map(|j| {
            x.row(i)
                .iter()
                .zip(x.row(j))
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        }));
        d.select_nth_unstable_by(k - 1, f64::total_cmp);
        total += d[k - 1];
    }
    total / n as f64
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Manifold learning",
        "When data lie on a curved sheet, does a linear projection keep who is near whom, and \
         does a nonlinear embedding do better?",
    );
    report.data = format!(
        "A swiss roll of {N} points (scikit-learn's `make_swiss_roll` process: a rectangle \
         rolled up in 3-D, position along the roll t ∈ [1.5π, 4.5π], noise sd 0.05; seeded), \
         with height 0–{HEIGHT} instead of 0–21: unrolled, the sheet is then about 94 long and \
         60 wide, so its two leading diffusion coordinates are its length and its width (with \
         height 21 the second coordinate is a harmonic of the first)."
    );
    let (x, t) = swiss_roll();
    let pca = Model::parse("pca:n_components=2")?.embed(x.view())?;
    let eps = 0.4 * local_scale(&x, K);
    let dm = Model::parse(&format!(
        "diffusion_map:n_components=2,steps=1,epsilon={eps}"
    ))?
    .embed(x.view())?;
    let tw_pca = trustworthiness(x.view(), pca.coordinates.view(), K)?;
    let tw_dm = trustworthiness(x.view(), dm.coordinates.view(), K)?;
    let tv = t.to_vec();
    let rho = |e: &Array2<f64>| -> f64 {
        (0..2)
            .map(|j| spearman(&e.column(j).to_vec(), &tv).abs())
            .fold(0.0, f64::max)
    };
    let (rho_pca, rho_dm) = (rho(&pca.coordinates), rho(&dm.coordinates));
    let table = T::new([
        "embedding",
        &format!("trustworthiness (k = {K})"),
        "best |Spearman ρ| of an axis with t",
    ])
    .row(["PCA (linear)", &fixed(tw_pca, 4), &fixed(rho_pca, 3)])
    .row([
        "diffusion map (nonlinear)",
        &fixed(tw_dm, 4),
        &fixed(rho_dm, 3),
    ]);
    report.checks.push(Check::greater(
        "the diffusion map keeps neighbourhoods better than PCA (trustworthiness)",
        ("diffusion map", tw_dm),
        ("PCA", tw_pca),
        4,
    ));
    report.checks.push(Check::at_least(
        "one diffusion coordinate orders the points along the roll (|ρ| with t)",
        rho_dm,
        0.95,
        3,
    ));
    report.checks.push(Check::greater(
        "PCA cannot unroll it: its best axis follows t less well",
        ("diffusion map", rho_dm),
        ("PCA", rho_pca),
        3,
    ));
    report
        .metrics
        .push(Metric::new("trustworthiness, PCA", tw_pca, 4));
    report
        .metrics
        .push(Metric::new("trustworthiness, diffusion map", tw_dm, 4));
    // Colour the points by position along the roll: four bands of t.
    let bands = |e: &Array2<f64>| -> Vec<Series> {
        let (lo, hi) = (1.5 * std::f64::consts::PI, 4.5 * std::f64::consts::PI);
        (0..4)
            .map(|b| {
                let (a, z) = (
                    lo + (hi - lo) * b as f64 / 4.0,
                    lo + (hi - lo) * (b + 1) as f64 / 4.0,
                );
                Series::new(
                    format!("t band {}", b + 1),
                    (0..N)
                        .filter(|&i| t[i] >= a && (t[i] < z || b == 3))
                        .map(|i| (e[[i, 0]], e[[i, 1]]))
                        .collect(),
                )
            })
            .collect()
    };
    let side = x.select(ndarray::Axis(1), &[0, 2]);
    report.sections.push(
        Section::new("Flattening a swiss roll")
            .para(format!(
                "PCA keeps the two directions of largest variance: it looks at the roll from \
                 the side and lays its turns on top of each other, so points from different \
                 turns become neighbours. The diffusion map (Gaussian kernel with ε = {} = 0.4 × \
                 the mean squared distance to the {K}th neighbour, narrow enough that no weight \
                 crosses between turns of the roll; one step) follows the \
                 sheet: its first coordinate runs along the roll. Trustworthiness \
                 (scikit-learn's definition) penalises embedded neighbours that were not \
                 neighbours in 3-D.",
                fixed(eps, 3)
            ))
            .table(table)
            .figure(
                "roll",
                "The roll seen along its axis (x, z), coloured by position along the roll",
                Figure::scatter("Swiss roll (x, z)", "x", "z", &bands(&side), None),
            )
            .figure(
                "pca",
                "PCA embedding",
                Figure::scatter("PCA", "PC 1", "PC 2", &bands(&pca.coordinates), None),
            )
            .figure(
                "diffusion_map",
                "Diffusion map embedding",
                Figure::scatter(
                    "Diffusion map",
                    "coordinate 1",
                    "coordinate 2",
                    &bands(&dm.coordinates),
                    None,
                ),
            ),
    );
    Ok(report)
}
