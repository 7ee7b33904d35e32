//! `GET /language/{code}?to=/path`: remember the chosen language and go back.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use app::domain::path::is_local_path;
use app::i18n::{lang_cookie, Lang};
use app::server::AppState;

#[derive(Deserialize)]
pub struct Back {
    to: Option<String>,
}

pub async fn set_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let to = back
        .to
        .as_deref()
        .filter(|p| is_local_path(p))
        .unwrap_or("/");
    let cookie = lang_cookie(lang, state.site.production);
    let (Ok(cookie), Ok(location)) = (HeaderValue::from_str(&cookie), HeaderValue::from_str(to))
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    (
        StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, cookie), (header::LOCATION, location)],
    )
        .into_response()
}
