//! Pure domain rules: no Leptos, no database, no I/O.

pub mod access;
pub mod board;
pub mod capability;
pub mod clock;
pub mod course;
pub mod field;
pub mod identity;
pub mod language;
pub mod national_id;
pub mod outcome;
pub mod password;
pub mod path;
pub mod questionnaire;
pub mod referral;
pub mod room;
