//! Convolutional classifiers: a configurable [`Cnn`] and [`LeNet5`].

use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::pool::{AvgPool2dConfig, MaxPool2dConfig};
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};

use crate::activation::Activation;
use crate::data::ImageShape;
use crate::error::{config_err, Result};
use crate::layers::{conv2d, linear};
use crate::network::Network;
use crate::rng::{Purpose, SeedStream};

/// 2 × 2 pooling with stride 2 (halves height and width, rounding down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pooling {
    /// Maximum of each window.
    #[default]
    Max,
    /// Mean of each window (LeNet-5's original "subsampling").
    Avg,
}

impl Pooling {
    pub(crate) fn apply(&self, x: Tensor<4>) -> Tensor<4> {
        match self {
            Pooling::Max => MaxPool2dConfig::new([2, 2])
                .with_strides([2, 2])
                .init()
                .forward(x),
            Pooling::Avg => AvgPool2dConfig::new([2, 2])
                .with_strides([2, 2])
                .init()
                .forward(x),
        }
    }
}

/// One convolution block: a `kernel × kernel` convolution (stride 1, zero `padding`), the
/// activation, then optional pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvLayer {
    /// Output channels (feature maps).
    pub channels: usize,
    /// Kernel height and width.
    pub kernel: usize,
    /// Zero padding on every side (`kernel / 2` keeps the size for odd kernels).
    pub padding: usize,
    /// Pooling after the activation, if any.
    pub pool: Option<Pooling>,
}

impl ConvLayer {
    /// A block with `channels` maps of `kernel × kernel`, no padding, 2 × 2 max pooling.
    pub fn new(channels: usize, kernel: usize) -> Self {
        ConvLayer {
            channels,
            kernel,
            padding: 0,
            pool: Some(Pooling::Max),
        }
    }

    /// The same block with `padding` zeros on every side.
    pub fn with_padding(mut self, padding: usize) -> Self {
        self.padding = padding;
        self
    }

    /// The same block with other pooling (`None`: no pooling).
    pub fn with_pool(mut self, pool: Option<Pooling>) -> Self {
        self.pool = pool;
        self
    }
}

/// Architecture of a [`Cnn`]: convolution blocks, then dense hidden layers, then a linear
/// output layer.
#[derive(Debug, Clone, PartialEq)]
pub struct CnnConfig {
    /// Shape of each input image.
    pub input: ImageShape,
    /// Convolution blocks, in order.
    pub conv: Vec<ConvLayer>,
    /// Widths of the dense hidden layers after flattening.
    pub hidden: Vec<usize>,
    /// Outputs (classes).
    pub n_outputs: usize,
    /// Activation after every convolution and hidden dense layer.
    pub activation: Activation,
}

impl CnnConfig {
    /// LeNet-5 as d2l.ai builds it, with max pooling and ReLU: 1×32×32 → conv 6@5×5 → pool →
    /// conv 16@5×5 → pool → 120 → 84 → `n_classes`.
    pub fn lenet5(n_classes: usize) -> Self {
        CnnConfig {
            input: ImageShape::gray(32, 32),
            conv: vec![ConvLayer::new(6, 5), ConvLayer::new(16, 5)],
            hidden: vec![120, 84],
            n_outputs: n_classes,
            activation: Activation::Relu,
        }
    }

    /// The same architecture with another activation.
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }

    /// Output shape of every convolution block (after pooling), checking that each fits.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when the input shape has no pixel, a block has 0
    /// channels or a kernel of 0, a kernel is larger than its (padded) input, or a pooled block's
    /// feature map is smaller than 2 × 2 before pooling.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn feature_shapes(&self) -> Result<Vec<ImageShape>> {
        if self.input.is_empty() {
            return Err(config_err(format!(
                "the input shape {} has no pixel",
                self.input
            )));
        }
        let mut shape = self.input;
        let mut shapes = Vec::with_capacity(self.conv.len());
        for (i, layer) in self.conv.iter().enumerate() {
            if layer.channels == 0 || layer.kernel == 0 {
                return Err(config_err(format!(
                    "convolution {i} needs at least one channel and a kernel of at least 1, \
                     got {layer:?}"
                )));
            }
            let (h, w) = (
                shape.height + 2 * layer.padding,
                shape.width + 2 * layer.padding,
            );
            if layer.kernel > h || layer.kernel > w {
                return Err(config_err(format!(
                    "convolution {i}: a {k}×{k} kernel does not fit its {}×{} (padded {h}×{w}) \
                     input",
                    shape.height,
                    shape.width,
                    k = layer.kernel
                )));
            }
            shape = ImageShape::new(layer.channels, h - layer.kernel + 1, w - layer.kernel + 1);
            if layer.pool.is_some() {
                if shape.height < 2 || shape.width < 2 {
                    return Err(config_err(format!(
                        "convolution {i}: cannot pool a {}×{} feature map",
                        shape.height, shape.width
                    )));
                }
                shape = ImageShape::new(shape.channels, shape.height / 2, shape.width / 2);
            }
            shapes.push(shape);
        }
        Ok(shapes)
    }

    /// Builds the network with weights drawn from `seed`, on `device`.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when a leaky ReLU activation has a non-finite slope,
    /// a convolution block does not fit (see [`CnnConfig::feature_shapes`]), or `n_outputs` or a
    /// hidden width is 0.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn init(&self, seed: u64, device: &Device) -> Result<Cnn> {
        self.activation.check()?;
        let shapes = self.feature_shapes()?;
        if self.n_outputs == 0 || self.hidden.contains(&0) {
            return Err(config_err(format!(
                "dense layer sizes must be positive: hidden {:?}, outputs {}",
                self.hidden, self.n_outputs
            )));
        }
        let mut rng = SeedStream::new(seed, Purpose::Init);
        let mut c_in = self.input.channels;
        let mut convs = Vec::with_capacity(self.conv.len());
        for layer in &self.conv {
            convs.push(conv2d(
                c_in,
                layer.channels,
                layer.kernel,
                layer.padding,
                &mut rng,
                device,
            ));
            c_in = layer.channels;
        }
        let flat = shapes.last().map_or(self.input.len(), ImageShape::len);
        let mut sizes = vec![flat];
        sizes.extend(&self.hidden);
        sizes.push(self.n_outputs);
        let dense = sizes
            .windows(2)
            .map(|w| linear(w[0], w[1], &mut rng, device))
            .collect();
        Ok(Cnn {
            convs,
            dense,
            config: self.clone(),
        })
    }
}

