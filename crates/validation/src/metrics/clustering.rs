//! Clustering metrics with scikit-learn's conventions. `x` is `n_samples × n_features`;
//! labels are cluster codes (any non-negative integers).

use std::collections::BTreeMap;

use ndarray::{Array1, Array2, ArrayView2};

use super::{check_lengths, MetricError};

/// Codes `0..k` for the sorted distinct labels, and k.
fn relabel(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut index = BTreeMap::new();
    for &l in labels {
        index.entry(l).or_insert(0);
    }
    for (i, v) in index.values_mut().enumerate() {
        *v = i;
    }
    (labels.iter().map(|l| index[l]).collect(), index.len())
}

fn check(x: &ArrayView2<f64>, labels: &[usize]) -> Result<(Vec<usize>, usize), MetricError> {
    check_lengths(x.nrows(), labels.len())?;
    let (codes, k) = relabel(labels);
    if k < 2 || k >= labels.len() {
        return Err(MetricError::Invalid(format!(
            "number of labels is {k}; valid values are 2 to n_samples - 1 ({}) inclusive",
            labels.len().saturating_sub(1)
        )));
    }
    Ok((codes, k))
}

fn centroids(x: &ArrayView2<f64>, codes: &[usize], k: usize) -> (Array2<f64>, Vec<usize>) {
    let mut c = Array2::<f64>::zeros((k, x.ncols()));
    let mut n = vec![0usize; k];
    for (row, &g) in x.rows().into_iter().zip(codes) {
        let mut target = c.row_mut(g);
        target += &row;
        n[g] += 1;
    }
    for (mut row, &count) in c.rows_mut().into_iter().zip(&n) {
        row /= count as f64;
    }
    (c, n)
}

