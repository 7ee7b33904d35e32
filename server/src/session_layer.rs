//! Finds the session a request's cookie points to and hands it to pages and server functions.

use axum::extract::Request;

use app::server::auth::CurrentSession;
use app::server::cookies::{cookie_name, cookie_value};
use app::server::{sessions, AppState};

use crate::security::is_static_asset;

pub async fn attach_session(state: &AppState, request: &mut Request) {
    // Static files need no session (and no database round trip).
    let path = request.uri().path();
    if !(is_static_asset(path) || path == "/healthz") {
        if let Some(token) = cookie_value(request.headers(), cookie_name(state.site.production)) {
            match sessions::resolve(&state.db, &token).await {
                Ok(Some(session)) => {
                    request
                        .extensions_mut()
                        .insert(CurrentSession { session, token });
                }
                Ok(None) => {}
                Err(error) => tracing::error!(error = ?error, "could not look up the session"),
            }
        }
    }
}
