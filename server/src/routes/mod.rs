//! HTTP routes outside Leptos.

pub mod board_events;
pub mod fhir;
pub mod figures;
pub mod health;
pub mod language;
pub mod room_socket;
pub mod site_files;
pub mod trajectory;

/// A file to save: its type, the name to save it under, and its contents.
/// The answer to a request that failed on the server's side, with the cause logged.
pub(crate) fn failed(what: &str, error: impl std::fmt::Debug) -> axum::response::Response {
    use axum::response::IntoResponse;
    tracing::error!(error = ?error, "{what} failed");
    axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

pub(crate) fn download(
    content_type: &str,
    file_name: &str,
    body: impl Into<axum::body::Body>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}