fn sq_dist(a: ndarray::ArrayView1<f64>, b: ndarray::ArrayView1<f64>) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Within-cluster sum of squares (k-means inertia): squared distance of each point to the
/// mean of its cluster, summed.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `x` has not one row per label.
pub fn inertia(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64, MetricError> {
    check_lengths(x.nrows(), labels.len())?;
    let (codes, k) = relabel(labels);
    let (c, _) = centroids(&x, &codes, k);
    Ok(x.rows()
        .into_iter()
        .zip(&codes)
        .map(|(row, &g)| sq_dist(row, c.row(g)))
        .sum())
}

/// Mean silhouette coefficient (Euclidean). A point alone in its cluster scores 0.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `x` has not one row per label;
/// [`MetricError::Invalid`] when the labels hold fewer than 2 distinct clusters, or as many as
/// there are samples.
pub fn silhouette(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64, MetricError> {
    Ok(silhouette_samples(x, labels)?.mean().unwrap_or(0.0))
}

/// Silhouette coefficient of each point: (b − a) / max(a, b).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `x` has not one row per label;
/// [`MetricError::Invalid`] when the labels hold fewer than 2 distinct clusters, or as many as
/// there are samples.
pub fn silhouette_samples(
    x: ArrayView2<f64>,
    labels: &[usize],
) -> Result<Array1<f64>, MetricError> {
    let (codes, k) = check(&x, labels)?;
    let n = x.nrows();
    let mut sizes = vec![0usize; k];
    for &g in &codes {
        sizes[g] += 1;
    }
    let mut out = Array1::zeros(n);
    let mut sums = vec![0.0; k];
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for j in 0..n {
            sums[codes[j]] += sq_dist(x.row(i), x.row(j)).sqrt();
        }
        let own = codes[i];
        if sizes[own] <= 1 {
            continue; // singleton: 0
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&g| g != own)
            .map(|g| sums[g] / sizes[g] as f64)
            .fold(f64::INFINITY, f64::min);
        let s = (b - a) / a.max(b);
        out[i] = if s.is_nan() { 0.0 } else { s };
    }
    Ok(out)
}

/// Davies–Bouldin index (lower is better); 0 when all clusters are points or coincide.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `x` has not one row per label;
/// [`MetricError::Invalid`] when the labels hold fewer than 2 distinct clusters, or as many as
/// there are samples.
pub fn davies_bouldin(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64, MetricError> {
    let (codes, k) = check(&x, labels)?;
    let (c, n) = centroids(&x, &codes, k);
    let mut intra = vec![0.0; k];
    for (row, &g) in x.rows().into_iter().zip(&codes) {
        intra[g] += sq_dist(row, c.row(g)).sqrt();
    }
    for g in 0..k {
        intra[g] /= n[g] as f64;
    }
    let mut dist = vec![vec![0.0; k]; k];
    let mut all_zero = true;
    for i in 0..k {
        for j in 0..k {
            dist[i][j] = sq_dist(c.row(i), c.row(j)).sqrt();
            if dist[i][j].abs() > 1e-8 {
                all_zero = false;
            }
        }
    }
    // np.isclose(·, 0) with its default atol.
    if intra.iter().all(|&d| d.abs() <= 1e-8) || all_zero {
        return Ok(0.0);
    }
    let mut total = 0.0;
    for i in 0..k {
        let mut worst = f64::NEG_INFINITY;
        for j in 0..k {
            let d = if dist[i][j] == 0.0 {
                f64::INFINITY
            } else {
                dist[i][j]
            };
            worst = worst.max((intra[i] + intra[j]) / d);
        }
        total += worst;
    }
    Ok(total / k as f64)
}

/// Calinski–Harabasz index (variance ratio criterion); 1.0 when every cluster is a point.
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `x` has not one row per label;
/// [`MetricError::Invalid`] when the labels hold fewer than 2 distinct clusters, or as many as
/// there are samples.
pub fn calinski_harabasz(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64, MetricError> {
    let (codes, k) = check(&x, labels)?;
    let n_samples = x.nrows();
    let (c, n) = centroids(&x, &codes, k);
    let mean = x.mean_axis(ndarray::Axis(0)).expect("rows");
    let extra: f64 = (0..k)
        .map(|g| n[g] as f64 * sq_dist(c.row(g), mean.view()))
        .sum();
    let intra: f64 = x
        .rows()
        .into_iter()
        .zip(&codes)
        .map(|(row, &g)| sq_dist(row, c.row(g)))
        .sum();
    Ok(if intra == 0.0 {
        1.0
    } else {
        extra * (n_samples - k) as f64 / (intra * (k - 1) as f64)
    })
}

/// Adjusted Rand index between two labelings (1 for identical partitions, ≈0 for random).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `labels_true` and `labels_pred` differ in length.
pub fn adjusted_rand(labels_true: &[usize], labels_pred: &[usize]) -> Result<f64, MetricError> {
    check_lengths(labels_true.len(), labels_pred.len())?;
    let n = labels_true.len() as i128;
    let (t, kt) = relabel(labels_true);
    let (p, kp) = relabel(labels_pred);
    let mut table = vec![vec![0i128; kp]; kt];
    for (&a, &b) in t.iter().zip(&p) {
        table[a][b] += 1;
    }
    let n_c: Vec<i128> = table.iter().map(|r| r.iter().sum()).collect();
    let n_k: Vec<i128> = (0..kp).map(|j| table.iter().map(|r| r[j]).sum()).collect();
    let sum_squares: i128 = table.iter().flatten().map(|v| v * v).sum();
    let tp = sum_squares - n;
    let fp: i128 = table
        .iter()
        .map(|r| r.iter().zip(&n_k).map(|(v, nk)| v * nk).sum::<i128>())
        .sum::<i128>()
        - sum_squares;
    let fn_: i128 = (0..kp)
        .map(|j| (0..kt).map(|i| table[i][j] * n_c[i]).sum::<i128>())
        .sum::<i128>()
        - sum_squares;
    let tn = n * n - fp - fn_ - sum_squares;
    if fn_ == 0 && fp == 0 {
        return Ok(1.0);
    }
    let num = 2.0 * ((tp * tn - fn_ * fp) as f64);
    let den = ((tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn)) as f64;
    Ok(num / den)
}
