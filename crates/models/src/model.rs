//! [`Model`]: a checked [`ModelSpec`] that fits on a [`Table`], and [`Fitted`] models.

use std::collections::BTreeMap;

use linfa::prelude::*;
use ml4ns_data_io::{Table, Target};
use ndarray::{Array1, Array2, ArrayView2, Axis, Ix1};

use crate::error::ModelError;
use crate::spec::{ModelSpec, Task};

/// A fitted model.
pub trait Fitted: Send + Sync {
    /// Predictions: class codes (as numbers, in the training table's class coding) or values.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::Shape`] when `x` has a different number of columns than the training
    /// table; a [`Pipeline`](crate::Pipeline) fitted without imputation returns
    /// [`ModelError::Data`] for a missing (non-finite) value; KNN returns [`ModelError::Fit`] when
    /// its neighbour search fails.
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError>;
    /// Class probabilities, one column per class code of the training table, when the model
    /// has them.
    ///
    /// # Errors
    ///
    /// As [`Fitted::predict`]: [`ModelError::Shape`] for a wrong number of columns,
    /// [`ModelError::Data`] for a missing value given to a pipeline without imputation,
    /// [`ModelError::Fit`] for a failed KNN neighbour search. The default (no probabilities)
    /// never fails.
    fn predict_proba(&self, _x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        Ok(None)
    }
    /// Feature importances, one per feature, for models that define them.
    fn feature_importance(&self) -> Option<Vec<f64>> {
        None
    }
    /// The fitted model as readable text (a decision tree's rules), for models that have one.
    /// `features` and `classes` name feature indices and class codes.
    fn describe(&self, _features: &[String], _classes: &[String]) -> Option<String> {
        None
    }
    /// The fitted state, for saving ([`crate::SavedModel`]).
    fn save(&self) -> crate::saved::Saved;
    /// Names of the columns the model itself sees, given the input feature names: the same
    /// unless a pipeline one-hot encodes some (`column=level`). Importances and coefficients
    /// follow these names.
    fn feature_names(&self, original: &[String]) -> Vec<String> {
        original.to_vec()
    }
    /// Coefficients on the original features and the intercept, for linear models.
    fn coefficients(&self) -> Option<(Vec<f64>, f64)> {
        None
    }
    /// Out-of-bag accuracy, for bagged ensembles whose trees each left some training rows out:
    /// each such row is predicted by the vote of the trees that did not see it.
    fn oob_score(&self) -> Option<f64> {
        None
    }
    /// The model as weighted trees for exact TreeSHAP ([`crate::explain`]), explaining the
    /// probability of class code `class` (decision trees, forests, bagging) or its log-odds
    /// (two-class AdaBoost). `None` for other models, for a class the model lacks, and for
    /// tree models loaded from a save (their node covers are not saved).
    fn tree_ensemble(&self, _class: usize) -> Option<crate::explain::TreeEnsemble> {
        None
    }
}

/// Checked hyper-parameters of one model.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ols {
        intercept: bool,
    },
    Ridge {
        alpha: f64,
    },
    ElasticNet {
        alpha: f64,
        l1_ratio: f64,
        max_iter: u32,
        tol: f64,
    },
    Polynomial {
        degree: usize,
        alpha: f64,
    },
    Svm {
        kernel: crate::svm::Kernel,
        c: f64,
    },
    Forest {
        n_trees: usize,
        max_depth: Option<usize>,
        max_features: crate::forest::MaxFeatures,
        sampling: crate::forest::RowSampling,
        seed: u64,
    },
    Logistic {
        c: Option<f64>,
        balanced: bool,
        max_iter: u64,
        tol: f64,
    },
    AdaBoost {
        n_estimators: usize,
        learning_rate: f64,
        max_depth: usize,
    },
    GaussianNb {
        var_smoothing: f64,
    },
    MultinomialNb {
        alpha: f64,
    },
    BernoulliNb {
        alpha: f64,
        binarize: f64,
    },
    Tree {
        entropy: bool,
        max_depth: Option<usize>,
        min_split: usize,
        min_leaf: usize,
    },
    Knn {
        /// `None`: chosen by CV (`k=cv`).
        k: Option<usize>,
        k_max: usize,
        distance: bool,
    },
    KMeans {
        k: usize,
        n_init: usize,
        max_iter: u64,
        tol: f64,
        seed: u64,
    },
    Gmm(crate::unsupervised::GmmParams),
    Dbscan {
        eps: f64,
        min_samples: usize,
    },
    Pca {
        n_components: usize,
    },
    DiffusionMap {
        n_components: usize,
        steps: usize,
        epsilon: Option<f64>,
    },
}

/// A model ready to fit: its spec (defaults filled in) and checked hyper-parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    spec: ModelSpec,
    kind: Kind,
}

