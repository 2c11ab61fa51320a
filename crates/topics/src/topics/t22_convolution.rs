//! 22 — convolution: 2-D cross-correlation by hand, edge detection, learning a kernel by
//! gradient descent, padding and stride, channels and 1×1 convolutions, pooling.

use ml4ns_data_io::synth::SynthRng;
use ml4ns_neural::{cpu_device, Activation, CnnConfig, ConvLayer, ImageShape, Pooling, Tensor};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Replication, Report, Section, Table as T};
use ndarray::{s, Array2, Array3, Array4, ArrayView2, Axis};

use crate::{Context, TopicError};

const ID: &str = "22-convolution";

/// Cross-correlation of `x` with kernel `k` (what deep-learning libraries call convolution),
/// with zero padding `(ph, pw)` on each side and stride `(sh, sw)`.
pub fn corr2d(
    x: ArrayView2<f64>,
    k: ArrayView2<f64>,
    padding: (usize, usize),
    stride: (usize, usize),
) -> Result<Array2<f64>, TopicError> {
    let (h, w) = x.dim();
    let (kh, kw) = k.dim();
    let (ph, pw) = padding;
    let (sh, sw) = stride;
    if sh == 0 || sw == 0 || kh == 0 || kw == 0 || kh > h + 2 * ph || kw > w + 2 * pw {
        return Err(format!(
            "cannot correlate a {h}×{w} input with a {kh}×{kw} kernel (padding {ph}×{pw}, \
             stride {sh}×{sw})"
        )
        .into());
    }
    let mut padded = Array2::zeros((h + 2 * ph, w + 2 * pw));
    padded.slice_mut(s![ph..ph + h, pw..pw + w]).assign(&x);
    let (oh, ow) = out_shape((h, w), (kh, kw), padding, stride);
    let mut y = Array2::zeros((oh, ow));
    for i in 0..oh {
        for j in 0..ow {
            let win = padded.slice(s![i * sh..i * sh + kh, j * sw..j * sw + kw]);
            y[[i, j]] = (&win * &k).sum();
        }
    }
    Ok(y)
}

/// Output size of a convolution or pooling window: ⌊(n + 2p − k) / s⌋ + 1 per axis.
pub fn out_shape(
    (h, w): (usize, usize),
    (kh, kw): (usize, usize),
    (ph, pw): (usize, usize),
    (sh, sw): (usize, usize),
) -> (usize, usize) {
    ((h + 2 * ph - kh) / sh + 1, (w + 2 * pw - kw) / sw + 1)
}

/// Several input channels, one output channel: the sum of the per-channel correlations.
fn corr2d_multi_in(x: &Array3<f64>, k: &Array3<f64>) -> Result<Array2<f64>, TopicError> {
    let mut out: Option<Array2<f64>> = None;
    for (xc, kc) in x.outer_iter().zip(k.outer_iter()) {
        let y = corr2d(xc, kc, (0, 0), (1, 1))?;
        out = Some(match out {
            Some(o) => o + y,
            None => y,
        });
    }
    out.ok_or_else(|| "no channels".into())
}

/// Several output channels: one multi-input correlation per kernel.
fn corr2d_multi_in_out(x: &Array3<f64>, k: &Array4<f64>) -> Result<Array3<f64>, TopicError> {
    let outs: Vec<Array2<f64>> = k
        .outer_iter()
        .map(|kc| corr2d_multi_in(x, &kc.to_owned()))
        .collect::<Result<_, _>>()?;
    let views: Vec<_> = outs.iter().map(|o| o.view()).collect();
    Ok(ndarray::stack(Axis(0), &views)?)
}

#[derive(Clone, Copy, PartialEq)]
enum Pool {
    Max,
    Mean,
}

