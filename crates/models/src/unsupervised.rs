//! Unsupervised models: clustering (k-means, Gaussian mixtures, DBSCAN; linfa-clustering) and
//! embeddings (PCA, diffusion maps).
//!
//! * k-means and the Gaussian mixture are fitted by linfa-clustering. linfa reports neither the
//!   mixture's likelihood nor BIC/AIC, so they are computed here from the fitted weights, means
//!   and covariances (Cholesky factors, log-sum-exp), with scikit-learn's parameter count, and
//!   rows are assigned by the same responsibilities.
//! * DBSCAN is linfa's; its noise rows are labelled −1 as in scikit-learn.
//! * PCA is computed here from the eigendecomposition of the covariance matrix (linfa-linalg's
//!   exact symmetric solver) rather than with linfa-reduction, whose PCA uses an approximate
//!   iterative SVD and reports explained variance with a different normalisation. Components
//!   follow scikit-learn's sign convention (the largest-magnitude loading of each component is
//!   positive), so results compare with scikit-learn's directly.
//! * The diffusion map (the nonlinear embedding) is linfa-reduction's, on a dense Gaussian
//!   kernel; each axis gets the same sign convention as PCA so that reruns and machines agree.

use linfa::prelude::*;
use linfa_clustering::{Dbscan, GaussianMixtureModel, KMeans, KMeansInit};
use linfa_kernel::{Kernel, KernelMethod, KernelType};
use linfa_linalg::cholesky::Cholesky;
use linfa_linalg::eigh::Eigh;
use linfa_reduction::DiffusionMap;
use ndarray::{Array1, Array2, Array3, ArrayView1, ArrayView2, Axis};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use crate::error::ModelError;

/// A fitted clustering of the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Cluster of each training row; −1 marks DBSCAN's noise rows (as scikit-learn).
    pub labels: Array1<i64>,
    /// Number of clusters found (noise excluded).
    pub n_clusters: usize,
    /// What the method fitted.
    pub fit: ClusterFit,
}

/// The fitted parameters of a clustering method.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterFit {
    /// k-means.
    KMeans {
        /// Cluster centres, `k × n_features`.
        centroids: Array2<f64>,
        /// Sum of squared distances of the rows to their centre (scikit-learn's `inertia_`;
        /// linfa's own `inertia()` is the mean).
        inertia: f64,
    },
    /// Gaussian mixture with full covariances.
    Gmm(GmmFit),
    /// DBSCAN (assigns only the rows it was fitted on).
    Dbscan {
        /// Neighbourhood radius (Euclidean).
        eps: f64,
        /// Rows (the point itself included) a core point needs within `eps`.
        min_samples: usize,
        /// Rows labelled noise.
        n_noise: usize,
    },
}

/// A fitted Gaussian mixture.
#[derive(Debug, Clone, PartialEq)]
pub struct GmmFit {
    /// Mixing weights.
    pub weights: Array1<f64>,
    /// Component means, `k × n_features`.
    pub means: Array2<f64>,
    /// Component covariances, `k × n_features × n_features`.
    pub covariances: Array3<f64>,
    /// Total log-likelihood of the training rows.
    pub log_likelihood: f64,
    /// Free parameters: k·d(d+1)/2 + k·d + k − 1 (scikit-learn's count for full covariances).
    pub n_parameters: usize,
    /// Bayesian information criterion, −2·LL + p·ln n (lower is better).
    pub bic: f64,
    /// Akaike information criterion, −2·LL + 2p (lower is better).
    pub aic: f64,
}

impl GmmFit {
    /// Build from mixture parameters, scoring `x`: the log-likelihood, BIC and AIC.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Shape`] when `x` has a different number of columns than `means`, and
    /// [`ModelError::Fit`] when a covariance is not positive definite.
    pub fn new(
        weights: Array1<f64>,
        means: Array2<f64>,
        covariances: Array3<f64>,
        x: ArrayView2<f64>,
    ) -> Result<GmmFit, ModelError> {
        let (k, d) = means.dim();
        let mut fit = GmmFit {
            weights,
            means,
            covariances,
            log_likelihood: 0.0,
            n_parameters: k * d * (d + 1) / 2 + k * d + k - 1,
            bic: 0.0,
            aic: 0.0,
        };
        let (_, ll) = fit.responsibilities(x)?;
        let n = x.nrows() as f64;
        let p = fit.n_parameters as f64;
        fit.log_likelihood = ll;
        fit.bic = -2.0 * ll + p * n.ln();
        fit.aic = -2.0 * ll + 2.0 * p;
        Ok(fit)
    }

