//! Seeded synthetic neuroscience-style cohorts.
//!
//! Each generator is a pure function of its size and seed, documents its true generating
//! process (here and in `datasets/SOURCES.md`), and returns a [`Cohort`]: named columns with
//! a fixed number of decimals, which renders to CSV byte for byte the same on every run and
//! machine. `cargo xtask gen-data` writes [`committed`] to `datasets/cohorts/`, and
//! `cargo xtask gen-data --check` proves the committed files regenerate exactly.
//!
//! The numbers are synthetic. They mimic the structure of the studies the course discusses
//! (who is measured, how often, what depends on what); they are not real patients.

mod bench;
mod cohorts;
mod images;
mod rng;
mod toy;

pub use bench::{benchmark, BENCHMARK_FEATURES};

pub use cohorts::{
    cognitive_risk, concentric_rings, dementia_severity, inhome_monitoring, parkinsons_wearables,
    CognitiveRiskTruth, COGNITIVE_RISK_TRUTH, INHOME_AGITATION_DRIVERS, SEVERITY_LEVELS,
};
pub use images::{brain_slices, BrainSliceSpec, ImageSet};
pub use rng::{sigmoid, SynthRng};
pub use toy::{blobs, circles, classification, moons, ClassificationSpec};

use crate::error::Result;
use crate::frame::{MissingPolicy, RawColumn, RawFrame, TableSpec, TargetKind};
use crate::table::Table;

/// The seed of every committed cohort.
pub const COMMITTED_SEED: u64 = 20_240_901;

/// The cohorts committed under `datasets/cohorts/`, with their committed sizes.
pub fn committed() -> Vec<Cohort> {
    vec![
        cognitive_risk(1000, COMMITTED_SEED),
        concentric_rings(600, COMMITTED_SEED),
        inhome_monitoring(60, 90, COMMITTED_SEED),
        parkinsons_wearables(6000, COMMITTED_SEED),
        dementia_severity(150, COMMITTED_SEED),
    ]
}

/// One generated column.
#[derive(Debug, Clone, PartialEq)]
pub enum SynthColumn {
    /// Real numbers written with a fixed number of decimals.
    Float {
        /// Column name.
        name: String,
        /// Values.
        values: Vec<f64>,
        /// Decimals written.
        decimals: usize,
    },
    /// Whole numbers.
    Int {
        /// Column name.
        name: String,
        /// Values.
        values: Vec<i64>,
    },
    /// Text labels (no commas or quotes).
    Text {
        /// Column name.
        name: String,
        /// Values.
        values: Vec<String>,
    },
}

impl SynthColumn {
    /// A float column.
    pub fn float(name: &str, values: Vec<f64>, decimals: usize) -> SynthColumn {
        SynthColumn::Float {
            name: name.into(),
            values,
            decimals,
        }
    }
    /// An integer column.
    pub fn int(name: &str, values: Vec<i64>) -> SynthColumn {
        SynthColumn::Int {
            name: name.into(),
            values,
        }
    }
    /// A text column.
    pub fn text(name: &str, values: Vec<String>) -> SynthColumn {
        SynthColumn::Text {
            name: name.into(),
            values,
        }
    }
    /// The column's name.
    pub fn name(&self) -> &str {
        match self {
            SynthColumn::Float { name, .. }
            | SynthColumn::Int { name, .. }
            | SynthColumn::Text { name, .. } => name,
        }
    }
    fn len(&self) -> usize {
        match self {
            SynthColumn::Float { values, .. } => values.len(),
            SynthColumn::Int { values, .. } => values.len(),
            SynthColumn::Text { values, .. } => values.len(),
        }
    }
    /// The cell as written to CSV.
    fn cell(&self, row: usize) -> String {
        match self {
            SynthColumn::Float {
                values, decimals, ..
            } => format_fixed(values[row], *decimals),
            SynthColumn::Int { values, .. } => values[row].to_string(),
            SynthColumn::Text { values, .. } => values[row].clone(),
        }
    }
}

/// `v` with `decimals` decimals; never prints `-0`, so output does not depend on the sign of
/// a rounded-away tiny value.
pub fn format_fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A generated dataset: its columns, its default column roles and a description of the
/// process that generated it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// File stem under `datasets/cohorts/`.
    pub name: &'static str,
    /// The true generating process, in prose.
    pub description: String,
    /// Columns in file order.
    pub columns: Vec<SynthColumn>,
    /// The default roles: target, groups, time and columns to drop for the cohort's main task.
    pub spec: TableSpec,
}

impl Cohort {
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, SynthColumn::len)
    }

    /// The CSV text: a header, then one line per row, `\n` line ends.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let names: Vec<&str> = self.columns.iter().map(SynthColumn::name).collect();
        out.push_str(&names.join(","));
        out.push('\n');
        for row in 0..self.n_rows() {
            for (j, c) in self.columns.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                out.push_str(&c.cell(row));
            }
            out.push('\n');
        }
        out
    }

    /// The cohort as a [`RawFrame`] holding exactly the values its CSV holds (each float is
    /// rounded through its written form), so in-memory and on-disk data agree.
    pub fn frame(&self) -> RawFrame {
        let names = self.columns.iter().map(|c| c.name().to_string()).collect();
        let columns = self
            .columns
            .iter()
            .map(|c| {
                let cells: Vec<String> = (0..c.len()).map(|r| c.cell(r)).collect();
                RawColumn::from_text_cells(cells.iter().map(|s| Some(s.as_str())))
            })
            .collect();
        let mut frame = RawFrame::new(self.name, names, columns)
            .expect("generated columns have unique names and equal lengths");
        frame.first_line = Some(2);
        frame
    }

    /// The cohort as a [`Table`] with its default roles.
    ///
    /// # Errors
    ///
    /// Returns the [`crate::DataError`] of [`RawFrame::into_table`] when [`Cohort::spec`] does not
    /// fit [`Cohort::columns`]; the generated cohorts load without error, so this happens only
    /// after one of these public fields was changed.
    pub fn table(&self) -> Result<Table> {
        self.frame().into_table(&self.spec)
    }
}

/// Spec helper for the generators.
fn spec(
    target: &str,
    kind: TargetKind,
    groups: Option<&str>,
    time: Option<&str>,
    drop: &[&str],
) -> TableSpec {
    TableSpec {
        target: Some(target.into()),
        target_kind: kind,
        groups: groups.map(Into::into),
        time: time.map(Into::into),
        features: None,
        drop: drop.iter().map(|s| s.to_string()).collect(),
        missing: MissingPolicy::Error,
        categorical: Vec::new(),
    }
}
