//! Who came to a course session: recorded from the session's room when it lets an
//! enrolled person in, or ticked by a leader for an in-person session. The first
//! attended session makes an offered referral active.

use sqlx::Row;

use crate::domain::board::State;
use crate::domain::course::CohortId;
use crate::server::board::actions::{record, Event};
use crate::server::db::now;
use crate::server::Db;

/// For a course session's room: whether this person holds a seat in its cohort. `None`
/// for a room that belongs to no session (it has no roster).
pub async fn enrolled_in_room(
    db: &Db,
    room_id: i64,
    account_id: i64,
) -> Result<Option<bool>, sqlx::Error> {
    let row = sqlx::query(
        "select (select count(*) from enrolment e join referral r on r.referral_id = e.referral_id
                 where e.cohort_id = s.cohort_id and e.status = 'enrolled'
                   and r.account_id = $2) as seats
         from cohort_session s where s.room_id = $1",
    )
    .bind(room_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| row.try_get::<i64, _>("seats").map(|seats| seats > 0))
        .transpose()
}

/// The room of a course session let this person in: if they hold a seat, they attended
/// (a cancelled session is not held: nobody attends it). Returns the referral marked,
/// if any.
pub async fn came_to_room(
    db: &Db,
    room_id: i64,
    account_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let found = sqlx::query(
        "select s.cohort_session_id, e.referral_id
         from cohort_session s
         join enrolment e on e.cohort_id = s.cohort_id and e.status = 'enrolled'
         join referral r on r.referral_id = e.referral_id
         where s.room_id = $1 and r.account_id = $2 and s.cancelled_at is null",
    )
    .bind(room_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let session: i64 = found.try_get("cohort_session_id")?;
    let referral: i64 = found.try_get("referral_id")?;
    mark(db, session, referral, "room", None).await?;
    Ok(Some(referral))
}

/// A leader ticks (or unticks) a person present at a session of their cohort. The
/// session must belong to the cohort and the referral hold a seat in it.
pub async fn tick(
    db: &Db,
    cohort: CohortId,
    session: i64,
    referral: i64,
    present: bool,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let belongs = sqlx::query(
        "select 1 from cohort_session s
         join enrolment e on e.cohort_id = s.cohort_id and e.referral_id = $3
         where s.cohort_session_id = $1 and s.cohort_id = $2 and e.status = 'enrolled'",
    )
    .bind(session)
    .bind(cohort.0)
    .bind(referral)
    .fetch_optional(&db.pool)
    .await?
    .is_some();
    if !belongs {
        return Ok(false);
    }
    if present {
        mark(db, session, referral, "ticked", Some(by)).await?;
    } else {
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "delete from session_attendance
             where cohort_session_id = $1 and referral_id = $2 and source = 'ticked'",
        )
        .bind(session)
        .bind(referral)
        .execute(&mut *tx)
        .await?;
        super::episodes::touch(&mut tx, referral).await?;
        tx.commit().await?;
    }
    Ok(true)
}

/// Records presence once, and moves an offered referral to active with its first
/// attended session (a timeline entry says why).
async fn mark(
    db: &Db,
    session: i64,
    referral: i64,
    source: &str,
    by: Option<i64>,
) -> Result<(), sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let added = sqlx::query(
        "insert into session_attendance (cohort_session_id, referral_id, source, marked_by, marked_at)
         values ($1, $2, $3, $4, $5) on conflict (cohort_session_id, referral_id) do nothing",
    )
    .bind(session)
    .bind(referral)
    .bind(source)
    .bind(by)
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added > 0 {
        super::episodes::touch(&mut tx, referral).await?;
        let moved = sqlx::query(
            "update referral set status = 'active', changed_at = $1
             where referral_id = $2 and status = 'offered'",
        )
        .bind(at)
        .bind(referral)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved > 0 {
            let mut event = Event::new("attended");
            event.from_state = Some(State::Offered.key());
            event.to_state = Some(State::Active.key());
            record(&mut *tx, referral, by, at, event).await?;
        }
    }
    tx.commit().await
}

/// One cell of the attendance grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presence {
    pub session_id: i64,
    pub referral_id: i64,
    pub ticked: bool,
    /// Minutes in the session's room, for a video session.
    pub minutes: i64,
}

/// Everyone recorded present at the cohort's sessions, with minutes in the room.
pub async fn of_cohort(db: &Db, cohort: CohortId) -> Result<Vec<Presence>, sqlx::Error> {
    let at = now();
    let rows = sqlx::query(
        "select a.cohort_session_id, a.referral_id, a.source,
             (select cast(coalesce(sum(coalesce(ra.left_at, $2) - ra.joined_at), 0) as bigint)
              from room_attendance ra join referral r on r.referral_id = a.referral_id
              where ra.room_id = s.room_id and ra.account_id = r.account_id) as seconds
         from session_attendance a
         join cohort_session s on s.cohort_session_id = a.cohort_session_id
         where s.cohort_id = $1",
    )
    .bind(cohort.0)
    .bind(at)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let source: String = row.try_get("source")?;
            let seconds: i64 = row.try_get("seconds")?;
            Ok(Presence {
                session_id: row.try_get("cohort_session_id")?,
                referral_id: row.try_get("referral_id")?,
                ticked: source == "ticked",
                minutes: (seconds + 30) / 60,
            })
        })
        .collect()
}
