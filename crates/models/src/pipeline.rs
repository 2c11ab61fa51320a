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
    pub(crate) shift: Array1<f64>,
    pub(crate) scale: Array1<f64>,
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

/// How missing feature values (NaN in `x`) are filled, from training rows only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Imputation {
    /// No imputation: a missing value is an error naming its column.
    #[default]
    None,
    /// The training mean of the column (scikit-learn's `SimpleImputer(strategy="mean")`).
    Mean,
    /// The training median of the column (`SimpleImputer(strategy="median")`).
    Median,
}

impl std::str::FromStr for Imputation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Imputation::None),
            "mean" => Ok(Imputation::Mean),
            "median" => Ok(Imputation::Median),
            other => Err(format!(
                "unknown imputation '{other}' (expected none, mean or median)"
            )),
        }
    }
}

/// Preprocessing fitted on the training rows, then a model: imputation of missing values,
/// one-hot encoding of the table's categorical columns ([`Table::categorical`]), scaling of the
/// other columns. In cross-validation every statistic (fill values, levels, means and spreads)
/// comes from the training fold only.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Filling missing values.
    pub impute: Imputation,
    /// The scaling step (applied to the numeric columns; one-hot indicators stay 0/1).
    pub scaling: Scaling,
    /// The model.
    pub model: Model,
}

impl Pipeline {
    /// A pipeline with no preprocessing.
    pub fn new(model: Model) -> Pipeline {
        Pipeline {
            impute: Imputation::None,
            scaling: Scaling::None,
            model,
        }
    }

    /// Set the scaling (builder style).
    pub fn scaling(mut self, scaling: Scaling) -> Pipeline {
        self.scaling = scaling;
        self
    }

    /// Set the imputation (builder style).
    pub fn impute(mut self, impute: Imputation) -> Pipeline {
        self.impute = impute;
        self
    }

    /// Fit imputation, encoding and scaling on `train`: the fitted steps and `train` as the
    /// model sees it.
    fn fit_steps(&self, train: &Table) -> Result<(Steps, Table), ModelError> {
        let name = self.model.name().to_string();
        let categorical: Vec<usize> = train.categorical.iter().map(|c| c.feature).collect();
        let imputer = FittedImputer::fit(&name, self.impute, train, &categorical)?;
        let filled = imputer.transform(train.x.view());
        let one_hot = if train.categorical.is_empty() {
            None
        } else {
            Some(FittedOneHot::fit(train, filled.view()))
        };
        let encoded = match &one_hot {
            Some(o) => o.transform(filled.view()),
            None => filled,
        };
        let mut scaler = FittedScaler::fit(self.scaling, encoded.view());
        if let Some(o) = &one_hot {
            // Indicators stay 0/1.
            for j in o.numeric.len()..encoded.ncols() {
                scaler.shift[j] = 0.0;
                scaler.scale[j] = 1.0;
            }
        }
        let mut prepared = train.clone();
        prepared.x = scaler.transform(encoded.view());
        if let Some(o) = &one_hot {
            prepared.feature_names = o.names(&train.feature_names);
            prepared.categorical.clear();
        }
        Ok(((imputer, one_hot, scaler), prepared))
    }

    /// The rows of `table` after imputation, one-hot encoding and scaling fitted on all of
    /// them, with the resulting column names: the input of an unsupervised model
    /// ([`Model::cluster`], [`Model::embed`]).
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] when a (non-categorical) feature has missing or infinite values
    /// and the imputation is [`Imputation::None`], or has no finite value to impute from.
    pub fn preprocess(&self, table: &Table) -> Result<(Array2<f64>, Vec<String>), ModelError> {
        let (_, prepared) = self.fit_steps(table)?;
        Ok((prepared.x, prepared.feature_names))
    }

    /// Fit imputation, encoding and scaling on `train`, then the model on the result.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] as [`Pipeline::preprocess`] does for missing values, then the
    /// errors of [`Model::fit`] on the prepared rows.
    pub fn fit(&self, train: &Table) -> Result<Box<dyn Fitted>, ModelError> {
        let name = self.model.name().to_string();
        let ((imputer, one_hot, scaler), prepared) = self.fit_steps(train)?;
        let model = self.model.fit(&prepared)?;
        Ok(Box::new(FittedPipeline {
            name,
            n_features: train.n_features(),
            imputer: Some(imputer).filter(|i| !i.is_identity()),
            one_hot,
            scaler,
            model,
        }))
    }
}

