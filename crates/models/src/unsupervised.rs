//! Unsupervised models: k-means clustering (linfa-clustering) and PCA.
//!
//! PCA is computed here from the eigendecomposition of the covariance matrix (linfa-linalg's
//! exact symmetric solver) rather than with linfa-reduction, whose PCA uses an approximate
//! iterative SVD and reports explained variance with a different normalisation. Components
//! follow scikit-learn's sign convention (the largest-magnitude loading of each component is
//! positive), so results compare with scikit-learn's directly.

use linfa::prelude::*;
use linfa_clustering::{KMeans, KMeansInit};
use linfa_linalg::eigh::Eigh;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use crate::error::ModelError;

/// A fitted k-means clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Cluster of each training row.
    pub labels: Array1<usize>,
    /// Cluster centres, `k × n_features`.
    pub centroids: Array2<f64>,
    /// Sum of squared distances of the rows to their centre (scikit-learn's `inertia_`;
    /// linfa's own `inertia()` is the mean).
    pub inertia: f64,
}

impl Clustering {
    /// The nearest centre of each row of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<usize>, ModelError> {
        if x.ncols() != self.centroids.ncols() {
            return Err(ModelError::Shape {
                model: "kmeans".into(),
                message: format!(
                    "fitted on {} features but given {}",
                    self.centroids.ncols(),
                    x.ncols()
                ),
            });
        }
        Ok(x.rows()
            .into_iter()
            .map(|r| nearest(&self.centroids, r).0)
            .collect())
    }
}

fn nearest(centroids: &Array2<f64>, row: ndarray::ArrayView1<f64>) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (k, c) in centroids.rows().into_iter().enumerate() {
        let d: f64 = c.iter().zip(row).map(|(a, b)| (a - b) * (a - b)).sum();
        if d < best.1 {
            best = (k, d);
        }
    }
    best
}

/// k-means with k-means++ initialisation, the best of `n_init` runs, seeded.
pub(crate) fn kmeans(
    x: ArrayView2<f64>,
    k: usize,
    n_init: usize,
    max_iter: u64,
    tol: f64,
    seed: u64,
) -> Result<Clustering, ModelError> {
    let fail = |message: String| ModelError::Fit {
        model: "kmeans".into(),
        message,
    };
    if k > x.nrows() {
        return Err(ModelError::Data {
            model: "kmeans".into(),
            message: format!("k={k} is larger than the {} rows", x.nrows()),
        });
    }
    let data = DatasetBase::from(x.to_owned());
    let model = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
        .n_runs(n_init)
        .max_n_iterations(max_iter)
        .tolerance(tol)
        .init_method(KMeansInit::KMeansPlusPlus)
        .fit(&data)
        .map_err(|e| fail(e.to_string()))?;
    let centroids = model.centroids().clone();
    let mut inertia = 0.0;
    let labels = x
        .rows()
        .into_iter()
        .map(|r| {
            let (label, d) = nearest(&centroids, r);
            inertia += d;
            label
        })
        .collect();
    Ok(Clustering {
        labels,
        centroids,
        inertia,
    })
}

/// A fitted principal component analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// Feature means removed before projecting.
    pub mean: Array1<f64>,
    /// Principal axes, `n_components × n_features`, by decreasing variance.
    pub components: Array2<f64>,
    /// Variance along each axis (sample variance, n − 1, as scikit-learn).
    pub explained_variance: Array1<f64>,
    /// Share of the total variance along each axis.
    pub explained_variance_ratio: Array1<f64>,
}

impl Embedding {
    /// Coordinates of `x` on the principal axes.
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        if x.ncols() != self.mean.len() {
            return Err(ModelError::Shape {
                model: "pca".into(),
                message: format!(
                    "fitted on {} features but given {}",
                    self.mean.len(),
                    x.ncols()
                ),
            });
        }
        Ok((&x - &self.mean).dot(&self.components.t()))
    }
}

/// PCA keeping `n_components` axes.
pub(crate) fn pca(x: ArrayView2<f64>, n_components: usize) -> Result<Embedding, ModelError> {
    let (n, p) = x.dim();
    if n < 2 || n_components > p.min(n) {
        return Err(ModelError::Data {
            model: "pca".into(),
            message: format!(
                "n_components={n_components} needs at least that many features and rows (have {p} features, {n} rows)"
            ),
        });
    }
    let mean = x.mean_axis(Axis(0)).expect("rows checked");
    let centred = &x - &mean;
    let cov = centred.t().dot(&centred) / (n as f64 - 1.0);
    let (values, vectors) = cov.eigh().map_err(|e| ModelError::Fit {
        model: "pca".into(),
        message: e.to_string(),
    })?;
    let mut order: Vec<usize> = (0..p).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    let mut components = Array2::zeros((n_components, p));
    for (i, &j) in order.iter().take(n_components).enumerate() {
        let mut v = vectors.column(j).to_owned();
        // scikit-learn's svd_flip: the largest-magnitude loading is positive.
        let big = v
            .iter()
            .copied()
            .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
        if big < 0.0 {
            v.mapv_inplace(|x| -x);
        }
        components.row_mut(i).assign(&v);
    }
    let explained_variance: Array1<f64> = order
        .iter()
        .take(n_components)
        .map(|&j| values[j].max(0.0))
        .collect();
    let explained_variance_ratio = explained_variance.mapv(|v| v / total);
    Ok(Embedding {
        mean,
        components,
        explained_variance,
        explained_variance_ratio,
    })
}