fn pool2d(
    x: ArrayView2<f64>,
    size: (usize, usize),
    padding: (usize, usize),
    stride: (usize, usize),
    mode: Pool,
) -> Array2<f64> {
    let (h, w) = x.dim();
    let (oh, ow) = out_shape((h, w), size, padding, stride);
    let mut y = Array2::zeros((oh, ow));
    for i in 0..oh {
        for j in 0..ow {
            // Padded cells take no part (max: -inf; mean: excluded, as PyTorch's
            // count_include_pad=False would; the mean examples here use no padding).
            let (mut best, mut sum, mut n) = (f64::NEG_INFINITY, 0.0, 0usize);
            for a in 0..size.0 {
                for b in 0..size.1 {
                    let (r, c) = (
                        (i * stride.0 + a) as isize - padding.0 as isize,
                        (j * stride.1 + b) as isize - padding.1 as isize,
                    );
                    if r >= 0 && c >= 0 && (r as usize) < h && (c as usize) < w {
                        let v = x[[r as usize, c as usize]];
                        best = best.max(v);
                        sum += v;
                        n += 1;
                    }
                }
            }
            y[[i, j]] = match mode {
                Pool::Max => best,
                Pool::Mean => sum / n.max(1) as f64,
            };
        }
    }
    y
}

