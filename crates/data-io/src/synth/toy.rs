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
    columns.push(SynthColumn::int("y", order.iter().map(|&i| y[i]).collect()));
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
        .map(|_| {
            (
                rng.uniform_range(-10.0, 10.0),
                rng.uniform_range(-10.0, 10.0),
            )
        })
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

/// Settings of [`classification`]: the arguments of scikit-learn's `make_classification`
/// for two classes (its names in brackets). [`Default`] is scikit-learn's defaults except
/// `n` = 1000.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassificationSpec {
    /// Rows (`n_samples`).
    pub n: usize,
    /// Informative features (`n_informative`), the first columns; at least 1.
    pub informative: usize,
    /// Redundant features (`n_redundant`), the next columns: random linear combinations of
    /// the informative ones.
    pub redundant: usize,
    /// Repeated features (`n_repeated`), the next columns: copies of randomly chosen
    /// informative or redundant features.
    pub repeated: usize,
    /// Pure N(0, 1) noise features, the last columns (`n_features` minus the above).
    pub noise: usize,
    /// Share of the rows drawn for class 1, before any label is flipped
    /// (`weights=[1 − minority_fraction]`).
    pub minority_fraction: f64,
    /// Gaussian clusters per class (`n_clusters_per_class`); the 2 · `clusters_per_class`
    /// clusters need as many distinct vertices, so at most 2^`informative`.
    pub clusters_per_class: usize,
    /// Cluster centres sit at ±`class_sep` on each informative axis (`class_sep`).
    pub class_sep: f64,
    /// Centres on the hypercube's vertices (`hypercube=True`); if false, each centre's
    /// coordinates are multiplied by a uniform [0, 1) factor per cluster and one per axis.
    pub hypercube: bool,
    /// Fraction of rows whose label is replaced by a fair coin flip (`flip_y`).
    pub flip_y: f64,
    /// Added to every feature (`shift`); `None`: a shift per feature, uniform on
    /// [−class_sep, class_sep).
    pub shift: Option<f64>,
    /// Multiplies every feature after the shift (`scale`); `None`: a factor per feature,
    /// uniform on [1, 101).
    pub scale: Option<f64>,
}

impl Default for ClassificationSpec {
    fn default() -> Self {
        ClassificationSpec {
            n: 1000,
            informative: 2,
            redundant: 2,
            repeated: 0,
            noise: 16,
            minority_fraction: 0.5,
            clusters_per_class: 2,
            class_sep: 1.0,
            hypercube: true,
            flip_y: 0.01,
            shift: Some(0.0),
            scale: Some(1.0),
        }
    }
}

/// The generated columns (unshuffled, in cluster order) and the hidden structure behind them
/// (read by the tests).
#[cfg_attr(not(test), allow(dead_code))]
struct Generated {
    cols: Vec<Vec<f64>>,
    y: Vec<i64>,
    /// The cluster each row was drawn from.
    cluster: Vec<usize>,
    /// Each cluster's centre on the informative axes.
    centres: Vec<Vec<f64>>,
    /// Each cluster's mixing matrix A (informative × informative): rows are z·A + centre.
    mixing: Vec<Vec<Vec<f64>>>,
}

