//! Referral drafts, sent referrals and the questionnaire answers that belong to a person.

use std::collections::BTreeMap;

use rand::Rng;
use sqlx::Row;

use super::db::now;
use super::sessions::{new_token, session_id_for};
use super::{measurements, Db};
use crate::domain::outcome::TimePoint;
use crate::domain::questionnaire::{Answer, Score};
use crate::domain::referral::{Draft, Source};

/// How long an emailed "continue later" link stays valid.
pub const RESUME_LIFETIME_SECONDS: i64 = 7 * 24 * 60 * 60;

/// A draft as stored.
#[derive(Clone, Debug)]
pub struct DraftRecord {
    pub id: i64,
    pub service_id: i64,
    pub draft: Draft,
    pub created_by: Option<i64>,
    /// Set once the draft has been sent.
    pub referral_id: Option<i64>,
}

fn decode(data: &str) -> Result<Draft, sqlx::Error> {
    serde_json::from_str(data).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Starts a draft; returns its id and the token for the browser's cookie.
pub async fn create_draft(
    db: &Db,
    service_id: i64,
    draft: &Draft,
    created_by: Option<i64>,
) -> Result<(i64, String), sqlx::Error> {
    let token = new_token();
    let t = now();
    let id: i64 = sqlx::query(
        "insert into referral_draft (service_id, token_hash, data, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $5) returning referral_draft_id",
    )
    .bind(service_id)
    .bind(session_id_for(&token))
    .bind(encode(draft)?)
    .bind(created_by)
    .bind(t)
    .fetch_one(&db.pool)
    .await?
    .try_get("referral_draft_id")?;
    Ok((id, token))
}

/// The draft a cookie's token points to.
pub async fn draft_by_token(db: &Db, token: &str) -> Result<Option<DraftRecord>, sqlx::Error> {
    let row = sqlx::query(
        "select referral_draft_id, service_id, data, created_by, referral_id
         from referral_draft where token_hash = $1",
    )
    .bind(session_id_for(token))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(DraftRecord {
            id: r.try_get("referral_draft_id")?,
            service_id: r.try_get("service_id")?,
            draft: decode(&r.try_get::<String, _>("data")?)?,
            created_by: r.try_get("created_by")?,
            referral_id: r.try_get("referral_id")?,
        })
    })
    .transpose()
}

pub async fn save_draft(db: &Db, id: i64, draft: &Draft) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update referral_draft set data = $1, updated_at = $2
         where referral_draft_id = $3 and referral_id is null",
    )
    .bind(encode(draft)?)
    .bind(now())
    .bind(id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// Issues a single-use link token to continue a draft, replacing any earlier one.
pub async fn issue_resume_token(db: &Db, id: i64) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query(
        "update referral_draft set resume_hash = $1, resume_expires_at = $2
         where referral_draft_id = $3 and referral_id is null",
    )
    .bind(session_id_for(&token))
    .bind(now() + RESUME_LIFETIME_SECONDS)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// Uses a "continue later" link once: the draft gets a new cookie token (the browser
/// that had it before loses it), and the slug of its service is returned.
pub async fn resume(db: &Db, link_token: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    let new = new_token();
    let t = now();
    let row = sqlx::query(
        "update referral_draft set token_hash = $1, resume_hash = null, resume_expires_at = null,
             updated_at = $2
         where resume_hash = $3 and resume_expires_at > $2 and referral_id is null
         returning service_id",
    )
    .bind(session_id_for(&new))
    .bind(t)
    .bind(session_id_for(link_token))
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let service_id: i64 = row.try_get("service_id")?;
    let slug: String = sqlx::query("select slug from service where service_id = $1")
        .bind(service_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("slug")?;
    Ok(Some((slug, new)))
}

/// One instrument's answers, scored, ready to store.
pub struct ScoredAnswers {
    pub instrument: String,
    pub version: String,
    pub answers: BTreeMap<String, Answer>,
    pub score: Score,
}

/// Everything a referral is sent with.
pub struct Submission<'a> {
    pub draft_id: i64,
    pub service_id: i64,
    pub account_id: i64,
    pub draft: &'a Draft,
    pub answers: Vec<ScoredAnswers>,
    pub source: Source,
    pub registered_by: Option<i64>,
    /// How the account came to own the referral: `None` when it is proven (the signed-in
    /// person's own, or an account made for it), else the hash of the token in the link
    /// that lets the holder of an existing account's address confirm it.
    pub owner_claim_hash: Option<String>,
    /// The language the person wrote in (emails about the referral use it).
    pub lang: crate::i18n::Lang,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub referral_id: i64,
    pub reference: String,
    pub urgent: bool,
    pub duplicate_of: Option<i64>,
}

/// A reference people can read out on the phone: no 0/O or 1/I.
pub fn new_reference() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    let mut pick = || char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]);
    let first: String = (0..4).map(|_| pick()).collect();
    let second: String = (0..4).map(|_| pick()).collect();
    format!("RPH-{first}-{second}")
}

