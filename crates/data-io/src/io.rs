//! File loaders on polars: CSV (eager), Parquet (eager), and lazy scans of either.
//!
//! Only this module (and [`crate::scan`]) touch polars. Every loader ends in a
//! [`RawFrame`], and [`RawFrame::into_table`] applies the column roles, so a CSV, a
//! Parquet file and an in-memory frame obey the same rules.
//!
//! CSV files are read with every column as text and parsed here, cell by cell, so that a
//! stray non-numeric value is reported with its column and row instead of silently turning
//! the column into text. Before polars sees the bytes, a quote-aware pass checks the shape
//! of the file (empty, header only, duplicate names, ragged rows) and strips a UTF-8
//! byte-order mark; CRLF line endings are accepted.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{DataError, Result, RowRef};
use crate::frame::{check_unique_names, RawColumn, RawFrame, TableSpec};
use crate::table::Table;

/// Load a CSV (`.csv`, `.txt`, or tab-separated `.tsv`) or Parquet (`.parquet`, `.pq`) file,
/// chosen by extension, and apply the column roles.
///
/// ```no_run
/// use ml4ns_data_io::{read_table, TableSpec};
/// let table = read_table("parkinsons.csv", &TableSpec::new().class_target("status").groups("name"))?;
/// println!("{} rows × {} features", table.n_rows(), table.n_features());
/// # Ok::<(), ml4ns_data_io::DataError>(())
/// ```
///
/// # Errors
///
/// Returns [`DataError::UnknownFormat`] for an extension other than those above, the errors of
/// [`read_csv_frame`] or [`read_parquet_frame`] when the file cannot be read, and those of
/// [`RawFrame::into_table`] when the columns do not fit `spec`.
pub fn read_table(path: impl AsRef<Path>, spec: &TableSpec) -> Result<Table> {
    read_frame(path)?.into_table(spec)
}

/// Read a file (by extension, as [`read_table`]) into a [`RawFrame`] without applying roles.
///
/// # Errors
///
/// Returns [`DataError::UnknownFormat`] for an unknown extension, else the errors of
/// [`read_csv_frame`] or [`read_parquet_frame`].
pub fn read_frame(path: impl AsRef<Path>) -> Result<RawFrame> {
    let path = path.as_ref();
    match FileKind::of(path)? {
        FileKind::Csv(sep) => read_csv_frame(path, sep),
        FileKind::Parquet => read_parquet_frame(path),
    }
}

/// Load a comma-separated file and apply the column roles.
///
/// # Errors
///
/// Returns the errors of [`read_csv_frame`] when the file cannot be read and those of
/// [`RawFrame::into_table`] when its columns do not fit `spec`.
pub fn read_csv(path: impl AsRef<Path>, spec: &TableSpec) -> Result<Table> {
    read_csv_frame(path.as_ref(), b',')?.into_table(spec)
}

