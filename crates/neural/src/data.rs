//! Data going in and out of networks: [`Dataset`], [`Targets`], [`ImageShape`] and the
//! conversions between ndarray (f64) and burn tensors (f32).

use burn::tensor::{Device, Tensor, TensorData};
use ml4ns_data_io::{Table, Target};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

use crate::error::{data_err, Result};

/// The shape of one image: channels × height × width.
///
/// Images travel as rows of a matrix: row `i` holds image `i`'s pixels in C order (channel,
/// then row, then column), so an 8×8 grey image is a row of 64 values, as in scikit-learn's
/// digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageShape {
    /// Number of channels (1 for grey images).
    pub channels: usize,
    /// Height in pixels.
    pub height: usize,
    /// Width in pixels.
    pub width: usize,
}

impl ImageShape {
    /// A shape with `channels` channels of `height × width` pixels.
    pub fn new(channels: usize, height: usize, width: usize) -> Self {
        ImageShape {
            channels,
            height,
            width,
        }
    }

    /// A one-channel (grey) `height × width` image.
    pub fn gray(height: usize, width: usize) -> Self {
        ImageShape::new(1, height, width)
    }

    /// Values per image: `channels · height · width`.
    pub fn len(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// Whether the shape holds no pixel.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Display for ImageShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{}×{}", self.channels, self.height, self.width)
    }
}

/// Pads every image (a row of `x`, shaped `shape`) with `value` to `height × width`, keeping it
/// centred (an odd surplus goes to the bottom and right), e.g. scikit-learn's 8×8 digits to
/// LeNet-5's 32×32 input.
///
/// # Errors
///
/// Returns [`NeuralError::InvalidData`] when `x` does not have `shape.len()` columns, or `height`
/// or `width` is smaller than the images' own height or width.
///
/// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
pub fn pad_images(
    x: ArrayView2<'_, f64>,
    shape: ImageShape,
    height: usize,
    width: usize,
    value: f64,
) -> Result<Array2<f64>> {
    if x.ncols() != shape.len() {
        return Err(data_err(format!(
            "images of shape {shape} need {} columns, the matrix has {}",
            shape.len(),
            x.ncols()
        )));
    }
    if height < shape.height || width < shape.width {
        return Err(data_err(format!(
            "cannot pad {}×{} images to the smaller size {height}×{width}",
            shape.height, shape.width
        )));
    }
    let (top, left) = ((height - shape.height) / 2, (width - shape.width) / 2);
    let out_len = shape.channels * height * width;
    let mut out = Array2::from_elem((x.nrows(), out_len), value);
    for (src, mut dst) in x.outer_iter().zip(out.outer_iter_mut()) {
        for c in 0..shape.channels {
            for r in 0..shape.height {
                for col in 0..shape.width {
                    let from = (c * shape.height + r) * shape.width + col;
                    let to = (c * height + r + top) * width + col + left;
                    dst[to] = src[from];
                }
            }
        }
    }
    Ok(out)
}

/// What a network is trained to output for each row.
#[derive(Debug, Clone, Copy)]
pub enum Targets<'a> {
    /// One class index per row, `0..n_outputs` (classification: the network's outputs are
    /// logits, the loss is softmax cross-entropy).
    Classes(ArrayView1<'a, usize>),
    /// One row of `n_outputs` real values per row (regression or reconstruction: the loss is
    /// the mean squared error over all entries).
    Values(ArrayView2<'a, f64>),
}

/// Inputs and targets: `x` is `n_rows × n_inputs` (images flattened as [`ImageShape`] says).
#[derive(Debug, Clone, Copy)]
pub struct Dataset<'a> {
    /// Inputs, one row per sample.
    pub x: ArrayView2<'a, f64>,
    /// Targets, one per row of `x`.
    pub targets: Targets<'a>,
}

impl<'a> Dataset<'a> {
    /// A classification set: `y` holds class indices (a slice, `Vec` or `ArrayView1`).
    pub fn classification(x: ArrayView2<'a, f64>, y: impl Into<ArrayView1<'a, usize>>) -> Self {
        Dataset {
            x,
            targets: Targets::Classes(y.into()),
        }
    }

    /// A regression set: `y` is `n_rows × n_outputs`.
    pub fn regression(x: ArrayView2<'a, f64>, y: ArrayView2<'a, f64>) -> Self {
        Dataset {
            x,
            targets: Targets::Values(y),
        }
    }

    /// A reconstruction set (autoencoders): the targets are the inputs.
    pub fn reconstruction(x: ArrayView2<'a, f64>) -> Self {
        Dataset {
            x,
            targets: Targets::Values(x),
        }
    }

