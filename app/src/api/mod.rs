//! Server functions, one module per area, each in one shape: `mod.rs` holds the
//! `#[server]` functions (what the browser calls), `types.rs` what crosses the wire,
//! and `ssr.rs` the work, server only: who is asking first, then the repositories.

pub mod access_log;
pub mod auth;
pub mod board;
pub mod course;
pub mod outcome;
pub mod password_reset;
pub mod referral;
pub mod registration;
pub mod rooms;
pub mod site;
pub mod staff;
