//! Security headers on every response.

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::sync::Arc;

/// The policy for responses that are not pages (no script of theirs runs).
const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The nonce of one request's page: minted here, handed to Leptos through the request's
/// extensions (its hydration scripts carry it) and written into that response's policy.
/// The policy therefore never depends on what the page rendering managed to set.
#[derive(Clone, Debug)]
pub struct PageNonce(pub Arc<str>);

impl PageNonce {
    fn new() -> Self {
        let bytes: [u8; 16] = rand::random();
        Self(URL_SAFE_NO_PAD.encode(bytes).into())
    }

    /// Only this request's own scripts may run: no `unsafe-inline`.
    fn policy(&self) -> String {
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{}'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
            self.0
        )
    }
}

/// The site's own files (the bundle, the stylesheet, the room script, the icon): the
/// same for everyone, and never personal.
pub fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/room.js"
}

#[derive(Clone, Copy, Debug)]
pub struct SecurityHeaders {
    /// Send `Strict-Transport-Security` (production, behind HTTPS).
    pub hsts: bool,
}

/// Mints the request's nonce and puts it where the page's rendering finds it.
pub fn mint_nonce(request: &mut Request) -> PageNonce {
    let nonce = PageNonce::new();
    request.extensions_mut().insert(nonce.clone());
    nonce
}

/// The security headers on a response: `nonce` is the one minted for its request, and
/// `asset` says whether the request was for one of the site's own static files.
pub fn add_security_headers(
    config: SecurityHeaders,
    nonce: &PageNonce,
    asset: bool,
    response: &mut Response,
) {
    let headers = response.headers_mut();
    if !asset {
        // Pages, server functions, exports and streams may carry health data: no browser
        // or proxy keeps a copy of anything but the site's own static files.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        if let Ok(policy) = HeaderValue::from_str(&nonce.policy()) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    let fixed: [(HeaderName, &'static str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Full referrer only within the site (form posts without JavaScript return
        // to the page they came from); nothing leaves for other sites.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if config.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}
