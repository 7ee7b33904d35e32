//! The server: configuration, start-up, routes outside Leptos, security headers, seeding.

/// mimalloc instead of the system's allocator: rendering a page allocates many small
/// strings, and glibc's malloc took about a sixth of a page's CPU (scripts/bench).
/// Declared in the library, so the binary, the tests and the benchmarks use the same.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod body_limit;
pub mod client_address;
pub mod commands;
pub mod config;
pub mod csrf;
pub mod every_request;
pub mod form_errors;
pub mod room_records;
pub mod routes;
pub mod security;
pub mod seed;
pub mod seed_history;
pub mod session_layer;
pub mod sfu;
pub mod startup;
pub mod telemetry;
pub mod whole_pages;
