//! The work behind the rooms server functions: who is asking, then the repositories.

use super::types::*;
use crate::domain::capability::{Capability, Kind, ServiceId};
use crate::domain::clock::format_oslo;
use crate::domain::field::{FieldError, FieldProblem};
use crate::error::AppError;
use crate::server::principal::Principal;
use crate::server::state::app_state;
use crate::server::{accounts, rooms};

/// The signed-in member of staff and the first service whose rooms they host.
async fn room_leader() -> Result<(i64, i64), AppError> {
    let principal = Principal::current().await?;
    let service = principal.first_service(Kind::HostRoom)?;
    Ok((principal.account_id, service.0))
}

pub async fn list() -> Result<Vec<RoomSummary>, AppError> {
    let state = app_state()?;
    let (_, service_id) = room_leader().await?;
    let mut attendance = rooms::attendance_of_service(&state.db, service_id).await?;
    let list = rooms::of_service(&state.db, service_id)
        .await?
        .into_iter()
        .map(|room| RoomSummary {
            attendance: attendance
                .remove(&room.room_id)
                .unwrap_or_default()
                .into_iter()
                .map(|a| AttendanceView {
                    name: a.shown_name,
                    host: a.host,
                    joined: format_oslo(a.joined_at),
                    left: a.left_at.map(format_oslo),
                })
                .collect(),
            link: format!("{}/rooms/{}", state.site.public_url, room.code),
            code: room.code,
            title: room.title,
            created: format_oslo(room.created_at),
            ended: room.ended_at.is_some(),
        })
        .collect();
    Ok(list)
}

pub async fn create(title: String) -> Result<String, AppError> {
    let state = app_state()?;
    let (account_id, service_id) = room_leader().await?;
    let Some(title) = crate::domain::room::clean_title(&title) else {
        return Err(AppError::Invalid {
            errors: vec![FieldError {
                field: "title".into(),
                problem: FieldProblem::Required,
            }],
            values: vec![("title".into(), title)],
        });
    };
    let room = rooms::create(&state.db, service_id, &title, account_id).await?;
    tracing::info!(room_id = room.room_id, "room created");
    // Back to the list, where the new room is first with its link: the room page
    // is opened by a full page load, which starts its script.
    Ok(room.code)
}

pub async fn info(code: String) -> Result<RoomDetails, AppError> {
    let principal = Principal::current().await?;
    let state = app_state()?;
    let room = rooms::by_code(&state.db, code.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let account_id = principal.account_id;
    let host = principal.may(Capability::HostRoom(ServiceId(room.service_id)));
    let name = accounts::summary(&state.db, account_id)
        .await?
        .map(|a| a.display_name)
        .unwrap_or_default();
    Ok(RoomDetails {
        code: room.code,
        title: room.title,
        ended: room.ended_at.is_some(),
        host,
        suggested_name: crate::domain::room::shown_name("", &name),
    })
}
