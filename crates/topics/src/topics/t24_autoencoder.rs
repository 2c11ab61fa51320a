//! 24 — autoencoders (not written yet).

use crate::{Context, Report, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    Err("topic 24-autoencoder is not written yet".into())
}