/// Statuses of a referral that is still open.
pub(crate) const OPEN: &str = "('new', 'in_assessment', 'offered', 'active')";

/// Sends a referral: stores it, the answers (as the person's, with the time), links it
/// to an earlier open referral from the same person, and closes the draft. One transaction.
pub async fn submit(db: &Db, s: Submission<'_>) -> Result<Submitted, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let submitted = submit_in(&mut tx, s).await?;
    tx.commit().await?;
    Ok(submitted)
}

/// `submit` inside a transaction the caller commits (staff registering a referral log
/// it in the same transaction).
pub async fn submit_in(
    tx: &mut sqlx::AnyConnection,
    s: Submission<'_>,
) -> Result<Submitted, sqlx::Error> {
    let about = s
        .draft
        .about
        .as_ref()
        .ok_or_else(|| sqlx::Error::Protocol("a referral needs the person's details".into()))?;
    let risks: Vec<String> = s
        .answers
        .iter()
        .flat_map(|a| {
            a.score.risk_items.iter().map(move |item| {
                let value = match a.answers.get(item) {
                    Some(Answer::Value(v)) => v.to_string(),
                    _ => "?".into(),
                };
                format!("{} item {item} = {value}", a.instrument)
            })
        })
        .collect();
    let urgent = !risks.is_empty();
    let details = serde_json::json!({
        "about": about,
        "help": s.draft.help,
        "preferences": s.draft.preferences,
    });
    // The card's scores, kept in columns for the board.
    let total_and_band = |instrument: &str| {
        s.answers
            .iter()
            .find(|a| a.instrument == instrument)
            .map(|a| {
                (
                    a.score.total.map(|t| t.round() as i64),
                    a.score.band.clone(),
                )
            })
            .unwrap_or((None, None))
    };
    let (phq9_total, phq9_band) = total_and_band("phq9");
    let (gad7_total, gad7_band) = total_and_band("gad7");
    let (format, mode) = s
        .draft
        .preferences
        .as_ref()
        .map(|p| (p.format.key(), p.mode.key()))
        .unwrap_or(("either", "either"));
    let t = now();
    // One round trip each: the referral (with its possible duplicate found inside the
    // insert), all answer sets, and closing the draft.
    let reference = new_reference();
    let row = sqlx::query(&format!(
        "insert into referral (reference, service_id, account_id, national_id, name, details,
             source, registered_by, status, urgent, urgent_reason, duplicate_of, submitted_at,
             changed_at, municipality, format, mode, phq9_total, phq9_band, gad7_total, gad7_band,
             lang, owner_claim_hash, owner_confirmed_at, alert_due_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9, $10,
             (select referral_id from referral
              where national_id = $4 and service_id = $2 and status in {OPEN}
              order by submitted_at, referral_id limit 1),
             $11, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
             case when $20 is null then $11 end, case when $9 = 1 then $11 end)
         returning referral_id, duplicate_of"
    ))
    .bind(&reference)
    .bind(s.service_id)
    .bind(s.account_id)
    .bind(&about.national_id)
    .bind(&about.name)
    .bind(encode(&details)?)
    .bind(s.source.key())
    .bind(s.registered_by)
    .bind(i64::from(urgent))
    .bind((!risks.is_empty()).then(|| risks.join("; ")))
    .bind(t)
    .bind(&about.municipality)
    .bind(format)
    .bind(mode)
    .bind(phq9_total)
    .bind(phq9_band)
    .bind(gad7_total)
    .bind(gad7_band)
    .bind(s.lang.code())
    .bind(&s.owner_claim_hash)
    .fetch_one(&mut *tx)
    .await?;
    let referral_id: i64 = row.try_get("referral_id")?;
    let duplicate_of: Option<i64> = row.try_get("duplicate_of")?;
    super::episodes::touch(&mut *tx, referral_id).await?;
    if !s.answers.is_empty() {
        let rows: Vec<String> = (0..s.answers.len())
            .map(|i| {
                let b = i * 5;
                format!(
                    "($1, $2, $3, $4, $5, ${}, ${}, ${}, ${}, ${})",
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9,
                    b + 10
                )
            })
            .collect();
        let sql = format!(
            "insert into questionnaire_response (account_id, national_id, referral_id, source,
                 answered_at, instrument, version, answers, score, risk)
             values {}
             returning questionnaire_response_id, instrument",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql)
            .bind(s.account_id)
            .bind(&about.national_id)
            .bind(referral_id)
            .bind(s.source.key())
            .bind(t);
        for a in &s.answers {
            query = query
                .bind(&a.instrument)
                .bind(&a.version)
                .bind(encode(&a.answers)?)
                .bind(encode(&a.score)?)
                .bind(i64::from(a.score.has_risk()));
        }
        // Each answer set's measurement: matched by instrument, one set each.
        for row in query.fetch_all(&mut *tx).await? {
            let instrument: String = row.try_get("instrument")?;
            let Some(a) = s.answers.iter().find(|a| a.instrument == instrument) else {
                continue;
            };
            measurements::insert(
                &mut *tx,
                measurements::New {
                    response_id: row.try_get("questionnaire_response_id")?,
                    account_id: s.account_id,
                    referral_id: Some(referral_id),
                    instrument: &a.instrument,
                    version: &a.version,
                    score: &a.score,
                    time_point: TimePoint::Intake,
                    session: None,
                    at: t,
                },
            )
            .await?;
        }
    }
    sqlx::query("update referral_draft set referral_id = $1, resume_hash = null, updated_at = $2 where referral_draft_id = $3")
        .bind(referral_id)
        .bind(t)
        .bind(s.draft_id)
        .execute(&mut *tx)
        .await?;
    Ok(Submitted {
        referral_id,
        reference,
        urgent,
        duplicate_of,
    })
}

