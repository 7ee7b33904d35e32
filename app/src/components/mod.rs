//! Pieces of the page shared by every route.

pub mod crisis_box;
pub mod error_summary;
pub mod field;
pub mod language_switch;
pub mod layout;

pub use crisis_box::CrisisBox;
pub use error_summary::ErrorSummary;
pub use field::Field;
pub use language_switch::LanguageSwitch;
pub use layout::Layout;
