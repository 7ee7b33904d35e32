//! Keeps what was typed out of addresses. A form sent without JavaScript that the
//! server refuses is sent back to its page with the error in the address (`__err`), as
//! Leptos does it. On the way out, [`keep_typed_values_out`] swaps that error for the
//! same error without what was typed (names, emails, a decision's reason) and keeps the
//! full one on the server under a short-lived cookie. On the way in,
//! [`restore_typed_values`] gives a request for that address from that browser the full
//! error back, so the page shows the typed values again; the address, the browser's
//! history and proxy logs never hold them.

use axum::extract::Request;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;
use leptos::server_fn::error::FromServerFnError;

use app::error::AppError;
use app::server::cookies::cookie_value;
use app::server::sessions::{new_token, session_id_for};
use app::server::{form_errors, AppState};

/// On the way in: the full error back in the address this browser was sent to, and the
/// browser's form-error token, which [`keep_typed_values_out`] needs on the way out.
pub async fn restore_typed_values(state: &AppState, request: &mut Request) -> Option<String> {
    let production = state.site.production;
    let browser = cookie_value(request.headers(), form_errors::cookie_name(production));
    if let (Some(token), Some(shown)) = (&browser, error_in(request.uri().query())) {
        match form_errors::find(&state.db, &session_id_for(token), &shown).await {
            Ok(Some(full)) => {
                let uri = request.uri();
                let query = with_error(uri.query().unwrap_or_default(), &full);
                if let Ok(restored) = format!("{}?{query}", uri.path()).parse() {
                    *request.uri_mut() = restored;
                }
            }
            Ok(None) => {}
            Err(error) => tracing::error!(error = ?error, "could not look up a kept form"),
        }
    }
    browser
}

/// On the way out: a refused form's error in the address it is sent back to, without
/// what was typed, which is kept on the server for `browser` (or a new token).
pub async fn keep_typed_values_out(
    state: &AppState,
    browser: Option<String>,
    mut response: Response,
) -> Response {
    let production = state.site.production;
    let location = response
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Some(location) = location else {
        return response;
    };
    let (base, query) = location.split_once('?').unwrap_or((&location, ""));
    // Leptos adds the error to the page's address as it was: a page already showing an
    // error would get a second one, and show the first. The newest alone is kept.
    let query = newest_error_only(query);
    let query = query.as_str();
    let Some(full) = error_in(Some(query)) else {
        return response;
    };
    let Some(shown) = URL_SAFE
        .decode(&full)
        .ok()
        .and_then(|bytes| AppError::de(bytes.into()).without_typed_values())
        .map(|error| URL_SAFE.encode(error.ser()))
    else {
        return response;
    };
    let token = browser.unwrap_or_else(new_token);
    if let Err(error) = form_errors::keep(&state.db, &session_id_for(&token), &shown, &full).await {
        // Without a place to keep them, the typed values are dropped, not put in the address.
        tracing::error!(error = ?error, "could not keep a refused form");
    }
    let headers = response.headers_mut();
    if let Ok(value) = format!("{base}?{}", with_error(query, &shown)).parse() {
        headers.insert(http::header::LOCATION, value);
    } else {
        headers.remove(http::header::LOCATION);
    }
    if let Ok(value) = form_errors::cookie(&token, production).parse() {
        headers.append(http::header::SET_COOKIE, value);
    }
    response
}

/// The query without every `__path` and `__err` but the last of each: the error of the
/// form sent last.
fn newest_error_only(query: &str) -> String {
    let pairs: Vec<&str> = query.split('&').collect();
    let last = |key: &str| pairs.iter().rposition(|pair| pair.starts_with(key));
    let (path, error) = (last("__path="), last("__err="));
    pairs
        .iter()
        .enumerate()
        .filter(|(i, pair)| {
            let kept = |key: &str, last: Option<usize>| !pair.starts_with(key) || last == Some(*i);
            kept("__path=", path) && kept("__err=", error)
        })
        .map(|(_, pair)| *pair)
        .collect::<Vec<_>>()
        .join("&")
}

/// The `__err` value of a query, percent-decoded.
fn error_in(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("__err="))
        .map(percent_decode)
}

/// The query with its `__err` value replaced by `error` (base64, percent-encoded).
fn with_error(query: &str, error: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            if pair.starts_with("__err=") {
                format!("__err={}", error.replace('=', "%3D"))
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_in_a_query_is_found_and_replaced() {
        let query = "a=1&__path=%2Fapi%2Fauth%2Flogin&__err=eyJ9%3D&b=2";
        assert_eq!(error_in(Some(query)).as_deref(), Some("eyJ9="));
        assert_eq!(
            with_error(query, "abc="),
            "a=1&__path=%2Fapi%2Fauth%2Flogin&__err=abc%3D&b=2"
        );
        assert_eq!(error_in(Some("a=1")), None);
        assert_eq!(error_in(None), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%é%C3%A6+x"), "%éæ x");
    }

    #[test]
    fn a_second_refusal_on_a_page_showing_one_keeps_only_the_newest() {
        let twice = "tab=2&__path=%2Fapi%2Fa&__err=old%3D&__path=%2Fapi%2Fb&__err=new%3D";
        assert_eq!(
            newest_error_only(twice),
            "tab=2&__path=%2Fapi%2Fb&__err=new%3D"
        );
        assert_eq!(
            error_in(Some(&newest_error_only(twice))).as_deref(),
            Some("new=")
        );
        let once = "a=1&__path=%2Fapi%2Fa&__err=x&b=2";
        assert_eq!(newest_error_only(once), once);
        assert_eq!(newest_error_only(""), "");
    }
}
