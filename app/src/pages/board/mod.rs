//! The triage board, a referral opened in full, and what is shared with a guest.

mod board;
mod card;
mod live;
mod referral;
mod shared;

pub use board::BoardPage;
pub use referral::ReferralPage;
pub use shared::SharedPage;
