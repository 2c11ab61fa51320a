//! Figures as SVG text, drawn with plotters' SVG backend.
//!
//! Byte-stable by construction: plotters' SVG backend works in whole pixels, the palette and
//! sizes are fixed, tick labels are formatted here with fixed decimals, and text is laid out
//! by plotters' font-free estimator (no font files are read; the viewer renders the text).
//! Drawing never panics: should plotters report an error, the figure is a small SVG that
//! says so.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Width and height of every figure, in pixels.
const SIZE: (u32, u32) = (640, 440);
/// Tableau 10: the colours series take in order.
const PALETTE: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

fn colour(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

/// A lighter version of series colour `i`, for decision regions.
fn pale(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    let mix = |c: u8| ((u16::from(c) + 3 * 255) / 4) as u8;
    RGBColor(mix(r), mix(g), mix(b))
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// A rendered figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    svg: String,
}

/// A named set of points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Points (x, y).
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A series.
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
        }
    }
}

/// A classifier's predictions on a regular grid, drawn under a scatter plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Regions {
    /// Grid x range and number of cells.
    pub x: (f64, f64, usize),
    /// Grid y range and number of cells.
    pub y: (f64, f64, usize),
    /// Class index of each cell, row-major from the lowest y.
    pub classes: Vec<usize>,
}

/// Options of a line plot.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LineOptions {
    /// Also draw the y = x diagonal (ROC curves, calibration).
    pub diagonal: bool,
    /// Draw a marker at every point.
    pub markers: bool,
    /// Fixed y range instead of the data's.
    pub y_range: Option<(f64, f64)>,
}

/// One grey-scale image of [`Figure::images`].
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePanel {
    /// Text under the image.
    pub caption: String,
    /// Rows of pixels.
    pub height: usize,
    /// Columns of pixels.
    pub width: usize,
    /// `height × width` intensities, row by row.
    pub pixels: Vec<f64>,
}

impl ImagePanel {
    /// A panel; `pixels` holds `height × width` intensities row by row.
    pub fn new(caption: impl Into<String>, height: usize, width: usize, pixels: Vec<f64>) -> Self {
        ImagePanel {
            caption: caption.into(),
            height,
            width,
            pixels,
        }
    }
}

impl Figure {
    /// The SVG text.
    pub fn into_svg(self) -> String {
        self.svg
    }

