//! The lead's staff administration: list, invite, change role, close and reopen access; and
//! accepting an invitation.

use leptos::prelude::*;

use crate::error::AppError;

pub mod types;
use types::*;

#[cfg(feature = "ssr")]
mod ssr;

/// The staff of the lead's service. Leads only.
#[server(prefix = "/api", endpoint = "staff/list")]
pub async fn list_staff() -> Result<Vec<StaffView>, AppError> {
    ssr::list_staff().await.map_err(AppError::respond)
}

/// Invites a member of staff to the lead's service by email. Leads only.
#[server(prefix = "/api", endpoint = "staff/invite")]
pub async fn invite_staff(name: String, email: String, role: String) -> Result<(), AppError> {
    ssr::invite_staff(name, email, role)
        .await
        .map_err(AppError::respond)
}

/// Changes a member of staff's role; their sessions end, so the new role takes
/// effect at once. Leads only, for their own service.
#[server(prefix = "/api", endpoint = "staff/role")]
pub async fn change_staff_role(account_id: i64, role: String) -> Result<(), AppError> {
    ssr::change_staff_role(account_id, role)
        .await
        .map_err(AppError::respond)
}

/// Closes a member of staff's access; every session of theirs ends at once. Only as
/// the second step, after the lead has seen what it does (`confirm` is `yes`); a lead
/// can reopen it. Leads only, for their own service.
#[server(prefix = "/api", endpoint = "staff/deactivate")]
pub async fn deactivate_staff(account_id: i64, confirm: String) -> Result<(), AppError> {
    ssr::deactivate_staff(account_id, confirm)
        .await
        .map_err(AppError::respond)
}

/// Opens a closed access again (their old sessions stay ended; they log in anew).
/// Leads only, for their own service.
#[server(prefix = "/api", endpoint = "staff/reopen")]
pub async fn reopen_staff(account_id: i64) -> Result<(), AppError> {
    ssr::reopen_staff(account_id)
        .await
        .map_err(AppError::respond)
}

/// Accepts an invitation by choosing a password. Anyone holding the link may use it, once.
#[server(prefix = "/api", endpoint = "staff/accept-invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    ssr::accept_invitation(token, password)
        .await
        .map_err(AppError::respond)
}
