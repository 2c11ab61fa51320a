//! CART classification trees, grown here in f64 with a fixed order of operations.
//!
//! linfa-trees 0.8 keeps class weights in `HashMap`s and sums them in f32 in iteration order,
//! which Rust randomises per process: with three or more classes the impurity of a split, and
//! so the chosen split, can change from one run to the next, and a leaf whose classes tie
//! can predict either. Reports must be byte-identical, so trees are grown here instead, as
//! scikit-learn's `DecisionTreeClassifier` grows them:
//!
//! * Gini or entropy impurity on (optionally weighted) class counts; a split minimises the
//!   weighted impurity of the two children; thresholds are midpoints between consecutive
//!   distinct values (closer than 1e-7 counts as equal) and `x <= threshold` goes left.
//! * A node becomes a leaf when it is pure, at `max_depth`, below `min_samples_split` rows,
//!   or when no split leaves `min_samples_leaf` rows on each side.
//! * Features are scanned in index order (scikit-learn scans them in a random order), and
//!   the first best split wins, so ties go to the lowest feature and threshold. With
//!   `max_features`, each split draws that many features from a seeded stream (random
//!   forests), moving on to further features while none of the drawn ones can split.
//! * A leaf predicts its heaviest class (ties to the smallest code) and keeps the class shares
//!   as probabilities. Importances are scikit-learn's: the weighted impurity decrease of
//!   every split on a feature, normalised to sum to 1.

use ndarray::{ArrayView1, ArrayView2};

/// A fitted classification tree in plain nodes (root first, then the left subtree).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
    /// Normalised weighted impurity decrease per feature (zeros without splits).
    importance: Vec<f64>,
    /// Training rows (weighted) that reached each node, for TreeSHAP ([`crate::explain`]).
    /// Not saved, so the saved format is unchanged: a loaded tree has none and cannot be
    /// explained by TreeSHAP.
    #[serde(skip)]
    cover: Vec<f64>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum Node {
    /// `x[feature] <= threshold` goes left.
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    Leaf {
        class: usize,
        /// Weighted class shares of the training rows in the leaf.
        #[serde(default)]
        proba: Vec<f64>,
    },
}

/// How a tree grows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TreeParams {
    /// Entropy (information gain) instead of Gini impurity.
    pub entropy: bool,
    /// Deepest level (root = 0); `None` grows until leaves are pure.
    pub max_depth: Option<usize>,
    /// Fewest rows a node needs to be split.
    pub min_samples_split: usize,
    /// Fewest rows each child must keep.
    pub min_samples_leaf: usize,
    /// Features drawn per split (`None`: all, in index order).
    pub max_features: Option<usize>,
    /// Seed of the per-split feature draws.
    pub seed: u64,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams {
            entropy: false,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: None,
            seed: 0,
        }
    }
}

/// A minimal seeded stream (SplitMix64), for row and feature draws.
pub(crate) struct Stream(pub u64);

impl Stream {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on 0..n (n ≥ 1), by rejection.
    pub(crate) fn below(&mut self, n: usize) -> usize {
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

/// Values closer than this are one value (scikit-learn's `FEATURE_THRESHOLD`).
const SAME: f64 = 1e-7;

fn impurity(counts: &[f64], total: f64, entropy: bool) -> f64 {
    if total <= 0.0 {
        return 0.0;
    }
    if entropy {
        counts
            .iter()
            .filter(|&&c| c > 0.0)
            .map(|&c| {
                let p = c / total;
                -p * p.log2()
            })
            .sum()
    } else {
        1.0 - counts
            .iter()
            .map(|&c| (c / total) * (c / total))
            .sum::<f64>()
    }
}

struct Grower<'a> {
    x: ArrayView2<'a, f64>,
    y: &'a [usize],
    w: Option<&'a [f64]>,
    n_classes: usize,
    params: TreeParams,
    stream: Stream,
    nodes: Vec<Node>,
    cover: Vec<f64>,
    decrease: Vec<f64>,
}

struct Best {
    feature: usize,
    threshold: f64,
    proxy: f64,
    imp_left: f64,
    imp_right: f64,
    w_left: f64,
    w_right: f64,
}

impl Grower<'_> {
    fn weight(&self, r: usize) -> f64 {
        self.w.map_or(1.0, |w| w[r])
    }

    fn counts(&self, rows: &[usize]) -> Vec<f64> {
        let mut c = vec![0.0; self.n_classes];
        for &r in rows {
            c[self.y[r]] += self.weight(r);
        }
        c
    }

