//! Durable periodic jobs: the schedule is in the database, each run is claimed with a
//! lease in one atomic statement (of several server instances, one runs it; a run that
//! died with its server is taken up again when the lease ends), and the outcome is
//! written back. Every server runs [`run_forever`]; [`run_due`] is one pass.

use std::time::Duration;

use sqlx::Row;

use super::db::now;
use super::{AppState, Db};

/// A job: its name, how often it runs, and how long a run may hold its lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Deletes referral drafts untouched for the retention period, with the identity
    /// numbers and answers they hold, and what else is kept only for a while.
    PurgeExpired,
    /// Appends a signed checkpoint of the access log (count and head) to a file
    /// outside the database and to the log.
    AccessLogCheckpoint,
    /// Tells intake about urgent referrals whose alert is due and was not sent right
    /// away (a failed send, or a server that stopped before it).
    UrgentAlerts,
    /// Reminds seat holders of course sessions a day (the service's setting) before.
    CourseReminders,
    /// Hands a held course seat on to the next in line once its deadline has passed.
    SeatOffers,
    /// Works out again the episodes whose referral changed (and any missing), for the
    /// service's figures.
    Episodes,
}

impl Job {
    pub const ALL: [Job; 6] = [
        Job::PurgeExpired,
        Job::AccessLogCheckpoint,
        Job::UrgentAlerts,
        Job::CourseReminders,
        Job::SeatOffers,
        Job::Episodes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::PurgeExpired => "purge_expired",
            Job::AccessLogCheckpoint => "access_log_checkpoint",
            Job::UrgentAlerts => "urgent_alerts",
            Job::CourseReminders => "course_reminders",
            Job::SeatOffers => "seat_offers",
            Job::Episodes => "episodes",
        }
    }

    fn every_seconds(self) -> i64 {
        match self {
            Job::PurgeExpired => 60 * 60,
            Job::AccessLogCheckpoint => 10 * 60,
            Job::UrgentAlerts => 60,
            Job::CourseReminders => 60,
            Job::SeatOffers => 5 * 60,
            Job::Episodes => 60,
        }
    }

    fn lease_seconds(self) -> i64 {
        match self {
            Job::PurgeExpired => 10 * 60,
            Job::AccessLogCheckpoint => 5 * 60,
            Job::UrgentAlerts => 60,
            Job::CourseReminders => super::course_reminders::LEASE_SECONDS,
            Job::SeatOffers => 60,
            Job::Episodes => 10 * 60,
        }
    }
}

/// What one pass did: the jobs it ran, with their outcome.
pub type Ran = Vec<(Job, Result<u64, String>)>;

/// Runs every job that is due and not leased by another run, once.
pub async fn run_due(state: &AppState, at: i64) -> Result<Ran, sqlx::Error> {
    let mut ran = Vec::new();
    for job in Job::ALL {
        if !claim(&state.db, job, at).await? {
            continue;
        }
        let outcome = run(state, job, at).await;
        finish(&state.db, job, at, &outcome).await?;
        match &outcome {
            Ok(count) => tracing::info!(job = job.name(), count, "job done"),
            Err(error) => tracing::error!(job = job.name(), error, "job failed"),
        }
        ran.push((job, outcome));
    }
    Ok(ran)
}

/// Runs due jobs every minute for as long as the server runs.
pub async fn run_forever(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = run_due(&state, now()).await {
            tracing::error!(error = ?error, "could not run scheduled jobs");
        }
    }
}

/// Takes the job's lease if it is due and free; false when another run has it or it
/// is not yet time. A job never seen before is due at once.
async fn claim(db: &Db, job: Job, at: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "insert into scheduled_job (name, next_run_at) values ($1, $2)
         on conflict (name) do nothing",
    )
    .bind(job.name())
    .bind(at)
    .execute(&db.pool)
    .await?;
    let claimed = sqlx::query(
        "update scheduled_job set leased_until = $1
         where name = $2 and next_run_at <= $3 and (leased_until is null or leased_until < $3)
         returning name",
    )
    .bind(at + job.lease_seconds())
    .bind(job.name())
    .bind(at)
    .fetch_optional(&db.pool)
    .await?;
    Ok(claimed.is_some())
}

async fn finish(
    db: &Db,
    job: Job,
    at: i64,
    outcome: &Result<u64, String>,
) -> Result<(), sqlx::Error> {
    let text = match outcome {
        Ok(count) => format!("ok: {count}"),
        Err(error) => format!("failed: {error}"),
    };
    // A failed run is tried again sooner.
    let next = match outcome {
        Ok(_) => at + job.every_seconds(),
        Err(_) => at + job.every_seconds().min(5 * 60),
    };
    sqlx::query(
        "update scheduled_job set leased_until = null, next_run_at = $1, last_finished_at = $2,
             last_outcome = $3
         where name = $4",
    )
    .bind(next)
    .bind(now())
    .bind(text)
    .bind(job.name())
    .execute(&db.pool)
    .await
    .map(|_| ())
}

async fn run(state: &AppState, job: Job, at: i64) -> Result<u64, String> {
    match job {
        Job::PurgeExpired => purge_expired(&state.db, state.site.draft_retention_days, at)
            .await
            .map_err(|e| e.to_string()),
        Job::AccessLogCheckpoint => {
            super::access_log::write_checkpoint(&state.db, &state.site.access_log_checkpoints, at)
                .await
                .map_err(|e| e.to_string())
        }
        Job::UrgentAlerts => super::board::alerts::send_due(state, at)
            .await
            .map_err(|e| e.to_string()),
        Job::CourseReminders => super::course_reminders::run(state, at)
            .await
            .map_err(|e| e.to_string()),
        Job::SeatOffers => super::courses::lapse_seat_offers_and_tell(state, at)
            .await
            .map_err(|e| e.to_string()),
        Job::Episodes => refresh_episodes(state).await.map_err(|e| e.to_string()),
    }
}

/// Marks referrals without an episode and works out every stale one.
async fn refresh_episodes(state: &AppState) -> Result<u64, sqlx::Error> {
    super::episodes::touch_missing(&state.db).await?;
    let measures = state.instruments.outcome_measures();
    let mut done = 0;
    loop {
        let pass = super::episodes::refresh_stale(&state.db, &measures, 1_000).await?;
        done += pass;
        if pass == 0 {
            return Ok(done);
        }
    }
}

/// Deletes referral drafts not changed in `retention_days` (sent or not: a sent one's
/// content is in its referral), refused forms kept longer than a page needs them, and
/// rate-limit windows older than a day. Returns the number of drafts deleted.
pub async fn purge_expired(db: &Db, retention_days: i64, at: i64) -> Result<u64, sqlx::Error> {
    let drafts = sqlx::query("delete from referral_draft where updated_at < $1")
        .bind(at - retention_days * 24 * 60 * 60)
        .execute(&db.pool)
        .await?
        .rows_affected();
    sqlx::query("delete from form_error where created_at < $1")
        .bind(at - super::form_errors::KEPT_FOR_SECONDS)
        .execute(&db.pool)
        .await?;
    sqlx::query("delete from rate_limit where window_start < $1")
        .bind(at - 24 * 60 * 60)
        .execute(&db.pool)
        .await?;
    Ok(drafts)
}

/// When a job last finished and how (for tests and the operator).
pub async fn last_outcome(db: &Db, job: Job) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("select last_outcome from scheduled_job where name = $1")
        .bind(job.name())
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("last_outcome"))
        .transpose()
        .map(Option::flatten)
}
