//! 27 — dementia monitoring with explanations (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 27-dementia-monitoring is not written yet".into())
}
