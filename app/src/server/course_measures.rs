//! The short measures a course takes before each session (PHQ-9, GAD-7, as the course
//! says): which are due for a person, their answers stored with the session they
//! belong to, and each participant's scores for the leaders. The first session reuses
//! the intake's answers while they are fresh (the service's `answer_reuse_days`).

use std::collections::BTreeMap;

use sqlx::Row;

use crate::domain::course::CohortId;
use crate::domain::outcome::TimePoint;
use crate::domain::questionnaire::{Answer, Score};
use crate::domain::referral::is_fresh;
use crate::server::instruments::Instruments;
use crate::server::{measurements, referrals, Db};

/// How long before a session its measures are asked for.
pub const OPENS_SECONDS: i64 = 3 * 86_400;

/// A measure the person is asked to answer now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub session_id: i64,
    pub number: u32,
    pub starts_at: i64,
    pub instrument: String,
}

struct NextSession {
    session_id: i64,
    number: u32,
    starts_at: i64,
    first: bool,
    measures: Vec<String>,
    reuse_days: i64,
    account_id: i64,
}

/// The session whose measures are open now for this referral's seat: the next one
/// not cancelled and not over, from [`OPENS_SECONDS`] before it starts.
async fn next_session(
    db: &Db,
    referral_id: i64,
    at: i64,
) -> Result<Option<NextSession>, sqlx::Error> {
    let row = sqlx::query(
        "select s.cohort_session_id, s.number, s.starts_at, k.measures, v.answer_reuse_days,
             r.account_id,
             (select min(f.number) from cohort_session f
              where f.cohort_id = s.cohort_id and f.cancelled_at is null) as first_number
         from enrolment e
         join cohort c on c.cohort_id = e.cohort_id
         join course k on k.course_id = c.course_id
         join service v on v.service_id = c.service_id
         join referral r on r.referral_id = e.referral_id
         join cohort_session s on s.cohort_id = e.cohort_id
         where e.referral_id = $1 and e.status = 'enrolled'
           and c.state in ('open', 'running')
           and s.cancelled_at is null and s.ends_at > $2 and s.starts_at <= $3
         order by s.starts_at limit 1",
    )
    .bind(referral_id)
    .bind(at)
    .bind(at + OPENS_SECONDS)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let number: i64 = row.try_get("number")?;
    let first: i64 = row.try_get("first_number")?;
    let measures: String = row.try_get("measures")?;
    Ok(Some(NextSession {
        session_id: row.try_get("cohort_session_id")?,
        number: u32::try_from(number).unwrap_or(0),
        starts_at: row.try_get("starts_at")?,
        first: number == first,
        measures: measures
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        reuse_days: row.try_get("answer_reuse_days")?,
        account_id: row.try_get("account_id")?,
    }))
}

async fn answered(
    db: &Db,
    session_id: i64,
    referral_id: i64,
    instrument: &str,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "select 1 from session_measure
         where cohort_session_id = $1 and referral_id = $2 and instrument = $3",
    )
    .bind(session_id)
    .bind(referral_id)
    .bind(instrument)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

/// What this referral's holder should answer now. Before the first session, answers
/// from intake that are still fresh stand for it (and are linked to it, once) instead.
pub async fn due(
    db: &Db,
    instruments: &Instruments,
    referral_id: i64,
    at: i64,
) -> Result<Vec<Due>, sqlx::Error> {
    let Some(next) = next_session(db, referral_id, at).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for instrument in &next.measures {
        let Some(definition) = instruments.get(instrument) else {
            continue;
        };
        if answered(db, next.session_id, referral_id, instrument).await? {
            continue;
        }
        if next.first {
            let fresh = referrals::latest_response(db, next.account_id, instrument)
                .await?
                .filter(|r| r.version == definition.version)
                .filter(|r| is_fresh(r.answered_at, at, next.reuse_days));
            if let Some(fresh) = fresh {
                link(db, next.session_id, referral_id, instrument, fresh.id, true).await?;
                continue;
            }
        }
        out.push(Due {
            session_id: next.session_id,
            number: next.number,
            starts_at: next.starts_at,
            instrument: instrument.clone(),
        });
    }
    Ok(out)
}

