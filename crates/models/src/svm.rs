//! Support vector classification on linfa-svm.
//!
//! linfa-svm is binary; more classes are handled one-vs-rest (scikit-learn's SVC uses
//! one-vs-one, so multi-class results can differ). Probabilities are linfa's Platt scaling,
//! fitted on the training decision values (scikit-learn fits Platt scaling by internal
//! cross-validation). Kernels as scikit-learn's, with γ as scikit-learn (`scale` = 1 / (p·Var X),
//! `auto` = 1 / p): linear, polynomial `(γ⟨x, y⟩ + coef0)^degree` (linfa's polynomial kernel has
//! no γ, so rows are scaled by √γ first), RBF `exp(−γ‖x − y‖²)`, and sigmoid
//! `tanh(γ⟨x, y⟩ + coef0)`.
//!
//! linfa-svm 0.8.1 has no sigmoid kernel and its SMO solver cannot be given another kernel (its
//! kernel trait is private), so sigmoid machines are solved here by libsvm's algorithm (SMO with
//! second-order working-set selection, Fan, Chen & Lin 2005, on the full kernel matrix, without
//! shrinking) with Platt scaling by Lin, Lin & Weng's Newton method, the same as linfa's.

use linfa::dataset::Pr;
use linfa::prelude::*;
use linfa_svm::Svm;
use ml4ns_data_io::ClassTarget;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use crate::error::ModelError;
use crate::model::{argmax_rows, check_width, Fitted};
use crate::spec::ModelSpec;

/// A kernel with scikit-learn's parameters; γ is resolved at fit time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kernel {
    Linear,
    Poly {
        degree: f64,
        gamma: Gamma,
        coef0: f64,
    },
    Rbf {
        gamma: Gamma,
    },
    Sigmoid {
        gamma: Gamma,
        coef0: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Gamma {
    Scale,
    Auto,
    Value(f64),
}

impl Gamma {
    fn from_spec(spec: &ModelSpec) -> Result<Gamma, ModelError> {
        Ok(match spec.params.get("gamma").map(String::as_str) {
            Some("scale") | None => Gamma::Scale,
            Some("auto") => Gamma::Auto,
            Some(_) => {
                Gamma::Value(spec.f64("gamma", "must be scale, auto or a number > 0", |v| v > 0.0)?)
            }
        })
    }

    /// γ for training rows `x`, as scikit-learn resolves `scale` and `auto`.
    fn resolve(self, x: &Array2<f64>) -> f64 {
        let p = x.ncols() as f64;
        match self {
            Gamma::Value(g) => g,
            Gamma::Auto => 1.0 / p,
            Gamma::Scale => {
                let var = x.var(0.0);
                if var > 0.0 {
                    1.0 / (p * var)
                } else {
                    1.0
                }
            }
        }
    }
}

impl Kernel {
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Kernel, ModelError> {
        let coef0 = || spec.f64("coef0", "must be a number", |_| true);
        Ok(
            match spec
                .choice("kernel", &["linear", "poly", "rbf", "sigmoid"])?
                .as_str()
            {
                "linear" => Kernel::Linear,
                "poly" => {
                    let coef0 = coef0()?;
                    if coef0 < 0.0 {
                        return Err(ModelError::InvalidParam {
                            model: spec.name.clone(),
                            key: "coef0".into(),
                            value: coef0.to_string(),
                            reason: "must be ≥ 0 for the polynomial kernel (linfa-svm raises \
                                     a possibly negative base to a real power)"
                                .into(),
                        });
                    }
                    Kernel::Poly {
                        degree: spec.usize("degree", 1)? as f64,
                        gamma: Gamma::from_spec(spec)?,
                        coef0,
                    }
                }
                "sigmoid" => Kernel::Sigmoid {
                    gamma: Gamma::from_spec(spec)?,
                    coef0: coef0()?,
                },
                _ => Kernel::Rbf {
                    gamma: Gamma::from_spec(spec)?,
                },
            },
        )
    }
}

/// linfa parameters for a kernel linfa has, and the factor rows are scaled by first.
fn params(kernel: Kernel, c: f64, x: &Array2<f64>) -> (linfa_svm::SvmParams<f64, Pr>, f64) {
    let base = Svm::<f64, Pr>::params().pos_neg_weights(c, c);
    match kernel {
        Kernel::Linear => (base.linear_kernel(), 1.0),
        // (γ⟨x, y⟩ + c)^d = (⟨√γ·x, √γ·y⟩ + c)^d.
        Kernel::Poly {
            degree,
            gamma,
            coef0,
        } => (
            base.polynomial_kernel(coef0, degree),
            gamma.resolve(x).sqrt(),
        ),
        // linfa's Gaussian kernel is exp(−‖x − y‖² / eps): eps = 1/γ.
        Kernel::Rbf { gamma } => (base.gaussian_kernel(1.0 / gamma.resolve(x)), 1.0),
        Kernel::Sigmoid { .. } => unreachable!("sigmoid machines are solved in this module"),
    }
}

/// One binary machine: linfa's, or this module's sigmoid-kernel machine.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Machine {
    Linfa(Svm<f64, Pr>),
    Sigmoid(SigmoidMachine),
}

