//! Column roles ([`TableSpec`]) and the construction of a [`Table`] from raw columns.
//!
//! This module has no polars in it: the polars loaders turn a file into a [`RawFrame`]
//! and everything after that — role resolution, type checks, the missing-value policy,
//! class encoding — happens here, so in-memory data (the synthetic cohorts, the classic
//! datasets, a user's own vectors) go through exactly the same checks as files.

use std::collections::BTreeMap;

use ndarray::{Array1, Array2};

use crate::error::{DataError, MissingKind, Result, RowRef};
use crate::table::{ClassTarget, Groups, Table, Target, TimeColumn};

/// Text that means "no value" in a text cell (compared after trimming white space).
pub const MISSING_TOKENS: &[&str] = &["", "NA", "N/A", "n/a", "null", "NULL", "None", "?"];

/// With [`TargetKind::Auto`], a numeric target whose values are all whole numbers is taken
/// as class labels when it has at most this many distinct values.
pub const AUTO_MAX_CLASSES: usize = 20;

/// One column as read from a source, before roles are applied.
#[derive(Debug, Clone, PartialEq)]
pub enum RawColumn {
    /// Numbers; `None` is a null. NaN and infinities are kept as values.
    Numeric(Vec<Option<f64>>),
    /// Booleans; `None` is a null. Used as 0/1 in features.
    Bool(Vec<Option<bool>>),
    /// Text cells as written; `None` is a null. Cells are parsed as numbers when the
    /// column is used as a numeric role (see [`parse_cell`]).
    Text(Vec<Option<String>>),
    /// A type the loaders cannot use (dates, lists, ...); usable only as a dropped column.
    Unsupported {
        /// The type as the source declares it.
        dtype: String,
        /// Number of rows.
        len: usize,
    },
}

impl RawColumn {
    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            RawColumn::Numeric(v) => v.len(),
            RawColumn::Bool(v) => v.len(),
            RawColumn::Text(v) => v.len(),
            RawColumn::Unsupported { len, .. } => *len,
        }
    }

    /// True when the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A text column parsed cell by cell (see [`RawColumn::from_text_cells`]); other columns
    /// are returned as they are.
    pub fn refine_text(self) -> RawColumn {
        match self {
            RawColumn::Text(cells) => {
                RawColumn::from_text_cells(cells.iter().map(|c| c.as_deref()))
            }
            other => other,
        }
    }

    /// A column from text cells: `Numeric` if every cell is a number or missing, `Bool` if
    /// every cell is `true`/`false` (any case) or missing, else `Text`.
    pub fn from_text_cells<'a, I>(cells: I) -> RawColumn
    where
        I: Iterator<Item = Option<&'a str>> + Clone,
    {
        let numeric: Option<Vec<Option<f64>>> = cells
            .clone()
            .map(|c| match parse_opt_cell(c) {
                Cell::Missing => Some(None),
                Cell::Number(v) => Some(Some(v)),
                Cell::Text => None,
            })
            .collect();
        if let Some(values) = numeric {
            return RawColumn::Numeric(values);
        }
        let bools: Option<Vec<Option<bool>>> = cells
            .clone()
            .map(|c| match c.map(str::trim) {
                None => Some(None),
                Some(s) if MISSING_TOKENS.contains(&s) => Some(None),
                Some(s) if s.eq_ignore_ascii_case("true") => Some(Some(true)),
                Some(s) if s.eq_ignore_ascii_case("false") => Some(Some(false)),
                Some(_) => None,
            })
            .collect();
        match bools {
            Some(values) => RawColumn::Bool(values),
            None => RawColumn::Text(cells.map(|c| c.map(str::to_string)).collect()),
        }
    }
}

/// A text cell classified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// Empty or one of [`MISSING_TOKENS`].
    Missing,
    /// A number (possibly NaN or infinite: `nan`, `inf`, `-Infinity`, ...).
    Number(f64),
    /// Anything else.
    Text,
}

