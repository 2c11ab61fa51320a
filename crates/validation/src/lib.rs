//! # ml4ns-validation
//!
//! Placeholder: this crate is filled by its own issue (see DESIGN.md §1). It compiles
//! today so that the workspace layout, the dependency directions and CI are in place.
#![warn(missing_docs)]
