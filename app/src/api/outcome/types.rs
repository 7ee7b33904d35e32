//! What the outcome pages show.

use serde::{Deserialize, Serialize};

/// A referral's scores over time, one chart and table per measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryView {
    pub reference: String,
    /// The person's own view, in plain words (staff see the clinical terms).
    pub for_person: bool,
    /// Whether the viewer may download the answers and scores (its owner, and staff
    /// who may export answers).
    pub may_download: bool,
    pub measures: Vec<MeasureTrajectory>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureTrajectory {
    pub instrument: String,
    pub title: String,
    /// First to last, and what the change amounts to.
    pub summary: String,
    /// The chart as SVG markup, drawn on the server; the table has the same figures.
    pub chart: String,
    /// What the chart's lines mean.
    pub legend: Vec<String>,
    pub points: Vec<TrajectoryPoint>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    pub date: String,
    pub time_point: String,
    pub score: String,
    pub level: String,
}

/// The service's (or one group's) figures for a period, as shown: small numbers
/// already suppressed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresView {
    pub title: String,
    /// Set for one group's figures (its leaders' view): the group's id.
    pub cohort: Option<i64>,
    pub from: String,
    pub to: String,
    pub by: String,
    /// The months a period may start or end in, newest first: (value, label).
    pub months: Vec<(String, String)>,
    /// The breakdowns on offer: (value, label).
    pub breakdowns: Vec<(String, String)>,
    /// One line per figure for the whole selection.
    pub lines: Vec<FigureLine>,
    pub breakdown: Option<BreakdownTable>,
    /// Said when the period was given backwards (and turned round).
    pub notice: Option<String>,
    /// Recovery and reliable improvement by month, drawn on the server.
    pub chart: String,
    pub chart_table: BreakdownTable,
    /// (anchor, term, definition)
    pub definitions: Vec<(String, String, String)>,
    /// The register extract's format, by name in its address (`/figures/register/{}`).
    pub register_format: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureLine {
    pub anchor: String,
    pub term: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}
