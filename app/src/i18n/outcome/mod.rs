//! Strings of outcomes: a person's scores over time (for staff, and for the person in
//! plain words), and the service's figures.

mod en;
mod nb;
mod nn;

pub use en::EN;
pub use nb::NB;
pub use nn::NN;

use crate::domain::outcome::TimePoint;

pub struct OutcomeTexts {
    pub trajectory_title: &'static str,
    pub trajectory_intro: &'static str,
    pub mine_title: &'static str,
    pub mine_intro: &'static str,
    pub no_scores: &'static str,
    pub downloads_title: &'static str,
    pub mine_downloads_intro: &'static str,
    pub staff_downloads_intro: &'static str,
    pub download_answers: &'static str,
    pub download_scores: &'static str,
    /// "{title}: skår over tid", the chart's accessible name.
    pub chart_label: &'static str,
    /// "Klinisk nivå: {n} eller mer"
    pub caseness_line: &'static str,
    /// "Reliabel endring: {n} poeng"
    pub reliable_band: &'static str,
    pub mine_caseness_line: &'static str,
    pub axis_time: &'static str,
    pub axis_score: &'static str,
    pub column_when: &'static str,
    pub column_time_point: &'static str,
    pub column_score: &'static str,
    pub column_level: &'static str,
    pub intake: &'static str,
    /// "Samling {n}"
    pub course_session: &'static str,
    pub individual_session: &'static str,
    pub end_of_treatment: &'static str,
    pub follow_up: &'static str,
    /// "{first} → {last}: reell bedring (minst {rc} poeng)"
    pub staff_improved: &'static str,
    pub staff_deteriorated: &'static str,
    pub staff_no_change: &'static str,
    pub staff_single: &'static str,
    pub mine_improved: &'static str,
    pub mine_deteriorated: &'static str,
    pub mine_no_change: &'static str,
    pub mine_single: &'static str,
    pub open_trajectory: &'static str,
    pub open_mine: &'static str,
    pub no_total: &'static str,
    pub figures_nav: &'static str,
    pub figures_title: &'static str,
    /// "Tall for {name}"
    pub cohort_figures_title: &'static str,
    pub figures_intro: &'static str,
    pub period_from: &'static str,
    pub period_to: &'static str,
    pub breakdown_label: &'static str,
    pub by_month: &'static str,
    pub by_municipality: &'static str,
    pub by_course: &'static str,
    pub by_cohort: &'static str,
    pub show_figures: &'static str,
    pub suppressed: &'static str,
    pub suppression_note: &'static str,
    /// "{count} av {of} ({percent} %)"
    pub rate: &'static str,
    /// "{days} dager"
    pub days: &'static str,
    pub none_key: &'static str,
    pub definitions_heading: &'static str,
    pub definition_link: &'static str,
    pub chart_by_month: &'static str,
    pub column_group: &'static str,
    pub cohort_figures_link: &'static str,
    pub export_csv: &'static str,
    pub export_register: &'static str,
    /// "… {from} til og med {to}": the period was given backwards and turned round.
    pub problem_period: &'static str,
    /// One per figure, in [`FIGURES`] order: its name and its definition.
    pub figures: [(&'static str, &'static str); 12],
}

/// The figures, in the order of [`OutcomeTexts::figures`]; each also names its
/// definition's anchor.
pub const FIGURES: [&str; 12] = [
    "referrals",
    "entered_treatment",
    "finished",
    "drop_out",
    "case_at_start",
    "recovery",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
    "wait_assessment",
    "wait_treatment",
    "within_weeks",
];

impl OutcomeTexts {
    /// The name of a time point ("Samling 3").
    pub fn time_point(&self, point: TimePoint, session: Option<u32>) -> String {
        match point {
            TimePoint::Intake => self.intake.to_owned(),
            TimePoint::CourseSession => self
                .course_session
                .replace("{n}", &session.map(|n| n.to_string()).unwrap_or_default()),
            TimePoint::IndividualSession => self.individual_session.to_owned(),
            TimePoint::EndOfTreatment => self.end_of_treatment.to_owned(),
            TimePoint::FollowUp => self.follow_up.to_owned(),
        }
    }
}
