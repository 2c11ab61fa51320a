//! SHAP explanations: exact TreeSHAP for this crate's trees and forests, and model-agnostic
//! Shapley values (exact by enumeration, or sampled permutations) for any model.
//!
//! A SHAP explanation splits one prediction `f(x)` into a base value `E[f]` plus one
//! contribution per feature, the Shapley values of the game whose players are the features
//! and whose value `v(S)` is "the model's output when only the features in `S` are known".
//! Additivity (local accuracy) holds by construction: `E[f] + Σⱼ φⱼ = f(x)`.
//!
//! * [`TreeEnsemble::shap`] is exact TreeSHAP (Lundberg, Erion & Lee 2018, *Consistent
//!   individualized feature attribution for tree ensembles*, Algorithm 2), path-dependent:
//!   an unknown feature sends a row down both branches, weighted by each branch's *cover*
//!   (the training rows, or their weights, that reached it). It is polynomial — O(T·L·D²) for
//!   T trees of L leaves and depth D — and exact for that value function; `E[f]` is the
//!   cover-weighted mean of the leaves. Forests average their trees' values. A tree
//!   ensemble comes from [`Fitted::tree_ensemble`] (decision
//!   trees and forests: the probability of a class; AdaBoost: its log-odds) or is built by
//!   hand with [`ExplainTree::new`].
//! * [`exact_shapley`] and [`permutation_shap`] explain any function of the features (for
//!   instance [`class_probability`] of a fitted model) with the *interventional* value
//!   function: `v(S)` is the mean output over a background set whose columns in `S` are
//!   replaced by `x`'s, and `E[f]` is the mean output on the background. [`exact_shapley`]
//!   enumerates all 2^d coalitions (d ≤ 16), the oracle the sampled version is tested
//!   against. [`permutation_shap`] walks seeded random feature orderings, each paired with its
//!   reverse (antithetic sampling, as the `shap` package's `PermutationExplainer`); along any
//!   ordering the marginal contributions telescope to `f(x) − E[f]`, so additivity is exact
//!   for any number of orderings, and the values converge to the exact ones as orderings
//!   are added.
//! * [`shapley_values`] turns any value function on coalitions (bit masks) into Shapley values
//!   by enumeration; both oracles above use it.
//!
//! Written here rather than taken from a crate. The one Rust SHAP crate found, `shap-rs`
//! (0.1.0, on docs.rs at the time of writing), would need this crate's trees converted into
//! its own node types anyway, and it brings burn adapters, sparse matrices and out-of-core
//! backgrounds to a crate that must stay cheap to import. It is also very young. (`treeshap`,
//! Rust with Python bindings, reads only XGBoost/LightGBM/ONNX files.) The algorithms take a
//! few hundred lines, and the tests here check them against brute-force enumeration.
//! (`cargo search` could not reach the registry from the build machine, so the crate was
//! looked up on docs.rs.)

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;

use crate::error::ModelError;
use crate::model::Fitted;

fn err(message: impl Into<String>) -> ModelError {
    ModelError::Data {
        model: "shap".into(),
        message: message.into(),
    }
}

/// A model as a function of the features: one output per row (a class probability, a
/// log-odds, a regression value). [`class_probability`] builds one from a fitted model.
pub type ModelFn<'a> = dyn Fn(ArrayView2<f64>) -> Result<Array1<f64>, ModelError> + Sync + 'a;

/// One node of a tree to explain.
#[derive(Debug, Clone, PartialEq)]
pub enum ExplainNode {
    /// An internal node: `x[feature] <= threshold` goes to `left`, otherwise to `right`.
    Split {
        /// Feature index.
        feature: usize,
        /// Threshold.
        threshold: f64,
        /// Index of the left child (must be greater than this node's index).
        left: usize,
        /// Index of the right child (must be greater than this node's index).
        right: usize,
        /// Training rows (or their total weight) that reached the node.
        cover: f64,
    },
    /// A leaf.
    Leaf {
        /// The tree's output for rows reaching the leaf.
        value: f64,
        /// Training rows (or their total weight) that reached the leaf.
        cover: f64,
    },
}

impl ExplainNode {
    /// The node's cover.
    pub fn cover(&self) -> f64 {
        match self {
            ExplainNode::Split { cover, .. } | ExplainNode::Leaf { cover, .. } => *cover,
        }
    }
}

/// A checked tree: node 0 is the root, children come after their parent, every node is
/// reached once, covers are finite and not negative.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainTree {
    nodes: Vec<ExplainNode>,
    depth: usize,
}

