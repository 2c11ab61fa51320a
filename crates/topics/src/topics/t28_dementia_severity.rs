//! 28 — dementia severity over time (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 28-dementia-severity is not written yet".into())
}
