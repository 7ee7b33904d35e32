//! Logging with `tracing` to stderr: an env filter (`RUST_LOG`), one span per request.

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber. Safe to call more than once (tests do).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(
            "info,sqlx=warn,tower_http=info,webrtc=warn,rtc=warn,rtc_ice=warn,rtc_dtls=warn",
        )
    });
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}