impl ExplainTree {
    /// Check and build a tree from its nodes (root first).
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] when there are no nodes, a cover is negative or not finite, a
    /// split threshold is NaN, a leaf value is not finite, a child does not come after its parent,
    /// lies outside the tree or is reached twice, or a node is not reached from the root.
    pub fn new(nodes: Vec<ExplainNode>) -> Result<ExplainTree, ModelError> {
        if nodes.is_empty() {
            return Err(err("a tree needs at least one node"));
        }
        let mut seen = vec![false; nodes.len()];
        seen[0] = true;
        for (k, node) in nodes.iter().enumerate() {
            let cover = node.cover();
            if !cover.is_finite() || cover < 0.0 {
                return Err(err(format!("node {k} has cover {cover}")));
            }
            match *node {
                ExplainNode::Split {
                    left,
                    right,
                    threshold,
                    ..
                } => {
                    if threshold.is_nan() {
                        return Err(err(format!("node {k} has a NaN threshold")));
                    }
                    for child in [left, right] {
                        if child <= k || child >= nodes.len() || seen[child] {
                            return Err(err(format!(
                                "node {k} has child {child}: children must come after their \
                                 parent, inside the tree, and be reached once"
                            )));
                        }
                        seen[child] = true;
                    }
                }
                ExplainNode::Leaf { value, .. } => {
                    if !value.is_finite() {
                        return Err(err(format!("leaf {k} has value {value}")));
                    }
                }
            }
        }
        if let Some(k) = seen.iter().position(|s| !s) {
            return Err(err(format!("node {k} is not reached from the root")));
        }
        let mut depth = vec![0usize; nodes.len()];
        for (k, node) in nodes.iter().enumerate() {
            if let ExplainNode::Split { left, right, .. } = *node {
                depth[left] = depth[k] + 1;
                depth[right] = depth[k] + 1;
            }
        }
        let depth = depth.into_iter().max().unwrap_or(0);
        Ok(ExplainTree { nodes, depth })
    }

    /// The nodes, root first.
    pub fn nodes(&self) -> &[ExplainNode] {
        &self.nodes
    }

    /// The largest feature index used by a split, if any.
    fn max_feature(&self) -> Option<usize> {
        self.nodes
            .iter()
            .filter_map(|n| match n {
                ExplainNode::Split { feature, .. } => Some(*feature),
                ExplainNode::Leaf { .. } => None,
            })
            .max()
    }

    /// The value of the leaf `row` reaches.
    pub fn predict_row(&self, row: ArrayView1<f64>) -> f64 {
        let mut k = 0;
        loop {
            match self.nodes[k] {
                ExplainNode::Split {
                    feature,
                    threshold,
                    left,
                    right,
                    ..
                } => {
                    k = if row[feature] <= threshold {
                        left
                    } else {
                        right
                    }
                }
                ExplainNode::Leaf { value, .. } => return value,
            }
        }
    }

    /// The cover-weighted mean of the leaf values: the expected output TreeSHAP explains
    /// against (the training mean for covers counted on the training rows).
    pub fn expected_value(&self) -> f64 {
        self.conditional(0, None)
    }

    /// `E[f(x) | x_S]` under the tree's path-dependent distribution: a feature in `known`
    /// (a bit mask; `None` = none known) follows `row`, any other feature averages both
    /// branches by cover.
    fn conditional(&self, k: usize, row: Option<(ArrayView1<f64>, u64)>) -> f64 {
        match self.nodes[k] {
            ExplainNode::Leaf { value, .. } => value,
            ExplainNode::Split {
                feature,
                threshold,
                left,
                right,
                cover,
            } => {
                if let Some((x, known)) = row {
                    if feature < 64 && known & (1u64 << feature) != 0 {
                        let next = if x[feature] <= threshold { left } else { right };
                        return self.conditional(next, row);
                    }
                }
                let (cl, cr) = (self.nodes[left].cover(), self.nodes[right].cover());
                let total = if cover > 0.0 { cover } else { cl + cr };
                if total <= 0.0 {
                    return 0.5 * (self.conditional(left, row) + self.conditional(right, row));
                }
                (cl * self.conditional(left, row) + cr * self.conditional(right, row)) / total
            }
        }
    }

    /// The path-dependent value function `v(S) = E[f(x) | x_S]` for coalition `known` (bit
    /// `j` set: feature `j` known), whose Shapley values ([`shapley_values`]) TreeSHAP
    /// computes in polynomial time. Features ≥ 64 are treated as unknown.
    pub fn conditional_expectation(&self, row: ArrayView1<f64>, known: u64) -> f64 {
        self.conditional(0, Some((row, known)))
    }

    /// Add this tree's SHAP values for `row`, times `weight`, to `phi` (Algorithm 2 of
    /// Lundberg et al. 2018).
    fn shap_into(&self, row: ArrayView1<f64>, weight: f64, phi: &mut [f64]) {
        let path = Vec::with_capacity(self.depth + 2);
        self.recurse(row, 0, &path, 1.0, 1.0, None, weight, phi);
    }

    #[allow(clippy::too_many_arguments)]
    fn recurse(
        &self,
        row: ArrayView1<f64>,
        k: usize,
        parent: &[PathElement],
        zero_fraction: f64,
        one_fraction: f64,
        feature: Option<usize>,
        weight: f64,
        phi: &mut [f64],
    ) {
        let mut path = parent.to_vec();
        extend(&mut path, zero_fraction, one_fraction, feature);
        match self.nodes[k] {
            ExplainNode::Leaf { value, .. } => {
                let d = path.len() - 1;
                for i in 1..=d {
                    let w = unwound_sum(&path, i);
                    let el = &path[i];
                    if let Some(f) = el.feature {
                        phi[f] += weight * w * (el.one - el.zero) * value;
                    }
                }
            }
            ExplainNode::Split {
                feature: f,
                threshold,
                left,
                right,
                cover,
            } => {
                let (hot, cold) = if row[f] <= threshold {
                    (left, right)
                } else {
                    (right, left)
                };
                let (mut in_zero, mut in_one) = (1.0, 1.0);
                if let Some(i) = (1..path.len()).find(|&i| path[i].feature == Some(f)) {
                    in_zero = path[i].zero;
                    in_one = path[i].one;
                    unwind(&mut path, i);
                }
                let total = if cover > 0.0 {
                    cover
                } else {
                    self.nodes[hot].cover() + self.nodes[cold].cover()
                };
                let share = |c: usize| {
                    if total > 0.0 {
                        self.nodes[c].cover() / total
                    } else {
                        0.5
                    }
                };
                self.recurse(
                    row,
                    hot,
                    &path,
                    in_zero * share(hot),
                    in_one,
                    Some(f),
                    weight,
                    phi,
                );
                self.recurse(
                    row,
                    cold,
                    &path,
                    in_zero * share(cold),
                    0.0,
                    Some(f),
                    weight,
                    phi,
                );
            }
        }
    }
}

