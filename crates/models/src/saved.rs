//! Saving fitted models as JSON and loading them back.
//!
//! A [`SavedModel`] holds the spec, the scaling, the feature names and class names of the
//! training table, and the fitted state, so that a loaded model can check the data it is
//! given (same feature names) and name its predictions.

use linfa_bayes::{BernoulliNb, GaussianNb, MultinomialNb};
use ml4ns_data_io::{Table, Target};
use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::knn::Knn;
use crate::model::{
    BinaryLogistic, Fitted, Linear, MultiLogistic, NaiveBayesModel, Polynomial, TreeModel,
};
use crate::pipeline::{FittedImputer, FittedOneHot, FittedPipeline, FittedScaler};

/// The fitted state of any model (opaque; serialises to JSON).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Saved(pub(crate) State);

#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "state", rename_all = "snake_case")]
pub(crate) enum State {
    Linear(Linear),
    Polynomial(Polynomial),
    BinaryLogistic(BinaryLogistic),
    MultiLogistic(MultiLogistic),
    GaussianNb(NaiveBayesModel<GaussianNb<f64, usize>>),
    MultinomialNb(NaiveBayesModel<MultinomialNb<f64, usize>>),
    /// linfa-bayes 0.8.1 has no serde for `BernoulliNb`: saved as what determines it (its
    /// smoothing, threshold and binarised training rows) and refitted, deterministically, on load.
    BernoulliNb {
        name: String,
        alpha: f64,
        binarize: f64,
        x: ndarray::Array2<f64>,
        codes: ndarray::Array1<usize>,
        n_classes: usize,
    },
    DecisionTree(TreeModel),
    Svm(crate::svm::SvmModel),
    Forest(crate::forest::Forest),
    AdaBoost(crate::boost::AdaBoost),
    Knn(Knn),
    Pipeline {
        name: String,
        /// Input width (absent in files from before imputation and one-hot encoding).
        #[serde(default)]
        n_features: Option<usize>,
        #[serde(default)]
        imputer: Option<FittedImputer>,
        #[serde(default)]
        one_hot: Option<FittedOneHot>,
        scaler: FittedScaler,
        model: Box<Saved>,
    },
}

impl Saved {
    pub(crate) fn of(state: State) -> Saved {
        Saved(state)
    }

    /// The fitted model back.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Fit`] when linfa cannot refit a Bernoulli naive Bayes model from its
    /// saved training rows (also inside a saved pipeline); every other model loads as saved.
    pub fn into_fitted(self) -> Result<Box<dyn Fitted>, ModelError> {
        Ok(match self.0 {
            State::Linear(m) => Box::new(m),
            State::Polynomial(m) => Box::new(m),
            State::BinaryLogistic(m) => Box::new(m),
            State::MultiLogistic(m) => Box::new(m),
            State::GaussianNb(m) => Box::new(m),
            State::MultinomialNb(m) => Box::new(m),
            State::BernoulliNb {
                name,
                alpha,
                binarize,
                x,
                codes,
                n_classes,
            } => {
                use linfa::prelude::*;
                let n_features = x.ncols();
                let model = BernoulliNb::params()
                    .alpha(alpha)
                    .binarize(None)
                    .fit(&linfa::Dataset::<f64, usize, ndarray::Ix1>::new(
                        x.clone(),
                        codes.clone(),
                    ))
                    .map_err(|e| ModelError::Fit {
                        model: name.clone(),
                        message: e.to_string(),
                    })?;
                Box::new(NaiveBayesModel {
                    name,
                    model,
                    n_classes,
                    n_features,
                    binarize: Some(binarize),
                    training: Some((alpha, x, codes)),
                })
            }
            State::DecisionTree(m) => Box::new(m),
            State::Svm(m) => Box::new(m),
            State::Forest(m) => Box::new(m),
            State::AdaBoost(m) => Box::new(m),
            State::Knn(m) => Box::new(m),
            State::Pipeline {
                name,
                n_features,
                imputer,
                one_hot,
                scaler,
                model,
            } => Box::new(FittedPipeline {
                name,
                n_features: n_features.unwrap_or(scaler.shift.len()),
                imputer,
                one_hot,
                scaler,
                model: model.into_fitted()?,
            }),
        })
    }
}

