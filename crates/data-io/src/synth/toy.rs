//! Two-dimensional toy problems and a tunable classification problem, after scikit-learn's
//! `make_moons`, `make_circles`, `make_blobs` and `make_classification`.
//!
//! The geometry follows scikit-learn's generators; the random numbers come from [`SynthRng`],
//! so the points differ from scikit-learn's for the same seed. Rows are shuffled (seeded), so
//! unshuffled splitters see both classes. Values are written with 6 decimals.

use super::{spec, Cohort, SynthColumn, SynthRng};
use crate::frame::TargetKind;

const DECIMALS: usize = 6;

/// `0, step, …` for `n` points from `start` to `end` (`end` included when `endpoint`).
fn linspace(start: f64, end: f64, n: usize, endpoint: bool) -> Vec<f64> {
    let div = if endpoint { n.saturating_sub(1) } else { n };
    let step = if div == 0 {
        0.0
    } else {
        (end - start) / div as f64
    };
    (0..n).map(|i| start + step * i as f64).collect()
}

/// A seeded Fisher–Yates permutation of `0..n`.
fn shuffled(n: usize, rng: &mut SynthRng) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.int_range(0, i as i64) as usize;
        idx.swap(i, j);
    }
    idx
}

/// A cohort of real features `names` and an integer class `y`, rows in `order`.
fn cohort(
    name: &'static str,
    description: String,
    names: &[String],
    cols: Vec<Vec<f64>>,
    y: Vec<i64>,
    order: &[usize],
) -> Cohort {
    let mut columns: Vec<SynthColumn> = names
        .iter()
        .zip(cols)
        .map(|(n, c)| SynthColumn::float(n, order.iter().map(|&i| c[i]).collect(), DECIMALS))
        .collect();
    columns.push(SynthColumn::int(
        "y",
        order.iter().map(|&i| y[i]).collect(),
    ));
    Cohort {
        name,
        description,
        columns,
        spec: spec("y", TargetKind::Classes, None, None, &[]),
    }
}

fn xy_names() -> Vec<String> {
    vec!["x1".into(), "x2".into()]
}

/// Two interleaving half circles (scikit-learn's `make_moons`).
///
/// Class 0 (⌊n/2⌋ points): `(cos t, sin t)`, t evenly spaced on [0, π]; class 1 (the rest):
/// `(1 − cos t, 1 − sin t − 0.5)`; then N(0, noise²) added to each coordinate.
pub fn moons(n: usize, noise: f64, seed: u64) -> Cohort {
    let mut rng = SynthRng::new(seed, 200);
    let n_out = n / 2;
    let n_in = n - n_out;
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for t in linspace(0.0, std::f64::consts::PI, n_out, true) {
        x1.push(t.cos());
        x2.push(t.sin());
        y.push(0);
    }
    for t in linspace(0.0, std::f64::consts::PI, n_in, true) {
        x1.push(1.0 - t.cos());
        x2.push(1.0 - t.sin() - 0.5);
        y.push(1);
    }
    for i in 0..n {
        x1[i] += rng.normal(0.0, noise);
        x2[i] += rng.normal(0.0, noise);
    }
    let order = shuffled(n, &mut rng);
    cohort(
        "moons",
        format!("{n} points on two interleaving half circles, noise sd {noise}"),
        &xy_names(),
        vec![x1, x2],
        y,
        &order,
    )
}

/// A small circle inside a large one (scikit-learn's `make_circles`).
///
/// Class 0 (⌊n/2⌋ points): `(cos t, sin t)`, t evenly spaced on [0, 2π) ; class 1 (the
/// rest): `factor·(cos t, sin t)`; then N(0, noise²) added to each coordinate.
pub fn circles(n: usize, noise: f64, factor: f64, seed: u64) -> Cohort {
    let mut rng = SynthRng::new(seed, 201);
    let n_out = n / 2;
    let n_in = n - n_out;
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for (count, r, class) in [(n_out, 1.0, 0), (n_in, factor, 1)] {
        for t in linspace(0.0, 2.0 * std::f64::consts::PI, count, false) {
            x1.push(r * t.cos());
            x2.push(r * t.sin());
            y.push(class);
        }
    }
    for i in 0..n {
        x1[i] += rng.normal(0.0, noise);
        x2[i] += rng.normal(0.0, noise);
    }
    let order = shuffled(n, &mut rng);
    cohort(
        "circles",
        format!("{n} points on two concentric circles (radii 1 and {factor}), noise sd {noise}"),
        &xy_names(),
        vec![x1, x2],
        y,
        &order,
    )
}

