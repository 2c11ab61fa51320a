#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! - [`split`]: the splitters ([`Cv`]) and their spec strings;
//! - [`metrics`]: classification, regression, clustering and embedding metrics;
//! - [`selection`]: cross-validation, search, curves, resampling, permutation importance;
//! - [`leakage`]: flags features that encode the label (near-perfect single-feature AUC, or a
//!   value that determines the label), before a suspiciously perfect score is believed;
//! - [`random_state`]: NumPy's legacy `RandomState`, bit for bit.
//!
//! Grouped folds keep each subject on one side:
//!
//! ```
//! use ml4ns_validation::Cv;
//! let cv = Cv::parse("group_kfold:n_splits=3")?;
//! let groups = [0, 0, 1, 1, 2, 2, 3];
//! for split in cv.split(groups.len(), None, Some(&groups))? {
//!     // No subject is on both sides.
//!     assert!(split.test.iter().all(|&t| split.train.iter().all(|&r| groups[r] != groups[t])));
//! }
//! # Ok::<(), ml4ns_validation::SplitError>(())
//! ```
#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]
// Ports of scikit-learn/NumPy index arithmetic read closest to their reference as index loops.
#![allow(clippy::needless_range_loop)]

pub mod leakage;
pub mod metrics;
pub mod random_state;
pub mod selection;
pub mod split;

pub use metrics::MetricError;
pub use random_state::RandomState;
pub use split::{Cv, Size, Split, SplitError, SPEC_NAMES};
