//! What a browser typed into a form the server refused, kept on the server while the
//! page shows it again, so that the address it is sent back to holds no personal data.

use sqlx::Row;

use super::db::now;
use super::Db;

/// How long what was typed is kept for the page to show again.
pub const KEPT_FOR_SECONDS: i64 = 10 * 60;

/// The cookie that names the browser's kept form; `__Host-` in production.
pub fn cookie_name(production: bool) -> &'static str {
    if production {
        "__Host-rph_form"
    } else {
        "rph_form"
    }
}

pub fn cookie(token: &str, production: bool) -> String {
    super::cookies::site_cookie(
        cookie_name(production),
        token,
        Some(KEPT_FOR_SECONDS),
        production,
    )
}

/// Keeps a browser's refused form: `shown` is the error as the address carries it,
/// `full` the error with what was typed. One per browser; [`find`] never returns one
/// older than [`KEPT_FOR_SECONDS`], and the job runner deletes them.
pub async fn keep(db: &Db, browser_id: &str, shown: &str, full: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into form_error (browser_id, shown, full_error, created_at) values ($1, $2, $3, $4)
         on conflict (browser_id) do update set
             shown = excluded.shown, full_error = excluded.full_error, created_at = excluded.created_at",
    )
    .bind(browser_id)
    .bind(shown)
    .bind(full)
    .bind(now())
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// The full error for the error an address shows, if this browser kept it lately.
pub async fn find(db: &Db, browser_id: &str, shown: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query(
        "select full_error from form_error where browser_id = $1 and shown = $2 and created_at >= $3",
    )
    .bind(browser_id)
    .bind(shown)
    .bind(now() - KEPT_FOR_SECONDS)
    .fetch_optional(&db.pool)
    .await?
    .map(|row| row.try_get("full_error"))
    .transpose()
}