    /// Posterior probability of each component for each row, and the total log-likelihood.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Shape`] when `x` has a different number of columns than the means,
    /// and [`ModelError::Fit`] when a covariance is not positive definite.
    pub fn responsibilities(&self, x: ArrayView2<f64>) -> Result<(Array2<f64>, f64), ModelError> {
        let (k, d) = self.means.dim();
        check_cols("gmm", d, &x)?;
        let mut log_p = Array2::zeros((x.nrows(), k));
        for c in 0..k {
            let cov = self.covariances.index_axis(Axis(0), c).to_owned();
            let l = cov.cholesky().map_err(|e| ModelError::Fit {
                model: "gmm".into(),
                message: format!("covariance of component {c} is not positive definite ({e})"),
            })?;
            let log_det: f64 = (0..d).map(|i| l[[i, i]].ln()).sum::<f64>() * 2.0;
            let base = self.weights[c].ln()
                - 0.5 * (d as f64 * (2.0 * std::f64::consts::PI).ln() + log_det);
            let mean = self.means.row(c);
            let mut z = vec![0.0; d];
            for (i, row) in x.rows().into_iter().enumerate() {
                // Forward substitution: z = L⁻¹ (x − μ).
                for a in 0..d {
                    let mut s = row[a] - mean[a];
                    for b in 0..a {
                        s -= l[[a, b]] * z[b];
                    }
                    z[a] = s / l[[a, a]];
                }
                let maha: f64 = z.iter().map(|v| v * v).sum();
                log_p[[i, c]] = base - 0.5 * maha;
            }
        }
        let mut total = 0.0;
        for mut row in log_p.rows_mut() {
            let m = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            let lse = m + row.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
            total += lse;
            row.mapv_inplace(|v| (v - lse).exp());
        }
        Ok((log_p, total))
    }
}

impl Clustering {
    /// Labels as cluster indices with DBSCAN's noise rows (−1) counted as one more cluster
    /// (`n_clusters`), the form agreement metrics such as the adjusted Rand index take.
    pub fn labels_with_noise_cluster(&self) -> Vec<usize> {
        self.labels
            .iter()
            .map(|&l| if l < 0 { self.n_clusters } else { l as usize })
            .collect()
    }

    /// The cluster of each row of `x`: nearest centre (k-means) or most probable component
    /// (mixture). DBSCAN cannot assign new rows.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] for DBSCAN, [`ModelError::Shape`] when `x` has a different
    /// number of columns than the training rows, and [`ModelError::Fit`] when a mixture
    /// covariance is not positive definite.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<i64>, ModelError> {
        match &self.fit {
            ClusterFit::KMeans { centroids, .. } => {
                check_cols("kmeans", centroids.ncols(), &x)?;
                Ok(x.rows()
                    .into_iter()
                    .map(|r| nearest(centroids, r).0 as i64)
                    .collect())
            }
            ClusterFit::Gmm(g) => Ok(argmax(&g.responsibilities(x)?.0)),
            ClusterFit::Dbscan { .. } => Err(ModelError::Data {
                model: "dbscan".into(),
                message: "DBSCAN labels only the rows it was fitted on; it cannot assign new rows"
                    .into(),
            }),
        }
    }

    /// Component probabilities of each row (Gaussian mixtures only).
    ///
    /// # Errors
    ///
    /// For a mixture, as [`GmmFit::responsibilities`]: [`ModelError::Shape`] for a wrong number of
    /// columns, [`ModelError::Fit`] for a covariance that is not positive definite. Never for
    /// k-means or DBSCAN.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        match &self.fit {
            ClusterFit::Gmm(g) => Ok(Some(g.responsibilities(x)?.0)),
            _ => Ok(None),
        }
    }
}

fn check_cols(model: &str, expected: usize, x: &ArrayView2<f64>) -> Result<(), ModelError> {
    if x.ncols() == expected {
        Ok(())
    } else {
        Err(ModelError::Shape {
            model: model.into(),
            message: format!("fitted on {expected} features but given {}", x.ncols()),
        })
    }
}

/// The most probable component of each row (the first among ties).
fn argmax(p: &Array2<f64>) -> Array1<i64> {
    crate::model::argmax_rows(p).mapv(|c| c as i64)
}

