//! Typed configuration from environment variables, with defaults that work on a fresh machine.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

/// Where the product runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Every setting, parsed and checked.
#[derive(Clone, Debug)]
pub struct Settings {
    pub environment: Environment,
    /// Address the HTTP listener binds (port 0 picks a free one).
    pub bind: SocketAddr,
    /// The address people use, e.g. `https://rph.kommune.no`.
    pub public_url: String,
    pub database_url: SecretString,
    /// Directory with `pkg/` (the browser bundle and stylesheet) and public files.
    pub site_root: PathBuf,
    pub session_secret: SecretString,
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    pub outbox_dir: PathBuf,
    pub seed_demo: bool,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// Extra questionnaire definitions a service adds (licensed instruments).
    pub questionnaires_dir: Option<PathBuf>,
}

/// Settings that cannot be used, each problem named with its variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n  - {}", .problems.join("\n  - "))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

/// The variables this program reads. Unknown `RPH_*` variables are rejected,
/// so a misspelt setting is never silently ignored.
pub const KNOWN_VARIABLES: &[&str] = &[
    "APP_ENV",
    "DATABASE_URL",
    "PUBLIC_URL",
    "RPH_BIND",
    "RPH_SITE_ROOT",
    "RPH_SESSION_SECRET",
    "RPH_SMTP_URL",
    "RPH_MAIL_FROM",
    "RPH_OUTBOX_DIR",
    "RPH_SEED_DEMO",
    "RPH_SHUTDOWN_GRACE_SECONDS",
    "RPH_QUESTIONNAIRES_DIR",
];

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_vars(std::env::vars())
    }

    /// Reads settings from name/value pairs; tests pass their own.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .filter(|(k, _)| k.starts_with("RPH_") || KNOWN_VARIABLES.contains(&k.as_str()))
            .collect();
        let mut problems = Vec::new();
        for key in vars.keys() {
            if !KNOWN_VARIABLES.contains(&key.as_str()) {
                problems.push(format!(
                    "{key} is not a known setting (known: {})",
                    KNOWN_VARIABLES.join(", ")
                ));
            }
        }
        let get = |key: &str| vars.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());

        let environment = match get("APP_ENV").unwrap_or("development") {
            "development" | "dev" => Environment::Development,
            "production" | "prod" => Environment::Production,
            other => {
                problems.push(format!(
                    "APP_ENV must be development or production, not {other:?}"
                ));
                Environment::Development
            }
        };
        let production = environment == Environment::Production;

        let bind = get("RPH_BIND").unwrap_or("127.0.0.1:3000");
        let bind = bind.parse().unwrap_or_else(|_| {
            problems.push(format!(
                "RPH_BIND must be an address like 127.0.0.1:3000, not {bind:?}"
            ));
            SocketAddr::from(([127, 0, 0, 1], 3000))
        });

        let public_url = get("PUBLIC_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            problems.push(format!(
                "PUBLIC_URL must start with http:// or https://, not {public_url:?}"
            ));
        } else if production && !public_url.starts_with("https://") {
            problems.push("PUBLIC_URL must use https:// in production".to_owned());
        }

        let database_url = get("DATABASE_URL")
            .unwrap_or("sqlite://data/rph.sqlite3")
            .to_owned();
        if app::server::Backend::from_url(&database_url).is_none() {
            problems.push("DATABASE_URL must start with sqlite:// or postgres://".to_owned());
        }

        let session_secret = match get("RPH_SESSION_SECRET") {
            Some(secret) if secret.len() >= 32 => secret.to_owned(),
            Some(_) => {
                problems.push("RPH_SESSION_SECRET must be at least 32 characters".to_owned());
                String::new()
            }
            None if production => {
                problems.push(
                    "RPH_SESSION_SECRET is required in production (at least 32 random characters)"
                        .to_owned(),
                );
                String::new()
            }
            // Development: a fresh random secret each start is fine.
            None => random_secret(),
        };

        let smtp_url = get("RPH_SMTP_URL").map(|u| u.to_owned());
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                problems.push("RPH_SMTP_URL must start with smtp:// or smtps://".to_owned());
            }
        } else if production {
            problems.push(
                "RPH_SMTP_URL is required in production: mail must not only be written to files"
                    .to_owned(),
            );
        }

        let seed_demo = match get("RPH_SEED_DEMO") {
            None => !production,
            Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(other) => {
                problems.push(format!(
                    "RPH_SEED_DEMO must be true or false, not {other:?}"
                ));
                false
            }
        };

        let shutdown_grace = match get("RPH_SHUTDOWN_GRACE_SECONDS").map(str::parse::<u64>) {
            None => Duration::from_secs(20),
            Some(Ok(s)) => Duration::from_secs(s),
            Some(Err(_)) => {
                problems.push("RPH_SHUTDOWN_GRACE_SECONDS must be a whole number".to_owned());
                Duration::from_secs(20)
            }
        };

        if !problems.is_empty() {
            problems.sort();
            return Err(ConfigError { problems });
        }
        Ok(Settings {
            environment,
            bind,
            public_url,
            database_url: database_url.into(),
            site_root: get("RPH_SITE_ROOT").unwrap_or("target/site").into(),
            session_secret: session_secret.into(),
            smtp_url: smtp_url.map(Into::into),
            mail_from: get("RPH_MAIL_FROM")
                .unwrap_or("Rask psykisk helsehjelp <ikke-svar@localhost>")
                .to_owned(),
            outbox_dir: get("RPH_OUTBOX_DIR").unwrap_or("data/outbox").into(),
            seed_demo,
            shutdown_grace,
            questionnaires_dir: get("RPH_QUESTIONNAIRES_DIR").map(Into::into),
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

fn random_secret() -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_fresh_machine_needs_no_settings() {
        let s = Settings::from_vars(vars(&[])).unwrap();
        assert_eq!(s.environment, Environment::Development);
        assert_eq!(s.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert!(s.database_url().starts_with("sqlite://data/"));
        assert!(s.seed_demo);
        assert!(s.smtp_url.is_none());
    }

    #[test]
    fn production_refuses_insecure_defaults_and_names_each() {
        let err = Settings::from_vars(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "http://rph.example"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("RPH_SESSION_SECRET is required"), "{text}");
        assert!(text.contains("RPH_SMTP_URL is required"), "{text}");
        assert!(text.contains("PUBLIC_URL must use https://"), "{text}");
        assert_eq!(err.problems.len(), 3);
    }

    #[test]
    fn production_with_secure_settings_starts_without_demo_data() {
        let s = Settings::from_vars(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://rph.example/"),
            ("RPH_SESSION_SECRET", "0123456789abcdef0123456789abcdef"),
            ("RPH_SMTP_URL", "smtp://mail.example:587"),
        ]))
        .unwrap();
        assert!(s.is_production());
        assert_eq!(s.public_url, "https://rph.example");
        assert!(!s.seed_demo);
    }

    #[test]
    fn demo_data_in_production_only_when_asked_for() {
        let s = Settings::from_vars(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://rph.example"),
            ("RPH_SESSION_SECRET", "0123456789abcdef0123456789abcdef"),
            ("RPH_SMTP_URL", "smtp://mail.example:587"),
            ("RPH_SEED_DEMO", "true"),
        ]))
        .unwrap();
        assert!(s.seed_demo);
    }

    #[test]
    fn misspelt_settings_are_rejected() {
        let err = Settings::from_vars(vars(&[("RPH_SMPT_URL", "smtp://x")])).unwrap_err();
        assert!(err
            .to_string()
            .contains("RPH_SMPT_URL is not a known setting"));
    }

    #[test]
    fn unrelated_environment_variables_are_ignored() {
        assert!(Settings::from_vars(vars(&[("HOME", "/root"), ("PATH", "/bin")])).is_ok());
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings::from_vars(vars(&[
            ("RPH_SESSION_SECRET", "very-secret-value-very-secret-value"),
            ("DATABASE_URL", "postgres://u:hunter2@localhost/rph"),
        ]))
        .unwrap();
        let debug = format!("{s:?}");
        assert!(!debug.contains("very-secret-value"));
        assert!(!debug.contains("hunter2"));
    }
}
