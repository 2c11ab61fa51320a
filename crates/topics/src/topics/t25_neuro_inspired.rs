//! 25 — neuroscience-inspired models (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 25-neuro-inspired is not written yet".into())
}