fn text(m: &Array2<f64>) -> String {
    let rows: Vec<String> = m
        .outer_iter()
        .map(|r| {
            format!(
                "[{}]",
                r.iter()
                    .map(|v| format!("{v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

fn arange(h: usize, w: usize, start: f64) -> Array2<f64> {
    Array2::from_shape_fn((h, w), |(i, j)| start + (i * w + j) as f64)
}

fn heat(title: &str, m: &Array2<f64>, decimals: usize) -> Figure {
    let cols: Vec<String> = (0..m.ncols()).map(|j| j.to_string()).collect();
    let rows: Vec<String> = (0..m.nrows()).map(|i| i.to_string()).collect();
    let values: Vec<Vec<f64>> = m.outer_iter().map(|r| r.to_vec()).collect();
    Figure::heatmap(title, "column", "row", &cols, &rows, &values, decimals)
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Convolution",
        "What does a convolutional layer compute, how are its output shapes set by padding and \
         stride, and can gradient descent find an edge-detecting kernel on its own?",
    );
    report.data = "Small arrays written out in the text (the textbook's examples): a 3×3 input \
                   0…8, a 6×8 image of a dark vertical band, 4×4 and 8×8 inputs for shapes and \
                   pooling. The kernel-learning run starts from weights drawn from this topic's \
                   seeded generator (seed 22), uniform on ±1/√2 as PyTorch initialises a 1×2 \
                   convolution."
        .into();

    // 1. The textbook example.
    let x = arange(3, 3, 0.0);
    let k = Array2::from_shape_vec((2, 2), vec![0.0, 1.0, 2.0, 3.0])?;
    let y = corr2d(x.view(), k.view(), (0, 0), (1, 1))?;
    report.replication.push(Replication::exact(
        ID,
        "cross-correlation of 0…8 (3×3) with [[0,1],[2,3]]",
        "[[19, 25], [37, 43]]",
        text(&y),
    ));
    let by_hand = 0.0 * 0.0 + 1.0 * 1.0 + 3.0 * 2.0 + 4.0 * 3.0;
    report.checks.push(Check::equal(
        "the top-left output is the window [[0,1],[3,4]] times the kernel, summed",
        fixed(y[[0, 0]], 0),
        fixed(by_hand, 0),
    ));

    // 2. Edge detection.
    let mut band = Array2::<f64>::ones((6, 8));
    band.slice_mut(s![.., 2..6]).fill(0.0);
    let edge = Array2::from_shape_vec((1, 2), vec![1.0, -1.0])?;
    let edges = corr2d(band.view(), edge.view(), (0, 0), (1, 1))?;
    let expected_col = |j: usize| match j {
        1 => 1.0,
        5 => -1.0,
        _ => 0.0,
    };
    let edge_ok = edges
        .indexed_iter()
        .all(|((_, j), &v)| v == expected_col(j));
    report.checks.push(Check::equal(
        "kernel [1, −1] marks the light→dark edge with 1 (column 1) and dark→light with −1 \
         (column 5), 0 elsewhere",
        edge_ok.to_string(),
        "true",
    ));
    let transposed = corr2d(band.t(), edge.view(), (0, 0), (1, 1))?;
    report.checks.push(Check::equal(
        "the same kernel sees nothing in the transposed image (horizontal edges): all zeros",
        transposed.iter().all(|&v| v == 0.0).to_string(),
        "true",
    ));

    // 3. Learning the kernel back.
    let mut rng = SynthRng::new(22, 0);
    let bound = 1.0 / 2f64.sqrt();
    let mut w = [
        rng.uniform_range(-bound, bound),
        rng.uniform_range(-bound, bound),
    ];
    let w0 = w;
    let lr = 0.03;
    let mut losses = Vec::new();
    let mut trace = T::new(["step", "loss (sum of squares)", "w₁", "w₂"]);
    for step in 1..=10 {
        let kern = Array2::from_shape_vec((1, 2), w.to_vec())?;
        let pred = corr2d(band.view(), kern.view(), (0, 0), (1, 1))?;
        let err = &pred - &edges;
        let loss = err.mapv(|e| e * e).sum();
        // ∂loss/∂w_b = Σ 2·err[i,j]·x[i, j+b].
        let mut grad = [0.0; 2];
        for ((i, j), e) in err.indexed_iter() {
            grad[0] += 2.0 * e * band[[i, j]];
            grad[1] += 2.0 * e * band[[i, j + 1]];
        }
        w[0] -= lr * grad[0];
        w[1] -= lr * grad[1];
        losses.push((step as f64, loss));
        trace.push([
            step.to_string(),
            fixed(loss, 4),
            fixed(w[0], 4),
            fixed(w[1], 4),
        ]);
    }
    // Finite-difference check of the hand gradient at the start.
    let loss_at = |w: [f64; 2]| -> Result<f64, TopicError> {
        let kern = Array2::from_shape_vec((1, 2), w.to_vec())?;
        let pred = corr2d(band.view(), kern.view(), (0, 0), (1, 1))?;
        Ok((&pred - &edges).mapv(|e| e * e).sum())
    };
    let mut analytic = [0.0; 2];
    {
        let kern = Array2::from_shape_vec((1, 2), w0.to_vec())?;
        let err = corr2d(band.view(), kern.view(), (0, 0), (1, 1))? - &edges;
        for ((i, j), e) in err.indexed_iter() {
            analytic[0] += 2.0 * e * band[[i, j]];
            analytic[1] += 2.0 * e * band[[i, j + 1]];
        }
    }
    let h = 1e-6;
    let mut fd_err: f64 = 0.0;
    for b in 0..2 {
        let (mut up, mut down) = (w0, w0);
        up[b] += h;
        down[b] -= h;
        let fd = (loss_at(up)? - loss_at(down)?) / (2.0 * h);
        fd_err = fd_err.max((fd - analytic[b]).abs() / analytic[b].abs().max(1.0));
    }
    report.checks.push(Check::at_most(
        "the hand-derived gradient matches central finite differences (relative error)",
        fd_err,
        1e-6,
        9,
    ));
    report.checks.push(Check::at_most(
        "after 10 steps at learning rate 0.03 the learned kernel is within 0.05 of [1, −1] \
         (largest coordinate error)",
        (w[0] - 1.0).abs().max((w[1] + 1.0).abs()),
        0.05,
        4,
    ));
    report.checks.push(Check::greater(
        "the loss falls over the 10 steps",
        ("step 1", losses[0].1),
        ("step 10", losses[9].1),
        4,
    ));
    for (i, (course, name)) in [("0.9975", "w₁"), ("-0.9905", "w₂")].iter().enumerate() {
        report.replication.push(Replication::number(
            ID,
            format!(
                "kernel learned from (image, edge map) pairs after 10 steps at lr 0.03: {name} \
                 (random start differs)"
            ),
            course,
            w[i],
            0.05,
        ));
    }
    report
        .metrics
        .push(Metric::new("learned kernel w₁", w[0], 4));
    report
        .metrics
        .push(Metric::new("learned kernel w₂", w[1], 4));

    // 4. Padding and stride.
    let mut shapes = T::new([
        "input",
        "kernel",
        "padding (each side)",
        "stride",
        "formula ⌊(n + 2p − k)/s⌋ + 1",
        "computed",
    ]);
    let mut shapes_ok = true;
    let mut rng = SynthRng::new(22, 1);
    for (inp, ker, pad, st) in [
        ((8, 8), (3, 3), (1, 1), (1, 1)),
        ((8, 8), (5, 3), (2, 1), (1, 1)),
        ((8, 8), (3, 3), (1, 1), (2, 2)),
        ((8, 8), (3, 5), (0, 1), (3, 4)),
        ((28, 28), (5, 5), (2, 2), (1, 1)),
        ((32, 32), (5, 5), (0, 0), (1, 1)),
    ] {
        let xin = Array2::from_shape_fn(inp, |_| rng.normal(0.0, 1.0));
        let kin = Array2::from_shape_fn(ker, |_| rng.normal(0.0, 1.0));
        let out = corr2d(xin.view(), kin.view(), pad, st)?;
        let formula = out_shape(inp, ker, pad, st);
        shapes_ok &= out.dim() == formula;
        shapes.push([
            format!("{}×{}", inp.0, inp.1),
            format!("{}×{}", ker.0, ker.1),
            format!("{}×{}", pad.0, pad.1),
            format!("{}×{}", st.0, st.1),
            format!("{}×{}", formula.0, formula.1),
            format!("{}×{}", out.dim().0, out.dim().1),
        ]);
    }
    report.checks.push(Check::equal(
        "every computed output shape equals the formula",
        shapes_ok.to_string(),
        "true",
    ));
    // The same formula against burn's layers (through ml4ns-neural's CNN blocks). burn's
    // convolution blocks there have stride 1 and square kernels with equal padding on every
    // side; stride is checked with the 2×2, stride-2 pooling that follows a block.
    let device = cpu_device();
    let mut layer_shapes = T::new([
        "burn layers",
        "input",
        "formula ⌊(n + 2p − k)/s⌋ + 1",
        "`CnnConfig::feature_shapes`",
        "burn's output (`Cnn::feature_maps`)",
    ]);
    let mut layers_ok = true;
    for (n, blocks) in [
        (8, vec![(3, 1, None)]),
        (28, vec![(5, 2, None)]),
        (32, vec![(5, 0, None)]),
        (8, vec![(3, 1, Some(Pooling::Max))]),
        (7, vec![(3, 0, Some(Pooling::Max))]),
        (9, vec![(2, 1, Some(Pooling::Avg))]),
        (
            32,
            vec![(5, 0, Some(Pooling::Max)), (5, 0, Some(Pooling::Max))],
        ),
    ] {
        let config = CnnConfig {
            input: ImageShape::gray(n, n),
            conv: blocks
                .iter()
                .map(|&(k, p, pool)| ConvLayer::new(2, k).with_padding(p).with_pool(pool))
                .collect(),
            hidden: vec![],
            n_outputs: 2,
            activation: Activation::Relu,
        };
        let cnn = config.init(22, &device)?;
        let maps = cnn.feature_maps(Tensor::<2>::ones([1, n * n], &device));
        let predicted = config.feature_shapes()?;
        let mut side = (n, n);
        let mut names = Vec::new();
        let (mut formula, mut own, mut burn) = (Vec::new(), Vec::new(), Vec::new());
        for (i, &(k, p, pool)) in blocks.iter().enumerate() {
            side = out_shape(side, (k, k), (p, p), (1, 1));
            let mut name = format!("conv {k}×{k}, padding {p}, stride 1");
            if let Some(pool) = pool {
                side = out_shape(side, (2, 2), (0, 0), (2, 2));
                name += match pool {
                    Pooling::Max => " → max pool 2×2, stride 2",
                    Pooling::Avg => " → average pool 2×2, stride 2",
                };
            }
            let [_, _, bh, bw] = maps.get(i).ok_or("burn gave too few feature maps")?.dims();
            let own_shape = predicted.get(i).ok_or("too few predicted shapes")?;
            layers_ok &= side == (bh, bw) && side == (own_shape.height, own_shape.width);
            names.push(name);
            formula.push(format!("{}×{}", side.0, side.1));
            own.push(format!("{}×{}", own_shape.height, own_shape.width));
            burn.push(format!("{bh}×{bw}"));
        }
        layer_shapes.push([
            names.join("; "),
            format!("{n}×{n}"),
            formula.join(", "),
            own.join(", "),
            burn.join(", "),
        ]);
    }
    report.checks.push(Check::equal(
        "the formula's shapes equal those burn's convolution and pooling layers produce \
         (padding through the convolutions, stride through the 2×2, stride-2 pooling)",
        layers_ok.to_string(),
        "true",
    ));

    // 5. Channels.
    let x2 = ndarray::stack(
        Axis(0),
        &[arange(3, 3, 0.0).view(), arange(3, 3, 1.0).view()],
    )?;
    let k2 = ndarray::stack(Axis(0), &[k.view(), (&k + 1.0).view()])?;
    let multi = corr2d_multi_in(&x2, &k2)?;
    report.checks.push(Check::equal(
        "two input channels (0…8 and 1…9) with kernels [[0,1],[2,3]] and [[1,2],[3,4]], as worked out by hand",
        text(&multi),
        "[[56, 72], [104, 120]]",
    ));
    let k3 = ndarray::stack(
        Axis(0),
        &[k2.view(), (&k2 + 1.0).view(), (&k2 + 2.0).view()],
    )?;
    let multi_out = corr2d_multi_in_out(&x2, &k3)?;
    report.checks.push(Check::equal(
        "three kernels give three output channels, the first equal to the single-kernel result",
        format!(
            "{:?}, first equal: {}",
            multi_out.dim(),
            multi_out.index_axis(Axis(0), 0) == multi
        ),
        "(3, 2, 2), first equal: true",
    ));
    // A 1×1 convolution mixes channels at each pixel: a matrix product.
    let mut rng = SynthRng::new(22, 2);
    let xc = Array3::from_shape_fn((3, 4, 5), |_| rng.normal(0.0, 1.0));
    let kc = Array4::from_shape_fn((2, 3, 1, 1), |_| rng.normal(0.0, 1.0));
    let conv = corr2d_multi_in_out(&xc, &kc)?;
    let flat = xc.to_shape((3, 20))?.to_owned();
    let kmat = kc.to_shape((2, 3))?.to_owned();
    let mm = kmat.dot(&flat).into_shape_with_order((2, 4, 5))?;
    let diff = (&conv - &mm).mapv(f64::abs).fold(0.0_f64, |a, &b| a.max(b));
    report.checks.push(Check::at_most(
        "a 1×1 convolution of 3 channels into 2 equals a 2×3 matrix times the 3×(h·w) pixels \
         (largest difference)",
        diff,
        1e-12,
        15,
    ));

    // 6. Pooling.
    let p3 = arange(3, 3, 0.0);
    let max2 = pool2d(p3.view(), (2, 2), (0, 0), (1, 1), Pool::Max);
    let avg2 = pool2d(p3.view(), (2, 2), (0, 0), (1, 1), Pool::Mean);
    report.checks.push(Check::equal(
        "2×2 max pooling of 0…8 (3×3), stride 1, as worked out by hand",
        text(&max2),
        "[[4, 5], [7, 8]]",
    ));
    report.checks.push(Check::equal(
        "2×2 average pooling of 0…8 (3×3), stride 1, as worked out by hand",
        text(&avg2),
        "[[2, 3], [5, 6]]",
    ));
    let p4 = arange(4, 4, 0.0);
    let strided = pool2d(p4.view(), (3, 3), (1, 1), (2, 2), Pool::Max);
    let rect = pool2d(p4.view(), (2, 3), (0, 1), (2, 3), Pool::Max);
    report.checks.push(Check::equal(
        "3×3 max pooling of 0…15 (4×4), padding 1, stride 2, as worked out by hand",
        text(&strided),
        "[[5, 7], [13, 15]]",
    ));
    report.checks.push(Check::equal(
        "2×3 max pooling of 0…15 (4×4), padding (0, 1), stride (2, 3), as worked out by hand",
        text(&rect),
        "[[5, 7], [13, 15]]",
    ));

    report.sections.push(
        Section::new("Cross-correlation")
            .para(format!(
                "A convolutional layer slides its kernel over the input and, at each position, \
                 multiplies the window by the kernel element-wise and sums: a cross-correlation \
                 (libraries call it convolution; a true convolution would flip the kernel, which \
                 makes no difference to a kernel that is learned). The 3×3 input 0…8 with the \
                 2×2 kernel [[0,1],[2,3]] gives {}.",
                text(&y)
            ))
            .figure(
                "edges_input",
                "A 6×8 image: a dark band on a light field",
                heat("Input image", &band, 0),
            )
            .figure(
                "edges_output",
                "Its correlation with [1, −1]: the two vertical edges",
                heat("Output of kernel [1, -1]", &edges, 0),
            ),
    );
    report.sections.push(
        Section::new("Learning the kernel")
            .para(format!(
                "Given only the image and the edge map, gradient descent on the squared error \
                 recovers the kernel. Starting from ({}, {}), ten steps at learning rate 0.03 \
                 reach ({}, {}); the gradient is derived by hand (each weight's gradient sums \
                 2·error times the pixel it multiplies) and checked against finite \
                 differences.",
                fixed(w0[0], 4),
                fixed(w0[1], 4),
                fixed(w[0], 4),
                fixed(w[1], 4)
            ))
            .table(trace)
            .figure(
                "kernel_loss",
                "Squared error while learning the kernel",
                Figure::lines(
                    "Learning [1, -1]: loss by step",
                    "step",
                    "sum of squared errors",
                    &[Series::new("loss", losses)],
                    LineOptions {
                        markers: true,
                        ..LineOptions::default()
                    },
                ),
            ),
    );
    report.sections.push(
        Section::new("Padding and stride")
            .para(
                "Padding p adds p zero rows and columns on each side; stride s moves the window \
                 s cells at a time. Each output axis has ⌊(n + 2p − k)/s⌋ + 1 cells: padding \
                 (k − 1)/2 keeps the size for odd k (how LeNet-5's 28×28 variant keeps its \
                 first maps), stride 2 halves it.",
            )
            .table(shapes)
            .para(
                "The same formula against burn's layers, as `ml4ns-neural` builds them: each \
                 block is a convolution with stride 1 and a square kernel padded equally on \
                 every side, optionally followed by 2×2 pooling with stride 2, so padding is \
                 checked through the convolutions and stride through the pooling (the last row \
                 is LeNet-5's two blocks on a 32×32 image). Each image goes through the real \
                 layers and the shape of the maps that come out is read back.",
            )
            .table(layer_shapes),
    );
    report.sections.push(
        Section::new("Channels, 1×1 convolutions and pooling").para(format!(
            "With several input channels the kernel has one slice per channel and the \
                 per-channel results are summed (here {}); each output channel has its own \
                 kernel. A 1×1 kernel looks at one pixel across channels: a linear map \
                 applied at every pixel, used to change the number of channels cheaply. \
                 Pooling replaces a window by its maximum or mean: 2×2 max pooling of 0…8 \
                 gives {}, average pooling {}; pooling has no weights, keeps the number of \
                 channels and, with stride, shrinks the map.",
            text(&multi),
            text(&max2),
            text(&avg2)
        )),
    );
    Ok(report)
}
