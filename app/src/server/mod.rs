//! Server-only parts shared by server functions and the binary: state, database, mail.

pub mod db;
pub mod mail;
pub mod passwords;
pub mod services;
pub mod state;

pub use db::{Backend, Db};
pub use mail::{Mailer, OutgoingMail};
pub use state::AppState;