/// One feature on the current root-to-node path of TreeSHAP: the share of the coalitions'
/// weight flowing through when the feature is unknown (`zero`) or known (`one`), and the
/// permutation weight `w` of subsets of each size.
#[derive(Debug, Clone, Copy)]
struct PathElement {
    feature: Option<usize>,
    zero: f64,
    one: f64,
    w: f64,
}

/// EXTEND: push a feature and update the subset-size weights.
fn extend(path: &mut Vec<PathElement>, zero: f64, one: f64, feature: Option<usize>) {
    let d = path.len();
    path.push(PathElement {
        feature,
        zero,
        one,
        w: if d == 0 { 1.0 } else { 0.0 },
    });
    let dp1 = (d + 1) as f64;
    for i in (0..d).rev() {
        path[i + 1].w += one * path[i].w * (i + 1) as f64 / dp1;
        path[i].w = zero * path[i].w * (d - i) as f64 / dp1;
    }
}

/// UNWIND: remove element `index`, undoing its EXTEND.
fn unwind(path: &mut Vec<PathElement>, index: usize) {
    let d = path.len() - 1;
    let (one, zero) = (path[index].one, path[index].zero);
    let dp1 = (d + 1) as f64;
    let mut next = path[d].w;
    for i in (0..d).rev() {
        if one != 0.0 {
            let tmp = path[i].w;
            path[i].w = next * dp1 / ((i + 1) as f64 * one);
            next = tmp - path[i].w * zero * (d - i) as f64 / dp1;
        } else if zero != 0.0 {
            path[i].w = path[i].w * dp1 / (zero * (d - i) as f64);
        }
    }
    for i in index..d {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
    path.pop();
}

/// The total weight the path would have without element `index` (UNWIND without changing
/// the path).
fn unwound_sum(path: &[PathElement], index: usize) -> f64 {
    let d = path.len() - 1;
    let (one, zero) = (path[index].one, path[index].zero);
    let dp1 = (d + 1) as f64;
    let mut total = 0.0;
    if one != 0.0 {
        let mut next = path[d].w;
        for i in (0..d).rev() {
            let tmp = next * dp1 / ((i + 1) as f64 * one);
            total += tmp;
            next = path[i].w - tmp * zero * (d - i) as f64 / dp1;
        }
    } else if zero != 0.0 {
        for i in (0..d).rev() {
            total += path[i].w * dp1 / (zero * (d - i) as f64);
        }
    }
    total
}

/// What a tree ensemble's output means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnsembleOutput {
    /// The probability of one class (decision trees, forests: mean of leaf class shares).
    Probability,
    /// The log-odds of one class (AdaBoost's two-class probability is σ of this).
    LogOdds,
}

/// Weighted trees whose sum is a model's output: `f(x) = Σₜ wₜ·treeₜ(x)`.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeEnsemble {
    trees: Vec<(ExplainTree, f64)>,
    n_features: usize,
    output: EnsembleOutput,
}

impl TreeEnsemble {
    /// Check and build an ensemble of `(tree, weight)` pairs on `n_features` features.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] when there are no trees, a weight is not finite, or a tree
    /// splits on a feature index of `n_features` or more.
    pub fn new(
        trees: Vec<(ExplainTree, f64)>,
        n_features: usize,
        output: EnsembleOutput,
    ) -> Result<TreeEnsemble, ModelError> {
        if trees.is_empty() {
            return Err(err("an ensemble needs at least one tree"));
        }
        for (t, (tree, w)) in trees.iter().enumerate() {
            if !w.is_finite() {
                return Err(err(format!("tree {t} has weight {w}")));
            }
            if let Some(f) = tree.max_feature().filter(|&f| f >= n_features) {
                return Err(err(format!(
                    "tree {t} splits on feature {f} but the ensemble has {n_features} features"
                )));
            }
        }
        Ok(TreeEnsemble {
            trees,
            n_features,
            output,
        })
    }

