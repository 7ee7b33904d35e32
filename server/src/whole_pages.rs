//! Sends each server-rendered page in one piece, with its length.
//!
//! Leptos hands a page to axum as a stream of chunks even when the whole page was
//! rendered before the first byte, as every page here is. hyper then writes it chunked:
//! a write for each chunk and one to end, each a system call here and a wake-up in the
//! browser's network stack. Collected, a page is one write with a `Content-Length`.

use axum::body::Body;
use axum::body::HttpBody as _;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Far above any page the product renders; a stream longer than this is not a page.
const PAGE_LIMIT: usize = 16 * 1024 * 1024;

/// The response, in one piece when it is a page.
pub async fn whole_page(response: Response) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html || response.body().size_hint().exact().is_some() {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, PAGE_LIMIT).await {
        Ok(page) => Response::from_parts(parts, Body::from(page)),
        Err(error) => {
            tracing::error!(error = %error, "a page could not be rendered whole");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
