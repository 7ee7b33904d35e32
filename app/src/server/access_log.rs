//! The access log: every read or change of a citizen's personal data by staff.
//!
//! Reads and changes of personal data happen inside an [`Audited`] transaction: its
//! [`Audited::grant`] writes the entry and hands out the [`AccessGrant`] that the
//! repositories of personal data ask for, and the transaction commits only with an
//! entry in it. The read or change and its entry commit together, or neither does.
//! Entries are chained by HMAC-SHA-256 under a key that is a setting, not in the
//! database, so a changed or removed entry is found by [`verify_chain`], and whoever
//! can write the database cannot compute a new chain. Signed checkpoints (count and
//! head) are written outside the database ([`write_checkpoint`]): cutting off the
//! newest entries, or replacing the chain, contradicts them.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::db::now;
use super::digest::{hex, ChainKey};
use super::{Backend, Db};
use crate::domain::access::{AccessAction, DataKind};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The member of staff doing the access, in the role and service they act in.
#[derive(Clone, Debug)]
pub struct Actor {
    pub account_id: i64,
    pub role: String,
    pub service_id: Option<i64>,
}

/// The record being accessed and why.
#[derive(Clone, Debug)]
pub struct Access<'a> {
    pub subject_account_id: i64,
    pub record_kind: &'a str,
    pub record_id: &'a str,
    pub data_kind: DataKind,
    pub action: AccessAction,
}

/// Proof that an access is logged in the transaction it is made in; required by every
/// read of personal data, which reads only the data of the person it names. Only
/// [`Audited::grant`] makes one.
#[derive(Debug)]
pub struct AccessGrant {
    subject_account_id: i64,
    /// Which transaction wrote the entry.
    audit: u64,
}

impl AccessGrant {
    /// Whose data it lets be read.
    pub fn subject(&self) -> i64 {
        self.subject_account_id
    }
}

/// Numbers each audited transaction, so a grant works only in its own.
static AUDITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A write transaction that holds the access log's append lock. Reads of personal data
/// in it need a grant it wrote ([`Audited::read`]); it commits only with at least one
/// entry, so a read or change and its entry exist together or not at all.
pub struct Audited {
    tx: super::db::WriteTx,
    key: ChainKey,
    id: u64,
    entries: u32,
    _append: tokio::sync::MutexGuard<'static, ()>,
}

/// Begins an audited transaction.
pub async fn begin(db: &Db) -> Result<Audited, sqlx::Error> {
    let append = APPEND.lock().await;
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("select pg_advisory_xact_lock($1)")
            .bind(ADVISORY_LOCK_KEY)
            .execute(&mut *tx)
            .await?;
    }
    Ok(Audited {
        tx,
        key: db.access_log_key.clone(),
        id: AUDITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        entries: 0,
        _append: append,
    })
}

impl Audited {
    /// Writes the entry for an access and returns the grant that lets it happen.
    #[tracing::instrument(skip_all, fields(actor = actor.account_id, subject = access.subject_account_id))]
    pub async fn grant(
        &mut self,
        actor: &Actor,
        access: Access<'_>,
    ) -> Result<AccessGrant, sqlx::Error> {
        append(&mut self.tx, &self.key, actor, &access).await?;
        self.entries += 1;
        Ok(AccessGrant {
            subject_account_id: access.subject_account_id,
            audit: self.id,
        })
    }

    /// The connection, for reading what a grant of this transaction allows.
    pub fn read(&mut self, grant: &AccessGrant) -> Result<&mut sqlx::AnyConnection, sqlx::Error> {
        if grant.audit != self.id {
            return Err(sqlx::Error::Protocol(
                "a grant used outside the transaction that logged it".into(),
            ));
        }
        Ok(&mut self.tx)
    }

