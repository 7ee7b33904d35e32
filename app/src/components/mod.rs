//! Pieces of the page shared by every route.

pub mod crisis_box;
pub mod error_summary;
pub mod field;
pub mod form_parts;
pub mod idle_warning;
pub mod island_scripts;
pub mod language_switch;
pub mod layout;
pub mod link_form;

pub use crisis_box::CrisisBox;
pub use error_summary::ErrorSummary;
pub use field::Field;
pub use form_parts::{Choices, TextInput};
pub use idle_warning::IdleWarning;
pub use island_scripts::IslandScripts;
pub use language_switch::LanguageSwitch;
pub use layout::Layout;
pub use link_form::{LinkToken, NewPasswordField};
