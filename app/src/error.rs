//! The error every server function returns: safe to send to a browser, translated when shown.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::domain::field::{FieldError, FieldProblem};
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
    /// The change needs the password and a current code again first.
    #[error("identity must be confirmed")]
    ConfirmIdentity,
    /// The password or the code given to confirm identity was wrong.
    #[error("identity not confirmed")]
    IdentityNotConfirmed,
    /// Some fields need fixing. `values` brings back what was typed (never passwords),
    /// for forms sent without JavaScript.
    #[error("invalid input")]
    Invalid {
        errors: Vec<FieldError>,
        values: Vec<(String, String)>,
    },
    #[error("email not verified")]
    EmailNotVerified,
    /// An emailed link that is unknown, used or expired.
    #[error("invalid link")]
    LinkInvalid,
    #[error("temporarily unavailable")]
    Unavailable,
    /// Someone else holds the claim on a referral (their name).
    #[error("claimed by someone else")]
    Claimed { by: String },
    /// The change is not possible where the thing stands now (e.g. a referral state).
    #[error("not possible now")]
    NotNow,
    #[error("internal error")]
    Internal,
    /// The request could not be read: fields missing or of the wrong kind. A browser
    /// using our own pages does not send these; a stale page or a tool might.
    #[error("bad request")]
    BadRequest,
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
            AppError::ConfirmIdentity => t.error_confirm_identity,
            AppError::IdentityNotConfirmed => t.error_identity_not_confirmed,
            AppError::RateLimited => t.error_rate_limited,
            AppError::Invalid { .. } => t.error_invalid,
            AppError::EmailNotVerified => t.error_email_not_verified,
            AppError::LinkInvalid => t.error_link_invalid,
            AppError::Unauthenticated => t.error_signed_out,
            AppError::Forbidden => t.error_forbidden,
            AppError::Internal => t.error_unexpected,
            AppError::BadRequest => t.error_bad_request,
            AppError::Claimed { .. } => t.board.error_claimed,
            AppError::NotNow => t.board.error_not_now,
        }
    }

    /// The message with the details it carries filled in (who holds a claim).
    pub fn describe(&self, t: &'static Texts) -> String {
        match self {
            AppError::Claimed { by } => t.board.error_claimed.replace("{name}", by),
            other => other.message(t).to_owned(),
        }
    }
}

impl AppError {
    /// The same error without what was typed, for places personal data must not go
    /// (the address a form without JavaScript is sent back to). `None` when nothing
    /// typed is in it.
    pub fn without_typed_values(&self) -> Option<AppError> {
        match self {
            AppError::Invalid { errors, values } if !values.is_empty() => Some(AppError::Invalid {
                errors: errors.clone(),
                values: Vec::new(),
            }),
            AppError::LoginFailed { email } if !email.is_empty() => Some(AppError::LoginFailed {
                email: String::new(),
            }),
            _ => None,
        }
    }

    /// Reads an email field: the normalised address, or the field's problem with what
    /// was typed kept.
    pub fn email_field(email: String) -> Result<String, AppError> {
        match crate::domain::identity::normalise_email(&email) {
            Some(address) => Ok(address),
            None => Err(AppError::Invalid {
                errors: vec![FieldError {
                    field: "email".into(),
                    problem: if email.trim().is_empty() {
                        FieldProblem::Required
                    } else {
                        FieldProblem::EmailInvalid
                    },
                }],
                values: vec![("email".into(), email)],
            }),
        }
    }

    /// The problem with one field, if this error names it.
    pub fn field_problem(&self, field: &str) -> Option<FieldProblem> {
        match self {
            AppError::Invalid { errors, .. } => {
                errors.iter().find(|e| e.field == field).map(|e| e.problem)
            }
            _ => None,
        }
    }

    /// What was typed into a field, as the error brought it back.
    pub fn kept_value(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid { values, .. } => values
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, v)| v.clone()),
            AppError::LoginFailed { email } if field == "email" => Some(email.clone()),
            _ => None,
        }
    }

    /// The HTTP status that fits, so a person's mistake is not logged as a server fault.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated
            | AppError::LoginFailed { .. }
            | AppError::WrongCode
            | AppError::IdentityNotConfirmed => 401,
            AppError::EmailNotVerified | AppError::ConfirmIdentity => 403,
            AppError::Invalid { .. } | AppError::LinkInvalid => 422,
            AppError::BadRequest => 400,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::RateLimited => 429,
            AppError::Claimed { .. } | AppError::NotNow => 409,
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
        match value {
            // The server could not read the arguments: the asker's fault, not ours. The
            // function never ran, so its status is set here.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => {
                let error = AppError::BadRequest;
                #[cfg(feature = "ssr")]
                let error = error.respond();
                error
            }
            other => AppError::Request(other.to_string()),
        }
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
    fn unreadable_arguments_are_a_bad_request() {
        let e =
            AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field `email`".into()));
        assert_eq!(e, AppError::BadRequest);
        assert_eq!(e.status(), 400);
    }

    #[test]
    fn framework_errors_are_wrapped_not_leaked_as_internal() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Request("offline".into()));
        assert!(matches!(e, AppError::Request(ref text) if text.contains("offline")));
    }
}
