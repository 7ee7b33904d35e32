//! One module per route area.

pub mod home;
pub mod not_found;