impl Machine {
    fn decision(&self, row: ArrayView1<f64>) -> f64 {
        match self {
            Machine::Linfa(m) => m.weighted_sum(&row) - m.rho,
            Machine::Sigmoid(m) => m.decision(row),
        }
    }
    fn proba(&self, x: &Array2<f64>) -> Vec<f64> {
        match self {
            Machine::Linfa(m) => {
                let p: Array1<Pr> = m.predict(x);
                p.iter().map(|q| f64::from(**q)).collect()
            }
            Machine::Sigmoid(m) => x
                .rows()
                .into_iter()
                .map(|r| platt_probability(m.decision(r), m.platt))
                .collect(),
        }
    }
}

/// Fit one binary machine per class (one for two classes).
pub(crate) fn fit(
    name: &str,
    x: Array2<f64>,
    classes: &ClassTarget,
    kernel: Kernel,
    c: f64,
) -> Result<Box<dyn Fitted>, ModelError> {
    let n_classes = classes.classes.len();
    let present: std::collections::BTreeSet<usize> = classes.codes.iter().copied().collect();
    if present.len() < 2 {
        return Err(ModelError::Data {
            model: name.into(),
            message: "needs at least two classes in the training rows".into(),
        });
    }
    let (linfa_params, row_scale) = match kernel {
        Kernel::Sigmoid { .. } => (None, 1.0),
        _ => {
            let (p, s) = params(kernel, c, &x);
            (Some(p), s)
        }
    };
    let x = if row_scale == 1.0 { x } else { x * row_scale };
    let sigmoid_gram = match kernel {
        Kernel::Sigmoid { gamma, coef0 } => {
            let g = gamma.resolve(&x);
            Some((g, coef0, x.dot(&x.t()).mapv(|v| (g * v + coef0).tanh())))
        }
        _ => None,
    };
    let fit_one = |positive: usize| -> Result<Machine, ModelError> {
        let y: Array1<bool> = classes.codes.mapv(|k| k == positive);
        match (&linfa_params, &sigmoid_gram) {
            (Some(p), _) => p
                .fit(&Dataset::new(x.clone(), y))
                .map(Machine::Linfa)
                .map_err(|e| ModelError::Fit {
                    model: name.into(),
                    message: e.to_string(),
                }),
            (None, Some((g, coef0, gram))) => Ok(Machine::Sigmoid(SigmoidMachine::fit(
                &x, gram, &y, c, *g, *coef0,
            ))),
            (None, None) => unreachable!("one of the two is set"),
        }
    };
    let machines: Vec<(usize, Machine)> = if present.len() == 2 {
        let positive = *present.iter().next_back().expect("two classes");
        vec![(positive, fit_one(positive)?)]
    } else {
        present
            .iter()
            .map(|&k| fit_one(k).map(|m| (k, m)))
            .collect::<Result<_, _>>()?
    };
    let negative = *present.iter().next().expect("two classes");
    Ok(Box::new(SvmModel {
        name: name.into(),
        machines,
        negative,
        n_classes,
        n_features: x.ncols(),
        row_scale,
    }))
}

fn one() -> f64 {
    1.0
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SvmModel {
    name: String,
    /// (class code, machine for that class vs the rest); one machine when binary.
    machines: Vec<(usize, Machine)>,
    /// The class a binary machine's "false" side stands for.
    negative: usize,
    n_classes: usize,
    n_features: usize,
    /// Rows are multiplied by this before the kernel (√γ for the polynomial kernel).
    #[serde(default = "one")]
    row_scale: f64,
}

impl SvmModel {
    fn rows(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        Ok(if self.row_scale == 1.0 {
            x.as_standard_layout().to_owned()
        } else {
            &x * self.row_scale
        })
    }
}

impl Fitted for SvmModel {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Svm(self.clone()))
    }

    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        let x = self.rows(x)?;
        if let [(positive, m)] = self.machines.as_slice() {
            return Ok(x
                .rows()
                .into_iter()
                .map(|r| {
                    (if m.decision(r) >= 0.0 {
                        *positive
                    } else {
                        self.negative
                    }) as f64
                })
                .collect());
        }
        // One-vs-rest: the class whose machine gives the largest decision value.
        let mut scores = Array2::from_elem((x.nrows(), self.n_classes), f64::NEG_INFINITY);
        for (k, m) in &self.machines {
            for (i, r) in x.rows().into_iter().enumerate() {
                scores[[i, *k]] = m.decision(r);
            }
        }
        Ok(argmax_rows(&scores))
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        let x = self.rows(x)?;
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for (k, m) in &self.machines {
            for (i, q) in m.proba(&x).into_iter().enumerate() {
                out[[i, *k]] = q;
            }
        }
        if let [(positive, _)] = self.machines.as_slice() {
            for i in 0..out.nrows() {
                out[[i, self.negative]] = 1.0 - out[[i, *positive]];
            }
        } else {
            for mut row in out.rows_mut() {
                let total = row.sum();
                if total > 0.0 {
                    row /= total;
                }
            }
        }
        Ok(Some(out))
    }
}