/// A convolutional classifier built from a [`CnnConfig`]. Input rows are images flattened in
/// C order (channel, row, column).
#[derive(Module, Debug)]
pub struct Cnn {
    convs: Vec<Conv2d>,
    dense: Vec<Linear>,
    #[module(skip)]
    config: CnnConfig,
}

impl Cnn {
    /// The architecture.
    pub fn config(&self) -> &CnnConfig {
        &self.config
    }

    /// The feature maps after every convolution block (after pooling), as `[n, c, h, w]`
    /// tensors, for images given as a `[n, c·h·w]` tensor.
    pub fn feature_maps(&self, x: Tensor<2>) -> Vec<Tensor<4>> {
        let mut maps = Vec::with_capacity(self.convs.len());
        let mut h = self.images(x);
        for (conv, layer) in self.convs.iter().zip(&self.config.conv) {
            h = self.config.activation.apply(conv.forward(h));
            if let Some(pool) = layer.pool {
                h = pool.apply(h);
            }
            maps.push(h.clone());
        }
        maps
    }

    fn images(&self, x: Tensor<2>) -> Tensor<4> {
        let n = x.dims()[0];
        let s = self.config.input;
        x.reshape([n, s.channels, s.height, s.width])
    }
}

impl Network for Cnn {
    fn n_inputs(&self) -> usize {
        self.config.input.len()
    }

    fn n_outputs(&self) -> usize {
        self.config.n_outputs
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let n = x.dims()[0];
        let mut h = self.images(x);
        for (conv, layer) in self.convs.iter().zip(&self.config.conv) {
            h = self.config.activation.apply(conv.forward(h));
            if let Some(pool) = layer.pool {
                h = pool.apply(h);
            }
        }
        let [_, c, hh, ww] = h.dims();
        let last = self.dense.len() - 1;
        let flat = h.reshape([n, c * hh * ww]);
        self.dense.iter().enumerate().fold(flat, |z, (i, layer)| {
            let z = layer.forward(z);
            if i < last {
                self.config.activation.apply(z)
            } else {
                z
            }
        })
    }
}

/// LeNet-5 (LeCun et al. 1998, in d2l.ai's modern form): a 1×32×32 image → conv 6@5×5 →
/// 2×2 pool → conv 16@5×5 → 2×2 pool → dense 120 → 84 → `n_classes` logits, with max pooling
/// and ReLU by default. scikit-learn's 8×8 digits can be padded to 32×32 with
/// [`pad_images`](crate::pad_images).
#[derive(Module, Debug)]
pub struct LeNet5 {
    net: Cnn,
}

impl LeNet5 {
    /// LeNet-5 with ReLU and max pooling, weights drawn from `seed`, on `device`.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when `n_classes` is 0.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn new(n_classes: usize, seed: u64, device: &Device) -> Result<LeNet5> {
        LeNet5::with_config(CnnConfig::lenet5(n_classes), seed, device)
    }

    /// LeNet-5 with another activation (e.g. the original sigmoid).
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when `n_classes` is 0 or `activation` is a leaky ReLU
    /// with a non-finite slope.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn with_activation(
        n_classes: usize,
        activation: Activation,
        seed: u64,
        device: &Device,
    ) -> Result<LeNet5> {
        LeNet5::with_config(
            CnnConfig::lenet5(n_classes).with_activation(activation),
            seed,
            device,
        )
    }

    /// LeNet-5's layout with changes (average pooling, say) made to [`CnnConfig::lenet5`].
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when `config` is invalid, as for [`CnnConfig::init`].
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn with_config(config: CnnConfig, seed: u64, device: &Device) -> Result<LeNet5> {
        Ok(LeNet5 {
            net: config.init(seed, device)?,
        })
    }

    /// The underlying [`Cnn`].
    pub fn cnn(&self) -> &Cnn {
        &self.net
    }
}

impl Network for LeNet5 {
    fn n_inputs(&self) -> usize {
        self.net.n_inputs()
    }

    fn n_outputs(&self) -> usize {
        self.net.n_outputs()
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.net.forward(x)
    }
}
