//! Behaviour of ml4ns-neural: determinism, learning, gradients, early stopping, convolutional
//! networks, autoencoders and input checks.

mod common;

use common::{bars, moons, xor, Stream};
use ml4ns_neural::{
    cpu_device, evaluate, fit, pad_images, Activation, CnnConfig, ConvAutoencoderConfig, ConvLayer,
    Dataset, DenseAutoencoderConfig, History, ImageShape, LayerWeights, LeNet5, Mlp, Network,
    NeuralError, Optimizer, Pooling, TrainConfig,
};
use ndarray::{s, Array1, Array2, Axis};

fn adam(lr: f64, epochs: usize, batch_size: usize, seed: u64) -> TrainConfig {
    TrainConfig {
        optimizer: Optimizer::Adam,
        learning_rate: lr,
        epochs,
        batch_size,
        seed,
        ..TrainConfig::default()
    }
}

/// Everything a run produces that a report could print, with f64 bit patterns.
#[derive(Debug, PartialEq)]
struct Fingerprint {
    history: History,
    weights: Vec<Vec<u64>>,
    proba: Vec<u64>,
}

fn run_moons(seed: u64) -> Fingerprint {
    let device = cpu_device();
    let (x, y) = moons(120, 0.2, 1);
    let (xv, yv) = moons(60, 0.2, 2);
    let net = Mlp::new(&[2, 12, 12, 2], Activation::Tanh, seed, &device).unwrap();
    let config = TrainConfig {
        weight_decay: 1e-4,
        ..adam(0.02, 15, 16, seed)
    };
    let train = Dataset::classification(x.view(), y.view());
    let valid = Dataset::classification(xv.view(), yv.view());
    let trained = fit(net, &train, Some(&valid), &config).unwrap();
    let bits = |a: &[f64]| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    Fingerprint {
        weights: trained
            .model
            .named_parameters()
            .iter()
            .map(|p| bits(p.values.as_slice().unwrap()))
            .collect(),
        proba: bits(
            trained
                .model
                .predict_proba(xv.view())
                .unwrap()
                .as_slice()
                .unwrap(),
        ),
        history: trained.history,
    }
}

#[test]
fn same_seed_gives_bit_identical_history_weights_and_predictions() {
    let a = run_moons(7);
    let b = run_moons(7);
    assert_eq!(a, b);
    assert_eq!(a.history.epochs(), 15);
    assert_eq!(a.history.val_loss.len(), 15);
    assert_eq!(a.history.train_accuracy.len(), 15);
    let c = run_moons(8);
    assert_ne!(a.weights, c.weights, "another seed gives other weights");
}

#[test]
fn same_seed_is_bit_identical_across_parallel_threads() {
    let reference = run_moons(3);
    let runs: Vec<Fingerprint> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3).map(|_| scope.spawn(|| run_moons(3))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in runs {
        assert_eq!(run, reference);
    }
}

#[test]
fn initial_weights_follow_pytorch_bounds_and_the_seed() {
    let device = cpu_device();
    let a = Mlp::new(&[4, 3, 2], Activation::Relu, 0, &device).unwrap();
    let b = Mlp::new(&[4, 3, 2], Activation::Relu, 0, &device).unwrap();
    assert_eq!(a.weights(), b.weights());
    let w = a.weights();
    assert_eq!(w[0].weight.dim(), (4, 3));
    assert_eq!(w[1].bias.len(), 2);
    assert!(w[0].weight.iter().all(|v| v.abs() <= 0.5)); // 1/√4
    assert!(w[1].weight.iter().all(|v| v.abs() <= 1.0 / 3f64.sqrt()));
    assert_eq!(a.sizes(), vec![4, 3, 2]);
}