impl Model {
    /// Check a spec's values and build the model.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::UnknownModel`] when `spec.name` is not in [`crate::MODELS`], and
    /// [`ModelError::InvalidParam`] naming the first hyper-parameter whose value does not parse or
    /// is out of range (a key missing from `spec.params` reads as `none`, which only optional
    /// keys accept).
    pub fn from_spec(spec: &ModelSpec) -> Result<Model, ModelError> {
        let positive = |v: f64| v > 0.0;
        let kind = match spec.name.as_str() {
            "ols" => Kind::Ols {
                intercept: spec.bool("fit_intercept")?,
            },
            "ridge" => Kind::Ridge {
                alpha: spec.f64("alpha", "must be ≥ 0", |v| v >= 0.0)?,
            },
            "lasso" | "elastic_net" => Kind::ElasticNet {
                alpha: spec.f64("alpha", "must be > 0", positive)?,
                l1_ratio: if spec.name == "lasso" {
                    1.0
                } else {
                    spec.f64("l1_ratio", "must be in [0, 1]", |v| {
                        (0.0..=1.0).contains(&v)
                    })?
                },
                max_iter: spec.usize("max_iter", 1)?.min(u32::MAX as usize) as u32,
                tol: spec.f64("tol", "must be > 0", positive)?,
            },
            "random_forest" | "bagging" => Kind::Forest {
                n_trees: spec.usize("n_trees", 1)?,
                max_depth: spec.opt_usize("max_depth", 1)?,
                max_features: crate::forest::MaxFeatures::from_spec(spec)?,
                sampling: crate::forest::RowSampling {
                    bootstrap: spec.name == "random_forest" || spec.bool("bootstrap")?,
                    fraction: if spec.name == "bagging" {
                        spec.f64("max_samples", "must be in (0, 1]", |v| v > 0.0 && v <= 1.0)?
                    } else {
                        1.0
                    },
                },
                seed: spec.usize("seed", 0)? as u64,
            },
            "svm" => Kind::Svm {
                kernel: crate::svm::Kernel::from_spec(spec)?,
                c: spec.f64("c", "must be > 0", positive)?,
            },
            "polynomial" => Kind::Polynomial {
                degree: spec.usize("degree", 1)?,
                alpha: spec.f64("alpha", "must be ≥ 0", |v| v >= 0.0)?,
            },
            "logistic" => Kind::Logistic {
                c: match spec.choice("penalty", &["l2", "none"])?.as_str() {
                    "none" => None,
                    _ => Some(spec.f64("c", "must be > 0", positive)?),
                },
                balanced: spec.choice("class_weight", &["none", "balanced"])? == "balanced",
                max_iter: spec.usize("max_iter", 1)? as u64,
                tol: spec.f64("tol", "must be > 0", positive)?,
            },
            "gaussian_nb" => Kind::GaussianNb {
                var_smoothing: spec.f64("var_smoothing", "must be ≥ 0", |v| v >= 0.0)?,
            },
            "multinomial_nb" => Kind::MultinomialNb {
                alpha: spec.f64("alpha", "must be > 0", positive)?,
            },
            "bernoulli_nb" => Kind::BernoulliNb {
                alpha: spec.f64("alpha", "must be > 0", positive)?,
                binarize: spec.f64("binarize", "must be a number", |_| true)?,
            },
            "decision_tree" => Kind::Tree {
                entropy: spec.choice("criterion", &["gini", "entropy"])? == "entropy",
                max_depth: spec.opt_usize("max_depth", 1)?,
                min_split: spec.usize("min_samples_split", 2)?,
                min_leaf: spec.usize("min_samples_leaf", 1)?,
            },
            "knn" => Kind::Knn {
                k: match spec.params.get("k").map(String::as_str) {
                    Some("cv") => None,
                    _ => Some(spec.usize("k", 1).map_err(|_| ModelError::InvalidParam {
                        model: spec.name.clone(),
                        key: "k".into(),
                        value: spec.params["k"].clone(),
                        reason: "must be a whole number ≥ 1, or cv".into(),
                    })?),
                },
                k_max: spec.usize("k_max", 1)?,
                distance: spec.choice("weights", &["uniform", "distance"])? == "distance",
            },
            "adaboost" => Kind::AdaBoost {
                n_estimators: spec.usize("n_estimators", 1)?,
                learning_rate: spec.f64("learning_rate", "must be > 0", positive)?,
                max_depth: spec.usize("max_depth", 1)?,
            },
            "gmm" => Kind::Gmm(crate::unsupervised::GmmParams {
                k: spec.usize("n_components", 1)?,
                n_init: spec.usize("n_init", 1)? as u64,
                max_iter: spec.usize("max_iter", 1)? as u64,
                tol: spec.f64("tol", "must be > 0", positive)?,
                reg_covar: spec.f64("reg_covar", "must be ≥ 0", |v| v >= 0.0)?,
                seed: spec.usize("seed", 0)? as u64,
            }),
            "dbscan" => Kind::Dbscan {
                eps: spec.f64("eps", "must be > 0", positive)?,
                min_samples: spec.usize("min_samples", 1)?,
            },
            "diffusion_map" => Kind::DiffusionMap {
                n_components: spec.usize("n_components", 1)?,
                steps: spec.usize("steps", 1)?,
                epsilon: match spec.params.get("epsilon").map(String::as_str) {
                    Some("auto") | None => None,
                    _ => Some(spec.f64("epsilon", "must be auto or a number > 0", positive)?),
                },
            },
            "kmeans" => Kind::KMeans {
                k: spec.usize("k", 1)?,
                n_init: spec.usize("n_init", 1)?,
                max_iter: spec.usize("max_iter", 1)? as u64,
                tol: spec.f64("tol", "must be > 0", positive)?,
                seed: spec.usize("seed", 0)? as u64,
            },
            "pca" => Kind::Pca {
                n_components: spec.usize("n_components", 1)?,
            },
            other => {
                return Err(ModelSpec::info(other).map(|_| ()).err().unwrap_or_else(|| {
                    ModelError::Data {
                        model: other.to_string(),
                        message: "registered but not implemented".into(),
                    }
                }))
            }
        };
        Ok(Model {
            spec: spec.clone(),
            kind,
        })
    }

