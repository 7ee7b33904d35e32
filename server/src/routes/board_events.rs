//! Server-sent events for open boards: "a referral of your service changed, fetch
//! the board again". The event carries no personal data: the referral's id, or `all`
//! when changes may have been missed.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use app::domain::capability::Kind;
use app::server::board::events::BoardNews;
use app::server::principal::Principal;
use app::server::{sessions, AppState};

/// How often an open stream checks that its session still stands (logout, deactivation).
const SESSION_CHECK: Duration = Duration::from_secs(30);

pub async fn board_events(State(state): State<AppState>, principal: Principal) -> Response {
    let services: Vec<i64> = principal
        .services(Kind::WorkBoard)
        .into_iter()
        .map(|service| service.0)
        .collect();
    if services.is_empty() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let receiver = state.db.board.subscribe().await;
    let stream = changes(state, principal.session_id, services, receiver);
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn changes(
    state: AppState,
    session_id: String,
    services: Vec<i64>,
    receiver: tokio::sync::broadcast::Receiver<BoardNews>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (state, session_id, services, receiver),
        |(state, session_id, services, mut receiver)| async move {
            loop {
                let event = tokio::select! {
                    received = receiver.recv() => match received {
                        Ok(BoardNews::Changed(change)) if services.contains(&change.service_id) => {
                            Event::default().event("change").data(change.referral_id.to_string())
                        }
                        Ok(BoardNews::Changed(_)) => continue,
                        // Fell behind, or the listener did: one "fetch everything" is as
                        // good as many changes.
                        Ok(BoardNews::Missed) | Err(RecvError::Lagged(_)) => {
                            Event::default().event("change").data("all")
                        }
                        Err(RecvError::Closed) => return None,
                    },
                    () = tokio::time::sleep(SESSION_CHECK) => {
                        match sessions::still_live(&state.db, &session_id).await {
                            Ok(true) => continue,
                            Ok(false) => return None,
                            Err(error) => {
                                tracing::warn!(error = ?error, "could not check a board's session");
                                continue;
                            }
                        }
                    }
                };
                return Some((Ok(event), (state, session_id, services, receiver)));
            }
        },
    )
}
