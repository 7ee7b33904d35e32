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
            AppError::Unauthenticated | AppError::Forbidden | AppError::Internal => {
                t.error_unexpected
            }
        }
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
