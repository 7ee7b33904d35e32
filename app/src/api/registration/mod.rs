//! Citizens create an account and confirm their email address.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr;

/// Creates a citizen account and emails a confirmation link. Anyone may call this:
/// rate limits come first, and an address that already has an account gets the same
/// answer here (its owner gets an email instead), so nothing reveals who is registered.
#[server(prefix = "/api", endpoint = "account/register")]
pub async fn register(name: String, email: String, password: String) -> Result<(), AppError> {
    ssr::register(name, email, password)
        .await
        .map_err(AppError::respond)
}

/// Confirms an email address with the token from the emailed link. Anyone holding
/// the link may use it, once.
#[server(prefix = "/api", endpoint = "account/verify-email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    ssr::verify_email(token).await.map_err(AppError::respond)
}
