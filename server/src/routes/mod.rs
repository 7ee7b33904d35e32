//! HTTP routes outside Leptos.

pub mod fhir;
pub mod health;
pub mod language;