#[test]
fn mlp_learns_xor_and_moons_but_a_linear_stack_cannot() {
    let device = cpu_device();
    let (x, y) = xor(200, 4);
    let data = Dataset::classification(x.view(), y.view());
    let config = adam(0.02, 60, 32, 0);
    for activation in [
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu(0.01),
    ] {
        let net = Mlp::new(&[2, 16, 2], activation, 1, &device).unwrap();
        let trained = fit(net, &data, None, &config).unwrap();
        let acc = evaluate(&trained.model, &data).unwrap().accuracy.unwrap();
        assert!(acc >= 0.97, "{activation}: XOR accuracy {acc}");
    }
    let linear = Mlp::new(&[2, 16, 16, 2], Activation::Identity, 1, &device).unwrap();
    let trained = fit(linear, &data, None, &config).unwrap();
    let acc = evaluate(&trained.model, &data).unwrap().accuracy.unwrap();
    assert!(
        acc <= 0.8,
        "a linear stack cannot solve XOR, got accuracy {acc}"
    );

    let (x, y) = moons(200, 0.1, 5);
    let data = Dataset::classification(x.view(), y.view());
    let sgd = TrainConfig {
        optimizer: Optimizer::Sgd { momentum: 0.9 },
        ..adam(0.05, 60, 20, 0)
    };
    let net = Mlp::new(&[2, 16, 16, 2], Activation::Sigmoid, 2, &device).unwrap();
    let trained = fit(net, &data, None, &adam(0.02, 60, 20, 0)).unwrap();
    let pred = trained.model.predict(x.view()).unwrap();
    let acc = pred.iter().zip(&y).filter(|(p, t)| p == t).count() as f64 / 200.0;
    assert!(acc >= 0.95, "sigmoid MLP on moons: accuracy {acc}");
    assert_eq!(trained.history.train_accuracy.len(), 60);
    let net = Mlp::new(&[2, 16, 16, 2], Activation::Tanh, 2, &device).unwrap();
    let trained = fit(net, &data, None, &sgd).unwrap();
    let acc = evaluate(&trained.model, &data).unwrap().accuracy.unwrap();
    assert!(acc >= 0.95, "SGD + momentum on moons: accuracy {acc}");
    let linear = Mlp::new(&[2, 16, 2], Activation::Identity, 2, &device).unwrap();
    let trained = fit(linear, &data, None, &sgd).unwrap();
    let acc = evaluate(&trained.model, &data).unwrap().accuracy.unwrap();
    assert!(acc < 0.93, "linear on moons: accuracy {acc}");
}

/// Forward pass and mean loss of an MLP in f64, by hand.
fn host_loss(weights: &[LayerWeights], activation: Activation, data: &Dataset) -> f64 {
    let mut h = data.x.to_owned();
    for (i, l) in weights.iter().enumerate() {
        h = h.dot(&l.weight) + &l.bias;
        if i + 1 < weights.len() {
            h.mapv_inplace(|v| activation.apply_scalar(v));
        }
    }
    let n = h.nrows() as f64;
    match data.targets {
        ml4ns_neural::Targets::Classes(y) => {
            let mut loss = 0.0;
            for (row, &label) in h.outer_iter().zip(y.iter()) {
                let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                let lse = row.iter().map(|v| (v - max).exp()).sum::<f64>().ln() + max;
                loss += lse - row[label];
            }
            loss / n
        }
        ml4ns_neural::Targets::Values(t) => (&h - &t).mapv(|v| v * v).mean().unwrap(),
    }
}

