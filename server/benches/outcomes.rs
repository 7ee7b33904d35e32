//! The service's figures over 100,000 referrals with 1,000,000 measurements, on SQLite
//! and PostgreSQL side by side: what the lead's figures page asks the database (stale
//! episodes worked out first, then the whole period, the months and a breakdown), and
//! what working one episode out again costs. (The page also renders; this measures
//! the database work, which is most of it.)
//!
//! `cargo bench -p server --bench outcomes` (PostgreSQL is measured when
//! `TEST_POSTGRES_URL` points at a server; `scripts/bench` starts one).

// A benchmark stops at the first surprise, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use app::domain::outcome::{outcome, Episode, Month, Scored, Waits, WEEKS_LONGEST, WEEKS_SOON};
use app::server::episodes::{self, Breakdown, Selection};
use app::server::Db;
use sqlx::Row as _;

mod common;

const REFERRALS: usize = 100_000;
const PER_REFERRAL: usize = 10;
const LOADS: usize = 30;
const REFRESHED: usize = 1_000;
const DAY: i64 = 86_400;

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

/// A year of one service: every referral with five PHQ-9 and five GAD-7 scores (the
/// first at intake), its sessions, and its episode worked out by the domain rules.
async fn prepare(
    url: &str,
    instruments: &app::server::instruments::Instruments,
) -> anyhow::Result<(Db, i64)> {
    let db = common::database(url).await?;
    let service = common::service(&db).await?;
    let citizen = common::account(&db, "bench@example.no", "Bench", "citizen").await?;
    let measures = instruments.outcome_measures();
    let now = app::server::db::now();
    let mut tx = db.begin_write().await?;
    let chunk = 500;
    for start in (0..REFERRALS).step_by(chunk) {
        let rows: Vec<String> = (start..(start + chunk).min(REFERRALS))
            .map(|n| {
                let at = now - ((n as i64 * 7919) % (365 * DAY));
                format!(
                    "('RPH-O{n:07}', {service}, {citizen}, '{n:011}', 'Person {n}', '{{}}', 'self',
                      'closed', 'completed', 0, {at}, {at}, '{}', 'group', 'video')",
                    if n % 3 == 0 { "9902" } else { "9901" }
                )
            })
            .collect();
        sqlx::query(&format!(
            "insert into referral (reference, service_id, account_id, national_id, name, details,
                 source, status, outcome, urgent, submitted_at, changed_at, municipality, format,
                 mode) values {}",
            rows.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    let first_referral: i64 = sqlx::query("select min(referral_id) as id from referral")
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    // Scores falling for two in three, flat or rising for the rest.
    let scores_of = |n: usize, received: i64| -> Vec<Scored> {
        (0..PER_REFERRAL)
            .map(|k| {
                let phq = k % 2 == 0;
                let step = (k / 2) as i64;
                let start = 8 + (n % 14) as i64;
                let fall = if n % 3 == 2 {
                    -((n % 4) as i64)
                } else {
                    (n % 9) as i64
                };
                let total = (start - fall * step / 4).clamp(0, if phq { 27 } else { 21 });
                Scored {
                    instrument: if phq { "phq9" } else { "gad7" }.into(),
                    total: Some(total as f64),
                    at: received + step * 7 * DAY,
                }
            })
            .collect()
    };
    for start in (0..REFERRALS).step_by(chunk / PER_REFERRAL) {
        let end = (start + chunk / PER_REFERRAL).min(REFERRALS);
        let mut responses = Vec::new();
        for n in start..end {
            let received = now - ((n as i64 * 7919) % (365 * DAY));
            for s in scores_of(n, received) {
                responses.push(format!(
                    "({citizen}, '{n:011}', {}, 'self', {}, '{}', '1', '{{}}', '{{}}', 0)",
                    first_referral + n as i64,
                    s.at,
                    s.instrument
                ));
            }
        }
        sqlx::query(&format!(
            "insert into questionnaire_response (account_id, national_id, referral_id, source,
                 answered_at, instrument, version, answers, score, risk) values {}",
            responses.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    let first_response: i64 =
        sqlx::query("select min(questionnaire_response_id) as id from questionnaire_response")
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
    let mut episode_rows = Vec::new();
    for start in (0..REFERRALS).step_by(chunk / PER_REFERRAL) {
        let end = (start + chunk / PER_REFERRAL).min(REFERRALS);
        let mut rows = Vec::new();
        for n in start..end {
            let referral = first_referral + n as i64;
            let received = now - ((n as i64 * 7919) % (365 * DAY));
            let scores = scores_of(n, received);
            for (k, s) in scores.iter().enumerate() {
                let total = s.total.unwrap_or_default();
                let case = if s.instrument == "phq9" {
                    total >= 10.0
                } else {
                    total >= 8.0
                };
                rows.push(format!(
                    "({}, {citizen}, {referral}, '{}', '1', {total}, null, {}, 0, '{}', {}, {})",
                    first_response + (n * PER_REFERRAL + k) as i64,
                    s.instrument,
                    i64::from(case),
                    if k < 2 { "intake" } else { "course_session" },
                    if k < 2 {
                        "null".to_owned()
                    } else {
                        ((k / 2) as i64).to_string()
                    },
                    s.at
                ));
            }
            // The episode, as the refresh would work it out.
            let sessions: Vec<i64> = (1..=(n % 9) as i64)
                .map(|w| received + w * 7 * DAY)
                .collect();
            let result = outcome(
                &Episode {
                    treatment_sessions: sessions.clone(),
                    ended: true,
                    scores,
                },
                &measures,
            );
            let waits = Waits::new(
                received,
                Some(received + (n % 40) as i64 * DAY),
                sessions.first().copied(),
            );
            let flag = |b: bool| i64::from(b).to_string();
            let opt =
                |b: Option<bool>| b.map(|b| i64::from(b).to_string()).unwrap_or("null".into());
            let num = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or("null".into());
            episode_rows.push(format!(
                "({referral}, {service}, '{}', {received}, '{}', {}, {}, {}, {received}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {now})",
                if n % 3 == 0 { "9902" } else { "9901" },
                Month::of(received).key(),
                num(Some(received + (n % 40) as i64 * DAY)),
                num(sessions.first().copied()),
                sessions.len(),
                num(waits.to_assessment),
                num(waits.to_treatment),
                opt(waits.treated_within(WEEKS_SOON)),
                opt(waits.treated_within(WEEKS_LONGEST)),
                flag(result.entered_treatment),
                flag(result.finished),
                flag(result.dropped_out),
                flag(result.paired),
                opt(result.case_at_start),
                opt(result.recovered),
                opt(result.change.map(|c| c == app::domain::outcome::ReliableChange::Improvement)),
                opt(result.change.map(|c| c == app::domain::outcome::ReliableChange::Deterioration)),
                opt(result.reliable_recovery),
            ));
        }
        sqlx::query(&format!(
            "insert into measurement (questionnaire_response_id, account_id, referral_id, instrument,
                 version, total, band, caseness, risk, time_point, session_number, answered_at)
             values {}",
            rows.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    for rows in episode_rows.chunks(chunk) {
        sqlx::query(&format!(
            "insert into episode (referral_id, service_id, municipality, received_at,
                 received_month, assessed_at, first_treatment_at, treatment_sessions, ended_at,
                 wait_to_assessment, wait_to_treatment, treated_within_6_weeks,
                 treated_within_18_weeks, entered_treatment, finished, dropped_out, paired,
                 case_at_start, recovered, reliably_improved, reliably_deteriorated,
                 reliable_recovery, refreshed_at) values {}",
            rows.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if db.backend == app::server::Backend::Postgres {
        for table in ["referral", "measurement", "episode"] {
            sqlx::query(&format!("analyze {table}"))
                .execute(&db.pool)
                .await?;
        }
    }
    let counted: i64 = sqlx::query("select count(*) as n from measurement")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    anyhow::ensure!(
        counted as usize == REFERRALS * PER_REFERRAL,
        "{counted} measurements"
    );
    Ok((db, service))
}

struct Figures {
    page_median: Duration,
    page_p95: Duration,
    refresh_each: Duration,
}

/// What the figures page asks: stale episodes first, the whole year, its months, and
/// a breakdown by municipality with its names.
async fn page(
    db: &Db,
    service: i64,
    measures: &[app::domain::outcome::Measure],
) -> anyhow::Result<()> {
    episodes::refresh_stale(db, measures, 10_000).await?;
    let now = app::server::db::now();
    let selection = Selection {
        service_id: service,
        from: Month::of(now).minus(11).start(),
        to: Month::of(now).next().start(),
        cohort_id: None,
    };
    // As the page does: one scan by month and municipality, the period their sum.
    let (monthly, by_municipality) =
        episodes::figures_by_month_and(db, selection, Breakdown::Municipality).await?;
    let mut total = app::domain::outcome::Figures::default();
    for (_, f) in &monthly {
        total.merge(f);
    }
    anyhow::ensure!(total.referrals > 90_000, "{total:?}");
    anyhow::ensure!(by_municipality.len() == 2, "{by_municipality:?}");
    episodes::labels(db, service, Breakdown::Municipality).await?;
    episodes::first_received(db, service).await?;
    Ok(())
}

async fn measure(
    db: Db,
    service: i64,
    instruments: &app::server::instruments::Instruments,
) -> anyhow::Result<Figures> {
    let measures = instruments.outcome_measures();
    page(&db, service, &measures).await?;
    let mut samples = Vec::with_capacity(LOADS);
    for _ in 0..LOADS {
        let started = Instant::now();
        page(&db, service, &measures).await?;
        samples.push(started.elapsed());
    }
    // Working episodes out again: a thousand marked stale, then refreshed.
    sqlx::query(&format!(
        "insert into episode_stale (referral_id, marks)
         select referral_id, 1 from referral order by referral_id limit {REFRESHED}"
    ))
    .execute(&db.pool)
    .await?;
    let started = Instant::now();
    let done = episodes::refresh_stale(&db, &measures, REFRESHED as i64).await?;
    anyhow::ensure!(done as usize == REFRESHED, "{done} refreshed");
    let refresh_each = started.elapsed() / REFRESHED as u32;
    Ok(Figures {
        page_median: percentile(samples.clone(), 0.5),
        page_p95: percentile(samples, 0.95),
        refresh_each,
    })
}

fn print(name: &str, f: &Figures) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {name:<11} figures page's queries {:>6.1} ms median, {:>6.1} ms p95; one episode worked out again {:>5.2} ms",
        ms(f.page_median),
        ms(f.page_p95),
        ms(f.refresh_each),
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let instruments = app::server::instruments::Instruments::load(None)?;
    let dir = std::env::temp_dir().join(format!("rph-bench-outcomes-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!(
        "service figures: {REFERRALS} referrals, {} measurements, {LOADS} loads per backend",
        REFERRALS * PER_REFERRAL
    );
    let (db, service) = prepare(
        &format!("sqlite://{}/bench.sqlite3", dir.display()),
        &instruments,
    )
    .await?;
    let sqlite = measure(db, service, &instruments).await?;
    print("SQLite", &sqlite);
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(base) => {
            let admin = Db::connect(&base).await?;
            let name = format!("rph_bench_outcomes_{}", std::process::id());
            sqlx::query(&format!("create database {name}"))
                .execute(&admin.pool)
                .await?;
            let url = format!(
                "{}/{name}",
                base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
            );
            let (db, service) = prepare(&url, &instruments).await?;
            let postgres = measure(db.clone(), service, &instruments).await?;
            print("PostgreSQL", &postgres);
            println!(
                "  figures page's queries, PostgreSQL / SQLite: {:.2}",
                postgres.page_median.as_secs_f64() / sqlite.page_median.as_secs_f64()
            );
            db.pool.close().await;
            sqlx::query(&format!("drop database {name} with (force)"))
                .execute(&admin.pool)
                .await?;
        }
        Err(_) => {
            println!("  PostgreSQL: not measured (set TEST_POSTGRES_URL, or run scripts/bench)")
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
