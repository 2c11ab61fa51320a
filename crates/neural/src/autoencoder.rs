//! Autoencoders: [`DenseAutoencoder`] and [`ConvAutoencoder`].

use burn::module::Module;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};
use ndarray::{Array2, ArrayView2};

use crate::activation::Activation;
use crate::cnn::Pooling;
use crate::data::{check_inputs, rows_tensor, tensor_to_array2, ImageShape};
use crate::error::{config_err, Result};
use crate::layers::{conv2d, conv_transpose2d, linear};
use crate::mlp::check_sizes;
use crate::network::Network;
use crate::rng::{Purpose, SeedStream};

/// Architecture of a [`DenseAutoencoder`].
#[derive(Debug, Clone, PartialEq)]
pub struct DenseAutoencoderConfig {
    /// Encoder widths, input first, code last (`[64, 32, 8]`); the decoder mirrors them
    /// (`8 → 32 → 64`).
    pub sizes: Vec<usize>,
    /// Activation after every hidden layer.
    pub activation: Activation,
    /// Activation of the code layer (default: identity, a linear bottleneck).
    pub code_activation: Activation,
    /// Activation of the reconstruction (default: identity; sigmoid suits pixels in [0, 1]).
    pub output_activation: Activation,
}

impl DenseAutoencoderConfig {
    /// Encoder widths `sizes` and hidden `activation`; linear code and output.
    pub fn new(sizes: &[usize], activation: Activation) -> Self {
        DenseAutoencoderConfig {
            sizes: sizes.to_vec(),
            activation,
            code_activation: Activation::Identity,
            output_activation: Activation::Identity,
        }
    }

    /// The same with another code-layer activation.
    pub fn with_code_activation(mut self, activation: Activation) -> Self {
        self.code_activation = activation;
        self
    }

    /// The same with another output activation.
    pub fn with_output_activation(mut self, activation: Activation) -> Self {
        self.output_activation = activation;
        self
    }

    /// Builds the network with weights drawn from `seed` (encoder layers first), on `device`.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when `sizes` has fewer than two entries or a zero
    /// width, or a leaky ReLU activation has a non-finite slope (hidden, code or output).
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn init(&self, seed: u64, device: &Device) -> Result<DenseAutoencoder> {
        check_sizes(&self.sizes, "dense autoencoder")?;
        for a in [
            self.activation,
            self.code_activation,
            self.output_activation,
        ] {
            a.check()?;
        }
        let mut rng = SeedStream::new(seed, Purpose::Init);
        let encoder = self
            .sizes
            .windows(2)
            .map(|w| linear(w[0], w[1], &mut rng, device))
            .collect();
        let decoder = self
            .sizes
            .windows(2)
            .rev()
            .map(|w| linear(w[1], w[0], &mut rng, device))
            .collect();
        Ok(DenseAutoencoder {
            encoder,
            decoder,
            config: self.clone(),
        })
    }
}

/// A fully connected autoencoder: an encoder narrowing to a code and a mirrored decoder.
/// Train it with [`Dataset::reconstruction`](crate::Dataset::reconstruction).
#[derive(Module, Debug)]
pub struct DenseAutoencoder {
    encoder: Vec<Linear>,
    decoder: Vec<Linear>,
    #[module(skip)]
    config: DenseAutoencoderConfig,
}

impl DenseAutoencoder {
    /// The architecture.
    pub fn config(&self) -> &DenseAutoencoderConfig {
        &self.config
    }

    /// Width of the code.
    pub fn code_size(&self) -> usize {
        self.config.sizes[self.config.sizes.len() - 1]
    }

    /// The encoder on a tensor: `[n, input]` → `[n, code]`.
    pub fn encode_tensor(&self, x: Tensor<2>) -> Tensor<2> {
        run_dense(
            &self.encoder,
            x,
            self.config.activation,
            self.config.code_activation,
        )
    }

    /// The decoder on a tensor: `[n, code]` → `[n, input]`.
    pub fn decode_tensor(&self, code: Tensor<2>) -> Tensor<2> {
        run_dense(
            &self.decoder,
            code,
            self.config.activation,
            self.config.output_activation,
        )
    }

