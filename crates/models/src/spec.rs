//! `ModelSpec`: `name[:key=value,...]` strings, checked against a registry of models, their
//! keys and scikit-learn-like defaults.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::ModelError;

/// What a model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Real values.
    Regression,
    /// Class labels.
    Classification,
    /// Either, decided by the target (KNN).
    Both,
    /// Clusters rows without a target ([`crate::Model::cluster`]).
    Clustering,
    /// Projects rows without a target ([`crate::Model::embed`]).
    Embedding,
}

/// A registered model: name, task, and its keys with defaults (`"none"` means unset).
#[derive(Debug, Clone, Copy)]
pub struct ModelInfo {
    /// Spec name.
    pub name: &'static str,
    /// What it predicts.
    pub task: Task,
    /// Keys and their defaults.
    pub keys: &'static [(&'static str, &'static str)],
    /// One line for `--help`-style listings.
    pub summary: &'static str,
}

/// Every model a spec may name.
pub const MODELS: &[ModelInfo] = &[
    ModelInfo {
        name: "ols",
        task: Task::Regression,
        keys: &[("fit_intercept", "true")],
        summary: "ordinary least squares (linfa-linear)",
    },
    ModelInfo {
        name: "ridge",
        task: Task::Regression,
        keys: &[("alpha", "1.0")],
        summary: "L2-penalised least squares, scikit-learn's Ridge(alpha), solved in closed form",
    },
    ModelInfo {
        name: "lasso",
        task: Task::Regression,
        keys: &[("alpha", "1.0"), ("max_iter", "1000"), ("tol", "1e-4")],
        summary:
            "L1-penalised least squares, scikit-learn's Lasso(alpha) objective (linfa-elasticnet)",
    },
    ModelInfo {
        name: "elastic_net",
        task: Task::Regression,
        keys: &[
            ("alpha", "1.0"),
            ("l1_ratio", "0.5"),
            ("max_iter", "1000"),
            ("tol", "1e-4"),
        ],
        summary: "scikit-learn's ElasticNet(alpha, l1_ratio) objective (linfa-elasticnet)",
    },
    ModelInfo {
        name: "polynomial",
        task: Task::Regression,
        keys: &[("degree", "2"), ("alpha", "0.0")],
        summary: "polynomial features (scikit-learn's PolynomialFeatures order) + least squares, ridge when alpha > 0",
    },
    ModelInfo {
        name: "logistic",
        task: Task::Classification,
        keys: &[
            ("c", "1.0"),
            ("penalty", "l2"),
            ("class_weight", "none"),
            ("max_iter", "100"),
            ("tol", "1e-4"),
        ],
        summary: "logistic regression, binary or multinomial; C as scikit-learn (linfa-logistic; class_weight=balanced by Newton's method)",
    },
    ModelInfo {
        name: "svm",
        task: Task::Classification,
        keys: &[
            ("kernel", "rbf"),
            ("c", "1.0"),
            ("gamma", "scale"),
            ("degree", "3"),
            ("coef0", "0.0"),
        ],
        summary: "support vector classifier, linear/poly/rbf (linfa-svm) and sigmoid kernels, Platt probabilities, one-vs-rest for >2 classes",
    },
    ModelInfo {
        name: "gaussian_nb",
        task: Task::Classification,
        keys: &[("var_smoothing", "1e-9")],
        summary: "Gaussian naive Bayes (linfa-bayes)",
    },
    ModelInfo {
        name: "multinomial_nb",
        task: Task::Classification,
        keys: &[("alpha", "1.0")],
        summary: "multinomial naive Bayes for counts (linfa-bayes)",
    },
    ModelInfo {
        name: "bernoulli_nb",
        task: Task::Classification,
        keys: &[("alpha", "1.0"), ("binarize", "0.0")],
        summary: "Bernoulli naive Bayes, features binarised at a threshold (linfa-bayes)",
    },
    ModelInfo {
        name: "decision_tree",
        task: Task::Classification,
        keys: &[
            ("criterion", "gini"),
            ("max_depth", "none"),
            ("min_samples_split", "2"),
            ("min_samples_leaf", "1"),
        ],
        summary: "CART decision tree, gini or entropy, grown as scikit-learn grows it (deterministic, f64); leaf class shares as probabilities",
    },
    ModelInfo {
        name: "random_forest",
        task: Task::Classification,
        keys: &[("n_trees", "100"), ("max_depth", "none"), ("max_features", "sqrt"), ("seed", "0")],
        summary: "random forest: CARTs on bootstrap samples, max_features drawn at every split, seeded; out-of-bag accuracy",
    },
    ModelInfo {
        name: "bagging",
        task: Task::Classification,
        keys: &[
            ("n_trees", "100"),
            ("max_depth", "none"),
            ("max_samples", "1.0"),
            ("bootstrap", "true"),
            ("max_features", "all"),
            ("seed", "0"),
        ],
        summary: "bagged CARTs, seeded: bootstrap (bagging) or not (pasting) on a max_samples fraction of rows, max_features per tree (random subspaces); out-of-bag accuracy",
    },
    ModelInfo {
        name: "adaboost",
        task: Task::Classification,
        keys: &[("n_estimators", "50"), ("learning_rate", "1.0"), ("max_depth", "1")],
        summary: "AdaBoost (SAMME, as scikit-learn) on weighted CART stumps",
    },
    ModelInfo {
        name: "knn",
        task: Task::Both,
        keys: &[("k", "5"), ("weights", "uniform"), ("k_max", "30")],
        summary: "k nearest neighbours, classifier or regressor by target (on linfa-nn's k-d tree); k=cv picks k in 1..=k_max by 5-fold CV on the training rows",
    },
    ModelInfo {
        name: "kmeans",
        task: Task::Clustering,
        keys: &[
            ("k", "8"),
            ("n_init", "10"),
            ("max_iter", "300"),
            ("tol", "1e-4"),
            ("seed", "0"),
        ],
        summary: "k-means, k-means++ initialisation, best of n_init seeded runs (linfa-clustering)",
    },
    ModelInfo {
        name: "gmm",
        task: Task::Clustering,
        keys: &[
            ("n_components", "1"),
            ("n_init", "1"),
            ("max_iter", "100"),
            ("tol", "1e-3"),
            ("reg_covar", "1e-6"),
            ("seed", "0"),
        ],
        summary: "Gaussian mixture, full covariances, EM from k-means (linfa-clustering); log-likelihood, BIC and AIC",
    },
    ModelInfo {
        name: "dbscan",
        task: Task::Clustering,
        keys: &[("eps", "0.5"), ("min_samples", "5")],
        summary: "density-based clustering, noise labelled -1 (linfa-clustering)",
    },
    ModelInfo {
        name: "pca",
        task: Task::Embedding,
        keys: &[("n_components", "2")],
        summary: "principal component analysis, exact (covariance eigendecomposition)",
    },
    ModelInfo {
        name: "diffusion_map",
        task: Task::Embedding,
        keys: &[("n_components", "2"), ("steps", "1"), ("epsilon", "auto")],
        summary: "diffusion map on a Gaussian kernel exp(-d²/epsilon), epsilon=auto: median squared distance (linfa-reduction)",
    },
];

