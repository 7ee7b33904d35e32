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
    /// With the demo data, a fictional year of the demo service (finished groups,
    /// measures, referrals sent elsewhere) for its figures: `scripts/dev` asks for it.
    pub demo_history: bool,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// Extra questionnaire definitions a service adds (licensed instruments).
    pub questionnaires_dir: Option<PathBuf>,
    /// Where video-room media flows: address, UDP ports, STUN/TURN for browsers.
    pub media: crate::sfu::MediaConfig,
    /// Days an untouched referral draft is kept before it is deleted.
    pub draft_retention_days: i64,
    /// The key of the access log's chain and checkpoints (not in the database).
    pub access_log_key: SecretString,
    /// The file signed checkpoints of the access log are appended to.
    pub access_log_checkpoints: PathBuf,
    /// Proxies whose `Forwarded`/`X-Forwarded-For` headers name the client.
    pub trusted_proxies: crate::client_address::TrustedProxies,
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
    "RPH_DEMO_HISTORY",
    "RPH_SHUTDOWN_GRACE_SECONDS",
    "RPH_QUESTIONNAIRES_DIR",
    "RPH_MEDIA_IP",
    "RPH_MEDIA_PORTS",
    "RPH_ICE_URLS",
    "RPH_TURN_USERNAME",
    "RPH_TURN_CREDENTIAL",
    "RPH_ICE_POLICY",
    "RPH_TRUSTED_PROXIES",
    "RPH_DRAFT_RETENTION_DAYS",
    "RPH_ACCESS_LOG_KEY",
    "RPH_ACCESS_LOG_CHECKPOINTS",
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
            // The demo accounts' passwords are published in the README.
            Some("true" | "1" | "yes") if production => {
                problems.push(
                    "RPH_SEED_DEMO cannot be true in production: the demo accounts' passwords are public"
                        .to_owned(),
                );
                false
            }
            Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(other) => {
                problems.push(format!(
                    "RPH_SEED_DEMO must be true or false, not {other:?}"
                ));
                false
            }
        };

        let demo_history = match get("RPH_DEMO_HISTORY") {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => seed_demo,
            Some(other) => {
                problems.push(format!(
                    "RPH_DEMO_HISTORY must be true or false, not {other:?}"
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

        let media = media_settings(&vars, &mut problems);

        let access_log_key = match get("RPH_ACCESS_LOG_KEY") {
            Some(key) if key.len() >= 32 => key.to_owned(),
            Some(_) => {
                problems.push("RPH_ACCESS_LOG_KEY must be at least 32 characters".to_owned());
                String::new()
            }
            None if production => {
                problems.push(
                    "RPH_ACCESS_LOG_KEY is required in production (at least 32 random characters, \
                     kept apart from the database)"
                        .to_owned(),
                );
                String::new()
            }
            None => app::server::digest::DEVELOPMENT_KEY.to_owned(),
        };

        let draft_retention_days = match get("RPH_DRAFT_RETENTION_DAYS").map(str::parse::<i64>) {
            None => 30,
            Some(Ok(days)) if (1..=365).contains(&days) => days,
            Some(_) => {
                problems.push(
                    "RPH_DRAFT_RETENTION_DAYS must be a whole number of days from 1 to 365"
                        .to_owned(),
                );
                30
            }
        };

        let trusted_proxies =
            crate::client_address::TrustedProxies::parse(get("RPH_TRUSTED_PROXIES").unwrap_or(""))
                .unwrap_or_else(|item| {
                    problems.push(format!(
                        "RPH_TRUSTED_PROXIES must list addresses or networks like 10.0.0.0/8, \
                         separated by commas, not {item:?}"
                    ));
                    Default::default()
                });

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
            demo_history,
            shutdown_grace,
            questionnaires_dir: get("RPH_QUESTIONNAIRES_DIR").map(Into::into),
            media,
            trusted_proxies,
            draft_retention_days,
            access_log_key: access_log_key.into(),
            access_log_checkpoints: get("RPH_ACCESS_LOG_CHECKPOINTS")
                .unwrap_or("data/access-log-checkpoints")
                .into(),
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

/// The SFU's network settings. webrtc-rs binds each peer connection to an address the
/// SFU picks from `RPH_MEDIA_PORTS` on `RPH_MEDIA_IP` (the host's public address in a
/// deployment). Browsers behind strict NAT or firewalls reach it through the TURN
/// servers in `RPH_ICE_URLS`.
fn media_settings(
    vars: &HashMap<String, String>,
    problems: &mut Vec<String>,
) -> crate::sfu::MediaConfig {
    let get = |key: &str| vars.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut media = crate::sfu::MediaConfig::default();
    if let Some(ip) = get("RPH_MEDIA_IP") {
        match ip.parse::<std::net::IpAddr>() {
            Ok(ip) if !ip.is_unspecified() => media.ip = ip,
            _ => problems.push(format!(
                "RPH_MEDIA_IP must be the one address media binds, like 203.0.113.5, not {ip:?}"
            )),
        }
    }
    if let Some(ports) = get("RPH_MEDIA_PORTS") {
        let parsed = ports.split_once('-').and_then(|(low, high)| {
            Some((
                low.trim().parse::<u16>().ok()?,
                high.trim().parse::<u16>().ok()?,
            ))
        });
        match parsed {
            Some((low, high)) if low > 0 && low <= high => media.ports = low..=high,
            _ => problems.push(format!(
                "RPH_MEDIA_PORTS must be a range like 40000-40999, not {ports:?}"
            )),
        }
    }
    if let Some(urls) = get("RPH_ICE_URLS") {
        let urls: Vec<String> = urls
            .split(',')
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        for url in &urls {
            if !(url.starts_with("stun:") || url.starts_with("turn:") || url.starts_with("turns:"))
            {
                problems.push(format!(
                    "RPH_ICE_URLS must list stun:, turn: or turns: addresses, not {url:?}"
                ));
            }
        }
        let (stun, turn): (Vec<String>, Vec<String>) =
            urls.into_iter().partition(|u| u.starts_with("stun:"));
        if !stun.is_empty() {
            media.ice_servers.push(crate::sfu::signal::IceServer {
                urls: stun,
                username: String::new(),
                credential: String::new(),
            });
        }
        if !turn.is_empty() {
            let username = get("RPH_TURN_USERNAME").unwrap_or("").to_owned();
            let credential = get("RPH_TURN_CREDENTIAL").unwrap_or("").to_owned();
            if username.is_empty() || credential.is_empty() {
                problems.push(
                    "RPH_TURN_USERNAME and RPH_TURN_CREDENTIAL are needed with turn: addresses"
                        .to_owned(),
                );
            }
            media.ice_servers.push(crate::sfu::signal::IceServer {
                urls: turn,
                username,
                credential,
            });
        }
    }
    match get("RPH_ICE_POLICY").unwrap_or("all") {
        "all" => {}
        "relay" => media.ice_policy = "relay".to_owned(),
        other => problems.push(format!(
            "RPH_ICE_POLICY must be all or relay, not {other:?}"
        )),
    }
    media
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
        assert!(text.contains("RPH_ACCESS_LOG_KEY is required"), "{text}");
        assert_eq!(err.problems.len(), 4);
    }

    #[test]
    fn production_with_secure_settings_starts_without_demo_data() {
        let s = Settings::from_vars(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://rph.example/"),
            ("RPH_SESSION_SECRET", "0123456789abcdef0123456789abcdef"),
            ("RPH_SMTP_URL", "smtp://mail.example:587"),
            (
                "RPH_ACCESS_LOG_KEY",
                "another test key for the access log, long",
            ),
        ]))
        .unwrap();
        assert!(s.is_production());
        assert_eq!(s.public_url, "https://rph.example");
        assert!(!s.seed_demo);
    }

    #[test]
    fn production_refuses_demo_data() {
        let err = Settings::from_vars(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://rph.example"),
            ("RPH_SESSION_SECRET", "0123456789abcdef0123456789abcdef"),
            ("RPH_SMTP_URL", "smtp://mail.example:587"),
            (
                "RPH_ACCESS_LOG_KEY",
                "another test key for the access log, long",
            ),
            ("RPH_SEED_DEMO", "true"),
        ]))
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("RPH_SEED_DEMO cannot be true in production"),
            "{err}"
        );
        assert_eq!(err.problems.len(), 1);
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let s = Settings::from_vars(vars(&[("RPH_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]));
        assert!(s.is_ok());
        let err =
            Settings::from_vars(vars(&[("RPH_TRUSTED_PROXIES", "10.0.0.0/8, proxy")])).unwrap_err();
        assert!(err.to_string().contains("RPH_TRUSTED_PROXIES"), "{err}");
        assert!(err.to_string().contains("\"proxy\""), "{err}");
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

    #[test]
    fn media_settings_take_a_port_range_turn_servers_and_a_relay_policy() {
        let settings = Settings::from_vars(
            [
                ("RPH_MEDIA_IP", "203.0.113.5"),
                ("RPH_MEDIA_PORTS", "50000-50099"),
                (
                    "RPH_ICE_URLS",
                    "stun:stun.example:3478, turn:turn.example:3478?transport=udp",
                ),
                ("RPH_TURN_USERNAME", "rph"),
                ("RPH_TURN_CREDENTIAL", "hemmelig"),
                ("RPH_ICE_POLICY", "relay"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        )
        .expect("valid");
        assert_eq!(settings.media.ip.to_string(), "203.0.113.5");
        assert_eq!(settings.media.ports, 50000..=50099);
        assert_eq!(settings.media.ice_servers.len(), 2);
        assert_eq!(settings.media.ice_servers[1].username, "rph");
        assert_eq!(settings.media.ice_policy, "relay");
    }

    #[test]
    fn bad_media_settings_are_named() {
        let error = Settings::from_vars(
            [
                ("RPH_MEDIA_IP", "0.0.0.0"),
                ("RPH_MEDIA_PORTS", "50099-50000"),
                ("RPH_ICE_URLS", "turn:turn.example:3478,http://x"),
                ("RPH_ICE_POLICY", "sometimes"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        )
        .expect_err("invalid");
        let all = error.problems.join("\n");
        for name in [
            "RPH_MEDIA_IP",
            "RPH_MEDIA_PORTS",
            "RPH_ICE_URLS",
            "RPH_TURN_USERNAME",
            "RPH_ICE_POLICY",
        ] {
            assert!(all.contains(name), "{name} is not named in:\n{all}");
        }
    }
}
