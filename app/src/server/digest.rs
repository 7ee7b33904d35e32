//! Digests written as text: hex, and the keyed digest (HMAC-SHA-256) that chains the
//! access log and signs its checkpoints.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of the chain and its checkpoints.
#[derive(Clone)]
pub struct ChainKey(Arc<Vec<u8>>);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(…)")
    }
}

impl ChainKey {
    pub fn new(key: &[u8]) -> ChainKey {
        ChainKey(Arc::new(key.to_vec()))
    }

    /// The key used where none is set (development and tests; production requires
    /// `RPH_ACCESS_LOG_KEY`).
    pub fn development() -> ChainKey {
        ChainKey::new(DEVELOPMENT_KEY.as_bytes())
    }

    pub(crate) fn mac(&self, text: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            // HMAC takes keys of any length; never reached, and nothing could match it.
            return String::new();
        };
        mac.update(text.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// Not secret: only for development and tests.
pub const DEVELOPMENT_KEY: &str = "development access log key, not for production use";
