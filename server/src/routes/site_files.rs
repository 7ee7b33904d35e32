//! The site's own files under `/pkg`: the brotli or gzip copy the build made when the
//! browser takes it, cached for a year when the name carries a hash of the contents
//! (a new build is a new name), and revalidated otherwise.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

use app::server::assets::is_published_name;

/// A year: the longest lifetime browsers honour.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Keep a copy, but ask (`If-Modified-Since`) before using it.
const REVALIDATE: &str = "no-cache";

pub fn site_files(pkg: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(pkg).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::from_fn(cache_lifetime))
}

async fn cache_lifetime(request: Request, next: Next) -> Response {
    let published = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .is_some_and(is_published_name);
    let mut response = next.run(request).await;
    let lifetime = if published && response.status().is_success() {
        FOREVER
    } else {
        REVALIDATE
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(lifetime));
    response
}
