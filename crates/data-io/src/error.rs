//! The error type of every loader and table operation.
//!
//! Each variant names the source (a file path or a dataset name) and, where the problem
//! sits in one place, the column and the row. Rows are numbered from 1 after the header,
//! as a spreadsheet user counts them; CSV errors also give the file line when it is known.

use std::fmt;
use std::path::PathBuf;

/// Where in a source a problem was found: a 1-based data row, and for CSV files the
/// 1-based line of the file when rows map one-to-one onto lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    /// 1-based data row (the header is not counted).
    pub row: usize,
    /// 1-based line of the file, when known.
    pub line: Option<usize>,
}

impl fmt::Display for RowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "row {} (line {line})", self.row),
            None => write!(f, "row {}", self.row),
        }
    }
}

/// What was wrong with one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingKind {
    /// An empty cell or a null marker (`NA`, `null`, ...), or a null in a typed file.
    Missing,
    /// `NaN`.
    NaN,
    /// Positive or negative infinity.
    Infinite,
}

impl fmt::Display for MissingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MissingKind::Missing => "a missing value",
            MissingKind::NaN => "NaN",
            MissingKind::Infinite => "an infinite value",
        })
    }
}

/// Everything that can go wrong while loading or building a [`crate::Table`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file does not exist (or cannot be opened).
    #[error("{path}: cannot open file: {reason}")]
    FileNotFound {
        /// The path given.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The file extension is not one the loaders know.
    #[error("{path}: unknown file type (expected .csv, .tsv, .txt, .parquet or .pq)")]
    UnknownFormat {
        /// The path given.
        path: PathBuf,
    },
    /// The file has no bytes (or only a byte-order mark and white space).
    #[error("{source_name}: the file is empty (no header, no rows)")]
    EmptyFile {
        /// File path or dataset name.
        source_name: String,
    },
    /// The file has a header but no data rows (possibly after dropping rows).
    #[error("{source_name}: no data rows{detail}")]
    NoRows {
        /// File path or dataset name.
        source_name: String,
        /// Extra context, e.g. " after dropping rows with missing values".
        detail: String,
    },
    /// A row has a different number of fields than the header.
    #[error("{source_name}: {at} has {found} fields but the header has {expected}")]
    RaggedRow {
        /// File path or dataset name.
        source_name: String,
        /// The offending row.
        at: RowRef,
        /// Fields in the header.
        expected: usize,
        /// Fields in that row.
        found: usize,
    },
    /// Two columns share a name.
    #[error("{source_name}: duplicate column name '{column}' (columns {first} and {second})")]
    DuplicateColumn {
        /// File path or dataset name.
        source_name: String,
        /// The repeated name.
        column: String,
        /// 1-based position of its first occurrence.
        first: usize,
        /// 1-based position of the repeat.
        second: usize,
    },
    /// A column named by the caller does not exist.
    #[error("{source_name}: no column named '{column}' (given as {role}); available columns: {}", available.join(", "))]
    UnknownColumn {
        /// File path or dataset name.
        source_name: String,
        /// The name asked for.
        column: String,
        /// The role it was asked for in (target, groups, feature, ...).
        role: String,
        /// Every column the source has, in file order.
        available: Vec<String>,
    },
    /// One column was given two roles.
    #[error("{source_name}: column '{column}' is given two roles: {first} and {second}")]
    RoleConflict {
        /// File path or dataset name.
        source_name: String,
        /// The column.
        column: String,
        /// First role.
        first: String,
        /// Second role.
        second: String,
    },
    /// A cell in a column that must be numeric holds text.
    #[error("{source_name}: column '{column}' ({role}) must be numeric, but {at} holds '{value}'")]
    NonNumeric {
        /// File path or dataset name.
        source_name: String,
        /// The column.
        column: String,
        /// Its role.
        role: String,
        /// Where.
        at: RowRef,
        /// The offending text.
        value: String,
    },
    /// A column has a type the loaders cannot use in that role (e.g. a date in a Parquet file).
    #[error("{source_name}: column '{column}' ({role}) has unsupported type {dtype}")]
    UnsupportedType {
        /// File path or dataset name.
        source_name: String,
        /// The column.
        column: String,
        /// Its role.
        role: String,
        /// The type, as the file declares it.
        dtype: String,
    },
    /// A null, NaN or infinite value where the missing-value policy does not allow it.
    #[error("{source_name}: column '{column}' ({role}) has {kind} at {at}{hint}")]
    Missing {
        /// File path or dataset name.
        source_name: String,
        /// The column.
        column: String,
        /// Its role.
        role: String,
        /// Where (the first such cell).
        at: RowRef,
        /// What the cell holds.
        kind: MissingKind,
        /// How to proceed, e.g. which policy would accept it.
        hint: String,
    },
    /// A column has no finite value at all, so no mean can be imputed.
    #[error("{source_name}: column '{column}' has no finite value to impute a mean from")]
    NothingToImpute {
        /// File path or dataset name.
        source_name: String,
        /// The column.
        column: String,
    },
    /// A classification target has fewer than two classes.
    #[error("{source_name}: target column '{column}' has a single class ('{class}'); a classifier needs at least two")]
    SingleClass {
        /// File path or dataset name.
        source_name: String,
        /// The target column.
        column: String,
        /// The only class present.
        class: String,
    },
    /// No feature column is left.
    #[error("{source_name}: no numeric feature columns{detail}")]
    NoFeatures {
        /// File path or dataset name.
        source_name: String,
        /// Extra context, e.g. the text columns that were skipped.
        detail: String,
    },
    /// Arrays of different lengths or shapes were combined.
    #[error("{context}: shape mismatch: {detail}")]
    Shape {
        /// What was being built.
        context: String,
        /// What did not match.
        detail: String,
    },
    /// The underlying reader failed (I/O or a malformed file polars rejected).
    #[error("{source_name}: {message}")]
    Read {
        /// File path or dataset name.
        source_name: String,
        /// The reader's message.
        message: String,
    },
    /// Writing a file failed.
    #[error("{path}: cannot write: {reason}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The reason.
        reason: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = DataError> = std::result::Result<T, E>;
