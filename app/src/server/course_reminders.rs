//! Reminders before course sessions: an email to every seat holder, a service-set
//! number of hours before each session (24 by default), with the join link of a video
//! session.
//!
//! Durable, from a table, never from timers in memory: a pass first puts a row on the
//! table for each session now inside its window and each seat holder (once: the pair is
//! unique), then claims due rows with a lease (PostgreSQL: `for update skip locked`, so
//! several servers take different rows; SQLite has one writer) and marks each sent
//! once its message is handed over. A server that stops between the two steps leaves
//! the rows for the next server's pass.

use sqlx::Row;

use super::db::Backend;
use super::{AppState, Db, OutgoingMail};
use crate::domain::capability::ServiceId;
use crate::domain::clock::{format_oslo_date, oslo_time};
use crate::i18n::{texts, Lang};

/// How long a pass holds the reminders it took before another may take them.
pub const LEASE_SECONDS: i64 = 300;
/// Reminders one claim takes.
const BATCH: i64 = 500;

/// Puts on the table a reminder for every seat holder of every session that starts
/// within its service's window. Returns how many were added.
pub async fn schedule(db: &Db, at: i64) -> Result<u64, sqlx::Error> {
    let added = sqlx::query(
        "insert into course_reminder (cohort_session_id, enrolment_id, due_at, created_at)
         select s.cohort_session_id, e.enrolment_id, s.starts_at - v.reminder_hours * 3600, $1
         from cohort_session s
         join cohort c on c.cohort_id = s.cohort_id
         join service v on v.service_id = c.service_id
         join enrolment e on e.cohort_id = c.cohort_id and e.status = 'enrolled'
         where s.cancelled_at is null and c.state in ('planned', 'open', 'running')
           and s.starts_at > $1 and s.starts_at - v.reminder_hours * 3600 <= $1
         on conflict (cohort_session_id, enrolment_id) do nothing",
    )
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(added.rows_affected())
}

/// Claims up to a batch of due reminders no other pass holds.
async fn claim(db: &Db, at: i64) -> Result<Vec<i64>, sqlx::Error> {
    let lock = match db.backend {
        Backend::Postgres => "for update skip locked",
        Backend::Sqlite => "",
    };
    let rows = sqlx::query(&format!(
        "update course_reminder set lease_until = $1
         where course_reminder_id in (
             select course_reminder_id from course_reminder
             where sent_at is null and due_at <= $2 and (lease_until is null or lease_until <= $2)
             order by due_at, course_reminder_id limit {BATCH} {lock})
         returning course_reminder_id"
    ))
    // The lease runs from the claim itself: a long pass's later batches get a whole one.
    .bind(at.max(super::db::now()) + LEASE_SECONDS)
    .bind(at)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| r.try_get("course_reminder_id"))
        .collect()
}

/// What a reminder says: to whom, in which language, when and how to join.
struct Due {
    to: String,
    lang: Lang,
    starts_at: i64,
    room_code: Option<String>,
    place: String,
    cohort_id: i64,
    /// The course takes measures before its sessions.
    measures: bool,
}

/// A reminder still worth sending at `at`: its person still holds a seat and its session
/// has not begun (after an outage, a late reminder would only confuse).
async fn details(db: &Db, id: i64, at: i64) -> Result<Option<Due>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select a.email, r.lang, s.starts_at, m.code, c.place, c.cohort_id, k.measures
         from course_reminder cr
         join cohort_session s on s.cohort_session_id = cr.cohort_session_id
         join cohort c on c.cohort_id = s.cohort_id
         join course k on k.course_id = c.course_id
         join enrolment e on e.enrolment_id = cr.enrolment_id
         join referral r on r.referral_id = e.referral_id
         join account a on a.account_id = r.account_id
         left join room m on m.room_id = s.room_id and s.format = 'video'
         where cr.course_reminder_id = $1 and e.status = 'enrolled' and s.cancelled_at is null
           and s.starts_at > $2",
    )
    .bind(id)
    .bind(at)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let lang: String = row.try_get("lang")?;
    Ok(Some(Due {
        to: row.try_get("email")?,
        lang: Lang::from_code(&lang).unwrap_or_default(),
        starts_at: row.try_get("starts_at")?,
        room_code: row.try_get("code")?,
        place: row.try_get("place")?,
        cohort_id: row.try_get("cohort_id")?,
        measures: !row.try_get::<String, _>("measures")?.trim().is_empty(),
    }))
}

