//! 23 — LeNet-5: two convolution + pooling stages and a 120-84-10 dense head on scikit-learn's
//! digits padded to 32×32; a small CNN on synthetic brain slices; and the course MRI lab's
//! learning-rate lesson (too large → one class only, plain SGD slow, Adam at a small rate
//! best) on those slices.

use ml4ns_data_io::synth::{self, BrainSliceSpec};
use ml4ns_neural::{
    cpu_device, evaluate, fit, pad_images, Cnn, CnnConfig, ConvLayer, Dataset, Device, History,
    ImageShape, LeNet5, Network, NeuralError, Optimizer, Pooling, Tensor, TrainConfig, Trained,
};
use ml4ns_reporting::figure::{ImagePanel, LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Replication, Report, Section, Table as T};
use ml4ns_validation::metrics::{self as m, ZeroDivision};
use ml4ns_validation::Cv;
use ndarray::{Array2, Axis};

use crate::common::{codes, digits_unit};
use crate::{Context, TopicError};

const ID: &str = "23-lenet5";

/// Epochs for LeNet-5 on the digits and for every run on the brain slices.
const DIGIT_EPOCHS: usize = 15;
/// Adam's learning rate for LeNet-5 on the digits.
const DIGIT_LR: f64 = 3e-3;
const BRAIN_EPOCHS: usize = 20;

/// Indices of a stratified train / validation / test split (60 / 20 / 20): the test fifth
/// first, then a quarter of the rest for validation, both with `random_state=0`.
struct ThreeWay {
    train: Vec<usize>,
    val: Vec<usize>,
    test: Vec<usize>,
}

fn three_way(y: &[usize]) -> Result<ThreeWay, TopicError> {
    let spec =
        |size: &str| format!("stratified_shuffle_split:n_splits=1,test_size={size},random_state=0");
    let outer = Cv::parse(&spec("0.2"))?
        .split(y.len(), Some(y), None)?
        .into_iter()
        .next()
        .ok_or("the outer split gave no fold")?;
    let rest_y: Vec<usize> = outer.train.iter().map(|&i| y[i]).collect();
    let inner = Cv::parse(&spec("0.25"))?
        .split(rest_y.len(), Some(&rest_y), None)?
        .into_iter()
        .next()
        .ok_or("the inner split gave no fold")?;
    Ok(ThreeWay {
        train: inner.train.iter().map(|&i| outer.train[i]).collect(),
        val: inner.test.iter().map(|&i| outer.train[i]).collect(),
        test: outer.test,
    })
}

/// Rows and labels of one part of a split.
fn part(x: &Array2<f64>, y: &[usize], rows: &[usize]) -> (Array2<f64>, Vec<usize>) {
    (
        x.select(Axis(0), rows),
        rows.iter().map(|&i| y[i]).collect(),
    )
}

fn config(optimizer: Optimizer, learning_rate: f64, epochs: usize) -> TrainConfig {
    TrainConfig {
        optimizer,
        learning_rate,
        batch_size: 32,
        epochs,
        seed: 0,
        restore_best: true,
        ..TrainConfig::default()
    }
}

fn per_epoch(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(e, &v)| ((e + 1) as f64, v))
        .collect()
}

/// A vertical marker at the best epoch spanning `lo..hi`.
fn best_marker(best: usize, lo: f64, hi: f64) -> Series {
    let x = (best + 1) as f64;
    Series::new(format!("best epoch ({})", best + 1), vec![(x, lo), (x, hi)])
}