/// A binary sigmoid-kernel machine: `f(x) = Σ coef_i·tanh(γ⟨s_i, x⟩ + coef0) − rho`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct SigmoidMachine {
    support: Array2<f64>,
    coef: Vec<f64>,
    rho: f64,
    gamma: f64,
    coef0: f64,
    /// Platt's (A, B): P(positive | f) = 1 / (1 + exp(A·f + B)).
    platt: (f64, f64),
}

impl SigmoidMachine {
    fn decision(&self, row: ArrayView1<f64>) -> f64 {
        self.support
            .rows()
            .into_iter()
            .zip(&self.coef)
            .map(|(s, c)| c * (self.gamma * s.dot(&row) + self.coef0).tanh())
            .sum::<f64>()
            - self.rho
    }

    /// Solve the C-SVC dual on the precomputed kernel matrix `k` (libsvm's algorithm).
    fn fit(
        x: &Array2<f64>,
        k: &Array2<f64>,
        y: &Array1<bool>,
        c: f64,
        gamma: f64,
        coef0: f64,
    ) -> SigmoidMachine {
        let (alpha, rho) = smo(k, y, c);
        let sv: Vec<usize> = (0..alpha.len()).filter(|&i| alpha[i] > 0.0).collect();
        let sign = |i: usize| if y[i] { 1.0 } else { -1.0 };
        let mut m = SigmoidMachine {
            support: x.select(ndarray::Axis(0), &sv),
            coef: sv.iter().map(|&i| alpha[i] * sign(i)).collect(),
            rho,
            gamma,
            coef0,
            platt: (0.0, 0.0),
        };
        // Training decision values straight from the kernel matrix.
        let decisions: Vec<f64> = (0..alpha.len())
            .map(|t| {
                sv.iter()
                    .map(|&i| alpha[i] * sign(i) * k[[i, t]])
                    .sum::<f64>()
                    - rho
            })
            .collect();
        m.platt = platt(&decisions, y);
        m
    }
}

const TAU: f64 = 1e-12;

