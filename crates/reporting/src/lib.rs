#![doc = include_str!("../README.md")]
//!
//! See [`figure`] for the figure kinds and [`Report::files`] for what a report writes.
#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]

use std::collections::BTreeMap;

use serde::Serialize;

pub mod figure;
mod image;

pub use figure::Figure;

/// A claim a topic verifies: the computed value, what was expected, and whether it held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// What is claimed, in words.
    pub claim: String,
    /// The computed value, formatted.
    pub value: String,
    /// The expectation, formatted (e.g. "≥ 0.95").
    pub expected: String,
    /// Whether the claim held.
    pub passed: bool,
}

impl Check {
    /// `value ≥ min` (shown with `decimals` decimals).
    pub fn at_least(claim: impl Into<String>, value: f64, min: f64, decimals: usize) -> Check {
        Check {
            claim: claim.into(),
            value: fixed(value, decimals),
            expected: format!("≥ {}", fixed(min, decimals)),
            passed: value >= min,
        }
    }

    /// `value ≤ max`.
    pub fn at_most(claim: impl Into<String>, value: f64, max: f64, decimals: usize) -> Check {
        Check {
            claim: claim.into(),
            value: fixed(value, decimals),
            expected: format!("≤ {}", fixed(max, decimals)),
            passed: value <= max,
        }
    }

    /// `|value − target| ≤ tol`.
    pub fn close(
        claim: impl Into<String>,
        value: f64,
        target: f64,
        tol: f64,
        decimals: usize,
    ) -> Check {
        Check {
            claim: claim.into(),
            value: fixed(value, decimals),
            expected: format!("{} ± {}", fixed(target, decimals), short(tol)),
            passed: (value - target).abs() <= tol,
        }
    }

    /// `a > b`, both shown.
    pub fn greater(
        claim: impl Into<String>,
        (a_name, a): (&str, f64),
        (b_name, b): (&str, f64),
        decimals: usize,
    ) -> Check {
        Check {
            claim: claim.into(),
            value: format!(
                "{a_name} {} vs {b_name} {}",
                fixed(a, decimals),
                fixed(b, decimals)
            ),
            expected: format!("{a_name} > {b_name}"),
            passed: a > b,
        }
    }

    /// A claim shown as its computed text, expected text, and whether they agree.
    pub fn equal(
        claim: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) -> Check {
        let (value, expected) = (value.into(), expected.into());
        Check {
            claim: claim.into(),
            passed: value == expected,
            value,
            expected,
        }
    }
}

/// A short form of a tolerance: `1e-5`, `0.01`.
fn short(v: f64) -> String {
    let s = format!("{v}");
    if s.len() > 8 {
        format!("{v:e}")
    } else {
        s
    }
}

/// A table: a header and rows of preformatted cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column names and no rows.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row (builder style).
    pub fn row<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Table {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Add a row.
    pub fn push<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The table as Markdown.
    pub fn to_markdown(&self) -> String {
        let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
        markdown_table(&header, &self.rows)
    }
}

/// A piece of a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "content", rename_all = "snake_case")]
pub enum Block {
    /// Markdown prose.
    Text(String),
    /// A table.
    Table(Table),
    /// A figure (the SVG is written beside the report; JSON holds its file name and caption).
    Figure(FigureRef),
}

/// How a figure appears in a report's JSON: its file and caption.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureRef {
    /// File name beside the report, e.g. `decision_regions.svg`.
    pub file: String,
    /// Caption.
    pub caption: String,
    #[serde(skip)]
    svg: String,
}

/// A section: a heading and blocks in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Heading.
    pub heading: String,
    /// Content.
    pub blocks: Vec<Block>,
}

impl Section {
    /// An empty section.
    pub fn new(heading: impl Into<String>) -> Section {
        Section {
            heading: heading.into(),
            blocks: Vec::new(),
        }
    }

    /// A section holding one paragraph of Markdown.
    pub fn text(heading: impl Into<String>, body: impl Into<String>) -> Section {
        Section::new(heading).para(body)
    }

