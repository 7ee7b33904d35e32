//! Strings of the self-referral flow, in their own struct so the main one stays readable.

mod en;
mod nb;
mod nn;

pub use en::EN;
pub use nb::NB;
pub use nn::NN;

pub struct ReferralTexts {
    pub service_offers_heading: &'static str,
    pub service_offers: &'static str,
    pub service_for_whom_heading: &'static str,
    pub service_for_whom: &'static str,
    pub service_municipalities: &'static str,
    pub service_after_heading: &'static str,
    pub service_after: &'static str,
    pub service_data_heading: &'static str,
    pub service_data: &'static str,
    pub service_time: &'static str,
    pub start: &'static str,
    pub continue_draft: &'static str,
    pub progress_step: &'static str,
    pub progress_of: &'static str,
    pub step_consent: &'static str,
    pub step_about: &'static str,
    pub step_help: &'static str,
    pub step_preferences: &'static str,
    pub step_review: &'static str,
    pub consent_text: &'static str,
    pub consent_question: &'static str,
    pub consent_yes: &'static str,
    pub consent_on_behalf: &'static str,
    pub field_name: &'static str,
    pub field_national_id: &'static str,
    pub hint_national_id: &'static str,
    pub field_municipality: &'static str,
    pub choose_municipality: &'static str,
    pub field_phone: &'static str,
    pub field_email: &'static str,
    pub hint_email: &'static str,
    pub contact_ways: &'static str,
    pub contact_phone: &'static str,
    pub contact_sms: &'static str,
    pub contact_email: &'static str,
    pub contact_times: &'static str,
    pub time_morning: &'static str,
    pub time_midday: &'static str,
    pub time_afternoon: &'static str,
    pub time_evening: &'static str,
    pub interpreter: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub interpreter_language: &'static str,
    pub elsewhere: &'static str,
    pub elsewhere_none: &'static str,
    pub help_areas: &'static str,
    pub help_areas_hint: &'static str,
    pub area_anxiety: &'static str,
    pub area_low_mood: &'static str,
    pub area_sleep: &'static str,
    pub area_stress: &'static str,
    pub area_fears: &'static str,
    pub area_alcohol_drugs: &'static str,
    pub area_other: &'static str,
    pub help_text: &'static str,
    pub question: &'static str,
    pub not_applicable: &'static str,
    pub licence: &'static str,
    pub risk_heading: &'static str,
    pub risk_text: &'static str,
    pub risk_heading_high: &'static str,
    pub risk_text_high: &'static str,
    /// Shown on the questionnaire's page as soon as a risk answer is chosen.
    pub risk_instant_text: &'static str,
    pub risk_instant_text_high: &'static str,
    /// On the receipt, once it is sent.
    pub risk_text_sent: &'static str,
    pub risk_send_now: &'static str,
    pub my_referral_title: &'static str,
    pub my_referral_service: &'static str,
    pub my_referral_status: &'static str,
    pub my_referral_decision: &'static str,
    pub my_referral_open: &'static str,
    pub withdraw_heading: &'static str,
    pub withdraw_text: &'static str,
    pub withdraw_confirm: &'static str,
    pub withdraw_submit: &'static str,
    pub withdrawn_notice: &'static str,
    pub my_referral_back: &'static str,
    pub next_heading: &'static str,
    pub next_new: &'static str,
    pub next_in_assessment: &'static str,
    pub next_guided_self_help: &'static str,
    pub next_group_course: &'static str,
    pub next_individual: &'static str,
    pub next_refer_specialist: &'static str,
    pub next_refer_gp: &'static str,
    pub next_no_offer: &'static str,
    pub next_active: &'static str,
    pub next_closed: &'static str,
    pub next_withdrawn: &'static str,
    pub call_us: &'static str,
    pub call_us_any_time: &'static str,
    pub contact_urgent: &'static str,
    pub clock_separator: &'static str,
    pub format: &'static str,
    pub format_group: &'static str,
    pub format_individual: &'static str,
    pub format_either: &'static str,
    pub mode: &'static str,
    pub mode_video: &'static str,
    pub mode_in_person: &'static str,
    pub mode_either: &'static str,
    pub times: &'static str,
    pub review_intro: &'static str,
    pub change: &'static str,
    pub answered: &'static str,
    pub submit: &'static str,
    pub next: &'static str,
    pub back: &'static str,
    pub save_later: &'static str,
    pub later_title: &'static str,
    pub later_text: &'static str,
    pub later_submit: &'static str,
    pub later_sent_title: &'static str,
    pub later_sent_text: &'static str,
    pub resume_title: &'static str,
    pub resume_text: &'static str,
    pub resume_submit: &'static str,
    pub receipt_title: &'static str,
    pub receipt_reference: &'static str,
    pub receipt_next_heading: &'static str,
    pub receipt_next: &'static str,
    pub receipt_urgent: &'static str,
    pub reused: &'static str,
    pub reused_after: &'static str,
    pub use_earlier: &'static str,
    pub my_referrals: &'static str,
    pub my_referrals_empty: &'static str,
    pub sent_on: &'static str,
    pub on_behalf_title: &'static str,
    pub on_behalf_intro: &'static str,
    pub on_behalf_source: &'static str,
    pub source_phone: &'static str,
    pub source_paper: &'static str,
    pub source_gp_letter: &'static str,
    pub on_behalf_start: &'static str,
    pub on_behalf_banner: &'static str,
    pub on_behalf_done: &'static str,
    pub mail_resume_subject: &'static str,
    pub mail_resume_body: &'static str,
    pub mail_receipt_subject: &'static str,
    pub mail_receipt_body: &'static str,
    pub mail_receipt_follow: &'static str,
    pub mail_receipt_login: &'static str,
    pub mail_receipt_confirm: &'static str,
    pub confirm_title: &'static str,
    pub confirm_text: &'static str,
    pub confirm_submit: &'static str,
    pub draft_missing: &'static str,
}