    /// Parse a spec string and build the model.
    ///
    /// # Errors
    ///
    /// Returns the errors of [`ModelSpec::parse`] (unknown model or key, malformed or repeated
    /// `key=value`) and of [`Model::from_spec`] (invalid values).
    pub fn parse(spec: &str) -> Result<Model, ModelError> {
        Model::from_spec(&ModelSpec::parse(spec)?)
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Every hyper-parameter with its value (defaults included), for reports.
    pub fn params(&self) -> &BTreeMap<String, String> {
        &self.spec.params
    }

    /// The full spec.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    fn err(&self, message: impl Into<String>) -> ModelError {
        ModelError::Data {
            model: self.spec.name.clone(),
            message: message.into(),
        }
    }

    fn fit_err(&self, e: impl std::fmt::Display) -> ModelError {
        ModelError::Fit {
            model: self.spec.name.clone(),
            message: e.to_string(),
        }
    }

    /// Cluster the rows of `x` (k-means, Gaussian mixture and DBSCAN specs).
    ///
    /// # Errors
    ///
    /// * [`ModelError::Data`] when `x` has no rows or no columns, when the model is not a
    ///   clustering model, or when k-means' `k` or the mixture's `n_components` exceeds the rows.
    /// * [`ModelError::InvalidParam`] when linfa rejects DBSCAN's parameters.
    /// * [`ModelError::Fit`] when linfa's k-means or EM fails, or a fitted mixture covariance is
    ///   not positive definite.
    pub fn cluster(&self, x: ArrayView2<f64>) -> Result<crate::Clustering, ModelError> {
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(self.err("needs at least one row and one feature"));
        }
        match &self.kind {
            Kind::KMeans {
                k,
                n_init,
                max_iter,
                tol,
                seed,
            } => crate::unsupervised::kmeans(x, *k, *n_init, *max_iter, *tol, *seed),
            Kind::Gmm(p) => crate::unsupervised::gmm(x, *p),
            Kind::Dbscan { eps, min_samples } => crate::unsupervised::dbscan(x, *eps, *min_samples),
            _ => Err(self.err("is not a clustering model")),
        }
    }

    /// Embed the rows of `x` (PCA and diffusion map specs).
    ///
    /// # Errors
    ///
    /// * [`ModelError::Data`] when `x` has no rows or no columns, when the model is not an
    ///   embedding model, when PCA's `n_components` exceeds the features or rows (or there are
    ///   fewer than two rows), or when a diffusion map has no more than `n_components + 1` rows.
    /// * [`ModelError::Fit`] when the eigendecomposition fails or linfa rejects the diffusion
    ///   map's parameters.
    pub fn embed(&self, x: ArrayView2<f64>) -> Result<crate::Embedding, ModelError> {
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(self.err("needs at least one row and one feature"));
        }
        match &self.kind {
            Kind::Pca { n_components } => crate::unsupervised::pca(x, *n_components),
            Kind::DiffusionMap {
                n_components,
                steps,
                epsilon,
            } => crate::unsupervised::diffusion_map(x, *n_components, *steps, *epsilon),
            _ => Err(self.err("is not an embedding model")),
        }
    }

    /// Fit on a table's features and target.
    ///
    /// # Errors
    ///
    /// * [`ModelError::Data`] when the table has no rows or no features, a feature value is
    ///   missing or infinite (fit through a [`Pipeline`](crate::Pipeline) to impute), there is no
    ///   target, the model is unsupervised, or the target does not suit the task (class labels
    ///   for a regressor, a continuous target for a classifier). Also for model-specific
    ///   conditions: fewer than two classes in the rows (logistic, SVM, AdaBoost), a singular
    ///   XᵀX for ridge (a constant or duplicated feature with `alpha=0`), a negative feature for
    ///   multinomial naive Bayes, more than 10,000 polynomial columns, `k` larger than the rows
    ///   for KNN, or fewer than two rows (or rows the folds cannot split) for KNN's `k=cv`.
    /// * [`ModelError::Fit`] when the underlying algorithm fails: linfa's estimator (least
    ///   squares, elastic net, logistic, naive Bayes, SVM), the Newton solver of balanced
    ///   logistic regression (singular Hessian), AdaBoost's first tree being no better than chance.
    pub fn fit(&self, table: &Table) -> Result<Box<dyn Fitted>, ModelError> {
        if table.n_rows() == 0 || table.n_features() == 0 {
            return Err(self.err("needs at least one row and one feature"));
        }
        if let Some(j) = table
            .x
            .columns()
            .into_iter()
            .position(|c| c.iter().any(|v| !v.is_finite()))
        {
            return Err(self.err(format!(
                "feature '{}' has missing or infinite values; fit through a Pipeline with imputation",
                table.feature_names.get(j).cloned().unwrap_or_default()
            )));
        }
        let target = table
            .target
            .as_ref()
            .ok_or_else(|| self.err("needs a target column"))?;
        let info = ModelSpec::info(&self.spec.name)?;
        if matches!(info.task, Task::Clustering | Task::Embedding) {
            return Err(self.err("is unsupervised: use Model::cluster or Model::embed"));
        }
        let x = table.x.clone();
        let n_features = x.ncols();
        let name = self.spec.name.clone();
        match (info.task, target) {
            (Task::Regression, Target::Classes(_)) => {
                return Err(self.err("is a regressor but the target holds class labels"))
            }
            (Task::Classification, Target::Continuous { .. }) => {
                return Err(self.err("is a classifier but the target is continuous"))
            }
            _ => {}
        }
        let linear =
            |coef: Array1<f64>, intercept: f64, center: Option<Array1<f64>>| -> Box<dyn Fitted> {
                Box::new(Linear {
                    name: name.clone(),
                    coef,
                    intercept,
                    center,
                })
            };
        match &self.kind {
            Kind::Ols { intercept } => {
                let y = target.as_f64();
                let ds = Dataset::new(x, y);
                let m = linfa_linear::LinearRegression::new()
                    .with_intercept(*intercept)
                    .fit(&ds)
                    .map_err(|e| self.fit_err(e))?;
                Ok(linear(m.params().clone(), m.intercept(), None))
            }
            Kind::Ridge { alpha } => {
                // scikit-learn's Ridge objective ‖y − Xw − b‖² + α‖w‖², solved in closed form
                // on centred data: (XcᵀXc + αI) w = Xcᵀyc by Cholesky, b = ȳ − x̄·w. (linfa's
                // TweedieRegressor reaches the same optimum iteratively, 30–110× slower.)
                let y = target.as_f64();
                let mean = x.mean_axis(Axis(0)).expect("rows checked above");
                let y_mean = y.mean().unwrap_or(0.0);
                let xc = &x - &mean;
                let p = xc.ncols();
                let mut gram = xc.t().dot(&xc);
                for j in 0..p {
                    gram[[j, j]] += alpha;
                }
                let rhs = xc.t().dot(&(&y - y_mean));
                let mut a: Vec<f64> = gram.iter().copied().collect();
                let w = crate::logistic::solve_spd(&mut a, rhs.as_slice().expect("contiguous"), p)
                    .ok_or_else(|| {
                        self.err(
                            "XᵀX is singular (a constant or duplicated feature); use alpha > 0",
                        )
                    })?;
                let coef = Array1::from(w);
                let intercept = y_mean - mean.dot(&coef);
                Ok(linear(coef, intercept, None))
            }
            Kind::ElasticNet {
                alpha,
                l1_ratio,
                max_iter,
                tol,
            } => {
                // linfa-elasticnet centres y but not X, so its intercept is only right for
                // centred features: centre X here and predict on centred features.
                let mean = x.mean_axis(Axis(0)).expect("rows checked above");
                let centred = &x - &mean;
                let ds = Dataset::new(centred, target.as_f64());
                let m = linfa_elasticnet::ElasticNet::<f64>::params()
                    .penalty(*alpha)
                    .l1_ratio(*l1_ratio)
                    .with_intercept(true)
                    .max_iterations(*max_iter)
                    .tolerance(*tol)
                    .fit(&ds)
                    .map_err(|e| self.fit_err(e))?;
                Ok(linear(m.hyperplane().clone(), m.intercept(), Some(mean)))
            }
            Kind::Logistic {
                c,
                balanced,
                max_iter,
                tol,
            } => {
                let classes = target.classes().expect("classification checked above");
                let codes = classes.codes.clone();
                let n_classes = classes.classes.len();
                let present = distinct(&codes);
                if present.len() < 2 {
                    return Err(self.err("needs at least two classes in the training rows"));
                }
                // scikit-learn minimises C·Σloss + ½‖w‖²; linfa Σloss + (α/2)‖w‖²: α = 1/C.
                let alpha = c.map_or(0.0, |c| 1.0 / c);
                if *balanced {
                    return crate::logistic::fit_weighted(
                        &name,
                        x.view(),
                        classes,
                        &present,
                        alpha,
                        *max_iter as usize,
                    );
                }
                if present.len() == 2 {
                    let ds: Dataset<f64, usize, Ix1> = Dataset::new(x, codes);
                    let m = linfa_logistic::LogisticRegression::<f64>::default()
                        .alpha(alpha)
                        .max_iterations(*max_iter)
                        .gradient_tolerance(*tol)
                        .fit(&ds)
                        .map_err(|e| self.fit_err(e))?;
                    // linfa's "positive" class is the more frequent one, not the larger code.
                    Ok(Box::new(BinaryLogistic {
                        name,
                        pos: m.labels().pos.class,
                        neg: m.labels().neg.class,
                        coef: m.params().clone(),
                        intercept: m.intercept(),
                        n_classes,
                    }))
                } else {
                    let ds: Dataset<f64, usize, Ix1> = Dataset::new(x, codes);
                    let m = linfa_logistic::MultiLogisticRegression::<f64>::default()
                        .alpha(alpha)
                        .max_iterations(*max_iter)
                        .gradient_tolerance(*tol)
                        .fit(&ds)
                        .map_err(|e| self.fit_err(e))?;
                    Ok(Box::new(MultiLogistic {
                        name,
                        classes: m.classes().to_vec(),
                        coef: m.params().clone(),
                        intercept: m.intercept().clone(),
                        n_classes,
                    }))
                }
            }
            Kind::GaussianNb { .. } | Kind::MultinomialNb { .. } | Kind::BernoulliNb { .. } => {
                self.fit_naive_bayes(table, x)
            }
            Kind::Tree {
                entropy,
                max_depth,
                min_split,
                min_leaf,
            } => {
                let classes = target.classes().expect("classification checked above");
                let codes = classes.codes.to_vec();
                Ok(Box::new(TreeModel {
                    name,
                    tree: crate::tree::Tree::fit(
                        x.view(),
                        &codes,
                        None,
                        classes.classes.len(),
                        crate::tree::TreeParams {
                            entropy: *entropy,
                            max_depth: *max_depth,
                            min_samples_split: *min_split,
                            min_samples_leaf: *min_leaf,
                            ..crate::tree::TreeParams::default()
                        },
                    ),
                    n_classes: classes.classes.len(),
                    n_features,
                }))
            }
            Kind::KMeans { .. }
            | Kind::Gmm(_)
            | Kind::Dbscan { .. }
            | Kind::Pca { .. }
            | Kind::DiffusionMap { .. } => unreachable!("rejected above"),
            Kind::AdaBoost {
                n_estimators,
                learning_rate,
                max_depth,
            } => {
                let classes = target.classes().expect("classification checked above");
                crate::boost::fit(&name, x, classes, *n_estimators, *learning_rate, *max_depth)
            }
            Kind::Forest {
                n_trees,
                max_depth,
                max_features,
                sampling,
                seed,
            } => {
                let classes = target.classes().expect("classification checked above");
                crate::forest::fit(
                    &name,
                    x,
                    classes,
                    crate::forest::ForestParams {
                        n_trees: *n_trees,
                        max_depth: *max_depth,
                        max_features: *max_features,
                        sampling: *sampling,
                        per_split: name == "random_forest",
                        seed: *seed,
                    },
                )
            }
            Kind::Svm { kernel, c } => {
                let classes = target.classes().expect("classification checked above");
                crate::svm::fit(&name, x, classes, *kernel, *c)
            }
            Kind::Polynomial { degree, alpha } => {
                let expanded = polynomial_features(x.view(), *degree);
                if expanded.ncols() > 10_000 {
                    return Err(self.err(format!(
                        "degree {degree} on {} features makes {} columns; lower the degree",
                        x.ncols(),
                        expanded.ncols()
                    )));
                }
                let inner = if *alpha == 0.0 { "ols" } else { "ridge" };
                let spec = if *alpha == 0.0 {
                    inner.to_string()
                } else {
                    format!("ridge:alpha={alpha}")
                };
                let mut expanded_table = table.clone();
                expanded_table.x = expanded;
                expanded_table.feature_names = (0..expanded_table.x.ncols())
                    .map(|i| format!("x{i}"))
                    .collect();
                let fitted = Model::parse(&spec)?.fit(&expanded_table)?;
                let crate::saved::Saved(crate::saved::State::Linear(linear)) = fitted.save() else {
                    unreachable!("ols and ridge fit linear models")
                };
                Ok(Box::new(Polynomial {
                    name,
                    degree: *degree,
                    n_features,
                    linear,
                }))
            }
            Kind::Knn { k, k_max, distance } => {
                if let Some(k) = k {
                    if *k > table.n_rows() {
                        return Err(self.err(format!(
                            "k={k} is larger than the {} training rows",
                            table.n_rows()
                        )));
                    }
                }
                let (y, n_classes) = match target {
                    Target::Classes(c) => (c.codes.mapv(|v| v as f64), Some(c.classes.len())),
                    Target::Continuous { values, .. } => (values.clone(), None),
                };
                let knn = crate::knn::Knn {
                    name,
                    x: x.as_standard_layout().to_owned(),
                    y,
                    n_classes,
                    k: k.unwrap_or(1),
                    distance_weighted: *distance,
                    cv_scores: Vec::new(),
                };
                Ok(Box::new(match k {
                    Some(_) => knn,
                    None => knn.fit_cv(*k_max)?,
                }))
            }
        }
    }
}

