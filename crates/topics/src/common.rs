//! Helpers shared by the topics.

use ml4ns_data_io::Table;
use ml4ns_models::{Fitted, Model, Pipeline};
use ml4ns_validation::metrics as m;
use ml4ns_validation::{Cv, Split};
use ndarray::{Array1, Array2, ArrayView2, Axis};

use crate::TopicError;

/// scikit-learn's digits (1797 images of 8 × 8 pixels, values 0–16, flattened row by row) with
/// the pixels divided by 16, onto [0, 1]: what the image topics feed their networks.
pub fn digits_unit() -> Table {
    let mut digits = ml4ns_data_io::classic::digits();
    digits.x.mapv_inplace(|v| v / 16.0);
    digits
}

/// The single split of a `train_test_split:...` spec (or the first fold of another scheme).
pub fn one_split(spec: &str, table: &Table) -> Result<Split, TopicError> {
    let cv = Cv::parse(spec)?;
    let y: Option<Vec<usize>> = table.class_target().map(|c| c.codes.to_vec());
    let mut splits = cv.split(table.n_rows(), y.as_deref(), None)?;
    if splits.is_empty() {
        return Err(format!("{spec} gave no split").into());
    }
    Ok(splits.swap_remove(0))
}

/// Train and test tables of a split.
pub fn train_test(table: &Table, split: &Split) -> (Table, Table) {
    (
        table.select_rows(&split.train),
        table.select_rows(&split.test),
    )
}

/// Fit a model spec on `train`.
pub fn fit(spec: &str, train: &Table) -> Result<Box<dyn Fitted>, TopicError> {
    Ok(Model::parse(spec)?.fit(train)?)
}

/// Fit a pipeline on `train`.
pub fn fit_pipeline(p: &Pipeline, train: &Table) -> Result<Box<dyn Fitted>, TopicError> {
    Ok(p.fit(train)?)
}

/// Class codes of a table's target.
pub fn codes(t: &Table) -> Result<Vec<usize>, TopicError> {
    Ok(t.class_target()
        .ok_or("the table has no class target")?
        .codes
        .to_vec())
}

/// Real values of a table's target.
pub fn values(t: &Table) -> Result<Vec<f64>, TopicError> {
    Ok(t.target
        .as_ref()
        .ok_or("the table has no target")?
        .as_f64()
        .to_vec())
}

/// Predicted class codes.
pub fn predict_codes(f: &dyn Fitted, x: ArrayView2<f64>) -> Result<Vec<usize>, TopicError> {
    Ok(f.predict(x)?.iter().map(|&v| v as usize).collect())
}

/// Accuracy of a fitted classifier on a table's rows.
pub fn accuracy(f: &dyn Fitted, t: &Table) -> Result<f64, TopicError> {
    Ok(m::accuracy(&codes(t)?, &predict_codes(f, t.x.view())?)?)
}

/// A confusion matrix as `[[a,b],[c,d]]`, as NumPy prints it without spaces.
pub fn matrix_text(cm: &m::ConfusionMatrix) -> String {
    let rows: Vec<String> = cm
        .counts
        .iter()
        .map(|r| {
            format!(
                "[{}]",
                r.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}

/// Standardise every column by its mean and population standard deviation over all rows
/// (scikit-learn's `StandardScaler().fit_transform(X)`).
pub fn standardise_all(t: &Table) -> Table {
    let mut out = t.clone();
    let mean =
        t.x.mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(t.n_features()));
    let sd =
        t.x.std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
    out.x = (&t.x - &mean) / &sd;
    out
}

/// The range of column `j`, widened by `pad` of its width on each side (plot limits).
pub fn padded_range(x: &Array2<f64>, j: usize, pad: f64) -> (f64, f64) {
    let col = x.column(j);
    let lo = col.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w = pad * (hi - lo);
    (lo - w, hi + w)
}

/// Keep the named feature columns, in this order.
pub fn select_features(t: &Table, names: &[&str]) -> Result<Table, TopicError> {
    let idx: Vec<usize> = names
        .iter()
        .map(|n| {
            t.feature_index(n)
                .ok_or_else(|| format!("{}: no feature '{n}'", t.source))
        })
        .collect::<Result<_, _>>()?;
    let mut out = t.clone();
    out.x = t.x.select(Axis(1), &idx);
    out.feature_names = names.iter().map(|s| s.to_string()).collect();
    out.categorical.clear();
    Ok(out)
}

/// Inverse of a small symmetric positive definite matrix (Gauss–Jordan with partial
/// pivoting); `None` if singular.
pub fn inverse(a: &Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut m = a.clone();
    let mut inv = Array2::eye(n);
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[[i, c]].abs().total_cmp(&m[[j, c]].abs()))?;
        if m[[p, c]].abs() < 1e-300 {
            return None;
        }
        for k in 0..n {
            m.swap([c, k], [p, k]);
            inv.swap([c, k], [p, k]);
        }
        let d = m[[c, c]];
        for k in 0..n {
            m[[c, k]] /= d;
            inv[[c, k]] /= d;
        }
        for r in 0..n {
            if r != c {
                let f = m[[r, c]];
                if f != 0.0 {
                    for k in 0..n {
                        m[[r, k]] -= f * m[[c, k]];
                        inv[[r, k]] -= f * inv[[c, k]];
                    }
                }
            }
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    #[test]
    fn inverts_and_prints_matrices() {
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        let inv = super::inverse(&a).unwrap();
        let id = a.dot(&inv);
        assert!((id[[0, 0]] - 1.0).abs() < 1e-12 && id[[0, 1]].abs() < 1e-12);
        assert!(super::inverse(&array![[1.0, 1.0], [1.0, 1.0]]).is_none());
        let cm = super::m::ConfusionMatrix {
            labels: vec![0, 1],
            counts: vec![vec![38, 5], vec![3, 68]],
        };
        assert_eq!(super::matrix_text(&cm), "[[38,5],[3,68]]");
    }
}