fn nearest(centroids: &Array2<f64>, row: ArrayView1<f64>) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (k, c) in centroids.rows().into_iter().enumerate() {
        let d: f64 = c.iter().zip(row).map(|(a, b)| (a - b) * (a - b)).sum();
        if d < best.1 {
            best = (k, d);
        }
    }
    best
}

fn too_few_rows(model: &str, k: usize, n: usize) -> ModelError {
    ModelError::Data {
        model: model.into(),
        message: format!("{k} clusters need at least as many rows (have {n})"),
    }
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
    if k > x.nrows() {
        return Err(too_few_rows("kmeans", k, x.nrows()));
    }
    let data = DatasetBase::from(x.to_owned());
    let model = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
        .n_runs(n_init)
        .max_n_iterations(max_iter)
        .tolerance(tol)
        .init_method(KMeansInit::KMeansPlusPlus)
        .fit(&data)
        .map_err(|e| ModelError::Fit {
            model: "kmeans".into(),
            message: e.to_string(),
        })?;
    let centroids = model.centroids().clone();
    let mut inertia = 0.0;
    let labels = x
        .rows()
        .into_iter()
        .map(|r| {
            let (label, d) = nearest(&centroids, r);
            inertia += d;
            label as i64
        })
        .collect();
    Ok(Clustering {
        labels,
        n_clusters: k,
        fit: ClusterFit::KMeans { centroids, inertia },
    })
}

/// Hyper-parameters of a Gaussian mixture fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GmmParams {
    pub(crate) k: usize,
    pub(crate) n_init: u64,
    pub(crate) max_iter: u64,
    pub(crate) tol: f64,
    pub(crate) reg_covar: f64,
    pub(crate) seed: u64,
}

/// Gaussian mixture (full covariances, k-means initialisation) by linfa-clustering's EM.
pub(crate) fn gmm(x: ArrayView2<f64>, p: GmmParams) -> Result<Clustering, ModelError> {
    if p.k > x.nrows() {
        return Err(too_few_rows("gmm", p.k, x.nrows()));
    }
    let data = DatasetBase::from(x.to_owned());
    let model = GaussianMixtureModel::params_with_rng(p.k, Xoshiro256Plus::seed_from_u64(p.seed))
        .n_runs(p.n_init)
        .max_n_iterations(p.max_iter)
        .tolerance(p.tol)
        .reg_covariance(p.reg_covar)
        .fit(&data)
        .map_err(|e| ModelError::Fit {
            model: "gmm".into(),
            message: format!(
                "{e} (try more max_iter, a larger tol or reg_covar, or fewer components)"
            ),
        })?;
    let fit = GmmFit::new(
        model.weights().clone(),
        model.means().clone(),
        model.covariances().clone(),
        x,
    )?;
    let labels = argmax(&fit.responsibilities(x)?.0);
    Ok(Clustering {
        labels,
        n_clusters: p.k,
        fit: ClusterFit::Gmm(fit),
    })
}

/// DBSCAN with a Euclidean radius `eps` and `min_samples` rows (self included) per core point.
pub(crate) fn dbscan(
    x: ArrayView2<f64>,
    eps: f64,
    min_samples: usize,
) -> Result<Clustering, ModelError> {
    let params = Dbscan::params(min_samples)
        .tolerance(eps)
        .check()
        .map_err(|e| ModelError::InvalidParam {
            model: "dbscan".into(),
            key: "eps".into(),
            value: eps.to_string(),
            reason: e.to_string(),
        })?;
    let found = params.transform(&x);
    let labels: Array1<i64> = found.iter().map(|c| c.map_or(-1, |c| c as i64)).collect();
    let n_clusters = labels.iter().max().map_or(0, |&m| (m + 1).max(0) as usize);
    let n_noise = labels.iter().filter(|&&l| l < 0).count();
    Ok(Clustering {
        labels,
        n_clusters,
        fit: ClusterFit::Dbscan {
            eps,
            min_samples,
            n_noise,
        },
    })
}

/// A fitted embedding of the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// Coordinates of the training rows, `n_rows × n_components`.
    pub coordinates: Array2<f64>,
    /// PCA: variance along each axis (n − 1 denominator, as scikit-learn); diffusion map: the
    /// eigenvalues of the diffusion operator (coordinates are scaled by their `steps`-th power).
    pub eigenvalues: Array1<f64>,
    /// PCA only: share of the total variance along each axis.
    pub explained_variance_ratio: Option<Array1<f64>>,
    /// PCA only: the linear map, which also projects new rows.
    pub projection: Option<Projection>,
}

