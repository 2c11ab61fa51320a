//! 12 — kernels: the feature map φ(x1, x2) = (x1, x2, x1² + x2²) that makes concentric rings
//! linearly separable, and the kernel trick — a kernel gives the inner products of a feature
//! map without computing the map.

use ml4ns_data_io::{synth, Table};
use ml4ns_models::{polynomial_features, Fitted};
use ml4ns_reporting::figure::{Regions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ndarray::Array2;

use crate::common::{accuracy, codes, fit, one_split, predict_codes, train_test};
use crate::{Context, TopicError};

const ID: &str = "12-kernels";
/// γ of the RBF kernel whose Gram matrix is shown.
const RBF_GAMMA: f64 = 1.0;

/// φ(x1, x2) = (x1, x2, x1² + x2²).
fn lift(t: &Table) -> Table {
    let mut out = t.clone();
    out.x = Array2::from_shape_fn((t.n_rows(), 3), |(i, j)| {
        let (a, b) = (t.x[[i, 0]], t.x[[i, 1]]);
        match j {
            0 => a,
            1 => b,
            _ => a * a + b * b,
        }
    });
    out.feature_names = vec!["x1".into(), "x2".into(), "x1² + x2²".into()];
    out
}

/// The explicit map of the homogeneous kernel (x·z)²: (x1², √2·x1x2, x2²).
fn phi_homogeneous(x: &[f64]) -> Vec<f64> {
    let s = std::f64::consts::SQRT_2;
    vec![x[0] * x[0], s * x[0] * x[1], x[1] * x[1]]
}

/// The explicit map of the inhomogeneous kernel (x·z + 1)²:
/// (1, √2·x1, √2·x2, x1², √2·x1x2, x2²).
fn phi_inhomogeneous(x: &[f64]) -> Vec<f64> {
    let s = std::f64::consts::SQRT_2;
    vec![
        1.0,
        s * x[0],
        s * x[1],
        x[0] * x[0],
        s * x[0] * x[1],
        x[1] * x[1],
    ]
}

/// Exponent vectors (k₀, k₁, …, k_p) with k₀ + … + k_p = d.
fn exponents(d: usize, parts: usize) -> Vec<Vec<usize>> {
    if parts <= 1 {
        return vec![vec![d; parts]];
    }
    (0..=d)
        .rev()
        .flat_map(|k| {
            exponents(d - k, parts - 1).into_iter().map(move |mut e| {
                e.insert(0, k);
                e
            })
        })
        .collect()
}

fn factorial(n: usize) -> f64 {
    (2..=n).map(|k| k as f64).product()
}

/// The explicit map of (x·z + c)^d for any dimension, from the multinomial theorem:
/// one feature √(d! / (k₀! k₁! ⋯ k_p!) · c^k₀) · Π x_j^k_j per exponent vector (features that
/// are identically 0 when c = 0 are left out).
fn phi_polynomial(x: &[f64], d: usize, c: f64) -> Vec<f64> {
    exponents(d, x.len() + 1)
        .into_iter()
        .filter(|e| c != 0.0 || e[0] == 0)
        .map(|e| {
            let multinomial = factorial(d) / e.iter().map(|&k| factorial(k)).product::<f64>();
            let monomial: f64 = x
                .iter()
                .zip(&e[1..])
                .map(|(&v, &k)| v.powi(k as i32))
                .product();
            (multinomial * c.powi(e[0] as i32)).sqrt() * monomial
        })
        .collect()
}

/// C(n, k) exactly.
fn choose(n: u128, k: u128) -> u128 {
    (1..=k).fold(1, |acc, i| acc * (n - k + i) / i)
}

/// Rows of a matrix as vectors.
fn rows(x: &Array2<f64>) -> Vec<Vec<f64>> {
    x.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(u, v)| u * v).sum()
}

/// Largest |Φ Φᵀ − K| relative to the largest |K|, with Φ the mapped rows and K the kernel.
fn gram_gap(
    points: &[Vec<f64>],
    map: impl Fn(&[f64]) -> Vec<f64>,
    kernel: impl Fn(&[f64], &[f64]) -> f64,
) -> (f64, usize) {
    let mapped: Vec<Vec<f64>> = points.iter().map(|p| map(p)).collect();
    let (mut gap, mut scale) = (0.0f64, 0.0f64);
    for (a, fa) in points.iter().zip(&mapped) {
        for (b, fb) in points.iter().zip(&mapped) {
            let k = kernel(a, b);
            gap = gap.max((dot(fa, fb) - k).abs());
            scale = scale.max(k.abs());
        }
    }
    (gap / scale, mapped.first().map_or(0, Vec::len))
}

