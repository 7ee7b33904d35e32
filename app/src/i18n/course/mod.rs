//! Strings of group courses: the catalogue on a service's page (and, as the course
//! pages come, the offers, cohorts and sessions).

mod en;
mod nb;
mod nn;

pub use en::EN;
pub use nb::NB;
pub use nn::NN;

use crate::domain::course::Format;

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
}

impl CourseTexts {
    pub fn format(&self, format: Format) -> &'static str {
        match format {
            Format::Video => self.format_video,
            Format::InPerson => self.format_in_person,
            Format::Both => self.format_both,
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
}
