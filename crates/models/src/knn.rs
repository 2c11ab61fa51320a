//! k nearest neighbours. linfa has neighbour indexes (linfa-nn) but no KNN estimator, so the
//! voting and averaging are written here, with scikit-learn's rules: `uniform` or `distance`
//! weights (1/d; a neighbour at distance 0 takes all the weight), probabilities as weighted
//! vote shares, and the first (smallest) class among tied votes.
//!
//! `k=cv` chooses k as scikit-learn's `GridSearchCV` over `n_neighbors` = 1..=k_max would with
//! its defaults: 5-fold CV (stratified for classes, unshuffled), accuracy for a classifier and
//! R² for a regressor, averaged over folds, ties to the smallest k.

use linfa_nn::distance::{Distance, L2Dist};
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour};
use ndarray::{Array1, Array2, ArrayView2, Axis};

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
    /// With `k=cv`: the mean CV score of each candidate k (1, 2, ...).
    #[serde(default)]
    pub(crate) cv_scores: Vec<f64>,
}

impl Knn {
    /// For each query row: (training row, distance) of its `k` nearest neighbours, nearest
    /// first.
    fn nearest(&self, x: ArrayView2<f64>, k: usize) -> Result<Vec<Vec<(usize, f64)>>, ModelError> {
        check_width(&self.name, &x, self.x.ncols())?;
        let fail = |e: &dyn std::fmt::Display| ModelError::Fit {
            model: self.name.clone(),
            message: e.to_string(),
        };
        if self.x.ncols() > 15 {
            return Ok(self.brute_force(x, k));
        }
        // The index borrows the training rows, so it is rebuilt per call (a k-d tree build is
        // O(n log n), small next to the queries).
        let algorithm = CommonNearestNeighbour::KdTree;
        let index = algorithm
            .from_batch(&self.x, L2Dist)
            .map_err(|e| fail(&e))?;
        let query = x.as_standard_layout();
        let mut out = Vec::with_capacity(x.nrows());
        for row in query.rows() {
            let found = index.k_nearest(row, k).map_err(|e| fail(&e))?;
            let mut d: Vec<(usize, f64)> = found
                .iter()
                .map(|(p, i)| (*i, L2Dist.distance(p.view(), row)))
                .collect();
            d.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            out.push(d);
        }
        Ok(out)
    }

    /// Nearest neighbours by brute force, for many features (where a k-d tree prunes little;
    /// scikit-learn's `algorithm="auto"` switches to brute force above 15 features too).
    /// Candidates come from ‖a‖² + ‖b‖² − 2a·b over blocks of queries (a matrix product);
    /// the distances reported are recomputed exactly.
    fn brute_force(&self, x: ArrayView2<f64>, k: usize) -> Vec<Vec<(usize, f64)>> {
        let n = self.x.nrows();
        let k = k.min(n);
        let train_sq: Array1<f64> = self.x.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut out = Vec::with_capacity(x.nrows());
        let block = 256;
        for start in (0..x.nrows()).step_by(block) {
            let q = x.slice(ndarray::s![start..(start + block).min(x.nrows()), ..]);
            let cross = q.dot(&self.x.t());
            for (qi, row) in q.rows().into_iter().enumerate() {
                let q_sq = row.dot(&row);
                let mut d: Vec<(f64, usize)> = (0..n)
                    .map(|j| (q_sq + train_sq[j] - 2.0 * cross[[qi, j]], j))
                    .collect();
                if k < n {
                    d.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    d.truncate(k);
                }
                let mut exact: Vec<(usize, f64)> = d
                    .into_iter()
                    .map(|(_, j)| (j, L2Dist.distance(self.x.row(j), row)))
                    .collect();
                exact.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                out.push(exact);
            }
        }
        out
    }

    /// For each query row: (training row, weight) of its k nearest neighbours.
    fn neighbours(&self, x: ArrayView2<f64>) -> Result<Vec<Vec<(usize, f64)>>, ModelError> {
        Ok(self
            .nearest(x, self.k)?
            .iter()
            .map(|d| weights(d, self.distance_weighted))
            .collect())
    }