fn rbf(a: &[f64], b: &[f64]) -> f64 {
    let d2: f64 = a.iter().zip(b).map(|(u, v)| (u - v) * (u - v)).sum();
    (-RBF_GAMMA * d2).exp()
}

/// Points of one ring, as (column a, column b) of `x`.
fn by_ring(x: &Array2<f64>, y: &[usize], ring: usize, (a, b): (usize, usize)) -> Vec<(f64, f64)> {
    (0..x.nrows())
        .filter(|&i| y[i] == ring)
        .map(|i| (x[[i, a]], x[[i, b]]))
        .collect()
}

/// A classifier's predicted classes on a grid over (lo, hi) in two coordinates; `point` builds
/// the model's input row from the grid's (u, v).
fn regions(
    f: &dyn Fitted,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    width: usize,
    point: impl Fn(f64, f64) -> Vec<f64>,
) -> Result<Regions, TopicError> {
    let (nx, ny) = (120, 90);
    let mut grid = Array2::zeros((nx * ny, width));
    for k in 0..nx * ny {
        let (i, r) = (k % nx, k / nx);
        let u = x0 + (i as f64 + 0.5) * (x1 - x0) / nx as f64;
        let v = y0 + (r as f64 + 0.5) * (y1 - y0) / ny as f64;
        for (j, value) in point(u, v).into_iter().enumerate() {
            grid[[k, j]] = value;
        }
    }
    Ok(Regions {
        x: (x0, x1, nx),
        y: (y0, y1, ny),
        classes: predict_codes(f, grid.view())?,
    })
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Kernels",
        "Can a nonlinear feature map make concentric rings separable by a plane, and can a \
         kernel supply the inner products of such a map without ever computing it?",
    );
    report.data = format!(
        "- The `concentric_rings` cohort (600 points, two rings of radius 1 and 2, seed {}); \
         classifiers are trained on 70 % of it and scored on the other 30 % \
         (`train_test_split(test_size=0.3, random_state=0)`).\n",
        synth::COMMITTED_SEED
    );
    let rings = synth::concentric_rings(600, synth::COMMITTED_SEED).table()?;
    lifting(&mut report, &rings)?;
    kernel_trick(&mut report, &rings)?;
    rbf_kernel(&mut report, &rings)?;
    Ok(report)
}

