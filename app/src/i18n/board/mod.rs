//! Strings of the triage board and an opened referral.

mod en;
mod nb;
mod nn;

pub use en::EN;
pub use nb::NB;
pub use nn::NN;

pub struct BoardTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub nav_board: &'static str,
    pub nav_shared: &'static str,
    pub column_new: &'static str,
    pub column_in_assessment: &'static str,
    pub column_offered: &'static str,
    pub column_active: &'static str,
    pub column_closed: &'static str,
    pub outcome_completed: &'static str,
    pub outcome_referred_specialist: &'static str,
    pub outcome_referred_gp: &'static str,
    pub outcome_declined: &'static str,
    pub outcome_no_contact: &'static str,
    pub outcome_withdrawn: &'static str,
    pub closed_as: &'static str,
    pub stats_label: &'static str,
    pub columns_label: &'static str,
    pub stat_waiting: &'static str,
    pub stat_median: &'static str,
    pub stat_longest: &'static str,
    pub days: &'static str,
    pub one_day: &'static str,
    pub filters: &'static str,
    pub filter_query: &'static str,
    pub filter_municipality: &'static str,
    pub filter_state: &'static str,
    pub filter_band: &'static str,
    pub filter_format: &'static str,
    pub filter_mode: &'static str,
    pub filter_any: &'static str,
    pub filter_mine: &'static str,
    pub filter_unclaimed: &'static str,
    pub filter_apply: &'static str,
    pub filter_clear: &'static str,
    pub count_cards: &'static str,
    pub more_cards: &'static str,
    pub empty_column: &'static str,
    pub age: &'static str,
    pub waited: &'static str,
    pub urgent: &'static str,
    pub risk_answer: &'static str,
    pub duplicate: &'static str,
    pub claimed_by: &'static str,
    pub claimed_you: &'static str,
    pub unclaimed: &'static str,
    pub source: &'static str,
    pub source_self: &'static str,
    pub source_phone: &'static str,
    pub source_paper: &'static str,
    pub source_gp_letter: &'static str,
    pub score_missing: &'static str,
    pub open: &'static str,
    pub claim: &'static str,
    pub release: &'static str,
    pub release_other: &'static str,
    pub move_to: &'static str,
    pub move_button: &'static str,
    pub live: &'static str,
    pub refresh: &'static str,
    pub updated: &'static str,
    pub referral_title: &'static str,
    pub back: &'static str,
    pub section_person: &'static str,
    pub section_help: &'static str,
    pub section_answers: &'static str,
    pub section_preferences: &'static str,
    pub section_work: &'static str,
    pub section_timeline: &'static str,
    pub section_notes: &'static str,
    pub section_decision: &'static str,
    pub section_share: &'static str,
    pub state_now: &'static str,
    pub field_age: &'static str,
    /// Staff's words for what the person told about themselves and wants: short,
    /// and never the question the person was asked.
    pub field_municipality: &'static str,
    pub field_contact_ways: &'static str,
    pub field_contact_times: &'static str,
    pub field_interpreter: &'static str,
    pub field_format: &'static str,
    pub field_mode: &'static str,
    pub field_times: &'static str,
    pub format_group: &'static str,
    pub format_individual: &'static str,
    pub format_either: &'static str,
    pub mode_video: &'static str,
    pub mode_in_person: &'static str,
    pub mode_either: &'static str,
    pub field_submitted: &'static str,
    pub field_registered_by: &'static str,
    pub interpreter_none: &'static str,
    pub interpreter_needed: &'static str,
    pub help_text: &'static str,
    pub score_total: &'static str,
    pub score_band: &'static str,
    pub score_case: &'static str,
    pub score_not_case: &'static str,
    pub score_none: &'static str,
    pub risk_item: &'static str,
    pub col_question: &'static str,
    pub col_answer: &'static str,
    pub answered_on: &'static str,
    pub unanswered: &'static str,
    pub not_applicable: &'static str,
    pub ev_submitted: &'static str,
    pub ev_opened: &'static str,
    pub ev_claimed: &'static str,
    pub ev_released: &'static str,
    pub ev_released_other: &'static str,
    pub ev_moved: &'static str,
    pub ev_note: &'static str,
    pub ev_decision: &'static str,
    pub ev_joint: &'static str,
    pub ev_shared: &'static str,
    pub ev_assessment: &'static str,
    pub ev_withdrawn: &'static str,
    pub ev_message: &'static str,
    pub note_label: &'static str,
    pub note_submit: &'static str,
    pub decision_label: &'static str,
    pub reason_label: &'static str,
    pub decide_submit: &'static str,
    pub decision_hint: &'static str,
    pub decision_needs_assessment: &'static str,
    pub dec_guided_self_help: &'static str,
    pub dec_group_course: &'static str,
    pub dec_individual: &'static str,
    pub dec_refer_specialist: &'static str,
    pub dec_refer_gp: &'static str,
    pub dec_no_offer: &'static str,
    pub share_label: &'static str,
    pub share_submit: &'static str,
    pub share_none: &'static str,
    pub shared_with: &'static str,
    pub assessment_label: &'static str,
    pub assessment_submit: &'static str,
    pub shared_title: &'static str,
    pub shared_intro: &'static str,
    pub shared_empty: &'static str,
    pub error_claimed: &'static str,
    pub error_not_now: &'static str,
    pub done_claimed: &'static str,
    pub done_saved: &'static str,
    pub status_new: &'static str,
    pub status_in_assessment: &'static str,
    pub status_offered: &'static str,
    pub status_active: &'static str,
    pub status_closed: &'static str,
    pub status_withdrawn: &'static str,
    pub your_decision: &'static str,
    pub mail_decision_subject: &'static str,
    pub mail_decision_body: &'static str,
    pub mail_urgent_subject: &'static str,
    pub mail_urgent_body: &'static str,
    pub mail_urgent_no_details: &'static str,
    /// On an urgent card nobody has opened: "Unopened for {time}".
    pub unopened: &'static str,
    /// The board's alert: one urgent referral waits unopened, for {time}.
    pub urgent_waiting_one: &'static str,
    /// The board's alert: {n} wait unopened, the oldest for {time}.
    pub urgent_waiting_many: &'static str,
    /// "{n} min"
    pub minutes: &'static str,
    /// "{h} h {m} min"
    pub hours_minutes: &'static str,
}

