//! How well an embedding keeps neighbourhoods.

use ndarray::ArrayView2;

use super::MetricError;

fn sq_dist(a: ndarray::ArrayView1<f64>, b: ndarray::ArrayView1<f64>) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// scikit-learn's `sklearn.manifold.trustworthiness(X, X_embedded, n_neighbors)` (Euclidean):
/// 1 − 2/(n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ Nₖ(i) in the embedding} max(0, r(i, j) − k), where
/// r(i, j) is the rank of j among i's neighbours in the original space. 1 means every
/// embedded neighbourhood holds only true neighbours. Needs k < n/2. O(n² log n).
///
/// # Errors
///
/// Returns [`MetricError::LengthMismatch`] when `embedded` has not as many rows as `x`;
/// [`MetricError::Invalid`] when `n_neighbors` is 0 or not below half the number of samples.
pub fn trustworthiness(
    x: ArrayView2<f64>,
    embedded: ArrayView2<f64>,
    n_neighbors: usize,
) -> Result<f64, MetricError> {
    let n = x.nrows();
    if embedded.nrows() != n {
        return Err(MetricError::LengthMismatch(n, embedded.nrows()));
    }
    let k = n_neighbors;
    if k == 0 || 2 * k >= n {
        return Err(MetricError::Invalid(format!(
            "trustworthiness needs 0 < n_neighbors < n_samples / 2 (got {k} for {n} samples)"
        )));
    }
    let mut total = 0.0;
    let mut rank = vec![0usize; n];
    let mut order: Vec<(f64, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        order.clear();
        order.extend(
            (0..n)
                .filter(|&j| j != i)
                .map(|j| (sq_dist(x.row(i), x.row(j)), j)),
        );
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (r, &(_, j)) in order.iter().enumerate() {
            rank[j] = r + 1;
        }
        order.clear();
        order.extend(
            (0..n)
                .filter(|&j| j != i)
                .map(|j| (sq_dist(embedded.row(i), embedded.row(j)), j)),
        );
        order.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(_, j) in &order[..k] {
            total += rank[j].saturating_sub(k) as f64;
        }
    }
    let (nf, kf) = (n as f64, k as f64);
    Ok(1.0 - total * 2.0 / (nf * kf * (2.0 * nf - 3.0 * kf - 1.0)))
}