fn lifting(report: &mut Report, rings: &Table) -> Result<(), TopicError> {
    let lifted = lift(rings);
    let split = one_split("train_test_split:test_size=0.3,random_state=0", rings)?;
    let (train, test) = train_test(rings, &split);
    let (ltrain, ltest) = train_test(&lifted, &split);
    let y = codes(rings)?;

    let mut t = T::new(["model", "features", "test accuracy"]);
    let mut acc = Vec::new();
    for (name, spec) in [
        ("logistic regression", "logistic:c=1.0"),
        ("linear SVM", "svm:kernel=linear,c=1.0"),
    ] {
        for (features, tr, te) in [
            ("(x1, x2)", &train, &test),
            ("φ = (x1, x2, x1² + x2²)", &ltrain, &ltest),
        ] {
            let a = accuracy(fit(spec, tr)?.as_ref(), te)?;
            t.push([name.to_string(), features.to_string(), fixed(a, 3)]);
            acc.push(a);
        }
    }
    let (log_raw, log_lift, svm_raw, svm_lift) = (acc[0], acc[1], acc[2], acc[3]);
    report.checks.push(Check::at_most(
        "logistic regression cannot separate the rings in (x1, x2) (test accuracy)",
        log_raw,
        0.7,
        3,
    ));
    report.checks.push(Check::at_most(
        "nor can a linear SVM (test accuracy)",
        svm_raw,
        0.7,
        3,
    ));
    report.checks.push(Check::at_least(
        "logistic regression separates them after φ (test accuracy)",
        log_lift,
        0.99,
        3,
    ));
    report.checks.push(Check::at_least(
        "so does a linear SVM after φ (test accuracy)",
        svm_lift,
        0.99,
        3,
    ));
    report
        .metrics
        .push(Metric::new("logistic accuracy on (x1, x2)", log_raw, 3));
    report
        .metrics
        .push(Metric::new("logistic accuracy on φ(x)", log_lift, 3));

    // The fitted plane w·φ + b = 0 is the circle (x1 − c1)² + (x2 − c2)² = ρ² in the plane.
    let raw_fit = fit("logistic:c=1.0", &train)?;
    let lift_fit = fit("logistic:c=1.0", &ltrain)?;
    let (w, b) = lift_fit
        .coefficients()
        .ok_or("logistic regression has coefficients")?;
    if w.len() != 3 || w[2] == 0.0 {
        return Err("the lifted model has no weight on x1² + x2²".into());
    }
    let (c1, c2) = (-w[0] / (2.0 * w[2]), -w[1] / (2.0 * w[2]));
    let radius = (c1 * c1 + c2 * c2 - b / w[2]).sqrt();
    report.checks.push(Check::at_least(
        "the plane, mapped back, is a circle between the rings: its radius",
        radius,
        1.3,
        3,
    ));
    report.checks.push(Check::at_most(
        "… and at most 1.7 (rings at radius 1 and 2)",
        radius,
        1.7,
        3,
    ));
    report.checks.push(Check::at_most(
        "the plane is nearly horizontal: max(|w1|, |w2|) / |w3|",
        w[0].abs().max(w[1].abs()) / w[2].abs(),
        0.05,
        4,
    ));
    report
        .metrics
        .push(Metric::new("radius of the boundary circle", radius, 3));

    let raw_regions = regions(raw_fit.as_ref(), (-2.8, 2.8), (-2.8, 2.8), 2, |u, v| {
        vec![u, v]
    })?;
    let z_max = (0..lifted.n_rows())
        .map(|i| lifted.x[[i, 2]])
        .fold(0.0, f64::max)
        * 1.05;
    let side = |j: usize| -> Result<Regions, TopicError> {
        regions(lift_fit.as_ref(), (-2.8, 2.8), (0.0, z_max), 3, |u, v| {
            if j == 0 {
                vec![u, 0.0, v]
            } else {
                vec![0.0, u, v]
            }
        })
    };
    let (regions_x1, regions_x2) = (side(0)?, side(1)?);
    let scatter =
        |title: &str, xl: &str, yl: &str, cols: (usize, usize), x: &Array2<f64>, r: &Regions| {
            Figure::scatter(
                title,
                xl,
                yl,
                &[
                    Series::new("ring 0 (inner)", by_ring(x, &y, 0, cols)),
                    Series::new("ring 1 (outer)", by_ring(x, &y, 1, cols)),
                ],
                Some(r),
            )
        };
    report.sections.push(
        Section::new("Lifting the rings into three dimensions")
            .para(
                "In (x1, x2) the class is a function of the distance from the origin, and no \
                 straight line separates an inner ring from an outer one. The feature map \
                 φ(x1, x2) = (x1, x2, x1² + x2²) adds the squared radius as a third \
                 coordinate: the inner ring lies near height 1 and the outer near height 4, \
                 so a horizontal plane between them separates the classes, and a linear \
                 classifier on φ(x) finds it.",
            )
            .table(t)
            .figure(
                "rings_raw",
                "The rings with the regions of logistic regression on (x1, x2)",
                scatter(
                    "Logistic regression on (x1, x2)",
                    "x1",
                    "x2",
                    (0, 1),
                    &rings.x,
                    &raw_regions,
                ),
            )
            .para(format!(
                "The lifted points seen from two sides (the 3-D plot as two projections). The \
                 shading is the side of the plane fitted by logistic regression on φ(x), \
                 w·φ(x) + b = 0 with w = ({}, {}, {}) and b = {}, cut at x2 = 0 and at x1 = 0. \
                 The weights on x1 and x2 are small, so the plane is nearly horizontal; mapped \
                 back to (x1, x2) it is the circle with centre ({}, {}) and radius {}, between \
                 the rings.",
                fixed(w[0], 3),
                fixed(w[1], 3),
                fixed(w[2], 3),
                fixed(b, 3),
                fixed(c1, 3),
                fixed(c2, 3),
                fixed(radius, 3)
            ))
            .figure(
                "lifted_x1",
                "The lifted rings projected on (x1, x1² + x2²), with the fitted plane's sides at x2 = 0",
                scatter(
                    "φ(x) seen along x2",
                    "x1",
                    "x1² + x2²",
                    (0, 2),
                    &lifted.x,
                    &regions_x1,
                ),
            )
            .figure(
                "lifted_x2",
                "The lifted rings projected on (x2, x1² + x2²), with the fitted plane's sides at x1 = 0",
                scatter(
                    "φ(x) seen along x1",
                    "x2",
                    "x1² + x2²",
                    (1, 2),
                    &lifted.x,
                    &regions_x2,
                ),
            ),
    );
    Ok(())
}

