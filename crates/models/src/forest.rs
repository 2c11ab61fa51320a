//! Random forest and bagging on this crate's CART trees ([`crate::tree`]).
//!
//! Built here rather than with linfa-ensemble, whose forest draws each tree's features once
//! and *with replacement* (so even `feature_proportion(1.0)` drops about a third of them) and
//! has no probabilities. A random forest, as scikit-learn's, fits each tree on a bootstrap
//! sample of the rows and draws `max_features` candidate features at every split. Bagging
//! uses every feature unless told otherwise. Probabilities are the mean of the trees' leaf
//! class shares and predictions their argmax (scikit-learn's soft vote). Rows, features and
//! each tree's seed come from a SplitMix64 stream of the seed (a fixed, documented
//! generator), drawn sequentially before the trees are fitted in parallel, so refits are
//! identical on every machine and thread count. The random numbers are not NumPy's, so scores
//! are close to, not equal to, scikit-learn's.
//!
//! Bagging's options follow scikit-learn's `BaggingClassifier`: `bootstrap=false` draws each
//! tree's `max_samples` fraction of rows without replacement (pasting), `max_features` below
//! all gives each tree a random subset of the features (random subspaces; with all rows and
//! no bootstrap, Ho's random-subspace method). When trees leave rows out, the fitted model
//! keeps its out-of-bag accuracy ([`Fitted::oob_score`]).

use ml4ns_data_io::ClassTarget;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;

use crate::error::ModelError;
use crate::model::{argmax_rows, check_width, Fitted};
use crate::tree::{Stream, Tree, TreeParams};

/// How many features each tree sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum MaxFeatures {
    Sqrt,
    Log2,
    All,
    Count(usize),
    Fraction(f64),
}

impl MaxFeatures {
    /// The spec's `max_features`: `sqrt`, `log2`, `all`, a count (`3`) or a fraction of the
    /// features (`0.5`, as scikit-learn's float). Bagging has no default subset: `all`.
    pub(crate) fn from_spec(spec: &crate::ModelSpec) -> Result<MaxFeatures, ModelError> {
        let raw = spec.params.get("max_features").map(String::as_str);
        Ok(match raw {
            Some("sqrt") => MaxFeatures::Sqrt,
            Some("log2") => MaxFeatures::Log2,
            Some("all") | None => MaxFeatures::All,
            Some(v) if v.contains('.') => MaxFeatures::Fraction(spec.f64(
                "max_features",
                "must be sqrt, log2, all, a whole number ≥ 1 or a fraction in (0, 1]",
                |f| f > 0.0 && f <= 1.0,
            )?),
            Some(_) => MaxFeatures::Count(spec.usize("max_features", 1).map_err(|_| {
                ModelError::InvalidParam {
                    model: spec.name.clone(),
                    key: "max_features".into(),
                    value: raw.unwrap_or_default().to_string(),
                    reason: "must be sqrt, log2, all, a whole number ≥ 1 or a fraction in (0, 1]"
                        .into(),
                }
            })?),
        })
    }

    fn resolve(self, p: usize) -> usize {
        let n = match self {
            MaxFeatures::Sqrt => (p as f64).sqrt().floor() as usize,
            MaxFeatures::Log2 => (p as f64).log2().floor() as usize,
            MaxFeatures::All => p,
            MaxFeatures::Count(c) => c,
            // scikit-learn: int(max_features * n_features).
            MaxFeatures::Fraction(f) => (f * p as f64).floor() as usize,
        };
        n.clamp(1, p)
    }
}

/// How each tree's rows are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RowSampling {
    /// With replacement (bagging) or without (pasting).
    pub bootstrap: bool,
    /// Rows per tree as a fraction of the training rows (scikit-learn's float `max_samples`).
    pub fraction: f64,
}

/// Hyper-parameters of [`fit`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ForestParams {
    pub n_trees: usize,
    pub max_depth: Option<usize>,
    pub max_features: MaxFeatures,
    pub sampling: RowSampling,
    /// Draw `max_features` at every split (random forest) instead of once per tree (bagging's
    /// random subspaces).
    pub per_split: bool,
    pub seed: u64,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Member {
    features: Vec<usize>,
    tree: crate::tree::Tree,
}

