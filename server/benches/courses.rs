//! Group courses on SQLite and PostgreSQL, side by side: a cohort's page as its leader
//! opens it (12 participants × 10 sessions, with attendance and PHQ-9 and GAD-7 scores
//! at every session), a therapist's "My groups" with the 10 cohorts they lead, and the
//! reminder job sending 10,000 due reminders through a real SMTP server (Python's
//! aiosmtpd, which writes down every message it is handed, to be counted). The two
//! pages are timed twice: their database work alone, and whole, as the product's
//! server renders them over HTTP for the leader's session.
//!
//! `cargo bench -p server --bench courses` (PostgreSQL is measured when
//! `TEST_POSTGRES_URL` points at a server; `scripts/bench` starts one. The reminders
//! are sent when `TEST_PYTHON`, else `python3`, has aiosmtpd; the pages are rendered
//! when `RPH_SITE_ROOT` names a built site, as `scripts/bench` does).

// A benchmark stops at the first surprise, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashSet;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::access::{AccessAction, DataKind};
use app::domain::capability::ServiceId;
use app::domain::course::CohortId;
use app::server::db::now;
use app::server::{access_log, course_attendance, course_measures, course_reminders, courses};
use app::server::{AppState, Db, Mailer};
use sqlx::Row as _;

mod common;

const COHORTS: usize = 10;
const PARTICIPANTS: usize = 12;
const SESSIONS: usize = 10;
const LOADS: usize = 200;
const REMINDERS: usize = 10_000;
/// Seats per cohort in the reminder run: 1,000 cohorts, each with a session in 2 hours.
const SEATS: usize = 10;
const WEEK: i64 = 7 * 86_400;
const DAY: i64 = 86_400;

/// The parts of the group page, in the order the page asks for them.
const STEPS: [&str; 7] = [
    "seats+group",
    "roster",
    "names",
    "sessions",
    "attendance",
    "course",
    "scores",
];

struct Groups {
    service: i64,
    therapist: i64,
    /// The cohort whose page is opened: all its sessions are over.
    cohort: i64,
    present: usize,
}

struct Reminders {
    scheduling: Duration,
    total: Duration,
}

/// The pages whole, from the product's server: (median, p95) of the group page and of
/// "My groups".
struct Rendered {
    page: (Duration, Duration),
    groups: (Duration, Duration),
}

struct Figures {
    rendered: Result<Rendered, String>,
    page_median: Duration,
    page_p95: Duration,
    step_medians: Vec<Duration>,
    groups_median: Duration,
    groups_p95: Duration,
    reminders: Result<Reminders, String>,
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

async fn id(db: &Db, sql: &str, column: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query(sql)
        .fetch_one(&db.pool)
        .await?
        .try_get(column)?)
}

/// A course with PHQ-9 and GAD-7 before every session.
async fn course(db: &Db, service: i64) -> anyhow::Result<i64> {
    id(
        db,
        &format!(
            "insert into course (service_id, name, description, suits, weekly_sessions, follow_ups,
                 follow_up_weeks, session_minutes, format, measures, capacity, created_at)
             values ({service}, 'Kurs i depresjonsmestring', 'Åtte kvelder og to oppfølginger.',
                 'Voksne med lett til moderat depresjon.', 8, 2, 4, 150, 'both', 'phq9,gad7', 12, 1)
             returning course_id"
        ),
        "course_id",
    )
    .await
}

fn score(total: i64) -> String {
    format!(
        r#"{{"total":{total}.0,"band":"mild","case":false,"risk_items":[],"subscales":[],"missing":0}}"#
    )
}