/// Load a Parquet file and apply the column roles.
///
/// # Errors
///
/// Returns the errors of [`read_parquet_frame`] when the file cannot be read and those of
/// [`RawFrame::into_table`] when its columns do not fit `spec`.
pub fn read_parquet(path: impl AsRef<Path>, spec: &TableSpec) -> Result<Table> {
    read_parquet_frame(path.as_ref())?.into_table(spec)
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum FileKind {
    Csv(u8),
    Parquet,
}

impl FileKind {
    pub(crate) fn of(path: &Path) -> Result<FileKind> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") | Some("txt") => Ok(FileKind::Csv(b',')),
            Some("tsv") | Some("tab") => Ok(FileKind::Csv(b'\t')),
            Some("parquet") | Some("pq") => Ok(FileKind::Parquet),
            _ => Err(DataError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

pub(crate) fn display(path: &Path) -> String {
    path.display().to_string()
}

pub(crate) fn open_error(path: &Path, err: std::io::Error) -> DataError {
    DataError::FileNotFound {
        path: path.to_path_buf(),
        reason: err.to_string(),
    }
}

pub(crate) fn read_error(path: &Path, err: PolarsError) -> DataError {
    DataError::Read {
        source_name: display(path),
        message: err.to_string(),
    }
}

/// Read a delimited text file into a [`RawFrame`] (all columns parsed from text).
///
/// # Errors
///
/// * [`DataError::FileNotFound`] when the file cannot be opened or read.
/// * [`DataError::EmptyFile`] when it holds nothing but white space (after a byte-order mark).
/// * [`DataError::RaggedRow`] when a row has more or fewer fields than the header.
/// * [`DataError::DuplicateColumn`] when two header names are equal.
/// * [`DataError::NoRows`] when the file has a header only.
/// * [`DataError::Read`] for a quoted field left open at the end of the file, or when polars
///   rejects the file or reads a different number of rows than the file has records.
pub fn read_csv_frame(path: &Path, separator: u8) -> Result<RawFrame> {
    let source = display(path);
    let bytes = std::fs::read(path).map_err(|e| open_error(path, e))?;
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let shape = CsvShape::scan(&bytes, separator, &source)?;
    let df = CsvReadOptions::default()
        .with_has_header(true)
        // Zero rows of inference: every column is read as text and parsed in `frame`.
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(separator).with_missing_is_null(true))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| read_error(path, e))?;
    if df.height() != shape.records {
        return Err(DataError::Read {
            source_name: source,
            message: format!(
                "read {} rows but the file has {} records (unusual quoting?)",
                df.height(),
                shape.records
            ),
        });
    }
    let mut frame = frame_from_dataframe(&df, &source)?;
    frame.names = shape.header;
    frame.first_line = shape.one_line_per_record.then_some(2);
    Ok(frame)
}

/// Read a Parquet file into a [`RawFrame`].
///
/// # Errors
///
/// Returns [`DataError::FileNotFound`] when the file cannot be opened, [`DataError::EmptyFile`]
/// when it has zero bytes, [`DataError::Read`] when polars cannot read it (not Parquet, or
/// corrupt) or convert a column, and [`DataError::NoRows`] when it holds no rows.
pub fn read_parquet_frame(path: &Path) -> Result<RawFrame> {
    let file = std::fs::File::open(path).map_err(|e| open_error(path, e))?;
    if file.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        return Err(DataError::EmptyFile {
            source_name: display(path),
        });
    }
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| read_error(path, e))?;
    let frame = frame_from_dataframe(&df, &display(path))?;
    if frame.n_rows() == 0 {
        return Err(DataError::NoRows {
            source_name: display(path),
            detail: String::new(),
        });
    }
    Ok(frame)
}

/// Convert a polars [`DataFrame`] into a [`RawFrame`].
///
/// Numeric columns become `f64`, booleans stay booleans, text (and categorical) columns are
/// parsed cell by cell ([`RawColumn::refine_text`]); other types are kept as
/// [`RawColumn::Unsupported`], usable only as dropped columns.
///
/// # Errors
///
/// Returns [`DataError::Read`] when polars cannot convert a column to `f64`, booleans or text,
/// and [`DataError::DuplicateColumn`] when two columns share a name.
pub fn frame_from_dataframe(df: &DataFrame, source: &str) -> Result<RawFrame> {
    let fail = |e: PolarsError| DataError::Read {
        source_name: source.to_string(),
        message: e.to_string(),
    };
    let mut names = Vec::with_capacity(df.width());
    let mut columns = Vec::with_capacity(df.width());
    for column in df.columns() {
        names.push(column.name().to_string());
        let dtype = column.dtype();
        let raw = if dtype.is_primitive_numeric() {
            let cast = column.cast(&DataType::Float64).map_err(fail)?;
            RawColumn::Numeric(cast.f64().map_err(fail)?.iter().collect())
        } else if dtype.is_bool() {
            RawColumn::Bool(column.bool().map_err(fail)?.iter().collect())
        } else if dtype.is_string() || dtype.is_categorical() || dtype.is_enum() {
            let cast = column.cast(&DataType::String).map_err(fail)?;
            // Borrowed cells (no copies) so they can be walked more than once.
            let cells: Vec<Option<&str>> = cast.str().map_err(fail)?.iter().collect();
            RawColumn::from_text_cells(cells.iter().copied())
        } else {
            RawColumn::Unsupported {
                dtype: dtype.to_string(),
                len: column.len(),
            }
        };
        columns.push(raw);
    }
    RawFrame::new(source, names, columns)
}