use crate::domain::board::{Decision, Outcome, State};
use crate::domain::referral::{Format, Mode};

impl BoardTexts {
    pub fn format(&self, format: Format) -> &'static str {
        match format {
            Format::Group => self.format_group,
            Format::Individual => self.format_individual,
            Format::Either => self.format_either,
        }
    }

    pub fn mode(&self, mode: Mode) -> &'static str {
        match mode {
            Mode::Video => self.mode_video,
            Mode::InPerson => self.mode_in_person,
            Mode::Either => self.mode_either,
        }
    }

    pub fn column(&self, column: &str) -> &'static str {
        match column {
            "new" => self.column_new,
            "in_assessment" => self.column_in_assessment,
            "offered" => self.column_offered,
            "active" => self.column_active,
            _ => self.column_closed,
        }
    }

    pub fn outcome(&self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Completed => self.outcome_completed,
            Outcome::ReferredSpecialist => self.outcome_referred_specialist,
            Outcome::ReferredGp => self.outcome_referred_gp,
            Outcome::Declined => self.outcome_declined,
            Outcome::NoContact => self.outcome_no_contact,
            Outcome::Withdrawn => self.outcome_withdrawn,
        }
    }

    /// A state in words: the column, and for closed ones the outcome.
    pub fn state(&self, state: State) -> String {
        match state {
            State::Closed(outcome) => self.closed_as.replace("{outcome}", self.outcome(outcome)),
            other => self.column(other.column()).to_owned(),
        }
    }

    pub fn decision(&self, decision: Decision) -> &'static str {
        match decision {
            Decision::GuidedSelfHelp => self.dec_guided_self_help,
            Decision::GroupCourse => self.dec_group_course,
            Decision::Individual => self.dec_individual,
            Decision::ReferSpecialist => self.dec_refer_specialist,
            Decision::ReferGp => self.dec_refer_gp,
            Decision::NoOffer => self.dec_no_offer,
        }
    }

    pub fn source(&self, key: &str) -> &'static str {
        match key {
            "phone" => self.source_phone,
            "paper" => self.source_paper,
            "gp_letter" => self.source_gp_letter,
            _ => self.source_self,
        }
    }

    /// "1 day", "12 days".
    pub fn days(&self, n: i64) -> String {
        if n == 1 {
            self.one_day.to_owned()
        } else {
            self.days.replace("{n}", &n.to_string())
        }
    }

    /// "12 min", "3 h 5 min", then days: how long something has waited.
    pub fn duration(&self, seconds: i64) -> String {
        let minutes = seconds.max(0) / 60;
        if minutes < 60 {
            self.minutes.replace("{n}", &minutes.to_string())
        } else if minutes < 24 * 60 {
            self.hours_minutes
                .replace("{h}", &(minutes / 60).to_string())
                .replace("{m}", &(minutes % 60).to_string())
        } else {
            self.days(minutes / (24 * 60))
        }
    }

    /// What the person sees as their referral's state.
    pub fn citizen_status(&self, state: State) -> &'static str {
        match state {
            State::New => self.status_new,
            State::InAssessment => self.status_in_assessment,
            State::Offered => self.status_offered,
            State::Active => self.status_active,
            State::Closed(Outcome::Withdrawn) => self.status_withdrawn,
            State::Closed(_) => self.status_closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A card says "format · place": the two must never read the same ("Begge deler
    /// passer · Begge deler passer" did).
    #[test]
    fn staff_words_tell_format_and_place_apart_in_every_language() {
        for t in [&NB, &NN, &EN] {
            for format in Format::ALL {
                for mode in Mode::ALL {
                    assert_ne!(t.format(format), t.mode(mode));
                }
            }
        }
    }

    #[test]
    fn durations_read_in_minutes_then_hours_then_days() {
        assert_eq!(NB.duration(59), "0 min");
        assert_eq!(NB.duration(14 * 60 + 5), "14 min");
        assert_eq!(NB.duration(3 * 3600 + 5 * 60), "3 t 5 min");
        assert_eq!(EN.duration(3 * 3600 + 5 * 60), "3 h 5 min");
        assert_eq!(NB.duration(2 * 86400 + 3600), NB.days(2));
        assert_eq!(NB.duration(-30), "0 min");
    }
}
