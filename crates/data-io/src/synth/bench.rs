//! Benchmark data: many rows, 30 features, with cluster structure and a known target.

use super::{spec, Cohort, SynthColumn, SynthRng};
use crate::frame::TargetKind;

/// Features in a [`benchmark`] table.
pub const BENCHMARK_FEATURES: usize = 30;

/// `n` rows of 30 features `f0..f29` for timing models (not a course cohort).
///
/// Generating process: three clusters, row `i` in cluster `i mod 3`; each cluster's centre has
/// coordinates N(0, 2²) (drawn once); a row is its centre plus N(0, 1) noise per feature. The
/// target `y` is, for `classification`, `1` when `f0 − f1 + 0.5·f2 + e > c` (e ~ N(0, 1), `c` the
/// mean of `f0 − f1 + 0.5·f2` over the cluster centres, so both classes are common) and `0`
/// otherwise; for regression, `3·f0 − 2·f1 + f2 + 0.5·f3 + e`. Values have 4 decimals.
pub fn benchmark(n: usize, classification: bool, seed: u64) -> Cohort {
    let p = BENCHMARK_FEATURES;
    let mut rng = SynthRng::new(seed, 100);
    let centres: Vec<Vec<f64>> = (0..3)
        .map(|_| (0..p).map(|_| rng.normal(0.0, 2.0)).collect())
        .collect();
    let lin = |x: &[f64]| x[0] - x[1] + 0.5 * x[2];
    let threshold = centres.iter().map(|c| lin(c)).sum::<f64>() / 3.0;
    let mut cols: Vec<Vec<f64>> = (0..p).map(|_| Vec::with_capacity(n)).collect();
    let mut y_class = Vec::with_capacity(n);
    let mut y_value = Vec::with_capacity(n);
    let mut row = vec![0.0; p];
    for i in 0..n {
        let c = &centres[i % 3];
        for j in 0..p {
            // Rounded as written, so the target is a function of the stored values.
            row[j] = (1e4 * (c[j] + rng.normal(0.0, 1.0))).round() / 1e4;
            cols[j].push(row[j]);
        }
        let e = rng.normal(0.0, 1.0);
        y_class.push(i64::from(lin(&row) + e > threshold));
        y_value.push(3.0 * row[0] - 2.0 * row[1] + row[2] + 0.5 * row[3] + e);
    }
    let mut columns: Vec<SynthColumn> = cols
        .into_iter()
        .enumerate()
        .map(|(j, v)| SynthColumn::float(&format!("f{j}"), v, 4))
        .collect();
    let (name, kind) = if classification {
        columns.push(SynthColumn::int("y", y_class));
        ("benchmark_classification", TargetKind::Classes)
    } else {
        columns.push(SynthColumn::float("y", y_value, 4));
        ("benchmark_regression", TargetKind::Continuous)
    };
    Cohort {
        name,
        description: format!(
            "{n} rows, 30 features in three N(centre, 1) clusters with centres ~ N(0, 2²); y as \
             documented on `benchmark`"
        ),
        columns,
        spec: spec("y", kind, None, None, &[]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn benchmark_tables_are_seeded_with_both_classes() {
        let a = super::benchmark(300, true, 0);
        assert_eq!(a.to_csv(), super::benchmark(300, true, 0).to_csv());
        let t = a.table().unwrap();
        assert_eq!(t.n_features(), super::BENCHMARK_FEATURES);
        let counts = t.class_target().unwrap().counts();
        assert!(counts.iter().all(|&c| c > 60), "{counts:?}");
        let r = super::benchmark(300, false, 0).table().unwrap();
        assert!(r.class_target().is_none());
        assert_eq!(r.x, t.x, "same features for both targets");
    }
}
