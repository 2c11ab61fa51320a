//! [`Table`]: the unit of data that flows through ml4ns.

use ndarray::{Array1, Array2, Axis};

use crate::error::{DataError, Result};

/// A feature matrix with its column names and the optional target, groups and time columns
/// that give rows their meaning.
///
/// Rows are samples; `x` holds only finite values (the loaders enforce it).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Where the data came from: a file path or a dataset name, used in messages.
    pub source: String,
    /// Feature matrix, `n_rows × n_features`.
    pub x: Array2<f64>,
    /// One name per column of `x`.
    pub feature_names: Vec<String>,
    /// What is predicted, if any.
    pub target: Option<Target>,
    /// Which subject/patient each row belongs to, if known.
    pub groups: Option<Groups>,
    /// A time coordinate per row (day index, seconds, ...), if known.
    pub time: Option<TimeColumn>,
    /// For each row, its 0-based row index in the source (before rows were dropped).
    pub source_rows: Vec<usize>,
    /// Columns of the source that were neither used nor explicitly dropped (text columns
    /// skipped by the default "all numeric columns" feature selection).
    pub ignored_columns: Vec<String>,
    /// Feature columns that hold category codes (see [`Categorical`]), for a pipeline to
    /// one-hot encode; empty unless the spec names categorical columns.
    pub categorical: Vec<Categorical>,
}

/// A categorical feature: column `feature` of `x` holds codes into `levels` (NaN where the
/// cell was missing and the missing-value policy kept it).
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    /// Index of the column in `x` (and `feature_names`).
    pub feature: usize,
    /// Level names; code `k` means `levels[k]`. Sorted as class labels are
    /// (numerically when every level is a number).
    pub levels: Vec<String>,
}

/// The target column.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A real-valued target (regression).
    Continuous {
        /// Column name.
        name: String,
        /// One value per row.
        values: Array1<f64>,
    },
    /// A class label per row (classification).
    Classes(ClassTarget),
}

/// A class-label target, encoded as codes into a sorted list of class names.
///
/// Codes follow scikit-learn's `LabelEncoder`/`np.unique`: class names sorted (numerically
/// when every label is a number, else by Unicode code point), code `k` meaning
/// `classes[k]`. The order in which classes first appear in the source is kept too.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassTarget {
    /// Column name.
    pub name: String,
    /// One code per row, indexing [`ClassTarget::classes`].
    pub codes: Array1<usize>,
    /// Class names; code `k` is `classes[k]`. Sorted when read from a file or frame;
    /// the classic datasets keep scikit-learn's `target_names` order.
    pub classes: Vec<String>,
    /// The same class names in order of first appearance in the source.
    pub first_seen: Vec<String>,
}

impl ClassTarget {
    /// Number of rows per class, indexed by code.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for &c in &self.codes {
            counts[c] += 1;
        }
        counts
    }
}

/// Group (subject, patient) membership of each row.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Column name.
    pub name: String,
    /// One id per row, indexing [`Groups::names`].
    pub ids: Array1<usize>,
    /// Group names, sorted as class names are (numeric order when all are numbers).
    pub names: Vec<String>,
}

/// A numeric time coordinate.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeColumn {
    /// Column name.
    pub name: String,
    /// One value per row.
    pub values: Array1<f64>,
}

impl Target {
    /// The target column's name.
    pub fn name(&self) -> &str {
        match self {
            Target::Continuous { name, .. } => name,
            Target::Classes(c) => &c.name,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Target::Continuous { values, .. } => values.len(),
            Target::Classes(c) => c.codes.len(),
        }
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The target as numbers: the values of a continuous target, the class codes otherwise.
    pub fn as_f64(&self) -> Array1<f64> {
        match self {
            Target::Continuous { values, .. } => values.clone(),
            Target::Classes(c) => c.codes.mapv(|k| k as f64),
        }
    }

    /// The class target, if this is one.
    pub fn classes(&self) -> Option<&ClassTarget> {
        match self {
            Target::Classes(c) => Some(c),
            Target::Continuous { .. } => None,
        }
    }

    fn select(&self, rows: &[usize]) -> Target {
        match self {
            Target::Continuous { name, values } => Target::Continuous {
                name: name.clone(),
                values: values.select(Axis(0), rows),
            },
            Target::Classes(c) => Target::Classes(ClassTarget {
                name: c.name.clone(),
                codes: c.codes.select(Axis(0), rows),
                classes: c.classes.clone(),
                first_seen: c.first_seen.clone(),
            }),
        }
    }
}

impl Table {
    /// A table from a feature matrix and its column names, with no target, groups or time.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Shape`] when the number of names differs from the number of columns,
    /// and [`DataError::Missing`] (kind NaN or infinite) for the first value that is not finite.
    pub fn from_features(
        source: impl Into<String>,
        x: Array2<f64>,
        feature_names: Vec<String>,
    ) -> Result<Table> {
        let source = source.into();
        if x.ncols() != feature_names.len() {
            return Err(DataError::Shape {
                context: source,
                detail: format!(
                    "{} feature names for {} columns",
                    feature_names.len(),
                    x.ncols()
                ),
            });
        }
        let first_bad = x
            .indexed_iter()
            .find_map(|(at, v)| crate::frame::missing_kind(Some(*v)).map(|kind| (at, kind)));
        if let Some(((r, c), kind)) = first_bad {
            return Err(DataError::Missing {
                source_name: source,
                column: feature_names[c].clone(),
                role: "feature".into(),
                at: crate::error::RowRef {
                    row: r + 1,
                    line: None,
                },
                kind,
                hint: String::new(),
            });
        }
        let n = x.nrows();
        Ok(Table {
            source,
            x,
            feature_names,
            target: None,
            groups: None,
            time: None,
            source_rows: (0..n).collect(),
            ignored_columns: Vec::new(),
            categorical: Vec::new(),
        })
    }

