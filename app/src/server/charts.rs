//! Charts drawn on the server as SVG (plotters' SVG backend): they need no script,
//! print, and cost the browser no code. Each chart sits in a figure whose accessible
//! name and table carry the same figures for screen readers.

use plotters::prelude::*;

/// A measure's totals over time, with its caseness line and the reliable-change band
/// around the first score.
pub struct Trajectory<'a> {
    /// One label per time point ("Henvisning", "Samling 2").
    pub labels: &'a [String],
    /// One total per time point; `None` where too many items were missing.
    pub totals: &'a [Option<f64>],
    /// The highest total the instrument gives: the y axis's top.
    pub max: i32,
    pub caseness: Option<i32>,
    /// From and to: the first score minus and plus the reliable change.
    pub band: Option<(f64, f64)>,
    pub x_label: &'a str,
    pub y_label: &'a str,
}

/// Narrow enough that a phone shows the labels at a readable size when the SVG is
/// scaled to its width.
const SIZE: (u32, u32) = (420, 260);
const LINE: RGBColor = RGBColor(0x1f, 0x5f, 0x5b);
const CASENESS: RGBColor = RGBColor(0x9a, 0x3b, 0x12);
const BAND: RGBColor = RGBColor(0xe4, 0xe4, 0xe0);
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// The chart's SVG markup.
pub fn trajectory(chart: &Trajectory<'_>) -> String {
    let mut out = String::new();
    // Drawing into a string fails only on a plotters bug; an empty chart then leaves
    // the table to carry the figures.
    if draw(chart, &mut out).is_err() {
        out.clear();
    }
    hidden(out)
}

/// The figure around the chart carries its name; the drawing itself is hidden from
/// screen readers (the table has its figures).
fn hidden(svg: String) -> String {
    svg.replacen("<svg ", "<svg aria-hidden=\"true\" focusable=\"false\" ", 1)
}

fn draw(chart: &Trajectory<'_>, out: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let n = chart.labels.len() as i32;
    let root = SVGBackend::with_string(out, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut plot = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(40)
        .build_cartesian_2d(-1..n, 0f64..f64::from(chart.max.max(1)))?;
    let labels = chart.labels;
    let x_label = |i: &i32| {
        usize::try_from(*i)
            .ok()
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let text = ("sans-serif", 13).into_font().color(&INK);
    plot.configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(BAND.mix(0.6))
        .x_labels((n + 2) as usize)
        .x_label_formatter(&x_label)
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_desc(chart.x_label)
        .y_desc(chart.y_label)
        .label_style(text.clone())
        .axis_desc_style(text)
        .draw()?;
    if let Some((low, high)) = chart.band {
        let top = f64::from(chart.max);
        plot.draw_series(std::iter::once(Rectangle::new(
            [(-1, low.max(0.0)), (n, high.min(top))],
            BAND.filled(),
        )))?;
    }
    if let Some(c) = chart.caseness {
        let c = f64::from(c);
        plot.draw_series(DashedLineSeries::new(
            [(-1, c), (n, c)],
            6,
            4,
            CASENESS.stroke_width(2),
        ))?;
    }
    let points: Vec<(i32, f64)> = chart
        .totals
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|t| (i as i32, t)))
        .collect();
    plot.draw_series(LineSeries::new(points.clone(), LINE.stroke_width(3)))?;
    plot.draw_series(points.into_iter().map(|p| Circle::new(p, 5, LINE.filled())))?;
    root.present()?;
    Ok(())
}

/// Rates (percent) over months, one line per series; a month whose rate is
/// suppressed leaves a gap.
pub struct Rates<'a> {
    pub labels: &'a [String],
    pub series: &'a [(&'a str, &'a [Option<f64>])],
    pub y_label: &'a str,
}

const SECOND: RGBColor = RGBColor(0x6b, 0x4c, 0x9a);

/// The chart's SVG markup.
pub fn rates(chart: &Rates<'_>) -> String {
    let mut out = String::new();
    if draw_rates(chart, &mut out).is_err() {
        out.clear();
    }
    hidden(out)
}

fn draw_rates(chart: &Rates<'_>, out: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let n = chart.labels.len() as i32;
    let root = SVGBackend::with_string(out, (560, 280)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut plot = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(40)
        .build_cartesian_2d(-1..n, 0f64..100f64)?;
    let labels = chart.labels;
    // At most six labels: every month, or every second, third, ….
    let step = labels.len().div_ceil(6).max(1);
    let x_label = |i: &i32| {
        usize::try_from(*i)
            .ok()
            .filter(|i| i % step == 0)
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let text = ("sans-serif", 13).into_font().color(&INK);
    plot.configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(BAND.mix(0.6))
        .x_labels((n + 2) as usize)
        .x_label_formatter(&x_label)
        .y_labels(6)
        .y_desc(chart.y_label)
        .label_style(text.clone())
        .axis_desc_style(text.clone())
        .draw()?;
    let mut labelled = false;
    for (index, (name, values)) in chart.series.iter().enumerate() {
        let colour = if index == 0 { LINE } else { SECOND };
        // Runs of months with a shown rate, each its own line.
        let mut runs: Vec<Vec<(i32, f64)>> = vec![Vec::new()];
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => runs
                    .last_mut()
                    .into_iter()
                    .for_each(|r| r.push((i as i32, *v))),
                None => runs.push(Vec::new()),
            }
        }
        for (k, run) in runs.into_iter().filter(|r| !r.is_empty()).enumerate() {
            let series = plot.draw_series(LineSeries::new(run.clone(), colour.stroke_width(3)))?;
            if k == 0 {
                labelled = true;
                series.label(*name).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
                });
            }
            plot.draw_series(run.into_iter().map(|p| Circle::new(p, 4, colour.filled())))?;
        }
    }
    if labelled {
        plot.configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BAND)
            .label_font(text)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_its_labels_its_points_and_its_lines() {
        let labels = vec![
            "Henvisning".to_owned(),
            "Samling 1".to_owned(),
            "Samling 2".to_owned(),
        ];
        let svg = trajectory(&Trajectory {
            labels: &labels,
            totals: &[Some(16.0), None, Some(9.0)],
            max: 27,
            caseness: Some(10),
            band: Some((10.0, 22.0)),
            x_label: "Måletidspunkt",
            y_label: "Skår",
        });
        assert!(svg.starts_with("<svg aria-hidden=\"true\""), "{svg}");
        for label in ["Henvisning", "Samling 2", "Måletidspunkt", "Skår"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        // Two scored points (the missing total is left out), a dashed caseness line
        // and the band.
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert!(
            svg.contains("#E4E4E0") || svg.contains("#e4e4e0"),
            "the band: {svg}"
        );
        assert!(
            svg.contains("#9A3B12") || svg.contains("#9a3b12"),
            "the caseness line: {svg}"
        );
    }
}
