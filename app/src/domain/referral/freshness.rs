//! Filled in once: whether an earlier answer to an instrument can be reused.

/// How long answers stay fresh unless a service sets its own window.
pub const DEFAULT_REUSE_DAYS: i64 = 14;

/// An answer given at `answered_at` may be reused at `now` when it is no older than
/// the service's window (in days). Answers from the future (a clock fault) are not reused.
pub fn is_fresh(answered_at: i64, now: i64, window_days: i64) -> bool {
    let age = now - answered_at;
    (0..=window_days.max(0) * 86_400).contains(&age)
}