/// A sent referral as its owner and the receipt see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralSummary {
    pub id: i64,
    pub reference: String,
    pub service_name: String,
    pub status: String,
    /// Why it was closed, when it is.
    pub outcome: Option<String>,
    pub urgent: bool,
    pub duplicate_of: Option<i64>,
    pub source: String,
    pub submitted_at: i64,
    /// The service's phone and the weekday hours it answers, when it has them.
    pub service_phone: Option<String>,
    pub phone_hours: Option<(String, String)>,
}

impl ReferralSummary {
    /// "Questions? Call us on 12 34 56 78, weekdays 08.00–15.30" and the number in it,
    /// when the referral's service has a phone.
    pub fn call_us(&self, t: &crate::i18n::Texts) -> Option<(String, String)> {
        let clock = |hhmm: &str| hhmm.replace(':', t.referral.clock_separator);
        self.service_phone.as_ref().map(|phone| {
            let text = match &self.phone_hours {
                Some((opens, closes)) => t
                    .referral
                    .call_us
                    .replace("{phone}", phone)
                    .replace("{opens}", &clock(opens))
                    .replace("{closes}", &clock(closes)),
                None => t.referral.call_us_any_time.replace("{phone}", phone),
            };
            (phone.clone(), text)
        })
    }
}

fn summary(r: &sqlx::any::AnyRow) -> Result<ReferralSummary, sqlx::Error> {
    Ok(ReferralSummary {
        id: r.try_get("referral_id")?,
        reference: r.try_get("reference")?,
        service_name: r.try_get("service_name")?,
        status: r.try_get("status")?,
        outcome: r.try_get("outcome")?,
        urgent: r.try_get::<i64, _>("urgent")? != 0,
        duplicate_of: r.try_get("duplicate_of")?,
        source: r.try_get("source")?,
        submitted_at: r.try_get("submitted_at")?,
        service_phone: r.try_get("phone")?,
        phone_hours: match (r.try_get("phone_opens")?, r.try_get("phone_closes")?) {
            (Some(opens), Some(closes)) => Some((opens, closes)),
            _ => None,
        },
    })
}

const SUMMARY: &str =
    "select r.referral_id, r.reference, s.name as service_name, r.status, r.outcome, r.urgent,
        r.duplicate_of, r.source, r.submitted_at, s.phone, s.phone_opens, s.phone_closes
     from referral r join service s on s.service_id = r.service_id";

