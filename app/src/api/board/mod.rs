//! The triage board: the shared board of a service's referrals, a referral opened in
//! full, and the work done on it (claim, move, decide, notes, joint assessment).
//!
//! Intake staff and leads of the service use the board; a specialist guest sees only
//! the referrals shared with them. Every opening of a referral is in the access log.

// The filter form's eight fields are the filter server function's arguments (the
// macro also writes the browser's function, so the allowance is for the module).
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;

pub mod types;
use types::{BoardQuery, BoardView, CardView, ReferralView};

#[cfg(feature = "ssr")]
mod ssr;
#[cfg(feature = "ssr")]
mod views;

/// The board of the signed-in member of staff's service.
#[server(prefix = "/api", endpoint = "board/load")]
pub async fn load_board(#[server(default)] query: BoardQuery) -> Result<BoardView, AppError> {
    ssr::board(query).await.map_err(AppError::respond)
}

/// Sets the board's filter from the filter form: the search is kept with the session,
/// the rest goes in the board's address. Whoever works a board.
#[server(prefix = "/api", endpoint = "board/filter")]
pub async fn filter_board(
    q: Option<String>,
    municipality: Option<String>,
    state: Option<String>,
    band: Option<String>,
    format: Option<String>,
    mode: Option<String>,
    mine: Option<String>,
    unclaimed: Option<String>,
) -> Result<(), AppError> {
    let query = BoardQuery {
        q,
        municipality,
        state,
        band,
        format,
        mode,
        mine,
        unclaimed,
    };
    ssr::filter(query).await.map_err(AppError::respond)
}

/// A referral in full. Writes to the access log.
#[server(prefix = "/api", endpoint = "board/open")]
pub async fn open_referral(reference: String) -> Result<ReferralView, AppError> {
    ssr::open(reference).await.map_err(AppError::respond)
}

/// "I am working on this."
#[server(prefix = "/api", endpoint = "board/claim")]
pub async fn claim_referral(reference: String) -> Result<(), AppError> {
    ssr::claim(reference).await.map_err(AppError::respond)
}

/// Lets go of one's own claim; a lead may release anyone's.
#[server(prefix = "/api", endpoint = "board/release")]
pub async fn release_referral(reference: String) -> Result<(), AppError> {
    ssr::release(reference).await.map_err(AppError::respond)
}

/// Moves a referral to another state (as the state machine allows).
#[server(prefix = "/api", endpoint = "board/move")]
pub async fn move_referral(reference: String, to: String) -> Result<(), AppError> {
    ssr::move_to(reference, to).await.map_err(AppError::respond)
}

/// Records a decision with its reason; the person is told by email (no health details).
/// A group course names the cohort offered (`cohort`, its id).
#[server(prefix = "/api", endpoint = "board/decide")]
pub async fn decide_referral(
    reference: String,
    #[server(default)] decision: String,
    #[server(default)] reason: String,
    #[server(default)] cohort: String,
) -> Result<(), AppError> {
    ssr::decide(reference, decision, reason, cohort)
        .await
        .map_err(AppError::respond)
}

/// Adds an internal note.
#[server(prefix = "/api", endpoint = "board/note")]
pub async fn add_note(reference: String, #[server(default)] note: String) -> Result<(), AppError> {
    ssr::note(reference, note).await.map_err(AppError::respond)
}

/// Shares a referral with a specialist guest for joint assessment.
#[server(prefix = "/api", endpoint = "board/share")]
pub async fn share_referral(
    reference: String,
    #[server(default)] guest: String,
) -> Result<(), AppError> {
    ssr::share(reference, guest)
        .await
        .map_err(AppError::respond)
}

/// A specialist guest's assessment of a referral shared with them.
#[server(prefix = "/api", endpoint = "board/assess")]
pub async fn add_assessment(
    reference: String,
    #[server(default)] assessment: String,
) -> Result<(), AppError> {
    ssr::assess(reference, assessment)
        .await
        .map_err(AppError::respond)
}

/// The referrals shared with the signed-in specialist guest.
#[server(prefix = "/api", endpoint = "board/shared")]
pub async fn shared_with_me() -> Result<Vec<CardView>, AppError> {
    ssr::shared().await.map_err(AppError::respond)
}