/// Classify one text cell: white space is trimmed, [`MISSING_TOKENS`] are missing, and what
/// Rust's `f64` parser accepts is a number.
pub fn parse_cell(s: &str) -> Cell {
    let s = s.trim();
    if MISSING_TOKENS.contains(&s) {
        return Cell::Missing;
    }
    match s.parse::<f64>() {
        Ok(v) => Cell::Number(v),
        Err(_) => Cell::Text,
    }
}

fn parse_opt_cell(s: Option<&str>) -> Cell {
    s.map_or(Cell::Missing, parse_cell)
}

/// Columns with their names, as read from one source.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFrame {
    /// File path or dataset name, used in messages.
    pub source: String,
    /// Column names in source order.
    pub names: Vec<String>,
    /// Columns in source order, all of the same length.
    pub columns: Vec<RawColumn>,
    /// For CSV files whose rows are one per line: the file line of data row 1 (usually 2).
    pub first_line: Option<usize>,
}

impl RawFrame {
    /// A frame from named columns.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Shape`] when `names` and `columns` differ in number or the columns
    /// differ in length, and [`DataError::DuplicateColumn`] when two names are equal.
    pub fn new(
        source: impl Into<String>,
        names: Vec<String>,
        columns: Vec<RawColumn>,
    ) -> Result<RawFrame> {
        let frame = RawFrame {
            source: source.into(),
            names,
            columns,
            first_line: None,
        };
        frame.validate()?;
        Ok(frame)
    }

