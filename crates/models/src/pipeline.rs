//! Preprocessing fitted on training rows only, chained to a model: in cross-validation the
//! scaling statistics never see the test fold.

use ml4ns_data_io::Table;
use ndarray::{Array1, Array2, ArrayView2, Axis};

use crate::error::ModelError;
use crate::model::{check_width, Fitted, Model};

/// Feature scaling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scaling {
    /// Features as they are.
    #[default]
    None,
    /// Zero mean, unit (population) standard deviation, as scikit-learn's `StandardScaler`;
    /// constant columns are centred only.
    Standard,
    /// Onto [0, 1] by the training minimum and maximum, as `MinMaxScaler`; constant columns
    /// map to 0.
    MinMax,
}

impl std::str::FromStr for Scaling {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Scaling::None),
            "standard" => Ok(Scaling::Standard),
            "minmax" => Ok(Scaling::MinMax),
            other => Err(format!(
                "unknown scaling '{other}' (expected none, standard or minmax)"
            )),
        }
    }
}

/// A fitted affine map `(x − shift) / scale` per column.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FittedScaler {
    shift: Array1<f64>,
    scale: Array1<f64>,
}

impl FittedScaler {
    /// Learn the statistics of `x`.
    pub fn fit(scaling: Scaling, x: ArrayView2<f64>) -> FittedScaler {
        let p = x.ncols();
        let (shift, scale) = match scaling {
            Scaling::None => (Array1::zeros(p), Array1::ones(p)),
            Scaling::Standard => {
                let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(p));
                let sd = x
                    .std_axis(Axis(0), 0.0)
                    .mapv(|s| if s > 0.0 { s } else { 1.0 });
                (mean, sd)
            }
            Scaling::MinMax => {
                let min = x.fold_axis(Axis(0), f64::INFINITY, |a, &b| a.min(b));
                let max = x.fold_axis(Axis(0), f64::NEG_INFINITY, |a, &b| a.max(b));
                let range = (&max - &min).mapv(|r| if r > 0.0 { r } else { 1.0 });
                (min, range)
            }
        };
        FittedScaler { shift, scale }
    }

    /// True when the scaler changes nothing.
    pub fn is_identity(&self) -> bool {
        self.shift.iter().all(|&v| v == 0.0) && self.scale.iter().all(|&v| v == 1.0)
    }

    /// Apply to new rows.
    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        (&x - &self.shift) / &self.scale
    }
}

/// Scaling followed by a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// The scaling step.
    pub scaling: Scaling,
    /// The model.
    pub model: Model,
}

impl Pipeline {
    /// Fit the scaler on `train`, then the model on the scaled rows.
    pub fn fit(&self, train: &Table) -> Result<Box<dyn Fitted>, ModelError> {
        let scaler = FittedScaler::fit(self.scaling, train.x.view());
        let mut scaled = train.clone();
        scaled.x = scaler.transform(train.x.view());
        let model = self.model.fit(&scaled)?;
        Ok(Box::new(FittedPipeline {
            name: self.model.name().to_string(),
            scaler,
            model,
        }))
    }
}

pub(crate) struct FittedPipeline {
    pub(crate) name: String,
    pub(crate) scaler: FittedScaler,
    pub(crate) model: Box<dyn Fitted>,
}

impl Fitted for FittedPipeline {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Pipeline {
            name: self.name.clone(),
            scaler: self.scaler.clone(),
            model: Box::new(self.model.save()),
        })
    }

    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        check_width(&self.name, &x, self.scaler.shift.len())?;
        self.model.predict(self.scaler.transform(x).view())
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        check_width(&self.name, &x, self.scaler.shift.len())?;
        self.model.predict_proba(self.scaler.transform(x).view())
    }
    fn feature_importance(&self) -> Option<Vec<f64>> {
        self.model.feature_importance()
    }
    fn describe(&self, features: &[String], classes: &[String]) -> Option<String> {
        // Thresholds are on scaled features; say so rather than mislabel them.
        self.model.describe(features, classes).map(|d| {
            if self.scaler.is_identity() {
                d
            } else {
                format!("# thresholds are on scaled features\n{d}")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn scalers_use_training_statistics_only() {
        let train = array![[0.0, 5.0], [2.0, 5.0], [4.0, 5.0]];
        let s = FittedScaler::fit(Scaling::Standard, train.view());
        let t = s.transform(train.view());
        assert!((t.column(0).sum()).abs() < 1e-12);
        assert_eq!(
            t.column(1).to_vec(),
            [0.0, 0.0, 0.0],
            "constant column centred only"
        );
        let test = array![[6.0, 7.0]];
        let sd = (8.0f64 / 3.0).sqrt();
        assert!((s.transform(test.view())[[0, 0]] - 4.0 / sd).abs() < 1e-12);
        let m = FittedScaler::fit(Scaling::MinMax, train.view());
        assert_eq!(m.transform(test.view()).row(0).to_vec(), [1.5, 2.0]);
        assert_eq!("minmax".parse::<Scaling>().unwrap(), Scaling::MinMax);
        assert!("zscore".parse::<Scaling>().is_err());
    }
}