async fn mark_sent(db: &Db, id: i64, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update course_reminder set sent_at = $2, lease_until = null where course_reminder_id = $1",
    )
    .bind(id)
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Reminders handed to the mail server at once. Each message waits for the server's
/// answer (and, with lettre 0.11.23, for its delayed ACK: about 42 ms), so one at a
/// time went out at 22 a second; the transport's pool keeps up to ten connections.
const SENDERS: usize = 8;

/// Sends every due reminder; returns how many were handed over. One that cannot be
/// sent is left for a later pass (its lease runs out); one whose person left the
/// course, or whose session was cancelled or has begun, is marked done unsent. Up to
/// [`SENDERS`] go out at once; each is marked sent as soon as it is handed over.
pub async fn send_due(state: &AppState, at: i64) -> Result<u64, sqlx::Error> {
    let mut sent = 0;
    loop {
        let batch = claim(&state.db, at).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut sending = tokio::task::JoinSet::new();
        let mut failed = None;
        let mut ids = batch.into_iter();
        loop {
            while sending.len() < SENDERS {
                let Some(id) = ids.next() else { break };
                let state = state.clone();
                sending.spawn(async move { send_one(&state, id, at).await });
            }
            // Every one started is waited for, even after a failure: none is cut off
            // between its sending and its mark.
            let Some(done) = sending.join_next().await else {
                break;
            };
            match done {
                Ok(Ok(true)) => sent += 1,
                Ok(Ok(false)) => {}
                Ok(Err(error)) => {
                    failed = Some(error);
                    // Start no more; the rest keep their lease and a later pass takes them.
                    ids = Vec::new().into_iter();
                }
                Err(error) => tracing::error!(error = ?error, "a course reminder's task failed"),
            }
        }
        if let Some(error) = failed {
            return Err(error);
        }
    }
}

/// Sends one claimed reminder, or marks it done unsent when it no longer applies.
/// Whether it was handed over.
async fn send_one(state: &AppState, id: i64, at: i64) -> Result<bool, sqlx::Error> {
    let Some(due) = details(&state.db, id, at.max(super::db::now())).await? else {
        mark_sent(&state.db, id, at).await?;
        return Ok(false);
    };
    let c = texts(due.lang).course;
    let (hour, minute) = oslo_time(due.starts_at);
    let when = format!("{} {hour:02}:{minute:02}", format_oslo_date(due.starts_at));
    let how = match &due.room_code {
        Some(code) => c
            .calendar_video
            .replace("{link}", &format!("{}/rooms/{code}", state.site.public_url)),
        None => c.calendar_in_person.replace("{place}", &due.place),
    };
    let how = if due.measures {
        format!("{how}\n\n{}", c.reminder_measures)
    } else {
        how
    };
    let mail = OutgoingMail {
        to: due.to,
        subject: c.reminder_subject.replace("{when}", &when),
        text: c
            .reminder_body
            .replace("{when}", &when)
            .replace("{how}", &how)
            .replace("{link}", &format!("{}/account", state.site.public_url)),
    };
    match state.mailer.send(mail).await {
        Ok(()) => {
            mark_sent(&state.db, id, at).await?;
            Ok(true)
        }
        Err(error) => {
            tracing::error!(error = ?error, cohort = due.cohort_id, "course reminder not sent");
            Ok(false)
        }
    }
}

/// One pass: schedule what came within its window, then send what is due.
pub async fn run(state: &AppState, at: i64) -> Result<u64, sqlx::Error> {
    schedule(&state.db, at).await?;
    send_due(state, at).await
}

/// How many hours before a session the service's reminders go out.
pub async fn hours_of(db: &Db, service: ServiceId) -> Result<i64, sqlx::Error> {
    sqlx::query("select reminder_hours from service where service_id = $1")
        .bind(service.0)
        .fetch_one(&db.pool)
        .await?
        .try_get("reminder_hours")
}

/// Sets when the service's reminders go out; reminders already on the table keep
/// their time, those put there from now on take the new one.
pub async fn set_hours(db: &Db, service: ServiceId, hours: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update service set reminder_hours = $1 where service_id = $2")
        .bind(hours)
        .bind(service.0)
        .execute(&db.pool)
        .await?;
    Ok(())
}
