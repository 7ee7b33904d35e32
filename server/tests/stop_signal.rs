//! The stop signals are caught as soon as `stop_signal` returns, before anything is
//! polled: `main` calls it before the banner, so a SIGTERM once the server is up is
//! always handled. The full run of 2026-12-04 failed `sigterm_stops_the_server_cleanly`
//! when they were listened for only once axum's graceful-shutdown task first ran: the
//! process died of the SIGTERM sent after its first answer, with an empty log.
//!
//! A test binary of its own: once caught, the signals stay caught for the process, and
//! the API suite's binary must still stop when `timeout` sends it SIGTERM.

#[tokio::test]
async fn the_stop_signals_are_caught_before_the_server_runs() {
    let stop = server::startup::stop_signal().expect("signals can be listened for");
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let caught = status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .map(|mask| u64::from_str_radix(mask.trim(), 16).unwrap())
        .expect("SigCgt in /proc/self/status");
    for (name, number) in [("SIGTERM", 15), ("SIGINT", 2)] {
        assert!(
            caught & (1 << (number - 1)) != 0,
            "{name} is not caught yet (SigCgt {caught:x})"
        );
    }
    drop(stop);
}
