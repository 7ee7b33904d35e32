//! The work behind the password reset server functions: who is asking, then the repositories.

use crate::error::AppError;

pub async fn request_password_reset(email: String) -> Result<(), AppError> {
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

pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::server::tokens::{self, Purpose};
    use crate::server::{sessions, state::app_state};

    let state = app_state()?;
    let account_id =
        tokens::set_password_with_link(&state.db, Purpose::ResetPassword, &token, password).await?;
    let ended = sessions::end_all_for_account(&state.db, account_id).await?;
    tracing::info!(account_id, ended, "password reset");
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}
