//! One module per route area.

pub mod access_log;
pub mod account;
pub mod board;
pub mod course;
pub mod home;
pub mod login;
pub mod my_referral;
pub mod not_found;
pub mod outcome;
pub mod password_reset;
pub mod referral;
pub mod register;
pub mod rooms;
pub mod second_factor;
pub mod staff;