/// libsvm's SMO for `min ½αᵀQα − eᵀα, 0 ≤ α ≤ C, yᵀα = 0` with `Q_ij = y_i y_j K_ij`:
/// second-order working-set selection, stopping at libsvm's default tolerance 1e-3.
fn smo(k: &Array2<f64>, y: &Array1<bool>, c: f64) -> (Vec<f64>, f64) {
    let n = y.len();
    let yv: Vec<f64> = y.iter().map(|&b| if b { 1.0 } else { -1.0 }).collect();
    let mut alpha = vec![0.0; n];
    let mut grad = vec![-1.0; n];
    let upper = |a: f64| a >= c;
    let lower = |a: f64| a <= 0.0;
    let max_iter = (100 * n).max(10_000_000);
    for _ in 0..max_iter {
        // i: the maximal violator in I_up.
        let mut gmax = f64::NEG_INFINITY;
        let mut i = usize::MAX;
        for t in 0..n {
            let in_up = if yv[t] > 0.0 {
                !upper(alpha[t])
            } else {
                !lower(alpha[t])
            };
            if in_up && -yv[t] * grad[t] >= gmax {
                gmax = -yv[t] * grad[t];
                i = t;
            }
        }
        if i == usize::MAX {
            break;
        }
        // j: the largest second-order decrease of the objective in I_low.
        let mut gmax2 = f64::NEG_INFINITY;
        let mut j = usize::MAX;
        let mut best = f64::INFINITY;
        for t in 0..n {
            let in_low = if yv[t] > 0.0 {
                !lower(alpha[t])
            } else {
                !upper(alpha[t])
            };
            if !in_low {
                continue;
            }
            let v = yv[t] * grad[t];
            gmax2 = gmax2.max(v);
            let diff = gmax + v;
            if diff > 0.0 {
                let quad = k[[i, i]] + k[[t, t]] - 2.0 * k[[i, t]];
                let obj = -(diff * diff) / if quad > 0.0 { quad } else { TAU };
                if obj <= best {
                    best = obj;
                    j = t;
                }
            }
        }
        if gmax + gmax2 < 1e-3 || j == usize::MAX {
            break;
        }
        let q = |a: usize, b: usize| yv[a] * yv[b] * k[[a, b]];
        let (old_i, old_j) = (alpha[i], alpha[j]);
        if yv[i] != yv[j] {
            let quad = (k[[i, i]] + k[[j, j]] + 2.0 * q(i, j)).max(TAU);
            let delta = (-grad[i] - grad[j]) / quad;
            let diff = alpha[i] - alpha[j];
            alpha[i] += delta;
            alpha[j] += delta;
            if diff > 0.0 {
                if alpha[j] < 0.0 {
                    alpha[j] = 0.0;
                    alpha[i] = diff;
                }
            } else if alpha[i] < 0.0 {
                alpha[i] = 0.0;
                alpha[j] = -diff;
            }
            if diff > 0.0 {
                if alpha[i] > c {
                    alpha[i] = c;
                    alpha[j] = c - diff;
                }
            } else if alpha[j] > c {
                alpha[j] = c;
                alpha[i] = c + diff;
            }
        } else {
            let quad = (k[[i, i]] + k[[j, j]] - 2.0 * q(i, j)).max(TAU);
            let delta = (grad[i] - grad[j]) / quad;
            let sum = alpha[i] + alpha[j];
            alpha[i] -= delta;
            alpha[j] += delta;
            if sum > c {
                if alpha[i] > c {
                    alpha[i] = c;
                    alpha[j] = sum - c;
                }
            } else if alpha[j] < 0.0 {
                alpha[j] = 0.0;
                alpha[i] = sum;
            }
            if sum > c {
                if alpha[j] > c {
                    alpha[j] = c;
                    alpha[i] = sum - c;
                }
            } else if alpha[i] < 0.0 {
                alpha[i] = 0.0;
                alpha[j] = sum;
            }
        }
        let (di, dj) = (alpha[i] - old_i, alpha[j] - old_j);
        for (t, g) in grad.iter_mut().enumerate() {
            *g += q(t, i) * di + q(t, j) * dj;
        }
    }
    // rho: mean of y·G over free vectors, else the middle of the feasible interval.
    let (mut ub, mut lb, mut sum, mut free) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize);
    for t in 0..n {
        let yg = yv[t] * grad[t];
        if upper(alpha[t]) {
            if yv[t] < 0.0 {
                ub = ub.min(yg)
            } else {
                lb = lb.max(yg)
            }
        } else if lower(alpha[t]) {
            if yv[t] > 0.0 {
                ub = ub.min(yg)
            } else {
                lb = lb.max(yg)
            }
        } else {
            free += 1;
            sum += yg;
        }
    }
    let rho = if free > 0 {
        sum / free as f64
    } else {
        (ub + lb) / 2.0
    };
    (alpha, rho)
}

/// P(positive | f) under Platt's sigmoid, evaluated stably.
fn platt_probability(f: f64, (a, b): (f64, f64)) -> f64 {
    let z = a * f + b;
    if z >= 0.0 {
        (-z).exp() / (1.0 + (-z).exp())
    } else {
        1.0 / (1.0 + z.exp())
    }
}

/// Platt's (A, B) by Lin, Lin & Weng's Newton method with backtracking (as linfa and libsvm).
fn platt(decisions: &[f64], y: &Array1<bool>) -> (f64, f64) {
    let n_pos = y.iter().filter(|&&b| b).count() as f64;
    let n_neg = y.len() as f64 - n_pos;
    let (hi, lo) = ((n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0));
    let t: Vec<f64> = y.iter().map(|&b| if b { hi } else { lo }).collect();
    let objective = |a: f64, b: f64| -> f64 {
        decisions
            .iter()
            .zip(&t)
            .map(|(f, t)| {
                let z = f * a + b;
                if z >= 0.0 {
                    t * z + (1.0 + (-z).exp()).ln()
                } else {
                    (t - 1.0) * z + (1.0 + z.exp()).ln()
                }
            })
            .sum()
    };
    let (mut a, mut b) = (0.0, ((n_neg + 1.0) / (n_pos + 1.0)).ln());
    let mut fval = objective(a, b);
    for _ in 0..100 {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for (f, t) in decisions.iter().zip(&t) {
            let p = platt_probability(*f, (a, b));
            let d2 = p * (1.0 - p);
            h11 += f * f * d2;
            h22 += d2;
            h21 += f * d2;
            let d1 = t - p;
            g1 += f * d1;
            g2 += d1;
        }
        if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(-h21 * g1 + h11 * g2) / det;
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = objective(na, nb);
            if nf < fval + 1e-4 * step * gd {
                (a, b, fval) = (na, nb, nf);
                break;
            }
            step /= 2.0;
        }
        if step < 1e-10 {
            break;
        }
    }
    (a, b)
}