    fn render(draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> DrawResult) -> Figure {
        let mut svg = String::new();
        let result = {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE)
                .map_err(|e| e.to_string().into())
                .and_then(|_| draw(&root))
                .and_then(|_| root.present().map_err(|e| e.to_string().into()))
        };
        match result {
            Ok(()) => Figure { svg },
            Err(e) => Figure {
                svg: format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\"><text x=\"10\" y=\"20\">figure could not be drawn: {}</text></svg>\n",
                    SIZE.0,
                    SIZE.1,
                    xml_escape(&e.to_string())
                ),
            },
        }
    }

    /// Points of several series, optionally over a classifier's decision regions.
    pub fn scatter(
        title: &str,
        x_label: &str,
        y_label: &str,
        series: &[Series],
        regions: Option<&Regions>,
    ) -> Figure {
        let mut pts: Vec<(f64, f64)> = series.iter().flat_map(|s| s.points.clone()).collect();
        if let Some(r) = regions {
            pts.push((r.x.0, r.y.0));
            pts.push((r.x.1, r.y.1));
        }
        let (xr, yr) = (
            range(pts.iter().map(|p| p.0)),
            range(pts.iter().map(|p| p.1)),
        );
        Figure::render(|root| {
            let mut chart = axes(root, title, (xr, yr), (x_label, y_label), WHITE)?;
            if let Some(r) = regions {
                let (dx, dy) = (
                    (r.x.1 - r.x.0) / r.x.2 as f64,
                    (r.y.1 - r.y.0) / r.y.2 as f64,
                );
                // One rectangle per run of equal cells along a grid row keeps the file small.
                let mut runs = Vec::new();
                for j in 0..r.y.2 {
                    let row = &r.classes[j * r.x.2..((j + 1) * r.x.2).min(r.classes.len())];
                    let mut i = 0;
                    while i < row.len() {
                        let c = row[i];
                        let mut e = i + 1;
                        while e < row.len() && row[e] == c {
                            e += 1;
                        }
                        runs.push((i, e, j, c));
                        i = e;
                    }
                }
                chart.draw_series(runs.into_iter().map(|(i, e, j, c)| {
                    let x0 = r.x.0 + i as f64 * dx;
                    let y0 = r.y.0 + j as f64 * dy;
                    Rectangle::new(
                        [(x0, y0), (r.x.0 + e as f64 * dx, y0 + dy)],
                        pale(c).filled(),
                    )
                }))?;
            }
            for (i, s) in series.iter().enumerate() {
                let c = colour(i);
                chart
                    .draw_series(
                        s.points
                            .iter()
                            .map(move |&(x, y)| Circle::new((x, y), 3, c.filled())),
                    )?
                    .label(s.name.as_str())
                    .legend(move |(x, y)| Circle::new((x, y), 4, c.filled()));
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperRight)
                .draw()?;
            Ok(())
        })
    }

    /// Lines through the points of several series (curves, paths).
    pub fn lines(
        title: &str,
        x_label: &str,
        y_label: &str,
        series: &[Series],
        options: LineOptions,
    ) -> Figure {
        let pts: Vec<(f64, f64)> = series.iter().flat_map(|s| s.points.clone()).collect();
        let xr = range(pts.iter().map(|p| p.0));
        let yr = options
            .y_range
            .unwrap_or_else(|| range(pts.iter().map(|p| p.1)));
        Figure::render(|root| {
            let mut chart = axes(
                root,
                title,
                (xr, yr),
                (x_label, y_label),
                RGBColor(235, 235, 235),
            )?;
            if options.diagonal {
                let lo = xr.0.max(yr.0);
                let hi = xr.1.min(yr.1);
                chart.draw_series(LineSeries::new(
                    [(lo, lo), (hi, hi)],
                    RGBColor(160, 160, 160).stroke_width(1),
                ))?;
            }
            for (i, s) in series.iter().enumerate() {
                let c = colour(i);
                chart
                    .draw_series(LineSeries::new(s.points.clone(), c.stroke_width(2)))?
                    .label(s.name.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new([(x - 8, y), (x + 8, y)], c.stroke_width(2))
                    });
                if options.markers {
                    chart.draw_series(
                        s.points
                            .iter()
                            .map(move |&(x, y)| Circle::new((x, y), 3, c.filled())),
                    )?;
                }
            }
            if series.len() > 1 {
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.85))
                    .border_style(BLACK)
                    .position(SeriesLabelPosition::UpperRight)
                    .draw()?;
            }
            Ok(())
        })
    }

    /// One bar per label.
    pub fn bars(title: &str, y_label: &str, bars: &[(String, f64)]) -> Figure {
        let n = bars.len().max(1);
        let lo = bars.iter().map(|b| b.1).fold(0.0f64, f64::min);
        let hi = bars.iter().map(|b| b.1).fold(0.0f64, f64::max);
        let pad = ((hi - lo) * 0.1).max(1e-9);
        let yr = (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad);
        Figure::render(|root| {
            let mut chart = ChartBuilder::on(root)
                .caption(title, ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(56)
                .build_cartesian_2d((0..n).into_segmented(), yr.0..yr.1)?;
            let fy = ticks(yr);
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(RGBColor(235, 235, 235))
                .y_desc(y_label)
                .x_labels(n)
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => {
                        bars.get(*i).map_or_else(String::new, |b| b.0.clone())
                    }
                    _ => String::new(),
                })
                .y_label_formatter(&|v| fmt_tick(*v, fy))
                .draw()?;
            chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), b.1),
                    ],
                    colour(0).filled(),
                );
                r.set_margin(0, 0, 6, 6);
                r
            }))?;
            Ok(())
        })
    }

    /// A grid of numbers shaded by size, each cell labelled (confusion matrices: rows are true
    /// classes, top to bottom; columns predicted classes).
    pub fn heatmap(
        title: &str,
        x_label: &str,
        y_label: &str,
        columns: &[String],
        rows: &[String],
        values: &[Vec<f64>],
        decimals: usize,
    ) -> Figure {
        let (nr, nc) = (rows.len().max(1), columns.len().max(1));
        let max = values
            .iter()
            .flatten()
            .copied()
            .fold(0.0f64, |a, b| a.max(b.abs()));
        Figure::render(|root| {
            let mut chart = ChartBuilder::on(root)
                .caption(title, ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(80)
                .build_cartesian_2d((0..nc).into_segmented(), (0..nr).into_segmented())?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(x_label)
                .y_desc(y_label)
                .x_labels(nc)
                .y_labels(nr)
                .x_label_formatter(&|v| segment_label(v, columns, false))
                .y_label_formatter(&|v| segment_label(v, rows, true))
                .draw()?;
            for (i, row) in values.iter().enumerate() {
                let y = nr - 1 - i;
                for (j, &v) in row.iter().enumerate() {
                    let t = if max > 0.0 { v.abs() / max } else { 0.0 };
                    let shade = (255.0 - 180.0 * t).round() as u8;
                    let fill = RGBColor(shade, shade, 255);
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [
                            (SegmentValue::Exact(j), SegmentValue::Exact(y)),
                            (SegmentValue::Exact(j + 1), SegmentValue::Exact(y + 1)),
                        ],
                        fill.filled(),
                    )))?;
                    let text = crate::fixed(v, decimals);
                    let ink = if t > 0.6 { WHITE } else { BLACK };
                    chart.draw_series(std::iter::once(Text::new(
                        text,
                        (SegmentValue::CenterOf(j), SegmentValue::CenterOf(y)),
                        ("sans-serif", 16).into_font().color(&ink).pos(
                            plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Center,
                                plotters::style::text_anchor::VPos::Center,
                            ),
                        ),
                    )))?;
                }
            }
            Ok(())
        })
    }

    /// Grey-scale images side by side, `columns` per row, each with a caption: digits,
    /// brain slices, reconstructions. Intensities map linearly from `range.0` (black) to
    /// `range.1` (white), clipped; non-finite values are black. Each image is an embedded PNG
    /// (8-bit grey, drawn with crisp pixels), so a 32 × 32 panel costs about 1.5 kB of SVG.
    /// A panel whose pixel count does not match its size is drawn empty with its caption.
    pub fn images(title: &str, panels: &[ImagePanel], columns: usize, range: (f64, f64)) -> Figure {
        use std::fmt::Write as _;
        let columns = columns.clamp(1, panels.len().max(1));
        let rows = panels.len().div_ceil(columns).max(1);
        let side = panels
            .iter()
            .map(|p| p.width.max(p.height))
            .max()
            .unwrap_or(1)
            .max(1);
        let scale = (96 / side).max(1);
        let cell = side * scale;
        let (pad, caption, header) = (12, 18, 34);
        let width = columns * (cell + pad) + pad;
        let height = header + rows * (cell + caption + pad) + pad;
        let (lo, hi) = range;
        let span = if hi > lo { hi - lo } else { 1.0 };
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\">\n<rect width=\"{width}\" height=\"{height}\" \
             fill=\"#FFFFFF\"/>\n<text x=\"{}\" y=\"22\" text-anchor=\"middle\" \
             font-family=\"sans-serif\" font-size=\"16\">{}</text>\n",
            width / 2,
            xml_escape(title)
        );
        for (k, p) in panels.iter().enumerate() {
            let x = pad + (k % columns) * (cell + pad);
            let y = header + (k / columns) * (cell + caption + pad);
            if p.width > 0 && p.height > 0 && p.pixels.len() == p.width * p.height {
                let bytes: Vec<u8> = p
                    .pixels
                    .iter()
                    .map(|&v| {
                        let t = (v - lo) / span;
                        if t.is_finite() {
                            (t.clamp(0.0, 1.0) * 255.0).round() as u8
                        } else {
                            0
                        }
                    })
                    .collect();
                let png = crate::image::grey_png(p.width, p.height, &bytes);
                let _ = writeln!(
                    svg,
                    "<image x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" \
                     style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{}\"/>",
                    p.width * scale,
                    p.height * scale,
                    crate::image::base64(&png)
                );
            }
            let _ = writeln!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"none\" \
                 stroke=\"#BBBBBB\"/>\n<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
                 font-family=\"sans-serif\" font-size=\"12\">{}</text>",
                x + cell / 2,
                y + cell + 14,
                xml_escape(&p.caption)
            );
        }
        svg.push_str("</svg>\n");
        Figure { svg }
    }

    /// Categories on a grid, one colour each, with a legend: cross-validation fold diagrams
    /// (rows = folds from the top, columns = samples; 0 = unused, 1 = train, 2 = test, ...).
    pub fn grid(
        title: &str,
        x_label: &str,
        rows: &[String],
        cells: &[Vec<usize>],
        legend: &[&str],
    ) -> Figure {
        let nr = rows.len().max(1);
        let nc = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let fills = [
            RGBColor(225, 225, 225),
            colour(0),
            colour(1),
            colour(2),
            colour(3),
        ];
        Figure::render(|root| {
            let mut chart = ChartBuilder::on(root)
                .caption(title, ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(80)
                .build_cartesian_2d(0.0..nc as f64, (0..nr).into_segmented())?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(x_label)
                .y_labels(nr)
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| segment_label(v, rows, true))
                .draw()?;
            for (i, row) in cells.iter().enumerate() {
                let y = nr - 1 - i;
                chart.draw_series(row.iter().enumerate().map(|(j, &c)| {
                    let mut r = Rectangle::new(
                        [
                            (j as f64, SegmentValue::Exact(y)),
                            (j as f64 + 1.0, SegmentValue::Exact(y + 1)),
                        ],
                        fills[c.min(fills.len() - 1)].filled(),
                    );
                    r.set_margin(2, 2, 0, 0);
                    r
                }))?;
            }
            for (k, name) in legend.iter().enumerate() {
                let fill = fills[k.min(fills.len() - 1)];
                chart
                    .draw_series(std::iter::empty::<Rectangle<(f64, SegmentValue<usize>)>>())?
                    .label(*name)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x - 6, y - 6), (x + 6, y + 6)], fill.filled())
                    });
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerRight)
                .draw()?;
            Ok(())
        })
    }
}