#[test]
fn autodiff_gradients_match_finite_differences() {
    let device = cpu_device();
    let mut s = Stream::new(11);
    let x = Array2::from_shape_fn((6, 3), |_| s.uniform(-1.0, 1.0));
    let labels = Array1::from(vec![0usize, 1, 2, 1, 0, 2]);
    let values = Array2::from_shape_fn((6, 2), |_| s.uniform(-1.0, 1.0));
    let cases = [
        (
            Activation::Tanh,
            Dataset::classification(x.view(), labels.view()),
            3,
        ),
        (
            Activation::Sigmoid,
            Dataset::regression(x.view(), values.view()),
            2,
        ),
        (
            Activation::LeakyRelu(0.1),
            Dataset::regression(x.view(), values.view()),
            2,
        ),
    ];
    for (activation, data, n_out) in cases {
        let net = Mlp::new(&[3, 4, n_out], activation, 5, &device).unwrap();
        // Start from the network's own (f32-representable) weights, so that the host
        // computation sees exactly what burn sees.
        let weights = net.weights();
        let grads = net.gradients(&data).unwrap();
        let loss = host_loss(&weights, activation, &data);
        assert!(
            (grads.loss - loss).abs() < 1e-5,
            "{activation}: loss {} vs {loss}",
            grads.loss
        );
        let eps = 1e-5;
        for (li, layer) in weights.iter().enumerate() {
            for ((i, j), _) in layer.weight.indexed_iter() {
                let mut plus = weights.clone();
                plus[li].weight[[i, j]] += eps;
                let mut minus = weights.clone();
                minus[li].weight[[i, j]] -= eps;
                let fd = (host_loss(&plus, activation, &data)
                    - host_loss(&minus, activation, &data))
                    / (2.0 * eps);
                let ad = grads.layers[li].weight[[i, j]];
                assert!(
                    (fd - ad).abs() < 1e-5 + 1e-3 * fd.abs(),
                    "{activation} W{li}[{i},{j}]: {ad} vs {fd}"
                );
            }
            for j in 0..layer.bias.len() {
                let mut plus = weights.clone();
                plus[li].bias[j] += eps;
                let mut minus = weights.clone();
                minus[li].bias[j] -= eps;
                let fd = (host_loss(&plus, activation, &data)
                    - host_loss(&minus, activation, &data))
                    / (2.0 * eps);
                let ad = grads.layers[li].bias[j];
                assert!(
                    (fd - ad).abs() < 1e-5 + 1e-3 * fd.abs(),
                    "{activation} b{li}[{j}]: {ad} vs {fd}"
                );
            }
        }
    }
}

#[test]
fn weights_round_trip_and_named_parameters() {
    let device = cpu_device();
    let net = Mlp::new(&[3, 5, 2], Activation::Tanh, 9, &device).unwrap();
    let copy = Mlp::from_weights(&net.weights(), Activation::Tanh, &device).unwrap();
    assert_eq!(copy.weights(), net.weights());
    let x = Array2::from_shape_fn((4, 3), |(i, j)| (i as f64 - j as f64) / 3.0);
    assert_eq!(
        net.outputs(x.view()).unwrap(),
        copy.outputs(x.view()).unwrap()
    );
    let names: Vec<String> = net.named_parameters().into_iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "layers.0.weight",
            "layers.0.bias",
            "layers.1.weight",
            "layers.1.bias"
        ]
    );
    let lg = net
        .loss_gradients(&Dataset::classification(x.view(), &[0usize, 1, 1, 0][..]))
        .unwrap();
    assert_eq!(lg.gradients.len(), 4);
    assert_eq!(lg.gradients[0].values.shape(), &[3, 5]);
}

#[test]
fn early_stopping_restores_the_best_epoch() {
    let device = cpu_device();
    // A small noisy training set and a big network: it overfits, the validation loss turns up.
    let (x, y) = moons(24, 0.45, 21);
    let (xv, yv) = moons(200, 0.45, 22);
    let train = Dataset::classification(x.view(), y.view());
    let valid = Dataset::classification(xv.view(), yv.view());
    let config = TrainConfig {
        patience: Some(4),
        ..adam(0.005, 300, 8, 5)
    };
    let net = || Mlp::new(&[2, 48, 48, 2], Activation::Relu, 3, &device).unwrap();
    let trained = fit(net(), &train, Some(&valid), &config).unwrap();
    let h = &trained.history;
    let best = h.best_epoch.expect("a best epoch");
    assert!(h.stopped_early, "ran all {} epochs", h.epochs());
    assert!(
        best >= 3,
        "the validation loss should fall for a few epochs first: {h:?}"
    );
    assert_eq!(h.epochs(), best + 1 + 4);
    let min = h.val_loss.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(h.val_loss[best], min);
    assert!(h.val_loss[best + 1..].iter().all(|&v| v >= min));
    // The returned weights are the best epoch's: retraining for exactly best + 1 epochs gives
    // the same network, bit for bit.
    let again = TrainConfig {
        epochs: best + 1,
        patience: None,
        restore_best: false,
        ..config.clone()
    };
    let at_best = fit(net(), &train, Some(&valid), &again).unwrap();
    assert_eq!(at_best.history.val_loss[..], h.val_loss[..=best]);
    assert_eq!(
        trained.model.outputs(xv.view()).unwrap(),
        at_best.model.outputs(xv.view()).unwrap()
    );
    assert_eq!(evaluate(&trained.model, &valid).unwrap().loss, min);
    // Without restore, the last epoch's weights come back.
    let last = TrainConfig {
        restore_best: false,
        ..config
    };
    let last = fit(net(), &train, Some(&valid), &last).unwrap();
    assert_eq!(
        evaluate(&last.model, &valid).unwrap().loss,
        *h.val_loss.last().unwrap()
    );
}

