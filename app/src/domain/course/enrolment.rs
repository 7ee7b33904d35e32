//! Taking a seat in a cohort: a seat while there is one, else a place on the wait list
//! in the order people accepted; a freed seat is offered to the first waiting, who has
//! a deadline to take it before it passes on.

use serde::{Deserialize, Serialize};

/// How long a person offered a freed seat has to accept it.
pub const SEAT_OFFER_SECONDS: i64 = 72 * 3_600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    /// Holds a seat.
    Enrolled,
    /// On the wait list, at a place.
    Waiting,
    /// A seat freed up and is held for them until a deadline.
    SeatOffered,
    /// Left the course themselves.
    Withdrawn,
    /// Taken off by staff, with a reason.
    Removed,
    /// Let an offered seat pass (declined, or the deadline went by).
    Passed,
}

impl EnrolmentStatus {
    pub const ALL: [EnrolmentStatus; 6] = [
        EnrolmentStatus::Enrolled,
        EnrolmentStatus::Waiting,
        EnrolmentStatus::SeatOffered,
        EnrolmentStatus::Withdrawn,
        EnrolmentStatus::Removed,
        EnrolmentStatus::Passed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            EnrolmentStatus::Enrolled => "enrolled",
            EnrolmentStatus::Waiting => "waiting",
            EnrolmentStatus::SeatOffered => "seat_offered",
            EnrolmentStatus::Withdrawn => "withdrawn",
            EnrolmentStatus::Removed => "removed",
            EnrolmentStatus::Passed => "passed",
        }
    }

    pub fn parse(s: &str) -> Option<EnrolmentStatus> {
        EnrolmentStatus::ALL.into_iter().find(|e| e.key() == s)
    }

    /// Whether this enrolment counts against the cohort's capacity.
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::Enrolled | EnrolmentStatus::SeatOffered
        )
    }

    /// Whether the person is still in the course or in line for it.
    pub fn is_current(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::Enrolled | EnrolmentStatus::Waiting | EnrolmentStatus::SeatOffered
        )
    }
}

/// Where an acceptance lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    Seat,
    /// On the wait list, 1 being next in line.
    WaitList(u32),
}

/// Where the next person to accept lands, given the seats held and those waiting.
pub fn place(capacity: i64, holding: i64, waiting: u32) -> Placement {
    if holding < capacity {
        Placement::Seat
    } else {
        Placement::WaitList(waiting + 1)
    }
}

/// A person's place in line: how many wait ahead of them, plus one. `queue` holds the
/// wait-list numbers of everyone waiting, in any order.
pub fn place_in_line(mine: i64, queue: &[i64]) -> u32 {
    let ahead = queue.iter().filter(|&&n| n < mine).count();
    u32::try_from(ahead).unwrap_or(u32::MAX) + 1
}

/// Whether a held seat's offer has run out at `now`.
pub fn offer_lapsed(offered_at: i64, now: i64) -> bool {
    now >= offered_at + SEAT_OFFER_SECONDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_take_seats_until_the_cohort_is_full_then_wait_in_order() {
        let mut holding = 0;
        let mut waiting = 0;
        let mut placements = Vec::new();
        for _ in 0..15 {
            let placement = place(12, holding, waiting);
            match placement {
                Placement::Seat => holding += 1,
                Placement::WaitList(_) => waiting += 1,
            }
            placements.push(placement);
        }
        assert_eq!(holding, 12);
        assert!(placements[..12].iter().all(|p| *p == Placement::Seat));
        assert_eq!(
            placements[12..],
            [
                Placement::WaitList(1),
                Placement::WaitList(2),
                Placement::WaitList(3)
            ]
        );
    }

    #[test]
    fn a_place_in_line_counts_only_those_still_ahead() {
        // Wait-list numbers 4, 7 and 9 remain; 5 and 6 left the line.
        let queue = [9, 4, 7];
        assert_eq!(place_in_line(4, &queue), 1);
        assert_eq!(place_in_line(7, &queue), 2);
        assert_eq!(place_in_line(9, &queue), 3);
    }

    #[test]
    fn a_held_seat_lapses_at_its_deadline() {
        assert!(!offer_lapsed(1_000, 1_000 + SEAT_OFFER_SECONDS - 1));
        assert!(offer_lapsed(1_000, 1_000 + SEAT_OFFER_SECONDS));
    }

    #[test]
    fn seats_are_held_by_the_enrolled_and_those_offered_a_freed_seat() {
        let holding: Vec<EnrolmentStatus> = EnrolmentStatus::ALL
            .into_iter()
            .filter(|s| s.holds_seat())
            .collect();
        assert_eq!(
            holding,
            [EnrolmentStatus::Enrolled, EnrolmentStatus::SeatOffered]
        );
        for status in EnrolmentStatus::ALL {
            assert_eq!(EnrolmentStatus::parse(status.key()), Some(status));
        }
    }
}