    /// Codes of the rows of `x` (`n × code_size`).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `x` has no rows, its number of columns is not the
    /// input width `sizes[0]`, or a value is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    pub fn encode(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_inputs(x, self.n_inputs(), "encoding")?;
        let model = self.valid();
        let rows: Vec<usize> = (0..x.nrows()).collect();
        Ok(tensor_to_array2(model.encode_tensor(rows_tensor(
            x,
            &rows,
            &model.device(),
        ))))
    }

    /// Reconstructions of the rows of `x` (same shape as `x`).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `x` has no rows, its number of columns is not
    /// `n_inputs()`, or a value is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    pub fn reconstruct(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.outputs(x)
    }
}

fn run_dense(layers: &[Linear], x: Tensor<2>, hidden: Activation, last: Activation) -> Tensor<2> {
    let n = layers.len();
    layers.iter().enumerate().fold(x, |h, (i, layer)| {
        let z = layer.forward(h);
        if i + 1 < n {
            hidden.apply(z)
        } else {
            last.apply(z)
        }
    })
}

impl Network for DenseAutoencoder {
    fn n_inputs(&self) -> usize {
        self.config.sizes[0]
    }

    fn n_outputs(&self) -> usize {
        self.config.sizes[0]
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.decode_tensor(self.encode_tensor(x))
    }
}

/// Architecture of a [`ConvAutoencoder`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConvAutoencoderConfig {
    /// Shape of each input image; height and width must be divisible by `2^channels.len()`.
    pub input: ImageShape,
    /// Channels of the encoder's blocks (`[8, 4]`): each block is a `kernel × kernel`
    /// convolution keeping the size, the activation and 2 × 2 pooling.
    pub channels: Vec<usize>,
    /// Odd kernel size of the encoder's convolutions.
    pub kernel: usize,
    /// Pooling of the encoder.
    pub pool: Pooling,
    /// Activation after every layer except the last.
    pub activation: Activation,
    /// Activation of the reconstruction (default: identity; sigmoid suits pixels in [0, 1]).
    pub output_activation: Activation,
}

impl ConvAutoencoderConfig {
    /// Encoder channels `channels` for images of `input` shape: 3×3 kernels, max pooling,
    /// ReLU, linear output.
    pub fn new(input: ImageShape, channels: &[usize]) -> Self {
        ConvAutoencoderConfig {
            input,
            channels: channels.to_vec(),
            kernel: 3,
            pool: Pooling::Max,
            activation: Activation::Relu,
            output_activation: Activation::Identity,
        }
    }

    /// The same with another hidden activation.
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }

    /// The same with another output activation.
    pub fn with_output_activation(mut self, activation: Activation) -> Self {
        self.output_activation = activation;
        self
    }

    /// The shape of the code: the last block's channels at `1/2^depth` of the input size.
    pub fn code_shape(&self) -> ImageShape {
        let f = 1usize << self.channels.len().min(usize::BITS as usize - 1);
        ImageShape::new(
            self.channels.last().copied().unwrap_or(self.input.channels),
            self.input.height / f,
            self.input.width / f,
        )
    }

    /// Builds the network with weights drawn from `seed` (encoder first), on `device`.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when a leaky ReLU activation has a non-finite slope,
    /// the input shape has no pixel, `channels` is empty or contains 0, `kernel` is even (or 0), or
    /// the input height or width is not a multiple of `2^channels.len()`.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn init(&self, seed: u64, device: &Device) -> Result<ConvAutoencoder> {
        self.activation.check()?;
        self.output_activation.check()?;
        if self.input.is_empty() {
            return Err(config_err(format!(
                "the input shape {} has no pixel",
                self.input
            )));
        }
        if self.channels.is_empty() || self.channels.contains(&0) {
            return Err(config_err(format!(
                "a convolutional autoencoder needs at least one encoder block and positive \
                 channel counts, got {:?}",
                self.channels
            )));
        }
        if self.kernel.is_multiple_of(2) {
            return Err(config_err(format!(
                "the kernel size must be odd (so that padding keeps the size), got {}",
                self.kernel
            )));
        }
        let depth = self.channels.len();
        let f = 1usize
            .checked_shl(depth as u32)
            .filter(|&f| f <= self.input.height.min(self.input.width))
            .ok_or_else(|| {
                config_err(format!(
                    "{depth} pooling steps do not fit {}×{} images",
                    self.input.height, self.input.width
                ))
            })?;
        if !self.input.height.is_multiple_of(f) || !self.input.width.is_multiple_of(f) {
            return Err(config_err(format!(
                "with {depth} pooling steps, height and width must be multiples of {f}; the \
                 input is {}×{}",
                self.input.height, self.input.width
            )));
        }
        let mut rng = SeedStream::new(seed, Purpose::Init);
        let mut c_in = self.input.channels;
        let mut encoder = Vec::with_capacity(depth);
        for &c in &self.channels {
            encoder.push(conv2d(
                c_in,
                c,
                self.kernel,
                self.kernel / 2,
                &mut rng,
                device,
            ));
            c_in = c;
        }
        let mut decoder = Vec::with_capacity(depth);
        for i in (0..depth).rev() {
            let c_out = if i == 0 {
                self.input.channels
            } else {
                self.channels[i - 1]
            };
            decoder.push(conv_transpose2d(
                self.channels[i],
                c_out,
                2,
                2,
                &mut rng,
                device,
            ));
        }
        Ok(ConvAutoencoder {
            encoder,
            decoder,
            config: self.clone(),
        })
    }
}

