//! The multi-layer perceptron.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};
use ndarray::{Array1, Array2, Ix1, Ix2};

use crate::activation::Activation;
use crate::data::{tensor_values, Dataset};
use crate::error::{config_err, Result};
use crate::layers::{linear, linear_from};
use crate::network::Network;
use crate::rng::{Purpose, SeedStream};

/// A fully connected network: dense layers with one activation between them and a linear
/// output layer (logits for classification, values for regression).
///
/// `sizes = [2, 16, 16, 2]` is two inputs, two hidden layers of 16 units and two outputs.
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    #[module(skip)]
    activation: Activation,
}

/// The weights of one dense layer, `y = x · weight + bias`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerWeights {
    /// `[d_in, d_out]`.
    pub weight: Array2<f64>,
    /// `[d_out]`.
    pub bias: Array1<f64>,
}

/// The mean loss of an [`Mlp`] on a batch and its gradient for every layer.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpGradients {
    /// Mean loss over the batch (cross-entropy or mean squared error, see [`Dataset`]).
    pub loss: f64,
    /// ∂loss/∂weight and ∂loss/∂bias of every layer, shaped as [`Mlp::weights`].
    pub layers: Vec<LayerWeights>,
}

impl Mlp {
    /// An MLP with layer widths `sizes` (inputs first, outputs last, at least two entries),
    /// `activation` after every hidden layer, weights drawn from `seed` (PyTorch's default
    /// initialisation, see the crate docs), on `device`.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when `sizes` has fewer than two entries or a zero
    /// width, or `activation` is a leaky ReLU with a non-finite slope.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn new(sizes: &[usize], activation: Activation, seed: u64, device: &Device) -> Result<Mlp> {
        check_sizes(sizes, "MLP")?;
        activation.check()?;
        let mut rng = SeedStream::new(seed, Purpose::Init);
        let layers = sizes
            .windows(2)
            .map(|w| linear(w[0], w[1], &mut rng, device))
            .collect();
        Ok(Mlp { layers, activation })
    }

    /// An MLP with the given weights, layer by layer (e.g. to compare burn's gradients with a
    /// hand-written backpropagation started from the same point).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when `activation` is a leaky ReLU with a non-finite
    /// slope, `layers` is empty, a weight matrix has no row or no column, a bias length differs
    /// from its weight's columns, a layer's inputs differ from the previous layer's outputs, or a
    /// weight or bias is not finite.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn from_weights(
        layers: &[LayerWeights],
        activation: Activation,
        device: &Device,
    ) -> Result<Mlp> {
        activation.check()?;
        if layers.is_empty() {
            return Err(config_err("an MLP needs at least one layer"));
        }
        let mut built = Vec::with_capacity(layers.len());
        for (i, l) in layers.iter().enumerate() {
            let (d_in, d_out) = l.weight.dim();
            if d_in == 0 || d_out == 0 {
                return Err(config_err(format!("layer {i} has an empty weight matrix")));
            }
            if l.bias.len() != d_out {
                return Err(config_err(format!(
                    "layer {i}: the weight is {d_in}×{d_out} but the bias has {} entries",
                    l.bias.len()
                )));
            }
            if i > 0 && layers[i - 1].weight.ncols() != d_in {
                return Err(config_err(format!(
                    "layer {i} takes {d_in} inputs but layer {} gives {} outputs",
                    i - 1,
                    layers[i - 1].weight.ncols()
                )));
            }
            if l.weight.iter().chain(l.bias.iter()).any(|v| !v.is_finite()) {
                return Err(config_err(format!("layer {i} has a non-finite weight")));
            }
            let w = l.weight.iter().map(|&v| v as f32).collect();
            let b = l.bias.iter().map(|&v| v as f32).collect();
            built.push(linear_from(w, b, d_in, d_out, device));
        }
        Ok(Mlp {
            layers: built,
            activation,
        })
    }

    /// Layer widths, inputs first.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.layers[0].weight.dims()[0]];
        sizes.extend(self.layers.iter().map(|l| l.weight.dims()[1]));
        sizes
    }

    /// The hidden-layer activation.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// The weights of every layer as ndarray (f32 values widened to f64).
    pub fn weights(&self) -> Vec<LayerWeights> {
        self.layers
            .iter()
            .map(|l| {
                let [d_in, d_out] = l.weight.dims();
                LayerWeights {
                    weight: Array2::from_shape_vec((d_in, d_out), tensor_values(l.weight.val()))
                        .expect("shape"),
                    bias: Array1::from(tensor_values(
                        l.bias.as_ref().expect("layers have a bias").val(),
                    )),
                }
            })
            .collect()
    }

    /// The mean loss on `data` and its gradient for every layer, by burn's autodiff.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `data` does not fit the network, as for
    /// [`Network::loss_gradients`].
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    pub fn gradients(&self, data: &Dataset<'_>) -> Result<MlpGradients> {
        let lg = self.loss_gradients(data)?;
        let mut arrays = lg.gradients.into_iter();
        let mut layers = Vec::with_capacity(self.layers.len());
        while let (Some(w), Some(b)) = (arrays.next(), arrays.next()) {
            layers.push(LayerWeights {
                weight: w.values.into_dimensionality::<Ix2>().expect("2-D weight"),
                bias: b.values.into_dimensionality::<Ix1>().expect("1-D bias"),
            });
        }
        Ok(MlpGradients {
            loss: lg.loss,
            layers,
        })
    }
}

impl Network for Mlp {
    fn n_inputs(&self) -> usize {
        self.layers[0].weight.dims()[0]
    }

    fn n_outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].weight.dims()[1]
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |h, (i, layer)| {
            let z = layer.forward(h);
            if i < last {
                self.activation.apply(z)
            } else {
                z
            }
        })
    }
}

/// Checks dense layer widths: at least two, none zero.
pub(crate) fn check_sizes(sizes: &[usize], what: &str) -> Result<()> {
    if sizes.len() < 2 {
        return Err(config_err(format!(
            "a {what} needs at least two layer sizes (inputs and outputs), got {sizes:?}"
        )));
    }
    if sizes.contains(&0) {
        return Err(config_err(format!(
            "{what} layer sizes must be positive, got {sizes:?}"
        )));
    }
    Ok(())
}
