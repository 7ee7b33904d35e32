//! Server-side sessions: the cookie holds a random token, the database its hash.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::db::now;
use super::digest::hex;
use super::Db;
use crate::domain::identity::{AccountKind, SessionStage};

/// How long a session may sit unused, by kind of account.
pub fn idle_limit_seconds(kind: AccountKind) -> i64 {
    match kind {
        AccountKind::Staff => 30 * 60,
        AccountKind::Citizen => 60 * 60,
    }
}

/// The longest a session lives, however active.
pub const ABSOLUTE_LIMIT_SECONDS: i64 = 12 * 60 * 60;

/// Only write `last_seen_at` this often, so reads stay reads.
const TOUCH_EVERY_SECONDS: i64 = 30;

/// A live session, as the request layer finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveSession {
    pub session_id: String,
    pub account_id: i64,
    pub kind: AccountKind,
    pub stage: SessionStage,
    /// Unix second at which the session lapses if unused.
    pub idle_deadline: i64,
}

/// A new random token for the cookie (256 bits, URL-safe base64).
pub fn new_token() -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The database key for a cookie token.
pub fn session_id_for(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Starts a session and returns the token for the cookie.
pub async fn create(db: &Db, account_id: i64, stage: SessionStage) -> Result<String, sqlx::Error> {
    let token = new_token();
    let t = now();
    sqlx::query(
        "insert into session (session_id, account_id, stage, created_at, last_seen_at, expires_at)
         values ($1, $2, $3, $4, $4, $5)",
    )
    .bind(session_id_for(&token))
    .bind(account_id)
    .bind(stage.as_str())
    .bind(t)
    .bind(t + ABSOLUTE_LIMIT_SECONDS)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// Finds the live session for a cookie token, ending it if it has lapsed or its
/// account is deactivated, and noting that it was used.
pub async fn resolve(db: &Db, token: &str) -> Result<Option<LiveSession>, sqlx::Error> {
    resolve_id(db, session_id_for(token)).await
}

/// `resolve` by the session's id, for what holds the id rather than the cookie (an
/// open video call, which keeps its session alive).
pub async fn resolve_id(db: &Db, session_id: String) -> Result<Option<LiveSession>, sqlx::Error> {
    let row = sqlx::query(
        "select s.account_id, s.stage, s.last_seen_at, s.expires_at, a.kind, a.deactivated_at
         from session s join account a on a.account_id = s.account_id
         where s.session_id = $1",
    )
    .bind(&session_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let t = now();
    let kind =
        AccountKind::parse(&row.try_get::<String, _>("kind")?).unwrap_or(AccountKind::Citizen);
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires: i64 = row.try_get("expires_at")?;
    let deactivated: Option<i64> = row.try_get("deactivated_at")?;
    if t >= expires || t - last_seen >= idle_limit_seconds(kind) || deactivated.is_some() {
        sqlx::query("delete from session where session_id = $1")
            .bind(&session_id)
            .execute(&db.pool)
            .await?;
        return Ok(None);
    }
    if t - last_seen >= TOUCH_EVERY_SECONDS {
        sqlx::query("update session set last_seen_at = $1 where session_id = $2")
            .bind(t)
            .bind(&session_id)
            .execute(&db.pool)
            .await?;
    }
    let stage =
        SessionStage::parse(&row.try_get::<String, _>("stage")?).unwrap_or(SessionStage::Password);
    let seen = if t - last_seen >= TOUCH_EVERY_SECONDS {
        t
    } else {
        last_seen
    };
    Ok(Some(LiveSession {
        session_id,
        account_id: row.try_get("account_id")?,
        kind,
        stage,
        idle_deadline: (seen + idle_limit_seconds(kind)).min(expires),
    }))
}

/// Whether a session is still live, without counting this as activity (a board left
/// open must not keep a session alive).
pub async fn still_live(db: &Db, session_id: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select s.last_seen_at, s.expires_at, a.kind, a.deactivated_at
         from session s join account a on a.account_id = s.account_id
         where s.session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let t = now();
    let kind =
        AccountKind::parse(&row.try_get::<String, _>("kind")?).unwrap_or(AccountKind::Citizen);
    Ok(t < row.try_get::<i64, _>("expires_at")?
        && t - row.try_get::<i64, _>("last_seen_at")? < idle_limit_seconds(kind)
        && row.try_get::<Option<i64>, _>("deactivated_at")?.is_none())
}

/// Starts a new session for the account in place of the request's old one (if any),
/// and sets the cookie: a new id at login and at every change of privilege.
pub async fn replace(
    db: &Db,
    old_token: Option<&str>,
    account_id: i64,
    stage: SessionStage,
    production: bool,
) -> Result<(), sqlx::Error> {
    if let Some(old) = old_token {
        end(db, old).await?;
    }
    let token = create(db, account_id, stage).await?;
    super::cookies::set_cookie(&super::cookies::session_cookie(&token, production));
    Ok(())
}

/// How long a fresh confirmation of password and code lets a session replace the
/// second factor.
pub const REAUTHENTICATION_VALID_SECONDS: i64 = 10 * 60;

/// Notes that the session's person has just given their password and a code again.
pub async fn mark_reauthenticated(db: &Db, session_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update session set reauthenticated_at = $1 where session_id = $2")
        .bind(now())
        .bind(session_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Whether the session's person gave their password and a code in the last
/// [`REAUTHENTICATION_VALID_SECONDS`].
pub async fn reauthenticated_recently(db: &Db, session_id: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select reauthenticated_at from session where session_id = $1")
        .bind(session_id)
        .fetch_optional(&db.pool)
        .await?;
    let at: Option<i64> = match row {
        Some(row) => row.try_get("reauthenticated_at")?,
        None => None,
    };
    Ok(at.is_some_and(|at| now() - at < REAUTHENTICATION_VALID_SECONDS))
}

/// The board search kept with the session (names and numbers stay out of addresses).
pub async fn board_search(db: &Db, session_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("select board_search from session where session_id = $1")
        .bind(session_id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(row) => row.try_get("board_search"),
        None => Ok(None),
    }
}

pub async fn set_board_search(
    db: &Db,
    session_id: &str,
    search: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("update session set board_search = $1 where session_id = $2")
        .bind(search)
        .bind(session_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Ends one session.
pub async fn end(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from session where session_id = $1")
        .bind(session_id_for(token))
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Ends every session of an account ("log out everywhere", deactivation).
pub async fn end_all_for_account(db: &Db, account_id: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("delete from session where account_id = $1")
        .bind(account_id)
        .execute(&db.pool)
        .await
        .map(|r| r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn the_database_key_is_a_hash_not_the_token() {
        let token = new_token();
        let id = session_id_for(&token);
        assert_eq!(id.len(), 64);
        assert_ne!(id, token);
        assert_eq!(id, session_id_for(&token));
    }

    #[test]
    fn staff_sessions_lapse_sooner_than_citizens() {
        assert_eq!(idle_limit_seconds(AccountKind::Staff), 1800);
        assert_eq!(idle_limit_seconds(AccountKind::Citizen), 3600);
    }
}