impl Model {
    /// The three naive Bayes models share everything but the linfa estimator.
    fn fit_naive_bayes(
        &self,
        table: &Table,
        x: Array2<f64>,
    ) -> Result<Box<dyn Fitted>, ModelError> {
        let classes = table.class_target().expect("classification checked by fit");
        let codes = classes.codes.clone();
        let n_classes = classes.classes.len();
        let n_features = x.ncols();
        let name = self.spec.name.clone();
        match &self.kind {
            Kind::GaussianNb { var_smoothing } => {
                let m = linfa_bayes::GaussianNb::params()
                    .var_smoothing(*var_smoothing)
                    .fit(&Dataset::new(x, codes))
                    .map_err(|e| self.fit_err(e))?;
                Ok(naive_bayes(name, m, n_classes, n_features, None, None))
            }
            Kind::MultinomialNb { alpha } => {
                if let Some(((r, c), v)) = x.indexed_iter().find(|(_, v)| **v < 0.0) {
                    return Err(self.err(format!(
                        "needs non-negative features (counts); '{}' is {v} in row {}",
                        table.feature_names[c],
                        r + 1
                    )));
                }
                let m = linfa_bayes::MultinomialNb::params()
                    .alpha(*alpha)
                    .fit(&Dataset::new(x, codes))
                    .map_err(|e| self.fit_err(e))?;
                Ok(naive_bayes(name, m, n_classes, n_features, None, None))
            }
            Kind::BernoulliNb { alpha, binarize } => {
                let xb = binarized(x.view(), *binarize);
                let m = linfa_bayes::BernoulliNb::params()
                    .alpha(*alpha)
                    .binarize(None)
                    .fit(&Dataset::new(xb.clone(), codes.clone()))
                    .map_err(|e| self.fit_err(e))?;
                let training = Some((*alpha, xb, codes));
                Ok(naive_bayes(
                    name,
                    m,
                    n_classes,
                    n_features,
                    Some(*binarize),
                    training,
                ))
            }
            _ => unreachable!("called for naive Bayes kinds only"),
        }
    }
}

