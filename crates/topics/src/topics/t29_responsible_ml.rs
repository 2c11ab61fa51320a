//! 29 — responsible machine learning (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 29-responsible-ml is not written yet".into())
}
