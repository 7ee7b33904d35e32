//! Server functions, one module per area. Each checks who is asking first,
//! then calls one plain function and maps its error.

pub mod access_log;
pub mod auth;
pub mod board;
pub mod board_types;
#[cfg(feature = "ssr")]
mod board_views;
pub mod password_reset;
pub mod referral;
pub mod referral_types;
pub mod registration;
pub mod rooms;
pub mod site;
pub mod staff;
