//! Pure domain rules: no Leptos, no database, no I/O.

pub mod identity;
pub mod language;
pub mod password;