fn naive_bayes<M>(
    name: String,
    model: M,
    n_classes: usize,
    n_features: usize,
    binarize: Option<f64>,
    training: Option<(f64, Array2<f64>, Array1<usize>)>,
) -> Box<dyn Fitted>
where
    M: for<'a> linfa_bayes::NaiveBayes<'a, f64, usize>
        + crate::saved::SaveNb
        + Send
        + Sync
        + 'static,
{
    Box::new(NaiveBayesModel {
        name,
        model,
        n_classes,
        n_features,
        binarize,
        training,
    })
}

fn distinct(codes: &Array1<usize>) -> Vec<usize> {
    let set: std::collections::BTreeSet<usize> = codes.iter().copied().collect();
    set.into_iter().collect()
}

pub(crate) fn check_width(
    name: &str,
    x: &ArrayView2<f64>,
    expected: usize,
) -> Result<(), ModelError> {
    if x.ncols() != expected {
        return Err(ModelError::Shape {
            model: name.to_string(),
            message: format!("fitted on {expected} features but given {}", x.ncols()),
        });
    }
    Ok(())
}

/// The coefficient path of an elastic net (`l1_ratio` = 1 for the lasso) over a grid of
/// penalties: for each `alpha`, the coefficients on the table's features and the intercept,
/// each fitted from scratch (linfa-elasticnet has no warm start).
///
/// # Errors
///
/// Returns [`ModelError::InvalidParam`] when an `alpha` is not a finite number > 0 or
/// `l1_ratio` is outside [0, 1], and the errors of [`Model::fit`] for the table (no target, a
/// class target, missing values, a failed fit).
pub fn elastic_net_path(
    table: &Table,
    l1_ratio: f64,
    alphas: &[f64],
) -> Result<Vec<(f64, Vec<f64>, f64)>, ModelError> {
    alphas
        .iter()
        .map(|&alpha| {
            let spec =
                format!("elastic_net:alpha={alpha},l1_ratio={l1_ratio},tol=1e-8,max_iter=100000");
            let fitted = Model::parse(&spec)?.fit(table)?;
            let (coef, intercept) = fitted.coefficients().expect("elastic net is linear");
            Ok((alpha, coef, intercept))
        })
        .collect()
}

