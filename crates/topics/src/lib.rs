//! # ml4ns-topics
//!
//! One module per course topic, each going from data to model to validation to a
//! [`Report`]. [`registry`] lists them in course order; `cargo xtask run-all` runs them all.
//!
//! The registry is empty until the first topics land; the runner, the index and the CLI
//! already work against it.
#![warn(missing_docs)]

use std::path::PathBuf;

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
    pub run: fn(&Context) -> Result<Report, TopicError>,
}

/// Every topic, in course order.
pub fn registry() -> Vec<Topic> {
    Vec::new()
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
        assert!(Context::default().datasets_dir.join("classic").is_dir());
    }
}
