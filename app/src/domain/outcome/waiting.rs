//! Waiting times: from the referral received to the assessment and to the first
//! treatment session, and the share seen within 6 and within 18 weeks — the NHS
//! Talking Therapies waiting-time standards (75 % within 6 weeks, 95 % within 18,
//! measured to the first treatment appointment).

use serde::{Deserialize, Serialize};

/// The first waiting-time standard, in weeks.
pub const WEEKS_SOON: i64 = 6;
/// The second waiting-time standard, in weeks.
pub const WEEKS_LONGEST: i64 = 18;

const WEEK: i64 = 7 * 86_400;

/// One referral's waits, in seconds; `None` until the step happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waits {
    pub to_assessment: Option<i64>,
    pub to_treatment: Option<i64>,
}

impl Waits {
    /// The waits of a referral received at `received`, assessed (triaged to a
    /// decision) at `assessed`, with its first attended treatment session at
    /// `first_treatment`. A step recorded before the referral (clock skew, data moved
    /// in) counts as no wait rather than a negative one.
    pub fn new(received: i64, assessed: Option<i64>, first_treatment: Option<i64>) -> Waits {
        Waits {
            to_assessment: assessed.map(|t| (t - received).max(0)),
            to_treatment: first_treatment.map(|t| (t - received).max(0)),
        }
    }

    /// Whether the first treatment came within `weeks` weeks (to the second: six
    /// weeks is 42 days, the 42nd day's end included).
    pub fn treated_within(&self, weeks: i64) -> Option<bool> {
        self.to_treatment.map(|w| w <= weeks * WEEK)
    }
}

/// Whole weeks waited, rounded down (a wait of 6 weeks and 3 days is 6 weeks).
pub fn weeks_waited(seconds: i64) -> i64 {
    seconds.max(0) / WEEK
}
