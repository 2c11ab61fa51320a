//! Lazy scans for files larger than memory.
//!
//! A [`Scan`] wraps a polars [`LazyFrame`]: column selection and row filters are recorded,
//! pushed down into the file reader by polars' optimiser, and only the selected columns of
//! the matching rows are ever materialised, by polars' streaming engine, when
//! [`Scan::collect`] builds the [`Table`].
//!
//! ```no_run
//! use ml4ns_data_io::scan::{col, lit, Scan};
//! use ml4ns_data_io::TableSpec;
//! let table = Scan::parquet("recordings.parquet")?
//!     .select(["subject", "alpha_power", "beta_power", "label"])?
//!     .filter(col("alpha_power").gt(lit(0.5)))
//!     .collect(&TableSpec::new().class_target("label").groups("subject"))?;
//! # Ok::<(), ml4ns_data_io::DataError>(())
//! ```

use std::path::Path;

use polars::prelude::*;
pub use polars::prelude::{col, lit, Expr, LazyFrame};

use crate::error::{DataError, Result};
use crate::frame::TableSpec;
use crate::io::{display, frame_from_dataframe, open_error, read_error, FileKind};
use crate::table::Table;

/// A lazily scanned CSV or Parquet file.
#[derive(Clone)]
pub struct Scan {
    source: String,
    frame: LazyFrame,
    columns: Vec<String>,
}

impl std::fmt::Debug for Scan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan")
            .field("source", &self.source)
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

impl Scan {
    /// Scan a file, choosing the reader by extension (`.csv`, `.tsv`, `.parquet`, ...).
    ///
    /// # Errors
    ///
    /// Returns [`DataError::UnknownFormat`] for an unknown extension, else the errors of
    /// [`Scan::csv`] or [`Scan::parquet`].
    pub fn open(path: impl AsRef<Path>) -> Result<Scan> {
        let path = path.as_ref();
        match FileKind::of(path)? {
            FileKind::Csv(sep) => Scan::csv_with_separator(path, sep),
            FileKind::Parquet => Scan::parquet(path),
        }
    }

    /// Scan a comma-separated file. Column types are inferred by polars from the first rows
    /// (so that numeric filters work); [`Scan::collect`] still checks every cell it loads.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::FileNotFound`] when the file cannot be found or its metadata read,
    /// [`DataError::EmptyFile`] when it has zero bytes, and [`DataError::Read`] when polars cannot
    /// set up the scan or infer the columns.
    pub fn csv(path: impl AsRef<Path>) -> Result<Scan> {
        Scan::csv_with_separator(path.as_ref(), b',')
    }

    fn csv_with_separator(path: &Path, sep: u8) -> Result<Scan> {
        check_readable(path)?;
        let frame = LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
            .with_has_header(true)
            .with_separator(sep)
            .finish()
            .map_err(|e| read_error(path, e))?;
        Scan::from_lazy(display(path), frame)
    }

    /// Scan a Parquet file.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::FileNotFound`] when the file cannot be found or its metadata read,
    /// [`DataError::EmptyFile`] when it has zero bytes, and [`DataError::Read`] when polars cannot
    /// set up the scan or read the schema (for instance a file that is not Parquet).
    pub fn parquet(path: impl AsRef<Path>) -> Result<Scan> {
        let path = path.as_ref();
        check_readable(path)?;
        let frame = LazyFrame::scan_parquet(
            PlRefPath::new(path.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .map_err(|e| read_error(path, e))?;
        Scan::from_lazy(display(path), frame)
    }

    /// Wrap any polars lazy frame; `source` names it in messages.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Read`] when polars cannot resolve the frame's schema.
    pub fn from_lazy(source: impl Into<String>, mut frame: LazyFrame) -> Result<Scan> {
        let source = source.into();
        let schema = frame.collect_schema().map_err(|e| DataError::Read {
            source_name: source.clone(),
            message: e.to_string(),
        })?;
        let columns = schema.iter_names().map(|n| n.to_string()).collect();
        Ok(Scan {
            source,
            frame,
            columns,
        })
    }

    /// The columns the scan currently yields, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Keep only these columns (in this order).
    ///
    /// # Errors
    ///
    /// Returns [`DataError::UnknownColumn`] for the first name the scan does not yield.
    pub fn select<I, S>(self, names: I) -> Result<Scan>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let names: Vec<String> = names.into_iter().map(|s| s.as_ref().to_string()).collect();
        for name in &names {
            if !self.columns.contains(name) {
                return Err(DataError::UnknownColumn {
                    source_name: self.source,
                    column: name.clone(),
                    role: "selection".into(),
                    available: self.columns,
                });
            }
        }
        let exprs: Vec<Expr> = names.iter().map(|n| col(n.as_str())).collect();
        Ok(Scan {
            frame: self.frame.select(exprs),
            source: self.source,
            columns: names,
        })
    }

    /// Keep only the rows where `predicate` is true.
    pub fn filter(self, predicate: Expr) -> Scan {
        Scan {
            frame: self.frame.filter(predicate),
            ..self
        }
    }

    /// Keep at most the first `n` rows.
    pub fn limit(self, n: u32) -> Scan {
        Scan {
            frame: self.frame.limit(n),
            ..self
        }
    }

    /// The underlying polars lazy frame, for anything this wrapper does not cover.
    pub fn lazy_frame(&self) -> &LazyFrame {
        &self.frame
    }

    /// The optimised query plan, as polars prints it: it shows the projection and the
    /// filter pushed into the file scan.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Read`] when polars cannot build the optimised plan (for instance a
    /// filter on a column the scan does not have).
    pub fn plan(&self) -> Result<String> {
        self.frame.explain(true).map_err(|e| DataError::Read {
            source_name: self.source.clone(),
            message: e.to_string(),
        })
    }

    /// Run the query with polars' streaming engine and build a [`Table`] from the result.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Read`] when polars fails to run the query (for instance the file
    /// became unreadable or a filter does not fit the columns), [`DataError::NoRows`] when no
    /// row is left, and otherwise the errors of [`crate::frame_from_dataframe`] and
    /// [`crate::RawFrame::into_table`].
    pub fn collect(self, spec: &TableSpec) -> Result<Table> {
        let source = self.source.clone();
        // A plain query has one result frame (several only for multi-sink queries).
        let df = self
            .frame
            .collect_with_engine(Engine::Streaming)
            .map_err(|e| DataError::Read {
                source_name: source.clone(),
                message: e.to_string(),
            })?
            .unwrap_single();
        if df.height() == 0 {
            return Err(DataError::NoRows {
                source_name: source,
                detail: " after filtering".into(),
            });
        }
        frame_from_dataframe(&df, &source)?.into_table(spec)
    }
}

fn check_readable(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| open_error(path, e))?;
    if meta.len() == 0 {
        return Err(DataError::EmptyFile {
            source_name: display(path),
        });
    }
    Ok(())
}
