//! Scored answer sets as measurements: written with the answers (intake, a course
//! session's measure), read back for trajectories and figures. The score is the one
//! the domain code computed when the answers were given; this module only stores it
//! in columns.

use sqlx::Row;

use crate::domain::outcome::TimePoint;
use crate::domain::questionnaire::Score;
use crate::domain::referral::ReferralId;
use crate::server::Db;

/// A measurement to store, beside the answer set it scores.
pub struct New<'a> {
    pub response_id: i64,
    pub account_id: i64,
    pub referral_id: Option<i64>,
    pub instrument: &'a str,
    pub version: &'a str,
    pub score: &'a Score,
    pub time_point: TimePoint,
    /// The course session (its id and number) a session measure belongs to.
    pub session: Option<(i64, u32)>,
    pub at: i64,
}

/// Stores one measurement and its subscales, in the caller's transaction.
pub async fn insert(conn: &mut sqlx::AnyConnection, m: New<'_>) -> Result<(), sqlx::Error> {
    let id: i64 = sqlx::query(
        "insert into measurement (questionnaire_response_id, account_id, referral_id,
             instrument, version, total, band, caseness, risk, time_point, cohort_session_id,
             session_number, answered_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         returning measurement_id",
    )
    .bind(m.response_id)
    .bind(m.account_id)
    .bind(m.referral_id)
    .bind(m.instrument)
    .bind(m.version)
    .bind(m.score.total)
    .bind(m.score.band.as_deref())
    .bind(m.score.case.map(i64::from))
    .bind(i64::from(m.score.has_risk()))
    .bind(m.time_point.key())
    .bind(m.session.map(|(id, _)| id))
    .bind(m.session.map(|(_, n)| i64::from(n)))
    .bind(m.at)
    .fetch_one(&mut *conn)
    .await?
    .try_get("measurement_id")?;
    for sub in &m.score.subscales {
        sqlx::query(
            "insert into measurement_subscale (measurement_id, subscale, score, caseness)
             values ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&sub.id)
        .bind(sub.score)
        .bind(sub.case.map(i64::from))
        .execute(&mut *conn)
        .await?;
    }
    if let Some(referral_id) = m.referral_id {
        super::episodes::touch(conn, referral_id).await?;
    }
    Ok(())
}

/// Stores a measurement for every answer set that has none: those given before the
/// table existed. Safe to run at every start; each row in its own transaction with
/// its answer set's claim (`unique` on the response), so two servers starting at once
/// do not store one twice. Returns how many it stored.
pub async fn backfill(db: &Db) -> Result<u64, sqlx::Error> {
    let rows = sqlx::query(
        "select q.questionnaire_response_id, q.account_id, q.referral_id, q.instrument,
             q.version, q.score, q.answered_at, s.cohort_session_id, s.number
         from questionnaire_response q
         left join measurement m on m.questionnaire_response_id = q.questionnaire_response_id
         left join session_measure sm
             on sm.questionnaire_response_id = q.questionnaire_response_id and sm.reused = 0
         left join cohort_session s on s.cohort_session_id = sm.cohort_session_id
         where m.measurement_id is null
         order by q.questionnaire_response_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut stored = 0;
    for row in rows {
        let score: String = row.try_get("score")?;
        let score: Score =
            serde_json::from_str(&score).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let session_id: Option<i64> = row.try_get("cohort_session_id")?;
        let number: Option<i64> = row.try_get("number")?;
        let instrument: String = row.try_get("instrument")?;
        let version: String = row.try_get("version")?;
        // A write transaction from the start: on SQLite a read that turns into a write
        // fails when another connection wrote meanwhile.
        let mut tx = db.begin_write().await?;
        let taken =
            sqlx::query("select 1 as taken from measurement where questionnaire_response_id = $1")
                .bind(row.try_get::<i64, _>("questionnaire_response_id")?)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            continue;
        }
        let inserted = insert(
            &mut tx,
            New {
                response_id: row.try_get("questionnaire_response_id")?,
                account_id: row.try_get("account_id")?,
                referral_id: row.try_get("referral_id")?,
                instrument: &instrument,
                version: &version,
                score: &score,
                time_point: if session_id.is_some() {
                    TimePoint::CourseSession
                } else {
                    TimePoint::Intake
                },
                session: session_id.zip(number.map(|n| u32::try_from(n).unwrap_or(0))),
                at: row.try_get("answered_at")?,
            },
        )
        .await;
        match inserted {
            Ok(()) => {
                tx.commit().await?;
                stored += 1;
            }
            // Another server stored it between our look and our insert.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(stored)
}

/// One stored measurement, as trajectories and figures read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    pub referral_id: Option<i64>,
    pub instrument: String,
    pub total: Option<f64>,
    pub band: Option<String>,
    pub caseness: Option<bool>,
    pub time_point: TimePoint,
    pub session_number: Option<u32>,
    pub answered_at: i64,
}

impl Measurement {
    fn read(row: &sqlx::any::AnyRow) -> Result<Measurement, sqlx::Error> {
        let time_point: String = row.try_get("time_point")?;
        Ok(Measurement {
            referral_id: row.try_get("referral_id")?,
            instrument: row.try_get("instrument")?,
            total: row.try_get("total")?,
            band: row.try_get("band")?,
            caseness: row.try_get::<Option<i64>, _>("caseness")?.map(|c| c != 0),
            time_point: TimePoint::parse(&time_point).ok_or_else(|| {
                sqlx::Error::Decode(format!("unknown time point {time_point}").into())
            })?,
            session_number: row
                .try_get::<Option<i64>, _>("session_number")?
                .map(|n| u32::try_from(n).unwrap_or(0)),
            answered_at: row.try_get("answered_at")?,
        })
    }
}

/// A referral's measurements, oldest first. Through a connection: staff read them with
/// an access-log grant (`access_log::Audited::read`).
pub async fn of_referral(
    conn: &mut sqlx::AnyConnection,
    referral: ReferralId,
) -> Result<Vec<Measurement>, sqlx::Error> {
    sqlx::query(
        "select referral_id, instrument, total, band, caseness, time_point, session_number,
             answered_at
         from measurement where referral_id = $1
         order by answered_at, measurement_id",
    )
    .bind(referral.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(Measurement::read)
    .collect()
}

/// The columns of a person's scores as a file (`/trajectory/{reference}/scores.csv`).
pub const SCORES_COLUMNS: [&str; 7] = [
    "answered_on",
    "time_point",
    "session",
    "instrument",
    "total",
    "band",
    "at_caseness",
];

/// A referral's measurements as CSV (comma-separated, CRLF, a header row): the day
/// each was answered (Europe/Oslo), its time point and course session, the instrument,
/// the total, its band and whether it is at caseness (1 or 0; empty where the
/// instrument has no such line).
pub fn to_csv(measurements: &[Measurement]) -> Result<String, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(SCORES_COLUMNS)?;
    for m in measurements {
        let (year, month, day) = crate::domain::clock::oslo_date(m.answered_at);
        out.write_record([
            format!("{year:04}-{month:02}-{day:02}"),
            m.time_point.key().to_owned(),
            m.session_number.map(|n| n.to_string()).unwrap_or_default(),
            m.instrument.clone(),
            m.total.map(|t| format!("{t}")).unwrap_or_default(),
            m.band.clone().unwrap_or_default(),
            m.caseness
                .map(|c| if c { "1" } else { "0" }.to_owned())
                .unwrap_or_default(),
        ])?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
