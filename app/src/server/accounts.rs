//! Accounts: finding one to log in, what it may see, its second factor.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::db::now;
use super::digest::hex;
use super::Db;
use crate::domain::identity::{AccountKind, Role};

/// What login needs to know about an account.
pub struct LoginRecord {
    pub account_id: i64,
    pub kind: AccountKind,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
}

/// The active account with this (normalised) email, if any.
pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<LoginRecord>, sqlx::Error> {
    let row = sqlx::query(
        "select account_id, kind, password_hash, totp_secret, email_verified_at from account
         where email = $1 and deactivated_at is null",
    )
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(LoginRecord {
            account_id: row.try_get("account_id")?,
            kind: AccountKind::parse(&row.try_get::<String, _>("kind")?)
                .unwrap_or(AccountKind::Citizen),
            email_verified: row
                .try_get::<Option<i64>, _>("email_verified_at")?
                .is_some(),
            password_hash: row.try_get("password_hash")?,
            totp_secret: row.try_get("totp_secret")?,
        })
    })
    .transpose()
}

/// An account as its owner sees it on "my account".
#[derive(Clone, Debug)]
pub struct AccountSummary {
    pub display_name: String,
    pub email: String,
    pub kind: AccountKind,
    pub second_factor: bool,
    pub memberships: Vec<(String, Role)>,
}

pub async fn summary(db: &Db, account_id: i64) -> Result<Option<AccountSummary>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select display_name, email, kind, totp_secret from account where account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let memberships = sqlx::query(
        "select s.name, m.role from membership m join service s on s.service_id = m.service_id
         where m.account_id = $1 order by s.name",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .filter_map(|r| {
        let name: String = r.try_get("name").ok()?;
        let role = Role::parse(&r.try_get::<String, _>("role").ok()?)?;
        Some((name, role))
    })
    .collect();
    Ok(Some(AccountSummary {
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        kind: AccountKind::parse(&row.try_get::<String, _>("kind")?)
            .unwrap_or(AccountKind::Citizen),
        second_factor: row.try_get::<Option<String>, _>("totp_secret")?.is_some(),
        memberships,
    }))
}

/// Records that a TOTP step was used; false when it (or a later one) already was,
/// so one code cannot log in twice.
pub async fn accept_totp_step(db: &Db, account_id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "update account set totp_last_step = $1
         where account_id = $2 and (totp_last_step is null or totp_last_step < $1)",
    )
    .bind(step)
    .bind(account_id)
    .execute(&db.pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A stable, irreversible key for a text such as an email address (for rate limits,
/// so the limit table holds no addresses).
pub fn fingerprint(text: &str) -> String {
    hex(&Sha256::digest(text.trim().to_lowercase().as_bytes()))
}

/// Hash of a recovery code as stored (codes are long and random, so no salt is needed).
pub fn recovery_code_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex(&Sha256::digest(normalised.as_bytes()))
}

/// Spends one unused recovery code; false when there is no such unused code.
pub async fn use_recovery_code(db: &Db, account_id: i64, code: &str) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "update recovery_code set used_at = $1
         where account_id = $2 and code_hash = $3 and used_at is null and pending = 0",
    )
    .bind(now())
    .bind(account_id)
    .bind(recovery_code_hash(code))
    .execute(&db.pool)
    .await?;
    Ok(result.rows_affected() >= 1)
}

/// The account's TOTP secret (base32), if it has enrolled.
pub async fn totp_secret(db: &Db, account_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("select totp_secret from account where account_id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(row) => row.try_get("totp_secret")?,
        None => None,
    })
}

/// Creates a citizen account awaiting email verification; `None` when the email is taken.
pub async fn create_citizen(
    db: &Db,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let t = now();
    let row = sqlx::query(
        "insert into account (email, display_name, password_hash, kind, created_at, updated_at)
         values ($1, $2, $3, 'citizen', $4, $4)
         on conflict (email) do nothing
         returning account_id",
    )
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(t)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

/// Creates a citizen account with no password yet (a referral's sender sets one from
/// the receipt email); `None` when the email is taken.
pub async fn create_citizen_without_password(
    db: &Db,
    email: &str,
    display_name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let t = now();
    let row = sqlx::query(
        "insert into account (email, display_name, kind, created_at, updated_at)
         values ($1, $2, 'citizen', $3, $3)
         on conflict (email) do nothing
         returning account_id",
    )
    .bind(email)
    .bind(display_name)
    .bind(t)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

/// The id of the account with this email, active or not.
pub async fn id_by_email(db: &Db, email: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("select account_id from account where email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

pub async fn mark_email_verified(db: &Db, account_id: i64) -> Result<(), sqlx::Error> {
    let t = now();
    sqlx::query(
        "update account set email_verified_at = coalesce(email_verified_at, $1), updated_at = $1
         where account_id = $2",
    )
    .bind(t)
    .bind(account_id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// The id of a citizen account that has not yet confirmed its email.
pub async fn unverified_citizen(db: &Db, email: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "select account_id from account
         where email = $1 and kind = 'citizen' and email_verified_at is null and deactivated_at is null",
    )
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

/// An active account's id and email, by email.
pub async fn active_by_email(db: &Db, email: &str) -> Result<Option<i64>, sqlx::Error> {
    let row =
        sqlx::query("select account_id from account where email = $1 and deactivated_at is null")
            .bind(email)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

pub async fn email_of(db: &Db, account_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("select email from account where account_id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("email")).transpose()
}

/// Replaces the password; the emailed link also proves the address.
pub async fn set_password(
    db: &Db,
    account_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    let t = now();
    sqlx::query(
        "update account set password_hash = $1, updated_at = $2,
             email_verified_at = coalesce(email_verified_at, $2)
         where account_id = $3",
    )
    .bind(password_hash)
    .bind(t)
    .bind(account_id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}