type Steps = (FittedImputer, Option<FittedOneHot>, FittedScaler);

/// Fill values per column (NaN: leave as is, for categorical columns and imputation `none`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FittedImputer {
    fill: Vec<Option<f64>>,
}

impl FittedImputer {
    fn fit(
        model: &str,
        how: Imputation,
        train: &Table,
        categorical: &[usize],
    ) -> Result<FittedImputer, ModelError> {
        let mut fill = Vec::with_capacity(train.n_features());
        for (j, col) in train.x.columns().into_iter().enumerate() {
            if categorical.contains(&j) {
                fill.push(None);
                continue;
            }
            let mut finite: Vec<f64> = col.iter().copied().filter(|v| v.is_finite()).collect();
            let missing = col.len() - finite.len();
            let column = || train.feature_names.get(j).cloned().unwrap_or_default();
            if missing > 0 && how == Imputation::None {
                return Err(ModelError::Data {
                    model: model.into(),
                    message: format!(
                        "feature '{}' has {missing} missing value(s) in {}; impute them (mean or median) or drop those rows",
                        column(),
                        train.source
                    ),
                });
            }
            if missing > 0 && finite.is_empty() {
                return Err(ModelError::Data {
                    model: model.into(),
                    message: format!(
                        "feature '{}' has no values in the training rows to impute from",
                        column()
                    ),
                });
            }
            fill.push(match how {
                Imputation::None => None,
                Imputation::Mean => Some(finite.iter().sum::<f64>() / finite.len() as f64),
                Imputation::Median => {
                    finite.sort_by(f64::total_cmp);
                    let m = finite.len() / 2;
                    Some(if finite.len() % 2 == 1 {
                        finite[m]
                    } else {
                        (finite[m - 1] + finite[m]) / 2.0
                    })
                }
            });
        }
        Ok(FittedImputer { fill })
    }

    fn is_identity(&self) -> bool {
        self.fill.iter().all(Option::is_none)
    }

    fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut out = x.to_owned();
        for (mut col, fill) in out.columns_mut().into_iter().zip(&self.fill) {
            if let Some(f) = fill {
                col.mapv_inplace(|v| if v.is_finite() { v } else { *f });
            }
        }
        out
    }
}

/// One-hot encoding of categorical columns, with the levels seen in training (scikit-learn's
/// `OneHotEncoder(handle_unknown="ignore")`: an unseen or missing level sets no indicator).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FittedOneHot {
    /// Input columns kept as they are, in order.
    numeric: Vec<usize>,
    /// One indicator per (input column, level code, level name), after the numeric columns.
    indicators: Vec<(usize, usize, String)>,
}

impl FittedOneHot {
    fn fit(train: &Table, x: ArrayView2<f64>) -> FittedOneHot {
        let categorical: Vec<usize> = train.categorical.iter().map(|c| c.feature).collect();
        let numeric = (0..x.ncols())
            .filter(|j| !categorical.contains(j))
            .collect();
        let mut indicators = Vec::new();
        for c in &train.categorical {
            let mut seen: Vec<usize> = x
                .column(c.feature)
                .iter()
                .filter(|v| v.is_finite())
                .map(|&v| v as usize)
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for code in seen {
                let level = c
                    .levels
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| code.to_string());
                indicators.push((c.feature, code, level));
            }
        }
        FittedOneHot {
            numeric,
            indicators,
        }
    }

    fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut out = Array2::zeros((x.nrows(), self.numeric.len() + self.indicators.len()));
        for (k, &j) in self.numeric.iter().enumerate() {
            out.column_mut(k).assign(&x.column(j));
        }
        let base = self.numeric.len();
        for (k, (j, code, _)) in self.indicators.iter().enumerate() {
            for (i, v) in x.column(*j).iter().enumerate() {
                if v.is_finite() && *v as usize == *code {
                    out[[i, base + k]] = 1.0;
                }
            }
        }
        out
    }

    /// Names of the encoded columns: numeric names, then `column=level`.
    fn names(&self, features: &[String]) -> Vec<String> {
        let name = |j: usize| features.get(j).cloned().unwrap_or_else(|| j.to_string());
        self.numeric
            .iter()
            .map(|&j| name(j))
            .chain(
                self.indicators
                    .iter()
                    .map(|(j, _, level)| format!("{}={level}", name(*j))),
            )
            .collect()
    }
}

