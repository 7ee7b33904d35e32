//! What is wrong with a form field: the domain's answer to input it cannot take. The
//! words for each problem live in `i18n`.

use serde::{Deserialize, Serialize};

use super::national_id::{NationalId, NationalIdProblem};
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
    /// A box that confirms a step that cannot be undone was not ticked.
    ConfirmMissing,
    ChooseOne,
    ChooseAtLeastOne,
    Unanswered,
    /// No open referral of this service has that reference.
    NoSuchReferral,
    /// A number outside the range the field's hint gives.
    OutOfRange,
    /// A cohort that may not be chosen or changed so, and why.
    Cohort(crate::domain::course::CohortError),
}

/// A check the browser runs on a field while it is typed in, by name, so a page can
/// ask for it in its HTML; the server checks the submitted form again in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldCheck {
    NationalId,
    Phone,
    Email,
}

impl FieldCheck {
    /// Every problem the check can find.
    pub fn problems(self) -> &'static [FieldProblem] {
        match self {
            FieldCheck::NationalId => &[
                FieldProblem::NationalIdLength,
                FieldProblem::NationalIdDate,
                FieldProblem::NationalIdCheck,
            ],
            FieldCheck::Phone => &[FieldProblem::PhoneInvalid],
            FieldCheck::Email => &[FieldProblem::EmailInvalid],
        }
    }

    /// What is wrong with `value`, if anything (an empty value is for the server).
    pub fn problem(self, value: &str) -> Option<FieldProblem> {
        match self {
            FieldCheck::NationalId => match NationalId::parse(value) {
                Ok(_) => None,
                Err(NationalIdProblem::Length) => Some(FieldProblem::NationalIdLength),
                Err(NationalIdProblem::Date) => Some(FieldProblem::NationalIdDate),
                Err(NationalIdProblem::CheckDigits) => Some(FieldProblem::NationalIdCheck),
            },
            FieldCheck::Phone => {
                (!super::referral::is_phone_number(value)).then_some(FieldProblem::PhoneInvalid)
            }
            FieldCheck::Email => super::identity::normalise_email(value)
                .is_none()
                .then_some(FieldProblem::EmailInvalid),
        }
    }
}

/// A problem with a named field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_finds_its_problem_and_passes_good_input() {
        assert_eq!(
            FieldCheck::NationalId.problem("123"),
            Some(FieldProblem::NationalIdLength)
        );
        assert_eq!(
            FieldCheck::NationalId.problem("01010012345"),
            Some(FieldProblem::NationalIdCheck)
        );
        assert_eq!(
            FieldCheck::Phone.problem("abc"),
            Some(FieldProblem::PhoneInvalid)
        );
        assert_eq!(FieldCheck::Phone.problem("+47 912 34 567"), None);
        assert_eq!(
            FieldCheck::Email.problem("kari@"),
            Some(FieldProblem::EmailInvalid)
        );
        assert_eq!(FieldCheck::Email.problem("kari@example.no"), None);
    }

    #[test]
    fn every_problem_a_check_finds_is_among_those_it_names() {
        let tries = [
            "",
            "1",
            "123",
            "01010012345",
            "32130012345",
            "abc",
            "kari@",
            "+47 912",
        ];
        for check in [FieldCheck::NationalId, FieldCheck::Phone, FieldCheck::Email] {
            for value in tries {
                if let Some(problem) = check.problem(value) {
                    assert!(
                        check.problems().contains(&problem),
                        "{check:?} {value:?} {problem:?}"
                    );
                }
            }
        }
    }
}
