//! What the help did: the outcome rules of NHS Talking Therapies (formerly IAPT), which
//! RPH is modelled on, applied to one episode (a referral, from received to ended),
//! and the service's figures with small numbers kept from identifying anyone.
//!
//! Pure: the caller reads the episode's scores, sessions and dates; the thresholds
//! come from the instrument definitions (`seeds/questionnaires/*.toml`), never from
//! here, so a service's own instruments can join.

mod figures;
mod month;
mod rules;
#[cfg(test)]
mod tests;
mod waiting;

pub use figures::{shown, shown_breakdown, Cell, Figures, Rate, SMALLEST_SHOWN};
pub use month::Month;
pub use rules::{outcome, Episode, Measure, Outcome, Pair, ReliableChange, Scored};
pub use waiting::{weeks_waited, Waits, WEEKS_LONGEST, WEEKS_SOON};

use serde::{Deserialize, Serialize};

/// When in an episode a measurement was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimePoint {
    /// With the referral (self-referral or registered by staff).
    Intake,
    /// Before a group-course session.
    CourseSession,
    /// Before an individual session.
    IndividualSession,
    EndOfTreatment,
    FollowUp,
}

impl TimePoint {
    pub const ALL: [TimePoint; 5] = [
        TimePoint::Intake,
        TimePoint::CourseSession,
        TimePoint::IndividualSession,
        TimePoint::EndOfTreatment,
        TimePoint::FollowUp,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TimePoint::Intake => "intake",
            TimePoint::CourseSession => "course_session",
            TimePoint::IndividualSession => "individual_session",
            TimePoint::EndOfTreatment => "end_of_treatment",
            TimePoint::FollowUp => "follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<TimePoint> {
        TimePoint::ALL.into_iter().find(|t| t.key() == s)
    }
}
