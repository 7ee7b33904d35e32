//! The room's signalling WebSocket. Who is asking comes from the session cookie and
//! the room from its link; whether they host comes from their role in the room's
//! service. Nothing the browser says about itself is trusted.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use app::domain::capability::{Capability, ServiceId};
use app::server::principal::Principal;
use app::server::{accounts, course_attendance, rooms, sessions, AppState};

use crate::csrf::{is_same_origin, TrustedOrigins};
use crate::sfu::room::Visitor;
use crate::sfu::signal::{ClientMessage, ServerMessage};
use crate::sfu::Sfu;

/// How long the browser has to say hello.
const HELLO_WAIT: Duration = Duration::from_secs(30);
/// How often an open socket checks that its session still stands, and counts the call
/// as activity (a course session outlasts the idle limit).
const SESSION_CHECK: Duration = Duration::from_secs(30);
/// Signalling waiting for a browser that does not read it; beyond this it is dropped.
const OUTBOX_DEPTH: usize = 256;
/// Signalling a browser may send: a burst (its ICE candidates come at once) and a
/// steady rate well above what a person's clicks make. Beyond it messages are dropped,
/// so one socket cannot flood its room.
const BURST: f64 = 60.0;
const PER_SECOND: f64 = 20.0;

/// A token bucket for one socket's messages.
#[derive(Debug)]
pub struct Throttle {
    tokens: f64,
    at: std::time::Instant,
    /// When the browser was last told it is too fast (once a second at most).
    warned: Option<std::time::Instant>,
}

impl Throttle {
    pub fn new(now: std::time::Instant) -> Throttle {
        Throttle {
            tokens: BURST,
            at: now,
            warned: None,
        }
    }

