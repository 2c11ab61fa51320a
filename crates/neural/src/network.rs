//! The [`Network`] trait every model implements: shape, forward pass, inference helpers, and
//! parameters and gradients as ndarray.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Tensor};
use ndarray::{Array1, Array2, ArrayD, ArrayView2, IxDyn};

use crate::data::{
    check_inputs, one_hot_tensor, rows_tensor, tensor_to_array2, tensor_values, Dataset, Targets,
};
use crate::error::Result;

/// Rows per forward pass in inference (bounds memory for convolutional networks).
const INFERENCE_BATCH: usize = 256;

/// A feed-forward network mapping rows of `n_inputs` values to rows of `n_outputs` values.
///
/// Images are flattened rows too (see [`ImageShape`](crate::ImageShape)); convolutional
/// networks reshape them internally. The network lives on the burn [`Device`] it was built on;
/// training moves it to that device's autodiff twin and back (see [`fit`](crate::fit)).
pub trait Network: Module + Sized {
    /// Values per input row.
    fn n_inputs(&self) -> usize;

    /// Values per output row (logits for classification).
    fn n_outputs(&self) -> usize;

    /// The forward pass: `[n, n_inputs]` → `[n, n_outputs]`, on the network's device.
    fn forward(&self, x: Tensor<2>) -> Tensor<2>;

    /// The device the network's parameters live on.
    fn device(&self) -> Device {
        self.devices()
            .into_iter()
            .next()
            .expect("a network has parameters")
    }

    /// Raw outputs for the rows of `x` (logits for a classifier, predictions for a regressor,
    /// reconstructions for an autoencoder), computed without autodiff.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `x` has no rows, its number of columns is not
    /// `n_inputs()`, or a value is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    fn outputs(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_inputs(x, self.n_inputs(), "prediction")?;
        let model = self.valid();
        let device = model.device();
        let mut out = Array2::zeros((x.nrows(), self.n_outputs()));
        let rows: Vec<usize> = (0..x.nrows()).collect();
        for (i, chunk) in rows.chunks(INFERENCE_BATCH).enumerate() {
            let y = tensor_to_array2(model.forward(rows_tensor(x, chunk, &device)));
            let start = i * INFERENCE_BATCH;
            out.slice_mut(ndarray::s![start..start + chunk.len(), ..])
                .assign(&y);
        }
        Ok(out)
    }

    /// Class probabilities: the softmax of the outputs, row by row (computed in f64).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `x` has no rows, its number of columns is not
    /// `n_inputs()`, or a value is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let mut p = self.outputs(x)?;
        for mut row in p.outer_iter_mut() {
            let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            row.mapv_inplace(|v| (v - max).exp());
            let sum = row.sum();
            row.mapv_inplace(|v| v / sum);
        }
        Ok(p)
    }

    /// Predicted class per row: the index of the largest output (the first on ties).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `x` has no rows, its number of columns is not
    /// `n_inputs()`, or a value is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<usize>> {
        Ok(argmax_rows(&self.outputs(x)?))
    }

    /// Every parameter, in the network's declaration order, with its path (such as
    /// `layers.0.weight`) and shape. Dense weights are `[d_in, d_out]` (`y = x W + b`),
    /// convolution kernels `[out_channels, in_channels, k, k]`, transposed-convolution kernels
    /// `[in_channels, out_channels, k, k]`.
    fn named_parameters(&self) -> Vec<NamedArray> {
        let mut visitor = Collect {
            path: Vec::new(),
            out: Vec::new(),
            grads: None,
        };
        self.visit(&mut visitor);
        visitor.out
    }

    /// The mean loss on `data` (cross-entropy for class targets, mean squared error for
    /// values; no weight decay) and its gradient with respect to every parameter, by burn's
    /// autodiff, in the order and shapes of [`Network::named_parameters`].
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `data.x` has no rows, does not have `n_inputs()`
    /// columns or holds a non-finite value; for class targets, when the number of labels differs
    /// from the number of rows, the network has fewer than 2 outputs or a label is `≥ n_outputs()`;
    /// for value targets, when their rows differ from the input rows, their columns from
    /// `n_outputs()`, or a target is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    fn loss_gradients(&self, data: &Dataset<'_>) -> Result<LossGradients> {
        data.check(self.n_inputs(), self.n_outputs(), "gradient")?;
        let model = self.clone().train();
        let device = model.device();
        let rows: Vec<usize> = (0..data.len()).collect();
        let (x, y) = batch_tensors(data, &rows, self.n_outputs(), &device);
        let loss = loss_tensor(model.forward(x), y, data.is_classification());
        let value = tensor_values(loss.clone())[0];
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        let mut visitor = Collect {
            path: Vec::new(),
            out: Vec::new(),
            grads: Some(&grads),
        };
        model.visit(&mut visitor);
        Ok(LossGradients {
            loss: value,
            gradients: visitor.out,
        })
    }
}