    /// The weighted trees.
    pub fn trees(&self) -> &[(ExplainTree, f64)] {
        &self.trees
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// What the output means.
    pub fn output(&self) -> EnsembleOutput {
        self.output
    }

    /// The ensemble's output for each row of `x`.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] when `x` does not have [`TreeEnsemble::n_features`] columns or
    /// contains NaN.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        self.check(&x)?;
        Ok(x.rows()
            .into_iter()
            .map(|r| self.trees.iter().map(|(t, w)| w * t.predict_row(r)).sum())
            .collect())
    }

    /// The expected output under the trees' covers: `Σₜ wₜ·E[treeₜ]`.
    pub fn expected_value(&self) -> f64 {
        self.trees.iter().map(|(t, w)| w * t.expected_value()).sum()
    }

    fn check(&self, x: &ArrayView2<f64>) -> Result<(), ModelError> {
        if x.ncols() != self.n_features {
            return Err(err(format!(
                "the ensemble has {} features but the rows have {}",
                self.n_features,
                x.ncols()
            )));
        }
        if x.iter().any(|v| v.is_nan()) {
            return Err(err("rows to explain contain NaN"));
        }
        Ok(())
    }

    /// Exact path-dependent TreeSHAP values of every row of `x` (rows in parallel, results in
    /// row order).
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] when `x` does not have [`TreeEnsemble::n_features`] columns or
    /// contains NaN.
    pub fn shap(&self, x: ArrayView2<f64>) -> Result<ShapValues, ModelError> {
        self.check(&x)?;
        let rows: Vec<Vec<f64>> = (0..x.nrows())
            .into_par_iter()
            .map(|i| {
                let mut phi = vec![0.0; self.n_features];
                for (tree, w) in &self.trees {
                    tree.shap_into(x.row(i), *w, &mut phi);
                }
                phi
            })
            .collect();
        let mut values = Array2::zeros((x.nrows(), self.n_features));
        for (i, phi) in rows.iter().enumerate() {
            for (j, v) in phi.iter().enumerate() {
                values[[i, j]] = *v;
            }
        }
        Ok(ShapValues {
            base: self.expected_value(),
            values,
            output: self.predict(x)?,
        })
    }
}

/// SHAP values of some rows: `output[i] ≈ base + Σⱼ values[i, j]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapValues {
    /// The expected output `E[f]` every explanation starts from.
    pub base: f64,
    /// One row per explained row, one column per feature.
    pub values: Array2<f64>,
    /// The model's output for each explained row.
    pub output: Array1<f64>,
}

impl ShapValues {
    /// The largest additivity error `|base + Σⱼ φᵢⱼ − f(xᵢ)|` over the rows (0 for none).
    pub fn additivity_gap(&self) -> f64 {
        self.values
            .rows()
            .into_iter()
            .zip(self.output.iter())
            .map(|(r, f)| (self.base + r.sum() - f).abs())
            .fold(0.0, f64::max)
    }

    /// Global importance: the mean |φⱼ| over the rows, per feature.
    pub fn mean_abs(&self) -> Vec<f64> {
        if self.values.nrows() == 0 {
            return vec![0.0; self.values.ncols()];
        }
        self.values
            .mapv(f64::abs)
            .mean_axis(Axis(0))
            .map_or_else(|| vec![0.0; self.values.ncols()], |m| m.to_vec())
    }
}

/// The probability of class code `class` from a fitted model, as a function of the features
/// (an error for models without probabilities or without that class column).
pub fn class_probability(
    model: &dyn Fitted,
    class: usize,
) -> impl Fn(ArrayView2<f64>) -> Result<Array1<f64>, ModelError> + Sync + '_ {
    move |x: ArrayView2<f64>| {
        let p = model
            .predict_proba(x)?
            .ok_or_else(|| err("the model has no class probabilities"))?;
        if class >= p.ncols() {
            return Err(err(format!(
                "class {class} is not a probability column (the model has {})",
                p.ncols()
            )));
        }
        Ok(p.column(class).to_owned())
    }
}

/// Shapley values of a `d`-player game given its value function on coalitions (bit `j` of
/// the mask set: player `j` in the coalition), by enumerating all 2^d coalitions (d ≤ 20):
/// `φⱼ = Σ_{S ∌ j} |S|!(d−|S|−1)!/d! · (v(S ∪ {j}) − v(S))`.
///
/// # Errors
///
/// Returns [`ModelError::Data`] when `d` is more than 20, and any error `value` returns.
pub fn shapley_values(
    d: usize,
    mut value: impl FnMut(u64) -> Result<f64, ModelError>,
) -> Result<Vec<f64>, ModelError> {
    if d > 20 {
        return Err(err(format!(
            "exact Shapley values enumerate 2^d coalitions; d = {d} is too many (at most 20)"
        )));
    }
    let n = 1usize << d;
    let v: Vec<f64> = (0..n as u64).map(&mut value).collect::<Result<_, _>>()?;
    // weight[s] = s!(d−s−1)!/d!, computed as 1 / (d · C(d−1, s)).
    let weight: Vec<f64> = (0..d)
        .map(|s| {
            let mut c = 1.0;
            for i in 0..s {
                c = c * (d - 1 - i) as f64 / (i + 1) as f64;
            }
            1.0 / (d as f64 * c)
        })
        .collect();
    let mut phi = vec![0.0; d];
    for (j, p) in phi.iter_mut().enumerate() {
        let bit = 1usize << j;
        for s in 0..n {
            if s & bit == 0 {
                *p += weight[s.count_ones() as usize] * (v[s | bit] - v[s]);
            }
        }
    }
    Ok(phi)
}

