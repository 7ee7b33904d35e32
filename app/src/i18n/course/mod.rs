//! Strings of group courses: the catalogue on a service's page (and, as the course
//! pages come, the offers, cohorts and sessions).

mod en;
mod nb;
mod nn;

pub use en::EN;
pub use nb::NB;
pub use nn::NN;

use crate::domain::course::{CohortError, Format};

pub struct CourseTexts {
    pub catalogue_heading: &'static str,
    pub catalogue_intro: &'static str,
    pub suits: &'static str,
    pub next_start: &'static str,
    pub no_date: &'static str,
    /// "8 samlinger à 2 t 30 min": filled in by `length`.
    pub sessions_word: &'static str,
    pub follow_ups_word: &'static str,
    pub follow_up_one: &'static str,
    pub hours_short: &'static str,
    pub minutes_short: &'static str,
    pub format_video: &'static str,
    pub format_in_person: &'static str,
    pub format_both: &'static str,
    pub cohort_label: &'static str,
    pub cohort_hint: &'static str,
    pub cohort_none: &'static str,
    pub cohort_choose: &'static str,
    pub starts: &'static str,
    /// "{free} av {capacity} plasser ledige"
    pub seats_free: &'static str,
    pub full: &'static str,
    /// Monday first, lower case as in a running sentence.
    pub weekdays: [&'static str; 7],
    pub follow_up_session: &'static str,
    pub mine_heading: &'static str,
    pub offered_intro: &'static str,
    pub sessions_heading: &'static str,
    /// The group page's first session still to come, with its way in.
    pub next_session: &'static str,
    /// "Samling 4: fredag 04.12.2026, 18:00–20:30 · På video"
    pub next_session_line: &'static str,
    pub cancelled: &'static str,
    pub accept: &'static str,
    pub decline: &'static str,
    pub leave: &'static str,
    pub leave_wait_list: &'static str,
    /// What leaving does, and the button that confirms it.
    pub leave_hint: &'static str,
    pub leave_confirm: &'static str,
    pub leave_wait_list_hint: &'static str,
    pub leave_wait_list_confirm: &'static str,
    pub standing_seat: &'static str,
    /// "{n}" is the place in line.
    pub standing_waiting: &'static str,
    pub standing_seat_held: &'static str,
    pub standing_declined: &'static str,
    /// Withdrew from a seat or the wait list, or was taken off the course by staff.
    pub standing_left: &'static str,
    /// A seat held for them passed on when its deadline ran out.
    pub standing_passed: &'static str,
    pub standing_closed: &'static str,
    /// The group was cancelled.
    pub standing_cancelled: &'static str,
    /// They held a seat and the course is over.
    pub standing_finished: &'static str,
    pub accepted_notice: &'static str,
    pub declined_notice: &'static str,
    pub ev_seat: &'static str,
    pub ev_waiting: &'static str,
    pub ev_declined: &'static str,
    pub ev_enrolled: &'static str,
    pub ev_removed: &'static str,
    pub ev_attended: &'static str,
    pub ev_measure_risk: &'static str,
    pub ev_finished: &'static str,
    pub ev_cohort_cancelled: &'static str,
    pub ev_seat_held: &'static str,
    pub ev_seat_passed: &'static str,
    pub ev_reopened: &'static str,
    /// The lead's override of a finish, on the roster.
    pub reopen_button: &'static str,
    /// The catalogue's setting of when reminders go out.
    pub reminders_heading: &'static str,
    pub reminder_hours_label: &'static str,
    pub reminder_hours_hint: &'static str,
    pub reminder_hours_save: &'static str,
    /// "Samling {n} av {total}": a session in a calendar.
    pub calendar_session: &'static str,
    /// A video session's calendar text, with its join `{link}`.
    pub calendar_video: &'static str,
    pub calendar_in_person: &'static str,
    pub mail_seat_subject: &'static str,
    pub mail_seat_body: &'static str,
    pub mail_cancel_subject: &'static str,
    pub mail_cancel_body: &'static str,
    pub groups_nav: &'static str,
    pub groups_title: &'static str,
    pub groups_intro: &'static str,
    pub groups_empty: &'static str,
    pub led_by_you: &'static str,
    /// "{held} av {capacity} plasser tatt"
    pub seats_taken: &'static str,
    /// "{n} på venteliste"
    pub waiting_count: &'static str,
    /// Planned, open, running, finished, cancelled.
    pub states: [&'static str; 5],
    pub roster_heading: &'static str,
    pub roster_empty: &'static str,
    pub roster_privacy: &'static str,
    pub col_name: &'static str,
    pub col_referral: &'static str,
    pub col_standing: &'static str,
    pub roster_seat: &'static str,
    pub roster_waiting: &'static str,
    pub roster_seat_held: &'static str,
    pub col_session: &'static str,
    pub col_room: &'static str,
    pub room_link: &'static str,
    pub enrol_heading: &'static str,
    pub enrol_label: &'static str,
    pub enrol_hint: &'static str,
    pub enrol_button: &'static str,
    pub remove_summary: &'static str,
    pub remove_reason: &'static str,
    pub remove_button: &'static str,
    pub col_change: &'static str,
    pub new_group_link: &'static str,
    pub new_group_title: &'static str,
    pub new_group_intro: &'static str,
    pub course_label: &'static str,
    pub first_label: &'static str,
    pub first_hint: &'static str,
    pub time_label: &'static str,
    pub time_hint: &'static str,
    pub leader_label: &'static str,
    pub co_leader_label: &'static str,
    pub co_leader_none: &'static str,
    pub choose: &'static str,
    pub capacity_label: &'static str,
    pub capacity_hint: &'static str,
    pub format_label: &'static str,
    pub place_label: &'static str,
    pub open_label: &'static str,
    pub create_button: &'static str,
    pub state_heading: &'static str,
    /// The button that moves a group to each state, in the order of
    /// `CohortState::ALL` (a group never moves back to planned).
    pub state_actions: [&'static str; 5],
    /// What moving there does.
    pub state_hints: [&'static str; 5],
    /// For a step that cannot be taken back: the button that confirms it (else empty).
    pub state_confirms: [&'static str; 5],
    pub cancel_session_button: &'static str,
    pub cancel_session_hint: &'static str,
    /// `{n}`.
    pub cancel_session_confirm: &'static str,
    pub mail_session_cancelled_subject: &'static str,
    pub mail_session_cancelled_body: &'static str,
    /// The whole group cancelled, with its sessions' cancellations attached.
    pub mail_group_cancelled_subject: &'static str,
    pub mail_group_cancelled_body: &'static str,
    pub mail_group_finished_subject: &'static str,
    pub mail_group_finished_body: &'static str,
    pub catalogue_nav: &'static str,
    pub catalogue_title: &'static str,
    pub catalogue_lead_intro: &'static str,
    pub new_course_link: &'static str,
    pub templates_heading: &'static str,
    pub templates_hint: &'static str,
    /// `{name}`.
    pub add_template_button: &'static str,
    pub edit_course_link: &'static str,
    pub course_measures_label: &'static str,
    pub course_measures_none: &'static str,
    pub new_course_title: &'static str,
    pub edit_course_title: &'static str,
    pub course_name_label: &'static str,
    pub course_description_label: &'static str,
    pub course_description_hint: &'static str,
    pub course_suits_label: &'static str,
    pub weekly_label: &'static str,
    pub weekly_hint: &'static str,
    pub follow_ups_label: &'static str,
    pub follow_ups_hint: &'static str,
    pub follow_up_weeks_label: &'static str,
    pub follow_up_weeks_hint: &'static str,
    pub minutes_label: &'static str,
    pub minutes_hint: &'static str,
    pub course_format_label: &'static str,
    pub course_measures_legend: &'static str,
    pub course_measures_hint: &'static str,
    pub save_course_button: &'static str,
    pub session_change_summary: &'static str,
    pub session_date_label: &'static str,
    pub session_format_label: &'static str,
    pub session_time_label: &'static str,
    pub session_change_hint: &'static str,
    pub session_change_button: &'static str,
    pub mail_session_changed_subject: &'static str,
    /// `{n}`, `{when}`, `{how}`: one of the two below, `{link}`.
    pub mail_session_changed_body: &'static str,
    pub mail_session_by_video: &'static str,
    /// `{place}`.
    pub mail_session_in_person: &'static str,
    pub mail_place_changed_subject: &'static str,
    pub mail_place_changed_body: &'static str,
    pub change_heading: &'static str,
    /// What a change on the group page did, said where it shows.
    pub saved_state: &'static str,
    pub saved_cancelled: &'static str,
    pub saved_session: &'static str,
    pub saved_group: &'static str,
    pub change_hint: &'static str,
    pub change_button: &'static str,
    pub join: &'static str,
    pub measures_heading: &'static str,
    pub measures_intro: &'static str,
    pub measure_link: &'static str,
    pub measure_heading: &'static str,
    pub measure_intro: &'static str,
    pub measure_send: &'static str,
    pub measure_back: &'static str,
    pub measure_not_due: &'static str,
    pub measures_done_notice: &'static str,
    pub measures_risk_notice: &'static str,
    pub mail_measure_risk_subject: &'static str,
    pub mail_measure_risk_body: &'static str,
    pub scores_heading: &'static str,
    pub scores_hint: &'static str,
    pub score_start: &'static str,
    pub score_latest: &'static str,
    pub score_change: &'static str,
    pub score_none: &'static str,
    pub risk_on: &'static str,
    pub attendance_heading: &'static str,
    pub attendance_hint: &'static str,
    pub attendance_empty: &'static str,
    pub present: &'static str,
    pub absent: &'static str,
    pub minutes: &'static str,
    pub mark_present: &'static str,
    pub unmark: &'static str,
    pub mark_label: &'static str,
    pub mail_seat_held_subject: &'static str,
    /// With `{deadline}` and `{link}` (My page).
    pub mail_seat_held_body: &'static str,
    /// "Påminnelse: kurs {when}", naming no course.
    pub reminder_subject: &'static str,
    pub reminder_body: &'static str,
    /// Added to a reminder when the course takes measures before its sessions.
    pub reminder_measures: &'static str,
    /// What went wrong, in the order of `CohortError::ALL`.
    pub problems: [&'static str; 12],
}

impl CourseTexts {
    pub fn state(&self, state: crate::domain::course::CohortState) -> &'static str {
        let i = crate::domain::course::CohortState::ALL
            .iter()
            .position(|s| *s == state)
            .unwrap_or(0);
        self.states[i]
    }

    /// The button, its hint and its confirmation (if it needs one) of moving a group
    /// to `state`.
    pub fn state_step(
        &self,
        state: crate::domain::course::CohortState,
    ) -> (&'static str, &'static str, Option<&'static str>) {
        let i = crate::domain::course::CohortState::ALL
            .iter()
            .position(|s| *s == state)
            .unwrap_or(0);
        let confirm = self.state_confirms[i];
        (
            self.state_actions[i],
            self.state_hints[i],
            (!confirm.is_empty()).then_some(confirm),
        )
    }

    pub fn problem(&self, e: CohortError) -> &'static str {
        let i = CohortError::ALL.iter().position(|x| *x == e).unwrap_or(0);
        self.problems[i]
    }

    pub fn format(&self, format: Format) -> &'static str {
        match format {
            Format::Video => self.format_video,
            Format::InPerson => self.format_in_person,
            Format::Both => self.format_both,
        }
    }

    /// "KiB · starter 23.12.2026 · 7 av 10 plasser ledige", as intake chooses a cohort.
    pub fn cohort_choice(
        &self,
        course: &str,
        starts: Option<&str>,
        free: i64,
        capacity: i64,
    ) -> String {
        let seats = if free > 0 {
            self.seats_free
                .replace("{free}", &free.to_string())
                .replace("{capacity}", &capacity.to_string())
        } else {
            self.full.to_owned()
        };
        match starts {
            Some(date) => format!("{course} · {} {date} · {seats}", self.starts),
            None => format!("{course} · {seats}"),
        }
    }

    /// "8 samlinger + 2 oppfølgingsmøter, 2 t 30 min hver".
    pub fn length(&self, weekly: u32, follow_ups: u32, minutes: u32) -> String {
        let duration = match (minutes / 60, minutes % 60) {
            (0, m) => format!("{m} {}", self.minutes_short),
            (h, 0) => format!("{h} {}", self.hours_short),
            (h, m) => format!("{h} {} {m} {}", self.hours_short, self.minutes_short),
        };
        if follow_ups == 0 {
            format!("{weekly} {} · {duration}", self.sessions_word)
        } else {
            let word = if follow_ups == 1 {
                self.follow_up_one
            } else {
                self.follow_ups_word
            };
            format!(
                "{weekly} {} + {follow_ups} {word} · {duration}",
                self.sessions_word
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_length_reads_as_sessions_follow_ups_and_hours() {
        assert_eq!(
            NB.length(8, 2, 150),
            "8 samlinger + 2 oppfølgingsmøter · 2 t 30 min"
        );
        assert_eq!(NB.length(9, 0, 120), "9 samlinger · 2 t");
        assert_eq!(EN.length(6, 1, 45), "6 sessions + 1 follow-up · 45 min");
    }

    #[test]
    fn a_cohort_choice_names_the_course_its_start_and_its_free_seats() {
        assert_eq!(
            NB.cohort_choice("KiB", Some("23.12.2026"), 7, 10),
            "KiB · starter 23.12.2026 · 7 av 10 plasser ledige"
        );
        assert_eq!(NN.cohort_choice("KiB", None, 0, 10), "KiB · fullt");
    }
}
