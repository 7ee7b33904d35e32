//! Browsers a person has signed in from before, so that failed logins from anywhere
//! else never lock the owner out (OWASP's "device cookies"). The browser keeps a random
//! token in a long-lived cookie; the database keeps its hash and the account.

use leptos::prelude::*;

use super::cookies::{cookie_value, set_cookie, site_cookie};
use super::db::now;
use super::sessions::{new_token, session_id_for};
use super::Db;

/// How long a browser stays known without a new sign-in.
pub const KNOWN_FOR_SECONDS: i64 = 180 * 24 * 60 * 60;

/// The cookie's name; `__Host-` in production binds it to this exact origin over HTTPS.
pub fn cookie_name(production: bool) -> &'static str {
    if production {
        "__Host-rph_device"
    } else {
        "rph_device"
    }
}

fn token_of_this_browser(production: bool) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    cookie_value(&parts.headers, cookie_name(production))
}

/// The id of this browser when it has signed in to `account_id` before (and not longer
/// ago than [`KNOWN_FOR_SECONDS`]); `None` for any other browser or account.
pub async fn this_browser(
    db: &Db,
    account_id: i64,
    production: bool,
) -> Result<Option<String>, sqlx::Error> {
    let Some(token) = token_of_this_browser(production) else {
        return Ok(None);
    };
    let device_id = session_id_for(&token);
    let known = sqlx::query(
        "select 1 from known_device where device_id = $1 and account_id = $2 and last_used_at > $3",
    )
    .bind(&device_id)
    .bind(account_id)
    .bind(now() - KNOWN_FOR_SECONDS)
    .fetch_optional(&db.pool)
    .await?;
    Ok(known.map(|_| device_id))
}

/// Remembers this browser for `account_id` after a complete sign-in: a known one is
/// touched, any other gets a new token.
pub async fn remember_this_browser(
    db: &Db,
    account_id: i64,
    production: bool,
) -> Result<(), sqlx::Error> {
    let t = now();
    if let Some(device_id) = this_browser(db, account_id, production).await? {
        sqlx::query("update known_device set last_used_at = $1 where device_id = $2")
            .bind(t)
            .bind(device_id)
            .execute(&db.pool)
            .await?;
        return Ok(());
    }
    let token = new_token();
    sqlx::query(
        "insert into known_device (device_id, account_id, created_at, last_used_at)
         values ($1, $2, $3, $3)",
    )
    .bind(session_id_for(&token))
    .bind(account_id)
    .bind(t)
    .execute(&db.pool)
    .await?;
    sqlx::query("delete from known_device where last_used_at < $1")
        .bind(t - KNOWN_FOR_SECONDS)
        .execute(&db.pool)
        .await?;
    set_cookie(&site_cookie(
        cookie_name(production),
        &token,
        Some(KNOWN_FOR_SECONDS),
        production,
    ));
    Ok(())
}

/// Forgets every browser of an account ("log out everywhere": a lost phone stops
/// being trusted too).
pub async fn forget_all(db: &Db, account_id: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("delete from known_device where account_id = $1")
        .bind(account_id)
        .execute(&db.pool)
        .await
        .map(|r| r.rows_affected())
}