/// Isotropic Gaussian blobs in 2-D (scikit-learn's `make_blobs`): `centers` centres drawn
/// uniformly in the box [−10, 10]², the n points shared as evenly as possible (the first
/// `n mod centers` centres get one more), each point its centre plus N(0, sd²) per
/// coordinate; `y` is the centre's index.
pub fn blobs(n: usize, centers: usize, sd: f64, seed: u64) -> Cohort {
    let mut rng = SynthRng::new(seed, 202);
    let c: Vec<(f64, f64)> = (0..centers)
        .map(|_| (rng.uniform_range(-10.0, 10.0), rng.uniform_range(-10.0, 10.0)))
        .collect();
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for (k, &(cx, cy)) in c.iter().enumerate() {
        let count = n / centers.max(1) + usize::from(k < n % centers.max(1));
        for _ in 0..count {
            x1.push(cx + rng.normal(0.0, sd));
            x2.push(cy + rng.normal(0.0, sd));
            y.push(k as i64);
        }
    }
    let order = shuffled(x1.len(), &mut rng);
    cohort(
        "blobs",
        format!("{n} points in {centers} Gaussian blobs (sd {sd}), centres uniform in [-10, 10]^2"),
        &xy_names(),
        vec![x1, x2],
        y,
        &order,
    )
}

/// Settings of [`classification`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassificationSpec {
    /// Rows.
    pub n: usize,
    /// Features that carry the class (first columns).
    pub informative: usize,
    /// Random linear combinations of the informative features (next columns).
    pub redundant: usize,
    /// Pure N(0, 1) noise features (last columns).
    pub noise: usize,
    /// Fraction of rows in class 1.
    pub minority_fraction: f64,
    /// Distance between the class means along each informative axis.
    pub class_sep: f64,
    /// Fraction of rows whose label is replaced by a fair coin flip.
    pub flip_y: f64,
}

impl Default for ClassificationSpec {
    fn default() -> Self {
        ClassificationSpec {
            n: 1000,
            informative: 2,
            redundant: 2,
            noise: 16,
            minority_fraction: 0.5,
            class_sep: 1.0,
            flip_y: 0.01,
        }
    }
}