    /// Add prose (builder style).
    pub fn para(mut self, body: impl Into<String>) -> Section {
        self.blocks.push(Block::Text(body.into()));
        self
    }

    /// Add a table (builder style).
    pub fn table(mut self, table: Table) -> Section {
        self.blocks.push(Block::Table(table));
        self
    }

    /// Add a figure under the file name `<name>.svg` (builder style).
    pub fn figure(mut self, name: &str, caption: impl Into<String>, figure: Figure) -> Section {
        self.blocks.push(Block::Figure(FigureRef {
            file: format!("{name}.svg"),
            caption: caption.into(),
            svg: figure.into_svg(),
        }));
        self
    }
}

/// A headline number of a report (also listed in `reports/index.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// Name, e.g. "test accuracy".
    pub name: String,
    /// Value, formatted with fixed decimals.
    pub value: String,
}

impl Metric {
    /// A metric with `decimals` decimals.
    pub fn new(name: impl Into<String>, value: f64, decimals: usize) -> Metric {
        Metric {
            name: name.into(),
            value: fixed(value, decimals),
        }
    }
}

/// One topic's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Topic id, e.g. `04-linear-regression`; also the report's folder name.
    pub id: String,
    /// Title.
    pub title: String,
    /// The question the topic answers.
    pub question: String,
    /// What data the topic uses (Markdown).
    pub data: String,
    /// Headline numbers.
    pub metrics: Vec<Metric>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// Verified claims.
    pub checks: Vec<Check>,
    /// Numbers the course notebooks print, beside ours (collected into
    /// `reports/replication.md`).
    pub replication: Vec<Replication>,
}

impl Report {
    /// A report with a title and question and nothing else yet.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        question: impl Into<String>,
    ) -> Report {
        Report {
            id: id.into(),
            title: title.into(),
            question: question.into(),
            data: String::new(),
            metrics: Vec::new(),
            sections: Vec::new(),
            checks: Vec::new(),
            replication: Vec::new(),
        }
    }

    /// Number of checks that passed.
    pub fn checks_passed(&self) -> usize {
        self.checks.iter().filter(|c| c.passed).count()
    }

    /// True when every check and every replication row passed.
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed) && self.replication.iter().all(|r| r.passed)
    }

    /// The report as Markdown (figures linked as `<file>.svg` beside it).
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n**Question.** {}\n", self.title, self.question);
        if !self.data.is_empty() {
            out.push_str(&format!("\n## Data\n\n{}\n", self.data.trim_end()));
        }
        if !self.metrics.is_empty() {
            let rows: Vec<Vec<String>> = self
                .metrics
                .iter()
                .map(|m| vec![m.name.clone(), m.value.clone()])
                .collect();
            out.push_str(&format!(
                "\n## Headline numbers\n\n{}",
                markdown_table(&["metric", "value"], &rows)
            ));
        }
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n", s.heading));
            for b in &s.blocks {
                out.push('\n');
                match b {
                    Block::Text(t) => out.push_str(&format!("{}\n", t.trim_end())),
                    Block::Table(t) => out.push_str(&t.to_markdown()),
                    Block::Figure(f) => out.push_str(&format!(
                        "![{}]({})\n\n*{}*\n",
                        f.caption, f.file, f.caption
                    )),
                }
            }
        }
        if !self.replication.is_empty() {
            out.push_str(&format!(
                "\n## Course replication\n\n{}",
                replication_table(&self.replication, false)
            ));
        }
        if self.checks.is_empty() {
            return out;
        }
        out.push_str(&format!(
            "\n## Checks ({}/{} passed)\n\n| claim | value | expected | result |\n|---|---|---|---|\n",
            self.checks_passed(),
            self.checks.len()
        ));
        for c in &self.checks {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                escape_cell(&c.claim),
                escape_cell(&c.value),
                escape_cell(&c.expected),
                if c.passed { "pass" } else { "FAIL" }
            ));
        }
        out
    }

    /// The report as pretty-printed JSON with a trailing newline (fields in declaration order).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report serialises");
        s.push('\n');
        s
    }

    /// Every file of the report: `report.md`, `report.json` and one SVG per figure, by name.
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        out.insert("report.md".to_string(), self.to_markdown());
        out.insert("report.json".to_string(), self.to_json());
        for s in &self.sections {
            for b in &s.blocks {
                if let Block::Figure(f) = b {
                    out.insert(f.file.clone(), f.svg.clone());
                }
            }
        }
        out
    }
}

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown table: a header row, then one row per entry (cells escaped).
pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "| {} |\n|{}\n",
        header
            .iter()
            .map(|h| escape_cell(h))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(header.len())
    );
    for r in rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter()
                .map(|c| escape_cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    out
}

