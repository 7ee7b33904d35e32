//! Group courses: a service's catalogue of courses, their runs (cohorts) with dated
//! sessions, and the rules of taking a seat in one.

pub mod catalogue;
pub mod cohort;
pub mod enrolment;
pub mod schedule;

use serde::{Deserialize, Serialize};

pub use cohort::{CohortError, CohortState};
pub use enrolment::{EnrolmentStatus, Placement};
pub use schedule::{LocalDate, LocalTime, PlannedSession, WeeklyPlan};

/// A course in a service's catalogue (e.g. KiD) by its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CourseId(pub i64);

/// One run of a course, with its own leaders, seats and dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CohortId(pub i64);

/// Where a course meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Video,
    InPerson,
    /// Some sessions by video, some in person, as each session says.
    Both,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Video, Format::InPerson, Format::Both];

    pub fn key(self) -> &'static str {
        match self {
            Format::Video => "video",
            Format::InPerson => "in_person",
            Format::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.key() == s)
    }
}

/// Group sizes RPH teams run: a cohort's capacity must lie in this range.
pub const CAPACITY_RANGE: std::ops::RangeInclusive<i64> = 1..=30;

/// How many hours before a session its reminder goes out: from an hour to a week.
pub const REMINDER_HOURS_RANGE: std::ops::RangeInclusive<i64> = 1..=168;

/// A service's reminder time as typed, in whole hours within [`REMINDER_HOURS_RANGE`];
/// None for anything else.
pub fn parse_reminder_hours(text: &str) -> Option<i64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|hours| REMINDER_HOURS_RANGE.contains(hours))
}

#[cfg(test)]
mod tests {
    use super::parse_reminder_hours;

    #[test]
    fn a_reminder_goes_out_between_an_hour_and_a_week_before() {
        assert_eq!(parse_reminder_hours(" 24 "), Some(24));
        assert_eq!(parse_reminder_hours("1"), Some(1));
        assert_eq!(parse_reminder_hours("168"), Some(168));
        for bad in ["0", "169", "-3", "2.5", "", "ett døgn"] {
            assert_eq!(parse_reminder_hours(bad), None, "{bad}");
        }
    }
}