    /// The connection, for a change whose entry is written in this transaction (before
    /// or after it: a new record's id is known only once it is made).
    pub fn change(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Commits the accesses and their entries; without an entry, nothing is committed.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        if self.entries == 0 {
            self.tx.rollback().await?;
            return Err(sqlx::Error::Protocol(
                "an audited transaction without an access-log entry".into(),
            ));
        }
        self.tx.commit().await
    }
}

/// One process appends at a time (SQLite); PostgreSQL also takes an advisory lock,
/// so several server instances keep one chain.
static APPEND: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const ADVISORY_LOCK_KEY: i64 = 0x0052_5048_5f4c_4f47; // "RPH_LOG" in ASCII

fn field(out: &mut String, value: &str) {
    out.push_str(&value.len().to_string());
    out.push(':');
    out.push_str(value);
    out.push('|');
}

/// The hash of an entry: the previous hash and every field, length-prefixed, under
/// the chain's key (`None`: plain SHA-256, as entries were before the chain was keyed).
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    key: Option<&ChainKey>,
    prev: &str,
    at: i64,
    actor_account_id: i64,
    actor_role: &str,
    service_id: Option<i64>,
    subject_account_id: i64,
    record_kind: &str,
    record_id: &str,
    data_kind: &str,
    action: &str,
) -> String {
    let mut text = String::new();
    for value in [
        prev,
        &at.to_string(),
        &actor_account_id.to_string(),
        actor_role,
        &service_id.map(|s| s.to_string()).unwrap_or_default(),
        &subject_account_id.to_string(),
        record_kind,
        record_id,
        data_kind,
        action,
    ] {
        field(&mut text, value);
    }
    match key {
        Some(key) => key.mac(&text),
        None => hex(&Sha256::digest(text.as_bytes())),
    }
}

/// Appends one entry to the chain, inside a transaction that holds the append lock.
async fn append(
    tx: &mut sqlx::AnyConnection,
    key: &ChainKey,
    actor: &Actor,
    access: &Access<'_>,
) -> Result<i64, sqlx::Error> {
    let prev: String =
        sqlx::query("select hash from access_log order by access_log_id desc limit 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get("hash"))
            .transpose()?
            .unwrap_or_else(|| GENESIS.to_owned());
    let at = now();
    let hash = entry_hash(
        Some(key),
        &prev,
        at,
        actor.account_id,
        &actor.role,
        actor.service_id,
        access.subject_account_id,
        access.record_kind,
        access.record_id,
        access.data_kind.as_str(),
        access.action.as_str(),
    );
    sqlx::query(
        "insert into access_log (at, actor_account_id, actor_role, service_id, subject_account_id,
             record_kind, record_id, data_kind, action, prev_hash, hash, keyed)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)
         returning access_log_id",
    )
    .bind(at)
    .bind(actor.account_id)
    .bind(&actor.role)
    .bind(actor.service_id)
    .bind(access.subject_account_id)
    .bind(access.record_kind)
    .bind(access.record_id)
    .bind(access.data_kind.as_str())
    .bind(access.action.as_str())
    .bind(&prev)
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?
    .try_get("access_log_id")
}

/// The outcome of checking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainReport {
    Intact {
        entries: u64,
    },
    /// The first entry whose hash or link to its predecessor does not match.
    Broken {
        entry_id: i64,
        reason: &'static str,
    },
}

/// A signed note of how long the chain was and how it ended, kept outside the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub at: i64,
    pub count: u64,
    pub head: String,
}

impl Checkpoint {
    fn signed_text(&self) -> String {
        format!(
            "access-log-checkpoint|{}|{}|{}",
            self.at, self.count, self.head
        )
    }

    /// The line written to the checkpoint file and the log.
    pub fn line(&self, key: &ChainKey) -> String {
        format!(
            "checkpoint at={} count={} head={} mac={}",
            self.at,
            self.count,
            self.head,
            key.mac(&self.signed_text())
        )
    }

