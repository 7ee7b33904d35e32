//! The server: configuration, start-up, routes outside Leptos, security headers, seeding.

pub mod body_limit;
pub mod client_address;
pub mod commands;
pub mod config;
pub mod csrf;
pub mod form_errors;
pub mod routes;
pub mod security;
pub mod seed;
pub mod session_layer;
pub mod sfu;
pub mod startup;
pub mod telemetry;
