//! The access log: every read or change of a citizen's personal data by staff.
//!
//! Repositories of personal data take an [`AccessGrant`], and the only way to get
//! one is [`grant`], which writes the entry first: an access cannot forget its log.
//! Entries are chained by hash, so a changed or removed entry is found by
//! [`verify_chain`].

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::db::now;
use super::sessions::hex;
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

/// Proof that an access was logged; required by every read of personal data.
#[derive(Debug)]
pub struct AccessGrant {
    pub subject_account_id: i64,
    pub entry_id: i64,
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

/// The hash of an entry: the previous hash and every field, length-prefixed.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
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
    hex(&Sha256::digest(text.as_bytes()))
}

/// Writes the entry for an access and returns the grant that lets it happen.
#[tracing::instrument(skip_all, fields(actor = actor.account_id, subject = access.subject_account_id))]
pub async fn grant(db: &Db, actor: &Actor, access: Access<'_>) -> Result<AccessGrant, sqlx::Error> {
    let _guard = APPEND.lock().await;
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("select pg_advisory_xact_lock($1)")
            .bind(ADVISORY_LOCK_KEY)
            .execute(&mut *tx)
            .await?;
    }
    let prev: String =
        sqlx::query("select hash from access_log order by access_log_id desc limit 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get("hash"))
            .transpose()?
            .unwrap_or_else(|| GENESIS.to_owned());
    let at = now();
    let hash = entry_hash(
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
    let entry_id: i64 = sqlx::query(
        "insert into access_log (at, actor_account_id, actor_role, service_id, subject_account_id,
             record_kind, record_id, data_kind, action, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
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
    .try_get("access_log_id")?;
    tx.commit().await?;
    Ok(AccessGrant {
        subject_account_id: access.subject_account_id,
        entry_id,
    })
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

/// Recomputes every hash in order and reports the first broken link.
pub async fn verify_chain(db: &Db) -> Result<ChainReport, sqlx::Error> {
    let rows = sqlx::query(
        "select access_log_id, at, actor_account_id, actor_role, service_id, subject_account_id,
                record_kind, record_id, data_kind, action, prev_hash, hash
         from access_log order by access_log_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut prev = GENESIS.to_owned();
    let mut entries = 0;
    for row in rows {
        let entry_id: i64 = row.try_get("access_log_id")?;
        let stored_prev: String = row.try_get("prev_hash")?;
        if stored_prev != prev {
            return Ok(ChainReport::Broken {
                entry_id,
                reason: "it does not follow the entry before it (an entry was removed or changed)",
            });
        }
        let expected = entry_hash(
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
        "select l.at, a.display_name, l.actor_role, s.name as service, l.data_kind, l.action
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
                GENESIS, 1, 2, "intake", None, 4, "referral", "5", "referral", "viewed",
            ),
            entry_hash(
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
        let a = entry_hash(GENESIS, 1, 2, "ab", None, 4, "c", "5", "d", "e");
        let b = entry_hash(GENESIS, 1, 2, "a", None, 4, "bc", "5", "d", "e");
        assert_ne!(a, b);
    }
}