/// The shape of a delimited file, checked without polars so that problems can be named by
/// row and line.
struct CsvShape {
    header: Vec<String>,
    records: usize,
    one_line_per_record: bool,
}

impl CsvShape {
    /// Walk the bytes once, honouring double quotes (a quoted field may hold separators,
    /// doubled quotes and line breaks). A trailing `\r` before `\n` is part of the line end.
    fn scan(bytes: &[u8], sep: u8, source: &str) -> Result<CsvShape> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(DataError::EmptyFile {
                source_name: source.to_string(),
            });
        }
        let mut header: Vec<String> = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut fields_in_record = 0usize;
        let mut in_quotes = false;
        let mut record_empty = true;
        let mut record = 0usize; // records completed (header is record 0)
        let mut line = 1usize; // current line
        let mut record_start_line = 1usize;
        let mut one_line_per_record = true;
        let mut expected = 0usize;

        let mut i = 0;
        while i <= bytes.len() {
            let b = bytes.get(i).copied();
            if in_quotes {
                match b {
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        field.push(b'"');
                        i += 1;
                    }
                    Some(b'"') => in_quotes = false,
                    Some(c) => {
                        if c == b'\n' {
                            line += 1;
                        }
                        field.push(c)
                    }
                    None => {
                        return Err(DataError::Read {
                            source_name: source.to_string(),
                            message: format!(
                                "unterminated quoted field starting on line {record_start_line}"
                            ),
                        })
                    }
                }
                i += 1;
                continue;
            }
            match b {
                Some(b'"') if field.is_empty() => {
                    in_quotes = true;
                    record_empty = false;
                }
                Some(c) if c == sep => {
                    fields_in_record += 1;
                    record_empty = false;
                    if record == 0 {
                        header.push(header_name(&field));
                    }
                    field.clear();
                }
                Some(b'\n') | None => {
                    let blank = record_empty && field.iter().all(|&c| c == b'\r');
                    if !blank {
                        fields_in_record += 1;
                        if record == 0 {
                            header.push(header_name(&field));
                            expected = fields_in_record;
                        } else if fields_in_record != expected {
                            return Err(DataError::RaggedRow {
                                source_name: source.to_string(),
                                at: RowRef {
                                    row: record,
                                    line: Some(record_start_line),
                                },
                                expected,
                                found: fields_in_record,
                            });
                        }
                        if record_start_line != line {
                            one_line_per_record = false;
                        }
                        record += 1;
                    } else if b.is_some() && record > 0 {
                        // A blank line inside the data: rows no longer map onto lines.
                        one_line_per_record = false;
                    }
                    field.clear();
                    fields_in_record = 0;
                    record_empty = true;
                    if b.is_some() {
                        line += 1;
                    }
                    record_start_line = line;
                }
                Some(c) => {
                    field.push(c);
                    if c != b'\r' {
                        record_empty = false;
                    }
                }
            }
            i += 1;
        }
        check_unique_names(source, &header)?;
        if record <= 1 {
            return Err(DataError::NoRows {
                source_name: source.to_string(),
                detail: " (the file has a header only)".to_string(),
            });
        }
        Ok(CsvShape {
            header,
            records: record - 1,
            one_line_per_record,
        })
    }
}

fn header_name(field: &[u8]) -> String {
    let s = String::from_utf8_lossy(field);
    s.trim_end_matches('\r').trim().to_string()
}

/// Write a [`DataFrame`] as Parquet (used by tests and by users converting CSV to Parquet).
///
/// # Errors
///
/// Returns [`DataError::Write`] when the file cannot be created or polars fails to write it.
pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<()> {
    let write_err = |reason: String| DataError::Write {
        path: PathBuf::from(path),
        reason,
    };
    let file = std::fs::File::create(path).map_err(|e| write_err(e.to_string()))?;
    ParquetWriter::new(file)
        .finish(df)
        .map_err(|e| write_err(e.to_string()))?;
    Ok(())
}