fn check_background(x: &ArrayView2<f64>, background: &ArrayView2<f64>) -> Result<(), ModelError> {
    if background.nrows() == 0 {
        return Err(err("the background set is empty"));
    }
    if x.ncols() != background.ncols() {
        return Err(err(format!(
            "rows have {} features but the background has {}",
            x.ncols(),
            background.ncols()
        )));
    }
    Ok(())
}

fn evaluate(f: &ModelFn<'_>, batch: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
    let out = f(batch)?;
    if out.len() != batch.nrows() {
        return Err(err(format!(
            "the model returned {} outputs for {} rows",
            out.len(),
            batch.nrows()
        )));
    }
    if out.iter().any(|v| !v.is_finite()) {
        return Err(err("the model returned a non-finite output"));
    }
    Ok(out)
}

/// Exact interventional Shapley values of `f` for every row of `x` against `background`, by
/// enumerating every coalition (d ≤ 16 features): `v(S)` is the mean of `f` over the
/// background rows with the columns in `S` set to the row's values. Costs
/// 2^d · (background rows) evaluations of `f` per row.
///
/// # Errors
///
/// Returns [`ModelError::Data`] when `background` has no rows, `x` and `background` differ in
/// columns, there are more than 16 features, or `f` returns a wrong number of outputs or a
/// non-finite one; and any error `f` returns.
pub fn exact_shapley(
    f: &ModelFn<'_>,
    x: ArrayView2<f64>,
    background: ArrayView2<f64>,
) -> Result<ShapValues, ModelError> {
    check_background(&x, &background)?;
    let d = x.ncols();
    if d > 16 {
        return Err(err(format!(
            "exact Shapley values need at most 16 features, not {d}; use permutation_shap"
        )));
    }
    let nb = background.nrows();
    let base = evaluate(f, background)?.mean().unwrap_or(0.0);
    let mut values = Array2::zeros((x.nrows(), d));
    let mut output = Array1::zeros(x.nrows());
    for (i, row) in x.rows().into_iter().enumerate() {
        let n = 1usize << d;
        let mut batch = Array2::zeros((n * nb, d));
        for s in 0..n {
            for b in 0..nb {
                let mut r = batch.row_mut(s * nb + b);
                for j in 0..d {
                    r[j] = if s & (1 << j) != 0 {
                        row[j]
                    } else {
                        background[[b, j]]
                    };
                }
            }
        }
        let out = evaluate(f, batch.view())?;
        let v: Vec<f64> = (0..n)
            .map(|s| out.slice(ndarray::s![s * nb..(s + 1) * nb]).sum() / nb as f64)
            .collect();
        let phi = shapley_values(d, |s| Ok(v[s as usize]))?;
        for (j, p) in phi.iter().enumerate() {
            values[[i, j]] = *p;
        }
        output[i] = v[n - 1];
    }
    Ok(ShapValues {
        base,
        values,
        output,
    })
}