/// A number with a fixed count of decimals (`-0.0000` printed as `0.0000`; NaN and
/// infinities spelled out), so reports do not change with float printing.
pub fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// One row of `reports/index.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexEntry {
    /// Topic id.
    pub id: String,
    /// Title.
    pub title: String,
    /// `ok`, `checks failed` or `error: ...`.
    pub status: String,
    /// Checks passed.
    pub passed: usize,
    /// Checks in total.
    pub total: usize,
    /// Headline numbers (the first few of the report's metrics).
    pub headline: Vec<Metric>,
}

/// `reports/index.md`: every topic with its status, checks and headline numbers.
pub fn render_index(entries: &[IndexEntry]) -> String {
    let mut out = String::from(
        "# ml4ns reports\n\nGenerated by `cargo xtask run-all`; do not edit by hand. \
         The course-replication table is in [replication.md](replication.md).\n\n",
    );
    if entries.is_empty() {
        out.push_str("No topics are registered yet.\n");
        return out;
    }
    out.push_str("| topic | title | status | checks | headline |\n|---|---|---|---|---|\n");
    for e in entries {
        let headline: Vec<String> = e
            .headline
            .iter()
            .take(3)
            .map(|m| format!("{} {}", m.name, m.value))
            .collect();
        out.push_str(&format!(
            "| [{id}]({id}/report.md) | {} | {} | {}/{} | {} |\n",
            escape_cell(&e.title),
            escape_cell(&e.status),
            e.passed,
            e.total,
            escape_cell(&headline.join("; ")),
            id = e.id
        ));
    }
    out
}

/// One number a course notebook prints, beside ours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replication {
    /// Topic that computes it.
    pub topic: String,
    /// What the number is.
    pub quantity: String,
    /// The notebook's value as printed.
    pub course: String,
    /// Ours, formatted like the course's.
    pub ours: String,
    /// Allowed difference, as text (e.g. "±5e-6", "exact").
    pub tolerance: String,
    /// Whether ours is within the tolerance.
    pub passed: bool,
}

impl Replication {
    /// A number compared within `tol`; ours shown with as many decimals as `course` has.
    pub fn number(
        topic: &str,
        quantity: impl Into<String>,
        course: &str,
        ours: f64,
        tol: f64,
    ) -> Replication {
        let decimals = course.split_once('.').map_or(0, |(_, d)| d.len());
        let target: f64 = course.replace('−', "-").parse().unwrap_or(f64::NAN);
        Replication {
            topic: topic.into(),
            quantity: quantity.into(),
            course: course.into(),
            ours: fixed(ours, decimals),
            tolerance: format!("±{}", short(tol)),
            passed: (ours - target).abs() <= tol,
        }
    }

    /// A value that must match exactly as text (e.g. a confusion matrix).
    pub fn exact(
        topic: &str,
        quantity: impl Into<String>,
        course: &str,
        ours: impl Into<String>,
    ) -> Replication {
        let ours = ours.into();
        Replication {
            topic: topic.into(),
            quantity: quantity.into(),
            passed: ours == course,
            course: course.into(),
            ours,
            tolerance: "exact".into(),
        }
    }
}

