//! The work behind the access log server functions: who is asking, then the repositories.

use super::types::*;
use crate::domain::identity::Role;
use crate::error::AppError;

pub async fn my_access_log() -> Result<Vec<AccessEntryView>, AppError> {
    use crate::server::principal::Principal;
    use crate::server::{access_log, state::app_state};

    let principal = Principal::current().await?;
    let state = app_state()?;
    let entries = access_log::entries_about(&state.db, principal.account_id).await?;
    Ok(entries
        .into_iter()
        .map(|e| AccessEntryView {
            at: e.at,
            staff_name: e.staff_name,
            role: Role::parse(&e.role),
            service: e.service,
            data_kind: e.data_kind,
            action: e.action,
        })
        .collect())
}
