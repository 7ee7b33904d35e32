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

/// Failed logins from one network address, whatever account they name.
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    max: 30,
    window_seconds: 15 * 60,
};
/// Failed logins for one account (or one unknown email address) from one network
/// address that has not signed in to it before. Only that address is held back.
pub const LOGIN_PER_ACCOUNT_AND_ADDRESS: Limit = Limit {
    max: 8,
    window_seconds: 15 * 60,
};
/// Failed logins for one account from every browser it has not signed in from before,
/// together: guessing from many addresses at once. Browsers the owner has used are
/// not held back by it.
pub const LOGIN_PER_ACCOUNT_FROM_NEW_DEVICES: Limit = Limit {
    max: 30,
    window_seconds: 60 * 60,
};
/// Failed logins for one account from one browser it has signed in from before.
pub const LOGIN_PER_KNOWN_DEVICE: Limit = Limit {
    max: 8,
    window_seconds: 15 * 60,
};
/// Wrong codes for the second factor, per account (only a session that has given the
/// password can try one).
pub const CODE_PER_ACCOUNT: Limit = Limit {
    max: 8,
    window_seconds: 15 * 60,
};

/// Counts one event in the bucket and answers whether it is still within the limit,
/// in one statement: concurrent requests cannot all check before any of them counts.
/// Windows are fixed: the count starts again `window_seconds` after a window's first
/// event. Refused events count too (they cannot lengthen the window).
pub async fn hit(db: &Db, bucket: &str, limit: Limit) -> Result<bool, sqlx::Error> {
    let t = now();
    let row = sqlx::query(
        "insert into rate_limit (bucket, window_start, hits) values ($1, $2, 1)
         on conflict (bucket) do update set
             hits = case when rate_limit.window_start <= $3 then 1 else rate_limit.hits + 1 end,
             window_start = case when rate_limit.window_start <= $3 then $2
                                 else rate_limit.window_start end
         returning hits",
    )
    .bind(bucket)
    .bind(t)
    .bind(t - limit.window_seconds)
    .fetch_one(&db.pool)
    .await?;
    // Old windows are deleted by the job runner (`jobs::purge_expired`).
    Ok(row.try_get::<i64, _>("hits")? <= limit.max)
}

/// Hits every bucket in turn; false at the first one over its limit.
pub async fn hit_all(db: &Db, buckets: &[(String, Limit)]) -> Result<bool, sqlx::Error> {
    for (bucket, limit) in buckets {
        if !hit(db, bucket, *limit).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Takes back one event, for an attempt that succeeded (limits on failures count
/// every attempt first, so a burst cannot slip through, and forgive the good ones).
pub async fn forgive(db: &Db, buckets: &[(String, Limit)]) -> Result<(), sqlx::Error> {
    for (bucket, _) in buckets {
        sqlx::query("update rate_limit set hits = hits - 1 where bucket = $1 and hits > 0")
            .bind(bucket)
            .execute(&db.pool)
            .await?;
    }
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

/// New referral drafts from one network address (generous: a library, a school or
/// an office shares one address; each browser continues its own draft anyway).
pub const DRAFTS_PER_ADDRESS: Limit = Limit {
    max: 60,
    window_seconds: 60 * 60,
};

/// "Continue later" emails from one network address.
pub const RESUME_PER_ADDRESS: Limit = Limit {
    max: 60,
    window_seconds: 60 * 60,
};
