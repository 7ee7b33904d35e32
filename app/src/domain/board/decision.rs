//! The decisions intake records about a referral, and where each leaves it.

use serde::{Deserialize, Serialize};

use super::state::{Outcome, State};

/// What the service decides to do for the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    GuidedSelfHelp,
    GroupCourse,
    Individual,
    ReferSpecialist,
    ReferGp,
    NoOffer,
}

/// The longest reason kept with a decision or note.
pub const MAX_TEXT: usize = 4000;

impl Decision {
    pub const ALL: [Decision; 6] = [
        Decision::GuidedSelfHelp,
        Decision::GroupCourse,
        Decision::Individual,
        Decision::ReferSpecialist,
        Decision::ReferGp,
        Decision::NoOffer,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Decision::GuidedSelfHelp => "guided_self_help",
            Decision::GroupCourse => "group_course",
            Decision::Individual => "individual",
            Decision::ReferSpecialist => "refer_specialist",
            Decision::ReferGp => "refer_gp",
            Decision::NoOffer => "no_offer",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.key() == s)
    }

    /// An offer the person can take up (and a course can later attach to).
    pub fn is_offer(self) -> bool {
        matches!(
            self,
            Decision::GuidedSelfHelp | Decision::GroupCourse | Decision::Individual
        )
    }

    /// Where the referral goes once this is decided.
    pub fn resulting_state(self) -> State {
        match self {
            Decision::GuidedSelfHelp | Decision::GroupCourse | Decision::Individual => {
                State::Offered
            }
            Decision::ReferSpecialist => State::Closed(Outcome::ReferredSpecialist),
            Decision::ReferGp => State::Closed(Outcome::ReferredGp),
            Decision::NoOffer => State::Closed(Outcome::Declined),
        }
    }

    /// Decisions are made on an assessed referral: the state machine must allow the
    /// move from where the referral is.
    pub fn allowed_from(self, state: State) -> bool {
        state == State::InAssessment && state.transition(self.resulting_state()).is_ok()
    }
}

/// A reason or note as kept: trimmed, not empty, not longer than [`MAX_TEXT`].
pub fn clean_text(text: &str) -> Result<String, TextProblem> {
    let text = text.trim();
    if text.is_empty() {
        Err(TextProblem::Empty)
    } else if text.chars().count() > MAX_TEXT {
        Err(TextProblem::TooLong)
    } else {
        Ok(text.to_owned())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_leave_the_referral_offered_and_the_rest_close_it() {
        for decision in Decision::ALL {
            let state = decision.resulting_state();
            assert_eq!(decision.is_offer(), state == State::Offered, "{decision:?}");
            if !decision.is_offer() {
                assert!(!state.is_open(), "{decision:?}");
            }
        }
        assert_eq!(
            Decision::ReferSpecialist.resulting_state(),
            State::Closed(Outcome::ReferredSpecialist)
        );
        assert_eq!(
            Decision::ReferGp.resulting_state(),
            State::Closed(Outcome::ReferredGp)
        );
        assert_eq!(
            Decision::NoOffer.resulting_state(),
            State::Closed(Outcome::Declined)
        );
    }

    #[test]
    fn every_decision_is_made_on_an_assessed_referral_only() {
        for decision in Decision::ALL {
            assert!(decision.allowed_from(State::InAssessment), "{decision:?}");
            for state in [
                State::New,
                State::Offered,
                State::Active,
                State::Closed(Outcome::Declined),
            ] {
                assert!(!decision.allowed_from(state), "{decision:?} from {state:?}");
            }
        }
    }

    #[test]
    fn keys_round_trip() {
        for decision in Decision::ALL {
            assert_eq!(Decision::parse(decision.key()), Some(decision));
        }
        assert_eq!(Decision::parse("maybe"), None);
    }

    #[test]
    fn a_reason_is_trimmed_and_neither_empty_nor_endless() {
        assert_eq!(
            clean_text("  Moderate symptoms. "),
            Ok("Moderate symptoms.".into())
        );
        assert_eq!(clean_text(" \n "), Err(TextProblem::Empty));
        assert_eq!(
            clean_text(&"x".repeat(MAX_TEXT)).map(|t| t.len()),
            Ok(MAX_TEXT)
        );
        assert_eq!(
            clean_text(&"x".repeat(MAX_TEXT + 1)),
            Err(TextProblem::TooLong)
        );
    }
}
