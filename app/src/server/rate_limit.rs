//! Rate limits kept in the database, so every server instance counts the same events.

use sqlx::Row;

use super::db::now;
use super::Db;

/// At most `max` events per `window_seconds` in one bucket.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: i64,
    pub window_seconds: i64,
}

/// Failed logins from one address.
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    max: 30,
    window_seconds: 15 * 60,
};
/// Failed logins for one email address, whether or not it has an account.
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    max: 8,
    window_seconds: 15 * 60,
};

/// True when the bucket has used up its limit.
pub async fn is_limited(db: &Db, bucket: &str, limit: Limit) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select count(*) as n from rate_limit_event where bucket = $1 and created_at > $2",
    )
    .bind(bucket)
    .bind(now() - limit.window_seconds)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<i64, _>("n")? >= limit.max)
}

/// Counts one event, and forgets events older than a day.
pub async fn record(db: &Db, bucket: &str) -> Result<(), sqlx::Error> {
    let t = now();
    sqlx::query("insert into rate_limit_event (bucket, created_at) values ($1, $2)")
        .bind(bucket)
        .bind(t)
        .execute(&db.pool)
        .await?;
    sqlx::query("delete from rate_limit_event where created_at < $1")
        .bind(t - 24 * 60 * 60)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Registrations from one network address (generous: a library or an office
/// shares one address among many people).
pub const REGISTER_PER_ADDRESS: Limit = Limit {
    max: 50,
    window_seconds: 60 * 60,
};
/// Registrations naming one email address.
pub const REGISTER_PER_EMAIL: Limit = Limit {
    max: 3,
    window_seconds: 60 * 60,
};

/// Password-reset requests from one address.
pub const RESET_PER_ADDRESS: Limit = Limit {
    max: 30,
    window_seconds: 60 * 60,
};
/// Password-reset requests naming one email address.
pub const RESET_PER_EMAIL: Limit = Limit {
    max: 3,
    window_seconds: 60 * 60,
};

/// Invitations sent by one lead.
pub const INVITE_PER_LEAD: Limit = Limit {
    max: 30,
    window_seconds: 60 * 60,
};

/// Invitations sent from one network address.
pub const INVITE_PER_ADDRESS: Limit = Limit {
    max: 60,
    window_seconds: 60 * 60,
};

/// "Continue later" emails from one network address.
pub const RESUME_PER_ADDRESS: Limit = Limit {
    max: 60,
    window_seconds: 60 * 60,
};