    /// The best split of `rows` on `feature`, if any is allowed.
    fn scan(&self, rows: &[usize], feature: usize, parent: &[f64], best: &mut Option<Best>) {
        let mut order: Vec<(f64, usize)> =
            rows.iter().map(|&r| (self.x[[r, feature]], r)).collect();
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let n = order.len();
        let min_leaf = self.params.min_samples_leaf.max(1);
        let mut left = vec![0.0; self.n_classes];
        let mut right = parent.to_vec();
        let (mut wl, mut wr) = (0.0, parent.iter().sum::<f64>());
        for i in 0..n - 1 {
            let (v, r) = order[i];
            let wt = self.weight(r);
            left[self.y[r]] += wt;
            right[self.y[r]] -= wt;
            wl += wt;
            wr -= wt;
            let next = order[i + 1].0;
            if next <= v + SAME || i + 1 < min_leaf {
                continue;
            }
            if n - (i + 1) < min_leaf {
                break;
            }
            let (il, ir) = (
                impurity(&left, wl, self.params.entropy),
                impurity(&right, wr, self.params.entropy),
            );
            let proxy = -(wl * il + wr * ir);
            if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                let mut threshold = v / 2.0 + next / 2.0;
                if threshold == next || !threshold.is_finite() {
                    threshold = v;
                }
                *best = Some(Best {
                    feature,
                    threshold,
                    proxy,
                    imp_left: il,
                    imp_right: ir,
                    w_left: wl,
                    w_right: wr,
                });
            }
        }
    }

    fn is_constant(&self, rows: &[usize], feature: usize) -> bool {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &r in rows {
            let v = self.x[[r, feature]];
            lo = lo.min(v);
            hi = hi.max(v);
        }
        hi <= lo + SAME
    }

    fn grow(&mut self, rows: &mut [usize], depth: usize) -> usize {
        let counts = self.counts(rows);
        let total: f64 = counts.iter().sum();
        let imp = impurity(&counts, total, self.params.entropy);
        let k = self.nodes.len();
        let leaf = |counts: &[f64], total: f64| {
            let class = (0..counts.len()).fold(0, |b, c| if counts[c] > counts[b] { c } else { b });
            Node::Leaf {
                class,
                proba: counts
                    .iter()
                    .map(|&c| if total > 0.0 { c / total } else { 0.0 })
                    .collect(),
            }
        };
        self.nodes.push(leaf(&counts, total));
        self.cover.push(total);
        let n = rows.len();
        let p = self.x.ncols();
        if n < self.params.min_samples_split.max(2)
            || n < 2 * self.params.min_samples_leaf.max(1)
            || self.params.max_depth.is_some_and(|d| depth >= d)
            || imp <= f64::EPSILON
            || total <= 0.0
        {
            return k;
        }
        let mut best: Option<Best> = None;
        match self.params.max_features {
            Some(m) if m < p => {
                // Draw features in a seeded random order; stop after `m` non-constant ones
                // once some split is possible.
                let mut order: Vec<usize> = (0..p).collect();
                let mut visited = 0;
                for i in 0..p {
                    let j = i + self.stream.below(p - i);
                    order.swap(i, j);
                    let f = order[i];
                    if visited >= m && best.is_some() {
                        break;
                    }
                    if self.is_constant(rows, f) {
                        continue;
                    }
                    visited += 1;
                    self.scan(rows, f, &counts, &mut best);
                }
            }
            _ => {
                for f in 0..p {
                    self.scan(rows, f, &counts, &mut best);
                }
            }
        }
        let Some(b) = best else {
            return k;
        };
        self.decrease[b.feature] += total * imp - b.w_left * b.imp_left - b.w_right * b.imp_right;
        let (mut l, mut r): (Vec<usize>, Vec<usize>) = rows
            .iter()
            .partition(|&&i| self.x[[i, b.feature]] <= b.threshold);
        let left = self.grow(&mut l, depth + 1);
        let right = self.grow(&mut r, depth + 1);
        self.nodes[k] = Node::Split {
            feature: b.feature,
            threshold: b.threshold,
            left,
            right,
        };
        k
    }
}