fn kernel_trick(report: &mut Report, rings: &Table) -> Result<(), TopicError> {
    let pts = rows(&rings.x);
    let (x, z) = (
        pts.first().ok_or("no points")?,
        pts.get(1).ok_or("one point only")?,
    );
    let homogeneous = |a: &[f64], b: &[f64]| dot(a, b).powi(2);
    let inhomogeneous = |a: &[f64], b: &[f64]| (dot(a, b) + 1.0).powi(2);
    let cubic = |a: &[f64], b: &[f64]| (dot(a, b) + 1.0).powi(3);
    let (gap_h, dim_h) = gram_gap(&pts, phi_homogeneous, homogeneous);
    let (gap_i, dim_i) = gram_gap(&pts, phi_inhomogeneous, inhomogeneous);
    let (gap_c, dim_c) = gram_gap(&pts, |p| phi_polynomial(p, 3, 1.0), cubic);
    // The general map reproduces the hand-written ones.
    let general_h = pts
        .iter()
        .map(|p| {
            phi_polynomial(p, 2, 0.0)
                .iter()
                .zip(phi_homogeneous(p))
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max)
        })
        .fold(0.0, f64::max);

    let mut example = T::new(["", "value"]);
    let vec_text = |v: &[f64]| {
        format!(
            "({})",
            v.iter()
                .map(|&e| fixed(e, 4))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    example.push(["x".to_string(), vec_text(x)]);
    example.push(["z".to_string(), vec_text(z)]);
    example.push([
        "φ(x) = (x1², √2·x1x2, x2²)".to_string(),
        vec_text(&phi_homogeneous(x)),
    ]);
    example.push(["φ(z)".to_string(), vec_text(&phi_homogeneous(z))]);
    example.push([
        "φ(x)·φ(z), 3 products in the feature space".to_string(),
        fixed(dot(&phi_homogeneous(x), &phi_homogeneous(z)), 6),
    ]);
    example.push([
        "k(x, z) = (x·z)², 2 products and a square".to_string(),
        fixed(homogeneous(x, z), 6),
    ]);

    let mut grams = T::new([
        "kernel k(x, z)",
        "explicit map φ",
        "dim φ",
        "max |φφᵀ − K| / max |K| over 600 × 600 pairs",
    ]);
    for (k, map, dim, gap) in [
        ("(x·z)²", "(x1², √2·x1x2, x2²)", dim_h, gap_h),
        (
            "(x·z + 1)²",
            "(1, √2·x1, √2·x2, x1², √2·x1x2, x2²)",
            dim_i,
            gap_i,
        ),
        (
            "(x·z + 1)³",
            "multinomial theorem (general map)",
            dim_c,
            gap_c,
        ),
    ] {
        grams.push([
            k.to_string(),
            map.to_string(),
            dim.to_string(),
            if gap <= 1e-12 { "< 1e-12" } else { "≥ 1e-12" }.to_string(),
        ]);
    }
    for (name, gap) in [
        ("(x·z)²", gap_h),
        ("(x·z + 1)²", gap_i),
        ("(x·z + 1)³", gap_c),
    ] {
        report.checks.push(Check::at_most(
            format!(
                "kernel trick, {name}: the Gram matrix of the explicit map equals the kernel's \
                 (largest difference relative to the largest entry, all 600 points)"
            ),
            gap,
            1e-12,
            12,
        ));
    }
    report.checks.push(Check::equal(
        "dimensions of the explicit maps of (x·z)², (x·z + 1)² and (x·z + 1)³ in 2-D",
        format!("{dim_h}, {dim_i}, {dim_c}"),
        format!("{}, {}, {}", choose(3, 2), choose(4, 2), choose(5, 3)),
    ));
    report.checks.push(Check::at_most(
        "the general multinomial map with d = 2, c = 0 is the hand-written (x1², √2·x1x2, x2²)",
        general_h,
        1e-12,
        12,
    ));

    // Cost: features of the explicit map of (x·z + 1)^d in p dimensions.
    let counts_agree = (1..=5usize).all(|p| {
        (1..=4usize).all(|d| {
            let c = choose((p + d) as u128, d as u128);
            let ours = phi_polynomial(&vec![1.0; p], d, 1.0).len() as u128;
            let sklearn =
                polynomial_features(Array2::<f64>::zeros((1, p)).view(), d).ncols() as u128 + 1;
            ours == c && sklearn == c
        })
    });
    report.checks.push(Check::equal(
        "for p ≤ 5 and d ≤ 4 the explicit map and scikit-learn-style PolynomialFeatures (plus \
         the constant) both have C(p + d, d) features",
        counts_agree.to_string(),
        "true",
    ));
    let degrees = [2u128, 3, 5, 10];
    let mut header = vec!["input dimension p".to_string()];
    header.extend(degrees.iter().map(|d| format!("d = {d}")));
    header.push("kernel evaluation".into());
    let mut cost = T::new(header);
    for (p, what) in [
        (2u128, "the rings"),
        (13, "wine"),
        (30, "breast cancer"),
        (64, "8 × 8 digits"),
        (784, "a 28 × 28 image"),
    ] {
        let mut row = vec![format!("{p} ({what})")];
        for &d in &degrees {
            let c = choose(p + d, d);
            row.push(if c < 1_000_000_000 {
                c.to_string()
            } else {
                format!("{:.2e}", c as f64)
            });
        }
        row.push(format!("{p} products, a sum, a power"));
        cost.push(row);
    }

    report.sections.push(
        Section::new("The kernel trick")
            .para(
                "The SVM, solved in its dual form, uses the data only through inner products \
                 xᵢ·xⱼ. After a feature map they need φ(xᵢ)·φ(xⱼ), and for some maps that \
                 inner product has a short formula in the original coordinates — a kernel \
                 k(x, z) = φ(x)·φ(z). For the degree-2 homogeneous polynomial kernel, \
                 (x·z)² = (x1z1 + x2z2)² = x1²z1² + 2x1x2z1z2 + x2²z2² = φ(x)·φ(z) with \
                 φ(x) = (x1², √2·x1x2, x2²). On the first two points of the cohort:",
            )
            .table(example)
            .para(
                "The same holds for every pair: the Gram matrix K (all pairwise kernel values) \
                 equals ΦΦᵀ, the Gram matrix of the mapped points. The inhomogeneous kernel \
                 (x·z + 1)² has a 6-D map (a constant, the linear terms and the quadratic \
                 terms), and any (x·z + c)^d has one by the multinomial theorem.",
            )
            .table(grams)
            .para(
                "Why it matters: the map of (x·z + 1)^d has one feature per monomial of degree \
                 ≤ d in p variables, C(p + d, d) of them, while the kernel costs p products \
                 whatever d. The number of features of the explicit map:",
            )
            .table(cost),
    );
    Ok(())
}

fn rbf_kernel(report: &mut Report, rings: &Table) -> Result<(), TopicError> {
    let y = codes(rings)?;
    let pts = rows(&rings.x);

    // A small sample: the first six points of each ring, each ring sorted by angle.
    let mut sample: Vec<usize> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for (ring, name) in [(0, "in"), (1, "out")] {
        let mut idx: Vec<usize> = (0..pts.len()).filter(|&i| y[i] == ring).take(6).collect();
        idx.sort_by(|&a, &b| {
            pts[a][1]
                .atan2(pts[a][0])
                .total_cmp(&pts[b][1].atan2(pts[b][0]))
        });
        for (k, &i) in idx.iter().enumerate() {
            labels.push(format!("{name} {}", k + 1));
            sample.push(i);
        }
    }
    let gram: Vec<Vec<f64>> = sample
        .iter()
        .map(|&a| sample.iter().map(|&b| rbf(&pts[a], &pts[b])).collect())
        .collect();

    // Mean kernel value within and between rings over all 600 points.
    let mut sums = [[0.0f64; 2]; 3];
    for (i, a) in pts.iter().enumerate() {
        for (j, b) in pts.iter().enumerate().skip(i + 1) {
            let k = rbf(a, b);
            let group = if y[i] != y[j] { 2 } else { y[i].min(1) };
            sums[group][0] += k;
            sums[group][1] += 1.0;
        }
    }
    let mean = |g: usize| sums[g][0] / sums[g][1].max(1.0);
    let (inner, outer, between) = (mean(0), mean(1), mean(2));
    report.checks.push(Check::greater(
        "RBF kernel values are larger within a ring than between rings: the smaller \
         within-ring mean vs the between-ring mean",
        ("within", inner.min(outer)),
        ("between", between),
        4,
    ));

    let split = one_split("train_test_split:test_size=0.3,random_state=0", rings)?;
    let (train, test) = train_test(rings, &split);
    let rbf_fit = fit("svm:kernel=rbf,c=1.0,gamma=scale", &train)?;
    let rbf_acc = accuracy(rbf_fit.as_ref(), &test)?;
    let poly_acc = accuracy(
        fit("svm:kernel=poly,degree=2,coef0=1.0", &train)?.as_ref(),
        &test,
    )?;
    report.checks.push(Check::at_least(
        "an RBF SVM on the raw (x1, x2) separates the rings (test accuracy)",
        rbf_acc,
        0.99,
        3,
    ));
    report.checks.push(Check::at_least(
        "so does an SVM with the polynomial kernel (γx·z + 1)² on the raw (x1, x2) (test \
         accuracy)",
        poly_acc,
        0.99,
        3,
    ));
    report
        .metrics
        .push(Metric::new("RBF SVM accuracy on (x1, x2)", rbf_acc, 3));
    let rbf_regions = regions(rbf_fit.as_ref(), (-2.8, 2.8), (-2.8, 2.8), 2, |u, v| {
        vec![u, v]
    })?;
    let mut means = T::new(["pairs of points", "mean k(x, z)"]);
    means.push(["both on the inner ring".to_string(), fixed(inner, 4)]);
    means.push(["both on the outer ring".to_string(), fixed(outer, 4)]);
    means.push(["one on each ring".to_string(), fixed(between, 4)]);
    let mut acc = T::new(["SVM kernel", "features", "test accuracy"]);
    acc.push([
        "RBF, γ = scale".to_string(),
        "(x1, x2)".to_string(),
        fixed(rbf_acc, 3),
    ]);
    acc.push([
        "polynomial, degree 2, coef0 = 1".to_string(),
        "(x1, x2)".to_string(),
        fixed(poly_acc, 3),
    ]);

    report.sections.push(
        Section::new("The RBF kernel")
            .para(format!(
                "The Gaussian (RBF) kernel k(x, z) = exp(−γ‖x − z‖²) is an inner product in an \
                 infinite-dimensional feature space, so it can only be used through the \
                 kernel trick. It measures similarity: 1 for identical points, near 0 for \
                 distant ones. Its Gram matrix on six points of each ring (γ = {}), sorted by \
                 ring and then by angle, has a block per ring: neighbours on the same ring are \
                 similar, points on different rings are not.",
                fixed(RBF_GAMMA, 1)
            ))
            .figure(
                "rbf_gram",
                "RBF Gram matrix of 12 points, sorted by ring and angle",
                Figure::heatmap(
                    &format!("RBF kernel exp(−γ‖x − z‖²), γ = {}", fixed(RBF_GAMMA, 1)),
                    "point",
                    "point",
                    &labels,
                    &labels,
                    &gram,
                    2,
                ),
            )
            .para("Over all 600 points (every pair once):")
            .table(means)
            .para(
                "An SVM with this kernel — or with the degree-2 polynomial kernel, whose \
                 feature space contains x1² + x2² — separates the rings from the raw \
                 coordinates, without φ ever being computed:",
            )
            .table(acc)
            .figure(
                "rings_rbf",
                "Decision regions of the RBF SVM on the raw coordinates",
                Figure::scatter(
                    "RBF SVM on (x1, x2)",
                    "x1",
                    "x2",
                    &[
                        Series::new("ring 0 (inner)", by_ring(&rings.x, &y, 0, (0, 1))),
                        Series::new("ring 1 (outer)", by_ring(&rings.x, &y, 1, (0, 1))),
                    ],
                    Some(&rbf_regions),
                ),
            ),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_and_counts() {
        assert_eq!(choose(5, 2), 10);
        assert_eq!(phi_polynomial(&[1.0, 2.0], 2, 1.0).len(), 6);
        let (x, z) = ([0.3, -1.2], [2.0, 0.5]);
        let k = (dot(&x, &z) + 1.0).powi(2);
        assert!((dot(&phi_inhomogeneous(&x), &phi_inhomogeneous(&z)) - k).abs() < 1e-12);
    }
}