/// Fit the trees.
pub(crate) fn fit(
    name: &str,
    x: Array2<f64>,
    classes: &ClassTarget,
    params: ForestParams,
) -> Result<Box<dyn Fitted>, ModelError> {
    let (n, p) = x.dim();
    let k = params.max_features.resolve(p);
    // scikit-learn: int(max_samples * n_samples), at least one row.
    let m = ((params.sampling.fraction * n as f64).floor() as usize).clamp(1, n.max(1));
    let mut stream = Stream(params.seed);
    // Draw every tree's rows and features first, from one sequential stream; then fit the
    // trees in parallel (rayon), collected in draw order, so results do not depend on the
    // number of threads.
    let draws: Vec<(Vec<usize>, Vec<usize>, u64)> = (0..params.n_trees)
        .map(|_| {
            let rows: Vec<usize> = if params.sampling.bootstrap {
                (0..m).map(|_| stream.below(n)).collect()
            } else if m == n {
                (0..n).collect()
            } else {
                let mut r = partial_shuffle(n, m, &mut stream);
                r.sort_unstable();
                r
            };
            let features = if params.per_split {
                (0..p).collect()
            } else {
                let mut f = partial_shuffle(p, k, &mut stream);
                f.sort_unstable();
                f
            };
            (rows, features, stream.next())
        })
        .collect();
    // Out-of-bag votes: for each training row, the classes predicted by trees that did not
    // draw it.
    let in_bag: Vec<Vec<bool>> = draws
        .iter()
        .map(|(rows, _, _)| {
            let mut b = vec![false; n];
            rows.iter().for_each(|&r| b[r] = true);
            b
        })
        .collect();
    let n_classes = classes.classes.len();
    let codes = classes.codes.to_vec();
    let members = draws
        .into_par_iter()
        .map(
            |(rows, features, tree_seed)| -> Result<Member, ModelError> {
                let xs = x.select(Axis(0), &rows).select(Axis(1), &features);
                let ys: Vec<usize> = rows.iter().map(|&r| codes[r]).collect();
                let tree = Tree::fit(
                    xs.view(),
                    &ys,
                    None,
                    n_classes,
                    TreeParams {
                        max_depth: params.max_depth,
                        max_features: params.per_split.then_some(k),
                        seed: tree_seed,
                        ..TreeParams::default()
                    },
                );
                Ok(Member { features, tree })
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    let mut oob_votes = Array2::<f64>::zeros((n, n_classes));
    for (member, bag) in members.iter().zip(&in_bag) {
        let out: Vec<usize> = (0..n).filter(|&i| !bag[i]).collect();
        if out.is_empty() {
            continue;
        }
        let sub = x.select(Axis(0), &out).select(Axis(1), &member.features);
        let proba = member.tree.predict_proba(sub.view(), n_classes);
        for (row, &i) in out.iter().enumerate() {
            for c in 0..n_classes {
                oob_votes[[i, c]] += proba[[row, c]];
            }
        }
    }
    let scored: Vec<usize> = (0..n).filter(|&i| oob_votes.row(i).sum() > 0.0).collect();
    let oob_score = (!scored.is_empty()).then(|| {
        let winners = argmax_rows(&oob_votes.select(Axis(0), &scored));
        let right = scored
            .iter()
            .zip(winners.iter())
            .filter(|(&i, &w)| classes.codes[i] == w as usize)
            .count();
        right as f64 / scored.len() as f64
    });
    Ok(Box::new(Forest {
        name: name.into(),
        members,
        n_classes,
        n_features: p,
        oob_score,
    }))
}

/// The first `k` of a seeded partial Fisher–Yates shuffle of `0..n`.
fn partial_shuffle(n: usize, k: usize, stream: &mut Stream) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    for i in 0..k {
        let j = i + stream.below(n - i);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Forest {
    name: String,
    members: Vec<Member>,
    n_classes: usize,
    n_features: usize,
    /// Out-of-bag accuracy over the rows some tree left out (`None` if no tree left any out).
    #[serde(default)]
    oob_score: Option<f64>,
}

impl Forest {
    fn votes(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        let mut votes = Array2::zeros((x.nrows(), self.n_classes));
        for m in &self.members {
            let sub = x.select(Axis(1), &m.features);
            votes += &m.tree.predict_proba(sub.view(), self.n_classes);
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
    fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }
    /// Every tree with weight 1/T (the probability is the trees' mean), its features mapped
    /// back to the full feature list.
    fn tree_ensemble(&self, class: usize) -> Option<crate::explain::TreeEnsemble> {
        if class >= self.n_classes || self.members.is_empty() {
            return None;
        }
        let w = 1.0 / self.members.len() as f64;
        let trees = self
            .members
            .iter()
            .map(|m| {
                m.tree
                    .explain(&m.features, |p, _| p.get(class).copied().unwrap_or(0.0))
                    .map(|t| (t, w))
            })
            .collect::<Option<Vec<_>>>()?;
        crate::explain::TreeEnsemble::new(
            trees,
            self.n_features,
            crate::explain::EnsembleOutput::Probability,
        )
        .ok()
    }
}