    /// Reads a line; `None` when it is not a checkpoint signed with this key.
    pub fn parse(line: &str, key: &ChainKey) -> Option<Checkpoint> {
        let mut at = None;
        let mut count = None;
        let mut head = None;
        let mut mac = None;
        let mut words = line.split_whitespace();
        if words.next() != Some("checkpoint") {
            return None;
        }
        for word in words {
            match word.split_once('=') {
                Some(("at", v)) => at = v.parse().ok(),
                Some(("count", v)) => count = v.parse().ok(),
                Some(("head", v)) => head = Some(v.to_owned()),
                Some(("mac", v)) => mac = Some(v.to_owned()),
                _ => return None,
            }
        }
        let checkpoint = Checkpoint {
            at: at?,
            count: count?,
            head: head?,
        };
        if mac.as_deref() == Some(key.mac(&checkpoint.signed_text()).as_str()) {
            Some(checkpoint)
        } else {
            None
        }
    }
}

/// The chain's length and last hash now, read in one statement: both databases answer
/// a statement from one snapshot, so an entry appended meanwhile is in both or in
/// neither. (Two statements once gave a head one entry past the count.)
pub async fn current_checkpoint(db: &Db, at: i64) -> Result<Checkpoint, sqlx::Error> {
    let row = sqlx::query(
        "select (select count(*) from access_log) as n,
                (select hash from access_log order by access_log_id desc limit 1) as head",
    )
    .fetch_one(&db.pool)
    .await?;
    let count: i64 = row.try_get("n")?;
    let head: Option<String> = row.try_get("head")?;
    Ok(Checkpoint {
        at,
        count: u64::try_from(count).unwrap_or(0),
        head: head.unwrap_or_else(|| GENESIS.to_owned()),
    })
}

/// Appends a signed checkpoint to the file (outside the database) and to the log,
/// unless the chain has not grown since the file's last one. Returns the count.
pub async fn write_checkpoint(
    db: &Db,
    file: &std::path::Path,
    at: i64,
) -> Result<u64, CheckpointError> {
    use std::io::Write as _;
    let checkpoint = current_checkpoint(db, at).await?;
    let earlier = read_checkpoints(file, &db.access_log_key)?;
    if earlier
        .last()
        .is_some_and(|last| last.count == checkpoint.count)
    {
        return Ok(checkpoint.count);
    }
    let line = checkpoint.line(&db.access_log_key);
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
    writeln!(out, "{line}")?;
    out.sync_data()?;
    tracing::info!(checkpoint = %line, "access log checkpoint");
    Ok(checkpoint.count)
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("checkpoint file: {0}")]
    File(#[from] std::io::Error),
    #[error("line {0} of the checkpoint file is not a checkpoint signed with the key")]
    Unsigned(usize),
}

/// Every checkpoint in the file (none when there is no file yet).
pub fn read_checkpoints(
    file: &std::path::Path,
    key: &ChainKey,
) -> Result<Vec<Checkpoint>, CheckpointError> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error.into()),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| Checkpoint::parse(line, key).ok_or(CheckpointError::Unsigned(i + 1)))
        .collect()
}

/// Whether the triggers that refuse changes and deletes are there and enabled.
pub async fn append_only_in_place(db: &Db) -> Result<bool, sqlx::Error> {
    let sql = match db.backend {
        Backend::Sqlite => {
            "select count(*) as n from sqlite_master
             where type = 'trigger' and tbl_name = 'access_log'
               and name in ('access_log_no_update', 'access_log_no_delete')"
        }
        Backend::Postgres => {
            "select count(*) * 2 as n from pg_trigger
             where tgrelid = 'access_log'::regclass and tgname = 'access_log_no_change'
               and tgenabled <> 'D'"
        }
    };
    let n: i64 = sqlx::query(sql).fetch_one(&db.pool).await?.try_get("n")?;
    Ok(n == 2)
}

