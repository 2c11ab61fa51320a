//! # ml4ns-data-io
//!
//! Tabular data for machine learning on neuroscience-style cohorts.
//!
//! * [`Table`]: a feature matrix with named columns and an optional target (real values or
//!   class labels), group ids (subjects, patients) and time coordinate.
//! * [`TableSpec`]: explicit column roles — target, groups, time, features, dropped
//!   columns — and the missing-value policy. [`RawFrame::into_table`] applies them to any
//!   source with the same checks and the same error messages.
//! * With the `polars` feature (default): [`read_table`], [`read_csv`], [`read_parquet`] and
//!   lazy [`scan::Scan`]s for files larger than memory.
//! * With the `classic` feature (default): [`classic`], scikit-learn's bundled datasets.
//! * [`synth`]: seeded synthetic cohorts that document their generating process.
//!
//! Every error ([`DataError`]) names the file and, where it applies, the column and row.
//!
//! ```
//! use ml4ns_data_io::{RawColumn, RawFrame, TableSpec};
//! let frame = RawFrame::new(
//!     "example",
//!     vec!["subject".into(), "alpha".into(), "label".into()],
//!     vec![
//!         RawColumn::Text(vec![Some("s1".into()), Some("s1".into()), Some("s2".into())]),
//!         RawColumn::Numeric(vec![Some(0.5), Some(0.7), Some(0.2)]),
//!         RawColumn::Text(vec![Some("rest".into()), Some("task".into()), Some("rest".into())]),
//!     ],
//! )?;
//! let table = frame.into_table(&TableSpec::new().class_target("label").groups("subject"))?;
//! assert_eq!(table.feature_names, ["alpha"]);
//! assert_eq!(table.class_target().unwrap().classes, ["rest", "task"]);
//! # Ok::<(), ml4ns_data_io::DataError>(())
//! ```
#![warn(missing_docs)]

#[cfg(feature = "classic")]
pub mod classic;
mod error;
mod frame;
#[cfg(feature = "polars")]
mod io;
#[cfg(feature = "polars")]
pub mod scan;
pub mod synth;
mod table;

pub use error::{DataError, MissingKind, Result, RowRef};
pub use frame::{
    encode_labels, number_label, parse_cell, Cell, MissingPolicy, RawColumn, RawFrame, TableSpec,
    TargetKind, AUTO_MAX_CLASSES, MISSING_TOKENS,
};
#[cfg(feature = "polars")]
pub use io::{
    frame_from_dataframe, read_csv, read_csv_frame, read_frame, read_parquet, read_parquet_frame,
    read_table, write_parquet,
};
pub use table::{Categorical, ClassTarget, Groups, Table, Target, TimeColumn};
