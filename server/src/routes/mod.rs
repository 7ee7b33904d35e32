//! HTTP routes outside Leptos.

pub mod board_events;
pub mod fhir;
pub mod figures;
pub mod health;
pub mod language;
pub mod room_socket;
pub mod site_files;
pub mod trajectory;