/// A model name with its parameters, e.g. `logistic:c=1.0` or `knn:k=7,weights=distance`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpec {
    /// Registered model name.
    pub name: String,
    /// Every key of the model, defaults filled in, as text.
    pub params: BTreeMap<String, String>,
}

impl ModelSpec {
    /// Parse and check a spec: the name and keys must be registered; values are checked when
    /// the model is built ([`crate::Model::from_spec`]).
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::UnknownModel`] when the name is not registered,
    /// [`ModelError::UnknownParam`] for a key the model does not take, and
    /// [`ModelError::InvalidParam`] for a part without `=` or a key given twice.
    pub fn parse(spec: &str) -> Result<ModelSpec, ModelError> {
        let spec = spec.trim();
        let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
        let info = ModelSpec::info(name)?;
        let mut params: BTreeMap<String, String> = info
            .keys
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut given = std::collections::BTreeSet::new();
        for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| ModelError::InvalidParam {
                    model: name.to_string(),
                    key: part.to_string(),
                    value: String::new(),
                    reason: "expected key=value".into(),
                })?;
            let k = k.trim();
            if !params.contains_key(k) {
                return Err(ModelError::UnknownParam {
                    model: name.to_string(),
                    key: k.to_string(),
                    valid: info
                        .keys
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            if !given.insert(k.to_string()) {
                return Err(ModelError::InvalidParam {
                    model: name.to_string(),
                    key: k.to_string(),
                    value: v.to_string(),
                    reason: "given twice".into(),
                });
            }
            params.insert(k.to_string(), v.trim().to_string());
        }
        Ok(ModelSpec {
            name: name.to_string(),
            params,
        })
    }

    /// The registry entry of a model name.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::UnknownModel`], listing the valid names, when `name` is not in
    /// [`MODELS`].
    pub fn info(name: &str) -> Result<&'static ModelInfo, ModelError> {
        MODELS
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| ModelError::UnknownModel {
                name: name.to_string(),
                valid: MODELS.iter().map(|m| m.name).collect::<Vec<_>>().join(", "),
            })
    }

    fn raw(&self, key: &str) -> &str {
        self.params.get(key).map(String::as_str).unwrap_or("none")
    }

    fn invalid(&self, key: &str, reason: &str) -> ModelError {
        ModelError::InvalidParam {
            model: self.name.clone(),
            key: key.to_string(),
            value: self.raw(key).to_string(),
            reason: reason.to_string(),
        }
    }

    /// A real parameter, checked against a predicate described by `rule`.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::InvalidParam`], with `rule` as the reason, when the value (`none` if
    /// the key is absent) is not a finite number or `ok` rejects it.
    pub fn f64(&self, key: &str, rule: &str, ok: impl Fn(f64) -> bool) -> Result<f64, ModelError> {
        match self.raw(key).parse::<f64>() {
            Ok(v) if v.is_finite() && ok(v) => Ok(v),
            _ => Err(self.invalid(key, rule)),
        }
    }

    /// A whole-number parameter of at least `min`.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::InvalidParam`] when the value (`none` if the key is absent) is not a
    /// whole number or is below `min`.
    pub fn usize(&self, key: &str, min: usize) -> Result<usize, ModelError> {
        match self.raw(key).parse::<usize>() {
            Ok(v) if v >= min => Ok(v),
            _ => Err(self.invalid(key, &format!("must be a whole number ≥ {min}"))),
        }
    }

    /// An optional whole number (`none` for unset).
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::InvalidParam`] when the value is neither `none`/`None` (or absent) nor
    /// a whole number of at least `min`.
    pub fn opt_usize(&self, key: &str, min: usize) -> Result<Option<usize>, ModelError> {
        match self.raw(key) {
            "none" | "None" => Ok(None),
            _ => self.usize(key, min).map(Some),
        }
    }

    /// A boolean parameter.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::InvalidParam`] unless the value is `true`, `True`, `false` or `False`.
    pub fn bool(&self, key: &str) -> Result<bool, ModelError> {
        match self.raw(key) {
            "true" | "True" => Ok(true),
            "false" | "False" => Ok(false),
            _ => Err(self.invalid(key, "must be true or false")),
        }
    }

    /// One of a fixed set of names.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::InvalidParam`], listing `options`, when the value is not one of them.
    pub fn choice(&self, key: &str, options: &[&str]) -> Result<String, ModelError> {
        let v = self.raw(key);
        if options.contains(&v) {
            Ok(v.to_string())
        } else {
            Err(self.invalid(key, &format!("must be one of {}", options.join(", "))))
        }
    }
}

impl FromStr for ModelSpec {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModelSpec::parse(s)
    }
}

impl fmt::Display for ModelSpec {
    /// The canonical form: every key, sorted, defaults included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        let parts: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !parts.is_empty() {
            write!(f, ":{}", parts.join(","))?;
        }
        Ok(())
    }
}