/// A binary problem in the spirit of scikit-learn's `make_classification` (not its algorithm).
///
/// Generating process: the first `round(n·minority_fraction)` rows are class 1, the rest class
/// 0. Informative feature j of a row is N(±class_sep/2 · s_j, 1), + for class 1 and − for
/// class 0, with a random sign s_j ∈ {−1, +1} per feature; each redundant feature is a
/// linear combination of the informative ones with weights ~ N(0, 1); noise features are
/// N(0, 1). A fraction `flip_y` of rows then get a label drawn by a fair coin. Rows are
/// shuffled; columns are `f0…`, the target `y`.
pub fn classification(s: ClassificationSpec, seed: u64) -> Cohort {
    let mut rng = SynthRng::new(seed, 203);
    let n_pos = ((s.n as f64) * s.minority_fraction).round() as usize;
    let signs: Vec<f64> = (0..s.informative)
        .map(|_| if rng.bernoulli(0.5) { 1.0 } else { -1.0 })
        .collect();
    let weights: Vec<Vec<f64>> = (0..s.redundant)
        .map(|_| (0..s.informative).map(|_| rng.normal(0.0, 1.0)).collect())
        .collect();
    let p = s.informative + s.redundant + s.noise;
    let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(s.n); p];
    let mut y = Vec::with_capacity(s.n);
    for i in 0..s.n {
        let class = i64::from(i < n_pos);
        let shift = if class == 1 { 0.5 } else { -0.5 } * s.class_sep;
        let inf: Vec<f64> = signs
            .iter()
            .map(|&sg| rng.normal(shift * sg, 1.0))
            .collect();
        for (j, v) in inf.iter().enumerate() {
            cols[j].push(*v);
        }
        for (r, w) in weights.iter().enumerate() {
            cols[s.informative + r].push(w.iter().zip(&inf).map(|(a, b)| a * b).sum());
        }
        for j in 0..s.noise {
            cols[s.informative + s.redundant + j].push(rng.normal(0.0, 1.0));
        }
        let flipped = rng.bernoulli(s.flip_y);
        y.push(if flipped {
            i64::from(rng.bernoulli(0.5))
        } else {
            class
        });
    }
    let names: Vec<String> = (0..p).map(|j| format!("f{j}")).collect();
    let order = shuffled(s.n, &mut rng);
    cohort(
        "classification",
        format!(
            "{} rows, {} informative + {} redundant + {} noise features, {:.0} % class 1, \
             class separation {}, {:.0} % labels flipped at random",
            s.n,
            s.informative,
            s.redundant,
            s.noise,
            100.0 * s.minority_fraction,
            s.class_sep,
            100.0 * s.flip_y
        ),
        &names,
        cols,
        y,
        &order,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moons_and_circles_have_the_documented_shape() {
        let m = moons(101, 0.0, 1).table().unwrap();
        assert_eq!(m.n_rows(), 101);
        assert_eq!(m.class_target().unwrap().counts(), vec![50, 51]);
        // Without noise every class-0 point is on the unit circle around the origin.
        let y = m.class_target().unwrap().codes.to_vec();
        for i in 0..m.n_rows() {
            let (a, b) = (m.x[[i, 0]], m.x[[i, 1]]);
            let r = if y[i] == 0 {
                (a * a + b * b).sqrt()
            } else {
                ((a - 1.0).powi(2) + (b - 0.5).powi(2)).sqrt()
            };
            assert!((r - 1.0).abs() < 1e-5, "row {i}: radius {r}");
        }
        let c = circles(200, 0.0, 0.5, 1).table().unwrap();
        let y = c.class_target().unwrap().codes.to_vec();
        for i in 0..200 {
            let r = (c.x[[i, 0]].powi(2) + c.x[[i, 1]].powi(2)).sqrt();
            let want = if y[i] == 0 { 1.0 } else { 0.5 };
            assert!((r - want).abs() < 1e-5);
        }
        assert_eq!(moons(50, 0.1, 3).to_csv(), moons(50, 0.1, 3).to_csv());
        assert_ne!(moons(50, 0.1, 3).to_csv(), moons(50, 0.1, 4).to_csv());
    }

    #[test]
    fn blobs_and_classification_follow_their_settings() {
        let b = blobs(301, 3, 0.5, 2).table().unwrap();
        assert_eq!(b.class_target().unwrap().counts(), vec![101, 100, 100]);
        let s = ClassificationSpec {
            n: 2000,
            minority_fraction: 0.35,
            flip_y: 0.0,
            ..ClassificationSpec::default()
        };
        let t = classification(s, 5).table().unwrap();
        assert_eq!(t.n_features(), 20);
        assert_eq!(t.class_target().unwrap().counts(), vec![1300, 700]);
        // Redundant features are exact linear combinations of the informative ones: the
        // 4-column block has rank 2, so its 3rd column is predicted by the first two.
        let x = t.x.slice(ndarray::s![.., 0..3]).to_owned();
        let xtx = x.t().dot(&x);
        let det = xtx[[0, 0]] * (xtx[[1, 1]] * xtx[[2, 2]] - xtx[[1, 2]] * xtx[[2, 1]])
            - xtx[[0, 1]] * (xtx[[1, 0]] * xtx[[2, 2]] - xtx[[1, 2]] * xtx[[2, 0]])
            + xtx[[0, 2]] * (xtx[[1, 0]] * xtx[[2, 1]] - xtx[[1, 1]] * xtx[[2, 0]]);
        let scale = xtx[[0, 0]] * xtx[[1, 1]] * xtx[[2, 2]];
        assert!(det.abs() / scale < 1e-9, "relative det {}", det / scale);
    }
}