    fn validate(&self) -> Result<()> {
        if self.names.len() != self.columns.len() {
            return Err(DataError::Shape {
                context: self.source.clone(),
                detail: format!(
                    "{} names for {} columns",
                    self.names.len(),
                    self.columns.len()
                ),
            });
        }
        check_unique_names(&self.source, &self.names)?;
        if let Some(first) = self.columns.first() {
            for (name, col) in self.names.iter().zip(&self.columns) {
                if col.len() != first.len() {
                    return Err(DataError::Shape {
                        context: self.source.clone(),
                        detail: format!(
                            "column '{name}' has {} rows, column '{}' has {}",
                            col.len(),
                            self.names[0],
                            first.len()
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, RawColumn::len)
    }

    fn row_ref(&self, row: usize) -> RowRef {
        RowRef {
            row: row + 1,
            line: self.first_line.map(|l| l + row),
        }
    }

    /// The values of one numeric column, every cell required: unknown columns, text and
    /// missing/NaN/infinite cells are errors naming the column (and row). `role` names the
    /// column's use in messages.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::UnknownColumn`] when no column is called `name`;
    /// [`DataError::NonNumeric`] when a text cell is not a number; [`DataError::UnsupportedType`]
    /// for a column of a type the loaders cannot read (a date, a list, ...); and
    /// [`DataError::Missing`] for the first null, NaN or infinite cell.
    pub fn numbers(&self, name: &str, role: &'static str) -> Result<Vec<f64>> {
        let idx = resolve(self, name, role)?;
        let view = numeric_view(self, idx, role)?;
        view.values
            .iter()
            .enumerate()
            .map(|(row, v)| match missing_kind(*v) {
                None => Ok(v.expect("present")),
                Some(kind) => Err(missing_error(self, row, idx, role, kind, "")),
            })
            .collect()
    }

    /// The labels of one column as text (numbers without a trailing `.0`), every cell
    /// required, and whether they all came from numbers.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::UnknownColumn`] when no column is called `name`,
    /// [`DataError::UnsupportedType`] for a column of a type the loaders cannot read, and
    /// [`DataError::Missing`] for the first missing cell (a null, a [`MISSING_TOKENS`] text, or
    /// a NaN or infinite number).
    pub fn labels(&self, name: &str, role: &'static str) -> Result<(Vec<String>, bool)> {
        let idx = resolve(self, name, role)?;
        let view = label_view(self, idx, role)?;
        let labels = view
            .labels
            .iter()
            .enumerate()
            .map(|(row, l)| {
                l.clone()
                    .ok_or_else(|| missing_error(self, row, idx, role, MissingKind::Missing, ""))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((labels, view.numeric))
    }

    /// Apply column roles and build a [`Table`]. See [`TableSpec`] for the rules.
    ///
    /// # Errors
    ///
    /// * [`DataError::Shape`] or [`DataError::DuplicateColumn`] when the public fields no longer
    ///   satisfy [`RawFrame::new`]'s checks.
    /// * [`DataError::UnknownColumn`] when the spec names a column the frame lacks;
    ///   [`DataError::RoleConflict`] when it gives one column two roles.
    /// * [`DataError::NoFeatures`] when no feature column is left (explicit or default selection).
    /// * [`DataError::NonNumeric`] when a cell of a feature, the time column or a continuous
    ///   target is text that is not a number (also for a mostly numeric text column picked by the
    ///   default selection); [`DataError::UnsupportedType`] when a used column has a type the
    ///   loaders cannot read.
    /// * [`DataError::Missing`] for the first null, NaN or infinite cell in a used column under
    ///   [`MissingPolicy::Error`], and in the target, groups or time column under
    ///   [`MissingPolicy::ImputeMean`] or [`MissingPolicy::Keep`].
    /// * [`DataError::NoRows`] when the frame has no rows, or none is left after
    ///   [`MissingPolicy::DropRows`].
    /// * [`DataError::NothingToImpute`] under [`MissingPolicy::ImputeMean`] when a feature column
    ///   has no finite value.
    /// * [`DataError::SingleClass`] when a class target has fewer than two classes in the kept
    ///   rows.
    pub fn into_table(self, spec: &TableSpec) -> Result<Table> {
        self.validate()?;
        build(self, spec)
    }
}

/// Error on the first repeated name.
pub(crate) fn check_unique_names(source: &str, names: &[String]) -> Result<()> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(DataError::DuplicateColumn {
                source_name: source.to_string(),
                column: name.clone(),
                first: first + 1,
                second: i + 1,
            });
        }
        seen.insert(name, i);
    }
    Ok(())
}

/// How to read the target column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetKind {
    /// Text and boolean targets are classes; numeric targets are classes when every value
    /// is a whole number and there are at most [`AUTO_MAX_CLASSES`] distinct values, and
    /// continuous otherwise.
    #[default]
    Auto,
    /// Class labels (classification). Fewer than two classes is an error.
    Classes,
    /// Real values (regression). The column must be numeric.
    Continuous,
}

/// What to do with null, NaN and infinite cells in the columns a table uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// Any such cell is an error naming its column and row (the default).
    #[default]
    Error,
    /// Rows with such a cell in any used column are dropped.
    DropRows,
    /// Feature cells are replaced by the mean of the column's finite values; such a cell in
    /// the target, groups or time column is still an error.
    ImputeMean,
    /// Feature cells stay NaN in `x`, for an imputer fitted on training rows only (a model
    /// pipeline's); such a cell in the target, groups or time column is still an error.
    Keep,
}

impl std::str::FromStr for MissingPolicy {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "error" => Ok(MissingPolicy::Error),
            "drop_rows" => Ok(MissingPolicy::DropRows),
            "impute_mean" | "mean" => Ok(MissingPolicy::ImputeMean),
            "keep" => Ok(MissingPolicy::Keep),
            other => Err(format!(
                "unknown missing-value policy '{other}' (expected error, drop_rows, impute_mean or keep)"
            )),
        }
    }
}