/// Checks the chain under the key, then against every checkpoint, then that the log
/// is still append-only; reports the first problem.
pub async fn verify(db: &Db, checkpoints: &[Checkpoint]) -> Result<ChainReport, sqlx::Error> {
    let report = verify_chain(db).await?;
    let ChainReport::Intact { entries } = report else {
        return Ok(report);
    };
    let hashes: Vec<String> = sqlx::query("select hash from access_log order by access_log_id")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| row.try_get("hash"))
        .collect::<Result<_, _>>()?;
    for checkpoint in checkpoints {
        if checkpoint.count > entries {
            return Ok(ChainReport::Broken {
                entry_id: i64::try_from(entries).unwrap_or(i64::MAX) + 1,
                reason: "entries are missing at the end: a signed checkpoint counted more (the newest entries were removed)",
            });
        }
        let at_checkpoint = match checkpoint.count {
            0 => GENESIS,
            n => hashes[usize::try_from(n).unwrap_or(usize::MAX) - 1].as_str(),
        };
        if at_checkpoint != checkpoint.head {
            return Ok(ChainReport::Broken {
                entry_id: i64::try_from(checkpoint.count).unwrap_or(i64::MAX),
                reason:
                    "it is not the entry a signed checkpoint ended with (the chain was replaced)",
            });
        }
    }
    if !append_only_in_place(db).await? {
        return Ok(ChainReport::Broken {
            entry_id: 0,
            reason: "the triggers that keep the log append-only are missing or disabled",
        });
    }
    Ok(ChainReport::Intact { entries })
}

