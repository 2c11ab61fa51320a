//! 20 — neural networks: activations, backpropagation by hand (checked against finite
//! differences and burn's autodiff), fitting a line by SGD, why a network needs a
//! non-linearity, and the learning rate.

use ml4ns_data_io::synth::{self, SynthRng};
use ml4ns_neural::{
    cpu_device, fit, Activation, Dataset, LayerWeights, Mlp, Network, NeuralError, Optimizer,
    TrainConfig,
};
use ml4ns_reporting::figure::{LineOptions, Regions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics as m;
use ndarray::{Array1, Array2, Axis};

use crate::common::{codes, one_split, padded_range, train_test};
use crate::{Context, TopicError};

const ID: &str = "20-neural-networks";

/// Loss and gradients of a one-hidden-layer tanh network with softmax cross-entropy (mean
/// over rows), by hand-written backpropagation in f64.
struct Backprop {
    loss: f64,
    grads: [Array2<f64>; 2],
    bias_grads: [Array1<f64>; 2],
}

fn backprop(x: &Array2<f64>, y: &[usize], w: &[LayerWeights; 2]) -> Backprop {
    let n = x.nrows() as f64;
    // Forward.
    let z1 = x.dot(&w[0].weight) + &w[0].bias;
    let a1 = z1.mapv(f64::tanh);
    let z2 = a1.dot(&w[1].weight) + &w[1].bias;
    let mut p = z2.clone();
    for mut row in p.rows_mut() {
        let m = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        row.mapv_inplace(|v| (v - m).exp());
        let s = row.sum();
        row.mapv_inplace(|v| v / s);
    }
    let loss = -y
        .iter()
        .enumerate()
        .map(|(i, &c)| p[[i, c]].ln())
        .sum::<f64>()
        / n;
    // Backward: ∂L/∂z2 = (p − onehot)/n; ∂L/∂z1 = (∂L/∂z2 · W2ᵀ) ⊙ (1 − tanh²).
    let mut dz2 = p;
    for (i, &c) in y.iter().enumerate() {
        dz2[[i, c]] -= 1.0;
    }
    dz2 /= n;
    let dw2 = a1.t().dot(&dz2);
    let db2 = dz2.sum_axis(Axis(0));
    let da1 = dz2.dot(&w[1].weight.t());
    let dz1 = da1 * a1.mapv(|a| 1.0 - a * a);
    let dw1 = x.t().dot(&dz1);
    let db1 = dz1.sum_axis(Axis(0));
    Backprop {
        loss,
        grads: [dw1, dw2],
        bias_grads: [db1, db2],
    }
}

fn max_rel(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / x.abs().max(y.abs()).max(1e-3))
        .fold(0.0, f64::max)
}

