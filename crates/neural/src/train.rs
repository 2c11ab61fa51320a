//! The training loop: mini-batch SGD (with momentum) or Adam, weight decay, seeded shuffling,
//! early stopping on the validation loss and restore of the best epoch's weights.

use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use ndarray::ArrayView1;

use crate::data::{tensor_values, Dataset, Targets};
use crate::error::{config_err, data_err, NeuralError, Result};
use crate::network::{argmax_rows, batch_tensors, host_loss, loss_tensor, Network};
use crate::rng::{Purpose, SeedStream};

/// The update rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    /// Stochastic gradient descent with (heavy-ball) momentum, as PyTorch's `SGD` with
    /// `dampening = 0`, `nesterov = False`; `momentum = 0` is plain SGD.
    Sgd {
        /// Momentum coefficient in `[0, 1)`.
        momentum: f64,
    },
    /// Adam with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (burn's own default ε is
    /// 1e-5; this crate sets PyTorch's).
    Adam,
}

impl Optimizer {
    fn build(&self, weight_decay: f64) -> ModuleOptimizer {
        let decay = (weight_decay > 0.0).then(|| WeightDecayConfig::new(weight_decay as f32));
        match *self {
            Optimizer::Sgd { momentum } => {
                let momentum = (momentum > 0.0).then(|| {
                    MomentumConfig::new()
                        .with_momentum(momentum)
                        .with_dampening(0.0)
                        .with_nesterov(false)
                });
                SgdConfig::new()
                    .with_momentum(momentum)
                    .with_weight_decay(decay)
                    .init()
            }
            Optimizer::Adam => AdamConfig::new()
                .with_beta_1(0.9)
                .with_beta_2(0.999)
                .with_epsilon(1e-8)
                .with_weight_decay(decay)
                .init(),
        }
    }
}

/// Training settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// The update rule.
    pub optimizer: Optimizer,
    /// Step size (> 0).
    pub learning_rate: f64,
    /// L2 penalty added to the gradient (`grad + weight_decay · w`, PyTorch's `weight_decay`
    /// for SGD and Adam); 0 for none.
    pub weight_decay: f64,
    /// Rows per mini-batch (the last batch of an epoch may be smaller).
    pub batch_size: usize,
    /// Maximum number of passes over the training rows.
    pub epochs: usize,
    /// Seed of the mini-batch order (the weights' seed is given when the network is built).
    pub seed: u64,
    /// Shuffle the training rows before every epoch (otherwise batches follow row order).
    pub shuffle: bool,
    /// Early stopping: stop once the validation loss has not improved for this many epochs
    /// (needs a validation set).
    pub patience: Option<usize>,
    /// With a validation set, return the weights of the epoch with the lowest validation
    /// loss rather than those of the last epoch.
    pub restore_best: bool,
}

impl Default for TrainConfig {
    /// Adam, learning rate 1e-3, no weight decay, batches of 32, 100 epochs, seed 0, shuffled,
    /// no early stopping, best weights restored when there is a validation set.
    fn default() -> Self {
        TrainConfig {
            optimizer: Optimizer::Adam,
            learning_rate: 1e-3,
            weight_decay: 0.0,
            batch_size: 32,
            epochs: 100,
            seed: 0,
            shuffle: true,
            patience: None,
            restore_best: true,
        }
    }
}

impl TrainConfig {
    /// Checks every setting.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidConfig`] when the learning rate is not positive and finite,
    /// the weight decay is negative or not finite, an SGD momentum is outside `[0, 1)`,
    /// `batch_size` or `epochs` is 0, or `patience` is `Some(0)`.
    pub fn check(&self) -> Result<()> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(config_err(format!(
                "the learning rate must be positive and finite, got {}",
                self.learning_rate
            )));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(config_err(format!(
                "the weight decay must be ≥ 0 and finite, got {}",
                self.weight_decay
            )));
        }
        if let Optimizer::Sgd { momentum } = self.optimizer {
            if !(0.0..1.0).contains(&momentum) {
                return Err(config_err(format!(
                    "the momentum must be in [0, 1), got {momentum}"
                )));
            }
        }
        if self.batch_size == 0 {
            return Err(config_err("the batch size must be at least 1"));
        }
        if self.epochs == 0 {
            return Err(config_err("the number of epochs must be at least 1"));
        }
        if self.patience == Some(0) {
            return Err(config_err(
                "the early-stopping patience must be at least 1 epoch",
            ));
        }
        Ok(())
    }
}

/// Per-epoch record of a training run (index `e` is epoch `e + 1`).
///
/// `train_loss` and `train_accuracy` are running values: the mean over the epoch's
/// mini-batches, each computed with the weights in force when the batch was seen (as Keras and
/// the usual PyTorch loops report them). `val_loss` and `val_accuracy` are computed on the
/// whole validation set after the epoch. Accuracies are empty for value targets; validation
/// entries are empty without a validation set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Mean training loss of each epoch.
    pub train_loss: Vec<f64>,
    /// Validation loss after each epoch.
    pub val_loss: Vec<f64>,
    /// Training accuracy of each epoch (classification).
    pub train_accuracy: Vec<f64>,
    /// Validation accuracy after each epoch (classification).
    pub val_accuracy: Vec<f64>,
    /// Index of the epoch with the lowest validation loss (the first of equals), if there is
    /// a validation set.
    pub best_epoch: Option<usize>,
    /// Whether early stopping ended the run before `epochs`.
    pub stopped_early: bool,
}