    /// Whether a message arriving at `now` may pass.
    pub fn allow(&mut self, now: std::time::Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * PER_SECOND).min(BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whether to tell the browser about a dropped message now.
    fn should_warn(&mut self, now: std::time::Instant) -> bool {
        let due = self
            .warned
            .is_none_or(|at| now.saturating_duration_since(at) >= Duration::from_secs(1));
        if due {
            self.warned = Some(now);
        }
        due
    }
}

/// How long a closing socket waits for the browser's side of the close.
const CLOSE_WAIT: Duration = Duration::from_secs(2);
/// The largest message a browser may send (an SDP offer is a few kilobytes).
const MAX_MESSAGE: usize = 64 * 1024;

pub async fn room_socket(
    State(state): State<AppState>,
    Extension(sfu): Extension<Sfu>,
    Extension(origins): Extension<TrustedOrigins>,
    principal: Option<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    // Other sites' pages must not open a socket with this browser's cookie.
    if !is_same_origin(&headers, &origins) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(principal) = principal else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let room = match rooms::by_code(&state.db, &code).await {
        Ok(Some(room)) => room,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = ?error, "could not read a room");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    if room.ended_at.is_some() {
        return StatusCode::GONE.into_response();
    }
    let host = principal.may(Capability::HostRoom(ServiceId(room.service_id)));
    let account_name = match accounts::summary(&state.db, principal.account_id).await {
        Ok(Some(summary)) => summary.display_name,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(error) => {
            tracing::error!(error = ?error, "could not read an account");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let enrolled =
        match course_attendance::enrolled_in_room(&state.db, room.room_id, principal.account_id)
            .await
        {
            Ok(enrolled) => enrolled,
            Err(error) => {
                tracing::error!(error = ?error, "could not read a course room's roster");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        };
    let seat = SeatRequest {
        state,
        enrolled,
        sfu,
        room_id: room.room_id,
        account_id: principal.account_id,
        session_id: principal.session_id,
        account_name,
        host,
    };
    upgrade
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| serve(socket, seat))
}

struct SeatRequest {
    state: AppState,
    sfu: Sfu,
    room_id: i64,
    account_id: i64,
    /// Checked (and kept alive) while the call lasts.
    session_id: String,
    account_name: String,
    host: bool,
    enrolled: Option<bool>,
}

#[tracing::instrument(skip_all, fields(room = request.room_id))]
async fn serve(socket: WebSocket, request: SeatRequest) {
    let (mut write, mut read) = socket.split();
    let hello = tokio::time::timeout(HELLO_WAIT, read.next()).await;
    let Ok(Some(Ok(Message::Text(text)))) = hello else {
        return;
    };
    let Ok(ClientMessage::Hello { name, audio_only }) = serde_json::from_str(text.as_str()) else {
        let _ = write.send(text_of(&refused("bad_message"))).await;
        return;
    };
    let visitor = Visitor {
        account_id: request.account_id,
        name: app::domain::room::shown_name(&name, &request.account_name),
        host: request.host,
        audio_only,
        enrolled: request.enrolled,
    };
    let (out, mut outbox) = mpsc::channel::<ServerMessage>(OUTBOX_DEPTH);
    let seat = match request.sfu.join(request.room_id, visitor, out).await {
        Ok(seat) => seat,
        Err(reason) => {
            let _ = write
                .send(text_of(&ServerMessage::Goodbye { reason }))
                .await;
            let _ = write.close().await;
            return;
        }
    };
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.tick().await;
    let mut throttle = Throttle::new(std::time::Instant::now());
    loop {
        tokio::select! {
            frame = read.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Binary(_))) => {
                        let _ = write.send(text_of(&refused("bad_message"))).await;
                        continue;
                    }
                    _ => break,
                };
                let now = std::time::Instant::now();
                if !throttle.allow(now) {
                    if throttle.should_warn(now) {
                        let _ = write.send(text_of(&refused("too_many"))).await;
                    }
                    continue;
                }
                match serde_json::from_str::<ClientMessage>(text.as_str()) {
                    Ok(message) => seat.send(message),
                    Err(_) => {
                        let _ = write.send(text_of(&refused("bad_message"))).await;
                    }
                }
            }
            message = outbox.recv() => {
                let Some(message) = message else { break };
                let last = matches!(message, ServerMessage::Goodbye { .. });
                if write.send(text_of(&message)).await.is_err() || last {
                    break;
                }
            }
            _ = check.tick() => {
                match sessions::resolve_id(&request.state.db, request.session_id.clone()).await {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(error) => tracing::warn!(error = ?error, "could not check a room's session"),
                }
            }
        }
    }
    // Dropping the seat tells the room this person is gone.
    drop(seat);
    // A closing handshake, reading what the browser still sends: closing with unread
    // data makes the kernel reset the connection, and the browser could lose the
    // farewell it has not read yet.
    let _ = write.close().await;
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        while let Some(Ok(_)) = read.next().await {}
    })
    .await;
}

fn refused(code: &str) -> ServerMessage {
    ServerMessage::Refused {
        code: code.to_owned(),
    }
}

fn text_of(message: &ServerMessage) -> Message {
    Message::text(serde_json::to_string(message).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_burst_passes_then_the_steady_rate_and_no_more() {
        let start = Instant::now();
        let mut throttle = Throttle::new(start);
        let burst = (0..100).filter(|_| throttle.allow(start)).count();
        assert_eq!(burst, BURST as usize);
        // Half a second later, ten more (20 a second).
        let later = start + Duration::from_millis(500);
        let refill = (0..100).filter(|_| throttle.allow(later)).count();
        assert_eq!(refill, 10);
    }

    #[test]
    fn a_quiet_socket_gets_its_whole_burst_back_and_no_more() {
        let start = Instant::now();
        let mut throttle = Throttle::new(start);
        for _ in 0..60 {
            throttle.allow(start);
        }
        let much_later = start + Duration::from_secs(3600);
        let burst = (0..100).filter(|_| throttle.allow(much_later)).count();
        assert_eq!(burst, BURST as usize);
    }

    #[test]
    fn the_browser_is_told_at_most_once_a_second() {
        let start = Instant::now();
        let mut throttle = Throttle::new(start);
        assert!(throttle.should_warn(start));
        assert!(!throttle.should_warn(start + Duration::from_millis(900)));
        assert!(throttle.should_warn(start + Duration::from_millis(1000)));
    }
}
