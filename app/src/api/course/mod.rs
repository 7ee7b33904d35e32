//! Group courses as a person meets them: the course offered on their referral, with its
//! dates; accepting it (a seat, or a place on the wait list) or declining it.

use crate::error::AppError;
use leptos::prelude::*;

pub mod types;
use types::MyCourse;

#[cfg(feature = "ssr")]
mod ssr;

/// The signed-in person's course offers and enrolments, newest first.
#[server(prefix = "/api", endpoint = "course/mine")]
pub async fn my_courses() -> Result<Vec<MyCourse>, AppError> {
    ssr::mine().await.map_err(AppError::respond)
}

/// The person accepts the course offered on their referral: a seat, or a place on the
/// wait list when the course is full.
#[server(prefix = "/api", endpoint = "course/accept")]
pub async fn accept_course(reference: String) -> Result<(), AppError> {
    ssr::accept(reference).await.map_err(AppError::respond)
}

/// The person declines the course offered (or leaves it, or its wait list).
#[server(prefix = "/api", endpoint = "course/decline")]
pub async fn decline_course(reference: String) -> Result<(), AppError> {
    ssr::decline(reference).await.map_err(AppError::respond)
}
