//! Video rooms: a therapist creates a room and shares its link; anyone signed in who
//! opens the link waits in the lobby. The live room itself talks to the SFU over the
//! room's WebSocket (`server/src/routes/room_socket.rs`).

use crate::error::AppError;
use leptos::prelude::*;

pub mod types;
use types::{RoomDetails, RoomSummary};

#[cfg(feature = "ssr")]
mod ssr;

/// The rooms of the signed-in therapist's (or lead's) service, newest first.
#[server(prefix = "/api", endpoint = "rooms/list")]
pub async fn list_rooms() -> Result<Vec<RoomSummary>, AppError> {
    ssr::list().await.map_err(AppError::respond)
}

/// Creates a room; it appears first in the list.
#[server(prefix = "/api", endpoint = "rooms/create")]
pub async fn create_room(#[server(default)] title: String) -> Result<String, AppError> {
    ssr::create(title).await.map_err(AppError::respond)
}

/// A room as its link opens it (anyone signed in).
#[server(prefix = "/api", endpoint = "rooms/info")]
pub async fn room_info(code: String) -> Result<RoomDetails, AppError> {
    ssr::info(code).await.map_err(AppError::respond)
}
