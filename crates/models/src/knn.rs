//! k nearest neighbours. linfa has neighbour indexes (linfa-nn) but no KNN estimator, so the
//! voting and averaging are written here, with scikit-learn's rules: `uniform` or `distance`
//! weights (1/d; a neighbour at distance 0 takes all the weight), probabilities as weighted
//! vote shares, and the first (smallest) class among tied votes.

use linfa_nn::distance::{Distance, L2Dist};
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour};
use ndarray::{Array1, Array2, ArrayView2};

use crate::error::ModelError;
use crate::model::{argmax_rows, check_width, Fitted};

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Knn {
    pub(crate) name: String,
    pub(crate) x: Array2<f64>,
    pub(crate) y: Array1<f64>,
    /// `Some(k)` for a classifier with k classes, `None` for a regressor.
    pub(crate) n_classes: Option<usize>,
    pub(crate) k: usize,
    pub(crate) distance_weighted: bool,
}

impl Knn {
    /// For each query row: (training row, weight) of its k nearest neighbours.
    fn neighbours(&self, x: ArrayView2<f64>) -> Result<Vec<Vec<(usize, f64)>>, ModelError> {
        check_width(&self.name, &x, self.x.ncols())?;
        let fail = |e: &dyn std::fmt::Display| ModelError::Fit {
            model: self.name.clone(),
            message: e.to_string(),
        };
        // The index borrows the training rows, so it is rebuilt per call (a k-d tree build is
        // O(n log n), small next to the queries).
        let index = CommonNearestNeighbour::KdTree
            .from_batch(&self.x, L2Dist)
            .map_err(|e| fail(&e))?;
        let query = x.as_standard_layout();
        let mut out = Vec::with_capacity(x.nrows());
        for row in query.rows() {
            let found = index.k_nearest(row, self.k).map_err(|e| fail(&e))?;
            let d: Vec<(usize, f64)> = found
                .iter()
                .map(|(p, i)| (*i, L2Dist.distance(p.view(), row)))
                .collect();
            let weights: Vec<(usize, f64)> = if !self.distance_weighted {
                d.iter().map(|&(i, _)| (i, 1.0)).collect()
            } else if d.iter().any(|&(_, dist)| dist == 0.0) {
                d.iter()
                    .map(|&(i, dist)| (i, f64::from(u8::from(dist == 0.0))))
                    .collect()
            } else {
                d.iter().map(|&(i, dist)| (i, 1.0 / dist)).collect()
            };
            out.push(weights);
        }
        Ok(out)
    }
}

impl Fitted for Knn {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Knn(self.clone()))
    }

    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        match self.n_classes {
            Some(_) => Ok(argmax_rows(&self.predict_proba(x)?.expect("classifier"))),
            None => Ok(self
                .neighbours(x)?
                .iter()
                .map(|nb| {
                    let total: f64 = nb.iter().map(|(_, w)| w).sum();
                    nb.iter().map(|&(i, w)| w * self.y[i]).sum::<f64>() / total
                })
                .collect()),
        }
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        let Some(k) = self.n_classes else {
            return Ok(None);
        };
        let nbs = self.neighbours(x)?;
        let mut out = Array2::zeros((nbs.len(), k));
        for (r, nb) in nbs.iter().enumerate() {
            let total: f64 = nb.iter().map(|(_, w)| w).sum();
            for &(i, w) in nb {
                out[[r, self.y[i] as usize]] += w / total;
            }
        }
        Ok(Some(out))
    }
}