/// Replication rows as a Markdown table (with a topic column for the collected table).
fn replication_table(rows: &[Replication], with_topic: bool) -> String {
    let mut header = vec!["quantity", "course", "ours", "tolerance", "result"];
    if with_topic {
        header.insert(0, "topic");
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.quantity.clone(),
                r.course.clone(),
                r.ours.clone(),
                r.tolerance.clone(),
                if r.passed { "pass" } else { "FAIL" }.to_string(),
            ];
            if with_topic {
                row.insert(0, r.topic.clone());
            }
            row
        })
        .collect();
    markdown_table(&header, &table)
}

/// `reports/replication.md`: every course number beside ours.
pub fn render_replication(rows: &[Replication]) -> String {
    let passed = rows.iter().filter(|r| r.passed).count();
    let mut out = format!(
        "# Course replication\n\nEach number a course notebook prints, beside the one ml4ns \
         computes ({passed}/{} within tolerance). Generated by `cargo xtask run-all`.\n\n",
        rows.len()
    );
    out.push_str(&replication_table(rows, true));
    out
}

/// `reports/replication.json`.
pub fn replication_json(rows: &[Replication]) -> String {
    let mut s = serde_json::to_string_pretty(rows).expect("rows serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_numbers_render_fixed() {
        assert_eq!(
            markdown_table(&["a", "b|c"], &[vec!["1".into(), "x|y".into()]]),
            "| a | b\\|c |\n|---|---|\n| 1 | x\\|y |\n"
        );
        assert_eq!(fixed(-0.00001, 4), "0.0000");
        assert_eq!(fixed(2.0 / 3.0, 3), "0.667");
        assert_eq!(fixed(-1.5, 1), "-1.5");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
    }

    #[test]
    fn checks_decide_and_format() {
        assert!(Check::at_least("a", 0.95, 0.9, 2).passed);
        assert!(!Check::at_most("a", 0.95, 0.9, 2).passed);
        let c = Check::close("b", 0.92982, 0.92982, 5e-6, 5);
        assert!(c.passed);
        assert_eq!(c.expected, "0.92982 ± 0.000005");
        assert!(Check::greater("c", ("x", 2.0), ("y", 1.0), 1).passed);
        assert!(!Check::equal("d", "[[1]]", "[[2]]").passed);
    }

    #[test]
    fn reports_render_sections_figures_and_checks() {
        let fig = figure::Figure::bars("t", "y", &[("a".into(), 1.0), ("b".into(), 2.0)]);
        let mut r = Report::new("01-x", "X", "Why?");
        r.data = "Some rows.".into();
        r.metrics.push(Metric::new("accuracy", 0.5, 3));
        r.sections.push(
            Section::text("Setup", "Text.")
                .table(Table::new(["k", "v"]).row(["a", "1"]))
                .figure("bars", "Two bars", fig),
        );
        r.checks.push(Check::at_least("fine", 1.0, 0.5, 1));
        let md = r.to_markdown();
        assert!(md.contains("## Data\n\nSome rows."));
        assert!(md.contains("| accuracy | 0.500 |"));
        assert!(md.contains("| k | v |\n|---|---|\n| a | 1 |"));
        assert!(md.contains("![Two bars](bars.svg)"));
        assert!(md.contains("## Checks (1/1 passed)"));
        let files = r.files();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["bars.svg", "report.json", "report.md"]
        );
        assert!(files["bars.svg"].starts_with("<svg"));
        assert!(!files["report.json"].contains("<svg"), "SVG is not inlined");
        assert_eq!(r.files(), files, "deterministic");
    }

    #[test]
    fn replication_rows_compare_at_the_course_precision() {
        let r = Replication::number("04", "R²", "0.45260", 0.452603, 5e-6);
        assert!(r.passed);
        assert_eq!(r.ours, "0.45260");
        assert!(!Replication::number("04", "R²", "0.45260", 0.4527, 5e-6).passed);
        let e = Replication::exact("05", "cm", "[[38,5],[3,68]]", "[[38,5],[3,68]]");
        assert!(e.passed);
        let md = render_replication(&[r, e]);
        assert!(md.contains("(2/2 within tolerance)"));
    }
}
