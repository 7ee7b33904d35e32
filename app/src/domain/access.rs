//! What an access-log entry says: which kind of personal data, and what was done with it.

use serde::{Deserialize, Serialize};

use super::identity::Role;

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

/// Why a member of staff looked at or changed someone's data, as the person is told:
/// it follows from their role and what they did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// Intake or the lead assessing the referral and deciding what to offer.
    Triage,
    /// The specialist service assessing it together with the team.
    JointAssessment,
    /// The treatment: a course or sessions with a therapist.
    Treatment,
    /// Handed on: to a record system or a register.
    Export,
    /// Help with the account itself.
    AccountSupport,
}

impl Purpose {
    pub fn of(role: Option<Role>, kind: Option<DataKind>, action: Option<AccessAction>) -> Purpose {
        match (role, kind, action) {
            (_, _, Some(AccessAction::Exported)) => Purpose::Export,
            (_, Some(DataKind::Account), _) => Purpose::AccountSupport,
            (Some(Role::SpecialistGuest), ..) => Purpose::JointAssessment,
            (Some(Role::Therapist), ..) => Purpose::Treatment,
            _ => Purpose::Triage,
        }
    }
}

/// How close together repeated accesses are shown as one line ("read 10 times").
pub const REPEAT_WINDOW_SECONDS: i64 = 30 * 60;

/// Runs of entries, newest first, that are the same access repeated: same key (who, which
/// record, what) and each within [`REPEAT_WINDOW_SECONDS`] of the run's newest. Returns
/// the index ranges of the runs, in order; every entry is in exactly one.
pub fn repeated_runs<T, K: PartialEq>(
    entries: &[T],
    key: impl Fn(&T) -> K,
    at: impl Fn(&T) -> i64,
) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        let ends = i == entries.len()
            || key(&entries[i]) != key(&entries[start])
            || at(&entries[start]) - at(&entries[i]) > REPEAT_WINDOW_SECONDS;
        if ends {
            runs.push(start..i);
            start = i;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purpose_follows_from_the_role_and_the_action() {
        let read = Some(AccessAction::Viewed);
        let referral = Some(DataKind::Referral);
        assert_eq!(
            Purpose::of(Some(Role::Intake), referral, read),
            Purpose::Triage
        );
        assert_eq!(
            Purpose::of(
                Some(Role::Lead),
                Some(DataKind::Notes),
                Some(AccessAction::Changed)
            ),
            Purpose::Triage
        );
        assert_eq!(
            Purpose::of(Some(Role::SpecialistGuest), referral, read),
            Purpose::JointAssessment
        );
        assert_eq!(
            Purpose::of(Some(Role::Therapist), referral, read),
            Purpose::Treatment
        );
        assert_eq!(
            Purpose::of(Some(Role::Intake), referral, Some(AccessAction::Exported)),
            Purpose::Export
        );
        assert_eq!(
            Purpose::of(Some(Role::Lead), Some(DataKind::Account), read),
            Purpose::AccountSupport
        );
    }

    #[test]
    fn repeated_reads_close_together_are_one_run() {
        // (who, at), newest first.
        let entries = [
            (1, 10_000),
            (1, 9_900),
            (1, 9_000),
            (2, 8_990),
            (1, 8_980),
            (1, 8_000),
            (1, 7_000),
        ];
        let runs = repeated_runs(&entries, |e| e.0, |e| e.1);
        assert_eq!(runs, vec![0..3, 3..4, 4..6, 6..7]);
        assert!(repeated_runs(&[] as &[(i32, i64)], |e| e.0, |e| e.1).is_empty());
        // A run is measured from its newest entry: a slow trickle does not join forever.
        let trickle: Vec<(i32, i64)> = (0..10).map(|i| (1, 100_000 - i * 1_000)).collect();
        assert_eq!(
            repeated_runs(&trickle, |e| e.0, |e| e.1),
            vec![0..2, 2..4, 4..6, 6..8, 8..10]
        );
    }

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
