//! The board: the states a referral moves through on the board, the decisions staff
//! record, and the rules of the board itself (claims, waiting times, card names).

pub mod decision;
pub mod rules;
pub mod state;

pub use decision::Decision;
pub use rules::{claim_is_live, short_name, WaitStats, CLAIM_LAPSE_SECONDS};
pub use state::{Outcome, State, TransitionError};
