//! A referral opened in full: everything the person gave, its answers, its timeline.

use sqlx::Row;

use super::columns::{card, CardRow, CARD_COLUMNS, CARD_FROM};
use crate::domain::referral::{About, Help, Preferences};
use crate::server::access_log::{AccessGrant, Audited};
use crate::server::Db;

/// The referral with all its details. Read it only with an access grant.
#[derive(Clone, Debug)]
pub struct ReferralDetail {
    pub card: CardRow,
    pub service_id: i64,
    pub account_id: i64,
    pub about: About,
    pub help: Option<Help>,
    pub preferences: Option<Preferences>,
    pub registered_by: Option<String>,
    pub lang: String,
}

#[derive(Clone, Debug)]
pub struct EventRow {
    pub at: i64,
    pub actor: Option<String>,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub body: Option<String>,
    pub detail: Option<String>,
}

#[derive(serde::Deserialize)]
struct Details {
    about: About,
    help: Option<Help>,
    preferences: Option<Preferences>,
}

/// Where a referral belongs, without reading any of its personal data.
pub async fn owner(db: &Db, referral_id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query("select service_id, account_id from referral where referral_id = $1")
        .bind(referral_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| Ok((r.try_get("service_id")?, r.try_get("account_id")?)))
        .transpose()
}

/// A referral's id from its reference.
pub async fn id_by_reference(db: &Db, reference: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("select referral_id from referral where reference = $1")
        .bind(reference)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("referral_id"))
        .transpose()
}

pub async fn load(
    audited: &mut Audited,
    grant: &AccessGrant,
    referral_id: i64,
    now: i64,
) -> Result<Option<ReferralDetail>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!(
        "select {CARD_COLUMNS}, r.service_id, r.account_id, r.details, r.lang,
            reg.display_name as registered_name
         {CARD_FROM}
         left join account reg on reg.account_id = r.registered_by
         where r.referral_id = $1 and r.account_id = $2"
    ))
    .bind(referral_id)
    .bind(grant.subject())
    .fetch_optional(audited.read(grant)?)
    .await?
    else {
        return Ok(None);
    };
    let details: Details = serde_json::from_str(&row.try_get::<String, _>("details")?)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Some(ReferralDetail {
        card: card(&row, now)?,
        service_id: row.try_get("service_id")?,
        account_id: row.try_get("account_id")?,
        about: details.about,
        help: details.help,
        preferences: details.preferences,
        registered_by: row.try_get("registered_name")?,
        lang: row.try_get("lang")?,
    }))
}

/// The timeline, oldest first (its notes and assessments are personal data).
pub async fn timeline(
    audited: &mut Audited,
    grant: &AccessGrant,
    referral_id: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query(
        "select e.at, a.display_name, e.kind, e.from_state, e.to_state, e.body, e.detail
         from referral_event e left join account a on a.account_id = e.actor_account_id
         where e.referral_id = $1
           and e.referral_id in (select referral_id from referral where account_id = $2)
         order by e.at, e.referral_event_id",
    )
    .bind(referral_id)
    .bind(grant.subject())
    .fetch_all(audited.read(grant)?)
    .await?
    .iter()
    .map(|r| {
        Ok(EventRow {
            at: r.try_get("at")?,
            actor: r.try_get("display_name")?,
            kind: r.try_get("kind")?,
            from_state: r.try_get("from_state")?,
            to_state: r.try_get("to_state")?,
            body: r.try_get("body")?,
            detail: r.try_get("detail")?,
        })
    })
    .collect()
}

/// Specialist guests of the service: (account id, name, already shared with).
pub async fn guests(
    db: &Db,
    service_id: i64,
    referral_id: i64,
) -> Result<Vec<(i64, String, bool)>, sqlx::Error> {
    sqlx::query(
        "select a.account_id, a.display_name,
            (select count(*) from referral_share s
             where s.referral_id = $2 and s.guest_account_id = a.account_id) as shared
         from membership m join account a on a.account_id = m.account_id
         where m.service_id = $1 and m.role = 'specialist_guest' and a.deactivated_at is null
         order by a.display_name",
    )
    .bind(service_id)
    .bind(referral_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("account_id")?,
            r.try_get("display_name")?,
            r.try_get::<i64, _>("shared")? > 0,
        ))
    })
    .collect()
}

/// The referrals shared with a guest, as cards.
pub async fn shared_with(db: &Db, guest: i64, now: i64) -> Result<Vec<CardRow>, sqlx::Error> {
    sqlx::query(&format!(
        "select {CARD_COLUMNS} {CARD_FROM}
         where r.referral_id in (select referral_id from referral_share where guest_account_id = $1)
         order by r.urgent desc, r.submitted_at"
    ))
    .bind(guest)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| card(r, now))
    .collect()
}

/// The latest decision on each of a person's referrals: (referral id, decision key, when).
pub async fn latest_decisions(
    db: &Db,
    account_id: i64,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    sqlx::query(
        "select d.referral_id, d.decision, d.decided_at from referral_decision d
         join referral r on r.referral_id = d.referral_id
         where r.account_id = $1 and r.owner_confirmed_at is not null
         order by d.decided_at, d.referral_decision_id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("referral_id")?,
            r.try_get("decision")?,
            r.try_get("decided_at")?,
        ))
    })
    .collect()
}

/// The language the person wrote the referral in.
pub async fn lang_of(db: &Db, referral_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("select lang from referral where referral_id = $1")
        .bind(referral_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("lang"))
        .transpose()
}