impl History {
    /// Number of epochs run.
    pub fn epochs(&self) -> usize {
        self.train_loss.len()
    }
}

/// A trained network (on its original, non-autodiff device) and its history.
#[derive(Debug, Clone)]
pub struct Trained<M> {
    /// The network: the best epoch's weights if they were restored, else the last epoch's.
    pub model: M,
    /// What happened, epoch by epoch.
    pub history: History,
}

/// Loss (and accuracy for class targets) of a network on a data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// Mean loss: cross-entropy for class targets, mean squared error for values.
    pub loss: f64,
    /// Fraction of rows classified correctly (class targets only).
    pub accuracy: Option<f64>,
}

/// Mean loss and accuracy of `model` on `data`, without autodiff (outputs computed in f32,
/// loss in f64).
///
/// # Errors
///
/// Returns [`NeuralError::InvalidData`] when `data` does not fit `model` (empty, wrong widths, row
/// counts that differ, class labels out of range, fewer than 2 outputs for class targets,
/// non-finite values), as for [`Network::loss_gradients`].
pub fn evaluate<M: Network>(model: &M, data: &Dataset<'_>) -> Result<Evaluation> {
    data.check(model.n_inputs(), model.n_outputs(), "evaluation")?;
    let outputs = model.outputs(data.x)?;
    let (loss, accuracy) = host_loss(&outputs, &data.targets);
    Ok(Evaluation { loss, accuracy })
}

/// Trains `model` on `train`, optionally watching `validation`, as `config` says.
///
/// The network is moved to its device's autodiff twin (`Module::train`) for the run and
/// returned on its original device. Deterministic: the result depends only on the network's
/// initial weights, the data and `config` (burn's global RNG is never used).
///
/// # Errors
/// Invalid settings, data that do not fit the network (widths, row counts, class indices out
/// of range, non-finite values, empty sets), early stopping without a validation set,
/// validation targets of another kind than the training targets, and a training loss that
/// becomes NaN or infinite ([`NeuralError::Diverged`]).
pub fn fit<M: Network>(
    model: M,
    train: &Dataset<'_>,
    validation: Option<&Dataset<'_>>,
    config: &TrainConfig,
) -> Result<Trained<M>> {
    config.check()?;
    let (n_in, n_out) = (model.n_inputs(), model.n_outputs());
    train.check(n_in, n_out, "training")?;
    if let Some(v) = validation {
        v.check(n_in, n_out, "validation")?;
        if v.is_classification() != train.is_classification() {
            return Err(data_err(
                "the validation targets must be of the same kind as the training targets \
                 (class indices or values)",
            ));
        }
    } else if config.patience.is_some() {
        return Err(config_err(
            "early stopping (patience) needs a validation set",
        ));
    }

    let classification = train.is_classification();
    let labels: Option<ArrayView1<'_, usize>> = match train.targets {
        Targets::Classes(y) => Some(y),
        Targets::Values(_) => None,
    };
    let mut model = model.train();
    let device = model.device();
    let mut optim = config.optimizer.build(config.weight_decay);
    let mut rng = SeedStream::new(config.seed, Purpose::Shuffle);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut history = History::default();
    let mut best: Option<(f64, M)> = None;
    let mut since_best = 0usize;

    for epoch in 0..config.epochs {
        if config.shuffle {
            rng.shuffle(&mut order);
        }
        let (mut loss_sum, mut correct) = (0.0f64, 0usize);
        for batch in order.chunks(config.batch_size) {
            let (x, y) = batch_tensors(train, batch, n_out, &device);
            let output = model.forward(x);
            if let Some(labels) = labels {
                let logits = crate::data::tensor_to_array2(output.clone().detach());
                let pred = argmax_rows(&logits);
                correct += batch
                    .iter()
                    .zip(pred.iter())
                    .filter(|(&r, &p)| labels[r] == p)
                    .count();
            }
            let loss = loss_tensor(output, y, classification);
            loss_sum += tensor_values(loss.clone().detach())[0] * batch.len() as f64;
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(config.learning_rate, model, grads);
        }
        let n = train.len() as f64;
        let train_loss = loss_sum / n;
        if !train_loss.is_finite() {
            return Err(NeuralError::Diverged {
                epoch: epoch + 1,
                loss: train_loss,
            });
        }
        history.train_loss.push(train_loss);
        if classification {
            history.train_accuracy.push(correct as f64 / n);
        }

        if let Some(v) = validation {
            let eval = evaluate(&model, v)?;
            history.val_loss.push(eval.loss);
            if let Some(acc) = eval.accuracy {
                history.val_accuracy.push(acc);
            }
            if best.as_ref().is_none_or(|(b, _)| eval.loss < *b) {
                best = Some((eval.loss, model.clone()));
                history.best_epoch = Some(epoch);
                since_best = 0;
            } else {
                since_best += 1;
                if config.patience.is_some_and(|p| since_best >= p) {
                    history.stopped_early = epoch + 1 < config.epochs;
                    break;
                }
            }
        }
    }

    let model = match best {
        Some((_, best_model)) if config.restore_best => best_model,
        _ => model,
    };
    Ok(Trained {
        model: model.valid(),
        history,
    })
}
