//! "Who has looked at my data": a citizen's view of the access log.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::access::{AccessAction, DataKind};
use crate::domain::identity::Role;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntryView {
    pub at: i64,
    pub staff_name: String,
    pub role: Option<Role>,
    pub service: Option<String>,
    pub data_kind: Option<DataKind>,
    pub action: Option<AccessAction>,
}

/// The signed-in person's own entries; nobody else's.
#[server(prefix = "/api", endpoint = "account/access-log")]
pub async fn my_access_log() -> Result<Vec<AccessEntryView>, AppError> {
    my_access_log_inner().await.map_err(AppError::respond)
}

#[cfg(feature = "ssr")]
async fn my_access_log_inner() -> Result<Vec<AccessEntryView>, AppError> {
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