/// The roles of a source's columns.
///
/// * `target`, `groups`, `time`: optional single columns.
/// * `features`: `None` means every other column that is numeric or boolean, minus `drop`;
///   text columns are then skipped and listed in [`Table::ignored_columns`] — unless most of
///   their cells are numbers, in which case the stray text is reported as an error (it is
///   almost always a typo or a unit pasted into a number).
/// * A column may have one role only; naming a column that does not exist is an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableSpec {
    /// Target column.
    pub target: Option<String>,
    /// How to read the target.
    pub target_kind: TargetKind,
    /// Group (subject/patient id) column.
    pub groups: Option<String>,
    /// Time column (numeric).
    pub time: Option<String>,
    /// Explicit feature columns, in this order; `None` for the default selection.
    pub features: Option<Vec<String>>,
    /// Columns to leave out.
    pub drop: Vec<String>,
    /// Missing-value policy.
    pub missing: MissingPolicy,
    /// Categorical feature columns (text or numbers), loaded as level codes after the other
    /// features and listed in [`crate::Table::categorical`] for a pipeline to one-hot encode.
    pub categorical: Vec<String>,
}

impl TableSpec {
    /// A spec with no roles: every numeric column is a feature.
    pub fn new() -> TableSpec {
        TableSpec::default()
    }
    /// Set the target column.
    pub fn target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(name.into());
        self
    }
    /// Set the target column and read it as class labels.
    pub fn class_target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(name.into());
        self.target_kind = TargetKind::Classes;
        self
    }
    /// Set the target column and read it as real values.
    pub fn continuous_target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(name.into());
        self.target_kind = TargetKind::Continuous;
        self
    }
    /// Set the groups column.
    pub fn groups(mut self, name: impl Into<String>) -> Self {
        self.groups = Some(name.into());
        self
    }
    /// Set the time column.
    pub fn time(mut self, name: impl Into<String>) -> Self {
        self.time = Some(name.into());
        self
    }
    /// Use exactly these feature columns.
    pub fn features<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.features = Some(names.into_iter().map(Into::into).collect());
        self
    }
    /// Leave these columns out.
    pub fn drop<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.drop.extend(names.into_iter().map(Into::into));
        self
    }
    /// Set the missing-value policy.
    pub fn missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }
    /// Load these columns as categorical features (level codes, for one-hot encoding).
    pub fn categorical<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.categorical.extend(names.into_iter().map(Into::into));
        self
    }

    /// Every column the spec names, with its role, in a fixed order.
    pub fn named_columns(&self) -> Vec<(&str, &'static str)> {
        let mut out = Vec::new();
        if let Some(t) = &self.target {
            out.push((t.as_str(), "target"));
        }
        if let Some(g) = &self.groups {
            out.push((g.as_str(), "groups"));
        }
        if let Some(t) = &self.time {
            out.push((t.as_str(), "time"));
        }
        for f in self.features.iter().flatten() {
            out.push((f.as_str(), "feature"));
        }
        for c in &self.categorical {
            if !self.features.iter().flatten().any(|f| f == c) {
                out.push((c.as_str(), "categorical feature"));
            }
        }
        for d in &self.drop {
            out.push((d.as_str(), "drop"));
        }
        out
    }
}

/// A column used numerically: one optional value per row.
struct NumericView {
    column: usize,
    role: &'static str,
    values: Vec<Option<f64>>,
}

pub(crate) fn missing_kind(v: Option<f64>) -> Option<MissingKind> {
    match v {
        None => Some(MissingKind::Missing),
        Some(x) if x.is_nan() => Some(MissingKind::NaN),
        Some(x) if x.is_infinite() => Some(MissingKind::Infinite),
        Some(_) => None,
    }
}

fn numeric_view(frame: &RawFrame, column: usize, role: &'static str) -> Result<NumericView> {
    let values = match &frame.columns[column] {
        RawColumn::Numeric(v) => v.clone(),
        RawColumn::Bool(v) => v
            .iter()
            .map(|b| b.map(|b| f64::from(u8::from(b))))
            .collect(),
        RawColumn::Text(cells) => {
            let mut out = Vec::with_capacity(cells.len());
            for (row, cell) in cells.iter().enumerate() {
                match parse_opt_cell(cell.as_deref()) {
                    Cell::Missing => out.push(None),
                    Cell::Number(v) => out.push(Some(v)),
                    Cell::Text => {
                        return Err(DataError::NonNumeric {
                            source_name: frame.source.clone(),
                            column: frame.names[column].clone(),
                            role: role.into(),
                            at: frame.row_ref(row),
                            value: cell.clone().unwrap_or_default(),
                        })
                    }
                }
            }
            out
        }
        RawColumn::Unsupported { dtype, .. } => {
            return Err(unsupported(frame, column, role, dtype))
        }
    };
    Ok(NumericView {
        column,
        role,
        values,
    })
}

