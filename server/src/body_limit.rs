//! A limit on the size of every request body, for every route.
//!
//! The largest thing a person sends is a questionnaire page or a note: a few
//! kilobytes. Anything declaring more than the limit is refused with 413 before it is
//! read; a body that turns out longer than it declared (or declared nothing) is cut
//! off at the limit, and the route then fails to read it (400).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;

use app::i18n::{lang_from_headers, texts};

/// 64 KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
#[error("request body larger than {MAX_BODY_BYTES} bytes")]
struct TooLarge;

/// The refusal of a body declared larger than the limit; `None` lets it through.
pub fn refuse_too_large(request: &Request) -> Option<Response> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        let t = texts(lang_from_headers(request.headers()));
        return Some((StatusCode::PAYLOAD_TOO_LARGE, t.error_too_large).into_response());
    }
    None
}

/// The request with its body cut off at the limit.
pub fn limit_body(request: Request) -> Request {
    let (parts, body) = request.into_parts();
    let mut seen = 0usize;
    let limited = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(axum::BoxError::from)?;
        seen += chunk.len();
        if seen > MAX_BODY_BYTES {
            return Err(axum::BoxError::from(TooLarge));
        }
        Ok(chunk)
    });
    Request::from_parts(parts, Body::from_stream(limited))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use tower::ServiceExt as _;

    /// A route that reads the whole body, as server functions do.
    fn app() -> axum::Router {
        axum::Router::new()
            .route(
                "/",
                post(|body: Body| async move {
                    match axum::body::to_bytes(body, usize::MAX).await {
                        Ok(bytes) => (StatusCode::OK, bytes.len().to_string()),
                        Err(_) => (StatusCode::BAD_REQUEST, String::new()),
                    }
                }),
            )
            .layer(axum::middleware::from_fn(
                |request: Request, next: axum::middleware::Next| async move {
                    match refuse_too_large(&request) {
                        Some(refused) => refused,
                        None => next.run(limit_body(request)).await,
                    }
                },
            ))
    }

    fn chunked(chunks: usize) -> Request {
        let stream = futures::stream::iter(
            (0..chunks).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'a'; 1024]))),
        );
        Request::post("/").body(Body::from_stream(stream)).unwrap()
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_cut_off_at_the_limit() {
        let within = app().oneshot(chunked(64)).await.unwrap();
        assert_eq!(within.status(), StatusCode::OK);
        let beyond = app().oneshot(chunked(65)).await.unwrap();
        assert_eq!(beyond.status(), StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_unread() {
        let request = Request::post("/")
            .header(header::CONTENT_LENGTH, (MAX_BODY_BYTES + 1).to_string())
            .body(Body::from(vec![b'a'; MAX_BODY_BYTES + 1]))
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
