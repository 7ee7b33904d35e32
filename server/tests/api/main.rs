//! Integration tests: the whole server on port 0, over HTTP, on SQLite and PostgreSQL.

// A failed unwrap is a failed test, which is what we want here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod access_log;
mod auth;
mod authorization;
mod board;
mod health;
mod mail;
mod pages;
mod password_reset;
mod referral;
mod registration;
mod rooms;
mod second_factor;
mod seeding;
mod shutdown;
mod staff;
