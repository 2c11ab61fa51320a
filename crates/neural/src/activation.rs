//! Activation functions.

use std::fmt;

use burn::tensor::activation::{leaky_relu, relu, sigmoid, tanh};
use burn::tensor::Tensor;

use crate::error::{config_err, Result};

/// An element-wise activation function.
///
/// The same function is available on burn tensors ([`Activation::apply`]) and on plain numbers
/// ([`Activation::apply_scalar`], [`Activation::derivative_scalar`]), so a hand-written
/// backpropagation can use exactly what the burn network uses.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Activation {
    /// The logistic function `1 / (1 + e^-x)`.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// `max(0, x)`.
    #[default]
    Relu,
    /// `x` for `x > 0`, else `slope · x` (PyTorch's default slope is 0.01).
    LeakyRelu(f64),
    /// `x`: no non-linearity (a stack of linear layers stays linear).
    Identity,
}

impl Activation {
    /// Applies the function to every element of a tensor.
    pub fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        match *self {
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => tanh(x),
            Activation::Relu => relu(x),
            Activation::LeakyRelu(slope) => leaky_relu(x, slope),
            Activation::Identity => x,
        }
    }

    /// Applies the function to one number.
    pub fn apply_scalar(&self, x: f64) -> f64 {
        match *self {
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Tanh => x.tanh(),
            Activation::Relu => x.max(0.0),
            Activation::LeakyRelu(slope) => {
                if x > 0.0 {
                    x
                } else {
                    slope * x
                }
            }
            Activation::Identity => x,
        }
    }

    /// The derivative with respect to the input at `x` (at the kink of ReLU and leaky ReLU,
    /// `x = 0`, the left derivative, as PyTorch and burn use: 0 for ReLU, `slope` for leaky
    /// ReLU).
    pub fn derivative_scalar(&self, x: f64) -> f64 {
        match *self {
            Activation::Sigmoid => {
                let s = self.apply_scalar(x);
                s * (1.0 - s)
            }
            Activation::Tanh => 1.0 - x.tanh().powi(2),
            Activation::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu(slope) => {
                if x > 0.0 {
                    1.0
                } else {
                    slope
                }
            }
            Activation::Identity => 1.0,
        }
    }

    /// Short lowercase name: `sigmoid`, `tanh`, `relu`, `leaky_relu(0.01)`, `identity`.
    pub fn name(&self) -> String {
        self.to_string()
    }

    pub(crate) fn check(&self) -> Result<()> {
        match *self {
            Activation::LeakyRelu(slope) if !slope.is_finite() => Err(config_err(format!(
                "the leaky ReLU slope must be finite, got {slope}"
            ))),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::Sigmoid => f.write_str("sigmoid"),
            Activation::Tanh => f.write_str("tanh"),
            Activation::Relu => f.write_str("relu"),
            Activation::LeakyRelu(slope) => write!(f, "leaky_relu({slope})"),
            Activation::Identity => f.write_str("identity"),
        }
    }
}