impl Tree {
    /// Grow a tree on rows of `x` with class codes `y` (< `n_classes`) and optional row
    /// weights.
    pub(crate) fn fit<'a>(
        x: ArrayView2<'a, f64>,
        y: &'a [usize],
        w: Option<&'a [f64]>,
        n_classes: usize,
        params: TreeParams,
    ) -> Tree {
        let mut g = Grower {
            x,
            y,
            w,
            n_classes: n_classes.max(1),
            params,
            stream: Stream(params.seed),
            nodes: Vec::new(),
            cover: Vec::new(),
            decrease: vec![0.0; x.ncols()],
        };
        let mut rows: Vec<usize> = (0..x.nrows()).collect();
        g.grow(&mut rows, 0);
        let sum: f64 = g.decrease.iter().sum();
        let importance = if sum > 0.0 {
            g.decrease.iter().map(|v| v / sum).collect()
        } else {
            vec![0.0; x.ncols()]
        };
        Tree {
            nodes: g.nodes,
            importance,
            cover: g.cover,
        }
    }

    /// Class shares of the leaf each row reaches.
    pub(crate) fn predict_proba(
        &self,
        x: ArrayView2<f64>,
        n_classes: usize,
    ) -> ndarray::Array2<f64> {
        let mut out = ndarray::Array2::zeros((x.nrows(), n_classes));
        for (i, r) in x.rows().into_iter().enumerate() {
            if let Node::Leaf { proba, .. } = &self.nodes[self.leaf(r)] {
                for (j, v) in proba.iter().enumerate().take(n_classes) {
                    out[[i, j]] = *v;
                }
            }
        }
        out
    }

    fn leaf(&self, row: ArrayView1<f64>) -> usize {
        let mut k = 0;
        loop {
            match self.nodes[k] {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    k = if row[feature] <= threshold {
                        left
                    } else {
                        right
                    }
                }
                Node::Leaf { .. } => return k,
            }
        }
    }

    pub(crate) fn predict(&self, x: ArrayView2<f64>) -> Vec<usize> {
        x.rows()
            .into_iter()
            .map(|r| match self.nodes[self.leaf(r)] {
                Node::Leaf { class, .. } => class,
                Node::Split { .. } => unreachable!("leaf() stops at leaves"),
            })
            .collect()
    }
}

impl Tree {
    /// The tree for TreeSHAP ([`crate::explain`]): `value` maps a leaf's class shares and
    /// majority class to its output, `features[j]` is the ensemble's index of the tree's
    /// feature `j`. `None` when the covers are unknown (a tree loaded from a saved model).
    pub(crate) fn explain(
        &self,
        features: &[usize],
        value: impl Fn(&[f64], usize) -> f64,
    ) -> Option<crate::explain::ExplainTree> {
        if self.cover.len() != self.nodes.len() {
            return None;
        }
        let nodes = self
            .nodes
            .iter()
            .zip(&self.cover)
            .map(|(node, &cover)| match node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => Some(crate::explain::ExplainNode::Split {
                    feature: *features.get(*feature)?,
                    threshold: *threshold,
                    left: *left,
                    right: *right,
                    cover,
                }),
                Node::Leaf { class, proba } => Some(crate::explain::ExplainNode::Leaf {
                    value: value(proba, *class),
                    cover,
                }),
            })
            .collect::<Option<Vec<_>>>()?;
        crate::explain::ExplainTree::new(nodes).ok()
    }

    /// Normalised weighted impurity decrease per feature (scikit-learn's importances).
    pub(crate) fn importance(&self) -> &[f64] {
        &self.importance
    }

    /// The tree as nested if/else rules; `x <= threshold` goes left.
    pub(crate) fn rules(&self, features: &[String], classes: &[String]) -> String {
        let mut out = String::new();
        self.rules_from(0, 0, features, classes, &mut out);
        out
    }

    fn rules_from(
        &self,
        k: usize,
        depth: usize,
        features: &[String],
        classes: &[String],
        out: &mut String,
    ) {
        let indent = "    ".repeat(depth);
        let name =
            |i: usize, names: &[String]| names.get(i).cloned().unwrap_or_else(|| i.to_string());
        match self.nodes[k] {
            Node::Split {
                feature,
                threshold,
                left,
                right,
            } => {
                let f = name(feature, features);
                out.push_str(&format!("{indent}if {f} <= {threshold:.6}:\n"));
                self.rules_from(left, depth + 1, features, classes, out);
                out.push_str(&format!("{indent}else:  # {f} > {threshold:.6}\n"));
                self.rules_from(right, depth + 1, features, classes, out);
            }
            Node::Leaf { class, .. } => {
                out.push_str(&format!("{indent}class {}\n", name(class, classes)));
            }
        }
    }
}
