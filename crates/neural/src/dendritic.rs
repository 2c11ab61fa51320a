//! A dendritic artificial neural network (dANN): inputs reach dendrites through small
//! receptive fields, each dendrite feeds one soma, and a dense layer reads the somata.
//!
//! The architecture follows the idea of Chavlis & Poirazi ("Dendrites endow artificial neural
//! networks with accurate, robust and parameter-efficient learning", Nature Communications
//! 2025): a layer of *somata*, each with `dendrites_per_soma` dendritic branches; a branch sees
//! only a restricted, structured part of the input (here a `size × size` patch of the image,
//! every channel) and passes a non-linear sum to its own soma only, which applies a second
//! non-linearity. A dense layer maps the somata to the outputs.
//!
//! Both sparse layers are stored as dense `[d_in, d_out]` weights multiplied in the forward
//! pass by fixed 0/1 masks (constant tensors, not parameters). Masked weights start at zero
//! and their gradient is the upstream gradient times zero, so SGD and Adam (with or without
//! weight decay) leave them at exactly zero; [`DendriticNet::n_trainable`] counts only the
//! connections that exist.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::module::linear as linear_op;
use burn::tensor::{Device, Tensor, TensorData};

use crate::activation::Activation;
use crate::data::{tensor_values, ImageShape};
use crate::error::{config_err, Result};
use crate::layers::{linear, linear_from};
use crate::network::Network;
use crate::rng::{Purpose, SeedStream};

/// Which inputs each dendrite sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceptiveField {
    /// Local, structured fields: soma `j` is placed at a random `size × size` patch of the
    /// image; each of its dendrites sees the patch shifted by a random offset of at most
    /// `spread` pixels in each direction (clamped to the image), all channels. Dendrites of one
    /// soma therefore sample one neighbourhood, as in the dANN's "local receptive fields".
    Local {
        /// Patch height and width in pixels.
        size: usize,
        /// Largest shift (pixels, per axis) of a dendrite's patch from its soma's patch.
        spread: usize,
    },
    /// Unstructured fields of the same kind of sparsity: each dendrite sees `inputs` input
    /// values chosen at random without replacement (a control for the local structure).
    Random {
        /// Inputs per dendrite.
        inputs: usize,
    },
}

impl ReceptiveField {
    /// Inputs one dendrite sees for images of `shape`.
    pub fn inputs_per_dendrite(&self, shape: ImageShape) -> usize {
        match *self {
            ReceptiveField::Local { size, .. } => size * size * shape.channels,
            ReceptiveField::Random { inputs } => inputs,
        }
    }
}

/// Architecture of a [`DendriticNet`].
#[derive(Debug, Clone, PartialEq)]
pub struct DendriticConfig {
    /// Shape of each input image (rows are images flattened in C order).
    pub input: ImageShape,
    /// Number of somata.
    pub somata: usize,
    /// Dendrites per soma.
    pub dendrites_per_soma: usize,
    /// Which inputs each dendrite sees.
    pub field: ReceptiveField,
    /// Outputs (classes).
    pub n_outputs: usize,
    /// Non-linearity of dendrites and somata.
    pub activation: Activation,
}

impl DendriticConfig {
    /// Somata × dendrites per soma.
    pub fn n_dendrites(&self) -> usize {
        self.somata * self.dendrites_per_soma
    }

    /// Trainable parameters (existing connections and biases):
    /// `S·d·(f + 1) + S·(d + 1) + (S + 1)·n_outputs` for `S` somata, `d` dendrites per soma and
    /// `f` inputs per dendrite.
    pub fn n_trainable(&self) -> usize {
        let f = self.field.inputs_per_dendrite(self.input);
        let (s, d) = (self.somata, self.dendrites_per_soma);
        s * d * (f + 1) + s * (d + 1) + (s + 1) * self.n_outputs
    }

    /// Checks the architecture.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when a leaky ReLU activation has a non-finite slope,
    /// the input shape has no pixel, `somata`, `dendrites_per_soma` or `n_outputs` is 0, a
    /// [`ReceptiveField::Local`] patch has size 0 or is larger than the image's height or width, or
    /// a [`ReceptiveField::Random`] field sees 0 inputs or more inputs than the image has.
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn check(&self) -> Result<()> {
        self.activation.check()?;
        if self.input.is_empty() {
            return Err(config_err(format!(
                "the input shape {} has no pixel",
                self.input
            )));
        }
        if self.somata == 0 || self.dendrites_per_soma == 0 || self.n_outputs == 0 {
            return Err(config_err(format!(
                "a dendritic network needs at least one soma, one dendrite per soma and one \
                 output, got {} somata, {} dendrites per soma, {} outputs",
                self.somata, self.dendrites_per_soma, self.n_outputs
            )));
        }
        match self.field {
            ReceptiveField::Local { size, .. } => {
                if size == 0 || size > self.input.height || size > self.input.width {
                    return Err(config_err(format!(
                        "a {size}×{size} receptive field does not fit {}×{} images",
                        self.input.height, self.input.width
                    )));
                }
            }
            ReceptiveField::Random { inputs } => {
                if inputs == 0 || inputs > self.input.len() {
                    return Err(config_err(format!(
                        "a dendrite must see between 1 and {} inputs, got {inputs}",
                        self.input.len()
                    )));
                }
            }
        }
        Ok(())
    }