#[test]
fn weight_decay_shrinks_weights() {
    let device = cpu_device();
    let (x, y) = moons(100, 0.2, 3);
    let data = Dataset::classification(x.view(), y.view());
    let norm = |m: &Mlp| -> f64 {
        m.weights()
            .iter()
            .map(|l| l.weight.mapv(|v| v * v).sum())
            .sum()
    };
    let run = |wd: f64| {
        let net = Mlp::new(&[2, 16, 2], Activation::Tanh, 0, &device).unwrap();
        let config = TrainConfig {
            weight_decay: wd,
            optimizer: Optimizer::Sgd { momentum: 0.5 },
            ..adam(0.1, 20, 25, 0)
        };
        norm(&fit(net, &data, None, &config).unwrap().model)
    };
    assert!(run(0.05) < 0.8 * run(0.0));
}

#[test]
fn lenet5_shapes_and_training_lower_the_loss() {
    let device = cpu_device();
    let config = CnnConfig::lenet5(10);
    let shapes = config.feature_shapes().unwrap();
    assert_eq!(
        shapes,
        vec![ImageShape::new(6, 14, 14), ImageShape::new(16, 5, 5)]
    );
    let net = LeNet5::new(2, 0, &device).unwrap();
    assert_eq!((net.n_inputs(), net.n_outputs()), (1024, 2));
    let n_params: usize = net.named_parameters().iter().map(|p| p.values.len()).sum();
    assert_eq!(n_params, 156 + 2416 + 48120 + 10164 + 170);

    // 8×8 bar images padded to 32×32.
    let (x8, y) = bars(24, 8, 1);
    let x = pad_images(x8.view(), ImageShape::gray(8, 8), 32, 32, 0.0).unwrap();
    assert_eq!(x.dim(), (24, 1024));
    assert_eq!(net.outputs(x.view()).unwrap().dim(), (24, 2));
    let maps = net.cnn().feature_maps(ml4ns_neural::Tensor::<2>::from_data(
        burn_tensor_data(&x.slice(s![..3, ..]).to_owned()),
        &device,
    ));
    assert_eq!(maps[0].dims(), [3, 6, 14, 14]);
    assert_eq!(maps[1].dims(), [3, 16, 5, 5]);

    let data = Dataset::classification(x.view(), y.view());
    let before = evaluate(&net, &data).unwrap().loss;
    let trained = fit(net, &data, None, &adam(2e-3, 3, 8, 0)).unwrap();
    let after = evaluate(&trained.model, &data).unwrap().loss;
    assert!(after < before, "LeNet-5 loss {before} -> {after}");

    let sigmoid_avg = LeNet5::with_config(
        CnnConfig::lenet5(2).with_activation(Activation::Sigmoid),
        0,
        &device,
    )
    .unwrap();
    assert_eq!(sigmoid_avg.outputs(x.view()).unwrap().dim(), (24, 2));
}

