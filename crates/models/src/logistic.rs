//! Class-weighted logistic regression by Newton's method.
//!
//! linfa-logistic has no sample weights, so `class_weight=balanced` is fitted here: the same
//! objective as scikit-learn's `LogisticRegression(class_weight="balanced")`,
//! `Σ sᵢ·lossᵢ + ½·(1/C)·‖W‖²` with `sᵢ = n / (K·n_class(i))` and the intercept unpenalised, binary
//! (one coefficient vector) or multinomial (one per class), minimised by Newton steps with
//! backtracking on the exact Hessian. The Hessian has (K·(p + 1))² entries, so this is meant
//! for the tens of features of tabular data, not thousands.

use ml4ns_data_io::ClassTarget;
use ndarray::{Array1, Array2, ArrayView2};

use crate::error::ModelError;
use crate::model::{softmax, BinaryLogistic, Fitted, MultiLogistic};

/// Fit with per-class weights; `alpha` = 1/C (0 without penalty).
pub(crate) fn fit_weighted(
    name: &str,
    x: ArrayView2<f64>,
    target: &ClassTarget,
    present: &[usize],
    alpha: f64,
    max_iter: usize,
) -> Result<Box<dyn Fitted>, ModelError> {
    let (n, p) = x.dim();
    let counts: Vec<usize> = present
        .iter()
        .map(|&c| target.codes.iter().filter(|&&v| v == c).count())
        .collect();
    let k_present = present.len();
    let class_index = |code: usize| present.binary_search(&code).expect("present class");
    let s: Vec<f64> = target
        .codes
        .iter()
        .map(|&c| n as f64 / (k_present as f64 * counts[class_index(c)] as f64))
        .collect();
    let y: Vec<usize> = target.codes.iter().map(|&c| class_index(c)).collect();
    // Binary: one score column against class 0 (scikit-learn's parametrisation); more classes:
    // one column per class (symmetric multinomial).
    let m = if k_present == 2 { 1 } else { k_present };
    let width = p + 1;
    let dim = m * width;
    let mut theta = vec![0.0; dim];
    // Class probabilities of row i (length k_present) under theta.
    let probs = |theta: &[f64], i: usize| -> Vec<f64> {
        let row = x.row(i);
        let z: Vec<f64> = (0..m)
            .map(|c| {
                let w = &theta[c * width..(c + 1) * width];
                w[..p].iter().zip(row).map(|(a, b)| a * b).sum::<f64>() + w[p]
            })
            .collect();
        softmax(&if m == 1 { vec![0.0, z[0]] } else { z })
    };
    let penalty = |theta: &[f64]| -> f64 {
        (0..m)
            .map(|c| {
                theta[c * width..c * width + p]
                    .iter()
                    .map(|v| v * v)
                    .sum::<f64>()
            })
            .sum::<f64>()
            * alpha
            / 2.0
    };
    let objective = |theta: &[f64]| -> f64 {
        (0..n)
            .map(|i| -s[i] * probs(theta, i)[y[i]].max(1e-300).ln())
            .sum::<f64>()
            + penalty(theta)
    };
    let total_weight: f64 = s.iter().sum();
    let mut fval = objective(&theta);
    for _ in 0..max_iter {
        let mut grad = vec![0.0; dim];
        let mut hess = vec![0.0; dim * dim];
        for i in 0..n {
            let pr = probs(&theta, i);
            let row = x.row(i);
            let feat = |j: usize| if j < p { row[j] } else { 1.0 };
            // Score column c stands for class c (multinomial) or class 1 (binary).
            let class_of = |c: usize| if m == 1 { 1 } else { c };
            for c in 0..m {
                let pc = pr[class_of(c)];
                let r = pc - f64::from(u8::from(y[i] == class_of(c)));
                for a in 0..width {
                    grad[c * width + a] += s[i] * r * feat(a);
                }
                for d in 0..m {
                    let pd = pr[class_of(d)];
                    let h = s[i] * (if c == d { pc * (1.0 - pc) } else { -pc * pd });
                    if h == 0.0 {
                        continue;
                    }
                    for a in 0..width {
                        let fa = feat(a) * h;
                        let base = (c * width + a) * dim + d * width;
                        for b in 0..width {
                            hess[base + b] += fa * feat(b);
                        }
                    }
                }
            }
        }
        for c in 0..m {
            for a in 0..p {
                let j = c * width + a;
                grad[j] += alpha * theta[j];
                hess[j * dim + j] += alpha;
            }
        }
        let gmax = grad.iter().fold(0.0f64, |a, g| a.max(g.abs()));
        if gmax / total_weight < 1e-10 {
            break;
        }
        // A whisker of ridge keeps the unpenalised (or multinomial) Hessian invertible.
        for j in 0..dim {
            hess[j * dim + j] += 1e-10 * total_weight;
        }
        let step = solve_spd(&mut hess, &grad, dim).ok_or_else(|| ModelError::Fit {
            model: name.into(),
            message: "the Hessian is singular; scale the features or add a penalty".into(),
        })?;
        let mut t = 1.0;
        let slope: f64 = -grad.iter().zip(&step).map(|(g, d)| g * d).sum::<f64>();
        let mut moved = false;
        while t > 1e-12 {
            let cand: Vec<f64> = theta.iter().zip(&step).map(|(a, d)| a - t * d).collect();
            let f = objective(&cand);
            if f <= fval + 1e-4 * t * slope {
                theta = cand;
                fval = f;
                moved = true;
                break;
            }
            t /= 2.0;
        }
        if !moved {
            break;
        }
    }
    if m == 1 {
        Ok(Box::new(BinaryLogistic {
            name: name.into(),
            pos: present[1],
            neg: present[0],
            coef: Array1::from(theta[..p].to_vec()),
            intercept: theta[p],
            n_classes: target.classes.len(),
        }))
    } else {
        let mut coef = Array2::zeros((p, m));
        let mut intercept = Array1::zeros(m);
        for c in 0..m {
            for a in 0..p {
                coef[[a, c]] = theta[c * width + a];
            }
            intercept[c] = theta[c * width + p];
        }
        Ok(Box::new(MultiLogistic {
            name: name.into(),
            classes: present.to_vec(),
            coef,
            intercept,
            n_classes: target.classes.len(),
        }))
    }
}

/// Solve `A x = b` for symmetric positive definite `A` (row-major, overwritten by its Cholesky
/// factor); `None` if `A` is not positive definite.
pub(crate) fn solve_spd(a: &mut [f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut v = a[i * n + j];
            for k in 0..j {
                v -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = v / d;
        }
    }
    let mut z = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            z[i] -= a[i * n + k] * z[k];
        }
        z[i] /= a[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            z[i] -= a[k * n + i] * z[k];
        }
        z[i] /= a[i * n + i];
    }
    Some(z)
}

#[cfg(test)]
mod tests {
    #[test]
    fn solves_a_small_spd_system() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let x = super::solve_spd(&mut a, &[2.0, 1.0], 2).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12, "{x:?}");
        let mut singular = vec![1.0, 1.0, 1.0, 1.0];
        assert!(super::solve_spd(&mut singular, &[1.0, 1.0], 2).is_none());
    }
}
