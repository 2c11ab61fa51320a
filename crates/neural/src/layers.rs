//! burn layers with weights drawn from the crate's own seeded stream.
//!
//! PyTorch's default initialisation for `nn.Linear`, `nn.Conv2d` and `nn.ConvTranspose2d`
//! (Kaiming-uniform with `a = √5`): every weight and bias is uniform in `±1/√fan_in`, where
//! `fan_in` is the number of inputs feeding one output (`d_in` for a dense layer,
//! `in_channels · k²` for a convolution, `out_channels · k²` for a transposed one, as PyTorch
//! computes it from the weight's second axis). Draw order: each layer's weight (C order), then
//! its bias, layer by layer.

use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::{Device, TensorData};

use crate::rng::SeedStream;

fn uniform(n: usize, bound: f64, rng: &mut SeedStream) -> Vec<f32> {
    (0..n).map(|_| rng.symmetric(bound) as f32).collect()
}

/// A dense layer `y = x W + b` with `W` of shape `[d_in, d_out]`.
pub(crate) fn linear(d_in: usize, d_out: usize, rng: &mut SeedStream, device: &Device) -> Linear {
    let bound = 1.0 / (d_in as f64).sqrt();
    let w = uniform(d_in * d_out, bound, rng);
    let b = uniform(d_out, bound, rng);
    linear_from(w, b, d_in, d_out, device)
}

/// A dense layer with the given weights (`w` in C order of `[d_in, d_out]`).
pub(crate) fn linear_from(
    w: Vec<f32>,
    b: Vec<f32>,
    d_in: usize,
    d_out: usize,
    device: &Device,
) -> Linear {
    let mut layer = LinearConfig::new(d_in, d_out)
        .with_initializer(Initializer::Zeros)
        .init(device);
    layer.weight = Param::from_data(TensorData::new(w, [d_in, d_out]), device);
    layer.bias = Some(Param::from_data(TensorData::new(b, [d_out]), device));
    layer
}

/// A `k × k` convolution, stride 1, zero padding `padding` on every side.
pub(crate) fn conv2d(
    c_in: usize,
    c_out: usize,
    k: usize,
    padding: usize,
    rng: &mut SeedStream,
    device: &Device,
) -> Conv2d {
    let bound = 1.0 / ((c_in * k * k) as f64).sqrt();
    let w = uniform(c_out * c_in * k * k, bound, rng);
    let b = uniform(c_out, bound, rng);
    let mut conv = Conv2dConfig::new([c_in, c_out], [k, k])
        .with_padding(PaddingConfig2d::Explicit(
            padding, padding, padding, padding,
        ))
        .with_initializer(Initializer::Zeros)
        .init(device);
    conv.weight = Param::from_data(TensorData::new(w, [c_out, c_in, k, k]), device);
    conv.bias = Some(Param::from_data(TensorData::new(b, [c_out]), device));
    conv
}

/// A `k × k` transposed convolution with stride `stride` and no padding (`k = stride = 2`
/// doubles height and width).
pub(crate) fn conv_transpose2d(
    c_in: usize,
    c_out: usize,
    k: usize,
    stride: usize,
    rng: &mut SeedStream,
    device: &Device,
) -> ConvTranspose2d {
    let bound = 1.0 / ((c_out * k * k) as f64).sqrt();
    let w = uniform(c_in * c_out * k * k, bound, rng);
    let b = uniform(c_out, bound, rng);
    let mut conv = ConvTranspose2dConfig::new([c_in, c_out], [k, k])
        .with_stride([stride, stride])
        .with_initializer(Initializer::Zeros)
        .init(device);
    conv.weight = Param::from_data(TensorData::new(w, [c_in, c_out, k, k]), device);
    conv.bias = Some(Param::from_data(TensorData::new(b, [c_out]), device));
    conv
}