/// Recomputes every hash in order under the key and reports the first broken link.
/// Entries from before the chain was keyed are checked by plain SHA-256, and only
/// before the first keyed one.
pub async fn verify_chain(db: &Db) -> Result<ChainReport, sqlx::Error> {
    let rows = sqlx::query(
        "select access_log_id, at, actor_account_id, actor_role, service_id, subject_account_id,
                record_kind, record_id, data_kind, action, prev_hash, hash, keyed
         from access_log order by access_log_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut prev = GENESIS.to_owned();
    let mut entries = 0;
    let mut keyed_seen = false;
    for row in rows {
        let entry_id: i64 = row.try_get("access_log_id")?;
        let stored_prev: String = row.try_get("prev_hash")?;
        if stored_prev != prev {
            return Ok(ChainReport::Broken {
                entry_id,
                reason: "it does not follow the entry before it (an entry was removed or changed)",
            });
        }
        let keyed = row.try_get::<i64, _>("keyed")? != 0;
        if keyed_seen && !keyed {
            return Ok(ChainReport::Broken {
                entry_id,
                reason: "it is not keyed, after keyed entries (the chain was recomputed)",
            });
        }
        keyed_seen |= keyed;
        let expected = entry_hash(
            keyed.then_some(&db.access_log_key),
            &prev,
            row.try_get("at")?,
            row.try_get("actor_account_id")?,
            &row.try_get::<String, _>("actor_role")?,
            row.try_get("service_id")?,
            row.try_get("subject_account_id")?,
            &row.try_get::<String, _>("record_kind")?,
            &row.try_get::<String, _>("record_id")?,
            &row.try_get::<String, _>("data_kind")?,
            &row.try_get::<String, _>("action")?,
        );
        let stored: String = row.try_get("hash")?;
        if stored != expected {
            return Ok(ChainReport::Broken {
                entry_id,
                reason: "its content does not match its hash (the entry was changed)",
            });
        }
        prev = stored;
        entries += 1;
    }
    Ok(ChainReport::Intact { entries })
}

/// An entry as the citizen it is about sees it.
#[derive(Clone, Debug)]
pub struct EntryAboutMe {
    pub at: i64,
    pub actor_account_id: i64,
    /// Which record: its kind and id ("referral", "RPH-…").
    pub record: (String, String),
    pub staff_name: String,
    pub role: String,
    pub service: Option<String>,
    pub data_kind: Option<DataKind>,
    pub action: Option<AccessAction>,
}

/// Every entry about one person, newest first.
pub async fn entries_about(
    db: &Db,
    subject_account_id: i64,
) -> Result<Vec<EntryAboutMe>, sqlx::Error> {
    let rows = sqlx::query(
        "select l.at, l.actor_account_id, l.record_kind, l.record_id, a.display_name,
             l.actor_role, s.name as service, l.data_kind, l.action
         from access_log l
         join account a on a.account_id = l.actor_account_id
         left join service s on s.service_id = l.service_id
         where l.subject_account_id = $1
         order by l.at desc, l.access_log_id desc",
    )
    .bind(subject_account_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(EntryAboutMe {
                at: row.try_get("at")?,
                actor_account_id: row.try_get("actor_account_id")?,
                record: (row.try_get("record_kind")?, row.try_get("record_id")?),
                staff_name: row.try_get("display_name")?,
                role: row.try_get("actor_role")?,
                service: row.try_get("service")?,
                data_kind: DataKind::parse(&row.try_get::<String, _>("data_kind")?),
                action: AccessAction::parse(&row.try_get::<String, _>("action")?),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let base = entry_hash(
            Some(&ChainKey::development()),
            GENESIS,
            1,
            2,
            "intake",
            Some(3),
            4,
            "referral",
            "5",
            "referral",
            "viewed",
        );
        assert_eq!(base.len(), 64);
        let variants = [
            entry_hash(
                Some(&ChainKey::development()),
                "1",
                1,
                2,
                "intake",
                Some(3),
                4,
                "referral",
                "5",
                "referral",
                "viewed",
            ),
            entry_hash(
                Some(&ChainKey::development()),
                GENESIS,
                9,
                2,
                "intake",
                Some(3),
                4,
                "referral",
                "5",
                "referral",
                "viewed",
            ),
            entry_hash(
                Some(&ChainKey::development()),
                GENESIS,
                1,
                2,
                "lead",
                Some(3),
                4,
                "referral",
                "5",
                "referral",
                "viewed",
            ),
            entry_hash(
                Some(&ChainKey::development()),
                GENESIS,
                1,
                2,
                "intake",
                None,
                4,
                "referral",
                "5",
                "referral",
                "viewed",
            ),
            entry_hash(
                Some(&ChainKey::development()),
                GENESIS,
                1,
                2,
                "intake",
                Some(3),
                4,
                "referral",
                "5",
                "referral",
                "changed",
            ),
        ];
        for v in variants {
            assert_ne!(v, base);
        }
    }

    #[test]
    fn fields_cannot_run_into_each_other() {
        let a = entry_hash(None, GENESIS, 1, 2, "ab", None, 4, "c", "5", "d", "e");
        let b = entry_hash(None, GENESIS, 1, 2, "a", None, 4, "bc", "5", "d", "e");
        assert_ne!(a, b);
    }

    #[test]
    fn the_key_makes_the_hash() {
        let with = |key: Option<&ChainKey>| {
            entry_hash(
                key, GENESIS, 1, 2, "intake", None, 4, "referral", "5", "referral", "viewed",
            )
        };
        let ours = with(Some(&ChainKey::development()));
        assert_ne!(ours, with(Some(&ChainKey::new(b"another key"))));
        assert_ne!(ours, with(None));
    }

    #[test]
    fn a_checkpoint_reads_back_only_under_its_key() {
        let key = ChainKey::development();
        let checkpoint = Checkpoint {
            at: 1_700_000_000,
            count: 12,
            head: "ab".repeat(32),
        };
        let line = checkpoint.line(&key);
        assert_eq!(Checkpoint::parse(&line, &key), Some(checkpoint));
        assert!(Checkpoint::parse(&line, &ChainKey::new(b"other")).is_none());
        assert!(Checkpoint::parse(&line.replace("count=12", "count=11"), &key).is_none());
        assert!(Checkpoint::parse("nonsense", &key).is_none());
    }
}