fn unsupported(frame: &RawFrame, column: usize, role: &str, dtype: &str) -> DataError {
    DataError::UnsupportedType {
        source_name: frame.source.clone(),
        column: frame.names[column].clone(),
        role: role.into(),
        dtype: dtype.to_string(),
    }
}

/// A column used as labels (target classes or groups): one optional label per row, with
/// whether the label came from a number.
struct LabelView {
    column: usize,
    role: &'static str,
    labels: Vec<Option<String>>,
    numeric: bool,
}

/// Label text of a number: whole numbers without a decimal point, others in Rust's
/// shortest round-trip form.
pub fn number_label(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn label_view(frame: &RawFrame, column: usize, role: &'static str) -> Result<LabelView> {
    let (labels, numeric) = match &frame.columns[column] {
        RawColumn::Numeric(v) => (
            v.iter()
                .map(|x| x.filter(|x| x.is_finite()).map(number_label))
                .collect(),
            true,
        ),
        RawColumn::Bool(v) => (v.iter().map(|b| b.map(|b| b.to_string())).collect(), false),
        RawColumn::Text(cells) => (
            cells
                .iter()
                .map(|c| {
                    c.as_deref()
                        .map(str::trim)
                        .filter(|s| !MISSING_TOKENS.contains(s))
                        .map(str::to_string)
                })
                .collect(),
            false,
        ),
        RawColumn::Unsupported { dtype, .. } => {
            return Err(unsupported(frame, column, role, dtype))
        }
    };
    Ok(LabelView {
        column,
        role,
        labels,
        numeric,
    })
}

/// Encode labels as codes into their sorted unique names (numerically when `numeric`, i.e.
/// when every label came from a number). Returns `(codes, sorted names, names in order of
/// first appearance)`.
pub fn encode_labels(labels: &[String], numeric: bool) -> (Vec<usize>, Vec<String>, Vec<String>) {
    let mut first_seen: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for l in labels {
        if seen.insert(l.as_str()) {
            first_seen.push(l.clone());
        }
    }
    let mut sorted = first_seen.clone();
    if numeric {
        // Labels made by `number_label` parse back exactly.
        sorted.sort_by(|a, b| {
            let (x, y) = (
                a.parse::<f64>().unwrap_or(0.0),
                b.parse::<f64>().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        });
    } else {
        sorted.sort();
    }
    let index: BTreeMap<&str, usize> = sorted
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let codes = labels.iter().map(|l| index[l.as_str()]).collect();
    (codes, sorted, first_seen)
}

enum TargetView {
    Numeric(NumericView),
    Labels(LabelView),
}

fn resolve(frame: &RawFrame, name: &str, role: &str) -> Result<usize> {
    frame
        .names
        .iter()
        .position(|n| n == name)
        .ok_or_else(|| DataError::UnknownColumn {
            source_name: frame.source.clone(),
            column: name.to_string(),
            role: role.to_string(),
            available: frame.names.clone(),
        })
}

fn build(frame: RawFrame, spec: &TableSpec) -> Result<Table> {
    let source = frame.source.clone();
    let n = frame.n_rows();

    // 1. Every named column exists and has one role.
    let mut roles: BTreeMap<usize, &str> = BTreeMap::new();
    for (name, role) in spec.named_columns() {
        let idx = resolve(&frame, name, role)?;
        if let Some(first) = roles.insert(idx, role) {
            return Err(DataError::RoleConflict {
                source_name: source,
                column: name.to_string(),
                first: first.to_string(),
                second: role.to_string(),
            });
        }
    }
    let target_idx = spec
        .target
        .as_deref()
        .map(|t| resolve(&frame, t, "target"))
        .transpose()?;
    let groups_idx = spec
        .groups
        .as_deref()
        .map(|g| resolve(&frame, g, "groups"))
        .transpose()?;
    let time_idx = spec
        .time
        .as_deref()
        .map(|t| resolve(&frame, t, "time"))
        .transpose()?;

    // 2. Feature columns.
    let mut ignored = Vec::new();
    let categorical_idx: Vec<usize> = spec
        .categorical
        .iter()
        .map(|c| resolve(&frame, c, "categorical feature"))
        .collect::<Result<_>>()?;
    let feature_idx: Vec<usize> = match &spec.features {
        Some(names) => names
            .iter()
            .map(|f| resolve(&frame, f, "feature"))
            .filter(|i| !matches!(i, Ok(i) if categorical_idx.contains(i)))
            .collect::<Result<_>>()?,
        None => {
            let mut out = Vec::new();
            for (i, col) in frame.columns.iter().enumerate() {
                if roles.contains_key(&i) {
                    continue;
                }
                match col {
                    RawColumn::Numeric(_) | RawColumn::Bool(_) => out.push(i),
                    RawColumn::Text(cells) if mostly_numeric(cells) => {
                        // Surfaces the first stray text cell as an error.
                        numeric_view(&frame, i, "feature")?;
                        out.push(i);
                    }
                    RawColumn::Text(_) | RawColumn::Unsupported { .. } => {
                        ignored.push(frame.names[i].clone())
                    }
                }
            }
            out
        }
    };
    if feature_idx.is_empty() && categorical_idx.is_empty() {
        let detail = if ignored.is_empty() {
            String::new()
        } else {
            format!(" (skipped non-numeric columns: {})", ignored.join(", "))
        };
        return Err(DataError::NoFeatures {
            source_name: source,
            detail,
        });
    }
    let features: Vec<NumericView> = feature_idx
        .iter()
        .map(|&i| numeric_view(&frame, i, "feature"))
        .collect::<Result<_>>()?;
    let categorical: Vec<LabelView> = categorical_idx
        .iter()
        .map(|&i| label_view(&frame, i, "categorical feature"))
        .collect::<Result<_>>()?;
    let fills_features = matches!(
        spec.missing,
        MissingPolicy::ImputeMean | MissingPolicy::Keep
    );

    // 3. Target, groups, time views.
    let target = match target_idx {
        None => None,
        Some(i) => Some(target_view(&frame, i, spec.target_kind)?),
    };
    let groups = groups_idx
        .map(|i| label_view(&frame, i, "groups"))
        .transpose()?;
    let time = time_idx
        .map(|i| numeric_view(&frame, i, "time"))
        .transpose()?;

    // 4. Missing values: find bad cells, apply the policy.
    let mut keep = vec![true; n];
    let mut first_bad: Option<(usize, usize, &'static str, MissingKind)> = None;
    let mut note_bad = |row: usize, column: usize, role: &'static str, kind: MissingKind| {
        let better = match &first_bad {
            None => true,
            Some((r, c, _, _)) => (row, column) < (*r, *c),
        };
        if better {
            first_bad = Some((row, column, role, kind));
        }
    };
    let mut label_bad = Vec::new();
    for view in features.iter().chain(time.iter()) {
        for (row, v) in view.values.iter().enumerate() {
            if let Some(kind) = missing_kind(*v) {
                note_bad(row, view.column, view.role, kind.clone());
                if view.role != "feature" || !fills_features {
                    label_bad.push((row, view.column, view.role, kind));
                }
            }
        }
    }
    let non_feature_views = target
        .iter()
        .map(|t| match t {
            TargetView::Numeric(v) => (v.column, v.role, numeric_missing(&v.values)),
            TargetView::Labels(l) => (l.column, l.role, label_missing(&l.labels)),
        })
        .chain(
            groups
                .iter()
                .map(|g| (g.column, g.role, label_missing(&g.labels))),
        )
        .collect::<Vec<_>>();
    for view in &categorical {
        for (row, kind) in label_missing(&view.labels) {
            note_bad(row, view.column, view.role, kind.clone());
            if !fills_features {
                label_bad.push((row, view.column, view.role, kind));
            }
        }
    }
    for (column, role, misses) in &non_feature_views {
        for (row, kind) in misses {
            note_bad(*row, *column, role, kind.clone());
            label_bad.push((*row, *column, role, kind.clone()));
        }
    }
    match spec.missing {
        MissingPolicy::Error => {
            if let Some((row, column, role, kind)) = first_bad {
                return Err(missing_error(
                    &frame,
                    row,
                    column,
                    role,
                    kind,
                    " (use the drop_rows or impute_mean missing-value policy to load anyway)",
                ));
            }
        }
        MissingPolicy::ImputeMean | MissingPolicy::Keep => {
            if let Some(&(row, column, role, ref kind)) =
                label_bad.iter().min_by_key(|b| (b.0, b.1))
            {
                return Err(missing_error(
                    &frame,
                    row,
                    column,
                    role,
                    kind.clone(),
                    " (imputation fills feature cells only; use drop_rows to drop such rows)",
                ));
            }
        }
        MissingPolicy::DropRows => {
            for (row, _, _, _) in &label_bad {
                keep[*row] = false;
            }
        }
    }
    let rows: Vec<usize> = (0..n).filter(|&r| keep[r]).collect();
    if rows.is_empty() {
        let detail = if n == 0 {
            String::new()
        } else {
            format!(" left after dropping {n} rows with missing values")
        };
        return Err(DataError::NoRows {
            source_name: source,
            detail,
        });
    }

    // 5. Assemble x (imputing means where asked), categorical codes last.
    let mut x = Array2::<f64>::zeros((rows.len(), features.len() + categorical.len()));
    for (j, view) in features.iter().enumerate() {
        let fill = if spec.missing == MissingPolicy::ImputeMean {
            let finite: Vec<f64> = view
                .values
                .iter()
                .filter_map(|v| v.filter(|x| x.is_finite()))
                .collect();
            if finite.is_empty() {
                return Err(DataError::NothingToImpute {
                    source_name: source,
                    column: frame.names[view.column].clone(),
                });
            }
            finite.iter().sum::<f64>() / finite.len() as f64
        } else {
            f64::NAN
        };
        for (i, &r) in rows.iter().enumerate() {
            x[[i, j]] = match view.values[r] {
                Some(v) if v.is_finite() => v,
                _ => fill,
            };
        }
    }

    let mut categorical_out = Vec::with_capacity(categorical.len());
    for (c, view) in categorical.iter().enumerate() {
        let j = features.len() + c;
        let present: Vec<String> = rows
            .iter()
            .filter_map(|&r| view.labels[r].clone())
            .collect();
        let (codes, levels, _) = encode_labels(&present, view.numeric);
        let mut codes = codes.into_iter();
        for (i, &r) in rows.iter().enumerate() {
            x[[i, j]] = match view.labels[r] {
                Some(_) => codes.next().expect("one code per present label") as f64,
                None => f64::NAN,
            };
        }
        categorical_out.push(crate::table::Categorical { feature: j, levels });
    }

    let target = target
        .map(|t| finish_target(&frame, t, &rows))
        .transpose()?;
    let groups = groups.map(|g| {
        let labels: Vec<String> = rows
            .iter()
            .map(|&r| g.labels[r].clone().unwrap_or_default())
            .collect();
        let (ids, names, _) = encode_labels(&labels, g.numeric);
        Groups {
            name: frame.names[g.column].clone(),
            ids: Array1::from(ids),
            names,
        }
    });
    let time = time.map(|t| TimeColumn {
        name: frame.names[t.column].clone(),
        values: rows
            .iter()
            .map(|&r| t.values[r].unwrap_or(f64::NAN))
            .collect(),
    });

    Ok(Table {
        source,
        x,
        feature_names: feature_idx
            .iter()
            .chain(&categorical_idx)
            .map(|&i| frame.names[i].clone())
            .collect(),
        target,
        groups,
        time,
        source_rows: rows,
        ignored_columns: ignored,
        categorical: categorical_out,
    })
}

fn numeric_missing(values: &[Option<f64>]) -> Vec<(usize, MissingKind)> {
    values
        .iter()
        .enumerate()
        .filter_map(|(r, v)| missing_kind(*v).map(|k| (r, k)))
        .collect()
}

fn label_missing(labels: &[Option<String>]) -> Vec<(usize, MissingKind)> {
    labels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_none())
        .map(|(r, _)| (r, MissingKind::Missing))
        .collect()
}

fn missing_error(
    frame: &RawFrame,
    row: usize,
    column: usize,
    role: &str,
    kind: MissingKind,
    hint: &str,
) -> DataError {
    DataError::Missing {
        source_name: frame.source.clone(),
        column: frame.names[column].clone(),
        role: role.to_string(),
        at: frame.row_ref(row),
        kind,
        hint: hint.to_string(),
    }
}

/// More than half of the non-missing cells are numbers.
fn mostly_numeric(cells: &[Option<String>]) -> bool {
    let (mut numbers, mut present) = (0usize, 0usize);
    for c in cells {
        match parse_opt_cell(c.as_deref()) {
            Cell::Missing => {}
            Cell::Number(_) => {
                numbers += 1;
                present += 1;
            }
            Cell::Text => present += 1,
        }
    }
    present > 0 && numbers * 2 > present
}

fn target_view(frame: &RawFrame, column: usize, kind: TargetKind) -> Result<TargetView> {
    let as_labels = match (kind, &frame.columns[column]) {
        (TargetKind::Classes, _) => true,
        (TargetKind::Continuous, _) => false,
        (TargetKind::Auto, RawColumn::Text(_) | RawColumn::Bool(_)) => true,
        (TargetKind::Auto, RawColumn::Unsupported { .. }) => false,
        (TargetKind::Auto, RawColumn::Numeric(values)) => {
            let mut distinct = std::collections::BTreeSet::new();
            let mut whole = true;
            for v in values.iter().flatten().filter(|v| v.is_finite()) {
                if v.fract() != 0.0 {
                    whole = false;
                    break;
                }
                distinct.insert(v.to_bits());
                if distinct.len() > AUTO_MAX_CLASSES {
                    break;
                }
            }
            whole && distinct.len() <= AUTO_MAX_CLASSES
        }
    };
    if as_labels {
        Ok(TargetView::Labels(label_view(frame, column, "target")?))
    } else {
        Ok(TargetView::Numeric(numeric_view(frame, column, "target")?))
    }
}

fn finish_target(frame: &RawFrame, view: TargetView, rows: &[usize]) -> Result<Target> {
    match view {
        TargetView::Numeric(v) => Ok(Target::Continuous {
            name: frame.names[v.column].clone(),
            values: rows
                .iter()
                .map(|&r| v.values[r].unwrap_or(f64::NAN))
                .collect(),
        }),
        TargetView::Labels(l) => {
            let labels: Vec<String> = rows
                .iter()
                .map(|&r| l.labels[r].clone().unwrap_or_default())
                .collect();
            let (codes, classes, first_seen) = encode_labels(&labels, l.numeric);
            let name = frame.names[l.column].clone();
            if classes.len() < 2 {
                return Err(DataError::SingleClass {
                    source_name: frame.source.clone(),
                    column: name,
                    class: classes.into_iter().next().unwrap_or_default(),
                });
            }
            Ok(Target::Classes(ClassTarget {
                name,
                codes: Array1::from(codes),
                classes,
                first_seen,
            }))
        }
    }
}
