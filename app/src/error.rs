//! The error every server function returns: safe to send to a browser, translated when shown.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::Texts;

/// What went wrong, as far as the person on the other end needs to know.
/// Internal causes are logged on the server and never carried here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Wrong email or password; the same whether or not the account exists.
    /// Carries the email as typed, so a form without JavaScript can keep it.
    #[error("login failed")]
    LoginFailed { email: String },
    /// The second-factor or recovery code was wrong or already used.
    #[error("wrong code")]
    WrongCode,
    #[error("too many attempts")]
    RateLimited,
    #[error("temporarily unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// The request itself failed (network, encoding); the text is the framework's own.
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    /// The message shown to a person, in their language.
    pub fn message(&self, t: &'static Texts) -> &'static str {
        match self {
            AppError::Unavailable | AppError::Request(_) => t.error_unavailable,
            AppError::NotFound => t.not_found_text,
            AppError::LoginFailed { .. } => t.error_login_failed,
            AppError::WrongCode => t.error_wrong_code,
            AppError::RateLimited => t.error_rate_limited,
            AppError::Unauthenticated => t.error_signed_out,
            AppError::Forbidden | AppError::Internal => t.error_unexpected,
        }
    }
}

impl AppError {
    /// The HTTP status that fits, so a person's mistake is not logged as a server fault.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::LoginFailed { .. } | AppError::WrongCode => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::RateLimited => 429,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Request(_) => 500,
        }
    }

    /// Sets this error's status on the response being built, and hands the error back.
    /// Not for pages and plain form posts (they accept HTML): those are answered with
    /// a page or a redirect back to the form, whose status must stand.
    #[cfg(feature = "ssr")]
    pub fn respond(self) -> AppError {
        let wants_html = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.headers.get(http::header::ACCEPT).cloned())
            .and_then(|accept| accept.to_str().ok().map(|a| a.contains("text/html")))
            .unwrap_or(false);
        if wants_html {
            return self;
        }
        if let (Some(response), Ok(status)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(self.status()),
        ) {
            response.set_status(status);
        }
        self
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        // The whole chain goes to the log; the browser only learns that it failed.
        tracing::error!(error = ?error, "database error");
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                AppError::Unavailable
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::passwords::PasswordError> for AppError {
    fn from(error: crate::server::passwords::PasswordError) -> Self {
        tracing::error!(error = ?error, "password hashing failed");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{texts, Lang};

    #[test]
    fn internal_errors_show_a_calm_translated_message() {
        let nb = AppError::Internal.message(texts(Lang::Nb));
        let en = AppError::Internal.message(texts(Lang::En));
        assert_ne!(nb, en);
        assert!(!nb.contains("internal"));
    }

    #[test]
    fn framework_errors_are_wrapped_not_leaked_as_internal() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Request("offline".into()));
        assert!(matches!(e, AppError::Request(ref text) if text.contains("offline")));
    }
}