    /// The input indices each dendrite sees (sorted), dendrite by dendrite (soma 0's
    /// dendrites first), as drawn from `seed`. [`DendriticConfig::init`] with the same seed
    /// uses exactly these fields.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when the architecture is invalid (see
    /// [`DendriticConfig::check`]).
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn receptive_fields(&self, seed: u64) -> Result<Vec<Vec<usize>>> {
        self.check()?;
        let mut rng = SeedStream::new(seed, Purpose::Init);
        Ok(self.draw_fields(&mut rng))
    }

    fn draw_fields(&self, rng: &mut SeedStream) -> Vec<Vec<usize>> {
        let s = self.input;
        let mut fields = Vec::with_capacity(self.n_dendrites());
        match self.field {
            ReceptiveField::Local { size, spread } => {
                let (rows, cols) = (s.height - size + 1, s.width - size + 1);
                for _ in 0..self.somata {
                    let (r0, c0) = (rng.below(rows) as i64, rng.below(cols) as i64);
                    for _ in 0..self.dendrites_per_soma {
                        let dr = rng.below(2 * spread + 1) as i64 - spread as i64;
                        let dc = rng.below(2 * spread + 1) as i64 - spread as i64;
                        let r = (r0 + dr).clamp(0, rows as i64 - 1) as usize;
                        let c = (c0 + dc).clamp(0, cols as i64 - 1) as usize;
                        let mut field = Vec::with_capacity(size * size * s.channels);
                        for ch in 0..s.channels {
                            for i in 0..size {
                                for j in 0..size {
                                    field.push((ch * s.height + r + i) * s.width + c + j);
                                }
                            }
                        }
                        fields.push(field);
                    }
                }
            }
            ReceptiveField::Random { inputs } => {
                let n = s.len();
                for _ in 0..self.n_dendrites() {
                    let mut all: Vec<usize> = (0..n).collect();
                    rng.shuffle(&mut all);
                    let mut field = all[..inputs].to_vec();
                    field.sort_unstable();
                    fields.push(field);
                }
            }
        }
        fields
    }

    /// Builds the network on `device`: receptive fields, then weights, drawn from `seed`.
    /// Every existing connection and bias is uniform in `±1/√fan_in` with the true fan-in
    /// (inputs per dendrite, dendrites per soma, somata), PyTorch's default scheme.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when the architecture is invalid (see
    /// [`DendriticConfig::check`]).
    ///
    /// [`NeuralError::InvalidConfig`]: crate::NeuralError::InvalidConfig
    pub fn init(&self, seed: u64, device: &Device) -> Result<DendriticNet> {
        self.check()?;
        let mut rng = SeedStream::new(seed, Purpose::Init);
        let fields = self.draw_fields(&mut rng);
        let (n_in, n_dend, d) = (
            self.input.len(),
            self.n_dendrites(),
            self.dendrites_per_soma,
        );

        // Input → dendrite mask, [n_in, n_dend].
        let mut mask1 = vec![0f32; n_in * n_dend];
        for (k, field) in fields.iter().enumerate() {
            for &i in field {
                mask1[i * n_dend + k] = 1.0;
            }
        }
        // Dendrite → soma mask, [n_dend, somata]: dendrite k feeds soma k / d.
        let mut mask2 = vec![0f32; n_dend * self.somata];
        for k in 0..n_dend {
            mask2[k * self.somata + k / d] = 1.0;
        }

        let fan1 = self.field.inputs_per_dendrite(self.input);
        let dendrites = masked_linear(&mask1, n_in, n_dend, fan1, &mut rng, device);
        let somata = masked_linear(&mask2, n_dend, self.somata, d, &mut rng, device);
        let output = linear(self.somata, self.n_outputs, &mut rng, device);
        Ok(DendriticNet {
            dendrites,
            somata,
            output,
            dendrite_mask: mask_tensor(mask1, n_in, n_dend, device),
            soma_mask: mask_tensor(mask2, n_dend, self.somata, device),
            config: self.clone(),
        })
    }
}