async fn link(
    db: &Db,
    session_id: i64,
    referral_id: i64,
    instrument: &str,
    response_id: i64,
    reused: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into session_measure
             (cohort_session_id, referral_id, instrument, questionnaire_response_id, reused)
         values ($1, $2, $3, $4, $5)
         on conflict (cohort_session_id, referral_id, instrument) do nothing",
    )
    .bind(session_id)
    .bind(referral_id)
    .bind(instrument)
    .bind(response_id)
    .bind(i64::from(reused))
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// An answer set for a session's measure, as scored.
pub struct Answered<'a> {
    pub session_id: i64,
    pub referral_id: i64,
    pub instrument: &'a str,
    pub version: &'a str,
    pub answers: &'a BTreeMap<String, Answer>,
    pub score: &'a Score,
    pub at: i64,
}

/// Stores the answers and links them to the session; false when this session's
/// measure was answered already (the first answer stands).
pub async fn record(db: &Db, a: Answered<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "insert into questionnaire_response (account_id, national_id, referral_id, source,
             answered_at, instrument, version, answers, score, risk)
         select account_id, national_id, referral_id, 'course', $2, $3, $4, $5, $6, $7
         from referral where referral_id = $1
         returning questionnaire_response_id, account_id",
    )
    .bind(a.referral_id)
    .bind(a.at)
    .bind(a.instrument)
    .bind(a.version)
    .bind(json(a.answers)?)
    .bind(json(a.score)?)
    .bind(i64::from(a.score.has_risk()))
    .fetch_one(&mut *tx)
    .await?;
    let response: i64 = row.try_get("questionnaire_response_id")?;
    let account_id: i64 = row.try_get("account_id")?;
    let linked = sqlx::query(
        "insert into session_measure
             (cohort_session_id, referral_id, instrument, questionnaire_response_id, reused)
         values ($1, $2, $3, $4, 0)
         on conflict (cohort_session_id, referral_id, instrument) do nothing",
    )
    .bind(a.session_id)
    .bind(a.referral_id)
    .bind(a.instrument)
    .bind(response)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if linked == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let number: i64 = sqlx::query("select number from cohort_session where cohort_session_id = $1")
        .bind(a.session_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("number")?;
    measurements::insert(
        &mut tx,
        measurements::New {
            response_id: response,
            account_id,
            referral_id: Some(a.referral_id),
            instrument: a.instrument,
            version: a.version,
            score: a.score,
            time_point: TimePoint::CourseSession,
            session: Some((a.session_id, u32::try_from(number).unwrap_or(0))),
            at: a.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// One participant's score at one session.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionScore {
    pub referral_id: i64,
    pub number: u32,
    pub instrument: String,
    pub total: Option<f64>,
    pub risk: bool,
    pub answered_at: i64,
}

/// Every participant's session scores in a cohort, by session order.
pub async fn scores_of_cohort(
    conn: &mut sqlx::AnyConnection,
    cohort: CohortId,
) -> Result<Vec<SessionScore>, sqlx::Error> {
    let rows = sqlx::query(
        "select m.referral_id, s.number, m.instrument, q.score, q.risk, q.answered_at
         from session_measure m
         join cohort_session s on s.cohort_session_id = m.cohort_session_id
         join questionnaire_response q on q.questionnaire_response_id = m.questionnaire_response_id
         where s.cohort_id = $1
         order by s.number, m.instrument",
    )
    .bind(cohort.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let score: String = row.try_get("score")?;
            let score: Score =
                serde_json::from_str(&score).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            let number: i64 = row.try_get("number")?;
            Ok(SessionScore {
                referral_id: row.try_get("referral_id")?,
                number: u32::try_from(number).unwrap_or(0),
                instrument: row.try_get("instrument")?,
                total: score.total,
                risk: row.try_get::<i64, _>("risk")? != 0,
                answered_at: row.try_get("answered_at")?,
            })
        })
        .collect()
}

/// The emails of a cohort's leaders, to tell them of a risk answer.
pub async fn leader_emails(db: &Db, session_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "select a.email from cohort_session s
         join cohort_leader l on l.cohort_id = s.cohort_id
         join account a on a.account_id = l.account_id
         where s.cohort_session_id = $1 order by a.account_id",
    )
    .bind(session_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("email")).collect()
}

/// The cohort a session belongs to.
pub async fn cohort_of_session(db: &Db, session_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("select cohort_id from cohort_session where cohort_session_id = $1")
        .bind(session_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("cohort_id")
}
