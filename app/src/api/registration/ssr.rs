//! The work behind the registration server functions: who is asking, then the repositories.

use crate::error::AppError;

pub async fn register(name: String, email: String, password: String) -> Result<(), AppError> {
    use crate::domain::field::{FieldError, FieldProblem};
    use crate::domain::identity::normalise_email;
    use crate::domain::password::check_new_password;
    use crate::i18n::{detect_lang, texts};
    use crate::server::auth::client_ip;
    use crate::server::passwords::{self, Password};
    use crate::server::rate_limit::{self, REGISTER_PER_ADDRESS, REGISTER_PER_EMAIL};
    use crate::server::tokens::{self, Purpose};
    use crate::server::{accounts, emails, state::app_state};

    let state = app_state()?;
    let db = &state.db;
    let mut errors = Vec::new();
    let mut problem = |field: &str, problem| {
        errors.push(FieldError {
            field: field.to_owned(),
            problem,
        })
    };
    let display_name = name.trim();
    if display_name.is_empty() {
        problem("name", FieldProblem::Required);
    } else if display_name.chars().count() > 100 {
        problem("name", FieldProblem::TooLong);
    }
    let normalised = normalise_email(&email);
    if email.trim().is_empty() {
        problem("email", FieldProblem::Required);
    } else if normalised.is_none() {
        problem("email", FieldProblem::EmailInvalid);
    }
    if password.is_empty() {
        problem("password", FieldProblem::Required);
    } else if let Err(p) = check_new_password(&password, &email, passwords::is_common) {
        problem("password", FieldProblem::Password(p));
    }
    let Some(email_address) = normalised.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid {
            errors,
            values: vec![("name".into(), name), ("email".into(), email)],
        });
    };

    let mut buckets = vec![(
        format!("register:email:{}", accounts::fingerprint(&email_address)),
        REGISTER_PER_EMAIL,
    )];
    if let Some(ip) = client_ip() {
        buckets.push((format!("register:ip:{ip}"), REGISTER_PER_ADDRESS));
    }
    if !rate_limit::hit_all(db, &buckets).await? {
        return Err(AppError::RateLimited);
    }

    // Hashed in every case, so both answers take the same time.
    let hash = passwords::hash(Password::new(password)).await?;
    let t = texts(detect_lang());
    let public_url = &state.site.public_url;
    let created = accounts::create_citizen(db, &email_address, display_name, &hash).await?;
    let unverified = match created {
        Some(id) => Some(id),
        None => accounts::unverified_citizen(db, &email_address).await?,
    };
    let mail = match unverified {
        Some(account_id) => {
            let token = tokens::issue(db, account_id, Purpose::VerifyEmail).await?;
            emails::verify_email(
                t,
                &email_address,
                &format!("{public_url}/verify-email?token={token}"),
            )
        }
        None => emails::account_exists(t, &email_address, &format!("{public_url}/login")),
    };
    state.mailer.send(mail).await.map_err(|error| {
        tracing::error!(error = ?error, "could not send the registration email");
        AppError::Unavailable
    })?;
    tracing::info!(new = created.is_some(), "registration handled");
    leptos_axum::redirect("/register/sent");
    Ok(())
}

pub async fn verify_email(token: String) -> Result<(), AppError> {
    use crate::server::tokens::{self, Purpose};
    use crate::server::{accounts, state::app_state};

    let state = app_state()?;
    let account_id = tokens::consume(&state.db, Purpose::VerifyEmail, &token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    accounts::mark_email_verified(&state.db, account_id).await?;
    tracing::info!(account_id, "email verified");
    leptos_axum::redirect("/login?verified=1");
    Ok(())
}
