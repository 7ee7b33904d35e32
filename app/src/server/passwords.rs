//! Argon2id password hashing, always off the async runtime.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// A password as typed. Deliberately neither `Debug` nor `Serialize`.
pub struct Password(String);

impl Password {
    pub fn new(plain: impl Into<String>) -> Password {
        Password(plain.into())
    }
}

/// Argon2id with the OWASP recommendation: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("password task was cancelled")]
    Join(#[from] tokio::task::JoinError),
}

/// Hashes a password into a PHC string, on a blocking thread.
pub async fn hash(password: Password) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(PasswordError::Hash)
    })
    .await?
}

/// A valid hash of nothing anyone knows, so an unknown account costs the same time.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Q2hbFO1kK1PzJ3m2ZyDqtbJ8AJGQvAbbZk6J3Yd2n+E";

/// Checks a password against a stored hash, or against a dummy when there is none,
/// so the answer takes the same time whether the account exists or not.
pub async fn verify(password: Password, stored: Option<String>) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let ok = match PasswordHash::new(&phc) {
            Ok(parsed) => hasher()
                .verify_password(password.0.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        };
        Ok(known && ok)
    })
    .await?
}

const COMMON: &str = include_str!("../../../seeds/common-passwords.txt");

/// True when the (lower-cased) password is on the shipped list of common passwords.
pub fn is_common(lowered: &str) -> bool {
    static LIST: std::sync::LazyLock<std::collections::HashSet<String>> =
        std::sync::LazyLock::new(|| {
            COMMON
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_lowercase)
                .collect()
        });
    LIST.contains(lowered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let phc = hash(Password::new("korrekt hest batteri")).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify(Password::new("korrekt hest batteri"), Some(phc.clone()))
                .await
                .unwrap()
        );
        assert!(!verify(Password::new("feil passord"), Some(phc))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify(Password::new("anything"), None).await.unwrap());
    }

    #[test]
    fn the_shipped_common_list_is_loaded() {
        assert!(is_common("passord123"));
        assert!(is_common("qwertyuiop"));
        assert!(!is_common("en lang setning om sommeren"));
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
