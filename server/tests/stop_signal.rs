//! The stop signals are caught as soon as `stop_signal` returns, before anything is
//! polled: `main` calls it before the banner, so a SIGTERM once the server is up is
//! always handled. The full run of 2026-12-04 failed `sigterm_stops_the_server_cleanly`
//! when they were listened for only once axum's graceful-shutdown task first ran: the
//! process died of the SIGTERM sent after its first answer, with an empty log.
//!
//! A test binary of its own: once caught, the signals stay caught for the process, and
//! the API suite's binary must still stop when `timeout` sends it SIGTERM.

// A failed unwrap is a failed test, which is what we want here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/signals.rs"]
mod signals;

use signals::{catches, caught_signals};

#[tokio::test]
async fn the_stop_signals_are_caught_before_the_server_runs() {
    let stop = server::startup::stop_signal().expect("signals can be listened for");
    let caught = caught_signals("/proc/self/status");
    for (name, number) in [("SIGTERM", 15), ("SIGINT", 2)] {
        assert!(
            catches(caught, number),
            "{name} is not caught yet (SigCgt {caught:x})"
        );
    }
    drop(stop);
}