/// scikit-learn's `PolynomialFeatures(degree, include_bias=False)`: every monomial of degree
/// 1 to `degree`, degree by degree, each degree's in `combinations_with_replacement` order
/// (for two features and degree 2: a, b, a², ab, b²).
pub fn polynomial_features(x: ArrayView2<f64>, degree: usize) -> Array2<f64> {
    let p = x.ncols();
    let mut combos: Vec<Vec<usize>> = Vec::new();
    let mut level: Vec<Vec<usize>> = (0..p).map(|j| vec![j]).collect();
    for d in 1..=degree {
        if d > 1 {
            level = level
                .iter()
                .flat_map(|c| {
                    let last = *c.last().expect("non-empty");
                    (last..p).map(move |j| {
                        let mut next = c.clone();
                        next.push(j);
                        next
                    })
                })
                .collect();
        }
        combos.extend(level.iter().cloned());
    }
    let mut out = Array2::zeros((x.nrows(), combos.len()));
    for (i, row) in x.rows().into_iter().enumerate() {
        for (k, c) in combos.iter().enumerate() {
            out[[i, k]] = c.iter().map(|&j| row[j]).product();
        }
    }
    out
}

/// Polynomial features, then a linear model.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Polynomial {
    name: String,
    degree: usize,
    n_features: usize,
    linear: Linear,
}

