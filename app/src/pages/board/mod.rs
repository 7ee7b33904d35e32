//! The triage board, a referral opened in full, and what is shared with a guest.

mod card;
mod live;
mod page;
mod referral;
mod shared;

pub use page::BoardPage;
pub use referral::ReferralPage;
pub use shared::SharedPage;