/// A named parameter (or gradient) array.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedArray {
    /// Path of the parameter in the network, e.g. `layers.0.weight`.
    pub name: String,
    /// Its values, in the parameter's shape.
    pub values: ArrayD<f64>,
}

/// The loss of a network on a batch and its gradients.
#[derive(Debug, Clone, PartialEq)]
pub struct LossGradients {
    /// Mean loss over the batch.
    pub loss: f64,
    /// ∂loss/∂parameter for every parameter, as [`Network::named_parameters`] lists them.
    pub gradients: Vec<NamedArray>,
}

/// Visits parameters, collecting either their values or their gradients.
struct Collect<'g> {
    path: Vec<String>,
    out: Vec<NamedArray>,
    grads: Option<&'g GradientsParams>,
}

impl ModuleVisitor for Collect<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = match self.grads {
            None => param.val(),
            Some(grads) => match grads.get::<D>(param.id) {
                Some(g) => g,
                None => param.val().zeros_like(),
            },
        };
        let shape: Vec<usize> = tensor.dims().to_vec();
        let values = ArrayD::from_shape_vec(IxDyn(&shape), tensor_values(tensor))
            .expect("tensor data matches its shape");
        self.out.push(NamedArray {
            name: self.path.join("."),
            values,
        });
    }
}

/// Index of the largest value of every row (the first on ties).
pub(crate) fn argmax_rows(a: &Array2<f64>) -> Array1<usize> {
    a.outer_iter()
        .map(|row| {
            let mut best = 0;
            for (j, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = j;
                }
            }
            best
        })
        .collect()
}

/// Inputs and targets of `rows` as tensors on `device` (class labels one-hot encoded).
pub(crate) fn batch_tensors(
    data: &Dataset<'_>,
    rows: &[usize],
    n_outputs: usize,
    device: &Device,
) -> (Tensor<2>, Tensor<2>) {
    let x = rows_tensor(data.x, rows, device);
    let y = match data.targets {
        Targets::Classes(labels) => one_hot_tensor(labels, rows, n_outputs, device),
        Targets::Values(values) => rows_tensor(values, rows, device),
    };
    (x, y)
}

/// Mean loss of a batch: softmax cross-entropy against one-hot targets (PyTorch's
/// `CrossEntropyLoss`) or the mean squared error over every entry (`MSELoss`).
pub(crate) fn loss_tensor(output: Tensor<2>, target: Tensor<2>, classification: bool) -> Tensor<1> {
    if classification {
        let n = output.dims()[0] as f64;
        (log_softmax(output, 1) * target).sum().neg().div_scalar(n)
    } else {
        (output - target).square().mean()
    }
}

/// Mean loss (and accuracy for classes) of outputs computed on the host, in f64.
pub(crate) fn host_loss(outputs: &Array2<f64>, targets: &Targets<'_>) -> (f64, Option<f64>) {
    match targets {
        Targets::Classes(y) => {
            let mut loss = 0.0;
            for (row, &label) in outputs.outer_iter().zip(y.iter()) {
                let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                let log_sum = row.iter().map(|v| (v - max).exp()).sum::<f64>().ln() + max;
                loss += log_sum - row[label];
            }
            let n = y.len() as f64;
            let pred = argmax_rows(outputs);
            let correct = pred.iter().zip(y.iter()).filter(|(p, t)| p == t).count();
            (loss / n, Some(correct as f64 / n))
        }
        Targets::Values(y) => {
            let se: f64 = outputs
                .iter()
                .zip(y.iter())
                .map(|(o, t)| (o - t).powi(2))
                .sum();
            (se / outputs.len() as f64, None)
        }
    }
}