/// A dense layer whose weights outside `mask` are zero and the others uniform in
/// `±1/√fan_in` (drawn in C order over the existing connections, then the biases).
fn masked_linear(
    mask: &[f32],
    d_in: usize,
    d_out: usize,
    fan_in: usize,
    rng: &mut SeedStream,
    device: &Device,
) -> Linear {
    let bound = 1.0 / (fan_in as f64).sqrt();
    let w = mask
        .iter()
        .map(|&m| {
            if m != 0.0 {
                rng.symmetric(bound) as f32
            } else {
                0.0
            }
        })
        .collect();
    let b = (0..d_out).map(|_| rng.symmetric(bound) as f32).collect();
    linear_from(w, b, d_in, d_out, device)
}

fn mask_tensor(mask: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(mask, [rows, cols]), device)
}

/// A dendritic network built from a [`DendriticConfig`]: inputs → dendrites (masked dense,
/// activation) → somata (masked dense, activation) → outputs (dense, linear logits).
///
/// Parameters, in order: `dendrites.weight` `[n_inputs, n_dendrites]`, `dendrites.bias`,
/// `somata.weight` `[n_dendrites, somata]`, `somata.bias`, `output.weight`, `output.bias`.
/// The masks are constant tensors, not parameters.
#[derive(Module, Debug)]
pub struct DendriticNet {
    dendrites: Linear,
    somata: Linear,
    output: Linear,
    dendrite_mask: Tensor<2>,
    soma_mask: Tensor<2>,
    #[module(skip)]
    config: DendriticConfig,
}

impl DendriticNet {
    /// The architecture.
    pub fn config(&self) -> &DendriticConfig {
        &self.config
    }

    /// Trainable parameters: existing connections and biases (see
    /// [`DendriticConfig::n_trainable`]).
    pub fn n_trainable(&self) -> usize {
        self.config.n_trainable()
    }

    /// Entries of the dense weight matrices and biases, masked or not (what an unmasked
    /// network of the same widths would train).
    pub fn n_dense(&self) -> usize {
        let n_in = self.config.input.len();
        let (nd, s, o) = (
            self.config.n_dendrites(),
            self.config.somata,
            self.config.n_outputs,
        );
        n_in * nd + nd + nd * s + s + s * o + o
    }

    /// The input → dendrite and dendrite → soma masks (1 where a connection exists), as
    /// `[d_in, d_out]` row-major values.
    pub fn masks(&self) -> (Vec<f64>, Vec<f64>) {
        (
            tensor_values(self.dendrite_mask.clone()),
            tensor_values(self.soma_mask.clone()),
        )
    }
}

fn masked_forward(x: Tensor<2>, layer: &Linear, mask: &Tensor<2>) -> Tensor<2> {
    let w = layer.weight.val() * mask.clone();
    linear_op(x, w, layer.bias.as_ref().map(|b| b.val()))
}

impl Network for DendriticNet {
    fn n_inputs(&self) -> usize {
        self.config.input.len()
    }

