//! Integration tests: the whole server on port 0, over HTTP, on SQLite and PostgreSQL.

mod helpers;

mod health;
mod mail;
mod pages;
mod seeding;
mod shutdown;