/// A convolutional autoencoder: `kernel × kernel` convolutions with pooling down to a code of
/// [`ConvAutoencoderConfig::code_shape`], then 2 × 2 transposed convolutions with stride 2
/// back up to the input size. Input rows are images flattened in C order; train it with
/// [`Dataset::reconstruction`](crate::Dataset::reconstruction).
#[derive(Module, Debug)]
pub struct ConvAutoencoder {
    encoder: Vec<Conv2d>,
    decoder: Vec<ConvTranspose2d>,
    #[module(skip)]
    config: ConvAutoencoderConfig,
}

impl ConvAutoencoder {
    /// The architecture.
    pub fn config(&self) -> &ConvAutoencoderConfig {
        &self.config
    }

    /// The encoder on a tensor: `[n, c·h·w]` → `[n, code]` (the code maps flattened).
    pub fn encode_tensor(&self, x: Tensor<2>) -> Tensor<2> {
        let n = x.dims()[0];
        let s = self.config.input;
        let mut h = x.reshape([n, s.channels, s.height, s.width]);
        for conv in &self.encoder {
            h = self
                .config
                .pool
                .apply(self.config.activation.apply(conv.forward(h)));
        }
        let len = self.config.code_shape().len();
        h.reshape([n, len])
    }

    /// The decoder on a tensor: `[n, code]` → `[n, c·h·w]`.
    pub fn decode_tensor(&self, code: Tensor<2>) -> Tensor<2> {
        let n = code.dims()[0];
        let c = self.config.code_shape();
        let mut h = code.reshape([n, c.channels, c.height, c.width]);
        let last = self.decoder.len() - 1;
        for (i, deconv) in self.decoder.iter().enumerate() {
            let z = deconv.forward(h);
            h = if i < last {
                self.config.activation.apply(z)
            } else {
                self.config.output_activation.apply(z)
            };
        }
        h.reshape([n, self.config.input.len()])
    }

    /// Codes of the rows of `x`, flattened (`n × code_shape().len()`).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `x` has no rows, its number of columns is not
    /// `input.len()`, or a value is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    pub fn encode(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_inputs(x, self.n_inputs(), "encoding")?;
        let model = self.valid();
        let rows: Vec<usize> = (0..x.nrows()).collect();
        Ok(tensor_to_array2(model.encode_tensor(rows_tensor(
            x,
            &rows,
            &model.device(),
        ))))
    }

    /// Reconstructions of the rows of `x` (same shape as `x`).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when `x` has no rows, its number of columns is not
    /// `n_inputs()`, or a value is not finite.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    pub fn reconstruct(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.outputs(x)
    }
}

impl Network for ConvAutoencoder {
    fn n_inputs(&self) -> usize {
        self.config.input.len()
    }

    fn n_outputs(&self) -> usize {
        self.config.input.len()
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.decode_tensor(self.encode_tensor(x))
    }
}
