//! A forgotten password: an emailed single-use link that expires within the hour.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr;

/// Sends a reset link if the address has an account. Anyone may call this; it
/// answers the same either way, and sends mail in the background so the answer
/// takes the same time too.
#[server(prefix = "/api", endpoint = "account/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    ssr::request_password_reset(email)
        .await
        .map_err(AppError::respond)
}

/// Sets a new password with the emailed token, and ends every session of the
/// account. Anyone holding the link may use it, once.
#[server(prefix = "/api", endpoint = "account/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    ssr::reset_password(token, password)
        .await
        .map_err(AppError::respond)
}