/// Sampled interventional Shapley values of `f` for every row of `x` against `background`:
/// `n_pairs` seeded random feature orderings, each also walked in reverse (antithetic
/// pairs). Along an ordering the features switch one by one from the background's values to
/// the row's, and each feature is credited with the change in the mean output. The credits
/// of one ordering sum to `f(x) − E[f]`, so additivity is exact (up to rounding) however few
/// orderings are drawn. Costs `2 · n_pairs · (d + 1) · (background rows)` evaluations of `f`
/// per row; rows run in parallel, each with its own seeded stream, so results do not depend
/// on the number of threads.
///
/// # Errors
///
/// Returns [`ModelError::Data`] when `background` has no rows, `x` and `background` differ in
/// columns, `n_pairs` is 0, or `f` returns a wrong number of outputs or a non-finite one; and
/// any error `f` returns.
pub fn permutation_shap(
    f: &ModelFn<'_>,
    x: ArrayView2<f64>,
    background: ArrayView2<f64>,
    n_pairs: usize,
    seed: u64,
) -> Result<ShapValues, ModelError> {
    check_background(&x, &background)?;
    if n_pairs == 0 {
        return Err(err("permutation SHAP needs at least one pair of orderings"));
    }
    let d = x.ncols();
    let nb = background.nrows();
    let base = evaluate(f, background)?.mean().unwrap_or(0.0);
    // Orderings: drawn once from the seed and shared by all rows.
    let mut stream = crate::tree::Stream(seed);
    let mut orders: Vec<Vec<usize>> = Vec::with_capacity(2 * n_pairs);
    for _ in 0..n_pairs {
        let mut o: Vec<usize> = (0..d).collect();
        for i in 0..d.saturating_sub(1) {
            let j = i + stream.below(d - i);
            o.swap(i, j);
        }
        let rev: Vec<usize> = o.iter().rev().copied().collect();
        orders.push(o);
        orders.push(rev);
    }
    let rows: Vec<(Vec<f64>, f64)> = (0..x.nrows())
        .into_par_iter()
        .map(|i| -> Result<(Vec<f64>, f64), ModelError> {
            let row = x.row(i);
            let steps = d + 1;
            let mut batch = Array2::zeros((orders.len() * steps * nb, d));
            for (o, order) in orders.iter().enumerate() {
                for k in 0..steps {
                    for b in 0..nb {
                        let mut r = batch.row_mut((o * steps + k) * nb + b);
                        r.assign(&background.row(b));
                        for &j in &order[..k] {
                            r[j] = row[j];
                        }
                    }
                }
            }
            let out = evaluate(f, batch.view())?;
            let mean = |o: usize, k: usize| {
                let start = (o * steps + k) * nb;
                out.slice(ndarray::s![start..start + nb]).sum() / nb as f64
            };
            let mut phi = vec![0.0; d];
            for (o, order) in orders.iter().enumerate() {
                let mut prev = mean(o, 0);
                for (k, &j) in order.iter().enumerate() {
                    let next = mean(o, k + 1);
                    phi[j] += next - prev;
                    prev = next;
                }
            }
            phi.iter_mut().for_each(|p| *p /= orders.len() as f64);
            Ok((phi, mean(0, d)))
        })
        .collect::<Result<_, _>>()?;
    let mut values = Array2::zeros((x.nrows(), d));
    let mut output = Array1::zeros(x.nrows());
    for (i, (phi, out)) in rows.into_iter().enumerate() {
        for (j, p) in phi.into_iter().enumerate() {
            values[[i, j]] = p;
        }
        output[i] = out;
    }
    Ok(ShapValues {
        base,
        values,
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn leaf(value: f64, cover: f64) -> ExplainNode {
        ExplainNode::Leaf { value, cover }
    }

    fn split(feature: usize, threshold: f64, left: usize, right: usize, cover: f64) -> ExplainNode {
        ExplainNode::Split {
            feature,
            threshold,
            left,
            right,
            cover,
        }
    }

    /// The hand-worked tree: root splits x0 ≤ 0 (cover 10); left child splits x1 ≤ 0
    /// (cover 6) into leaves 10 (cover 2) and 20 (cover 4); right child is a leaf 30 (cover 4).
    fn hand_tree() -> ExplainTree {
        ExplainTree::new(vec![
            split(0, 0.0, 1, 4, 10.0),
            split(1, 0.0, 2, 3, 6.0),
            leaf(10.0, 2.0),
            leaf(20.0, 4.0),
            leaf(30.0, 4.0),
        ])
        .unwrap()
    }

    #[test]
    fn tree_shap_matches_a_hand_calculation() {
        // x = (−1, +1): left at the root, right at node 1 → f(x) = 20.
        // Value function (cover-weighted conditional expectations):
        //   v(∅)      = (2·10 + 4·20 + 4·30)/10             = 22
        //   v({0})    = x0 known, x1 not: (2·10 + 4·20)/6    = 100/6 = 16.6667
        //   v({1})    = x1 known: 0.6·20 + 0.4·30            = 24
        //   v({0, 1}) = f(x)                                  = 20
        // Shapley, two players:
        //   φ0 = ½[(v({0}) − v(∅)) + (v({0,1}) − v({1}))] = ½[(16.6667 − 22) + (20 − 24)]
        //      = ½(−5.3333 − 4) = −4.6667 = −14/3
        //   φ1 = ½[(v({1}) − v(∅)) + (v({0,1}) − v({0}))] = ½[(24 − 22) + (20 − 16.6667)]
        //      = ½(2 + 3.3333) = 2.6667 = 8/3
        //   check: 22 − 14/3 + 8/3 = 20 = f(x).
        let e =
            TreeEnsemble::new(vec![(hand_tree(), 1.0)], 2, EnsembleOutput::Probability).unwrap();
        let s = e.shap(array![[-1.0, 1.0]].view()).unwrap();
        assert!((s.base - 22.0).abs() < 1e-12);
        assert!((s.output[0] - 20.0).abs() < 1e-12);
        assert!(
            (s.values[[0, 0]] + 14.0 / 3.0).abs() < 1e-12,
            "{}",
            s.values
        );
        assert!((s.values[[0, 1]] - 8.0 / 3.0).abs() < 1e-12, "{}", s.values);
        // x = (1, 0): the right leaf, 30; x1 is never used on its path but still moves the
        // expectation: v({1}) = 0.6·10 + 0.4·30 = 18, v({0}) = 30.
        // φ0 = ½[(30 − 22) + (30 − 18)] = 10, φ1 = ½[(18 − 22) + (30 − 30)] = −2.
        let s = e.shap(array![[1.0, 0.0]].view()).unwrap();
        assert!((s.values[[0, 0]] - 10.0).abs() < 1e-12, "{}", s.values);
        assert!((s.values[[0, 1]] + 2.0).abs() < 1e-12, "{}", s.values);
    }

    /// A random tree on `d` features, with repeated features along paths.
    fn random_tree(stream: &mut crate::tree::Stream, d: usize, depth: usize) -> ExplainTree {
        fn grow(
            s: &mut crate::tree::Stream,
            nodes: &mut Vec<ExplainNode>,
            d: usize,
            depth: usize,
            cover: f64,
        ) -> usize {
            let k = nodes.len();
            nodes.push(leaf(0.0, cover));
            if depth == 0 || s.below(5) == 0 {
                let value = s.below(1000) as f64 / 100.0 - 5.0;
                nodes[k] = leaf(value, cover);
                return k;
            }
            let feature = s.below(d);
            let threshold = s.below(100) as f64 / 50.0 - 1.0;
            let share = (1 + s.below(9)) as f64 / 10.0;
            let left = grow(s, nodes, d, depth - 1, cover * share);
            let right = grow(s, nodes, d, depth - 1, cover * (1.0 - share));
            nodes[k] = split(feature, threshold, left, right, cover);
            k
        }
        let mut nodes = Vec::new();
        grow(stream, &mut nodes, d, depth, 100.0);
        ExplainTree::new(nodes).unwrap()
    }

    #[test]
    fn tree_shap_equals_brute_force_shapley_on_random_trees() {
        let mut s = crate::tree::Stream(7);
        let d = 5;
        for trial in 0..20 {
            let trees: Vec<(ExplainTree, f64)> = (0..3)
                .map(|_| (random_tree(&mut s, d, 6), 1.0 / 3.0))
                .collect();
            let e = TreeEnsemble::new(trees.clone(), d, EnsembleOutput::Probability).unwrap();
            let x = Array2::from_shape_fn((4, d), |_| s.below(100) as f64 / 50.0 - 1.0);
            let shap = e.shap(x.view()).unwrap();
            for (i, row) in x.rows().into_iter().enumerate() {
                let brute = shapley_values(d, |mask| {
                    Ok(trees
                        .iter()
                        .map(|(t, w)| w * t.conditional_expectation(row, mask))
                        .sum())
                })
                .unwrap();
                for (j, b) in brute.iter().enumerate() {
                    assert!(
                        (shap.values[[i, j]] - b).abs() < 1e-10,
                        "trial {trial} row {i} feature {j}: {} vs {b}",
                        shap.values[[i, j]],
                    );
                }
            }
            assert!(shap.additivity_gap() < 1e-10, "trial {trial}");
        }
    }

    #[test]
    fn fitted_trees_and_forests_explain_their_probabilities_additively() {
        let table = ml4ns_data_io::synth::concentric_rings(120, 3)
            .table()
            .unwrap();
        for spec in [
            "decision_tree:max_depth=4",
            "random_forest:n_trees=15,max_depth=5,seed=1",
            "bagging:n_trees=10,max_features=1,seed=2",
        ] {
            let fitted = crate::Model::parse(spec).unwrap().fit(&table).unwrap();
            let e = fitted.tree_ensemble(1).expect(spec);
            assert_eq!(e.output(), EnsembleOutput::Probability);
            let x = table.x.slice(ndarray::s![..30, ..]);
            let shap = e.shap(x).unwrap();
            let proba = fitted.predict_proba(x).unwrap().unwrap();
            for i in 0..30 {
                assert!((shap.output[i] - proba[[i, 1]]).abs() < 1e-12, "{spec}");
            }
            assert!(shap.additivity_gap() < 1e-12, "{spec}");
            // E[f] under the covers is the training share of class 1 for one tree (the
            // training rows themselves are the covers).
            if spec.starts_with("decision_tree") {
                assert!((shap.base - 0.5).abs() < 1e-12, "{}", shap.base);
            }
        }
    }

    #[test]
    fn adaboost_is_explained_on_the_log_odds_scale() {
        let table = ml4ns_data_io::synth::concentric_rings(100, 4)
            .table()
            .unwrap();
        let fitted = crate::Model::parse("adaboost:n_estimators=20")
            .unwrap()
            .fit(&table)
            .unwrap();
        let e = fitted.tree_ensemble(1).unwrap();
        assert_eq!(e.output(), EnsembleOutput::LogOdds);
        let proba = fitted.predict_proba(table.x.view()).unwrap().unwrap();
        let logit = e.predict(table.x.view()).unwrap();
        for i in 0..table.n_rows() {
            let p = 1.0 / (1.0 + (-logit[i]).exp());
            assert!((p - proba[[i, 1]]).abs() < 1e-9);
        }
        assert!(e.shap(table.x.view()).unwrap().additivity_gap() < 1e-10);
        // Class 0's log-odds are the negation.
        let e0 = fitted.tree_ensemble(0).unwrap();
        assert!((e0.expected_value() + e.expected_value()).abs() < 1e-12);
    }

    #[test]
    fn models_without_trees_give_no_ensemble() {
        let table = ml4ns_data_io::synth::concentric_rings(60, 5)
            .table()
            .unwrap();
        let fitted = crate::Model::parse("logistic")
            .unwrap()
            .fit(&table)
            .unwrap();
        assert!(fitted.tree_ensemble(1).is_none());
        let tree = crate::Model::parse("decision_tree")
            .unwrap()
            .fit(&table)
            .unwrap();
        assert!(tree.tree_ensemble(5).is_none(), "no such class");
    }

    /// f(x) = 2·x0 − x1 + 3·x0·x2: nonlinear, so the orderings matter.
    fn model(x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        Ok(x.rows()
            .into_iter()
            .map(|r| 2.0 * r[0] - r[1] + 3.0 * r[0] * r[2])
            .collect())
    }

    #[test]
    fn exact_and_permutation_shap_are_additive_and_agree() {
        let mut s = crate::tree::Stream(3);
        let mut draw = |n: usize| Array2::from_shape_fn((n, 4), |_| s.below(200) as f64 / 100.0);
        let background = draw(12);
        let x = draw(5);
        let exact = exact_shapley(&model, x.view(), background.view()).unwrap();
        assert!(exact.additivity_gap() < 1e-12);
        // Feature 3 is unused: exactly zero.
        assert!(exact.values.column(3).iter().all(|v| v.abs() < 1e-12));
        let few = permutation_shap(&model, x.view(), background.view(), 1, 9).unwrap();
        assert!(
            few.additivity_gap() < 1e-12,
            "exact additivity with one pair"
        );
        assert!((few.base - exact.base).abs() < 1e-12);
        // Three players that matter: with 4 features, 12 orderings (6 pairs) of 24 reach the
        // exact values only on average; many pairs get close.
        let many = permutation_shap(&model, x.view(), background.view(), 200, 9).unwrap();
        let worst = (&many.values - &exact.values)
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(worst < 0.05, "permutation vs exact: {worst}");
        // Same seed, same values.
        let again = permutation_shap(&model, x.view(), background.view(), 200, 9).unwrap();
        assert_eq!(many, again);
    }

    #[test]
    fn linear_models_get_coefficient_times_centred_value() {
        // Interventional SHAP of a linear model is exact for any ordering:
        // φⱼ = wⱼ·(xⱼ − mean of the background's column j).
        let lin = |x: ArrayView2<f64>| -> Result<Array1<f64>, ModelError> {
            Ok(x.rows()
                .into_iter()
                .map(|r| 0.5 + 2.0 * r[0] - 3.0 * r[1])
                .collect())
        };
        let background = array![[0.0, 1.0], [2.0, 3.0], [4.0, 2.0]];
        let x = array![[1.0, 1.0]];
        let s = permutation_shap(&lin, x.view(), background.view(), 1, 0).unwrap();
        assert!((s.values[[0, 0]] - 2.0 * (1.0 - 2.0)).abs() < 1e-12);
        assert!((s.values[[0, 1]] + 3.0 * (1.0 - 2.0)).abs() < 1e-12);
        assert!((s.base - (0.5 + 2.0 * 2.0 - 3.0 * 2.0)).abs() < 1e-12);
    }

    #[test]
    fn fitted_models_explain_through_class_probability() {
        let table = ml4ns_data_io::synth::concentric_rings(80, 6)
            .table()
            .unwrap();
        let fitted = crate::Model::parse("logistic")
            .unwrap()
            .fit(&table)
            .unwrap();
        let f = class_probability(fitted.as_ref(), 1);
        let x = table.x.slice(ndarray::s![..5, ..]);
        let bg = table.x.slice(ndarray::s![40.., ..]);
        let s = permutation_shap(&f, x, bg, 3, 1).unwrap();
        let p = fitted.predict_proba(x).unwrap().unwrap();
        for i in 0..5 {
            assert!((s.output[i] - p[[i, 1]]).abs() < 1e-12);
        }
        assert!(s.additivity_gap() < 1e-12);
        assert!(class_probability(fitted.as_ref(), 7)(x).is_err());
    }

    #[test]
    fn invalid_inputs_are_errors() {
        assert!(ExplainTree::new(vec![]).is_err());
        assert!(ExplainTree::new(vec![split(0, 0.0, 0, 1, 1.0), leaf(1.0, 1.0)]).is_err());
        assert!(ExplainTree::new(vec![leaf(1.0, -1.0)]).is_err());
        assert!(ExplainTree::new(vec![leaf(1.0, 1.0), leaf(2.0, 1.0)]).is_err());
        let t = hand_tree();
        assert!(TreeEnsemble::new(vec![(t.clone(), 1.0)], 1, EnsembleOutput::Probability).is_err());
        let e = TreeEnsemble::new(vec![(t, 1.0)], 2, EnsembleOutput::Probability).unwrap();
        assert!(e.shap(array![[1.0, 2.0, 3.0]].view()).is_err());
        assert!(e.shap(array![[f64::NAN, 2.0]].view()).is_err());
        let empty = Array2::<f64>::zeros((0, 4));
        let x = Array2::<f64>::zeros((1, 4));
        assert!(permutation_shap(&model, x.view(), empty.view(), 1, 0).is_err());
        assert!(permutation_shap(&model, x.view(), x.view(), 0, 0).is_err());
        assert!(shapley_values(21, |_| Ok(0.0)).is_err());
        let wide = Array2::<f64>::zeros((1, 17));
        assert!(exact_shapley(&model, wide.view(), wide.view()).is_err());
    }
}