fn generate(s: &ClassificationSpec, seed: u64) -> Generated {
    let d = s.informative;
    let n_clusters = 2 * s.clusters_per_class;
    assert!(
        d >= 1,
        "classification needs at least one informative feature"
    );
    assert!(
        s.clusters_per_class >= 1 && (d >= 63 || n_clusters as u64 <= 1u64 << d),
        "2 × {} clusters do not fit on the 2^{d} vertices of the hypercube",
        s.clusters_per_class
    );
    let mut rng = SynthRng::new(seed, 203);

    // Rows per cluster: cluster k holds class k mod 2, floor(n · weight / clusters_per_class)
    // rows, and the rows left over go one each to clusters 0, 1, … in turn.
    let weights = [1.0 - s.minority_fraction, s.minority_fraction];
    let mut sizes: Vec<usize> = (0..n_clusters)
        .map(|k| (s.n as f64 * weights[k % 2] / s.clusters_per_class as f64) as usize)
        .collect();
    let assigned: usize = sizes.iter().sum();
    for i in 0..s.n.saturating_sub(assigned) {
        sizes[i % n_clusters] += 1;
    }

    // Distinct random vertices of the hypercube [−class_sep, class_sep]^d.
    let mut vertices: Vec<Vec<bool>> = Vec::with_capacity(n_clusters);
    while vertices.len() < n_clusters {
        let v: Vec<bool> = (0..d).map(|_| rng.bernoulli(0.5)).collect();
        if !vertices.contains(&v) {
            vertices.push(v);
        }
    }
    let mut centres: Vec<Vec<f64>> = vertices
        .iter()
        .map(|v| {
            v.iter()
                .map(|&b| if b { s.class_sep } else { -s.class_sep })
                .collect()
        })
        .collect();
    if !s.hypercube {
        let per_cluster: Vec<f64> = (0..n_clusters).map(|_| rng.uniform()).collect();
        let per_axis: Vec<f64> = (0..d).map(|_| rng.uniform()).collect();
        for (c, a) in centres.iter_mut().zip(&per_cluster) {
            for (v, b) in c.iter_mut().zip(&per_axis) {
                *v *= a * b;
            }
        }
    }

    let p = d + s.redundant + s.repeated + s.noise;
    let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(s.n); p];
    let mut y = Vec::with_capacity(s.n);
    let mut cluster = Vec::with_capacity(s.n);
    let mut mixing = Vec::with_capacity(n_clusters);
    // Informative features: z ~ N(0, I_d), then z·A_k + centre_k, A_k uniform on (−1, 1).
    for (k, centre) in centres.iter().enumerate() {
        let a: Vec<Vec<f64>> = (0..d)
            .map(|_| (0..d).map(|_| rng.uniform_range(-1.0, 1.0)).collect())
            .collect();
        for _ in 0..sizes[k] {
            let z: Vec<f64> = (0..d).map(|_| rng.normal(0.0, 1.0)).collect();
            for j in 0..d {
                cols[j].push(centre[j] + (0..d).map(|i| z[i] * a[i][j]).sum::<f64>());
            }
            y.push((k % 2) as i64);
            cluster.push(k);
        }
        mixing.push(a);
    }
    // Redundant features: the informative block times B, B uniform on (−1, 1).
    let b: Vec<Vec<f64>> = (0..d)
        .map(|_| {
            (0..s.redundant)
                .map(|_| rng.uniform_range(-1.0, 1.0))
                .collect()
        })
        .collect();
    for r in 0..s.redundant {
        let col: Vec<f64> = (0..s.n)
            .map(|row| (0..d).map(|i| cols[i][row] * b[i][r]).sum())
            .collect();
        cols[d + r] = col;
    }
    // Repeated features: copies of column floor((d + redundant − 1)·u + 0.5).
    for r in 0..s.repeated {
        let src = ((d + s.redundant - 1) as f64 * rng.uniform() + 0.5) as usize;
        cols[d + s.redundant + r] = cols[src].clone();
    }
    for col in cols.iter_mut().skip(d + s.redundant + s.repeated) {
        *col = (0..s.n).map(|_| rng.normal(0.0, 1.0)).collect();
    }
    for label in y.iter_mut() {
        if rng.bernoulli(s.flip_y) {
            *label = i64::from(rng.bernoulli(0.5));
        }
    }
    let shift: Vec<f64> = (0..p)
        .map(|_| {
            s.shift
                .unwrap_or_else(|| rng.uniform_range(-s.class_sep, s.class_sep))
        })
        .collect();
    let scale: Vec<f64> = (0..p)
        .map(|_| s.scale.unwrap_or_else(|| rng.uniform_range(1.0, 101.0)))
        .collect();
    for ((col, sh), sc) in cols.iter_mut().zip(&shift).zip(&scale) {
        for v in col.iter_mut() {
            *v = (*v + sh) * sc;
        }
    }
    Generated {
        cols,
        y,
        cluster,
        centres,
        mixing,
    }
}

