//! Pieces of the page shared by every route.

pub mod call_us;
pub mod confirm_first;
pub mod copy_link;
pub mod crisis_box;
pub mod error_summary;
pub mod field;
pub mod form_parts;
pub mod idle_warning;
pub mod island_scripts;
pub mod keep_on_leave;
pub mod language_switch;
pub mod layout;
pub mod link_form;
pub mod login_first;
pub mod work_links;

pub use call_us::call_us;
pub use confirm_first::ConfirmFirst;
pub use copy_link::{CopyLink, CopyLinkScript};
pub use crisis_box::CrisisBox;
pub use error_summary::ErrorSummary;
pub use field::Field;
pub use form_parts::{Choices, TextInput};
pub use idle_warning::IdleWarning;
pub use island_scripts::IslandScripts;
pub use keep_on_leave::KeepOnLeaveScript;
pub use language_switch::LanguageSwitch;
pub use layout::Layout;
pub use link_form::{LinkToken, NewPasswordField};
pub use login_first::LoginFirst;
pub use work_links::{not_for_you, work_links};
