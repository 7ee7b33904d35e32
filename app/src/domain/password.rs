//! The rule for new passwords: long enough, not a known common one, not the email.
//! No composition rules (they make passwords worse, not stronger).

use serde::{Deserialize, Serialize};

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    TooCommon,
    LikeEmail,
}

/// Checks a new password; `is_common` answers for the shipped list of common passwords.
pub fn check_new_password(
    password: &str,
    email: &str,
    is_common: impl Fn(&str) -> bool,
) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lowered = password.to_lowercase();
    if is_common(&lowered) || lowered.chars().all(|c| lowered.starts_with(c)) {
        return Err(PasswordProblem::TooCommon);
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if !email.is_empty() && (lowered == email || (local.len() >= 4 && lowered.contains(local))) {
        return Err(PasswordProblem::LikeEmail);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common(p: &str) -> bool {
        ["passord123", "1234567890"].contains(&p)
    }

    #[test]
    fn ten_characters_are_enough_without_any_composition_rule() {
        assert_eq!(
            check_new_password("bare små bokstaver", "kari@example.no", common),
            Ok(())
        );
        assert_eq!(
            check_new_password("abcdefghik", "kari@example.no", common),
            Ok(())
        );
    }

    #[test]
    fn nine_characters_are_too_few_counting_letters_not_bytes() {
        assert_eq!(
            check_new_password("æøåæøåæøå", "", common),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(check_new_password("æøåæøåæøåæ", "", common), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_whatever_the_case() {
        assert_eq!(
            check_new_password("Passord123", "", common),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_new_password("aaaaaaaaaaaa", "", common),
            Err(PasswordProblem::TooCommon)
        );
    }

    #[test]
    fn the_email_is_no_password() {
        assert_eq!(
            check_new_password(
                "kari.nordmann@example.no",
                "kari.nordmann@example.no",
                common
            ),
            Err(PasswordProblem::LikeEmail)
        );
        assert_eq!(
            check_new_password("kari.nordmann2026", "kari.nordmann@example.no", common),
            Err(PasswordProblem::LikeEmail)
        );
    }

    #[test]
    fn absurdly_long_passwords_are_refused() {
        assert_eq!(
            check_new_password(&"x".repeat(MAX_CHARS), "", common),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_new_password(&"xy".repeat(200), "", common),
            Err(PasswordProblem::TooLong)
        );
    }
}