use crate::domain::referral::{ContactWay, DayPart, Format, HelpArea, Mode};

impl ReferralTexts {
    /// What happens next with a referral in this state, after this decision if one was
    /// made: what the person can expect, and when.
    pub fn next_steps(
        &self,
        state: crate::domain::board::State,
        decision: Option<crate::domain::board::Decision>,
    ) -> &'static str {
        use crate::domain::board::{Decision, Outcome, State};
        match (state, decision) {
            (State::Closed(Outcome::Withdrawn), _) => self.next_withdrawn,
            (State::Active, _) => self.next_active,
            (_, Some(Decision::GuidedSelfHelp)) => self.next_guided_self_help,
            (_, Some(Decision::GroupCourse)) => self.next_group_course,
            (_, Some(Decision::Individual)) => self.next_individual,
            (_, Some(Decision::ReferSpecialist)) => self.next_refer_specialist,
            (_, Some(Decision::ReferGp)) => self.next_refer_gp,
            (_, Some(Decision::NoOffer)) => self.next_no_offer,
            (State::New, None) => self.next_new,
            (State::InAssessment | State::Offered, None) => self.next_in_assessment,
            (State::Closed(_), None) => self.next_closed,
        }
    }

    pub fn area(&self, area: HelpArea) -> &'static str {
        match area {
            HelpArea::Anxiety => self.area_anxiety,
            HelpArea::LowMood => self.area_low_mood,
            HelpArea::Sleep => self.area_sleep,
            HelpArea::Stress => self.area_stress,
            HelpArea::Fears => self.area_fears,
            HelpArea::AlcoholDrugs => self.area_alcohol_drugs,
            HelpArea::Other => self.area_other,
        }
    }

    pub fn contact_way(&self, way: ContactWay) -> &'static str {
        match way {
            ContactWay::Phone => self.contact_phone,
            ContactWay::Sms => self.contact_sms,
            ContactWay::Email => self.contact_email,
        }
    }

    pub fn day_part(&self, part: DayPart) -> &'static str {
        match part {
            DayPart::Morning => self.time_morning,
            DayPart::Midday => self.time_midday,
            DayPart::Afternoon => self.time_afternoon,
            DayPart::Evening => self.time_evening,
        }
    }

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::board::{Decision, Outcome, State};

    #[test]
    fn every_decision_says_what_happens_next_and_a_withdrawal_wins() {
        for t in [&NB, &NN, &EN] {
            let mut said: Vec<&str> = Decision::ALL
                .iter()
                .map(|d| t.next_steps(State::Offered, Some(*d)))
                .collect();
            said.push(t.next_steps(State::New, None));
            said.push(t.next_steps(State::InAssessment, None));
            let distinct: std::collections::BTreeSet<_> = said.iter().collect();
            assert_eq!(distinct.len(), said.len(), "{said:?}");
            assert_eq!(
                t.next_steps(
                    State::Closed(Outcome::Withdrawn),
                    Some(Decision::GroupCourse)
                ),
                t.next_withdrawn
            );
        }
    }
}