/// A titled chart on real x and y ranges with fixed-decimal tick labels; `grid` colours the
/// light mesh lines.
fn axes<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    title: &str,
    (xr, yr): ((f64, f64), (f64, f64)),
    (x_label, y_label): (&str, &str),
    grid: RGBColor,
) -> Result<
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error>,
> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    let (fx, fy) = (ticks(xr), ticks(yr));
    chart
        .configure_mesh()
        .light_line_style(grid)
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&|v| fmt_tick(*v, fx))
        .y_label_formatter(&|v| fmt_tick(*v, fy))
        .draw()?;
    Ok(chart)
}

fn segment_label(v: &SegmentValue<usize>, names: &[String], reversed: bool) -> String {
    match v {
        SegmentValue::CenterOf(i) => {
            let k = if reversed {
                names.len().checked_sub(i + 1)
            } else {
                Some(*i)
            };
            k.and_then(|k| names.get(k)).cloned().unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// Data range with 5 % padding (a unit range around a single value).
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Decimals for tick labels over a range.
fn ticks((lo, hi): (f64, f64)) -> usize {
    let span = (hi - lo).abs().max(1e-12);
    (2.0 - span.log10().floor()).clamp(0.0, 6.0) as usize
}

fn fmt_tick(v: f64, decimals: usize) -> String {
    crate::fixed(v, decimals)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_embed_one_png_per_panel_and_are_stable() {
        let panel =
            |c: &str, v: f64| ImagePanel::new(c, 2, 3, vec![0.0, v, 1.0, 0.5, f64::NAN, 2.0]);
        let make = || {
            Figure::images(
                "Digits & <slices>",
                &[panel("a", 0.25), panel("b", 0.75)],
                4,
                (0.0, 1.0),
            )
        };
        let svg = make().into_svg();
        assert_eq!(svg, make().into_svg());
        assert_eq!(svg.matches("data:image/png;base64,").count(), 2);
        assert!(svg.contains("Digits &amp; &lt;slices&gt;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        // a different pixel changes the embedded image
        assert_ne!(
            svg,
            Figure::images(
                "Digits & <slices>",
                &[panel("a", 0.3), panel("b", 0.75)],
                4,
                (0.0, 1.0)
            )
            .into_svg()
        );
        // a mismatched panel is drawn empty, not a panic
        let bad = Figure::images(
            "t",
            &[ImagePanel::new("x", 4, 4, vec![0.0; 3])],
            1,
            (0.0, 1.0),
        )
        .into_svg();
        assert_eq!(bad.matches("data:image/png").count(), 0);
        assert!(bad.contains(">x</text>"));
    }

    #[test]
    fn every_kind_draws_valid_stable_svg() {
        let s = vec![
            Series::new("a", vec![(0.0, 0.0), (1.0, 2.0), (2.0, 1.0)]),
            Series::new("b", vec![(0.5, 1.5)]),
        ];
        let regions = Regions {
            x: (0.0, 2.0, 2),
            y: (0.0, 2.0, 2),
            classes: vec![0, 1, 1, 0],
        };
        let figures = [
            Figure::scatter("s", "x", "y", &s, Some(&regions)),
            Figure::lines(
                "l",
                "x",
                "y",
                &s,
                LineOptions {
                    diagonal: true,
                    markers: true,
                    y_range: None,
                },
            ),
            Figure::bars("b", "y", &[("one".into(), 1.0), ("two".into(), -0.5)]),
            Figure::heatmap(
                "h",
                "predicted",
                "true",
                &["0".into(), "1".into()],
                &["0".into(), "1".into()],
                &[vec![38.0, 5.0], vec![3.0, 68.0]],
                0,
            ),
            Figure::grid(
                "g",
                "sample",
                &["fold 1".into(), "fold 2".into()],
                &[vec![1, 1, 2, 2], vec![2, 2, 1, 1]],
                &["unused", "train", "test"],
            ),
        ];
        for f in &figures {
            let svg = f.clone().into_svg();
            assert!(svg.starts_with("<svg"), "{svg}");
            assert!(svg.trim_end().ends_with("</svg>"));
            assert!(!svg.contains("could not be drawn"), "{svg}");
        }
        // The heat map labels its cells; the same inputs give the same bytes.
        let h = figures[3].clone().into_svg();
        assert!(h.contains("\n68\n") && h.contains("\n38\n"));
        assert_eq!(
            Figure::scatter("s", "x", "y", &s, Some(&regions)),
            figures[0]
        );
    }
}
