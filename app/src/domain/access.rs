//! What an access-log entry says: which kind of personal data, and what was done with it.

use serde::{Deserialize, Serialize};

/// The kind of personal data a member of staff read or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataKind {
    Account,
    ContactDetails,
    Referral,
    QuestionnaireAnswers,
    Notes,
}

/// What was done with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessAction {
    Viewed,
    Changed,
    Exported,
}

macro_rules! names {
    ($ty:ty { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

names!(DataKind {
    Account => "account",
    ContactDetails => "contact_details",
    Referral => "referral",
    QuestionnaireAnswers => "questionnaire_answers",
    Notes => "notes",
});

names!(AccessAction {
    Viewed => "viewed",
    Changed => "changed",
    Exported => "exported",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in [
            DataKind::Account,
            DataKind::ContactDetails,
            DataKind::Referral,
            DataKind::QuestionnaireAnswers,
            DataKind::Notes,
        ] {
            assert_eq!(DataKind::parse(kind.as_str()), Some(kind));
        }
        for action in [
            AccessAction::Viewed,
            AccessAction::Changed,
            AccessAction::Exported,
        ] {
            assert_eq!(AccessAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(DataKind::parse("everything"), None);
    }
}