fn burn_tensor_data(a: &Array2<f64>) -> burn::tensor::TensorData {
    burn::tensor::TensorData::new(
        a.iter().map(|&v| v as f32).collect::<Vec<_>>(),
        [a.nrows(), a.ncols()],
    )
}

#[test]
fn small_cnn_learns_bars() {
    let device = cpu_device();
    let (x, y) = bars(40, 8, 2);
    let config = CnnConfig {
        input: ImageShape::gray(8, 8),
        conv: vec![
            ConvLayer::new(4, 3).with_padding(1),
            ConvLayer::new(8, 3)
                .with_padding(1)
                .with_pool(Some(Pooling::Avg)),
        ],
        hidden: vec![16],
        n_outputs: 2,
        activation: Activation::Relu,
    };
    let net = config.init(0, &device).unwrap();
    let data = Dataset::classification(x.view(), y.view());
    let trained = fit(net, &data, None, &adam(0.01, 15, 8, 0)).unwrap();
    let acc = evaluate(&trained.model, &data).unwrap().accuracy.unwrap();
    assert!(acc >= 0.9, "CNN on bars: accuracy {acc}");
}

#[test]
fn autoencoder_losses_fall() {
    let device = cpu_device();
    let (x, _) = bars(64, 8, 3);
    let data = Dataset::reconstruction(x.view());

    let dense = DenseAutoencoderConfig::new(&[64, 32, 8], Activation::Relu)
        .with_output_activation(Activation::Sigmoid)
        .init(0, &device)
        .unwrap();
    assert_eq!(dense.code_size(), 8);
    let before = evaluate(&dense, &data).unwrap().loss;
    let trained = fit(dense, &data, None, &adam(0.01, 40, 16, 0)).unwrap();
    let after = evaluate(&trained.model, &data).unwrap().loss;
    assert!(
        after < 0.5 * before,
        "dense autoencoder: {before} -> {after}"
    );
    assert_eq!(trained.model.encode(x.view()).unwrap().dim(), (64, 8));
    assert_eq!(trained.model.reconstruct(x.view()).unwrap().dim(), (64, 64));
    assert!(trained.history.train_accuracy.is_empty());

    let conv_config = ConvAutoencoderConfig::new(ImageShape::gray(8, 8), &[8, 4]);
    assert_eq!(conv_config.code_shape(), ImageShape::new(4, 2, 2));
    let conv = conv_config.init(0, &device).unwrap();
    let before = evaluate(&conv, &data).unwrap().loss;
    let trained = fit(conv, &data, None, &adam(0.01, 40, 16, 0)).unwrap();
    let after = evaluate(&trained.model, &data).unwrap().loss;
    assert!(
        after < 0.5 * before,
        "conv autoencoder: {before} -> {after}"
    );
    assert_eq!(trained.model.encode(x.view()).unwrap().dim(), (64, 16));
    assert_eq!(trained.model.reconstruct(x.view()).unwrap().dim(), (64, 64));
}

#[test]
fn activations_agree_with_their_scalar_forms() {
    let device = cpu_device();
    let xs: Vec<f64> = (-20..=20).map(|i| i as f64 / 4.0).collect();
    for a in [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu(0.2),
        Activation::Identity,
    ] {
        let t = ml4ns_neural::Tensor::<1>::from_data(
            burn::tensor::TensorData::new(
                xs.iter().map(|&v| v as f32).collect::<Vec<_>>(),
                [xs.len()],
            ),
            &device,
        );
        let got: Vec<f32> = a.apply(t).into_data().try_into_vec::<f32>().unwrap();
        for (&x, &g) in xs.iter().zip(&got) {
            assert!((a.apply_scalar(x) - g as f64).abs() < 1e-6, "{a} at {x}");
            if x != 0.0 {
                let fd = (a.apply_scalar(x + 1e-6) - a.apply_scalar(x - 1e-6)) / 2e-6;
                assert!((a.derivative_scalar(x) - fd).abs() < 1e-5, "{a}' at {x}");
            }
        }
    }
    assert_eq!(Activation::LeakyRelu(0.01).to_string(), "leaky_relu(0.01)");
    assert_eq!(Activation::default(), Activation::Relu);
}

