//! # ml4ns-neural
//!
//! Neural networks for the ml4ns course topics, on [burn](https://burn.dev) 0.22: a
//! multi-layer perceptron ([`Mlp`]), a configurable convolutional classifier ([`Cnn`]),
//! [`LeNet5`], a dense and a convolutional autoencoder ([`DenseAutoencoder`],
//! [`ConvAutoencoder`]), and one training loop for all of them ([`fit`]) with SGD + momentum
//! or Adam, weight decay, mini-batches, seeded shuffling, early stopping on the validation
//! loss and restore of the best epoch's weights, recording a per-epoch [`History`].
//!
//! Data go in and out as ndarray `f64` matrices, one sample per row (images flattened in C
//! order, see [`ImageShape`]); computation is in `f32`.
//!
//! ```no_run
//! use ml4ns_neural::{fit, Activation, Dataset, Mlp, Network, Optimizer, TrainConfig};
//! use ndarray::array;
//!
//! let device = ml4ns_neural::cpu_device();
//! let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
//! let y = [0usize, 1, 1, 0];
//! let net = Mlp::new(&[2, 8, 2], Activation::Tanh, 0, &device)?;
//! let config = TrainConfig { optimizer: Optimizer::Adam, learning_rate: 0.05, epochs: 300,
//!                            batch_size: 4, ..TrainConfig::default() };
//! let trained = fit(net, &Dataset::classification(x.view(), &y[..]), None, &config)?;
//! println!("{:?}", trained.model.predict(x.view())?);
//! # Ok::<(), ml4ns_neural::NeuralError>(())
//! ```
//!
//! ## Backends
//!
//! burn 0.22 chooses its backend at run time through a [`Device`] rather than a type
//! parameter, so model code here is backend-independent: every constructor takes a
//! `&Device`. [`cpu_device`] is burn's pure-Rust CPU backend ("flex"), the only one this crate
//! enables. A user with a GPU enables the matching burn feature (`cuda`, `wgpu`, `rocm`, ...)
//! in their own `Cargo.toml` and passes that device (e.g. `Device::cuda(0)`); nothing else
//! changes. Training uses the device's autodiff twin (`device.autodiff()`), inference the
//! plain device (`Module::valid`).
//!
//! ## Determinism
//!
//! The same seeds give the same weights, the same history and the same predictions, bit for
//! bit, in one process, across processes and when tests run on parallel threads:
//!
//! * initial weights come from this crate's own ChaCha8 stream seeded by the constructor's
//!   `seed`, with PyTorch's default scheme (every weight and bias uniform in `±1/√fan_in`);
//!   mini-batch order comes from another stream seeded by [`TrainConfig::seed`]. burn's
//!   process-global RNG (`Device::seed`, used by its own initialisers and dropout) is never
//!   drawn from;
//! * burn's flex backend is built without its `rayon` and `simd` features, so its kernels run
//!   single-threaded in a fixed order. (Enabling those features anywhere in a build changes
//!   results in the last bits.)
//!
//! ## Gradients
//!
//! [`Network::named_parameters`] and [`Network::loss_gradients`] return every parameter and
//! its autodiff gradient as ndarray arrays; for an [`Mlp`], [`Mlp::weights`],
//! [`Mlp::from_weights`] and [`Mlp::gradients`] do the same layer by layer, to check a
//! hand-written backpropagation against burn's.
#![warn(missing_docs)]

mod activation;
mod autoencoder;
mod cnn;
mod data;
mod dendritic;
mod error;
mod layers;
mod mlp;
mod network;
mod rng;
mod train;

pub use activation::Activation;
pub use autoencoder::{
    ConvAutoencoder, ConvAutoencoderConfig, DenseAutoencoder, DenseAutoencoderConfig,
};
pub use burn::module::Module;
pub use burn::tensor::{Device, Tensor};
pub use cnn::{Cnn, CnnConfig, ConvLayer, LeNet5, Pooling};
pub use data::{pad_images, Dataset, ImageShape, Targets};
pub use dendritic::{DendriticConfig, DendriticNet, ReceptiveField};
pub use error::{NeuralError, Result};
pub use mlp::{LayerWeights, Mlp, MlpGradients};
pub use network::{LossGradients, NamedArray, Network};
pub use train::{evaluate, fit, Evaluation, History, Optimizer, TrainConfig, Trained};

/// burn's pure-Rust CPU device ("flex"), the default for this crate.
pub fn cpu_device() -> Device {
    Device::flex()
}
