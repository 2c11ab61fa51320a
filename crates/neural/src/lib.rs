#![doc = include_str!("../README.md")]
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
#![warn(clippy::missing_errors_doc)]

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
