//! `GET /healthz`: is the process up and does the database answer? Also how many video
//! rooms and peer connections the SFU holds (counts only: nothing about who).

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Serialize;

use app::server::AppState;

use crate::sfu::Sfu;

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    database: &'static str,
    backend: &'static str,
    media: Media,
}

#[derive(Serialize)]
pub struct Media {
    rooms: usize,
    peers: usize,
}

pub async fn healthz(
    State(state): State<AppState>,
    Extension(sfu): Extension<Sfu>,
) -> (StatusCode, Json<Health>) {
    let backend = state.db.backend.name();
    let snapshot = sfu.snapshot();
    let media = || Media {
        rooms: snapshot.rooms,
        peers: snapshot.peers,
    };
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
                backend,
                media: media(),
            }),
        ),
        Err(error) => {
            tracing::error!(error = ?error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database: "unreachable",
                    backend,
                    media: media(),
                }),
            )
        }
    }
}
