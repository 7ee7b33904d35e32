//! Integration tests: the whole server on port 0, over HTTP, on SQLite and PostgreSQL.

// A failed unwrap is a failed test, which is what we want here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
#[path = "../support/relay.rs"]
mod relay;
#[path = "../support/signals.rs"]
mod signals;
// Shared with the SFU benchmark, which uses other parts of it.
#[allow(dead_code)]
#[path = "../support/synthetic.rs"]
mod synthetic;

mod access_log;
mod auth;
mod authorization;
mod board;
mod course_catalogue;
mod course_groups;
mod courses;
mod health;
mod mail;
mod outcomes;
mod pages;
mod password_reset;
mod referral;
mod registration;
mod retention;
mod rooms;
mod rooms_under_stress;
mod second_factor;
mod seeding;
mod serving;
mod shutdown;
mod staff;
mod structure;
