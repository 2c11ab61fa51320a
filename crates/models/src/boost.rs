//! AdaBoost (SAMME) on weighted CART trees ([`crate::tree`]).
//!
//! Built here rather than with linfa-ensemble's `AdaBoost`, which resamples the rows by their
//! weights at every round (randomness scikit-learn does not have) and has no probabilities.
//! Each round fits a shallow tree (a stump by default) on the weighted rows, exactly as
//! scikit-learn's `AdaBoostClassifier` (SAMME): estimator weight
//! `learning_rate · (ln((1 − err)/err) + ln(K − 1))`, misclassified rows up-weighted, stop early
//! on a perfect round, decision function and probabilities as scikit-learn's. Split ties go to
//! the lowest feature index (scikit-learn breaks them in a random feature order).

use ml4ns_data_io::ClassTarget;
use ndarray::{Array1, Array2, ArrayView2};

use crate::error::ModelError;
use crate::model::{argmax_rows, check_width, softmax, Fitted};
use crate::tree::{Tree, TreeParams};

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct AdaBoost {
    name: String,
    trees: Vec<Tree>,
    weights: Vec<f64>,
    /// Classes seen in training (codes), sorted.
    classes: Vec<usize>,
    n_classes: usize,
    n_features: usize,
}

pub(crate) fn fit(
    name: &str,
    x: Array2<f64>,
    target: &ClassTarget,
    n_estimators: usize,
    learning_rate: f64,
    max_depth: usize,
) -> Result<Box<dyn Fitted>, ModelError> {
    let n = x.nrows();
    let mut classes: Vec<usize> = target.codes.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let k = classes.len();
    if k < 2 {
        return Err(ModelError::Data {
            model: name.into(),
            message: "needs at least two classes in the training rows".into(),
        });
    }
    let fit_err = |message: String| ModelError::Fit {
        model: name.into(),
        message,
    };
    let params = TreeParams {
        max_depth: Some(max_depth),
        ..TreeParams::default()
    };
    let codes = target.codes.to_vec();
    let mut w = vec![1.0 / n as f64; n];
    let mut trees = Vec::new();
    let mut weights = Vec::new();
    for round in 0..n_estimators {
        let tree = Tree::fit(x.view(), &codes, Some(&w), target.classes.len(), params);
        let pred = tree.predict(x.view());
        let wrong: Vec<bool> = pred
            .iter()
            .zip(target.codes.iter())
            .map(|(p, t)| p != t)
            .collect();
        let err: f64 = w
            .iter()
            .zip(&wrong)
            .filter(|(_, &bad)| bad)
            .map(|(v, _)| v)
            .sum::<f64>()
            / w.iter().sum::<f64>();
        if err <= 0.0 {
            trees.push(tree);
            weights.push(1.0);
            break;
        }
        if err >= 1.0 - 1.0 / k as f64 {
            if round == 0 {
                return Err(fit_err(format!(
                    "the first tree is no better than chance (weighted error {err:.3}); \
                     boosting cannot start"
                )));
            }
            break;
        }
        let alpha = learning_rate * (((1.0 - err) / err).ln() + ((k - 1) as f64).ln());
        trees.push(tree);
        weights.push(alpha);
        if round + 1 < n_estimators {
            for (v, &bad) in w.iter_mut().zip(&wrong) {
                if bad && *v > 0.0 {
                    *v *= alpha.exp();
                }
            }
            let total: f64 = w.iter().sum();
            w.iter_mut().for_each(|v| *v /= total);
        }
    }
    Ok(Box::new(AdaBoost {
        name: name.into(),
        trees,
        weights,
        classes,
        n_classes: target.classes.len(),
        n_features: x.ncols(),
    }))
}

impl AdaBoost {
    /// scikit-learn's normalised SAMME decision: per training class, the weight share of the
    /// trees voting for it.
    fn decision(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        let mut votes = Array2::zeros((x.nrows(), self.classes.len()));
        for (tree, &w) in self.trees.iter().zip(&self.weights) {
            let pred = tree.predict(x);
            for (i, p) in pred.iter().enumerate() {
                if let Ok(j) = self.classes.binary_search(p) {
                    votes[[i, j]] += w;
                }
            }
        }
        let total: f64 = self.weights.iter().sum();
        Ok(votes / total)
    }
}

impl Fitted for AdaBoost {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::AdaBoost(self.clone()))
    }

    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        let d = self.decision(x)?;
        Ok(argmax_rows(&d).mapv(|j| self.classes[j as usize] as f64))
    }

    /// scikit-learn's SAMME probabilities: each tree votes `w` for its class and `−w/(K − 1)`
    /// for the others; the normalised decision `d` gives a softmax of `d/(K − 1)` (for two
    /// classes, of `±d/2` with `d = d₁ − d₀`).
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        let shares = self.decision(x)?;
        let k = self.classes.len();
        let km1 = (k - 1) as f64;
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for (i, row) in shares.rows().into_iter().enumerate() {
            let d: Vec<f64> = row.iter().map(|v| v - (1.0 - v) / km1).collect();
            let z: Vec<f64> = if k == 2 {
                let s = (d[1] - d[0]) / 2.0;
                vec![-s, s]
            } else {
                d.iter().map(|v| v / km1).collect()
            };
            for (j, q) in softmax(&z).into_iter().enumerate() {
                out[[i, self.classes[j]]] = q;
            }
        }
        Ok(Some(out))
    }

    /// Importances of the trees, weighted by the estimator weights.
    fn feature_importance(&self) -> Option<Vec<f64>> {
        let mut acc = vec![0.0; self.n_features];
        let total: f64 = self.weights.iter().sum();
        for (tree, &w) in self.trees.iter().zip(&self.weights) {
            for (a, v) in acc.iter_mut().zip(tree.importance()) {
                *a += w * v / total;
            }
        }
        Some(acc)
    }
    /// Two classes only: the log-odds of `class`, `ln(p/(1 − p)) = Σₜ (wₜ/W)·2·(±1)`, each
    /// tree voting +2 where it predicts `class` and −2 elsewhere (from the probabilities
    /// above: `p = σ(2s)` with `s` the weighted vote margin).
    fn tree_ensemble(&self, class: usize) -> Option<crate::explain::TreeEnsemble> {
        if self.classes.len() != 2 || !self.classes.contains(&class) {
            return None;
        }
        let total: f64 = self.weights.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let features: Vec<usize> = (0..self.n_features).collect();
        let trees = self
            .trees
            .iter()
            .zip(&self.weights)
            .map(|(tree, &w)| {
                tree.explain(&features, |_, c| if c == class { 2.0 } else { -2.0 })
                    .map(|t| (t, w / total))
            })
            .collect::<Option<Vec<_>>>()?;
        crate::explain::TreeEnsemble::new(
            trees,
            self.n_features,
            crate::explain::EnsembleOutput::LogOdds,
        )
        .ok()
    }
}