impl Fitted for Polynomial {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Polynomial(self.clone()))
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        self.linear
            .predict(polynomial_features(x, self.degree).view())
    }
}

/// A linear predictor `(x − center)·coef + intercept`.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Linear {
    name: String,
    coef: Array1<f64>,
    intercept: f64,
    center: Option<Array1<f64>>,
}

impl Fitted for Linear {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::Linear(self.clone()))
    }
    fn coefficients(&self) -> Option<(Vec<f64>, f64)> {
        // Centred models predict (x − c)·w + b = x·w + (b − c·w).
        let shift = self.center.as_ref().map_or(0.0, |c| c.dot(&self.coef));
        Some((self.coef.to_vec(), self.intercept - shift))
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        check_width(&self.name, &x, self.coef.len())?;
        let z = match &self.center {
            Some(c) => (&x - c).dot(&self.coef),
            None => x.dot(&self.coef),
        };
        Ok(z + self.intercept)
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct BinaryLogistic {
    pub(crate) name: String,
    pub(crate) pos: usize,
    pub(crate) neg: usize,
    pub(crate) coef: Array1<f64>,
    pub(crate) intercept: f64,
    pub(crate) n_classes: usize,
}

impl Fitted for BinaryLogistic {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::BinaryLogistic(self.clone()))
    }
    /// The log-odds of the larger class code: coefficients and intercept, as scikit-learn's
    /// `coef_` and `intercept_` for two classes.
    fn coefficients(&self) -> Option<(Vec<f64>, f64)> {
        let sign = if self.pos > self.neg { 1.0 } else { -1.0 };
        Some((
            self.coef.iter().map(|v| sign * v).collect(),
            sign * self.intercept,
        ))
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        let p = self.predict_proba(x)?.expect("logistic has probabilities");
        Ok(p.rows()
            .into_iter()
            .map(|r| {
                if r[self.pos] >= 0.5 {
                    self.pos as f64
                } else {
                    self.neg as f64
                }
            })
            .collect())
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        check_width(&self.name, &x, self.coef.len())?;
        let z = x.dot(&self.coef) + self.intercept;
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for (i, zi) in z.iter().enumerate() {
            let p = sigmoid(*zi);
            out[[i, self.pos]] = p;
            out[[i, self.neg]] = 1.0 - p;
        }
        Ok(Some(out))
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct MultiLogistic {
    pub(crate) name: String,
    pub(crate) classes: Vec<usize>,
    pub(crate) coef: Array2<f64>,
    pub(crate) intercept: Array1<f64>,
    pub(crate) n_classes: usize,
}

impl Fitted for MultiLogistic {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::MultiLogistic(self.clone()))
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        let p = self.predict_proba(x)?.expect("logistic has probabilities");
        Ok(argmax_rows(&p))
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        check_width(&self.name, &x, self.coef.nrows())?;
        let z = x.dot(&self.coef) + &self.intercept;
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for (i, row) in z.rows().into_iter().enumerate() {
            let p = softmax(&row.to_vec());
            for (j, &c) in self.classes.iter().enumerate() {
                out[[i, c]] = p[j];
            }
        }
        Ok(Some(out))
    }
}

