//! Logging in and out, the second factor, and "my account".

use leptos::prelude::*;

use crate::error::AppError;

pub mod types;
use types::*;

#[cfg(feature = "ssr")]
mod ssr;

/// Checks email and password. Citizens are then signed in; staff go on to the
/// second factor. Anyone may call this, so the rate limits are checked first.
/// `next` is the page to return to once signed in (a path on this site).
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    ssr::login(email, password, next)
        .await
        .map_err(AppError::respond)
}

/// Completes a staff login with a code from the authenticator app or a recovery code.
/// Only a session that has just given the right password may call this.
#[server(prefix = "/api", endpoint = "auth/second-factor")]
pub async fn second_factor(code: String, #[server(default)] next: String) -> Result<(), AppError> {
    ssr::second_factor(code, next)
        .await
        .map_err(AppError::respond)
}

/// Ends this session. Anyone may call it; without a session it only clears the cookie.
#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::auth::current_session;
    use crate::server::cookies::{clear_session_cookie, set_cookie};
    use crate::server::{sessions, state::app_state};

    let state = app_state()?;
    if let Some(current) = current_session() {
        sessions::end(&state.db, &current.token).await?;
    }
    set_cookie(&clear_session_cookie(state.site.production));
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends every session of the signed-in person, on every device.
#[server(prefix = "/api", endpoint = "auth/logout-everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    ssr::logout_everywhere().await.map_err(AppError::respond)
}

/// The signed-in person's own account.
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn my_account() -> Result<AccountView, AppError> {
    ssr::my_account().await.map_err(AppError::respond)
}

/// Confirms, for a signed-in person, that it is still them: their password and a
/// current code (or a recovery code). For the next ten minutes this session may
/// replace the second factor.
#[server(prefix = "/api", endpoint = "auth/confirm-identity")]
pub async fn confirm_identity(password: String, code: String) -> Result<(), AppError> {
    ssr::confirm_identity(password, code)
        .await
        .map_err(AppError::respond)
}

/// Starts enrolment in the second factor. A signed-in person may call it, and so
/// may staff who have given their password but have no second factor yet.
#[server(prefix = "/api", endpoint = "auth/second-factor/begin")]
pub async fn begin_second_factor() -> Result<EnrolmentView, AppError> {
    ssr::begin_second_factor().await.map_err(AppError::respond)
}

/// Confirms enrolment with a code from the app; a half-way staff session becomes a
/// full one (with a new id).
#[server(prefix = "/api", endpoint = "auth/second-factor/confirm")]
pub async fn confirm_second_factor(code: String) -> Result<(), AppError> {
    ssr::confirm_second_factor(code)
        .await
        .map_err(AppError::respond)
}

/// Seconds until the caller's session lapses if unused, or `None` without one.
/// Anyone may ask about their own session; asking counts as activity.
#[server(prefix = "/api", endpoint = "auth/session")]
pub async fn session_status() -> Result<Option<i64>, AppError> {
    use crate::server::auth::current_session;
    use crate::server::db::now;

    Ok(current_session().map(|s| (s.session.idle_deadline - now()).max(0)))
}
