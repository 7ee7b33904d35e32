//! Who may see a referral's outcomes, and who may take them away as a file: the one
//! rule the trajectory page, its download and the answers' FHIR bundle ask.

use sqlx::Row;

use crate::domain::capability::{Capability, ServiceId};
use crate::domain::identity::{AccountId, AccountKind};
use crate::domain::referral::ReferralId;
use crate::server::principal::Principal;
use crate::server::Db;

/// Whose a referral is, found by the reference people quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Whose {
    pub referral: ReferralId,
    pub service: ServiceId,
    pub account: AccountId,
    /// Whether the account holder has proven the referral is theirs: one sent without
    /// logging in that names an existing account's address is not theirs until they
    /// confirm it from the email (migration 0011), and nothing of it is shown to them.
    pub owner_confirmed: bool,
}

pub async fn whose(db: &Db, reference: &str) -> Result<Option<Whose>, sqlx::Error> {
    sqlx::query(
        "select referral_id, service_id, account_id, owner_confirmed_at from referral
         where reference = $1",
    )
    .bind(reference)
    .fetch_optional(&db.pool)
    .await?
    .map(|row| {
        Ok(Whose {
            referral: ReferralId(row.try_get("referral_id")?),
            service: ServiceId(row.try_get("service_id")?),
            account: AccountId(row.try_get("account_id")?),
            owner_confirmed: row
                .try_get::<Option<i64>, _>("owner_confirmed_at")?
                .is_some(),
        })
    })
    .transpose()
}

/// How the principal may see a referral's outcomes: as its owner, or as staff of its
/// service (whose every read is in the person's access log).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seer {
    Owner,
    Staff(ServiceId),
}

/// Who sees a referral's scores over time: its owner; the service's intake and leads
/// (who work its board and its courses); a therapist leading a course group the person
/// is in. `None` for anyone else.
pub async fn may_see(
    db: &Db,
    principal: &Principal,
    whose: &Whose,
) -> Result<Option<Seer>, sqlx::Error> {
    if principal.kind == AccountKind::Citizen {
        return Ok(owner(principal, whose));
    }
    let service = whose.service;
    let allowed = principal.may(Capability::WorkBoard(service))
        || principal.may(Capability::ManageCourses(service))
        || (principal.may(Capability::LeadGroups(service))
            && leads_a_group_of(db, AccountId(principal.account_id), whose.referral).await?);
    Ok(allowed.then_some(Seer::Staff(service)))
}

/// Who may download a referral's answers and scores as a file: its owner (their own
/// answers, to keep or take elsewhere), and the staff of its service who may export
/// answers (as one answer set at a time, `/fhir/QuestionnaireResponse/{id}`).
pub fn may_export(principal: &Principal, whose: &Whose) -> Option<Seer> {
    if principal.kind == AccountKind::Citizen {
        return owner(principal, whose);
    }
    principal
        .may(Capability::ExportAnswers(whose.service))
        .then_some(Seer::Staff(whose.service))
}

/// The referral's proven owner.
fn owner(principal: &Principal, whose: &Whose) -> Option<Seer> {
    (whose.owner_confirmed && AccountId(principal.account_id) == whose.account)
        .then_some(Seer::Owner)
}

/// Whether this account leads a course group the referral was ever enrolled in (or in
/// line for): the therapists who see the person's scores on their group's page.
async fn leads_a_group_of(
    db: &Db,
    account: AccountId,
    referral: ReferralId,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "select 1 as led from enrolment e
         join cohort_leader l on l.cohort_id = e.cohort_id
         where e.referral_id = $1 and l.account_id = $2
         limit 1",
    )
    .bind(referral.0)
    .bind(account.0)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}
