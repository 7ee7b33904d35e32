//! Changes on the triage board, told to every open board at once.
//!
//! On SQLite (one server) a change goes straight into an in-process channel. On
//! PostgreSQL it goes through `NOTIFY`, and each server instance `LISTEN`s and feeds
//! its own channel, so boards stay live across several instances sharing the database.
//! A notification sent while the listener has no connection is gone for good, so after
//! a lost connection every open board is told to fetch everything once it listens again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use crate::server::Backend;

const CHANNEL: &str = "rph_board";

/// How long a first subscriber waits for the PostgreSQL listener to be in place. It
/// connects and listens within milliseconds; this bounds the wait when the database
/// cannot be reached (the stream then opens, and goes live once the listener does).
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// What an open board hears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoardNews {
    /// One referral changed: boards of its service fetch again.
    Changed(BoardChange),
    /// Changes may have been missed (the listener lost its connection): every board
    /// fetches everything.
    Missed,
}

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
    sender: broadcast::Sender<BoardNews>,
    backend: Backend,
    /// The PostgreSQL URL to listen on; the listener starts with the first subscriber.
    url: Arc<str>,
    /// Whether the listener has `LISTEN` in place, once it has been started.
    listening: Arc<OnceLock<watch::Receiver<bool>>>,
    /// A stream opened before the listener listened (its wait ran out): whoever sees
    /// the listener up first tells every board to fetch everything.
    unheard: Arc<AtomicBool>,
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
            unheard: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Tells every open board (in every instance) that a referral changed. Call after
    /// the change is committed.
    pub async fn publish(&self, pool: &sqlx::AnyPool, change: BoardChange) {
        match self.backend {
            Backend::Sqlite => {
                // No receivers is fine: nobody has a board open.
                let _ = self.sender.send(BoardNews::Changed(change));
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
    /// If the database cannot be reached within `LISTEN_WAIT`, the stream opens anyway
    /// and is told to fetch everything once the listener listens.
    pub async fn subscribe(&self) -> broadcast::Receiver<BoardNews> {
        let receiver = self.sender.subscribe();
        if self.backend == Backend::Postgres {
            let mut listening = self
                .listening
                .get_or_init(|| {
                    let (listening, ready) = watch::channel(false);
                    tokio::spawn(listen(
                        self.url.to_string(),
                        self.sender.clone(),
                        listening,
                        self.unheard.clone(),
                    ));
                    ready
                })
                .clone();
            let up = tokio::time::timeout(LISTEN_WAIT, listening.wait_for(|up| *up))
                .await
                .is_ok_and(|up| up.is_ok());
            if !up {
                // The stream opens unheard. The listener may have come up just now, past
                // its look at the flag: then this tells the boards itself.
                self.unheard.store(true, Ordering::SeqCst);
                if *listening.borrow() && self.unheard.swap(false, Ordering::SeqCst) {
                    let _ = self.sender.send(BoardNews::Missed);
                }
            }
        }
        receiver
    }
}

/// Feeds PostgreSQL notifications into the channel for as long as the process runs.
/// After a lost connection, once it listens again, it tells every open board that it
/// may have missed changes. (`recv` would connect again silently; `try_recv` answers
/// `None` when it has connected and listens again, or fails, and then this connects.)
async fn listen(
    url: String,
    sender: broadcast::Sender<BoardNews>,
    listening: watch::Sender<bool>,
    unheard: Arc<AtomicBool>,
) {
    use sqlx::postgres::PgListener;
    let mut connected_before = false;
    loop {
        let mut listener = match PgListener::connect(&url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(error = ?error, "cannot listen for board changes; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // What `try_recv` answering `None` means below (sqlx's default, said here).
        listener.eager_reconnect(true);
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::error!(error = ?error, "cannot listen for board changes; trying again");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        listening.send_replace(true);
        // Listening again after a lost connection, or for the first time after a stream
        // gave up waiting: whatever changed in between is fetched now.
        let waited_for = unheard.swap(false, Ordering::SeqCst);
        if connected_before || waited_for {
            let _ = sender.send(BoardNews::Missed);
        }
        connected_before = true;
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    if let Some(change) = BoardChange::from_payload(notification.payload()) {
                        let _ = sender.send(BoardNews::Changed(change));
                    }
                }
                Ok(None) => {
                    tracing::warn!("board change listener lost its connection and is back");
                    let _ = sender.send(BoardNews::Missed);
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