/// A service whose therapist leads 10 cohorts of one course (another therapist
/// co-leads every other one), 12 seats taken in each, a session a week: the first
/// cohort has had all 10 sessions, the later ones start two weeks apart (the last ones
/// are still open, with two on their wait lists). Every past session has attendance
/// (from the room for video sessions, ticked for in-person ones; about one in seven
/// stayed away) and both measures from everyone.
async fn prepare_groups(db: &Db) -> anyhow::Result<Groups> {
    let service = common::service(db).await?;
    let therapist = common::account(db, "terapeut@bench.example", "Terapeut", "staff").await?;
    let colleague = common::account(db, "kollega@bench.example", "Kollega", "staff").await?;
    for account in [therapist, colleague] {
        sqlx::query(&format!(
            "insert into membership (account_id, service_id, role, created_at)
             values ({account}, {service}, 'therapist', 1)"
        ))
        .execute(&db.pool)
        .await?;
    }
    let course = course(db, service).await?;
    let t = now();
    // Sessions fall 3 days before the hour of a week from now: never within the next
    // day, so none of them is reminded of in the reminder run.
    let base = t - 11 * WEEK - 3 * DAY;
    let mut tx = db.begin_write().await?;
    let mut cohorts = Vec::new();
    let mut present_in_first = 0;
    for c in 0..COHORTS {
        let first = base + c as i64 * 2 * WEEK;
        let running = first < t;
        let waiting = if running { 0 } else { 2 };
        let cohort: i64 = sqlx::query(&format!(
            "insert into cohort (course_id, service_id, state, capacity, seats_held, wait_next,
                 place, created_at, updated_at)
             values ({course}, {service}, '{}', 12, 12, {}, 'Helsehuset, møterom 2', 1, 1)
             returning cohort_id",
            if running { "running" } else { "open" },
            waiting + 1,
        ))
        .fetch_one(&mut *tx)
        .await?
        .try_get("cohort_id")?;
        cohorts.push(cohort);
        let mut leaders = vec![therapist];
        if c % 2 == 1 {
            leaders.push(colleague);
        }
        for leader in leaders {
            sqlx::query(&format!(
                "insert into cohort_leader (cohort_id, account_id) values ({cohort}, {leader})"
            ))
            .execute(&mut *tx)
            .await?;
        }
        let mut sessions = Vec::new();
        for n in 1..=SESSIONS {
            let starts = first + (n as i64 - 1) * WEEK;
            let video = n != 4 && n != 8;
            let room = if video {
                let room: i64 = sqlx::query(&format!(
                    "insert into room (code, service_id, title, created_by, created_at)
                     values ('bench-{cohort}-{n}', {service}, 'Samling {n}', {therapist}, 1)
                     returning room_id"
                ))
                .fetch_one(&mut *tx)
                .await?
                .try_get("room_id")?;
                room.to_string()
            } else {
                "null".to_owned()
            };
            let session: i64 = sqlx::query(&format!(
                "insert into cohort_session (cohort_id, number, starts_at, ends_at, format,
                     follow_up, room_id)
                 values ({cohort}, {n}, {starts}, {}, '{}', {}, {room})
                 returning cohort_session_id",
                starts + 150 * 60,
                if video { "video" } else { "in_person" },
                i64::from(n > 8),
            ))
            .fetch_one(&mut *tx)
            .await?
            .try_get("cohort_session_id")?;
            sessions.push((session, n, starts, room));
        }
        for p in 0..PARTICIPANTS + waiting {
            let account: i64 = sqlx::query(&format!(
                "insert into account (email, display_name, kind, email_verified_at, created_at, updated_at)
                 values ('deltaker-{c}-{p}@bench.example', 'Deltaker', 'citizen', 1, 1, 1)
                 returning account_id"
            ))
            .fetch_one(&mut *tx)
            .await?
            .try_get("account_id")?;
            let national_id = format!("{:011}", c * 100 + p);
            let referral: i64 = sqlx::query(&format!(
                "insert into referral (reference, service_id, account_id, national_id, name, details,
                     source, status, submitted_at, changed_at, format, mode)
                 values ('RPH-C{c:02}{p:02}', {service}, {account}, '{national_id}',
                     'Deltaker {p} Etternavn{c}', '{{}}', 'self', '{}', {}, {}, 'group', 'either')
                 returning referral_id",
                if p < PARTICIPANTS { "active" } else { "offered" },
                t - 120 * DAY,
                t - 100 * DAY,
            ))
            .fetch_one(&mut *tx)
            .await?
            .try_get("referral_id")?;
            let (status, wait) = if p < PARTICIPANTS {
                ("enrolled", "null".to_owned())
            } else {
                ("waiting", (p - PARTICIPANTS + 1).to_string())
            };
            sqlx::query(&format!(
                "insert into enrolment (cohort_id, referral_id, status, wait_number, created_at, updated_at)
                 values ({cohort}, {referral}, '{status}', {wait}, 1, 1)"
            ))
            .execute(&mut *tx)
            .await?;
            if p >= PARTICIPANTS {
                continue;
            }
            for &(session, n, starts, ref room) in sessions.iter().filter(|s| s.2 < t) {
                if (p + n) % 7 != 0 {
                    let (source, by) = if room == "null" {
                        ("ticked", therapist.to_string())
                    } else {
                        ("room", "null".to_owned())
                    };
                    sqlx::query(&format!(
                        "insert into session_attendance (cohort_session_id, referral_id, source,
                             marked_by, marked_at)
                         values ({session}, {referral}, '{source}', {by}, {})",
                        starts + 120
                    ))
                    .execute(&mut *tx)
                    .await?;
                    if room != "null" {
                        // Some drop out and come back: two stays in the room.
                        let stays: &[(i64, i64)] = if p % 5 == 0 {
                            &[(60, 3_000), (3_300, 9_000)]
                        } else {
                            &[(60, 9_000)]
                        };
                        for (from, to) in stays {
                            sqlx::query(&format!(
                                "insert into room_attendance (room_id, account_id, shown_name, joined_at, left_at)
                                 values ({room}, {account}, 'Deltaker', {}, {})",
                                starts + from,
                                starts + to
                            ))
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                    if c == 0 {
                        present_in_first += 1;
                    }
                }
                for (instrument, total) in [("phq9", (p + n) % 20), ("gad7", (p + 2 * n) % 15)] {
                    let response: i64 = sqlx::query(&format!(
                        "insert into questionnaire_response (account_id, national_id, referral_id,
                             instrument, version, answers, score, risk, source, answered_at)
                         values ({account}, '{national_id}', {referral}, '{instrument}', '1', '{{}}',
                             '{}', {}, 'course', {})
                         returning questionnaire_response_id",
                        score(total as i64),
                        i64::from(instrument == "phq9" && p == 3 && n == 5),
                        starts - 3_600,
                    ))
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("questionnaire_response_id")?;
                    sqlx::query(&format!(
                        "insert into session_measure (cohort_session_id, referral_id, instrument,
                             questionnaire_response_id, reused)
                         values ({session}, {referral}, '{instrument}', {response}, {})",
                        i64::from(n == 1)
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(Groups {
        service,
        therapist,
        cohort: cohorts[0],
        present: present_in_first,
    })
}

/// Rows inserted in chunks of 500, each chunk's `returning` rows kept.
async fn insert_returning(
    tx: &mut sqlx::AnyConnection,
    head: &str,
    values: &[String],
    returning: &str,
) -> anyhow::Result<Vec<sqlx::any::AnyRow>> {
    let mut out = Vec::with_capacity(values.len());
    for chunk in values.chunks(500) {
        let sql = format!("{head} values {} returning {returning}", chunk.join(", "));
        out.extend(sqlx::query(&sql).fetch_all(&mut *tx).await?);
    }
    Ok(out)
}

/// Another service with 10,000 seats in 1,000 running cohorts, each with a video
/// session in about two hours (inside the 24-hour reminder window) and one a week on
/// (outside it); every seat holder has an address of their own.
async fn prepare_reminders(db: &Db) -> anyhow::Result<()> {
    let service = id(
        db,
        "insert into service (slug, name, created_at, updated_at)
         values ('bench-kurs', 'Bench kurs', 1, 1) returning service_id",
        "service_id",
    )
    .await?;
    let leader = common::account(db, "kursleder@bench.example", "Kursleder", "staff").await?;
    let course = course(db, service).await?;
    let t = now();
    let cohorts = REMINDERS / SEATS;
    let mut tx = db.begin_write().await?;
    let rows = insert_returning(
        &mut tx,
        "insert into cohort (course_id, service_id, state, capacity, seats_held, place, created_at, updated_at)",
        &vec![format!("({course}, {service}, 'running', 12, {SEATS}, '', 1, 1)"); cohorts],
        "cohort_id",
    )
    .await?;
    let cohort_ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("cohort_id"))
        .collect::<Result<_, _>>()?;
    let leaders: Vec<String> = cohort_ids
        .iter()
        .map(|c| format!("({c}, {leader})"))
        .collect();
    for chunk in leaders.chunks(500) {
        sqlx::query(&format!(
            "insert into cohort_leader (cohort_id, account_id) values {}",
            chunk.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    let rooms: Vec<String> = cohort_ids
        .iter()
        .flat_map(|c| {
            (1..=2).map(move |n| format!("('rem-{c}-{n}', {service}, 'Samling {n}', {leader}, 1)"))
        })
        .collect();
    let rows = insert_returning(
        &mut tx,
        "insert into room (code, service_id, title, created_by, created_at)",
        &rooms,
        "room_id, code",
    )
    .await?;
    let mut room_of = std::collections::HashMap::new();
    for row in &rows {
        room_of.insert(
            row.try_get::<String, _>("code")?,
            row.try_get::<i64, _>("room_id")?,
        );
    }
    let sessions: Vec<String> = cohort_ids
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            let soon = t + 2 * 3_600 + (i as i64 % 60) * 60;
            [(1, soon), (2, soon + WEEK)].map(|(n, starts)| {
                format!(
                    "({c}, {n}, {starts}, {}, 'video', {})",
                    starts + 150 * 60,
                    room_of[&format!("rem-{c}-{n}")]
                )
            })
        })
        .collect();
    insert_returning(
        &mut tx,
        "insert into cohort_session (cohort_id, number, starts_at, ends_at, format, room_id)",
        &sessions,
        "cohort_session_id",
    )
    .await?;
    let accounts: Vec<String> = (0..REMINDERS)
        .map(|k| format!("('kurs{k:05}@bench.example', 'Deltaker', 'citizen', 1, 1, 1)"))
        .collect();
    let rows = insert_returning(
        &mut tx,
        "insert into account (email, display_name, kind, email_verified_at, created_at, updated_at)",
        &accounts,
        "account_id",
    )
    .await?;
    let referrals: Vec<String> = rows
        .iter()
        .map(|r| {
            let a: i64 = r.try_get("account_id")?;
            Ok(format!(
                "('RPH-K{a:07}', {service}, {a}, '{a:011}', 'Deltaker {a}', '{{}}', 'self', 'active',
                  {}, {}, 'group', 'video', '{}')",
                t - 90 * DAY,
                t - 60 * DAY,
                if a % 4 == 0 { "en" } else { "nb" }
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let rows = insert_returning(
        &mut tx,
        "insert into referral (reference, service_id, account_id, national_id, name, details,
             source, status, submitted_at, changed_at, format, mode, lang)",
        &referrals,
        "referral_id",
    )
    .await?;
    let enrolments: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let referral: i64 = r.try_get("referral_id")?;
            Ok(format!(
                "({}, {referral}, 'enrolled', 1, 1)",
                cohort_ids[k / SEATS]
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    insert_returning(
        &mut tx,
        "insert into enrolment (cohort_id, referral_id, status, created_at, updated_at)",
        &enrolments,
        "enrolment_id",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the group page asks the database for, in its order: may this person see the
/// cohort (its seats, and the cohort as its leaders' list shows it), the roster, each
/// participant's name read in one audited transaction that logs the reading, the
/// sessions, the attendance grid, the course and the scores.
async fn load_page(db: &Db, g: &Groups, steps: &mut [Vec<Duration>]) -> anyhow::Result<()> {
    let cohort = CohortId(g.cohort);
    let mut at = Instant::now();
    let mut lap = |step: usize, steps: &mut [Vec<Duration>]| {
        steps[step].push(at.elapsed());
        at = Instant::now();
    };
    let seats = courses::seats(db, cohort).await?.expect("the cohort");
    let summary = courses::group(db, cohort, g.therapist)
        .await?
        .expect("the group");
    anyhow::ensure!(summary.led_by_me && seats.seats_held == PARTICIPANTS as i64);
    lap(0, steps);
    let roster = courses::roster(db, cohort).await?;
    anyhow::ensure!(roster.len() == PARTICIPANTS, "the whole roster");
    lap(1, steps);
    let mut audited = access_log::begin(db).await?;
    let actor = access_log::Actor {
        account_id: g.therapist,
        role: "therapist".to_owned(),
        service_id: Some(g.service),
    };
    let record = g.cohort.to_string();
    let mut names = Vec::with_capacity(roster.len());
    for row in &roster {
        let grant = audited
            .grant(
                &actor,
                access_log::Access {
                    subject_account_id: row.account_id,
                    record_kind: "cohort",
                    record_id: &record,
                    data_kind: DataKind::Referral,
                    action: AccessAction::Viewed,
                },
            )
            .await?;
        names.push(
            courses::participant_name(audited.read(&grant)?, row.enrolment.referral_id).await?,
        );
    }
    audited.commit().await?;
    anyhow::ensure!(names.iter().all(|n| n.starts_with("Deltaker")));
    lap(2, steps);
    let sessions = courses::sessions(db, cohort).await?;
    anyhow::ensure!(sessions.len() == SESSIONS);
    lap(3, steps);
    let present = course_attendance::of_cohort(db, cohort).await?;
    anyhow::ensure!(present.len() == g.present, "everyone present");
    anyhow::ensure!(present.iter().any(|p| p.minutes > 100));
    lap(4, steps);
    let course = courses::course_of_cohort(db, cohort).await?;
    anyhow::ensure!(course.measures.len() == 2);
    lap(5, steps);
    let scores = course_measures::scores_of_cohort(&mut *db.pool.acquire().await?, cohort).await?;
    anyhow::ensure!(scores.len() == PARTICIPANTS * SESSIONS * 2, "every score");
    lap(6, steps);
    Ok(())
}

/// Python's aiosmtpd, writing one line per message it accepts: its recipients.
const SMTP_COUNTER: &str = r#"
import asyncio, sys
from aiosmtpd.smtp import SMTP

class Count:
    def __init__(self, path):
        self.out = open(path, "w", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        self.out.write(" ".join(envelope.rcpt_tos) + "\n")
        return "250 Message accepted for delivery"

async def main():
    handler = Count(sys.argv[1])
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(handler, hostname="smtp.bench.example"), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"#;

/// The counting SMTP server; stopped on drop.
struct SmtpCounter {
    child: Child,
    port: u16,
    received: PathBuf,
}

impl Drop for SmtpCounter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_smtp_counter(dir: &Path, name: &str) -> Result<SmtpCounter, String> {
    let python = std::env::var("TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = dir.join("smtp_counter.py");
    std::fs::write(&script, SMTP_COUNTER).map_err(|e| e.to_string())?;
    let received = dir.join(format!("received-{name}.txt"));
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(&received)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {python} ({e})"))?;
    let mut line = String::new();
    let read = std::io::BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .map_err(|e| e.to_string());
    let port = read.and_then(|_| line.trim().parse::<u16>().map_err(|e| e.to_string()));
    let mut counter = SmtpCounter {
        child,
        port: 0,
        received,
    };
    counter.port = port
        .map_err(|_| format!("{python} has no aiosmtpd (set TEST_PYTHON to a Python with it)"))?;
    Ok(counter)
}

/// The reminder job, pass after pass until nothing is due, through the real SMTP
/// server; then what the server received is counted.
async fn send_reminders(db: &Db, dir: &Path, name: &str) -> anyhow::Result<Reminders> {
    let smtp = match start_smtp_counter(dir, name) {
        Ok(smtp) => smtp,
        Err(why) => anyhow::bail!(NotMeasured(why)),
    };
    let mailer = Mailer::smtp(
        "RPH <noreply@bench.example>",
        &format!("smtp://127.0.0.1:{}", smtp.port),
    )?;
    let state = AppState::new(app::server::state::AppStateParts {
        db: db.clone(),
        mailer,
        site: Arc::new(app::server::state::SiteSettings {
            public_url: "https://rph.bench.example".to_owned(),
            production: false,
            draft_retention_days: 30,
            access_log_checkpoints: dir.join("checkpoints"),
            assets: app::server::assets::Assets::default(),
        }),
        instruments: Arc::new(app::server::instruments::Instruments::load(None)?),
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("bench")
            .build(),
    });
    let started = Instant::now();
    let scheduled = course_reminders::schedule(db, now()).await?;
    let scheduling = started.elapsed();
    anyhow::ensure!(scheduled == REMINDERS as u64, "{scheduled} scheduled");
    let mut sent = 0;
    loop {
        let n = course_reminders::run(&state, now()).await?;
        sent += n;
        if n == 0 {
            break;
        }
    }
    let total = started.elapsed();
    anyhow::ensure!(sent == REMINDERS as u64, "{sent} sent");
    let received = std::fs::read_to_string(&smtp.received)?;
    drop(smtp);
    let messages = received.lines().count();
    let addresses: Vec<&str> = received.split_whitespace().collect();
    let distinct: HashSet<&str> = addresses.iter().copied().collect();
    let count = |sql: &'static str| async move {
        anyhow::Ok(
            sqlx::query(sql)
                .fetch_one(&db.pool)
                .await?
                .try_get::<i64, _>("n")?,
        )
    };
    let rows = count("select count(*) as n from course_reminder").await?;
    let unsent = count("select count(*) as n from course_reminder where sent_at is null").await?;
    println!(
        "  {name:<11} SMTP server received {messages} messages for {} addresses ({} distinct); {rows} reminder rows, {unsent} without sent_at",
        addresses.len(),
        distinct.len()
    );
    anyhow::ensure!(
        messages == REMINDERS
            && addresses.len() == REMINDERS
            && distinct.len() == REMINDERS
            && rows == REMINDERS as i64
            && unsent == 0,
        "every reminder sent once, to its own address"
    );
    Ok(Reminders { scheduling, total })
}

#[derive(Debug)]
struct NotMeasured(String);

impl std::fmt::Display for NotMeasured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotMeasured {}

async fn measure(url: &str, dir: &Path, name: &str) -> anyhow::Result<Figures> {
    let db = common::database(url).await?;
    let groups = prepare_groups(&db).await?;
    prepare_reminders(&db).await?;
    if db.backend == app::server::Backend::Postgres {
        sqlx::query("analyze").execute(&db.pool).await?;
    }
    // Warm up, then the group page as its leader opens it.
    let mut steps = vec![Vec::with_capacity(LOADS); STEPS.len()];
    for _ in 0..LOADS {
        load_page(&db, &groups, &mut steps).await?;
    }
    let mut steps = vec![Vec::with_capacity(LOADS); STEPS.len()];
    let mut pages = Vec::with_capacity(LOADS);
    for _ in 0..LOADS {
        let started = Instant::now();
        load_page(&db, &groups, &mut steps).await?;
        pages.push(started.elapsed());
    }
    // "My groups".
    let services = [ServiceId(groups.service)];
    let mut lists = Vec::with_capacity(LOADS);
    for round in 0..2 * LOADS {
        let started = Instant::now();
        let list = courses::groups(&db, &services, groups.therapist).await?;
        if round >= LOADS {
            lists.push(started.elapsed());
        }
        anyhow::ensure!(list.len() == COHORTS && list.iter().all(|g| g.led_by_me));
    }
    let reminders = match send_reminders(&db, dir, name).await {
        Ok(r) => Ok(r),
        Err(e) if e.is::<NotMeasured>() => Err(e.to_string()),
        Err(e) => return Err(e),
    };
    // After the reminders: the server's own reminder job finds nothing left to send.
    let rendered = match render_pages(url, &db, &groups, dir).await {
        Ok(r) => Ok(r),
        Err(e) if e.is::<NotMeasured>() => Err(e.to_string()),
        Err(e) => return Err(e),
    };
    db.pool.close().await;
    Ok(Figures {
        rendered,
        page_median: percentile(pages.clone(), 0.5),
        page_p95: percentile(pages, 0.95),
        step_medians: steps.into_iter().map(|s| percentile(s, 0.5)).collect(),
        groups_median: percentile(lists.clone(), 0.5),
        groups_p95: percentile(lists, 0.95),
        reminders,
    })
}

/// The product's server on the same database, and the group page and "My groups" as
/// the leader's browser gets them (HTML, rendered on the server), one at a time.
async fn render_pages(url: &str, db: &Db, g: &Groups, dir: &Path) -> anyhow::Result<Rendered> {
    let Ok(site_root) = std::env::var("RPH_SITE_ROOT") else {
        anyhow::bail!(NotMeasured(
            "set RPH_SITE_ROOT to a built site (scripts/bench does)".into()
        ));
    };
    let vars: Vec<(String, String)> = vec![
        ("RPH_BIND".into(), "127.0.0.1:0".into()),
        ("DATABASE_URL".into(), url.to_owned()),
        ("RPH_SITE_ROOT".into(), site_root),
        (
            "RPH_OUTBOX_DIR".into(),
            dir.join("outbox").display().to_string(),
        ),
        (
            "RPH_ACCESS_LOG_CHECKPOINTS".into(),
            dir.join("checkpoints").display().to_string(),
        ),
    ];
    let application =
        server::startup::Application::build(server::config::Settings::from_vars(vars)?).await?;
    let address = format!("http://{}", application.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(application.run_until(async {
        let _ = stopped.await;
    }));
    // The leader, signed in with both factors, as after a login.
    let token =
        app::server::sessions::create(db, g.therapist, app::domain::identity::SessionStage::Full)
            .await?;
    let client = reqwest::Client::new();
    let get = |path: String| {
        let request = client
            .get(format!("{address}{path}"))
            .header("accept", "text/html")
            .header("cookie", format!("rph_session={token}"));
        async move {
            let response = request.send().await?;
            anyhow::ensure!(response.status() == 200, "{path}: {}", response.status());
            anyhow::Ok(response.text().await?)
        }
    };
    let time = |path: String, expect: &'static str| {
        let get = &get;
        async move {
            let mut samples = Vec::with_capacity(LOADS);
            for round in 0..LOADS + LOADS / 10 {
                let started = Instant::now();
                let html = get(path.clone()).await?;
                if round >= LOADS / 10 {
                    samples.push(started.elapsed());
                }
                anyhow::ensure!(html.contains(expect), "{path} without {expect:?}");
            }
            anyhow::Ok((percentile(samples.clone(), 0.5), percentile(samples, 0.95)))
        }
    };
    let page = time(format!("/groups/{}", g.cohort), "Deltaker 11 Etternavn0").await?;
    let groups = time("/groups".to_owned(), "Kurs i depresjonsmestring").await?;
    let _ = stop.send(());
    running.await??;
    Ok(Rendered { page, groups })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print(name: &str, f: &Figures) {
    println!(
        "  {name:<11} group page {:>6.2} ms median, {:>6.2} ms p95; my groups {:>6.2} ms median, {:>6.2} ms p95",
        ms(f.page_median),
        ms(f.page_p95),
        ms(f.groups_median),
        ms(f.groups_p95)
    );
    let steps: Vec<String> = STEPS
        .iter()
        .zip(&f.step_medians)
        .map(|(s, d)| format!("{s} {:.2}", ms(*d)))
        .collect();
    println!(
        "  {:<11} group page by part, medians in ms: {}",
        "",
        steps.join(", ")
    );
    match &f.rendered {
        Ok(r) => println!(
            "  {name:<11} rendered over HTTP: group page {:>6.2} ms median, {:>6.2} ms p95; my groups {:>6.2} ms median, {:>6.2} ms p95",
            ms(r.page.0),
            ms(r.page.1),
            ms(r.groups.0),
            ms(r.groups.1)
        ),
        Err(why) => println!("  {name:<11} pages rendered over HTTP: not measured ({why})"),
    }
    match &f.reminders {
        Ok(r) => println!(
            "  {name:<11} {REMINDERS} reminders sent in {:.2} s ({:.0} messages/s; scheduling {:.0} ms)",
            r.total.as_secs_f64(),
            REMINDERS as f64 / r.total.as_secs_f64(),
            ms(r.scheduling)
        ),
        Err(why) => println!("  {name:<11} reminders: not measured ({why})"),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("rph-bench-courses-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!(
        "group courses: a cohort's page ({PARTICIPANTS} participants × {SESSIONS} sessions) and \
         \"my groups\" ({COHORTS} cohorts), {LOADS} loads each; {REMINDERS} reminders over SMTP"
    );
    let sqlite = measure(
        &format!("sqlite://{}/bench.sqlite3", dir.display()),
        &dir,
        "SQLite",
    )
    .await?;
    print("SQLite", &sqlite);
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(base) => {
            let admin = Db::connect(&base).await?;
            let name = format!("rph_bench_courses_{}", std::process::id());
            sqlx::query(&format!("create database {name}"))
                .execute(&admin.pool)
                .await?;
            let url = format!(
                "{}/{name}",
                base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
            );
            let postgres = measure(&url, &dir, "PostgreSQL").await;
            sqlx::query(&format!("drop database {name} with (force)"))
                .execute(&admin.pool)
                .await?;
            let postgres = postgres?;
            print("PostgreSQL", &postgres);
            println!(
                "  group page, PostgreSQL / SQLite: {:.2}; my groups: {:.2}",
                postgres.page_median.as_secs_f64() / sqlite.page_median.as_secs_f64(),
                postgres.groups_median.as_secs_f64() / sqlite.groups_median.as_secs_f64()
            );
        }
        Err(_) => {
            println!("  PostgreSQL: not measured (set TEST_POSTGRES_URL, or run scripts/bench)")
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
