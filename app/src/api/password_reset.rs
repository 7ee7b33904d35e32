//! A forgotten password: an emailed single-use link that expires within the hour.

use leptos::prelude::*;

use crate::error::AppError;

/// Sends a reset link if the address has an account. Anyone may call this; it
/// answers the same either way, and sends mail in the background so the answer
/// takes the same time too.
#[server(prefix = "/api", endpoint = "account/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    request_password_reset_inner(email)
        .await
        .map_err(AppError::respond)
}

#[cfg(feature = "ssr")]
async fn request_password_reset_inner(email: String) -> Result<(), AppError> {
    use crate::i18n::{detect_lang, texts};
    use crate::server::auth::client_ip;
    use crate::server::rate_limit::{self, RESET_PER_ADDRESS, RESET_PER_EMAIL};
    use crate::server::tokens::{self, Purpose};
    use crate::server::{accounts, emails, state::app_state};

    let state = app_state()?;
    let db = &state.db;
    let address = AppError::email_field(email)?;
    let mut buckets = vec![(
        format!("reset:email:{}", accounts::fingerprint(&address)),
        RESET_PER_EMAIL,
    )];
    if let Some(ip) = client_ip() {
        buckets.push((format!("reset:ip:{ip}"), RESET_PER_ADDRESS));
    }
    if !rate_limit::hit_all(db, &buckets).await? {
        return Err(AppError::RateLimited);
    }

    if let Some(account_id) = accounts::active_by_email(db, &address).await? {
        let token = tokens::issue(db, account_id, Purpose::ResetPassword).await?;
        let link = format!("{}/reset-password?token={token}", state.site.public_url);
        let mail = emails::reset_password(texts(detect_lang()), &address, &link);
        let mailer = state.mailer.clone();
        tokio::spawn(async move {
            if let Err(error) = mailer.send(mail).await {
                tracing::error!(error = ?error, "could not send the password reset email");
            }
        });
    }
    leptos_axum::redirect("/forgot-password/sent");
    Ok(())
}

/// Sets a new password with the emailed token, and ends every session of the
/// account. Anyone holding the link may use it, once.
#[server(prefix = "/api", endpoint = "account/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    reset_password_inner(token, password)
        .await
        .map_err(AppError::respond)
}

#[cfg(feature = "ssr")]
async fn reset_password_inner(token: String, password: String) -> Result<(), AppError> {
    use crate::server::tokens::Purpose;
    use crate::server::{sessions, state::app_state};

    let state = app_state()?;
    let account_id =
        set_password_with_link(&state.db, Purpose::ResetPassword, &token, password).await?;
    let ended = sessions::end_all_for_account(&state.db, account_id).await?;
    tracing::info!(account_id, ended, "password reset");
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// Sets the password of the account an emailed link belongs to (a reset or an
/// invitation) and uses the link up. The password is checked first, so a weak one
/// leaves the link usable.
#[cfg(feature = "ssr")]
pub(crate) async fn set_password_with_link(
    db: &crate::server::Db,
    purpose: crate::server::tokens::Purpose,
    token: &str,
    password: String,
) -> Result<i64, AppError> {
    use crate::domain::field::{FieldError, FieldProblem};
    use crate::domain::password::check_new_password;
    use crate::server::accounts;
    use crate::server::passwords::{self, Password};
    use crate::server::tokens;

    let account_id = tokens::peek(db, purpose, token)
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
    let account_id = tokens::consume(db, purpose, token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    accounts::set_password(db, account_id, &hash).await?;
    Ok(account_id)
}