/// A binary problem following scikit-learn's `make_classification` algorithm (with
/// [`SynthRng`]'s numbers, so not scikit-learn's data for the same seed).
///
/// Generating process: the 2·`clusters_per_class` clusters are given distinct random
/// vertices of the hypercube [−class_sep, class_sep]^informative as centres (scaled by
/// random factors unless `hypercube`); cluster k belongs to class k mod 2 and holds
/// ⌊n·w/clusters_per_class⌋ rows, w = 1 − minority_fraction for class 0 and
/// minority_fraction for class 1, the leftover rows going one each to clusters 0, 1, … .
/// A row of cluster k has informative features z·A_k + centre_k, z ~ N(0, I), A_k a
/// matrix of its own with entries uniform on (−1, 1), so each cluster is a Gaussian with
/// its own covariance A_kᵀA_k and each class a mixture of such clusters. Redundant features
/// are the informative ones times a matrix B with entries uniform on (−1, 1); repeated
/// features copy randomly chosen informative or redundant ones; noise features are N(0, 1).
/// A fraction `flip_y` of the rows then get a label drawn by a fair coin, and every feature
/// is shifted and scaled. Rows are shuffled (seeded); columns keep that order (scikit-learn
/// also permutes them) and are named `f0…`, the target `y`.
///
/// # Panics
///
/// If `informative` is 0 or the clusters outnumber the hypercube's vertices.
pub fn classification(s: ClassificationSpec, seed: u64) -> Cohort {
    let g = generate(&s, seed);
    let p = g.cols.len();
    let names: Vec<String> = (0..p).map(|j| format!("f{j}")).collect();
    let mut rng = SynthRng::new(seed, 204);
    let order = shuffled(s.n, &mut rng);
    let transform = match (s.shift, s.scale) {
        (Some(sh), Some(sc)) if sh == 0.0 && sc == 1.0 => String::new(),
        (sh, sc) => format!(
            ", every feature then shifted by {} and scaled by {}",
            sh.map_or("a random amount".to_string(), |v| v.to_string()),
            sc.map_or("a random factor".to_string(), |v| v.to_string())
        ),
    };
    cohort(
        "classification",
        format!(
            "{} rows by the algorithm of scikit-learn's `make_classification`: {} Gaussian clusters per class, \
             centred on {}vertices of a hypercube with coordinates ±{} on the {} informative \
             features and each with its own random covariance, plus {} redundant (linear \
             combinations), {} repeated and {} N(0, 1) noise features; {:.0} % of rows drawn \
             for class 1, {:.0} % of labels then replaced at random{}",
            s.n,
            s.clusters_per_class,
            if s.hypercube { "" } else { "randomly shrunk " },
            s.class_sep,
            s.informative,
            s.redundant,
            s.repeated,
            s.noise,
            100.0 * s.minority_fraction,
            100.0 * s.flip_y,
            transform
        ),
        &names,
        g.cols,
        g.y,
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
        for (i, &yi) in y.iter().enumerate() {
            let (a, b) = (m.x[[i, 0]], m.x[[i, 1]]);
            let r = if yi == 0 {
                (a * a + b * b).sqrt()
            } else {
                ((a - 1.0).powi(2) + (b - 0.5).powi(2)).sqrt()
            };
            assert!((r - 1.0).abs() < 1e-5, "row {i}: radius {r}");
        }
        let c = circles(200, 0.0, 0.5, 1).table().unwrap();
        let y = c.class_target().unwrap().codes.to_vec();
        assert_eq!(y.len(), 200);
        for (i, &yi) in y.iter().enumerate() {
            let r = (c.x[[i, 0]].powi(2) + c.x[[i, 1]].powi(2)).sqrt();
            let want = if yi == 0 { 1.0 } else { 0.5 };
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

    /// Sample mean and covariance (2 × 2) of columns 0 and 1 over `rows`.
    fn mean_cov(cols: &[Vec<f64>], rows: &[usize]) -> ([f64; 2], [[f64; 2]; 2]) {
        let n = rows.len() as f64;
        let m = [0, 1].map(|j| rows.iter().map(|&r| cols[j][r]).sum::<f64>() / n);
        let mut c = [[0.0; 2]; 2];
        for (a, row) in c.iter_mut().enumerate() {
            for (b, v) in row.iter_mut().enumerate() {
                *v = rows
                    .iter()
                    .map(|&r| (cols[a][r] - m[a]) * (cols[b][r] - m[b]))
                    .sum::<f64>()
                    / (n - 1.0);
            }
        }
        (m, c)
    }

    #[test]
    fn classification_draws_clusters_with_their_own_covariances() {
        let s = ClassificationSpec {
            n: 8000,
            redundant: 0,
            noise: 1,
            minority_fraction: 0.25,
            class_sep: 2.0,
            flip_y: 0.0,
            ..ClassificationSpec::default()
        };
        let g = generate(&s, 11);
        // 4 clusters on the 4 vertices of the square [-2, 2]^2; class k mod 2; sizes
        // floor(8000 · 0.75 / 2) and floor(8000 · 0.25 / 2).
        let mut corners: Vec<Vec<f64>> = g.centres.clone();
        corners.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(
            corners,
            vec![
                vec![-2.0, -2.0],
                vec![-2.0, 2.0],
                vec![2.0, -2.0],
                vec![2.0, 2.0]
            ]
        );
        let sizes: Vec<usize> = (0..4)
            .map(|k| g.cluster.iter().filter(|&&c| c == k).count())
            .collect();
        assert_eq!(sizes, vec![3000, 1000, 3000, 1000]);
        for (row, &k) in g.cluster.iter().enumerate() {
            assert_eq!(g.y[row], (k % 2) as i64);
        }
        // Each cluster's sample mean is its centre and its sample covariance is AᵀA for its
        // own mixing matrix A; the matrices (and so the covariances) differ between clusters.
        let mut covs = Vec::new();
        for k in 0..4 {
            let rows: Vec<usize> = (0..s.n).filter(|&r| g.cluster[r] == k).collect();
            let (m, c) = mean_cov(&g.cols, &rows);
            let a = &g.mixing[k];
            for j in 0..2 {
                assert!(
                    (m[j] - g.centres[k][j]).abs() < 0.1,
                    "cluster {k} mean {m:?}"
                );
                for l in 0..2 {
                    let want: f64 = (0..2).map(|i| a[i][j] * a[i][l]).sum();
                    assert!(
                        (c[j][l] - want).abs() < 0.1 * (1.0 + want.abs()),
                        "cluster {k} cov[{j}][{l}] = {} vs AᵀA = {want}",
                        c[j][l]
                    );
                }
            }
            covs.push(c);
        }
        let spread = |j: usize| {
            let v: Vec<f64> = covs.iter().map(|c| c[j][j]).collect();
            v.iter().copied().fold(0.0, f64::max) / v.iter().copied().fold(f64::MAX, f64::min)
        };
        assert!(spread(0) > 1.5 || spread(1) > 1.5, "variances {covs:?}");
        // The noise column is N(0, 1) whatever the cluster.
        let noise = &g.cols[2];
        let mean = noise.iter().sum::<f64>() / s.n as f64;
        let var = noise.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / s.n as f64;
        assert!(mean.abs() < 0.05 && (var - 1.0).abs() < 0.1, "{mean} {var}");
    }

    #[test]
    fn classification_shifts_scales_and_flips_as_told() {
        let base = ClassificationSpec {
            n: 4000,
            flip_y: 0.0,
            ..ClassificationSpec::default()
        };
        let plain = generate(&base, 3);
        let moved = generate(
            &ClassificationSpec {
                shift: Some(2.0),
                scale: Some(3.0),
                ..base
            },
            3,
        );
        for (a, b) in plain.cols.iter().zip(&moved.cols) {
            for (u, v) in a.iter().zip(b) {
                assert!((3.0 * (u + 2.0) - v).abs() < 1e-9);
            }
        }
        let random = generate(
            &ClassificationSpec {
                shift: None,
                scale: None,
                ..base
            },
            3,
        );
        for (a, b) in plain.cols.iter().zip(&random.cols) {
            // b = (a + shift)·scale with scale in [1, 101) and |shift| ≤ class_sep = 1.
            let scale = (b[1] - b[0]) / (a[1] - a[0]);
            let shift = b[0] / scale - a[0];
            assert!((1.0..101.0).contains(&scale) && shift.abs() <= 1.0 + 1e-9);
        }
        // With flip_y = 0.5 about a quarter of the labels differ from their cluster's class.
        let flipped = generate(
            &ClassificationSpec {
                flip_y: 0.5,
                ..base
            },
            3,
        );
        let changed = flipped
            .y
            .iter()
            .zip(&flipped.cluster)
            .filter(|(&y, &k)| y != (k % 2) as i64)
            .count() as f64
            / base.n as f64;
        assert!((changed - 0.25).abs() < 0.03, "{changed}");
    }
}
