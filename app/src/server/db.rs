//! The database: one pool over SQLite or PostgreSQL through sqlx's `Any` driver.
//!
//! Queries are written once in SQL both engines accept (`$1` placeholders, `bigint`
//! ids and unix-second timestamps, `on conflict`, `returning`), so every repository
//! has a single code path. Only migrations differ per engine.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which engine a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Reads the engine from a database URL.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool and the engine behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Changes on the triage board, for every open board.
    pub board: super::board::events::BoardEvents,
    /// The key of the access log's chain: a setting, never stored in the database.
    pub access_log_key: super::digest::ChainKey,
    /// SQLite's write transactions, one at a time in the order they asked (below).
    write_gate: Arc<tokio::sync::Mutex<()>>,
}

/// How long a write transaction waits for its turn, as SQLite's busy timeout.
const WRITE_WAIT: Duration = Duration::from_secs(5);

/// A write transaction ([`Db::begin_write`]): the connection it writes on, and on
/// SQLite its turn at the database's write gate until it commits or is dropped.
pub struct WriteTx {
    // Declared first, dropped first: an abandoned transaction is rolled back before
    // the next writer's turn.
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite: or postgres:, got {0:?}")]
    UnknownScheme(String),
    #[error("could not create the directory for the SQLite file {path}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),
}

impl Db {
    /// A transaction that will write. SQLite takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that reads first and upgrades later can fail outright
    /// when another writer got in between.
    ///
    /// On SQLite, write transactions first take their turn in this process, in the
    /// order they asked. Left to SQLite, a writer that finds the lock taken sleeps and
    /// tries again after 1, 2, 5, 10 … 100 ms, whenever the lock was freed: eight
    /// referrals sent at once spent most of their time asleep (p95 58–64 ms, the
    /// slowest 440 ms), where each needs the lock for about a millisecond. A turn that
    /// does not come within the busy timeout fails as a busy database would.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let turn = tokio::time::timeout(WRITE_WAIT, self.write_gate.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx {
                    tx,
                    _turn: Some(turn),
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.pool.begin().await?,
                _turn: None,
            }),
        }
    }

    /// Connects, creating a SQLite file (and its directory) when it is missing.
    /// SQLite runs in WAL mode with foreign keys on and a busy timeout.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| DbError::UnknownScheme(redact(url)))?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?;
        let pool_options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                pool_options
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute("pragma journal_mode = wal").await?;
                            conn.execute("pragma foreign_keys = on").await?;
                            conn.execute("pragma busy_timeout = 5000").await?;
                            conn.execute("pragma synchronous = normal").await?;
                            conn.execute("pragma mmap_size = 268435456").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
            }
            Backend::Postgres => pool_options.max_connections(16).connect_with(options).await,
        }
        .map_err(DbError::Connect)?;
        let board = super::board::events::BoardEvents::new(backend, &url);
        Ok(Db {
            pool,
            backend,
            board,
            access_log_key: super::digest::ChainKey::development(),
            write_gate: Arc::default(),
        })
    }

    /// The same pool with the access log keyed by `key` (the production setting).
    pub fn with_access_log_key(mut self, key: &[u8]) -> Db {
        self.access_log_key = super::digest::ChainKey::new(key);
        self
    }

    /// Answers whether the database takes a query right now.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("select 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// SQLite files are created if missing: add `mode=rwc` and make the directory.
fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
                    path: path.to_owned(),
                    source,
                })?;
            }
        }
    }
    if query.split('&').any(|p| p.starts_with("mode=")) {
        Ok(url.to_owned())
    } else if query.is_empty() {
        Ok(format!("{url}?mode=rwc"))
    } else {
        Ok(format!("{url}&mode=rwc"))
    }
}

/// A database URL safe to print: the password, if any, replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The current time as unix seconds, the way every timestamp column stores it.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_read_from_the_url() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.db"),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://h/db"), None);
    }

    #[test]
    fn passwords_never_print() {
        assert_eq!(
            redact("postgres://rph:secret@db:5432/rph"),
            "postgres://rph:***@db:5432/rph"
        );
        assert_eq!(
            redact("sqlite://data/rph.sqlite3"),
            "sqlite://data/rph.sqlite3"
        );
    }

    /// Writers waiting for their turn hold no connection: reads go on meanwhile. Left
    /// to SQLite, each waiting writer held a pooled connection while it slept in the
    /// busy handler, so eight of them left none for anybody else.
    #[tokio::test]
    async fn writers_waiting_their_turn_leave_connections_for_readers() {
        let dir = std::env::temp_dir().join(format!("rph-db-turns-{}", std::process::id()));
        let db = Db::connect(&format!("sqlite://{}/rph.sqlite3", dir.display()))
            .await
            .unwrap();
        sqlx::query("create table t (n bigint)")
            .execute(&db.pool)
            .await
            .unwrap();
        let mut first = db.begin_write().await.unwrap();
        sqlx::query("insert into t (n) values (0)")
            .execute(&mut *first)
            .await
            .unwrap();
        let waiting: Vec<_> = (1..=8)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut tx = db.begin_write().await?;
                    sqlx::query("insert into t (n) values ($1)")
                        .bind(n as i64)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await
                })
            })
            .collect();
        // Long enough for all eight to be waiting, wherever they wait.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let read = tokio::time::timeout(
            Duration::from_secs(2),
            sqlx::query_scalar::<_, i64>("select count(*) from t").fetch_one(&db.pool),
        )
        .await
        .expect("a read while eight writers wait")
        .unwrap();
        assert_eq!(read, 0, "the first writer has not committed");
        first.commit().await.unwrap();
        for writer in waiting {
            writer.await.unwrap().unwrap();
        }
        let all: i64 = sqlx::query_scalar("select count(*) from t")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(all, 9, "every writer had its turn");
        db.pool.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn sqlite_files_are_created_when_missing() {
        let dir = std::env::temp_dir().join(format!("rph-db-test-{}", std::process::id()));
        let url = format!("sqlite://{}/sub/rph.sqlite3", dir.display());
        let prepared = prepare_sqlite_url(&url).unwrap();
        assert!(prepared.ends_with("?mode=rwc"));
        assert!(dir.join("sub").is_dir());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
