//! The site's cookies: reading one from a request, and writing one in a single format.

use leptos::prelude::*;

/// The cookie's name; `__Host-` in production binds it to this exact origin over HTTPS.
pub fn cookie_name(production: bool) -> &'static str {
    if production {
        "__Host-rph_session"
    } else {
        "rph_session"
    }
}

/// A cookie's value from request headers; `None` when absent or empty.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` value for every cookie of this site: the whole site, `HttpOnly`,
/// `SameSite=Lax`, and `Secure` in production. Without `max_age` it ends with the browser.
pub fn site_cookie(name: &str, value: &str, max_age: Option<i64>, production: bool) -> String {
    let max_age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    let secure = if production { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}")
}

/// `Set-Cookie` value for a session token. No `Max-Age`: it ends with the browser,
/// and the server ends it sooner (idle and absolute limits).
pub fn session_cookie(token: &str, production: bool) -> String {
    site_cookie(cookie_name(production), token, None, production)
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(production: bool) -> String {
    site_cookie(cookie_name(production), "", Some(0), production)
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_cookies_are_host_bound_and_secure() {
        let c = session_cookie("abc", true);
        assert!(c.starts_with("__Host-rph_session=abc; Path=/; HttpOnly; SameSite=Lax"));
        assert!(c.ends_with("; Secure"));
        assert!(!session_cookie("abc", false).contains("Secure"));
        assert!(clear_session_cookie(false).contains("Max-Age=0"));
    }
}