    /// Attach a target (builder style).
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Shape`] when the target's length differs from the number of rows.
    pub fn with_target(mut self, target: Target) -> Result<Table> {
        self.check_len("target", target.len())?;
        self.target = Some(target);
        Ok(self)
    }

    /// Attach groups (builder style).
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Shape`] when the groups' length differs from the number of rows.
    pub fn with_groups(mut self, groups: Groups) -> Result<Table> {
        self.check_len("groups", groups.ids.len())?;
        self.groups = Some(groups);
        Ok(self)
    }

    fn check_len(&self, what: &str, len: usize) -> Result<()> {
        if len != self.n_rows() {
            return Err(DataError::Shape {
                context: self.source.clone(),
                detail: format!("{what} has {len} rows, features have {}", self.n_rows()),
            });
        }
        Ok(())
    }

    /// Number of rows (samples).
    pub fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.x.ncols()
    }

    /// The class target, if the table has one.
    pub fn class_target(&self) -> Option<&ClassTarget> {
        self.target.as_ref().and_then(Target::classes)
    }

    /// Index of a feature column by name.
    pub fn feature_index(&self, name: &str) -> Option<usize> {
        self.feature_names.iter().position(|n| n == name)
    }

    /// A new table holding the given rows, in the given order (rows may repeat).
    ///
    /// Panics if a row index is out of bounds, like slice indexing.
    pub fn select_rows(&self, rows: &[usize]) -> Table {
        Table {
            source: self.source.clone(),
            x: self.x.select(Axis(0), rows),
            feature_names: self.feature_names.clone(),
            target: self.target.as_ref().map(|t| t.select(rows)),
            groups: self.groups.as_ref().map(|g| Groups {
                name: g.name.clone(),
                ids: g.ids.select(Axis(0), rows),
                names: g.names.clone(),
            }),
            time: self.time.as_ref().map(|t| TimeColumn {
                name: t.name.clone(),
                values: t.values.select(Axis(0), rows),
            }),
            source_rows: rows.iter().map(|&r| self.source_rows[r]).collect(),
            ignored_columns: self.ignored_columns.clone(),
            categorical: self.categorical.clone(),
        }
    }

    /// Re-code categorical columns to another table's levels (for instance a saved model's),
    /// matching levels by name: `levels` maps a feature name to the level list its codes must
    /// index. A level the list lacks becomes NaN (a one-hot encoder then sets no indicator).
    /// Returns how many cells had such unknown levels.
    ///
    /// # Errors
    ///
    /// Returns [`DataError::Shape`] when a feature named in `levels` is not a categorical column
    /// of this table (checked in name order; columns before it are already re-coded).
    pub fn align_categories(
        &mut self,
        levels: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> Result<usize> {
        let mut unknown = 0;
        for (name, wanted) in levels {
            let Some(cat) = self
                .categorical
                .iter_mut()
                .find(|c| self.feature_names.get(c.feature) == Some(name))
            else {
                return Err(DataError::Shape {
                    context: self.source.clone(),
                    detail: format!("column '{name}' is not loaded as categorical"),
                });
            };
            let map: Vec<Option<usize>> = cat
                .levels
                .iter()
                .map(|l| wanted.iter().position(|w| w == l))
                .collect();
            for v in self.x.column_mut(cat.feature) {
                if v.is_nan() {
                    continue;
                }
                match map.get(*v as usize).copied().flatten() {
                    Some(k) => *v = k as f64,
                    None => {
                        *v = f64::NAN;
                        unknown += 1;
                    }
                }
            }
            cat.levels = wanted.clone();
        }
        Ok(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MissingKind;
    use ndarray::array;

    #[test]
    fn from_features_rejects_non_finite_values_and_bad_names() {
        let names = || vec!["a".to_string(), "b".to_string()];
        let e =
            Table::from_features("t", array![[1.0, 2.0], [f64::NAN, 0.0]], names()).unwrap_err();
        assert!(
            matches!(&e, DataError::Missing { kind: MissingKind::NaN, column, at, .. } if column == "a" && at.row == 2),
            "{e}"
        );
        let e = Table::from_features("t", array![[1.0, f64::INFINITY]], names()).unwrap_err();
        assert!(
            matches!(
                e,
                DataError::Missing {
                    kind: MissingKind::Infinite,
                    ..
                }
            ),
            "{e}"
        );
        let e = Table::from_features("t", array![[1.0]], names()).unwrap_err();
        assert!(matches!(e, DataError::Shape { .. }), "{e}");
    }
}
