//! 26 — parkinson's disease from wearables (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 26-parkinsons-wearables is not written yet".into())
}