    /// Fit with k chosen by 5-fold CV over 1..=k_max on the training rows.
    pub(crate) fn fit_cv(mut self, k_max: usize) -> Result<Knn, ModelError> {
        use ml4ns_validation::Cv;
        let n = self.x.nrows();
        let n_splits = 5.min(n);
        if n_splits < 2 {
            return Err(ModelError::Data {
                model: self.name.clone(),
                message: "k=cv needs at least two training rows".into(),
            });
        }
        let codes: Option<Vec<usize>> = self
            .n_classes
            .map(|_| self.y.iter().map(|&v| v as usize).collect());
        let cv = match codes {
            Some(_) => Cv::parse(&format!("stratified_kfold:n_splits={n_splits}")),
            None => Cv::parse(&format!("kfold:n_splits={n_splits}")),
        }
        .expect("fixed specs parse");
        let splits = cv
            .split(n, codes.as_deref(), None)
            .map_err(|e| ModelError::Data {
                model: self.name.clone(),
                message: format!("k=cv: {e}"),
            })?;
        let smallest_train = splits.iter().map(|s| s.train.len()).min().unwrap_or(0);
        let k_max = k_max.min(smallest_train);
        let mut scores = vec![0.0; k_max];
        for split in &splits {
            let fold = Knn {
                x: self.x.select(Axis(0), &split.train),
                y: self.y.select(Axis(0), &split.train),
                k: k_max,
                cv_scores: Vec::new(),
                ..self.clone()
            };
            let test = self.x.select(Axis(0), &split.test);
            let truth = self.y.select(Axis(0), &split.test);
            let nearest = fold.nearest(test.view(), k_max)?;
            for (k, score) in scores.iter_mut().enumerate().map(|(i, s)| (i + 1, s)) {
                let pred: Vec<f64> = nearest
                    .iter()
                    .map(|d| fold.combine(&weights(&d[..k], self.distance_weighted)))
                    .collect();
                *score += match self.n_classes {
                    Some(_) => {
                        pred.iter().zip(&truth).filter(|(p, t)| p == t).count() as f64
                            / truth.len() as f64
                    }
                    None => {
                        let mean = truth.mean().unwrap_or(0.0);
                        let ss_tot: f64 = truth.iter().map(|t| (t - mean).powi(2)).sum();
                        let ss_res: f64 =
                            pred.iter().zip(&truth).map(|(p, t)| (t - p).powi(2)).sum();
                        if ss_tot > 0.0 {
                            1.0 - ss_res / ss_tot
                        } else if ss_res == 0.0 {
                            1.0
                        } else {
                            0.0
                        }
                    }
                } / splits.len() as f64;
            }
        }
        let best = scores
            .iter()
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |b, (i, &s)| {
                // Scores equal up to rounding tie; the smaller k wins, as in GridSearchCV.
                if s > b.1 + 1e-12 {
                    (i, s)
                } else {
                    b
                }
            });
        self.k = best.0 + 1;
        self.cv_scores = scores;
        Ok(self)
    }

    /// The prediction from weighted neighbours: the winning class code or the weighted mean.
    fn combine(&self, nb: &[(usize, f64)]) -> f64 {
        let total: f64 = nb.iter().map(|(_, w)| w).sum();
        match self.n_classes {
            Some(k) => {
                let mut votes = vec![0.0; k];
                for &(i, w) in nb {
                    votes[self.y[i] as usize] += w / total;
                }
                votes
                    .iter()
                    .enumerate()
                    .fold(
                        (0, f64::NEG_INFINITY),
                        |b, (c, &v)| if v > b.1 { (c, v) } else { b },
                    )
                    .0 as f64
            }
            None => nb.iter().map(|&(i, w)| w * self.y[i]).sum::<f64>() / total,
        }
    }
}

/// scikit-learn's neighbour weights: uniform, or 1/d with exact matches taking all the weight.
fn weights(d: &[(usize, f64)], distance_weighted: bool) -> Vec<(usize, f64)> {
    if !distance_weighted {
        d.iter().map(|&(i, _)| (i, 1.0)).collect()
    } else if d.iter().any(|&(_, dist)| dist == 0.0) {
        d.iter()
            .map(|&(i, dist)| (i, f64::from(u8::from(dist == 0.0))))
            .collect()
    } else {
        d.iter().map(|&(i, dist)| (i, 1.0 / dist)).collect()
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
                .map(|nb| self.combine(nb))
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

    fn describe(&self, _features: &[String], _classes: &[String]) -> Option<String> {
        if self.cv_scores.is_empty() {
            return None;
        }
        let metric = if self.n_classes.is_some() {
            "accuracy"
        } else {
            "R²"
        };
        let mut out = format!(
            "k = {} chosen by 5-fold CV (mean {metric} per k):\n",
            self.k
        );
        for (i, s) in self.cv_scores.iter().enumerate() {
            out.push_str(&format!("  k={:<3} {s:.4}\n", i + 1));
        }
        Some(out)
    }
}
