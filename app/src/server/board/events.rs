//! Changes on the triage board, told to every open board at once.
//!
//! On SQLite (one server) a change goes straight into an in-process channel. On
//! PostgreSQL it goes through `NOTIFY`, and each server instance `LISTEN`s and feeds
//! its own channel, so boards stay live across several instances sharing the database.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use crate::server::Backend;

const CHANNEL: &str = "rph_board";

/// How long a first subscriber waits for the PostgreSQL listener to be in place. It
/// connects and listens within milliseconds; this bounds the wait when the database
/// cannot be reached (the stream then opens, and goes live once the listener does).
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// One referral of one service changed; boards of that service fetch again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardChange {
    pub service_id: i64,
    pub referral_id: i64,
}

impl BoardChange {
    fn payload(self) -> String {
        format!("{}:{}", self.service_id, self.referral_id)
    }

    fn from_payload(payload: &str) -> Option<BoardChange> {
        let (service, referral) = payload.split_once(':')?;
        Some(BoardChange {
            service_id: service.parse().ok()?,
            referral_id: referral.parse().ok()?,
        })
    }
}

#[derive(Clone, Debug)]
pub struct BoardEvents {
    sender: broadcast::Sender<BoardChange>,
    backend: Backend,
    /// The PostgreSQL URL to listen on; the listener starts with the first subscriber.
    url: Arc<str>,
    /// Whether the listener has `LISTEN` in place, once it has been started.
    listening: Arc<OnceLock<watch::Receiver<bool>>>,
}

impl BoardEvents {
    pub fn new(backend: Backend, url: &str) -> BoardEvents {
        // Shallow: a board that falls this far behind fetches once and is current again.
        let (sender, _) = broadcast::channel(256);
        BoardEvents {
            sender,
            backend,
            url: url.into(),
            listening: Arc::new(OnceLock::new()),
        }
    }

    /// Tells every open board (in every instance) that a referral changed. Call after
    /// the change is committed.
    pub async fn publish(&self, pool: &sqlx::AnyPool, change: BoardChange) {
        match self.backend {
            Backend::Sqlite => {
                // No receivers is fine: nobody has a board open.
                let _ = self.sender.send(change);
            }
            Backend::Postgres => {
                let sent = sqlx::query("select pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(change.payload())
                    .execute(pool)
                    .await;
                if let Err(error) = sent {
                    tracing::error!(error = ?error, "could not announce a board change");
                }
            }
        }
    }

    /// Changes from now on. On PostgreSQL the first subscriber starts the listener and
    /// waits until it listens: answering at once, before `LISTEN` was in place, lost
    /// every change made in between (a board opened first after a start missed them).
    pub async fn subscribe(&self) -> broadcast::Receiver<BoardChange> {
        let receiver = self.sender.subscribe();
        if self.backend == Backend::Postgres {
            let mut listening = self
                .listening
                .get_or_init(|| {
                    let (listening, ready) = watch::channel(false);
                    tokio::spawn(listen(self.url.to_string(), self.sender.clone(), listening));
                    ready
                })
                .clone();
            let _ = tokio::time::timeout(LISTEN_WAIT, listening.wait_for(|up| *up)).await;
        }
        receiver
    }
}

/// Feeds PostgreSQL notifications into the channel for as long as the process runs,
/// connecting again after a lost connection.
async fn listen(
    url: String,
    sender: broadcast::Sender<BoardChange>,
    listening: watch::Sender<bool>,
) {
    use sqlx::postgres::PgListener;
    loop {
        let mut listener = match PgListener::connect(&url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(error = ?error, "cannot listen for board changes; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::error!(error = ?error, "cannot listen for board changes; trying again");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        listening.send_replace(true);
        loop {
            match listener.recv().await {
                Ok(notification) => {
                    if let Some(change) = BoardChange::from_payload(notification.payload()) {
                        let _ = sender.send(change);
                    }
                }
                Err(error) => {
                    tracing::warn!(error = ?error, "board change listener lost its connection");
                    listening.send_replace(false);
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        let change = BoardChange {
            service_id: 3,
            referral_id: 4711,
        };
        assert_eq!(BoardChange::from_payload(&change.payload()), Some(change));
        assert_eq!(BoardChange::from_payload("3"), None);
        assert_eq!(BoardChange::from_payload("x:1"), None);
    }
}
