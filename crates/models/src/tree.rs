//! Fitted linfa-trees trees, copied into plain nodes.
//!
//! linfa-trees decides a leaf's class through a `HashMap` of class counts, so a leaf whose
//! classes tie can predict either from one run to the next. Copies made here give each leaf
//! the heaviest class of the training rows that reach it, ties to the smallest code (as
//! scikit-learn), so predictions are reproducible; they also save compactly and print as
//! rules.

use linfa_trees::DecisionTree;
use ndarray::{Array1, ArrayView1, ArrayView2};

/// A fitted classification tree in plain nodes (root first).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
    /// linfa's feature importances (zeros where undefined).
    importance: Vec<f64>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum Node {
    /// `x[feature] < threshold` goes left (linfa's rule).
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    Leaf {
        class: usize,
    },
}

impl Tree {
    /// Copy linfa's tree; each leaf's class is the heaviest class of the training rows that
    /// reach it (weights `w`), ties to the smallest code.
    pub(crate) fn from_linfa(
        tree: &DecisionTree<f64, usize>,
        x: ArrayView2<f64>,
        codes: &Array1<usize>,
        w: Option<&[f64]>,
        n_classes: usize,
    ) -> Tree {
        let mut nodes = Vec::new();
        let mut fallback = Vec::new();
        copy(tree.root_node(), &mut nodes, &mut fallback);
        let mut out = Tree {
            nodes,
            importance: tree
                .feature_importance()
                .into_iter()
                .map(|v| if v.is_finite() { v } else { 0.0 })
                .collect(),
        };
        let mut mass = vec![vec![0.0; n_classes]; out.nodes.len()];
        for (i, row) in x.rows().into_iter().enumerate() {
            mass[out.leaf(row)][codes[i]] += w.map_or(1.0, |w| w[i]);
        }
        for (k, node) in out.nodes.iter_mut().enumerate() {
            if let Node::Leaf { class } = node {
                let m = &mass[k];
                let best = (0..n_classes).fold(None::<usize>, |b, c| match b {
                    Some(b) if m[b] >= m[c] => Some(b),
                    _ if m[c] > 0.0 => Some(c),
                    b => b,
                });
                *class = best.unwrap_or(fallback[k]);
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
                    k = if row[feature] < threshold {
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
                Node::Leaf { class } => class,
                Node::Split { .. } => unreachable!("leaf() stops at leaves"),
            })
            .collect()
    }
}

impl Tree {
    /// linfa's feature importances (zeros where undefined).
    pub(crate) fn importance(&self) -> &[f64] {
        &self.importance
    }

    /// The tree as nested if/else rules; `x < threshold` goes left.
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
                out.push_str(&format!("{indent}if {f} < {threshold:.6}:\n"));
                self.rules_from(left, depth + 1, features, classes, out);
                out.push_str(&format!("{indent}else:  # {f} >= {threshold:.6}\n"));
                self.rules_from(right, depth + 1, features, classes, out);
            }
            Node::Leaf { class } => {
                out.push_str(&format!("{indent}class {}\n", name(class, classes)));
            }
        }
    }
}

/// Append `node` and its subtree; `fallback[k]` is linfa's own class for leaf `k`.
fn copy(
    node: &linfa_trees::TreeNode<f64, usize>,
    nodes: &mut Vec<Node>,
    fallback: &mut Vec<usize>,
) -> usize {
    let k = nodes.len();
    let children = node.children();
    match (
        node.is_leaf(),
        children.first().and_then(|c| c.as_deref()),
        children.get(1).and_then(|c| c.as_deref()),
    ) {
        (false, Some(l), Some(r)) => {
            let (feature, threshold, _) = node.split();
            nodes.push(Node::Leaf { class: 0 });
            fallback.push(0);
            let left = copy(l, nodes, fallback);
            let right = copy(r, nodes, fallback);
            nodes[k] = Node::Split {
                feature,
                threshold,
                left,
                right,
            };
        }
        _ => {
            nodes.push(Node::Leaf { class: 0 });
            fallback.push(node.prediction().unwrap_or(0));
        }
    }
    k
}
