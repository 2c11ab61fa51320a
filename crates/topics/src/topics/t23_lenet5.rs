//! 23 — lenet-5 (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 23-lenet5 is not written yet".into())
}