pub async fn by_id(db: &Db, referral_id: i64) -> Result<Option<ReferralSummary>, sqlx::Error> {
    sqlx::query(&format!("{SUMMARY} where r.referral_id = $1"))
        .bind(referral_id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(summary)
        .transpose()
}

/// A person's own referrals, newest first: only those whose ownership is proven.
pub async fn for_account(db: &Db, account_id: i64) -> Result<Vec<ReferralSummary>, sqlx::Error> {
    sqlx::query(&format!(
        "{SUMMARY} where r.account_id = $1 and r.owner_confirmed_at is not null
         order by r.submitted_at desc, r.referral_id desc"
    ))
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(summary)
    .collect()
}

/// A stored answer set.
#[derive(Clone, Debug)]
pub struct StoredResponse {
    pub id: i64,
    pub account_id: i64,
    pub national_id: String,
    pub referral_id: Option<i64>,
    pub service_id: Option<i64>,
    pub instrument: String,
    pub version: String,
    pub answers: BTreeMap<String, Answer>,
    pub score: Score,
    pub answered_at: i64,
}

pub(crate) fn stored(r: &sqlx::any::AnyRow) -> Result<StoredResponse, sqlx::Error> {
    let answers: String = r.try_get("answers")?;
    let score: String = r.try_get("score")?;
    Ok(StoredResponse {
        id: r.try_get("questionnaire_response_id")?,
        account_id: r.try_get("account_id")?,
        national_id: r.try_get("national_id")?,
        referral_id: r.try_get("referral_id")?,
        service_id: r.try_get("service_id")?,
        instrument: r.try_get("instrument")?,
        version: r.try_get("version")?,
        answers: serde_json::from_str(&answers).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        score: serde_json::from_str(&score).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        answered_at: r.try_get("answered_at")?,
    })
}

pub(crate) const RESPONSE: &str =
    "select q.questionnaire_response_id, q.account_id, q.national_id, q.referral_id,
        r.service_id, q.instrument, q.version, q.answers, q.score, q.answered_at
     from questionnaire_response q left join referral r on r.referral_id = q.referral_id";

/// Where a stored answer set belongs, without reading the answers: (the service it was
/// sent to, the person's account).
pub async fn response_owner(db: &Db, id: i64) -> Result<Option<(Option<i64>, i64)>, sqlx::Error> {
    sqlx::query(
        "select r.service_id, q.account_id from questionnaire_response q
         left join referral r on r.referral_id = q.referral_id
         where q.questionnaire_response_id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .map(|row| Ok((row.try_get("service_id")?, row.try_get("account_id")?)))
    .transpose()
}

/// A stored answer set, read under a grant of the access log.
pub async fn response_by_id(
    audited: &mut super::access_log::Audited,
    grant: &super::access_log::AccessGrant,
    id: i64,
) -> Result<Option<StoredResponse>, sqlx::Error> {
    sqlx::query(&format!(
        "{RESPONSE} where q.questionnaire_response_id = $1 and q.account_id = $2"
    ))
    .bind(id)
    .bind(grant.subject())
    .fetch_optional(audited.read(grant)?)
    .await?
    .as_ref()
    .map(stored)
    .transpose()
}

/// Every answer set given in a referral, in the order they were asked (at intake, then
/// before course sessions), read under a grant of the access log.
pub async fn responses_of_referral(
    audited: &mut super::access_log::Audited,
    grant: &super::access_log::AccessGrant,
    referral: crate::domain::referral::ReferralId,
) -> Result<Vec<StoredResponse>, sqlx::Error> {
    sqlx::query(&format!(
        "{RESPONSE} where q.referral_id = $1 and q.account_id = $2
         order by q.questionnaire_response_id"
    ))
    .bind(referral.0)
    .bind(grant.subject())
    .fetch_all(audited.read(grant)?)
    .await?
    .iter()
    .map(stored)
    .collect()
}

/// How long the link to confirm a referral as one's own stays valid.
pub const OWNER_CLAIM_SECONDS: i64 = 30 * 24 * 60 * 60;

/// Confirms, for whoever holds the emailed link, that a referral naming their address
/// is theirs. Its reference, or `None` for a link unknown, used or expired.
pub async fn confirm_owner(db: &Db, token: &str) -> Result<Option<String>, sqlx::Error> {
    let t = now();
    let row = sqlx::query(
        "update referral set owner_confirmed_at = $1, owner_claim_hash = null
         where owner_claim_hash = $2 and owner_confirmed_at is null and submitted_at > $3
         returning reference",
    )
    .bind(t)
    .bind(super::sessions::session_id_for(token))
    .bind(t - OWNER_CLAIM_SECONDS)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get("reference")).transpose()
}

/// A person's latest answer set to an instrument, if any (from referrals whose
/// ownership is proven).
pub async fn latest_response(
    db: &Db,
    account_id: i64,
    instrument: &str,
) -> Result<Option<StoredResponse>, sqlx::Error> {
    sqlx::query(&format!(
        "{RESPONSE} where q.account_id = $1 and q.instrument = $2
             and (q.referral_id is null or r.owner_confirmed_at is not null)
         order by q.answered_at desc, q.questionnaire_response_id desc limit 1"
    ))
    .bind(account_id)
    .bind(instrument)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(stored)
    .transpose()
}