#[test]
fn pad_images_centres() {
    let x = Array2::from_shape_fn((2, 4), |(i, j)| (i * 4 + j + 1) as f64);
    let p = pad_images(x.view(), ImageShape::gray(2, 2), 4, 5, 0.0).unwrap();
    let img = p.row(1).to_owned().into_shape_with_order((4, 5)).unwrap();
    assert_eq!(img.row(1).to_vec(), vec![0.0, 5.0, 6.0, 0.0, 0.0]);
    assert_eq!(img.row(2).to_vec(), vec![0.0, 7.0, 8.0, 0.0, 0.0]);
    assert_eq!(img.sum(), 26.0);
}

#[test]
fn dataset_from_table_and_regression() {
    let device = cpu_device();
    let table = ml4ns_data_io::synth::moons(50, 0.1, 0).table().unwrap();
    let data = Dataset::from_table(&table).unwrap();
    assert!(data.is_classification());
    assert_eq!(data.len(), 50);

    // y = sin(x) regression.
    let x = Array2::from_shape_fn((64, 1), |(i, _)| i as f64 / 10.0 - 3.2);
    let y = x.mapv(f64::sin);
    let data = Dataset::regression(x.view(), y.view());
    let net = Mlp::new(&[1, 24, 1], Activation::Tanh, 0, &device).unwrap();
    let trained = fit(net, &data, None, &adam(0.02, 150, 16, 0)).unwrap();
    let mse = evaluate(&trained.model, &data).unwrap();
    assert!(mse.accuracy.is_none());
    assert!(mse.loss < 0.01, "sin regression MSE {}", mse.loss);
    assert_eq!(trained.model.outputs(x.view()).unwrap().len_of(Axis(1)), 1);
}

