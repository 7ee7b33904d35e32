//! Rules of the board: how long a claim lasts, the waiting figures in its header,
//! and how a person is named on a card.

use serde::{Deserialize, Serialize};

/// A claim lapses after this long without activity by its holder (like a staff
/// session's idle limit), so a card is never locked by someone who went home.
pub const CLAIM_LAPSE_SECONDS: i64 = 30 * 60;

/// True while a claim taken (or last used) at `claimed_at` still holds at `now`.
pub fn claim_is_live(claimed_at: i64, now: i64) -> bool {
    now - claimed_at < CLAIM_LAPSE_SECONDS
}

/// "Kari Nordmann" → "Kari N.": the first name and the initial of the last.
pub fn short_name(full: &str) -> String {
    let mut parts = full.split_whitespace();
    let Some(first) = parts.next() else {
        return String::new();
    };
    match parts.last().and_then(|last| last.chars().next()) {
        Some(initial) => format!("{first} {}.", initial.to_uppercase()),
        None => first.to_owned(),
    }
}

/// Whole days between two instants (seconds), never negative.
pub fn days_between(from: i64, to: i64) -> i64 {
    ((to - from) / 86_400).max(0)
}

/// The header's figures: how many wait for an offer, the median and the longest wait.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WaitStats {
    pub waiting: usize,
    pub median_days: Option<f64>,
    pub longest_days: Option<i64>,
}

impl WaitStats {
    /// From each waiting referral's days waited, in any order.
    pub fn from_days(mut days: Vec<i64>) -> WaitStats {
        days.sort_unstable();
        let n = days.len();
        let median_days = match n {
            0 => None,
            _ if n % 2 == 1 => Some(days[n / 2] as f64),
            _ => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
        };
        WaitStats {
            waiting: n,
            median_days,
            longest_days: days.last().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_holds_for_half_an_hour_of_inactivity() {
        assert!(claim_is_live(1_000, 1_000));
        assert!(claim_is_live(1_000, 1_000 + CLAIM_LAPSE_SECONDS - 1));
        assert!(!claim_is_live(1_000, 1_000 + CLAIM_LAPSE_SECONDS));
    }

    #[test]
    fn cards_name_the_first_name_and_the_initial_of_the_last() {
        assert_eq!(short_name("Kari Nordmann"), "Kari N.");
        assert_eq!(short_name("  Ola  Jakob   Hansen "), "Ola H.");
        assert_eq!(short_name("Åse øvrebø"), "Åse Ø.");
        assert_eq!(short_name("Cher"), "Cher");
        assert_eq!(short_name(""), "");
    }

    #[test]
    fn days_are_whole_and_never_negative() {
        assert_eq!(days_between(0, 86_399), 0);
        assert_eq!(days_between(0, 86_400 * 3 + 5), 3);
        assert_eq!(days_between(100, 0), 0);
    }

    #[test]
    fn median_of_odd_and_even_counts_and_the_longest_wait() {
        assert_eq!(WaitStats::from_days(vec![]), WaitStats::default());
        let odd = WaitStats::from_days(vec![9, 1, 4]);
        assert_eq!(
            (odd.waiting, odd.median_days, odd.longest_days),
            (3, Some(4.0), Some(9))
        );
        let even = WaitStats::from_days(vec![10, 1, 4, 2]);
        assert_eq!(
            (even.waiting, even.median_days, even.longest_days),
            (4, Some(3.0), Some(10))
        );
    }
}
