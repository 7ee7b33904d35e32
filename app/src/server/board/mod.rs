//! The triage board's storage: the board itself, the work done on a referral
//! (claims, moves, decisions, notes, sharing), and a referral opened in full.

pub mod actions;
pub mod alerts;
pub mod columns;
pub mod detail;
pub mod events;

pub use actions::Refusal;
pub use columns::{BoardData, BoardFilter, CardRow, COLUMN_LIMIT};