pub(crate) struct FittedPipeline {
    pub(crate) name: String,
    pub(crate) n_features: usize,
    pub(crate) imputer: Option<FittedImputer>,
    pub(crate) one_hot: Option<FittedOneHot>,
    pub(crate) scaler: FittedScaler,
    pub(crate) model: Box<dyn Fitted>,
}

impl FittedPipeline {
    fn prepare(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        let filled = match &self.imputer {
            Some(i) => i.transform(x),
            None => x.to_owned(),
        };
        let encoded = match &self.one_hot {
            Some(o) => o.transform(filled.view()),
            None => filled,
        };
        if let Some((i, j)) = encoded
            .indexed_iter()
            .find(|(_, v)| !v.is_finite())
            .map(|(ij, _)| ij)
        {
            return Err(ModelError::Data {
                model: self.name.clone(),
                message: format!(
                    "row {i} has a missing value in feature {j} and the model was fitted without imputation"
                ),
            });
        }
        Ok(self.scaler.transform(encoded.view()))
    }
}

impl Fitted for FittedPipeline {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Pipeline {
            name: self.name.clone(),
            n_features: Some(self.n_features),
            imputer: self.imputer.clone(),
            one_hot: self.one_hot.clone(),
            scaler: self.scaler.clone(),
            model: Box::new(self.model.save()),
        })
    }

    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        self.model.predict(self.prepare(x)?.view())
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        self.model.predict_proba(self.prepare(x)?.view())
    }
    fn feature_importance(&self) -> Option<Vec<f64>> {
        self.model.feature_importance()
    }
    fn oob_score(&self) -> Option<f64> {
        self.model.oob_score()
    }
    fn feature_names(&self, original: &[String]) -> Vec<String> {
        match &self.one_hot {
            Some(o) => o.names(original),
            None => original.to_vec(),
        }
    }
    fn describe(&self, features: &[String], classes: &[String]) -> Option<String> {
        let names = self.feature_names(features);
        // Thresholds are on scaled features; say so rather than mislabel them.
        self.model.describe(&names, classes).map(|d| {
            if self.scaler.is_identity() {
                d
            } else {
                format!("# thresholds are on scaled features\n{d}")
            }
        })
    }
}

/// A fitted model as validation's [`Predictor`](ml4ns_validation::selection::Predictor).
struct AsPredictor(Box<dyn Fitted>);

impl ml4ns_validation::selection::Predictor for AsPredictor {
    fn predict(
        &self,
        x: ArrayView2<f64>,
    ) -> Result<Array1<f64>, ml4ns_validation::selection::BoxError> {
        Ok(self.0.predict(x)?)
    }
    fn predict_proba(
        &self,
        x: ArrayView2<f64>,
    ) -> Result<Option<Array2<f64>>, ml4ns_validation::selection::BoxError> {
        Ok(self.0.predict_proba(x)?)
    }
}

/// Pipelines cross-validate, grid-search and draw curves through `ml4ns-validation`.
impl ml4ns_validation::selection::Learner for Pipeline {
    fn fit(
        &self,
        train: &Table,
    ) -> Result<
        Box<dyn ml4ns_validation::selection::Predictor>,
        ml4ns_validation::selection::BoxError,
    > {
        Ok(Box::new(AsPredictor(Pipeline::fit(self, train)?)))
    }
}

/// A bare model is a pipeline without preprocessing.
impl ml4ns_validation::selection::Learner for Model {
    fn fit(
        &self,
        train: &Table,
    ) -> Result<
        Box<dyn ml4ns_validation::selection::Predictor>,
        ml4ns_validation::selection::BoxError,
    > {
        Ok(Box::new(AsPredictor(Model::fit(self, train)?)))
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