    fn n_outputs(&self) -> usize {
        self.config.n_outputs
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let act = self.config.activation;
        let h = act.apply(masked_forward(x, &self.dendrites, &self.dendrite_mask));
        let s = act.apply(masked_forward(h, &self.somata, &self.soma_mask));
        self.output.forward(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Dataset;
    use crate::train::{fit, Optimizer, TrainConfig};
    use ndarray::Array2;

    fn config() -> DendriticConfig {
        DendriticConfig {
            input: ImageShape::gray(8, 8),
            somata: 6,
            dendrites_per_soma: 4,
            field: ReceptiveField::Local { size: 3, spread: 2 },
            n_outputs: 3,
            activation: Activation::Relu,
        }
    }

    fn toy(n: usize) -> (Array2<f64>, Vec<usize>) {
        let x = Array2::from_shape_fn((n, 64), |(i, j)| (((i * 7 + j * 3) % 11) as f64) / 10.0);
        let y = (0..n).map(|i| (i * 5 / 3) % 3).collect();
        (x, y)
    }

    fn weight(net: &DendriticNet, name: &str) -> Vec<f64> {
        net.named_parameters()
            .into_iter()
            .find(|p| p.name == name)
            .map(|p| p.values.iter().copied().collect())
            .unwrap()
    }

    #[test]
    fn parameter_count_matches_the_formula_and_the_masks() {
        let c = config();
        // 24 dendrites × (9 + 1) + 6 × (4 + 1) + 7 × 3.
        assert_eq!(c.n_trainable(), 240 + 30 + 21);
        let net = c.init(0, &crate::cpu_device()).unwrap();
        let (m1, m2) = net.masks();
        let ones = (m1.iter().sum::<f64>() + m2.iter().sum::<f64>()) as usize;
        assert_eq!(ones + 24 + 6 + 6 * 3 + 3, net.n_trainable());
        assert_eq!(net.n_dense(), 64 * 24 + 24 + 24 * 6 + 6 + 6 * 3 + 3);
        let nonzero = |name| weight(&net, name).iter().filter(|v| **v != 0.0).count();
        assert_eq!(nonzero("dendrites.weight"), 24 * 9);
        assert_eq!(nonzero("somata.weight"), 24);
        let random = DendriticConfig {
            field: ReceptiveField::Random { inputs: 5 },
            ..c
        };
        assert_eq!(random.n_trainable(), 24 * 6 + 30 + 21);
    }

    #[test]
    fn fields_are_local_patches_and_each_dendrite_feeds_one_soma() {
        let c = config();
        let fields = c.receptive_fields(3).unwrap();
        assert_eq!(fields.len(), 24);
        for f in &fields {
            assert_eq!(f.len(), 9);
            let (r0, c0) = (f[0] / 8, f[0] % 8);
            assert!(f
                .iter()
                .all(|&i| i / 8 >= r0 && i / 8 < r0 + 3 && i % 8 >= c0 && i % 8 < c0 + 3));
        }
        let net = c.init(3, &crate::cpu_device()).unwrap();
        let (m1, m2) = net.masks();
        for (k, f) in fields.iter().enumerate() {
            let seen: Vec<usize> = (0..64).filter(|&i| m1[i * 24 + k] == 1.0).collect();
            assert_eq!(&seen, f);
            let somata: Vec<usize> = (0..6).filter(|&s| m2[k * 6 + s] == 1.0).collect();
            assert_eq!(somata, vec![k / 4]);
        }
    }

    #[test]
    fn forward_has_the_right_shape_and_is_deterministic() {
        let device = crate::cpu_device();
        let (x, y) = toy(10);
        let a = config().init(5, &device).unwrap();
        let b = config().init(5, &device).unwrap();
        let c = config().init(6, &device).unwrap();
        let out = a.outputs(x.view()).unwrap();
        assert_eq!(out.dim(), (10, 3));
        assert_eq!(out, b.outputs(x.view()).unwrap());
        assert_ne!(out, c.outputs(x.view()).unwrap());
        let cfg = TrainConfig {
            optimizer: Optimizer::Adam,
            learning_rate: 0.01,
            epochs: 3,
            batch_size: 4,
            ..TrainConfig::default()
        };
        let data = Dataset::classification(x.view(), y.as_slice());
        let ta = fit(a, &data, None, &cfg).unwrap();
        let tb = fit(b, &data, None, &cfg).unwrap();
        assert_eq!(ta.history, tb.history);
        assert_eq!(ta.model.named_parameters(), tb.model.named_parameters());
    }

    #[test]
    fn masked_weights_stay_exactly_zero_while_training() {
        let device = crate::cpu_device();
        let (x, y) = toy(40);
        let net = config().init(1, &device).unwrap();
        let (m1, m2) = net.masks();
        let before = weight(&net, "dendrites.weight");
        let cfg = TrainConfig {
            optimizer: Optimizer::Adam,
            learning_rate: 0.05,
            weight_decay: 1e-3,
            epochs: 5,
            batch_size: 8,
            ..TrainConfig::default()
        };
        let data = Dataset::classification(x.view(), y.as_slice());
        let trained = fit(net, &data, None, &cfg).unwrap();
        let after = weight(&trained.model, "dendrites.weight");
        let soma = weight(&trained.model, "somata.weight");
        assert!(m1.iter().zip(&after).all(|(m, w)| *m == 1.0 || *w == 0.0));
        assert!(m2.iter().zip(&soma).all(|(m, w)| *m == 1.0 || *w == 0.0));
        // The connections that exist did learn.
        let moved = m1
            .iter()
            .zip(before.iter().zip(&after))
            .filter(|(m, (b, a))| **m == 1.0 && b != a)
            .count();
        assert!(moved > 100, "only {moved} weights changed");
        // Their gradients are zero too.
        let grads = trained.model.loss_gradients(&data).unwrap();
        let g = &grads.gradients[0].values;
        assert!(m1.iter().zip(g.iter()).all(|(m, g)| *m == 1.0 || *g == 0.0));
        assert!(g.iter().any(|g| *g != 0.0));
    }

    #[test]
    fn bad_architectures_are_errors() {
        let device = crate::cpu_device();
        let too_big = DendriticConfig {
            field: ReceptiveField::Local { size: 9, spread: 0 },
            ..config()
        };
        assert!(too_big.init(0, &device).is_err());
        let no_soma = DendriticConfig {
            somata: 0,
            ..config()
        };
        assert!(no_soma.init(0, &device).is_err());
        let random = DendriticConfig {
            field: ReceptiveField::Random { inputs: 65 },
            ..config()
        };
        assert!(random.receptive_fields(0).is_err());
    }
}
