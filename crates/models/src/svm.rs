//! Support vector classification on linfa-svm.
//!
//! linfa-svm is binary; more classes are handled one-vs-rest (scikit-learn's SVC uses
//! one-vs-one, so multi-class results can differ). Probabilities are linfa's Platt scaling,
//! fitted on the training decision values (scikit-learn fits Platt scaling by internal
//! cross-validation). Kernels: linear, polynomial `(⟨x, y⟩ + coef0)^degree` (scikit-learn's
//! with gamma = 1) and RBF `exp(−γ‖x − y‖²)` with γ as scikit-learn (`scale` = 1 / (p·Var X),
//! `auto` = 1 / p). linfa-svm 0.8.1 has no sigmoid kernel.

use linfa::dataset::Pr;
use linfa::prelude::*;
use linfa_svm::Svm;
use ml4ns_data_io::ClassTarget;
use ndarray::{Array1, Array2, ArrayView2};

use crate::error::ModelError;
use crate::model::{argmax_rows, check_width, Fitted};
use crate::spec::ModelSpec;

/// A kernel with scikit-learn's parameters resolved at fit time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kernel {
    Linear,
    Poly {
        degree: f64,
        coef0: f64,
    },
    /// `gamma: None` is scikit-learn's `scale`; `Some(g)` a value (or `auto`, resolved at fit).
    Rbf {
        gamma: Gamma,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Gamma {
    Scale,
    Auto,
    Value(f64),
}

impl Kernel {
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Kernel, ModelError> {
        let kernel = spec
            .params
            .get("kernel")
            .map(String::as_str)
            .unwrap_or("rbf");
        match kernel {
            "sigmoid" => Err(ModelError::InvalidParam {
                model: spec.name.clone(),
                key: "kernel".into(),
                value: kernel.into(),
                reason: "linfa-svm 0.8.1 has no sigmoid kernel; use linear, poly or rbf".into(),
            }),
            _ => match spec.choice("kernel", &["linear", "poly", "rbf"])?.as_str() {
                "linear" => Ok(Kernel::Linear),
                "poly" => Ok(Kernel::Poly {
                    degree: spec.usize("degree", 1)? as f64,
                    coef0: spec.f64("coef0", "must be ≥ 0", |v| v >= 0.0)?,
                }),
                _ => Ok(Kernel::Rbf {
                    gamma: match spec.params.get("gamma").map(String::as_str) {
                        Some("scale") | None => Gamma::Scale,
                        Some("auto") => Gamma::Auto,
                        Some(_) => Gamma::Value(spec.f64(
                            "gamma",
                            "must be scale, auto or a number > 0",
                            |v| v > 0.0,
                        )?),
                    },
                }),
            },
        }
    }
}

fn params(kernel: Kernel, c: f64, x: &Array2<f64>) -> linfa_svm::SvmParams<f64, Pr> {
    let base = Svm::<f64, Pr>::params().pos_neg_weights(c, c);
    match kernel {
        Kernel::Linear => base.linear_kernel(),
        Kernel::Poly { degree, coef0 } => base.polynomial_kernel(coef0, degree),
        Kernel::Rbf { gamma } => {
            let p = x.ncols() as f64;
            let g = match gamma {
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
            };
            // linfa's Gaussian kernel is exp(−‖x − y‖² / eps): eps = 1/γ.
            base.gaussian_kernel(1.0 / g)
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
    let p = params(kernel, c, &x);
    let fit_one = |positive: usize| -> Result<Svm<f64, Pr>, ModelError> {
        let y: Array1<bool> = classes.codes.mapv(|k| k == positive);
        p.fit(&Dataset::new(x.clone(), y))
            .map_err(|e| ModelError::Fit {
                model: name.into(),
                message: e.to_string(),
            })
    };
    let machines: Vec<(usize, Svm<f64, Pr>)> = if present.len() == 2 {
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
    }))
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SvmModel {
    name: String,
    /// (class code, machine for that class vs the rest); one machine when binary.
    machines: Vec<(usize, Svm<f64, Pr>)>,
    /// The class a binary machine's "false" side stands for.
    negative: usize,
    n_classes: usize,
    n_features: usize,
}

impl Fitted for SvmModel {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Svm(self.clone()))
    }

    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        let x = x.as_standard_layout();
        if let [(positive, m)] = self.machines.as_slice() {
            return Ok(x
                .rows()
                .into_iter()
                .map(|r| {
                    let decision = m.weighted_sum(&r) - m.rho;
                    (if decision >= 0.0 {
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
                scores[[i, *k]] = m.weighted_sum(&r) - m.rho;
            }
        }
        Ok(argmax_rows(&scores))
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        let x = x.as_standard_layout().to_owned();
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for (k, m) in &self.machines {
            let p: Array1<Pr> = m.predict(&x);
            for (i, q) in p.iter().enumerate() {
                out[[i, *k]] = f64::from(**q);
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
