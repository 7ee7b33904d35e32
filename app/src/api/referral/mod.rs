//! Self-referral: the public service page, the steps, "continue later", sending, the receipt.
//!
//! A person needs no account: the draft is found through a cookie holding a random
//! token (only its hash is stored). Staff may register a referral on someone's behalf
//! through the same steps.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::error::AppError;

pub mod types;
use types::{MyReferral, Receipt, ServiceInfo, StepPage};

#[cfg(feature = "ssr")]
mod ssr;

/// The public page of a service. Anyone may read it.
#[server(prefix = "/api", endpoint = "referral/service")]
pub async fn service_page(slug: String) -> Result<ServiceInfo, AppError> {
    ssr::service_page(slug).await.map_err(AppError::respond)
}

/// Starts (or continues) a referral to a service. `source` is for staff registering a
/// referral that came by phone, on paper or from a GP.
#[server(prefix = "/api", endpoint = "referral/start")]
pub async fn start_referral(
    slug: String,
    #[server(default)] source: String,
) -> Result<(), AppError> {
    ssr::start(slug, source).await.map_err(AppError::respond)
}

/// What one step shows, for the person holding the draft.
#[server(prefix = "/api", endpoint = "referral/step")]
pub async fn referral_step(slug: String, step: String) -> Result<StepPage, AppError> {
    ssr::step_page(slug, step).await.map_err(AppError::respond)
}

/// Saves one step and goes on to the next (or back to the review).
#[server(prefix = "/api", endpoint = "referral/save")]
pub async fn save_referral_step(
    slug: String,
    step: String,
    #[server(default)] fields: BTreeMap<String, String>,
) -> Result<(), AppError> {
    ssr::save_step(slug, step, fields)
        .await
        .map_err(AppError::respond)
}

/// Uses earlier answers to an instrument (given within the service's window) instead of
/// asking again. Signed-in citizens only.
#[server(prefix = "/api", endpoint = "referral/reuse")]
pub async fn reuse_answers(slug: String, instrument: String) -> Result<(), AppError> {
    ssr::reuse_answers(slug, instrument)
        .await
        .map_err(AppError::respond)
}

/// Emails a single-use link to continue the draft later, on any device.
#[server(prefix = "/api", endpoint = "referral/later")]
pub async fn continue_later(slug: String, email: String) -> Result<(), AppError> {
    ssr::continue_later(slug, email)
        .await
        .map_err(AppError::respond)
}

/// Opens a draft from an emailed link, in this browser.
#[server(prefix = "/api", endpoint = "referral/resume")]
pub async fn resume_referral(token: String) -> Result<(), AppError> {
    ssr::resume(token).await.map_err(AppError::respond)
}

/// Sends the referral. `early` ("yes"), after a risk answer: now, without the
/// remaining steps.
#[server(prefix = "/api", endpoint = "referral/submit")]
pub async fn submit_referral(
    slug: String,
    #[server(default)] early: String,
) -> Result<(), AppError> {
    ssr::submit(slug, early == "yes")
        .await
        .map_err(AppError::respond)
}

/// The receipt for the referral this browser just sent.
#[server(prefix = "/api", endpoint = "referral/receipt")]
pub async fn referral_receipt(slug: String) -> Result<Receipt, AppError> {
    ssr::receipt(slug).await.map_err(AppError::respond)
}

/// The signed-in person's own referrals.
#[server(prefix = "/api", endpoint = "referral/mine")]
pub async fn my_referrals() -> Result<Vec<MyReferral>, AppError> {
    ssr::mine().await.map_err(AppError::respond)
}

/// The signed-in person withdraws their own referral; `confirm` ("yes") is the box
/// they tick to say they mean it.
#[server(prefix = "/api", endpoint = "referral/withdraw")]
pub async fn withdraw_referral(
    reference: String,
    #[server(default)] confirm: String,
) -> Result<(), AppError> {
    ssr::withdraw(reference, confirm == "yes")
        .await
        .map_err(AppError::respond)
}

/// Confirms, from the receipt email's link, that a referral naming the address of an
/// existing account is that account holder's. Whoever holds the link may, once.
#[server(prefix = "/api", endpoint = "referral/confirm")]
pub async fn confirm_referral(token: String) -> Result<(), AppError> {
    ssr::confirm_owner(token).await.map_err(AppError::respond)
}

/// Sets the password of the account a referral created, from the receipt email's link.
#[server(prefix = "/api", endpoint = "referral/follow")]
pub async fn follow_referral(token: String, password: String) -> Result<(), AppError> {
    ssr::follow(token, password)
        .await
        .map_err(AppError::respond)
}
