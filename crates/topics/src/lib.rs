#![doc = include_str!("../README.md")]
//!
//! Each topic fits models through `ml4ns-models`, validates through `ml4ns-validation`, and
//! returns a report whose checks would fail if the claim it illustrates stopped holding.
#![warn(missing_docs)]

use std::path::PathBuf;

pub mod common;
pub mod topics;

pub use ml4ns_reporting::Report;

/// What a topic may use while it runs.
#[derive(Debug, Clone)]
pub struct Context {
    /// The workspace's `datasets/` folder (classic datasets and committed cohorts).
    pub datasets_dir: PathBuf,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            datasets_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets")),
        }
    }
}

/// The error a topic returns when it cannot produce its report.
pub type TopicError = Box<dyn std::error::Error + Send + Sync>;

/// A course topic.
#[derive(Debug, Clone, Copy)]
pub struct Topic {
    /// Id in course order, e.g. `04-linear-regression`; the report's folder name.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// Produce the report.
    ///
    /// # Errors
    ///
    /// When the topic cannot produce a report at all: a dataset fails to build, a model fails
    /// to fit or predict, a metric is undefined on the data. A report whose checks fail is not
    /// an error: it is returned, and `cargo xtask run-all` fails on it.
    pub run: fn(&Context) -> Result<Report, TopicError>,
}

/// Every topic, in course order.
pub fn registry() -> Vec<Topic> {
    use topics::*;
    vec![
        Topic {
            id: "01-representation",
            title: "Representation",
            run: t01_representation::run,
        },
        Topic {
            id: "02-curse-of-dimensionality",
            title: "The curse of dimensionality",
            run: t02_curse_of_dimensionality::run,
        },
        Topic {
            id: "03-manifold-learning",
            title: "Manifold learning",
            run: t03_manifold_learning::run,
        },
        Topic {
            id: "04-linear-regression",
            title: "Linear regression",
            run: t04_linear_regression::run,
        },
        Topic {
            id: "05-logistic-regression",
            title: "Logistic regression",
            run: t05_logistic_regression::run,
        },
        Topic {
            id: "06-knn",
            title: "k nearest neighbours",
            run: t06_knn::run,
        },
        Topic {
            id: "07-cross-validation",
            title: "Cross-validation",
            run: t07_cross_validation::run,
        },
        Topic {
            id: "08-regularisation",
            title: "Regularisation",
            run: t08_regularisation::run,
        },
        Topic {
            id: "09-probability",
            title: "Probability",
            run: t09_probability::run,
        },
        Topic {
            id: "10-naive-bayes",
            title: "Naive Bayes",
            run: t10_naive_bayes::run,
        },
        Topic {
            id: "11-evaluation-metrics",
            title: "Evaluation metrics",
            run: t11_evaluation_metrics::run,
        },
        Topic {
            id: "12-kernels",
            title: "Kernels",
            run: t12_kernels::run,
        },
        Topic {
            id: "13-svm",
            title: "Support vector machines",
            run: t13_svm::run,
        },
        Topic {
            id: "14-decision-trees",
            title: "Decision trees",
            run: t14_decision_trees::run,
        },
        Topic {
            id: "15-ensembles",
            title: "Ensembles",
            run: t15_ensembles::run,
        },
        Topic {
            id: "16-clustering",
            title: "Clustering",
            run: t16_clustering::run,
        },
        Topic {
            id: "17-imbalanced-data",
            title: "Imbalanced data",
            run: t17_imbalanced_data::run,
        },
        Topic {
            id: "18-overfitting",
            title: "Over-fitting",
            run: t18_overfitting::run,
        },
        Topic {
            id: "19-model-selection",
            title: "Model selection",
            run: t19_model_selection::run,
        },
        Topic {
            id: "20-neural-networks",
            title: "Neural networks",
            run: t20_neural_networks::run,
        },
        Topic {
            id: "21-images-as-vectors",
            title: "Images as vectors",
            run: t21_images_as_vectors::run,
        },
        Topic {
            id: "22-convolution",
            title: "Convolution",
            run: t22_convolution::run,
        },
        Topic {
            id: "23-lenet5",
            title: "LeNet-5",
            run: t23_lenet5::run,
        },
        Topic {
            id: "24-autoencoder",
            title: "Autoencoders",
            run: t24_autoencoder::run,
        },
        Topic {
            id: "25-neuro-inspired",
            title: "Neuroscience-inspired models",
            run: t25_neuro_inspired::run,
        },
        Topic {
            id: "26-parkinsons-wearables",
            title: "Parkinson's disease from wearables",
            run: t26_parkinsons_wearables::run,
        },
        Topic {
            id: "27-dementia-monitoring",
            title: "Dementia monitoring with explanations",
            run: t27_dementia_monitoring::run,
        },
        Topic {
            id: "28-dementia-severity",
            title: "Dementia severity over time",
            run: t28_dementia_severity::run,
        },
        Topic {
            id: "29-responsible-ml",
            title: "Responsible machine learning",
            run: t29_responsible_ml::run,
        },
    ]
}

/// The topic with this id.
pub fn find(id: &str) -> Option<Topic> {
    registry().into_iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_in_course_order() {
        let ids: Vec<&str> = registry().iter().map(|t| t.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            ids, sorted,
            "topic ids must be unique and sorted by course number"
        );
    }

    #[test]
    fn datasets_dir_exists() {
        assert!(Context::default().datasets_dir.join("cohorts").is_dir());
    }
}
