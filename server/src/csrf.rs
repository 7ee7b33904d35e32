//! Cross-site request forgery protection: every state-changing request must come
//! from one of our own pages, as the browser's `Origin` (or `Referer`) header says.
//!
//! Browsers always send `Origin` with a cross-site POST and cannot forge it, so a
//! request whose origin is not ours, or that names none at all, is refused.

use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use app::i18n::{lang_from_headers, texts};

/// The origins we accept besides the one the request itself was sent to.
#[derive(Clone, Debug)]
pub struct TrustedOrigins {
    /// The origin of `PUBLIC_URL` (scheme, host and port), e.g. `https://rph.kommune.no`.
    pub public_origin: String,
}

impl TrustedOrigins {
    pub fn from_public_url(public_url: &str) -> TrustedOrigins {
        TrustedOrigins {
            public_origin: origin_of(public_url).unwrap_or_default(),
        }
    }
}

/// `scheme://host[:port]` of a URL, or `None` when it has none.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    ))
}

/// True when the headers show the request came from a page of this site.
pub fn is_same_origin(headers: &HeaderMap, trusted: &TrustedOrigins) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null")
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of)
        });
    let Some(claimed) = claimed.map(|c| c.to_ascii_lowercase()) else {
        return false;
    };
    if !trusted.public_origin.is_empty() && claimed == trusted.public_origin {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    claimed == format!("http://{host}") || claimed == format!("https://{host}")
}

/// The refusal of a state-changing request from another site; `None` lets it through.
pub fn refuse_cross_site(trusted: &TrustedOrigins, request: &Request) -> Option<Response> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_origin(request.headers(), trusted) {
        return None;
    }
    tracing::warn!(method = %request.method(), path = %request.uri().path(), "refused a cross-site request");
    let t = texts(lang_from_headers(request.headers()));
    Some((StatusCode::FORBIDDEN, t.error_cross_site).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn trusted() -> TrustedOrigins {
        TrustedOrigins::from_public_url("https://rph.example.no/")
    }

    #[test]
    fn the_public_origin_is_trusted() {
        let h = headers(&[
            ("origin", "https://rph.example.no"),
            ("host", "10.0.0.5:3000"),
        ]);
        assert!(is_same_origin(&h, &trusted()));
    }

    #[test]
    fn the_host_the_request_was_sent_to_is_trusted() {
        let h = headers(&[
            ("origin", "http://127.0.0.1:3100"),
            ("host", "127.0.0.1:3100"),
        ]);
        assert!(is_same_origin(&h, &trusted()));
    }

    #[test]
    fn a_foreign_origin_is_refused() {
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "rph.example.no"),
        ]);
        assert!(!is_same_origin(&h, &trusted()));
    }

    #[test]
    fn referer_stands_in_when_origin_is_missing() {
        let h = headers(&[
            ("referer", "https://rph.example.no/logg-inn"),
            ("host", "x"),
        ]);
        assert!(is_same_origin(&h, &trusted()));
        let h = headers(&[
            ("referer", "https://evil.example/rph.example.no"),
            ("host", "x"),
        ]);
        assert!(!is_same_origin(&h, &trusted()));
    }

    #[test]
    fn no_origin_at_all_is_refused() {
        assert!(!is_same_origin(
            &headers(&[("host", "rph.example.no")]),
            &trusted()
        ));
        let h = headers(&[("origin", "null"), ("host", "rph.example.no")]);
        assert!(!is_same_origin(&h, &trusted()));
    }
}
