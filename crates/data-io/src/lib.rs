#![doc = include_str!("../README.md")]
//!
//! ## Tables built in memory
//!
//! [`RawFrame::into_table`] applies a [`TableSpec`] to any source with the same checks and
//! error messages as the file loaders:
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
#![warn(clippy::missing_errors_doc)]

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
