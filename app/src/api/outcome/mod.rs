//! Outcomes: a person's scores over time, for the staff who help them and for the
//! person themselves.

use crate::error::AppError;
use leptos::prelude::*;

pub mod types;

use types::{FiguresView, TrajectoryView};

#[cfg(feature = "ssr")]
pub(crate) mod ssr;

/// A referral's scores over time: its owner, its service's intake and leads, and the
/// leaders of a course group it is in. Staff reads are in the person's access log.
#[server(prefix = "/api", endpoint = "outcome/trajectory")]
pub async fn trajectory(reference: String) -> Result<TrajectoryView, AppError> {
    ssr::trajectory(reference).await.map_err(AppError::respond)
}

/// The service's figures for a period (`from` and `to` months, "2026-01"), broken
/// down `by` month, municipality, course or group: leads. With `cohort`, one group's
/// figures: its leaders and the leads. Empty fields take the last twelve months.
#[server(prefix = "/api", endpoint = "outcome/figures")]
pub async fn service_figures(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] by: String,
    #[server(default)] cohort: Option<i64>,
) -> Result<FiguresView, AppError> {
    ssr::figures(from, to, by, cohort)
        .await
        .map_err(AppError::respond)
}
