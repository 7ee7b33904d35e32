//! The triage board's storage: the board itself, the work done on a referral
//! (claims, moves, decisions, notes, sharing), and a referral opened in full.

pub mod actions;
pub mod board;
pub mod detail;

pub use actions::Refusal;
pub use board::{BoardData, BoardFilter, CardRow, COLUMN_LIMIT};
