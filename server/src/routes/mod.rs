//! HTTP routes outside Leptos.

pub mod health;
pub mod language;
