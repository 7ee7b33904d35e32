//! A cohort's state machine: planned → open for enrolment → running → finished, or
//! cancelled from any state before it finishes; and the rules a change to one must keep.

use serde::{Deserialize, Serialize};

use super::CAPACITY_RANGE;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortState {
    /// Being set up: dates and leaders may still change; no one is offered it yet.
    Planned,
    /// Open for enrolment: offers are made and accepted.
    Open,
    Running,
    Finished,
    Cancelled,
}

impl CohortState {
    pub const ALL: [CohortState; 5] = [
        CohortState::Planned,
        CohortState::Open,
        CohortState::Running,
        CohortState::Finished,
        CohortState::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CohortState::Planned => "planned",
            CohortState::Open => "open",
            CohortState::Running => "running",
            CohortState::Finished => "finished",
            CohortState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<CohortState> {
        CohortState::ALL.into_iter().find(|c| c.key() == s)
    }

    /// Where a cohort may go from here.
    pub fn next_states(self) -> &'static [CohortState] {
        use CohortState::*;
        match self {
            Planned => &[Open, Cancelled],
            Open => &[Running, Cancelled],
            Running => &[Finished, Cancelled],
            Finished | Cancelled => &[],
        }
    }

    /// Finished and cancelled cohorts are history: nothing about them changes.
    pub fn is_closed(self) -> bool {
        matches!(self, CohortState::Finished | CohortState::Cancelled)
    }

    /// Whether intake may offer a seat in it, and a person accept one: only once it is
    /// open for enrolment (a planned cohort's dates and leaders may still change).
    pub fn takes_enrolment(self) -> bool {
        self == CohortState::Open
    }

    pub fn to(self, next: CohortState) -> Result<CohortState, CohortError> {
        if self.next_states().contains(&next) {
            Ok(next)
        } else if self.is_closed() {
            Err(CohortError::Closed)
        } else {
            Err(CohortError::NotAllowed)
        }
    }
}

/// Why a change to a cohort, or an offer of one, was refused: each has a message at
/// the field it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortError {
    /// The first session would be in the past.
    StartInPast,
    /// Capacity outside the range groups run at.
    CapacityOutOfRange,
    /// Capacity below the number of people already holding a seat.
    CapacityBelowEnrolled,
    /// A session would overlap another session of one of its leaders.
    LeaderOverlap,
    /// The cohort has finished or was cancelled.
    Closed,
    /// That state does not follow this one.
    NotAllowed,
    /// A cohort needs one or two leaders.
    Leaders,
    /// The cohort no longer takes enrolment (running, finished or cancelled).
    NotTakingEnrolment,
    /// Every seat is taken: intake offers another cohort (people who accept a full
    /// cohort's offer made earlier are put on its wait list).
    Full,
    /// A seat held for someone was not taken before its deadline and passed on.
    SeatLapsed,
    /// A session cannot be moved to a time already past.
    SessionInPast,
    /// A session cannot meet in person where the group has no place to meet.
    NoPlace,
}

impl CohortError {
    pub const ALL: [CohortError; 12] = [
        CohortError::StartInPast,
        CohortError::CapacityOutOfRange,
        CohortError::CapacityBelowEnrolled,
        CohortError::LeaderOverlap,
        CohortError::Closed,
        CohortError::NotAllowed,
        CohortError::Leaders,
        CohortError::NotTakingEnrolment,
        CohortError::Full,
        CohortError::SeatLapsed,
        CohortError::SessionInPast,
        CohortError::NoPlace,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CohortError::StartInPast => "start_in_past",
            CohortError::CapacityOutOfRange => "capacity_out_of_range",
            CohortError::CapacityBelowEnrolled => "capacity_below_enrolled",
            CohortError::LeaderOverlap => "leader_overlap",
            CohortError::Closed => "closed",
            CohortError::NotAllowed => "not_allowed",
            CohortError::Leaders => "leaders",
            CohortError::NotTakingEnrolment => "not_taking_enrolment",
            CohortError::Full => "full",
            CohortError::SeatLapsed => "seat_lapsed",
            CohortError::SessionInPast => "session_in_past",
            CohortError::NoPlace => "no_place",
        }
    }
}

