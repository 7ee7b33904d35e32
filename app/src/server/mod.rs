//! Server-only parts shared by server functions and the binary: state, database, mail.

pub mod access_log;
pub mod accounts;
pub mod assets;
pub mod auth;
pub mod board;
pub mod calendar;
pub mod cookies;
pub mod course_attendance;
pub mod course_measures;
pub mod course_reminders;
pub mod courses;
pub mod db;
pub mod digest;
pub mod emails;
pub mod fhir;
pub mod form_errors;
pub mod instruments;
pub mod jobs;
pub mod known_devices;
pub mod mail;
pub mod passwords;
pub mod principal;
pub mod rate_limit;
pub mod referrals;
pub mod rooms;
pub mod second_factor;
pub mod services;
pub mod sessions;
pub mod staff;
pub mod state;
pub mod tokens;
pub mod totp;

pub use db::{Backend, Db};
pub use mail::{Mailer, OutgoingMail};
pub use state::AppState;
