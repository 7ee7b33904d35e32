//! The work behind the access log server functions: who is asking, then the repositories.

use super::types::*;
use crate::domain::access::{repeated_runs, Purpose};
use crate::domain::identity::Role;
use crate::error::AppError;

pub async fn my_access_log() -> Result<Vec<AccessEntryView>, AppError> {
    use crate::server::principal::Principal;
    use crate::server::{access_log, state::app_state};

    let principal = Principal::current().await?;
    let state = app_state()?;
    let entries = access_log::entries_about(&state.db, principal.account_id).await?;
    // The same person doing the same with the same record within a short while is one
    // line, with how many times.
    let runs = repeated_runs(
        &entries,
        |e| {
            (
                e.actor_account_id,
                e.record.clone(),
                e.role.clone(),
                e.data_kind,
                e.action,
            )
        },
        |e| e.at,
    );
    Ok(runs
        .into_iter()
        .map(|run| {
            let newest = &entries[run.start];
            let role = Role::parse(&newest.role);
            AccessEntryView {
                at: newest.at,
                first_at: entries[run.end - 1].at,
                count: run.len(),
                staff_name: newest.staff_name.clone(),
                role,
                service: newest.service.clone(),
                data_kind: newest.data_kind,
                action: newest.action,
                purpose: Purpose::of(role, newest.data_kind, newest.action),
            }
        })
        .collect())
}