    /// The features and target of an ml4ns [`Table`]: class codes become a classification
    /// set, a continuous target a one-output regression set.
    ///
    /// # Errors
    ///
    /// Returns [`NeuralError::InvalidData`] when the table has no target column.
    ///
    /// [`NeuralError::InvalidData`]: crate::NeuralError::InvalidData
    pub fn from_table(table: &'a Table) -> Result<Self> {
        match &table.target {
            Some(Target::Classes(classes)) => Ok(Dataset::classification(
                table.x.view(),
                classes.codes.view(),
            )),
            Some(Target::Continuous { values, .. }) => Ok(Dataset::regression(
                table.x.view(),
                values.view().insert_axis(Axis(1)),
            )),
            None => Err(data_err(format!(
                "table `{}` has no target column to train on",
                table.source
            ))),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.x.nrows() == 0
    }

    /// Whether the targets are class indices.
    pub fn is_classification(&self) -> bool {
        matches!(self.targets, Targets::Classes(_))
    }

    /// Checks that the set fits a network with `n_inputs` inputs and `n_outputs` outputs;
    /// `what` names the set in messages ("training", "validation").
    pub(crate) fn check(&self, n_inputs: usize, n_outputs: usize, what: &str) -> Result<()> {
        check_inputs(self.x, n_inputs, what)?;
        match self.targets {
            Targets::Classes(y) => {
                if y.len() != self.x.nrows() {
                    return Err(data_err(format!(
                        "the {what} set has {} rows but {} class labels",
                        self.x.nrows(),
                        y.len()
                    )));
                }
                if n_outputs < 2 {
                    return Err(data_err(format!(
                        "class targets need a network with at least 2 outputs (one logit per \
                         class), this one has {n_outputs}"
                    )));
                }
                if let Some((row, &label)) = y.iter().enumerate().find(|(_, &l)| l >= n_outputs) {
                    return Err(data_err(format!(
                        "{what} row {row} has class {label}, but the network has {n_outputs} \
                         outputs (classes 0..{n_outputs})"
                    )));
                }
            }
            Targets::Values(y) => {
                if y.nrows() != self.x.nrows() {
                    return Err(data_err(format!(
                        "the {what} set has {} rows but {} target rows",
                        self.x.nrows(),
                        y.nrows()
                    )));
                }
                if y.ncols() != n_outputs {
                    return Err(data_err(format!(
                        "the {what} targets have {} columns, the network has {n_outputs} outputs",
                        y.ncols()
                    )));
                }
                check_finite(y, &format!("{what} targets"))?;
            }
        }
        Ok(())
    }
}

/// Checks an input matrix: rows present, `n_inputs` columns, finite values.
pub(crate) fn check_inputs(x: ArrayView2<'_, f64>, n_inputs: usize, what: &str) -> Result<()> {
    if x.nrows() == 0 {
        return Err(data_err(format!("the {what} set has no rows")));
    }
    if x.ncols() != n_inputs {
        return Err(data_err(format!(
            "the {what} inputs have {} columns, the network expects {n_inputs}",
            x.ncols()
        )));
    }
    check_finite(x, &format!("{what} inputs"))
}

fn check_finite(x: ArrayView2<'_, f64>, what: &str) -> Result<()> {
    for ((row, col), v) in x.indexed_iter() {
        if !v.is_finite() {
            return Err(data_err(format!(
                "{what}: row {row}, column {col} is {v} (values must be finite)"
            )));
        }
    }
    Ok(())
}

/// Rows `rows` of `x` as an `[rows.len(), ncols]` f32 tensor.
pub(crate) fn rows_tensor(x: ArrayView2<'_, f64>, rows: &[usize], device: &Device) -> Tensor<2> {
    let mut values = Vec::with_capacity(rows.len() * x.ncols());
    for &r in rows {
        values.extend(x.row(r).iter().map(|&v| v as f32));
    }
    Tensor::from_data(TensorData::new(values, [rows.len(), x.ncols()]), device)
}

/// One-hot rows for class labels `y[rows]`, `[rows.len(), n_classes]`.
pub(crate) fn one_hot_tensor(
    y: ArrayView1<'_, usize>,
    rows: &[usize],
    n_classes: usize,
    device: &Device,
) -> Tensor<2> {
    let mut values = vec![0f32; rows.len() * n_classes];
    for (i, &r) in rows.iter().enumerate() {
        values[i * n_classes + y[r]] = 1.0;
    }
    Tensor::from_data(TensorData::new(values, [rows.len(), n_classes]), device)
}

/// A tensor's values as f64, in C order.
pub(crate) fn tensor_values<const D: usize>(t: Tensor<D>) -> Vec<f64> {
    t.into_data()
        .convert::<f32>()
        .iter::<f32>()
        .map(f64::from)
        .collect()
}

/// A 2-D tensor as an ndarray matrix.
pub(crate) fn tensor_to_array2(t: Tensor<2>) -> Array2<f64> {
    let [n, d] = t.dims();
    Array2::from_shape_vec((n, d), tensor_values(t)).expect("tensor data matches its shape")
}
