//! Random forest and bagging on linfa-trees.
//!
//! Built here rather than with linfa-ensemble, whose forest draws each tree's features once
//! and *with replacement* (so even `feature_proportion(1.0)` drops about a third of them) and
//! has no probabilities. Each tree here is a linfa-trees CART fitted on a bootstrap sample of
//! the rows and, for a forest, a random subset of `max_features` features drawn without
//! replacement. That is a random-subspace forest: scikit-learn redraws the features at every
//! split, which linfa-trees cannot do, so scores are close to but not the same as
//! scikit-learn's. Bagging uses every feature. Predictions are majority votes; probabilities
//! are vote shares. Rows and features are drawn from a SplitMix64 stream of the seed (a
//! fixed, documented generator), so refits are identical on every machine. Trees are fitted
//! in parallel once their draws are made.

use linfa::prelude::*;
use linfa_trees::DecisionTree;
use ml4ns_data_io::ClassTarget;
use ndarray::{Array1, Array2, ArrayView2, Axis, Ix1};
use rayon::prelude::*;

use crate::error::ModelError;
use crate::model::{argmax_rows, check_width, Fitted};

/// How many features each tree sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum MaxFeatures {
    Sqrt,
    Log2,
    All,
    Count(usize),
}

impl MaxFeatures {
    fn resolve(self, p: usize) -> usize {
        let n = match self {
            MaxFeatures::Sqrt => (p as f64).sqrt().floor() as usize,
            MaxFeatures::Log2 => (p as f64).log2().floor() as usize,
            MaxFeatures::All => p,
            MaxFeatures::Count(c) => c,
        };
        n.clamp(1, p)
    }
}

/// A minimal seeded stream (SplitMix64): trees draw rows and features from it.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on 0..n (n ≥ 1), by rejection.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let v = self.next();
            if v < zone {
                return (v % n) as usize;
            }
        }
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Member {
    features: Vec<usize>,
    tree: crate::tree::Tree,
}

/// Fit `n_trees` trees.
pub(crate) fn fit(
    name: &str,
    x: Array2<f64>,
    classes: &ClassTarget,
    n_trees: usize,
    max_depth: Option<usize>,
    max_features: MaxFeatures,
    seed: u64,
) -> Result<Box<dyn Fitted>, ModelError> {
    let (n, p) = x.dim();
    let k = max_features.resolve(p);
    let mut stream = Stream(seed);
    // Draw every tree's rows and features first, from one sequential stream; then fit the
    // trees in parallel (rayon), collected in draw order, so results do not depend on the
    // number of threads.
    let draws: Vec<(Vec<usize>, Vec<usize>)> = (0..n_trees)
        .map(|_| {
            let rows: Vec<usize> = (0..n).map(|_| stream.below(n)).collect();
            // Partial Fisher–Yates: the first k of a shuffled 0..p, then sorted.
            let mut all: Vec<usize> = (0..p).collect();
            for i in 0..k {
                let j = i + stream.below(p - i);
                all.swap(i, j);
            }
            let mut features = all[..k].to_vec();
            features.sort_unstable();
            (rows, features)
        })
        .collect();
    let members = draws
        .into_par_iter()
        .map(|(rows, features)| -> Result<Member, ModelError> {
            let xs = x.select(Axis(0), &rows).select(Axis(1), &features);
            let ys: Array1<usize> = rows.iter().map(|&r| classes.codes[r]).collect();
            let ds: Dataset<f64, usize, Ix1> = Dataset::new(xs, ys);
            let fitted = DecisionTree::params()
                .max_depth(max_depth)
                .min_impurity_decrease(f64::EPSILON)
                .fit(&ds)
                .map_err(|e| ModelError::Fit {
                    model: name.into(),
                    message: e.to_string(),
                })?;
            let tree = crate::tree::Tree::from_linfa(
                &fitted,
                ds.records().view(),
                ds.targets(),
                None,
                classes.classes.len(),
            );
            Ok(Member { features, tree })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Box::new(Forest {
        name: name.into(),
        members,
        n_classes: classes.classes.len(),
        n_features: p,
    }))
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Forest {
    name: String,
    members: Vec<Member>,
    n_classes: usize,
    n_features: usize,
}

impl Forest {
    fn votes(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        let mut votes = Array2::zeros((x.nrows(), self.n_classes));
        for m in &self.members {
            let sub = x.select(Axis(1), &m.features);
            let pred = m.tree.predict(sub.view());
            for (i, c) in pred.iter().enumerate() {
                votes[[i, *c]] += 1.0;
            }
        }
        Ok(votes / self.members.len() as f64)
    }

    /// Mean of the trees' importances, mapped back to the full feature list.
    fn importance(&self) -> Vec<f64> {
        let mut imp = vec![0.0; self.n_features];
        for m in &self.members {
            for (j, v) in m.features.iter().zip(m.tree.importance()) {
                imp[*j] += v;
            }
        }
        let total: f64 = imp.iter().sum();
        if total > 0.0 {
            imp.iter_mut().for_each(|v| *v /= total);
        }
        imp
    }
}

impl Fitted for Forest {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Forest(self.clone()))
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        Ok(argmax_rows(&self.votes(x)?))
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        self.votes(x).map(Some)
    }
    fn feature_importance(&self) -> Option<Vec<f64>> {
        Some(self.importance())
    }
}
