//! Single-use, expiring tokens for links sent by email. Stored hashed.

use sqlx::Row;

use super::db::now;
use super::sessions::{new_token, session_id_for};
use super::Db;
use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    Invitation,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::Invitation => "invitation",
        }
    }

    /// How long a link stays valid.
    pub fn lifetime_seconds(self) -> i64 {
        match self {
            Purpose::VerifyEmail => 48 * 60 * 60,
            Purpose::ResetPassword => 60 * 60,
            Purpose::Invitation => 7 * 24 * 60 * 60,
        }
    }
}

/// Issues a token for an account, ending any earlier unused one of the same purpose.
pub async fn issue(db: &Db, account_id: i64, purpose: Purpose) -> Result<String, sqlx::Error> {
    let t = now();
    sqlx::query("update account_token set used_at = $1 where account_id = $2 and purpose = $3 and used_at is null")
        .bind(t)
        .bind(account_id)
        .bind(purpose.as_str())
        .execute(&db.pool)
        .await?;
    let token = new_token();
    sqlx::query(
        "insert into account_token (account_id, purpose, token_hash, expires_at, created_at)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(account_id)
    .bind(purpose.as_str())
    .bind(session_id_for(&token))
    .bind(t + purpose.lifetime_seconds())
    .bind(t)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// Uses a token once: the account it belongs to, or `None` when it is unknown,
/// used, expired or for another purpose.
pub async fn consume(db: &Db, purpose: Purpose, token: &str) -> Result<Option<i64>, sqlx::Error> {
    let t = now();
    let row = sqlx::query(
        "update account_token set used_at = $1
         where token_hash = $2 and purpose = $3 and used_at is null and expires_at > $1
         returning account_id",
    )
    .bind(t)
    .bind(session_id_for(token.trim()))
    .bind(purpose.as_str())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

/// The account a usable token belongs to, without using it up (to check a form first).
pub async fn peek(db: &Db, purpose: Purpose, token: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "select account_id from account_token
         where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3",
    )
    .bind(session_id_for(token.trim()))
    .bind(purpose.as_str())
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

/// Sets the password of the account an emailed link belongs to (a reset or an
/// invitation) and uses the link up. The password is checked first, so a weak one
/// leaves the link usable.
pub async fn set_password_with_link(
    db: &Db,
    purpose: Purpose,
    token: &str,
    password: String,
) -> Result<i64, AppError> {
    use crate::domain::field::{FieldError, FieldProblem};
    use crate::domain::password::check_new_password;
    use crate::server::accounts;
    use crate::server::passwords::{self, Password};

    let account_id = peek(db, purpose, token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let email = accounts::email_of(db, account_id)
        .await?
        .unwrap_or_default();
    let problem = if password.is_empty() {
        Some(FieldProblem::Required)
    } else {
        check_new_password(&password, &email, passwords::is_common)
            .err()
            .map(FieldProblem::Password)
    };
    if let Some(problem) = problem {
        return Err(AppError::Invalid {
            errors: vec![FieldError {
                field: "password".into(),
                problem,
            }],
            values: Vec::new(),
        });
    }
    let hash = passwords::hash(Password::new(password)).await?;
    let account_id = consume(db, purpose, token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    accounts::set_password(db, account_id, &hash).await?;
    Ok(account_id)
}
