//! Who someone is to the product: kinds of account, roles in a service, session stages.

use serde::{Deserialize, Serialize};

/// An account (a person's or a member of staff's) by its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountKind {
    Citizen,
    Staff,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Citizen => "citizen",
            AccountKind::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<AccountKind> {
        match s {
            "citizen" => Some(AccountKind::Citizen),
            "staff" => Some(AccountKind::Staff),
            _ => None,
        }
    }
}

/// A staff member's role in one service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Intake,
    Therapist,
    Lead,
    SpecialistGuest,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Intake => "intake",
            Role::Therapist => "therapist",
            Role::Lead => "lead",
            Role::SpecialistGuest => "specialist_guest",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "intake" => Some(Role::Intake),
            "therapist" => Some(Role::Therapist),
            "lead" => Some(Role::Lead),
            "specialist_guest" => Some(Role::SpecialistGuest),
            _ => None,
        }
    }
}

/// How far a login has come: staff give a second factor after the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionStage {
    Password,
    Full,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::Password => "password",
            SessionStage::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Option<SessionStage> {
        match s {
            "password" => Some(SessionStage::Password),
            "full" => Some(SessionStage::Full),
            _ => None,
        }
    }
}

/// An email address as typed, trimmed and lower-cased; `None` when it cannot be one.
pub fn normalise_email(input: &str) -> Option<String> {
    let email = input.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    valid.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in [
            Role::Intake,
            Role::Therapist,
            Role::Lead,
            Role::SpecialistGuest,
        ] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for kind in [AccountKind::Citizen, AccountKind::Staff] {
            assert_eq!(AccountKind::parse(kind.as_str()), Some(kind));
        }
        for stage in [SessionStage::Password, SessionStage::Full] {
            assert_eq!(SessionStage::parse(stage.as_str()), Some(stage));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalise_email("  Kari@Example.NO "),
            Some("kari@example.no".into())
        );
    }

    #[test]
    fn things_that_are_not_emails_are_refused() {
        for bad in [
            "",
            "kari",
            "kari@",
            "@example.no",
            "kari@example",
            "ka ri@example.no",
            "a@b@c.no",
            "kari@.no",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad:?}");
        }
    }
}
