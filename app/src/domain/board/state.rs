//! The referral's state machine: new → in assessment → offered → active → closed.

use serde::{Deserialize, Serialize};

/// Why a referral was closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Completed,
    ReferredSpecialist,
    ReferredGp,
    Declined,
    NoContact,
    /// The person withdrew it themselves (from My page); staff never choose it.
    Withdrawn,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Completed,
        Outcome::ReferredSpecialist,
        Outcome::ReferredGp,
        Outcome::Declined,
        Outcome::NoContact,
        Outcome::Withdrawn,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::ReferredSpecialist => "referred_specialist",
            Outcome::ReferredGp => "referred_gp",
            Outcome::Declined => "declined",
            Outcome::NoContact => "no_contact",
            Outcome::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.key() == s)
    }
}

/// Where a referral is on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    New,
    InAssessment,
    Offered,
    Active,
    Closed(Outcome),
}

/// A move the state machine does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionError {
    pub from: State,
    pub to: State,
}

/// The board's columns, in order.
pub const COLUMNS: [&str; 5] = ["new", "in_assessment", "offered", "active", "closed"];

impl State {
    /// The column (and the stored `status`).
    pub fn column(self) -> &'static str {
        match self {
            State::New => "new",
            State::InAssessment => "in_assessment",
            State::Offered => "offered",
            State::Active => "active",
            State::Closed(_) => "closed",
        }
    }

    /// The value a form sends: the column, and for closed states the outcome too.
    pub fn key(self) -> String {
        match self {
            State::Closed(outcome) => format!("closed:{}", outcome.key()),
            other => other.column().to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        match s {
            "new" => Some(State::New),
            "in_assessment" => Some(State::InAssessment),
            "offered" => Some(State::Offered),
            "active" => Some(State::Active),
            _ => s
                .strip_prefix("closed:")
                .and_then(Outcome::parse)
                .map(State::Closed),
        }
    }

    /// From the stored status and outcome columns.
    pub fn from_stored(status: &str, outcome: Option<&str>) -> Option<State> {
        match status {
            "closed" => outcome.and_then(Outcome::parse).map(State::Closed),
            other => State::parse(other),
        }
    }

    /// Still waiting for an offer: counted in the board's waiting figures.
    pub fn is_waiting(self) -> bool {
        matches!(self, State::New | State::InAssessment)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, State::Closed(_))
    }

    /// The states one may move to from here, in the order a menu lists them.
    ///
    /// A referral is assessed before anything is offered; an offer is either taken up
    /// (active) or not; a closed referral stays closed (a new referral is made instead,
    /// so the history of the old one is never rewritten).
    pub fn next_states(self) -> Vec<State> {
        use Outcome::*;
        let closed = |outcomes: &[Outcome]| {
            outcomes
                .iter()
                .map(|o| State::Closed(*o))
                .collect::<Vec<_>>()
        };
        match self {
            State::New => {
                let mut next = vec![State::InAssessment];
                next.extend(closed(&[Declined, NoContact]));
                next
            }
            State::InAssessment => {
                let mut next = vec![State::Offered, State::New];
                next.extend(closed(&[
                    ReferredSpecialist,
                    ReferredGp,
                    Declined,
                    NoContact,
                ]));
                next
            }
            State::Offered => {
                let mut next = vec![State::Active, State::InAssessment];
                next.extend(closed(&[Declined, NoContact]));
                next
            }
            State::Active => closed(&[
                Completed,
                ReferredSpecialist,
                ReferredGp,
                Declined,
                NoContact,
            ]),
            State::Closed(_) => Vec::new(),
        }
    }

    /// The person withdraws their referral: from any open state, never from a closed
    /// one. Not among `next_states`, which are staff's moves.
    pub fn withdraw(self) -> Result<State, TransitionError> {
        let to = State::Closed(Outcome::Withdrawn);
        if self.is_open() {
            Ok(to)
        } else {
            Err(TransitionError { from: self, to })
        }
    }

    /// The move, or why not.
    pub fn transition(self, to: State) -> Result<State, TransitionError> {
        if self.next_states().contains(&to) {
            Ok(to)
        } else {
            Err(TransitionError { from: self, to })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_may_withdraw_an_open_referral_but_staff_never_choose_it() {
        for open in [
            State::New,
            State::InAssessment,
            State::Offered,
            State::Active,
        ] {
            assert_eq!(open.withdraw(), Ok(State::Closed(Outcome::Withdrawn)));
            assert!(!open
                .next_states()
                .contains(&State::Closed(Outcome::Withdrawn)));
        }
        assert!(State::Closed(Outcome::Declined).withdraw().is_err());
        assert!(State::Closed(Outcome::Withdrawn).withdraw().is_err());
        assert_eq!(Outcome::parse("withdrawn"), Some(Outcome::Withdrawn));
    }

    fn all_states() -> Vec<State> {
        let mut all = vec![
            State::New,
            State::InAssessment,
            State::Offered,
            State::Active,
        ];
        all.extend(Outcome::ALL.map(State::Closed));
        all
    }

    #[test]
    fn the_ordinary_path_runs_from_new_to_completed() {
        let end = State::New
            .transition(State::InAssessment)
            .and_then(|s| s.transition(State::Offered))
            .and_then(|s| s.transition(State::Active))
            .and_then(|s| s.transition(State::Closed(Outcome::Completed)));
        assert_eq!(end, Ok(State::Closed(Outcome::Completed)));
    }

    #[test]
    fn nothing_is_offered_before_it_is_assessed() {
        assert_eq!(
            State::New.transition(State::Offered),
            Err(TransitionError {
                from: State::New,
                to: State::Offered
            })
        );
        assert!(State::New.transition(State::Active).is_err());
    }

    #[test]
    fn only_what_was_started_can_be_completed() {
        for from in [State::New, State::InAssessment, State::Offered] {
            assert!(
                from.transition(State::Closed(Outcome::Completed)).is_err(),
                "{from:?}"
            );
        }
        assert!(State::Active
            .transition(State::Closed(Outcome::Completed))
            .is_ok());
    }

    #[test]
    fn referring_on_needs_an_assessment() {
        for outcome in [Outcome::ReferredSpecialist, Outcome::ReferredGp] {
            assert!(State::New.transition(State::Closed(outcome)).is_err());
            assert!(State::InAssessment
                .transition(State::Closed(outcome))
                .is_ok());
            assert!(State::Active.transition(State::Closed(outcome)).is_ok());
        }
    }

    #[test]
    fn a_closed_referral_stays_closed() {
        for outcome in Outcome::ALL {
            let closed = State::Closed(outcome);
            assert!(closed.next_states().is_empty());
            for to in all_states() {
                assert!(closed.transition(to).is_err(), "{closed:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn no_state_moves_to_itself() {
        for state in all_states() {
            assert!(state.transition(state).is_err(), "{state:?}");
        }
    }

    #[test]
    fn steps_back_are_allowed_where_work_is_redone() {
        assert!(State::InAssessment.transition(State::New).is_ok());
        assert!(State::Offered.transition(State::InAssessment).is_ok());
        assert!(State::Active.transition(State::Offered).is_err());
    }

    #[test]
    fn keys_round_trip_and_closed_needs_an_outcome() {
        for state in all_states() {
            assert_eq!(State::parse(&state.key()), Some(state));
            let outcome = match state {
                State::Closed(o) => Some(o.key()),
                _ => None,
            };
            assert_eq!(State::from_stored(state.column(), outcome), Some(state));
        }
        assert_eq!(State::parse("closed"), None);
        assert_eq!(State::parse("closed:maybe"), None);
        assert_eq!(State::from_stored("closed", None), None);
    }

    #[test]
    fn waiting_means_new_or_in_assessment() {
        let waiting: Vec<State> = all_states()
            .into_iter()
            .filter(|s| s.is_waiting())
            .collect();
        assert_eq!(waiting, vec![State::New, State::InAssessment]);
    }
}