/// PCA's linear map.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Feature means removed before projecting.
    pub mean: Array1<f64>,
    /// Principal axes, `n_components × n_features`, by decreasing variance.
    pub components: Array2<f64>,
}

impl Embedding {
    /// Coordinates of new rows (PCA only: a diffusion map embeds only its training rows).
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] for a diffusion map (no projection), and
    /// [`ModelError::Shape`] when `x` has a different number of columns than PCA's training rows.
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        let Some(p) = &self.projection else {
            return Err(ModelError::Data {
                model: "diffusion_map".into(),
                message: "a diffusion map embeds only the rows it was fitted on".into(),
            });
        };
        check_cols("pca", p.mean.len(), &x)?;
        Ok((&x - &p.mean).dot(&p.components.t()))
    }
}

/// scikit-learn's `svd_flip` convention: the largest-magnitude entry of `v` is positive.
fn flip_sign(mut v: Array1<f64>) -> Array1<f64> {
    let big = v
        .iter()
        .copied()
        .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
    if big < 0.0 {
        v.mapv_inplace(|x| -x);
    }
    v
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
        components
            .row_mut(i)
            .assign(&flip_sign(vectors.column(j).to_owned()));
    }
    let explained_variance: Array1<f64> = order
        .iter()
        .take(n_components)
        .map(|&j| values[j].max(0.0))
        .collect();
    let ratio = explained_variance.mapv(|v| v / total);
    let projection = Projection { mean, components };
    Ok(Embedding {
        coordinates: centred.dot(&projection.components.t()),
        eigenvalues: explained_variance,
        explained_variance_ratio: Some(ratio),
        projection: Some(projection),
    })
}

/// Median squared Euclidean distance between rows (over at most 2000 evenly spaced rows): the
/// default Gaussian kernel width, so the kernel adapts to the data's scale.
fn median_sq_distance(x: ArrayView2<f64>) -> f64 {
    let n = x.nrows();
    let step = n.div_ceil(2000).max(1);
    let rows: Vec<_> = (0..n).step_by(step).map(|i| x.row(i)).collect();
    let mut d = Vec::with_capacity(rows.len() * rows.len() / 2);
    for i in 0..rows.len() {
        for j in 0..i {
            d.push(
                rows[i]
                    .iter()
                    .zip(rows[j])
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>(),
            );
        }
    }
    if d.is_empty() {
        return 1.0;
    }
    let mid = d.len() / 2;
    let (_, m, _) = d.select_nth_unstable_by(mid, f64::total_cmp);
    if *m > 0.0 {
        *m
    } else {
        1.0
    }
}

/// Diffusion map of the rows of `x` on a Gaussian kernel `exp(−‖a − b‖² / epsilon)`
/// (`epsilon = None`: the median squared distance between rows).
pub(crate) fn diffusion_map(
    x: ArrayView2<f64>,
    n_components: usize,
    steps: usize,
    epsilon: Option<f64>,
) -> Result<Embedding, ModelError> {
    let n = x.nrows();
    if n_components + 1 >= n {
        return Err(ModelError::Data {
            model: "diffusion_map".into(),
            message: format!(
                "n_components={n_components} needs more than {} rows (have {n})",
                n_components + 1
            ),
        });
    }
    let eps = epsilon.unwrap_or_else(|| median_sq_distance(x));
    let kernel = Kernel::params()
        .kind(KernelType::Dense)
        .method(KernelMethod::Gaussian(eps))
        .transform(x);
    let params = DiffusionMap::<f64>::params(n_components)
        .steps(steps)
        .check()
        .map_err(|e| ModelError::Fit {
            model: "diffusion_map".into(),
            message: e.to_string(),
        })?;
    // linfa-reduction panics when its eigensolver fails; report that as a fit error.
    let map = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| params.transform(&kernel)))
        .map_err(|_| ModelError::Fit {
            model: "diffusion_map".into(),
            message: "the eigensolver did not converge (try another epsilon)".into(),
        })?;
    let mut coordinates = map.embedding().clone();
    for mut col in coordinates.columns_mut() {
        let flipped = flip_sign(col.to_owned());
        col.assign(&flipped);
    }
    Ok(Embedding {
        coordinates,
        eigenvalues: map.eigvals().clone(),
        explained_variance_ratio: None,
        projection: None,
    })
}