/// `exp(z − max) / Σ exp(z − max)`: probabilities from scores, without overflow.
pub(crate) fn softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
    let total: f64 = e.iter().sum();
    e.into_iter().map(|v| v / total).collect()
}

/// The class code with the highest probability in each row (the first among ties).
pub(crate) fn argmax_rows(p: &Array2<f64>) -> Array1<f64> {
    p.rows()
        .into_iter()
        .map(|r| {
            let mut best = 0;
            for (j, &v) in r.iter().enumerate() {
                if v > r[best] {
                    best = j;
                }
            }
            best as f64
        })
        .collect()
}

/// `1` where `x > threshold`, else `0` (scikit-learn's `binarize`).
fn binarized(x: ArrayView2<f64>, threshold: f64) -> Array2<f64> {
    x.mapv(|v| f64::from(u8::from(v > threshold)))
}

/// Any of linfa's naive Bayes models. Features are binarised here for Bernoulli NB, because
/// linfa's own `predict_proba` skips the binarisation its `predict` applies.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct NaiveBayesModel<M> {
    pub(crate) name: String,
    pub(crate) model: M,
    pub(crate) n_classes: usize,
    pub(crate) n_features: usize,
    pub(crate) binarize: Option<f64>,
    /// Bernoulli NB only: (alpha, binarised training rows, codes), to save and refit it.
    #[serde(skip)]
    pub(crate) training: Option<(f64, Array2<f64>, Array1<usize>)>,
}

impl<M> Fitted for NaiveBayesModel<M>
where
    M: for<'a> linfa_bayes::NaiveBayes<'a, f64, usize> + crate::saved::SaveNb + Send + Sync,
{
    fn save(&self) -> crate::saved::Saved {
        M::save_nb(self)
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        let p = self
            .predict_proba(x)?
            .expect("naive Bayes has probabilities");
        Ok(argmax_rows(&p))
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        // Joint log-likelihoods normalised with a stable log-sum-exp (linfa's own
        // predict_proba can return NaN when every likelihood underflows).
        let x = match self.binarize {
            Some(t) => binarized(x, t),
            None => x.to_owned(),
        };
        let jll = self.model.joint_log_likelihood(x.view());
        // linfa returns a HashMap whose order changes from instance to instance: sum in class
        // order so that results are reproducible to the last bit.
        let mut by_class: Vec<(usize, &Array1<f64>)> = jll.iter().map(|(c, v)| (**c, v)).collect();
        by_class.sort_by_key(|(c, _)| *c);
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for i in 0..x.nrows() {
            let p = softmax(&by_class.iter().map(|(_, v)| v[i]).collect::<Vec<_>>());
            for ((c, _), q) in by_class.iter().zip(p) {
                out[[i, *c]] = q;
            }
        }
        Ok(Some(out))
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct TreeModel {
    name: String,
    tree: crate::tree::Tree,
    #[serde(default)]
    n_classes: usize,
    n_features: usize,
}

impl Fitted for TreeModel {
    fn save(&self) -> crate::saved::Saved {
        crate::saved::Saved::of(crate::saved::State::DecisionTree(self.clone()))
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        Ok(self.tree.predict(x).into_iter().map(|c| c as f64).collect())
    }

    /// The class shares of the training rows in each row's leaf.
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>, ModelError> {
        check_width(&self.name, &x, self.n_features)?;
        Ok(Some(self.tree.predict_proba(x, self.n_classes)))
    }

    /// scikit-learn's importances: each feature's total weighted impurity decrease,
    /// normalised to sum to 1; all zeros for a tree without splits.
    fn feature_importance(&self) -> Option<Vec<f64>> {
        Some(self.tree.importance().to_vec())
    }

    fn describe(&self, features: &[String], classes: &[String]) -> Option<String> {
        Some(self.tree.rules(features, classes))
    }

    /// The tree itself; leaves output their share of `class`.
    fn tree_ensemble(&self, class: usize) -> Option<crate::explain::TreeEnsemble> {
        if class >= self.n_classes {
            return None;
        }
        let features: Vec<usize> = (0..self.n_features).collect();
        let tree = self
            .tree
            .explain(&features, |p, _| p.get(class).copied().unwrap_or(0.0))?;
        crate::explain::TreeEnsemble::new(
            vec![(tree, 1.0)],
            self.n_features,
            crate::explain::EnsembleOutput::Probability,
        )
        .ok()
    }
}
