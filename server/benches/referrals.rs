//! Referral submissions per second on SQLite and PostgreSQL, side by side in one run.
//!
//! `cargo bench -p server --bench referrals` (PostgreSQL is measured when
//! `TEST_POSTGRES_URL` points at a server; `scripts/bench` starts one). A submission is
//! what the "send" button does after the steps: score every instrument, then one
//! transaction that checks for an open referral from the same person, stores the
//! referral and its answer sets, and closes the draft.

// A benchmark stops at the first surprise, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use app::domain::questionnaire::{score, Answer};
use app::domain::referral::{
    About, ContactWay, DayPart, Draft, Format, Help, HelpArea, Mode, Preferences, Source,
};
use app::server::instruments::Instruments;
use app::server::referrals::{self, ScoredAnswers, Submission};
use app::server::Db;

const SUBMISSIONS: usize = 4_000;
const DEFAULT_CONCURRENCY: usize = 8;

/// How many submissions run at once (`BENCH_CONCURRENCY`, default 8).
fn concurrency() -> usize {
    std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CONCURRENCY)
}

fn draft(n: usize) -> Draft {
    let mut answers = BTreeMap::new();
    let values = |count: usize, v: i32| -> BTreeMap<String, Answer> {
        (1..=count)
            .map(|i| (i.to_string(), Answer::Value(v)))
            .collect()
    };
    answers.insert("phq9".to_owned(), values(9, (n % 4) as i32));
    answers.insert("gad7".to_owned(), values(7, 1));
    answers.insert("wsas".to_owned(), values(5, 3));
    Draft {
        consent: true,
        about: Some(About {
            name: format!("Person {n}"),
            // Every fourth person refers twice: those exercise the duplicate link.
            national_id: format!("{:011}", n / 4 * 4),
            municipality: "9901".into(),
            phone: "91234567".into(),
            email: format!("person{n}@example.no"),
            contact_ways: vec![ContactWay::Sms],
            contact_times: vec![DayPart::Morning],
            interpreter: None,
        }),
        help: Some(Help {
            areas: vec![HelpArea::Sleep],
            text: "Sover dårlig.".into(),
        }),
        answers,
        preferences: Some(Preferences {
            format: Format::Group,
            mode: Mode::Video,
            times: vec![DayPart::Evening],
        }),
        on_behalf: None,
        pending: None,
    }
}

mod common;

async fn prepare(url: &str) -> anyhow::Result<(Db, i64, i64)> {
    let db = common::database(url).await?;
    let service = common::service(&db).await?;
    let account = common::account(&db, "bench@example.no", "Bench", "citizen").await?;
    Ok((db, service, account))
}

/// Submissions per second, drafts prepared beforehand (they are saved step by step
/// while a person fills them in, not at the moment of sending).
async fn measure(
    db: Db,
    service: i64,
    account: i64,
    instruments: Arc<Instruments>,
) -> anyhow::Result<f64> {
    let mut drafts = Vec::with_capacity(SUBMISSIONS);
    for n in 0..SUBMISSIONS {
        let d = draft(n);
        let (id, _) = referrals::create_draft(&db, service, &d, None).await?;
        drafts.push((id, d));
    }
    let chunks: Vec<Vec<(i64, Draft)>> = {
        let mut chunks: Vec<Vec<(i64, Draft)>> = (0..concurrency()).map(|_| Vec::new()).collect();
        for (i, d) in drafts.into_iter().enumerate() {
            chunks[i % concurrency()].push(d);
        }
        chunks
    };
    let started = Instant::now();
    let mut tasks = Vec::new();
    for chunk in chunks {
        let (db, instruments) = (db.clone(), instruments.clone());
        tasks.push(tokio::spawn(async move {
            for (draft_id, draft) in chunk {
                let mut answers = Vec::new();
                for id in draft.instruments() {
                    let definition = instruments.get(id).expect("shipped instrument");
                    let given = draft.answers.get(id).cloned().unwrap_or_default();
                    let scored = score(&definition, &given).expect("answers fit");
                    answers.push(ScoredAnswers {
                        instrument: id.to_owned(),
                        version: definition.version.clone(),
                        answers: given,
                        score: scored,
                    });
                }
                referrals::submit(
                    &db,
                    Submission {
                        draft_id,
                        service_id: service,
                        account_id: account,
                        draft: &draft,
                        answers,
                        source: Source::SelfReferral,
                        registered_by: None,
                        owner_claim_hash: None,
                        lang: app::i18n::Lang::Nb,
                    },
                )
                .await?;
            }
            Ok::<_, sqlx::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let seconds = started.elapsed().as_secs_f64();
    use sqlx::Row as _;
    let stored: i64 = sqlx::query("select count(*) as n from referral")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    anyhow::ensure!(
        stored == SUBMISSIONS as i64,
        "stored {stored} of {SUBMISSIONS}"
    );
    Ok(SUBMISSIONS as f64 / seconds)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let instruments = Arc::new(Instruments::load(None)?);
    let dir = std::env::temp_dir().join(format!("rph-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite_url = format!("sqlite://{}/bench.sqlite3", dir.display());
    println!(
        "referral submissions: {SUBMISSIONS} per backend, {} at a time",
        concurrency()
    );

    let (db, service, account) = prepare(&sqlite_url).await?;
    let sqlite = measure(db, service, account, instruments.clone()).await?;
    println!("  SQLite (file, WAL):  {sqlite:>8.0} submissions/s");

    match std::env::var("TEST_POSTGRES_URL") {
        Ok(base) => {
            let admin = Db::connect(&base).await?;
            let name = format!("rph_bench_{}", std::process::id());
            sqlx::query(&format!("create database {name}"))
                .execute(&admin.pool)
                .await?;
            let url = format!(
                "{}/{name}",
                base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
            );
            let (db, service, account) = prepare(&url).await?;
            let postgres = measure(db.clone(), service, account, instruments).await?;
            db.pool.close().await;
            sqlx::query(&format!("drop database {name}"))
                .execute(&admin.pool)
                .await?;
            println!("  PostgreSQL:          {postgres:>8.0} submissions/s");
            println!("  SQLite / PostgreSQL: {:>8.2}", sqlite / postgres);
        }
        Err(_) => {
            println!("  PostgreSQL: not measured (set TEST_POSTGRES_URL, or run scripts/bench)")
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
