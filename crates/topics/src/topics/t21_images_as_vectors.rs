//! 21 — images as vectors (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 21-images-as-vectors is not written yet".into())
}