fn train_config(optimizer: Optimizer, lr: f64, epochs: usize) -> TrainConfig {
    TrainConfig {
        optimizer,
        learning_rate: lr,
        batch_size: 32,
        epochs,
        seed: 0,
        ..TrainConfig::default()
    }
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Neural networks",
        "What does a neural network compute, how does backpropagation get its gradients, and \
         why does it need a non-linearity and a sensible learning rate?",
    );
    report.data = format!(
        "- `moons` (600 points, noise 0.2, seed {seed}), split 75/25 stratified \
         (`random_state=0`).\n\
         - A line y = 3x + 2 + N(0, 0.2²), 200 points with x uniform on [−1, 1] (this topic's \
         seeded generator, seed 20).\n\
         - Networks are `ml4ns-neural` on burn's CPU backend (f32); weights start from the \
         seeded PyTorch-style initialisation; the hand-written backpropagation is f64 \
         ndarray.\n",
        seed = synth::COMMITTED_SEED
    );
    let device = cpu_device();

    // 1. Activations.
    let acts = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu(0.1),
    ];
    let xs: Vec<f64> = (0..100).map(|i| -4.95 + 0.1 * i as f64).collect();
    let mut worst_fd: f64 = 0.0;
    let mut act_series = Vec::new();
    let mut der_series = Vec::new();
    for a in acts {
        for &x in &xs {
            let h = 1e-6;
            let fd = (a.apply_scalar(x + h) - a.apply_scalar(x - h)) / (2.0 * h);
            worst_fd = worst_fd.max((fd - a.derivative_scalar(x)).abs());
        }
        act_series.push(Series::new(
            a.name(),
            xs.iter().map(|&x| (x, a.apply_scalar(x))).collect(),
        ));
        der_series.push(Series::new(
            a.name(),
            xs.iter().map(|&x| (x, a.derivative_scalar(x))).collect(),
        ));
    }
    report.checks.push(Check::at_most(
        "each activation's derivative matches central finite differences on [−5, 5]",
        worst_fd,
        1e-6,
        9,
    ));
    let sig_max = xs
        .iter()
        .map(|&x| Activation::Sigmoid.derivative_scalar(x))
        .fold(0.0, f64::max);
    report.checks.push(Check::at_most(
        "the sigmoid's slope never exceeds 1/4 (gradients shrink through every sigmoid layer)",
        sig_max,
        0.25,
        4,
    ));

    // 2. Backpropagation by hand vs finite differences vs autodiff.
    let moons = synth::moons(600, 0.2, synth::COMMITTED_SEED).table()?;
    let batch: Vec<usize> = (0..20).collect();
    let xb = moons.x.select(Axis(0), &batch);
    let yb: Vec<usize> = codes(&moons)?.into_iter().take(20).collect();
    let init = Mlp::new(&[2, 5, 2], Activation::Tanh, 7, &device)?;
    // Round-trip through f32 so both computations start from identical weights.
    let w0: [LayerWeights; 2] = init
        .weights()
        .try_into()
        .map_err(|_| "a 2-layer network has two layers")?;
    let hand = backprop(&xb, &yb, &w0);
    let h = 1e-6;
    let mut fd_err: f64 = 0.0;
    for layer in 0..2 {
        let (r, c) = w0[layer].weight.dim();
        let mut fd = Array2::zeros((r, c));
        for i in 0..r {
            for j in 0..c {
                let (mut up, mut down) = (w0.clone(), w0.clone());
                up[layer].weight[[i, j]] += h;
                down[layer].weight[[i, j]] -= h;
                fd[[i, j]] =
                    (backprop(&xb, &yb, &up).loss - backprop(&xb, &yb, &down).loss) / (2.0 * h);
            }
        }
        fd_err = fd_err.max(max_rel(&hand.grads[layer], &fd));
    }
    report.checks.push(Check::at_most(
        "hand-written backpropagation matches finite differences (largest relative error over \
         both weight matrices)",
        fd_err,
        1e-6,
        9,
    ));
    let auto = init.gradients(&Dataset::classification(xb.view(), yb.as_slice()))?;
    let mut ad_err: f64 = (auto.loss - hand.loss).abs() / hand.loss;
    for layer in 0..2 {
        ad_err = ad_err.max(max_rel(&hand.grads[layer], &auto.layers[layer].weight));
        let hb = hand.bias_grads[layer].clone().insert_axis(Axis(0));
        let ab = auto.layers[layer].bias.clone().insert_axis(Axis(0));
        ad_err = ad_err.max(max_rel(&hb, &ab));
    }
    report.checks.push(Check::at_most(
        "burn's autodiff gives the same loss and gradients as the f64 hand computation (largest \
         relative error; burn computes in f32)",
        ad_err,
        1e-4,
        7,
    ));

    // 3. A line by SGD.
    let mut rng = SynthRng::new(20, 0);
    let n_line = 200;
    let lx: Vec<f64> = (0..n_line).map(|_| rng.uniform_range(-1.0, 1.0)).collect();
    let ly: Vec<f64> = lx
        .iter()
        .map(|&x| 3.0 * x + 2.0 + rng.normal(0.0, 0.2))
        .collect();
    let lx = Array2::from_shape_vec((n_line, 1), lx)?;
    let ly = Array2::from_shape_vec((n_line, 1), ly)?;
    let line = Mlp::new(&[1, 1], Activation::Identity, 0, &device)?;
    let trained = fit(
        line,
        &Dataset::regression(lx.view(), ly.view()),
        None,
        &TrainConfig {
            optimizer: Optimizer::Sgd { momentum: 0.0 },
            learning_rate: 0.1,
            batch_size: 20,
            epochs: 50,
            seed: 0,
            ..TrainConfig::default()
        },
    )?;
    let w = trained.model.weights();
    let (m, c) = (w[0].weight[[0, 0]], w[0].bias[0]);
    // Least squares for comparison.
    let xm = lx.mean().unwrap_or(0.0);
    let ym = ly.mean().unwrap_or(0.0);
    let sxy: f64 = lx
        .iter()
        .zip(ly.iter())
        .map(|(a, b)| (a - xm) * (b - ym))
        .sum();
    let sxx: f64 = lx.iter().map(|a| (a - xm) * (a - xm)).sum();
    let (m_ols, c_ols) = (sxy / sxx, ym - sxy / sxx * xm);
    report.checks.push(Check::close(
        "SGD recovers the slope (true 3)",
        m,
        3.0,
        0.1,
        4,
    ));
    report.checks.push(Check::close(
        "SGD recovers the intercept (true 2)",
        c,
        2.0,
        0.1,
        4,
    ));
    report.checks.push(Check::at_most(
        "and lands on least squares' answer (largest difference in m or c)",
        (m - m_ols).abs().max((c - c_ols).abs()),
        0.02,
        4,
    ));
    report.metrics.push(Metric::new("SGD slope m", m, 4));
    report.metrics.push(Metric::new("SGD intercept c", c, 4));
    let line_loss: Vec<(f64, f64)> = trained
        .history
        .train_loss
        .iter()
        .enumerate()
        .map(|(e, &l)| ((e + 1) as f64, l))
        .collect();

    // 4. Linear stack vs ReLU network on moons.
    let split = one_split(
        "stratified_shuffle_split:n_splits=1,test_size=0.25,random_state=0",
        &moons,
    )?;
    let (train, test) = train_test(&moons, &split);
    let (ytr, yte) = (codes(&train)?, codes(&test)?);
    let tr = Dataset::classification(train.x.view(), ytr.as_slice());
    let (x0, x1) = padded_range(&moons.x, 0, 0.08);
    let (y0, y1) = padded_range(&moons.x, 1, 0.08);
    let (gx, gy) = (80usize, 60usize);
    let grid = Array2::from_shape_fn((gx * gy, 2), |(k, d)| {
        let (i, j) = (k % gx, k / gx);
        if d == 0 {
            x0 + (i as f64 + 0.5) * (x1 - x0) / gx as f64
        } else {
            y0 + (j as f64 + 0.5) * (y1 - y0) / gy as f64
        }
    });
    let mut net_table = T::new([
        "network",
        "final training loss",
        "training accuracy",
        "test accuracy",
    ]);
    let mut nets = Vec::new();
    for (name, act) in [
        ("linear stack (no activation)", Activation::Identity),
        ("ReLU network", Activation::Relu),
    ] {
        let net = Mlp::new(&[2, 16, 16, 2], act, 1, &device)?;
        let t = fit(net, &tr, None, &train_config(Optimizer::Adam, 0.01, 100))?;
        let loss = t.history.train_loss[t.history.train_loss.len() - 1];
        let acc_tr = m::accuracy(&ytr, &t.model.predict(train.x.view())?.to_vec())?;
        let acc_te = m::accuracy(&yte, &t.model.predict(test.x.view())?.to_vec())?;
        net_table.push([
            name.to_string(),
            fixed(loss, 4),
            fixed(acc_tr, 3),
            fixed(acc_te, 3),
        ]);
        let classes = t.model.predict(grid.view())?.to_vec();
        nets.push((name, loss, acc_te, classes));
    }
    report.checks.push(Check::greater(
        "the ReLU network separates the moons better than the linear stack (test accuracy)",
        ("ReLU", nets[1].2),
        ("linear", nets[0].2),
        3,
    ));
    // The best a flexible model does on these points: an RBF SVM on the same split.
    let svm = crate::common::fit("svm:kernel=rbf", &train)?;
    let svm_acc = crate::common::accuracy(svm.as_ref(), &test)?;
    report.checks.push(Check::at_least(
        "the ReLU network is as good as an RBF SVM on the same split (test accuracy minus the \
         SVM's)",
        nets[1].2 - svm_acc,
        -0.02,
        3,
    ));
    report.checks.push(Check::at_most(
        "a stack of linear layers is one linear map: its test accuracy stays at logistic \
         regression's level",
        nets[0].2,
        0.9,
        3,
    ));
    report.metrics.push(Metric::new(
        "moons test accuracy, ReLU network",
        nets[1].2,
        3,
    ));
    report.metrics.push(Metric::new(
        "moons test accuracy, linear stack",
        nets[0].2,
        3,
    ));
    let by_class = |c: usize| -> Vec<(f64, f64)> {
        (0..train.n_rows())
            .filter(|&i| ytr[i] == c)
            .map(|i| (train.x[[i, 0]], train.x[[i, 1]]))
            .collect()
    };
    let boundary = |title: &str, classes: &[usize]| {
        Figure::scatter(
            title,
            "x1",
            "x2",
            &[
                Series::new("class 0", by_class(0)),
                Series::new("class 1", by_class(1)),
            ],
            Some(&Regions {
                x: (x0, x1, gx),
                y: (y0, y1, gy),
                classes: classes.to_vec(),
            }),
        )
    };

    // 5. Learning rates.
    let mut lr_series = Vec::new();
    let mut lr_table = T::new(["learning rate (SGD)", "outcome", "final training loss"]);
    let mut finals = Vec::new();
    for lr in [1e-4, 0.1, 20.0] {
        let net = Mlp::new(&[2, 16, 16, 2], Activation::Relu, 1, &device)?;
        match fit(
            net,
            &tr,
            None,
            &train_config(Optimizer::Sgd { momentum: 0.0 }, lr, 60),
        ) {
            Ok(t) => {
                let last = t.history.train_loss[t.history.train_loss.len() - 1];
                lr_series.push(Series::new(
                    format!("lr {lr}"),
                    t.history
                        .train_loss
                        .iter()
                        .enumerate()
                        .map(|(e, &l)| ((e + 1) as f64, l.min(2.0)))
                        .collect(),
                ));
                lr_table.push([format!("{lr}"), "trained".into(), fixed(last, 4)]);
                finals.push(last);
            }
            Err(NeuralError::Diverged { epoch, .. }) => {
                lr_table.push([
                    format!("{lr}"),
                    format!("diverged (non-finite loss) in epoch {epoch}"),
                    "—".into(),
                ]);
                finals.push(f64::INFINITY);
            }
            Err(e) => return Err(e.into()),
        }
    }
    report.checks.push(Check::greater(
        "too small a learning rate barely moves in 60 epochs (final loss above the good rate's)",
        ("lr 1e-4", finals[0]),
        ("lr 0.1", finals[1]),
        4,
    ));
    report.checks.push(Check::greater(
        "too large a learning rate overshoots (final loss above the good rate's, or diverged)",
        ("lr 20", finals[2].min(1e9)),
        ("lr 0.1", finals[1]),
        4,
    ));

    report.sections.push(
        Section::new("Activations")
            .para(
                "Each hidden unit computes a weighted sum and passes it through an activation. \
                 The sigmoid and tanh saturate, so their slopes vanish for large inputs (the \
                 sigmoid's never exceeds 1/4); ReLU passes positive inputs with slope 1 and \
                 blocks negative ones; leaky ReLU keeps a small slope (here 0.1) there.",
            )
            .figure(
                "activations",
                "Activation functions",
                Figure::lines(
                    "Activations",
                    "z",
                    "f(z)",
                    &act_series,
                    LineOptions::default(),
                ),
            )
            .figure(
                "derivatives",
                "Their derivatives",
                Figure::lines(
                    "Derivatives",
                    "z",
                    "f'(z)",
                    &der_series,
                    LineOptions::default(),
                ),
            ),
    );
    report
        .sections
        .push(Section::new("Backpropagation").para(format!(
            "A 2-5-2 tanh network with softmax cross-entropy on 20 moons points, its gradients \
         written out by the chain rule in f64 (∂L/∂z₂ = (p − y)/n, ∂L/∂W₂ = a₁ᵀ∂L/∂z₂, \
         ∂L/∂z₁ = ∂L/∂z₂W₂ᵀ ⊙ (1 − a₁²), ∂L/∂W₁ = xᵀ∂L/∂z₁). They agree with central finite \
         differences to {} (relative) and with burn's automatic differentiation of the same \
         network to {} (burn works in f32). Loss at the starting weights: {}.",
            fixed(fd_err, 9),
            fixed(ad_err, 7),
            fixed(hand.loss, 6)
        )));
    report.sections.push(
        Section::new("Fitting a line by stochastic gradient descent")
            .para(format!(
                "One neuron without activation is y = m·x + c. Fifty epochs of SGD (learning \
                 rate 0.1, batches of 20) on the squared error give m = {}, c = {} (the data \
                 were made with 3 and 2; least squares gives {} and {}).",
                fixed(m, 4),
                fixed(c, 4),
                fixed(m_ols, 4),
                fixed(c_ols, 4)
            ))
            .figure(
                "line_loss",
                "Training loss while fitting the line",
                Figure::lines(
                    "SGD on y = m x + c",
                    "epoch",
                    "mean squared error",
                    &[Series::new("training", line_loss)],
                    LineOptions::default(),
                ),
            ),
    );
    report.sections.push(
        Section::new("Why the non-linearity matters")
            .para(
                "The same 2-16-16-2 architecture, trained the same way (Adam, learning rate \
                 0.01, 100 epochs), with and without ReLU. Without an activation the layers \
                 compose into one linear map, so the boundary is a straight line however deep \
                 the stack; with ReLU it bends around the moons.",
            )
            .table(net_table)
            .figure(
                "moons_linear",
                "Decision regions of the linear stack",
                boundary("Linear stack", &nets[0].3),
            )
            .figure(
                "moons_relu",
                "Decision regions of the ReLU network",
                boundary("ReLU network", &nets[1].3),
            ),
    );
    report.sections.push(
        Section::new("The learning rate")
            .para(
                "Plain SGD on the ReLU network for 60 epochs at three step sizes. Too small and \
                 the loss hardly moves; too large and the steps overshoot the minimum (the \
                 loss jumps about or becomes non-finite); in between it falls steadily. \
                 Losses are drawn capped at 2.",
            )
            .table(lr_table)
            .figure(
                "learning_rates",
                "Training loss by epoch at three learning rates",
                Figure::lines(
                    "SGD learning rates",
                    "epoch",
                    "training loss (capped at 2)",
                    &lr_series,
                    LineOptions::default(),
                ),
            ),
    );
    Ok(report)
}