fn span(series: &[&[f64]]) -> (f64, f64) {
    let all = series.iter().flat_map(|s| s.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    (lo, hi)
}

/// Loss and accuracy curves (training and validation), the best epoch marked.
fn curves(name: &str, h: &History) -> Result<(Figure, Figure), TopicError> {
    let best = h
        .best_epoch
        .ok_or("no best epoch without a validation set")?;
    let (lo, hi) = span(&[&h.train_loss, &h.val_loss]);
    let loss = Figure::lines(
        &format!("{name}: loss by epoch"),
        "epoch",
        "cross-entropy",
        &[
            Series::new("training", per_epoch(&h.train_loss)),
            Series::new("validation", per_epoch(&h.val_loss)),
            best_marker(best, lo, hi),
        ],
        LineOptions::default(),
    );
    let (lo, hi) = span(&[&h.train_accuracy, &h.val_accuracy]);
    let acc = Figure::lines(
        &format!("{name}: accuracy by epoch"),
        "epoch",
        "accuracy",
        &[
            Series::new("training", per_epoch(&h.train_accuracy)),
            Series::new("validation", per_epoch(&h.val_accuracy)),
            best_marker(best, lo, hi),
        ],
        LineOptions::default(),
    );
    Ok((loss, acc))
}

fn confusion_figure(title: &str, cm: &m::ConfusionMatrix, names: &[String]) -> Figure {
    let values: Vec<Vec<f64>> = cm
        .counts
        .iter()
        .map(|r| r.iter().map(|&c| c as f64).collect())
        .collect();
    Figure::heatmap(title, "predicted", "true", names, names, &values, 0)
}

/// Per-class precision, recall, F1 and support as a table, and the per-class numbers.
fn class_table(y: &[usize], pred: &[usize], names: &[String]) -> Result<(T, m::Prf), TopicError> {
    let labels: Vec<usize> = (0..names.len()).collect();
    let prf = m::precision_recall_fscore_per_class(y, pred, 1.0, ZeroDivision::Zero)?;
    if prf.labels != labels {
        return Err(format!(
            "expected classes {labels:?} in the test labels or predictions, got {:?}",
            prf.labels
        )
        .into());
    }
    let mut t = T::new(["class", "precision", "recall", "F1", "support"]);
    for (i, name) in names.iter().enumerate() {
        t.push([
            name.clone(),
            fixed(prf.precision[i], 3),
            fixed(prf.recall[i], 3),
            fixed(prf.fscore[i], 3),
            prf.support[i].to_string(),
        ]);
    }
    Ok((t, prf))
}

/// The small CNN used on the brain slices: conv 8@5×5 → pool → conv 16@5×5 → pool → 32 → 2.
fn brain_cnn() -> CnnConfig {
    CnnConfig {
        input: ImageShape::gray(32, 32),
        conv: vec![
            ConvLayer::new(8, 5).with_pool(Some(Pooling::Max)),
            ConvLayer::new(16, 5).with_pool(Some(Pooling::Max)),
        ],
        hidden: vec![32],
        n_outputs: 2,
        activation: ml4ns_neural::Activation::Relu,
    }
}

/// One learning-rate run on the brain slices.
struct LrRun {
    label: String,
    /// The trained network, or the epoch in which the training loss stopped being finite.
    result: Result<Trained<Cnn>, usize>,
}

fn lr_run(
    label: &str,
    optimizer: Optimizer,
    lr: f64,
    train: &Dataset<'_>,
    val: &Dataset<'_>,
    device: &Device,
) -> Result<LrRun, TopicError> {
    let net = brain_cnn().init(1, device)?;
    let result = match fit(net, train, Some(val), &config(optimizer, lr, BRAIN_EPOCHS)) {
        Ok(t) => Ok(t),
        Err(NeuralError::Diverged { epoch, .. }) => Err(epoch),
        Err(e) => return Err(e.into()),
    };
    Ok(LrRun {
        label: label.to_string(),
        result,
    })
}

fn distinct(pred: &[usize]) -> usize {
    pred.iter()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// Most test images shown in a figure of misclassified images.
const MAX_WRONG_SHOWN: usize = 12;

/// `values` divided by their maximum (all zero if the maximum is not positive), and that
/// maximum: one feature map scaled to [0, 1] for display.
fn scaled_to_max(values: &[f64]) -> (Vec<f64>, f64) {
    let max = values.iter().copied().fold(0.0, f64::max);
    if max > 0.0 {
        (values.iter().map(|&v| v / max).collect(), max)
    } else {
        (vec![0.0; values.len()], 0.0)
    }
}

/// The largest absolute value (0 for none): the half-width of a symmetric display range.
fn max_abs(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// Indices of the images of class `class` at evenly spaced ranks of their latent atrophy
/// (lowest, …, highest), `k` of them, in order of atrophy.
fn by_atrophy_rank(labels: &[usize], atrophy: &[f64], class: usize, k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
    idx.sort_by(|&a, &b| atrophy[a].total_cmp(&atrophy[b]).then(a.cmp(&b)));
    if idx.is_empty() || k == 0 {
        return Vec::new();
    }
    let last = idx.len() - 1;
    let picks: Vec<usize> = (0..k)
        .map(|j| {
            let pos = if k == 1 {
                0
            } else {
                (j * last + (k - 1) / 2) / (k - 1)
            };
            idx[pos]
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    picks.into_iter().filter(|&i| seen.insert(i)).collect()
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "LeNet-5 and a small CNN",
        "How well does LeNet-5 (two convolution + pooling stages, then 120-84-10 dense layers) \
         classify handwritten digits, how well does a small CNN separate atrophied from \
         healthy brain slices, and what does the choice of optimiser and learning rate do to \
         such a network?",
    );
    let spec = BrainSliceSpec::default();
    report.data = format!(
        "- scikit-learn's `digits` (1,797 8×8 images, intensities 0–16, ten classes): scaled \
         to [0, 1] and zero-padded to 32×32, the input size LeNet-5 was designed for.\n\
         - **Synthetic** brain slices (`ml4ns_data_io::synth::brain_slices`, seed {seed}): \
         {n} 32×32 axial MRI-like phantoms per class, `control` and `dementia`. Each image \
         has a latent atrophy drawn around its class mean (0.2 or 0.8, sd {sd}) that enlarges \
         the ventricles, thins the cortex and widens the fluid gap, plus its own head size, \
         rotation (±{rot}°), shift and pixel noise (sd {noise}); the classes overlap. They \
         stand in for the course lab's MRI slices, which are not redistributable.\n\
         - Both sets are split 60 / 20 / 20 into training, validation and test sets, \
         stratified (`stratified_shuffle_split`, `random_state=0`, test first, then a quarter \
         of the rest for validation). The checkpoint with the lowest validation loss is \
         kept; accuracies are reported on the untouched test set.\n\
         - Networks are `ml4ns-neural` on burn's CPU backend (f32), weights from seeded \
         PyTorch-style initialisation, mini-batches of 32 in a seeded order.\n",
        seed = synth::COMMITTED_SEED,
        n = spec.n_per_class,
        sd = spec.atrophy_sd,
        rot = spec.max_rotation_deg,
        noise = spec.noise,
    );
    let device = cpu_device();

    // 1. The architecture.
    let lenet_cfg = CnnConfig::lenet5(10);
    let shapes = lenet_cfg.feature_shapes()?;
    let unpooled = CnnConfig {
        conv: lenet_cfg.conv.iter().map(|c| c.with_pool(None)).collect(),
        ..lenet_cfg.clone()
    };
    // Pre-pooling shape of stage 2 needs stage 1 pooled: compute stage by stage.
    let conv1_out = unpooled.feature_shapes()?[0];
    let conv2_out = CnnConfig {
        input: shapes[0],
        conv: vec![lenet_cfg.conv[1].with_pool(None)],
        ..lenet_cfg.clone()
    }
    .feature_shapes()?[0];
    let lenet = LeNet5::new(10, 0, &device)?;
    let params = lenet.named_parameters();
    let count = |prefix: &str| -> usize {
        params
            .iter()
            .filter(|p| p.name.contains(&format!("{prefix}.")))
            .map(|p| p.values.len())
            .sum()
    };
    let total_params: usize = params.iter().map(|p| p.values.len()).sum();
    let flat = shapes[1].len();
    let by_formula = [
        6 * (25 + 1),
        16 * (6 * 25 + 1),
        flat * 120 + 120,
        120 * 84 + 84,
        84 * 10 + 10,
    ];
    let mut arch = T::new(["layer", "output shape", "parameters"]);
    arch.push(["input (8×8 digit padded)", "1×32×32", "0"].map(String::from));
    arch.push([
        "conv 6@5×5 + ReLU".to_string(),
        conv1_out.to_string(),
        count("convs.0").to_string(),
    ]);
    arch.push([
        "2×2 max pool".to_string(),
        shapes[0].to_string(),
        "0".to_string(),
    ]);
    arch.push([
        "conv 16@5×5 + ReLU".to_string(),
        conv2_out.to_string(),
        count("convs.1").to_string(),
    ]);
    arch.push([
        "2×2 max pool".to_string(),
        shapes[1].to_string(),
        "0".to_string(),
    ]);
    arch.push(["flatten".to_string(), flat.to_string(), "0".to_string()]);
    for (i, (label, width)) in [
        ("dense + ReLU", 120),
        ("dense + ReLU", 84),
        ("dense (logits)", 10),
    ]
    .iter()
    .enumerate()
    {
        arch.push([
            label.to_string(),
            width.to_string(),
            count(&format!("dense.{i}")).to_string(),
        ]);
    }
    arch.push(["total".to_string(), String::new(), total_params.to_string()]);
    report.checks.push(Check::equal(
        "LeNet-5's parameter count (burn's parameters) equals the hand count: 6·(25+1) + \
         16·(6·25+1) + (400·120+120) + (120·84+84) + (84·10+10)",
        total_params.to_string(),
        by_formula.iter().sum::<usize>().to_string(),
    ));
    report.replication.push(Replication::exact(
        ID,
        "LeNet-5 shapes (d2l.ai's layer summary): conv1, pool1, conv2, pool2, flatten",
        "6×28×28, 6×14×14, 16×10×10, 16×5×5, 400",
        format!(
            "{}, {}, {}, {}, {}",
            conv1_out, shapes[0], conv2_out, shapes[1], flat
        ),
    ));

    // 2. LeNet-5 on digits.
    let digits = digits_unit();
    let yd = codes(&digits)?;
    let digit_names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    let xd = pad_images(digits.x.view(), ImageShape::gray(8, 8), 32, 32, 0.0)?;
    let sd = three_way(&yd)?;
    let (xtr, ytr) = part(&xd, &yd, &sd.train);
    let (xva, yva) = part(&xd, &yd, &sd.val);
    let (xte, yte) = part(&xd, &yd, &sd.test);
    let lenet_run = fit(
        lenet,
        &Dataset::classification(xtr.view(), ytr.as_slice()),
        Some(&Dataset::classification(xva.view(), yva.as_slice())),
        &config(Optimizer::Adam, DIGIT_LR, DIGIT_EPOCHS),
    )?;
    let h = &lenet_run.history;
    let best = h.best_epoch.ok_or("no best epoch")?;
    let pred_te = lenet_run.model.predict(xte.view())?.to_vec();
    let acc_te = m::accuracy(&yte, &pred_te)?;
    let cm = m::confusion_matrix_with_labels(&yte, &pred_te, &(0..10).collect::<Vec<_>>())?;
    let (digit_table, prf) = class_table(&yte, &pred_te, &digit_names)?;
    let diag: usize = (0..10).map(|i| cm.counts[i][i]).sum();
    let (loss_fig, acc_fig) = curves("LeNet-5 on digits", h)?;
    // The most frequent confusion (true digit, predicted digit, count).
    let worst = (0..10)
        .flat_map(|i| (0..10).map(move |j| (i, j)))
        .filter(|(i, j)| i != j)
        .map(|(i, j)| (i, j, cm.counts[i][j]))
        .max_by_key(|&(i, j, c)| (c, std::cmp::Reverse((i, j))))
        .ok_or("empty confusion matrix")?;
    let worst_recall = (0..10)
        .min_by(|&a, &b| prf.recall[a].total_cmp(&prf.recall[b]))
        .ok_or("no classes")?;

    report.checks.push(Check::at_least(
        "LeNet-5 classifies the held-out digits well (test accuracy of the best checkpoint)",
        acc_te,
        0.95,
        3,
    ));
    let min_recall = prf.recall.iter().copied().fold(f64::INFINITY, f64::min);
    report.checks.push(Check::at_least(
        "every digit is recognised (lowest per-class test recall; each digit has about 36 \
         test images, so one image moves recall by about 0.03)",
        min_recall,
        0.75,
        3,
    ));
    report.checks.push(Check::equal(
        "the confusion matrix holds every test image and its diagonal gives the accuracy",
        format!(
            "{} images, diagonal/total {}",
            cm.counts.iter().flatten().sum::<usize>(),
            fixed(diag as f64 / yte.len() as f64, 6)
        ),
        format!("{} images, diagonal/total {}", yte.len(), fixed(acc_te, 6)),
    ));
    report.checks.push(Check::at_most(
        "training drives the loss down (last epoch's training loss over the first's)",
        h.train_loss[h.epochs() - 1] / h.train_loss[0],
        0.2,
        3,
    ));
    // The returned weights really are the best epoch's: their validation loss, recomputed,
    // is the lowest in the history.
    let kept_val = evaluate(
        &lenet_run.model,
        &Dataset::classification(xva.view(), yva.as_slice()),
    )?
    .loss;
    report.checks.push(Check::close(
        "the returned network is the checkpoint with the lowest validation loss (its \
         validation loss, recomputed, against the history's minimum)",
        kept_val,
        h.val_loss.iter().copied().fold(f64::INFINITY, f64::min),
        1e-6,
        6,
    ));
    report
        .metrics
        .push(Metric::new("LeNet-5 digits test accuracy", acc_te, 3));

    report.sections.push(
        Section::new("LeNet-5")
            .para(format!(
                "LeNet-5 (LeCun et al., 1998) in the form d2l.ai builds it: two stages of 5×5 \
                 convolution, activation and 2×2 pooling extract local features while \
                 shrinking the map, then three dense layers (120, 84, 10) classify. This \
                 version uses ReLU and max pooling (the original used sigmoid-like units and \
                 average 'subsampling'). Shapes and parameter counts below are read off the \
                 built network, not typed in. The convolutions hold only {conv} of the {total} \
                 parameters; the first dense layer, joining every one of the {flat} pooled \
                 features to 120 units, holds {dense0} ({share} %).",
                conv = count("convs.0") + count("convs.1"),
                total = total_params,
                dense0 = count("dense.0"),
                share = fixed(100.0 * count("dense.0") as f64 / total_params as f64, 1),
            ))
            .table(arch),
    );
    // What the first convolution stage does to a digit: two test digits, padded to 32×32,
    // the six learned 5×5 filters, and the six pooled feature maps of each digit.
    let shown_digits = [0usize, 7];
    let shown: Vec<usize> = shown_digits
        .iter()
        .map(|&d| {
            yte.iter()
                .position(|&y| y == d)
                .ok_or_else(|| format!("no test image of digit {d}"))
        })
        .collect::<Result<_, _>>()?;
    let side = 32;
    let input_panels: Vec<ImagePanel> = shown
        .iter()
        .map(|&i| ImagePanel::new(format!("digit {}", yte[i]), side, side, xte.row(i).to_vec()))
        .collect();
    let input_values: Vec<f32> = shown
        .iter()
        .flat_map(|&i| xte.row(i).iter().map(|&v| v as f32).collect::<Vec<_>>())
        .collect();
    let input_tensor = Tensor::<1>::from_floats(input_values.as_slice(), &device)
        .reshape([shown.len(), xte.ncols()]);
    let stage1 = lenet_run
        .model
        .cnn()
        .feature_maps(input_tensor)
        .into_iter()
        .next()
        .ok_or("LeNet-5 gave no feature maps")?;
    let [n_img, n_maps, map_h, map_w] = stage1.dims();
    let map_values: Vec<f64> = stage1
        .into_data()
        .convert::<f32>()
        .iter::<f32>()
        .map(f64::from)
        .collect();
    if map_values.len() != n_img * n_maps * map_h * map_w {
        return Err("the feature maps do not match their shape".into());
    }
    let mut map_panels = Vec::new();
    let mut dead_maps = 0;
    for img in 0..n_img {
        for c in 0..n_maps {
            let start = (img * n_maps + c) * map_h * map_w;
            let (pixels, max) = scaled_to_max(&map_values[start..start + map_h * map_w]);
            if max == 0.0 {
                dead_maps += 1;
            }
            map_panels.push(ImagePanel::new(
                format!("max {}", fixed(max, 2)),
                map_h,
                map_w,
                pixels,
            ));
        }
    }
    let lenet_params = lenet_run.model.named_parameters();
    let first_layer = |suffix: &str| {
        lenet_params
            .iter()
            .find(|p| p.name.ends_with(suffix))
            .map(|p| &p.values)
            .ok_or_else(|| format!("LeNet-5 has no parameter `{suffix}`"))
    };
    let kernel = first_layer("convs.0.weight")?;
    let positive_bias = first_layer("convs.0.bias")?
        .iter()
        .filter(|&&b| b > 0.0)
        .count();
    let kshape = kernel.shape().to_vec();
    if kshape.len() != 4 || kshape[1] != 1 {
        return Err(format!("unexpected first-layer weight shape {kshape:?}").into());
    }
    let (kh, kw) = (kshape[2], kshape[3]);
    let kernel_flat: Vec<f64> = kernel.iter().copied().collect();
    let kernel_m = max_abs(kernel_flat.iter().copied());
    let kernel_panels: Vec<ImagePanel> = kernel_flat
        .chunks(kh * kw)
        .enumerate()
        .map(|(c, w)| ImagePanel::new(format!("filter {}", c + 1), kh, kw, w.to_vec()))
        .collect();
    // Where the padded frame is blank (the top-left pooled unit sees only input rows and
    // columns 0–5, all padding), every map must equal ReLU of its filter's bias.
    let bias: Vec<f64> = first_layer("convs.0.bias")?.iter().copied().collect();
    let corner_gap = (0..n_img)
        .flat_map(|img| (0..n_maps).map(move |c| (img, c)))
        .map(|(img, c)| {
            let corner = map_values[(img * n_maps + c) * map_h * map_w];
            bias.get(c)
                .map_or(f64::INFINITY, |b| (corner - b.max(0.0)).abs())
        })
        .fold(0.0, f64::max);
    report.checks.push(Check::at_most(
        "the feature maps read back from burn match the network's weights: on the blank \
         padding each first-stage map equals ReLU of its filter's bias (largest absolute gap)",
        corner_gap,
        1e-5,
        7,
    ));
    // The misclassified test digits, as the 8×8 originals.
    let wrong_digits: Vec<usize> = (0..yte.len()).filter(|&i| pred_te[i] != yte[i]).collect();
    let wrong_panels: Vec<ImagePanel> = wrong_digits
        .iter()
        .take(MAX_WRONG_SHOWN)
        .map(|&i| {
            ImagePanel::new(
                format!("{} → {}", yte[i], pred_te[i]),
                8,
                8,
                digits.x.row(sd.test[i]).to_vec(),
            )
        })
        .collect();
    let shown_wrong = if wrong_digits.len() > MAX_WRONG_SHOWN {
        format!(
            "the first {} of the {}",
            MAX_WRONG_SHOWN,
            wrong_digits.len()
        )
    } else {
        format!("all {}", wrong_digits.len())
    };
    let mut digit_section = Section::new("LeNet-5 on the digits")
        .para(format!(
            "{n_tr} training, {n_va} validation and {n_te} test images; Adam at learning \
                 rate {DIGIT_LR}, {DIGIT_EPOCHS} epochs. The lowest validation loss came in epoch \
                 {b} (validation accuracy {va}); that checkpoint scores {acc} on the test set \
                 ({diag} of {n_te} right). The weakest digit is {wr} (recall {wrr}); the \
                 most frequent confusion is {art} {wi} read as {wj} ({wc} test images).",
            n_tr = ytr.len(),
            n_va = yva.len(),
            n_te = yte.len(),
            b = best + 1,
            va = fixed(h.val_accuracy[best], 3),
            acc = fixed(acc_te, 3),
            wr = worst_recall,
            wrr = fixed(prf.recall[worst_recall], 3),
            art = if worst.0 == 8 { "an" } else { "a" },
            wi = worst.0,
            wj = worst.1,
            wc = worst.2,
        ))
        .figure(
            "digits_loss",
            "Training and validation loss of LeNet-5",
            loss_fig,
        )
        .figure(
            "digits_accuracy",
            "Training and validation accuracy of LeNet-5",
            acc_fig,
        )
        .figure(
            "digits_confusion",
            "Test-set confusion matrix (rows: true digit, columns: predicted)",
            confusion_figure("LeNet-5, digits test set", &cm, &digit_names),
        )
        .table(digit_table)
        .para(format!(
            "What the first stage sees. Below, the first test image of digit {d0} and of \
                 digit {d1} as LeNet-5 receives them (the 8×8 digit in the middle of a 32×32 \
                 frame), the six 5×5 filters its first convolution learned, and the six \
                 {map_h}×{map_w} maps that convolution, ReLU and 2×2 max pooling make of each \
                 digit. Each filter is a small pattern of positive and negative weights, so each \
                 map lights up where the digit has that pattern (an edge of one orientation, a \
                 stroke of one width). ReLU cuts off negative responses{dead_text}; where the \
                 frame is blank a map shows its filter's bias, so the {positive_bias} filters \
                 with a positive bias have an even grey background.",
            d0 = shown_digits[0],
            d1 = shown_digits[1],
            dead_text = if dead_maps > 0 {
                format!(
                    ", and {dead_maps} of the {} maps shown are zero everywhere",
                    n_img * n_maps
                )
            } else {
                String::new()
            },
        ))
        .figure(
            "digits_input",
            "Two test digits as LeNet-5 receives them: scaled to [0, 1] and zero-padded to \
                 32×32 (black 0, white 1)",
            Figure::images("Padded input digits", &input_panels, 2, (0.0, 1.0)),
        )
        .figure(
            "digits_filters",
            format!(
                "The six learned 5×5 filters of LeNet-5's first convolution (mid-grey 0, \
                     white +{m}, black −{m})",
                m = fixed(kernel_m, 2)
            ),
            Figure::images(
                "First-layer filters",
                &kernel_panels,
                n_maps.max(1),
                (-kernel_m, kernel_m),
            ),
        )
        .figure(
            "digits_feature_maps",
            format!(
                "First-stage feature maps (convolution, ReLU, 2×2 max pool: {map_h}×{map_w}) \
                 of the two digits (top row digit {d0}, bottom row digit {d1}), filters \
                 1–{n_maps} left to right; each map is scaled from 0 (black) to its own \
                 maximum (white), printed under it",
                d0 = shown_digits[0],
                d1 = shown_digits[1]
            ),
            Figure::images(
                "First-stage feature maps",
                &map_panels,
                n_maps.max(1),
                (0.0, 1.0),
            ),
        );
    if !wrong_panels.is_empty() {
        digit_section = digit_section
            .para(format!(
                "The test digits LeNet-5 gets wrong ({shown_wrong}, in test-set order), with \
                 the digit it should have read and the one it read."
            ))
            .figure(
                "digits_misclassified",
                format!(
                    "Misclassified test digits ({shown_wrong}), as the 8×8 originals; caption: \
                     true digit → predicted digit"
                ),
                Figure::images("Misclassified test digits", &wrong_panels, 6, (0.0, 1.0)),
            );
    }
    report.sections.push(digit_section);
    // 3. The brain slices.
    let slices = synth::brain_slices(&spec, synth::COMMITTED_SEED);
    let yb = slices.labels.clone();
    let class_names = slices.classes.clone();
    let (hgt, wid) = (slices.height, slices.width);
    let class_mean = |c: usize| -> Result<ndarray::Array1<f64>, TopicError> {
        let rows: Vec<usize> = (0..yb.len()).filter(|&i| yb[i] == c).collect();
        slices
            .images
            .select(Axis(0), &rows)
            .mean_axis(Axis(0))
            .ok_or_else(|| format!("class {c} has no image").into())
    };
    let means = [class_mean(0)?, class_mean(1)?];
    let profiles: Vec<Series> = means
        .iter()
        .zip(&class_names)
        .map(|(mean, name)| {
            Series::new(
                name.clone(),
                (0..wid)
                    .map(|x| (x as f64, mean[(hgt / 2) * wid + x]))
                    .collect(),
            )
        })
        .collect();
    // Mean intensity of the central 8×8 pixels (ventricles and deep white matter).
    let centre = |mean: &ndarray::Array1<f64>| -> f64 {
        let (r0, c0) = (hgt / 2 - 4, wid / 2 - 4);
        let mut sum = 0.0;
        for r in r0..r0 + 8 {
            for c in c0..c0 + 8 {
                sum += mean[r * wid + c];
            }
        }
        sum / 64.0
    };
    let centres = [centre(&means[0]), centre(&means[1])];
    report.checks.push(Check::greater(
        "the data carry the intended signal: the mean dementia slice is darker in its central \
         8×8 pixels (larger ventricles) than the mean control slice",
        ("control", centres[0]),
        ("dementia", centres[1]),
        3,
    ));
    // Example slices of each class at evenly spaced ranks of their latent atrophy, the class
    // means, and their difference on its own symmetric scale.
    let per_class = 4;
    let mut example_panels = Vec::new();
    let mut atrophy_ranges = Vec::new();
    for (c, name) in class_names.iter().enumerate() {
        let picks = by_atrophy_rank(&yb, &slices.atrophy, c, per_class);
        let (first, last) = match (picks.first(), picks.last()) {
            (Some(&f), Some(&l)) => (slices.atrophy[f], slices.atrophy[l]),
            _ => return Err(format!("class {name} has no image").into()),
        };
        atrophy_ranges.push((first, last));
        for i in picks {
            example_panels.push(ImagePanel::new(
                format!("{name} {}", fixed(slices.atrophy[i], 2)),
                hgt,
                wid,
                slices.images.row(i).to_vec(),
            ));
        }
    }
    let overlap = (0..yb.len())
        .filter(|&i| (yb[i] == 0) == (slices.atrophy[i] > 0.5))
        .count();
    let mut mean_panels: Vec<ImagePanel> = means
        .iter()
        .zip(&class_names)
        .map(|(mean, name)| ImagePanel::new(format!("{name} mean"), hgt, wid, mean.to_vec()))
        .collect();
    let diff: Vec<f64> = means[0]
        .iter()
        .zip(means[1].iter())
        .map(|(a, b)| a - b)
        .collect();
    // The difference on its own symmetric scale (−m, m), mapped to the figure's [0, 1].
    let diff_m = max_abs(diff.iter().copied());
    let half_width = if diff_m > 0.0 { diff_m } else { 1.0 };
    mean_panels.push(ImagePanel::new(
        "difference",
        hgt,
        wid,
        diff.iter().map(|d| 0.5 + d / (2.0 * half_width)).collect(),
    ));

    let sb = three_way(&yb)?;
    let (btr, bytr) = part(&slices.images, &yb, &sb.train);
    let (bva, byva) = part(&slices.images, &yb, &sb.val);
    let (bte, byte) = part(&slices.images, &yb, &sb.test);
    let trd = Dataset::classification(btr.view(), bytr.as_slice());
    let vad = Dataset::classification(bva.view(), byva.as_slice());
    // What knowing each test image's true latent atrophy would give (threshold halfway
    // between the class means): the ceiling the class overlap sets.
    let oracle_pred: Vec<usize> = sb
        .test
        .iter()
        .map(|&i| usize::from(slices.atrophy[i] > 0.5))
        .collect();
    let oracle = m::accuracy(&byte, &oracle_pred)?;

    let sgd = Optimizer::Sgd { momentum: 0.0 };
    let specs = [
        ("Adam, lr 0.001", Optimizer::Adam, 1e-3),
        ("SGD, lr 0.001", sgd, 1e-3),
        ("SGD, lr 0.1", sgd, 0.1),
        ("SGD, lr 0.3", sgd, 0.3),
        ("SGD, lr 1", sgd, 1.0),
    ];
    let mut runs = Vec::new();
    for (label, opt, lr) in specs {
        runs.push(lr_run(label, opt, lr, &trd, &vad, &device)?);
    }
    struct Outcome {
        test_acc: f64,
        distinct: usize,
        epochs_to_90: Option<usize>,
        loss_drop: f64,
        best_val_acc: f64,
        last_val_acc: f64,
        logit_sd: f64,
    }
    let mut outcomes: Vec<Option<Outcome>> = Vec::new();
    let mut lr_table = T::new([
        "optimiser and rate",
        "outcome",
        "kept epoch (lowest validation loss)",
        "first epoch with validation accuracy ≥ 0.9",
        "training loss, first → last epoch",
        "test accuracy",
        "distinct classes predicted on test",
        "test confusion matrix",
        "sd of the logit difference over test slices",
    ]);
    let mut val_series = Vec::new();
    for r in &runs {
        match &r.result {
            Ok(t) => {
                let h = &t.history;
                let best = h.best_epoch.ok_or("no best epoch")?;
                let pred = t.model.predict(bte.view())?.to_vec();
                let acc = m::accuracy(&byte, &pred)?;
                let cm = m::confusion_matrix_with_labels(&byte, &pred, &[0, 1])?;
                let to90 = h.val_accuracy.iter().position(|&a| a >= 0.9);
                let logits = t.model.outputs(bte.view())?;
                let margin = &logits.column(1) - &logits.column(0);
                let logit_sd = margin.std(0.0);
                let (first, last) = (h.train_loss[0], h.train_loss[h.epochs() - 1]);
                lr_table.push([
                    r.label.clone(),
                    "trained".to_string(),
                    (best + 1).to_string(),
                    to90.map_or("never".to_string(), |e| (e + 1).to_string()),
                    format!("{} → {}", fixed(first, 3), fixed(last, 3)),
                    fixed(acc, 3),
                    distinct(&pred).to_string(),
                    crate::common::matrix_text(&cm),
                    fixed(logit_sd, 4),
                ]);
                val_series.push(Series::new(r.label.clone(), per_epoch(&h.val_accuracy)));
                outcomes.push(Some(Outcome {
                    test_acc: acc,
                    distinct: distinct(&pred),
                    epochs_to_90: to90,
                    loss_drop: (first - last) / first,
                    best_val_acc: h.val_accuracy.iter().copied().fold(0.0, f64::max),
                    last_val_acc: h.val_accuracy[h.epochs() - 1],
                    logit_sd,
                }));
            }
            Err(epoch) => {
                lr_table.push([
                    r.label.clone(),
                    format!("diverged (non-finite loss) in epoch {epoch}"),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                ]);
                outcomes.push(None);
            }
        }
    }
    let get = |i: usize| -> Result<&Outcome, TopicError> {
        outcomes[i]
            .as_ref()
            .ok_or_else(|| format!("{} diverged", specs[i].0).into())
    };
    let adam = get(0)?;
    let slow = get(1)?;

    // The Adam run is the brain-slice CNN of record.
    let adam_trained = runs[0]
        .result
        .as_ref()
        .map_err(|_| "the Adam run diverged")?;
    let bh_hist = &adam_trained.history;
    let b_best = bh_hist.best_epoch.ok_or("no best epoch")?;
    let b_pred = adam_trained.model.predict(bte.view())?.to_vec();
    let b_cm = m::confusion_matrix_with_labels(&byte, &b_pred, &[0, 1])?;
    let (brain_table, b_prf) = class_table(&byte, &b_pred, &class_names)?;
    let (b_loss_fig, b_acc_fig) = curves("Small CNN on brain slices", bh_hist)?;
    let b_params: usize = adam_trained
        .model
        .named_parameters()
        .iter()
        .map(|p| p.values.len())
        .sum();

    report.checks.push(Check::at_least(
        "the small CNN (Adam, lr 0.001) separates dementia from control slices (test accuracy \
         of the best checkpoint)",
        adam.test_acc,
        0.85,
        3,
    ));
    report.checks.push(Check::at_least(
        "it finds both classes (lowest per-class test recall)",
        b_prf.recall.iter().copied().fold(f64::INFINITY, f64::min),
        0.8,
        3,
    ));
    report.checks.push(Check::at_most(
        "and comes close to the ceiling the class overlap sets (thresholding the true latent \
         atrophy) — shortfall in test accuracy",
        oracle - adam.test_acc,
        0.08,
        3,
    ));
    let large = get(4).ok();
    report.checks.push(Check::equal(
        "too large a rate (plain SGD at lr 1) collapses to one class: distinct classes the kept \
         checkpoint predicts on the test set",
        large.map_or("diverged".to_string(), |o| o.distinct.to_string()),
        "1",
    ));
    if let Some(o) = large {
        report.checks.push(Check::close(
            "so its test accuracy is the share of one class (balanced test set: 0.5)",
            o.test_acc,
            0.5,
            0.02,
            3,
        ));
    }
    report.checks.push(Check::at_most(
        format!(
            "plain SGD at lr 0.001 is slow: after {BRAIN_EPOCHS} epochs its training loss has \
             fallen by less than 5 % (relative)"
        ),
        slow.loss_drop,
        0.05,
        3,
    ));
    report.checks.push(Check::at_most(
        "and its validation accuracy never leaves chance (best epoch's)",
        slow.best_val_acc,
        0.6,
        3,
    ));
    report.checks.push(Check::at_least(
        "Adam at lr 0.001 gives the best test accuracy of all five runs (its accuracy minus the \
         best SGD run's; within 0.02 counts)",
        adam.test_acc
            - outcomes[1..]
                .iter()
                .flatten()
                .map(|o| o.test_acc)
                .fold(0.0, f64::max),
        -0.02,
        3,
    ));
    report.checks.push(Check::at_most(
        "Adam reaches 90 % validation accuracy within 5 epochs",
        adam.epochs_to_90.map_or(f64::INFINITY, |e| (e + 1) as f64),
        5.0,
        0,
    ));
    if let Some(o) = large {
        report.checks.push(Check::at_most(
            "the collapsed network's output barely depends on the image: sd of its logit \
             difference over the test slices as a fraction of the Adam network's",
            o.logit_sd / adam.logit_sd,
            0.01,
            4,
        ));
    }
    let moderate = get(2)?;
    report.checks.push(Check::at_least(
        "plain SGD at a moderate rate (lr 0.1) trains well: the failure is the step size, \
         not SGD (test accuracy)",
        moderate.test_acc,
        0.85,
        3,
    ));
    let edge = get(3)?;
    report.checks.push(Check::at_least(
        "at lr 0.3 SGD first learns (best validation accuracy over the epochs)",
        edge.best_val_acc,
        0.85,
        3,
    ));
    report.checks.push(Check::at_most(
        "and then collapses (validation accuracy after the last epoch)",
        edge.last_val_acc,
        0.55,
        3,
    ));
    report.metrics.push(Metric::new(
        "brain-slice CNN test accuracy (Adam)",
        adam.test_acc,
        3,
    ));
    report.metrics.push(Metric::new(
        "latent-atrophy ceiling on the same test set",
        oracle,
        3,
    ));

    report.sections.push(
        Section::new("The brain slices")
            .para(format!(
                "Mean image of each class along the middle row: skull (bright), the fluid gap, \
                 cortex and white matter, and the two ventricles either side of the midline. \
                 The dementia mean is darker in the centre ({} against {} over the central \
                 8×8 pixels) where the ventricles have grown. Single images vary in size, rotation, position and noise, \
                 and the latent atrophy overlaps between classes: thresholding each test \
                 image's true atrophy halfway between the class means classifies {} of the \
                 test images correctly. The images depend on the class only through the \
                 atrophy, so no classifier of the pixels can beat that rule in expectation: \
                 it is the ceiling the class overlap sets.",
                fixed(centres[1], 3),
                fixed(centres[0], 3),
                fixed(oracle, 3)
            ))
            .figure(
                "slices_profile",
                "Mean intensity along the middle row of the image, by class",
                Figure::lines(
                    "Mean brain slice, middle row",
                    "column (pixel)",
                    "mean intensity",
                    &profiles,
                    LineOptions::default(),
                ),
            )
            .para(format!(
                "Single slices, four of each class at evenly spaced ranks of their latent \
                 atrophy: the {c0} atrophies run from {a0} to {b0}, the {c1} ones from {a1} \
                 to {b1}, and {overlap} of the {n} slices lie on the other side of the halfway \
                 point 0.5 from their class mean.{cross}",
                cross = if atrophy_ranges[0].1 > atrophy_ranges[1].0 {
                    format!(
                        " The most atrophied {} slice (top right) is more atrophied than the \
                         least atrophied {} slice (bottom left).",
                        class_names[0], class_names[1]
                    )
                } else {
                    String::new()
                },
                c0 = class_names[0],
                c1 = class_names[1],
                a0 = fixed(atrophy_ranges[0].0, 2),
                b0 = fixed(atrophy_ranges[0].1, 2),
                a1 = fixed(atrophy_ranges[1].0, 2),
                b1 = fixed(atrophy_ranges[1].1, 2),
                n = yb.len(),
            ))
            .figure(
                "slices_examples",
                format!(
                    "Four slices per class (top row {}, bottom row {}), from the lowest to the \
                     highest latent atrophy of the class, printed under each (black 0, white 1)",
                    class_names[0], class_names[1]
                ),
                Figure::images("Brain-slice phantoms", &example_panels, per_class, (0.0, 1.0)),
            )
            .figure(
                "slices_means",
                format!(
                    "Mean slice of each class (black 0, white 1) and their difference, mean \
                     {c0} minus mean {c1}, pixel by pixel on its own scale: mid-grey 0, white \
                     +{m} ({c0} brighter), black −{m} ({c1} brighter)",
                    c0 = class_names[0],
                    c1 = class_names[1],
                    m = fixed(diff_m, 2)
                ),
                Figure::images("Class means and difference", &mean_panels, 3, (0.0, 1.0)),
            ),
    );
    // The test slices the Adam network misclassifies, with their latent atrophy.
    let wrong_slices: Vec<usize> = (0..byte.len()).filter(|&i| b_pred[i] != byte[i]).collect();
    let initial = |c: usize| -> String {
        class_names[c]
            .chars()
            .next()
            .map_or_else(|| c.to_string(), |ch| ch.to_uppercase().to_string())
    };
    let wrong_slice_panels: Vec<ImagePanel> = wrong_slices
        .iter()
        .take(MAX_WRONG_SHOWN)
        .map(|&i| {
            ImagePanel::new(
                format!(
                    "{} → {}, {}",
                    initial(byte[i]),
                    initial(b_pred[i]),
                    fixed(slices.atrophy[sb.test[i]], 2)
                ),
                hgt,
                wid,
                bte.row(i).to_vec(),
            )
        })
        .collect();
    let from_half = |rows: &[usize]| -> f64 {
        rows.iter()
            .map(|&i| (slices.atrophy[sb.test[i]] - 0.5).abs())
            .sum::<f64>()
            / rows.len().max(1) as f64
    };
    let all_test: Vec<usize> = (0..byte.len()).collect();
    let mut brain_section = Section::new("A small CNN on the brain slices")
        .para(format!(
            "Conv 8@5×5 → ReLU → 2×2 max pool → conv 16@5×5 → ReLU → 2×2 max pool → dense \
                 32 → 2 logits ({b_params} parameters), trained with Adam at learning rate \
                 0.001 for {BRAIN_EPOCHS} epochs on {} slices, watching {} validation slices. \
                 The lowest validation loss came in epoch {} (validation accuracy {}); that \
                 checkpoint scores {} on the {} test slices.",
            bytr.len(),
            byva.len(),
            b_best + 1,
            fixed(bh_hist.val_accuracy[b_best], 3),
            fixed(adam.test_acc, 3),
            byte.len(),
        ))
        .figure(
            "brain_loss",
            "Training and validation loss of the small CNN",
            b_loss_fig,
        )
        .figure(
            "brain_accuracy",
            "Training and validation accuracy of the small CNN",
            b_acc_fig,
        )
        .figure(
            "brain_confusion",
            "Test-set confusion matrix (rows: true class, columns: predicted)",
            confusion_figure("Small CNN, brain-slice test set", &b_cm, &class_names),
        )
        .table(brain_table);
    if !wrong_slice_panels.is_empty() {
        let wrong_atrophy: Vec<String> = wrong_slices
            .iter()
            .map(|&i| fixed(slices.atrophy[sb.test[i]], 2))
            .collect();
        report.checks.push(Check::at_most(
            "the small CNN errs on ambiguous slices: mean distance of the misclassified test \
             slices' latent atrophy from the halfway point 0.5, as a fraction of that of all \
             test slices",
            from_half(&wrong_slices) / from_half(&all_test),
            0.5,
            3,
        ));
        brain_section = brain_section
            .para(format!(
                "The {k} misclassified test slices have latent atrophy {list}: on average \
                 {near} from the halfway point 0.5 between the class means, against {all} for \
                 all {n} test slices. The network errs where the phantoms themselves are \
                 ambiguous.",
                k = wrong_slices.len(),
                list = wrong_atrophy.join(", "),
                near = fixed(from_half(&wrong_slices), 2),
                all = fixed(from_half(&all_test), 2),
                n = byte.len(),
            ))
            .figure(
                "brain_misclassified",
                format!(
                    "Test slices the small CNN misclassifies{}; caption: true → predicted class \
                     ({} = {}, {} = {}) and the slice's latent atrophy (black 0, white 1)",
                    if wrong_slices.len() > MAX_WRONG_SHOWN {
                        format!(" (the first {MAX_WRONG_SHOWN} of {})", wrong_slices.len())
                    } else {
                        String::new()
                    },
                    initial(0),
                    class_names[0],
                    initial(1),
                    class_names[1],
                ),
                Figure::images(
                    "Misclassified brain slices",
                    &wrong_slice_panels,
                    wrong_slice_panels.len().min(6),
                    (0.0, 1.0),
                ),
            );
    }
    report.sections.push(brain_section);
    report.sections.push(
        Section::new("The learning rate and the optimiser")
            .para(format!(
                "The course's MRI lab trains the same network with different optimisers and \
                 rates and finds that too large a rate leaves a network that predicts one class \
                 only, that plain SGD at a small rate is slow, and that Adam at a small rate \
                 does best. Here the same CNN, from the same initial weights, on the same \
                 split and batches, is trained for {BRAIN_EPOCHS} epochs five ways; each keeps \
                 its lowest-validation-loss checkpoint. Plain SGD was run at three larger \
                 rates to find where it breaks rather than picking one that does."
            ))
            .para(format!(
                "Adam at 0.001 passes 90 % validation accuracy in epoch {to90}. Plain SGD at \
                 0.001 moves its training loss by {drop} % in {BRAIN_EPOCHS} epochs and its \
                 kept checkpoint predicts {slow_classes} on the test set: the steps are too \
                 small for the budget, not wrong. At lr 1 the steps overshoot and SGD settles \
                 where the output barely depends on the image (the logit difference varies \
                 with sd {large_sd} over the test slices, against {adam_sd} for Adam), so the \
                 network answers with one class for every slice (test accuracy {large_acc}, \
                 the share of that class in a balanced test set). At 0.3 it learns for a few \
                 epochs (best validation accuracy {edge_best}) and then collapses the same way \
                 (last epoch {edge_last}); only keeping the best checkpoint saves it. At 0.1 \
                 plain SGD trains well (test accuracy {mod_acc}). The lesson is about the size \
                 of the step: plain SGD works only in a window of rates that has to be \
                 searched for, while Adam's per-parameter step scaling makes a small rate \
                 both safe and fast.",
                to90 = adam
                    .epochs_to_90
                    .map_or("never".to_string(), |e| (e + 1).to_string()),
                drop = fixed(100.0 * slow.loss_drop, 1),
                slow_classes = if slow.distinct == 1 {
                    "only one class"
                } else {
                    "both classes"
                },
                large_sd = large.map_or("—".to_string(), |o| fixed(o.logit_sd, 4)),
                adam_sd = fixed(adam.logit_sd, 2),
                large_acc = large.map_or("—".to_string(), |o| fixed(o.test_acc, 3)),
                edge_best = fixed(edge.best_val_acc, 3),
                edge_last = fixed(edge.last_val_acc, 3),
                mod_acc = fixed(moderate.test_acc, 3),
            ))
            .table(lr_table)
            .figure(
                "lr_validation_accuracy",
                "Validation accuracy by epoch for each optimiser and rate",
                Figure::lines(
                    "Brain slices: validation accuracy by epoch",
                    "epoch",
                    "validation accuracy",
                    &val_series,
                    LineOptions {
                        y_range: Some((0.4, 1.0)),
                        ..LineOptions::default()
                    },
                ),
            ),
    );
    Ok(report)
}