fn config_error<T: std::fmt::Debug>(r: Result<T, NeuralError>) -> String {
    match r {
        Err(e @ NeuralError::InvalidConfig(_)) => e.to_string(),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

fn data_error<T: std::fmt::Debug>(r: Result<T, NeuralError>) -> String {
    match r {
        Err(e @ NeuralError::InvalidData(_)) => e.to_string(),
        other => panic!("expected a data error, got {other:?}"),
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let device = cpu_device();
    let net = || Mlp::new(&[2, 4, 3], Activation::Relu, 0, &device).unwrap();
    let x = Array2::<f64>::zeros((4, 2));
    let y = [0usize, 1, 2, 1];
    let cfg = adam(0.01, 2, 2, 0);

    // Architectures.
    assert!(config_error(Mlp::new(&[3], Activation::Relu, 0, &device)).contains("at least two"));
    assert!(config_error(Mlp::new(&[3, 0, 2], Activation::Relu, 0, &device)).contains("positive"));
    assert!(config_error(Mlp::new(
        &[3, 2],
        Activation::LeakyRelu(f64::NAN),
        0,
        &device
    ))
    .contains("slope"));
    let bad = vec![
        LayerWeights {
            weight: Array2::zeros((2, 4)),
            bias: Array1::zeros(4),
        },
        LayerWeights {
            weight: Array2::zeros((5, 3)),
            bias: Array1::zeros(3),
        },
    ];
    assert!(
        config_error(Mlp::from_weights(&bad, Activation::Relu, &device))
            .contains("layer 1 takes 5")
    );
    let mut cnn = CnnConfig::lenet5(10);
    cnn.input = ImageShape::gray(8, 8);
    assert!(config_error(cnn.init(0, &device)).contains("does not fit"));
    assert!(config_error(
        ConvAutoencoderConfig::new(ImageShape::gray(6, 6), &[4, 4]).init(0, &device)
    )
    .contains("multiples of 4"));
    assert!(config_error(
        ConvAutoencoderConfig::new(ImageShape::gray(8, 8), &[4, 4, 4, 4]).init(0, &device)
    )
    .contains("do not fit"));

    // Training settings.
    let data = Dataset::classification(x.view(), &y[..]);
    for (bad_cfg, needle) in [
        (
            TrainConfig {
                learning_rate: 0.0,
                ..cfg.clone()
            },
            "learning rate",
        ),
        (
            TrainConfig {
                batch_size: 0,
                ..cfg.clone()
            },
            "batch size",
        ),
        (
            TrainConfig {
                epochs: 0,
                ..cfg.clone()
            },
            "epochs",
        ),
        (
            TrainConfig {
                weight_decay: -1.0,
                ..cfg.clone()
            },
            "weight decay",
        ),
        (
            TrainConfig {
                optimizer: Optimizer::Sgd { momentum: 1.0 },
                ..cfg.clone()
            },
            "momentum",
        ),
        (
            TrainConfig {
                patience: Some(3),
                ..cfg.clone()
            },
            "validation set",
        ),
    ] {
        let msg = config_error(fit(net(), &data, None, &bad_cfg));
        assert!(msg.contains(needle), "{msg}");
    }

    // Data.
    let wide = Array2::<f64>::zeros((4, 3));
    assert!(data_error(fit(
        net(),
        &Dataset::classification(wide.view(), &y[..]),
        None,
        &cfg
    ))
    .contains("expects 2"));
    let empty = Array2::<f64>::zeros((0, 2));
    assert!(data_error(fit(
        net(),
        &Dataset::classification(empty.view(), &[][..]),
        None,
        &cfg
    ))
    .contains("no rows"));
    assert!(data_error(fit(
        net(),
        &Dataset::classification(x.view(), &[0usize, 1][..]),
        None,
        &cfg
    ))
    .contains("2 class labels"));
    assert!(data_error(fit(
        net(),
        &Dataset::classification(x.view(), &[0usize, 1, 3, 0][..]),
        None,
        &cfg
    ))
    .contains("class 3"));
    let mut nan = x.clone();
    nan[[2, 1]] = f64::NAN;
    assert!(data_error(fit(
        net(),
        &Dataset::classification(nan.view(), &y[..]),
        None,
        &cfg
    ))
    .contains("row 2, column 1"));
    let values = Array2::<f64>::zeros((4, 2));
    assert!(data_error(fit(
        net(),
        &Dataset::regression(x.view(), values.view()),
        None,
        &cfg
    ))
    .contains("3 outputs"));
    let valid_values = Array2::<f64>::zeros((4, 3));
    let v = Dataset::regression(x.view(), valid_values.view());
    assert!(data_error(fit(net(), &data, Some(&v), &cfg)).contains("same kind"));
    assert!(data_error(net().predict(wide.view())).contains("expects 2"));
    assert!(
        data_error(LeNet5::new(10, 0, &device).unwrap().predict(x.view())).contains("expects 1024")
    );
    assert!(
        data_error(pad_images(x.view(), ImageShape::gray(2, 2), 4, 4, 0.0))
            .contains("need 4 columns")
    );
    let one_output = Mlp::new(&[2, 1], Activation::Relu, 0, &device).unwrap();
    assert!(data_error(fit(one_output, &data, None, &cfg)).contains("at least 2 outputs"));
    let table = ml4ns_data_io::Table::from_features("t", Array2::zeros((3, 1)), vec!["a".into()]);
    if let Ok(table) = table {
        assert!(data_error(Dataset::from_table(&table)).contains("no target"));
    }

    // Divergence.
    let big = Array2::from_elem((4, 1), 1e4);
    let reg = Mlp::new(&[2, 4, 1], Activation::Relu, 0, &device).unwrap();
    let ones = Array2::<f64>::ones((4, 2));
    let r = fit(
        reg,
        &Dataset::regression(ones.view(), big.view()),
        None,
        &TrainConfig {
            optimizer: Optimizer::Sgd { momentum: 0.0 },
            learning_rate: 10.0,
            epochs: 50,
            ..cfg
        },
    );
    assert!(matches!(r, Err(NeuralError::Diverged { .. })), "{r:?}");
}
