//! What is wrong with a form field: the domain's answer to input it cannot take. The
//! words for each problem live in `i18n`.

use serde::{Deserialize, Serialize};

use super::password::PasswordProblem;

/// What is wrong with one form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Required,
    TooLong,
    EmailInvalid,
    EmailTaken,
    Password(PasswordProblem),
    NationalIdLength,
    NationalIdDate,
    NationalIdCheck,
    TooYoung,
    PhoneInvalid,
    /// The chosen municipality is not served by this service.
    NotServed,
    ConsentMissing,
    ChooseOne,
    ChooseAtLeastOne,
    Unanswered,
}

/// A problem with a named field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}