/// Whether intake may offer a seat in a cohort in this state with these seats.
pub fn check_offerable(state: CohortState, capacity: i64, holding: i64) -> Result<(), CohortError> {
    if !state.takes_enrolment() {
        Err(CohortError::NotTakingEnrolment)
    } else if holding >= capacity {
        Err(CohortError::Full)
    } else {
        Ok(())
    }
}

/// A capacity a cohort with `holding` people holding seats may be given.
pub fn check_capacity(capacity: i64, holding: i64) -> Result<i64, CohortError> {
    if !CAPACITY_RANGE.contains(&capacity) {
        Err(CohortError::CapacityOutOfRange)
    } else if capacity < holding {
        Err(CohortError::CapacityBelowEnrolled)
    } else {
        Ok(capacity)
    }
}

/// One or two leaders, no one twice.
pub fn check_leaders(leaders: &[i64]) -> Result<(), CohortError> {
    let distinct = leaders.len() == 2 && leaders[0] != leaders[1] || leaders.len() == 1;
    if distinct {
        Ok(())
    } else {
        Err(CohortError::Leaders)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CohortState::*;

    #[test]
    fn a_cohort_moves_forward_or_is_cancelled_and_history_stays_put() {
        assert_eq!(Planned.to(Open), Ok(Open));
        assert_eq!(Open.to(Running), Ok(Running));
        assert_eq!(Running.to(Finished), Ok(Finished));
        for state in [Planned, Open, Running] {
            assert_eq!(state.to(Cancelled), Ok(Cancelled));
        }
        assert_eq!(Running.to(Open), Err(CohortError::NotAllowed));
        assert_eq!(Planned.to(Finished), Err(CohortError::NotAllowed));
        for closed in [Finished, Cancelled] {
            for next in CohortState::ALL {
                assert_eq!(closed.to(next), Err(CohortError::Closed));
            }
        }
    }

    #[test]
    fn only_open_cohorts_take_enrolment() {
        let taking: Vec<CohortState> = CohortState::ALL
            .into_iter()
            .filter(|s| s.takes_enrolment())
            .collect();
        assert_eq!(taking, [Open]);
    }

    #[test]
    fn only_a_cohort_taking_enrolment_with_a_free_seat_may_be_offered() {
        assert_eq!(check_offerable(Open, 12, 11), Ok(()));
        assert_eq!(check_offerable(Open, 12, 12), Err(CohortError::Full));
        for state in [Planned, Running, Finished, Cancelled] {
            assert_eq!(
                check_offerable(state, 12, 0),
                Err(CohortError::NotTakingEnrolment)
            );
        }
    }

    #[test]
    fn keys_round_trip() {
        for state in CohortState::ALL {
            assert_eq!(CohortState::parse(state.key()), Some(state));
        }
        assert_eq!(CohortState::parse("ongoing"), None);
    }

    #[test]
    fn capacity_must_fit_a_group_and_the_people_already_in_it() {
        assert_eq!(check_capacity(12, 0), Ok(12));
        assert_eq!(check_capacity(12, 12), Ok(12));
        assert_eq!(check_capacity(0, 0), Err(CohortError::CapacityOutOfRange));
        assert_eq!(check_capacity(-3, 0), Err(CohortError::CapacityOutOfRange));
        assert_eq!(check_capacity(31, 0), Err(CohortError::CapacityOutOfRange));
        assert_eq!(
            check_capacity(9, 10),
            Err(CohortError::CapacityBelowEnrolled)
        );
    }

    #[test]
    fn a_cohort_has_one_or_two_different_leaders() {
        assert_eq!(check_leaders(&[7]), Ok(()));
        assert_eq!(check_leaders(&[7, 8]), Ok(()));
        assert_eq!(check_leaders(&[]), Err(CohortError::Leaders));
        assert_eq!(check_leaders(&[7, 7]), Err(CohortError::Leaders));
        assert_eq!(check_leaders(&[7, 8, 9]), Err(CohortError::Leaders));
    }
}