/// How each naive Bayes model saves itself (one generic wrapper, three states).
pub(crate) trait SaveNb: Sized {
    /// The saved state of a naive Bayes wrapper around this model.
    #[doc(hidden)]
    fn save_nb(m: &NaiveBayesModel<Self>) -> Saved;
}

impl SaveNb for GaussianNb<f64, usize> {
    fn save_nb(m: &NaiveBayesModel<Self>) -> Saved {
        Saved(State::GaussianNb(m.clone()))
    }
}

impl SaveNb for MultinomialNb<f64, usize> {
    fn save_nb(m: &NaiveBayesModel<Self>) -> Saved {
        Saved(State::MultinomialNb(m.clone()))
    }
}

impl SaveNb for BernoulliNb<f64, usize> {
    fn save_nb(m: &NaiveBayesModel<Self>) -> Saved {
        let (alpha, x, codes) = m
            .training
            .clone()
            .expect("Bernoulli NB keeps its training rows for saving");
        Saved(State::BernoulliNb {
            name: m.name.clone(),
            alpha,
            binarize: m.binarize.unwrap_or(0.0),
            x,
            codes,
            n_classes: m.n_classes,
        })
    }
}

fn none() -> String {
    "none".into()
}

/// The value of the `format` field of a saved model file.
pub const FORMAT: &str = "ml4ns-model";
/// The version of the saved-model layout this crate writes and reads.
pub const VERSION: u32 = 1;

/// A fitted model with what is needed to use it on new data.
#[derive(Clone, Serialize, Deserialize)]
pub struct SavedModel {
    /// Always [`FORMAT`].
    pub format: String,
    /// Layout version ([`VERSION`]).
    pub version: u32,
    /// The canonical model spec.
    pub spec: String,
    /// The scaling fitted with it (`none`, `standard`, `minmax`).
    pub scaling: String,
    /// The imputation fitted with it (`none`, `mean`, `median`).
    #[serde(default = "none")]
    pub impute: String,
    /// Categorical feature columns and the level names their codes stood for in training;
    /// new data are re-coded to these ([`ml4ns_data_io::Table::align_categories`]).
    #[serde(default)]
    pub categories: std::collections::BTreeMap<String, Vec<String>>,
    /// The training table's feature names, in order; new data must have these columns.
    pub feature_names: Vec<String>,
    /// The target column's name.
    pub target: String,
    /// Class names by code, for classifiers.
    pub classes: Option<Vec<String>>,
    /// The fitted state.
    pub model: Saved,
}

impl SavedModel {
    /// Bundle a fitted model with the description of its training table.
    pub fn new(spec: String, scaling: String, train: &Table, fitted: &dyn Fitted) -> SavedModel {
        let (target, classes) = match &train.target {
            Some(Target::Classes(c)) => (c.name.clone(), Some(c.classes.clone())),
            Some(Target::Continuous { name, .. }) => (name.clone(), None),
            None => (String::new(), None),
        };
        SavedModel {
            format: FORMAT.into(),
            version: VERSION,
            spec,
            scaling,
            impute: "none".into(),
            categories: train
                .categorical
                .iter()
                .map(|c| (train.feature_names[c.feature].clone(), c.levels.clone()))
                .collect(),
            feature_names: train.feature_names.clone(),
            target,
            classes,
            model: fitted.save(),
        }
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("saved models serialise");
        s.push('\n');
        s
    }

    /// Parse a saved model; `source` names the file in errors.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Data`] (with `source` as the model name) when `text` is not JSON, has
    /// no `"format": "ml4ns-model"` ([`FORMAT`]), has a `version` other than [`VERSION`], or does
    /// not match the saved-model layout.
    pub fn from_json(text: &str, source: &str) -> Result<SavedModel, ModelError> {
        let bad = |message: String| ModelError::Data {
            model: source.to_string(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not a JSON model file: {e}")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(bad(format!(
                "not an {FORMAT} file (no \"format\": \"{FORMAT}\")"
            )));
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(VERSION) => {}
            other => {
                return Err(bad(format!(
                    "model file version {other:?} is not supported (this build reads version {VERSION})"
                )))
            }
        }
        serde_json::from_value(value).map_err(|e| bad(format!("malformed model file: {e}")))
    }
}
