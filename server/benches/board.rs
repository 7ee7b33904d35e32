//! The triage board with 10,000 referrals on SQLite and PostgreSQL, side by side:
//! how long the board takes to load, and how long a change takes to reach another
//! open board (the change, its announcement, and that board loading again).
//!
//! `cargo bench -p server --bench board` (PostgreSQL is measured when
//! `TEST_POSTGRES_URL` points at a server; `scripts/bench` starts one).

// A benchmark stops at the first surprise, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use app::server::board::events::BoardNews;
use app::server::board::{actions, columns, BoardFilter};
use app::server::Db;
use sqlx::Row as _;

mod common;

const REFERRALS: usize = 10_000;
const LOADS: usize = 200;
const CHANGES: usize = 50;

struct Figures {
    board_median: Duration,
    board_p95: Duration,
    search_median: Duration,
    change_median: Duration,
    change_p95: Duration,
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

/// A service with 10,000 referrals: most closed, some waiting, a few urgent, spread
/// over a year.
async fn prepare(url: &str) -> anyhow::Result<(Db, i64, i64, i64)> {
    let db = common::database(url).await?;
    let service = common::service(&db).await?;
    let citizen = common::account(&db, "bench@example.no", "Bench", "citizen").await?;
    let staff = common::account(&db, "inntak@bench.example", "Inntak", "staff").await?;
    let now = app::server::db::now();
    let mut tx = db.begin_write().await?;
    for chunk in (0..REFERRALS).collect::<Vec<_>>().chunks(500) {
        let mut sql = String::from(
            "insert into referral (reference, service_id, account_id, national_id, name, details,
                source, status, outcome, urgent, urgent_reason, submitted_at, changed_at,
                municipality, format, mode, phq9_total, phq9_band, gad7_total, gad7_band) values ",
        );
        let rows: Vec<String> = chunk
            .iter()
            .map(|&n| {
                let (status, outcome) = match n % 20 {
                    0 | 1 => ("'new'", "null"),
                    2 | 3 => ("'in_assessment'", "null"),
                    4 => ("'offered'", "null"),
                    5 => ("'active'", "null"),
                    _ => ("'closed'", "'completed'"),
                };
                let urgent = i64::from(n % 37 == 0);
                let phq = (n % 28) as i64;
                let band = ["minimal", "mild", "moderate", "moderately_severe", "severe"]
                    [(phq / 6).min(4) as usize];
                let at = now - ((n * 7919) % (365 * 86_400)) as i64;
                format!(
                    "('RPH-B{n:07}', {service}, {citizen}, '{:011}', 'Person {n} Etternavn', '{{}}',
                      'self', {status}, {outcome}, {urgent}, {}, {at}, {at},
                      '{}', 'group', 'video', {phq}, '{band}', {}, 'mild')",
                    n,
                    if urgent == 1 { "'phq9 item 9 = 1'" } else { "null" },
                    if n % 2 == 0 { "9901" } else { "9902" },
                    phq % 22,
                )
            })
            .collect();
        sql.push_str(&rows.join(", "));
        sqlx::query(&sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    if db.backend == app::server::Backend::Postgres {
        sqlx::query("analyze referral").execute(&db.pool).await?;
    }
    Ok((db, service, staff, now))
}

async fn time_loads(
    db: &Db,
    service: i64,
    staff: i64,
    filter: &BoardFilter,
) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(LOADS);
    for _ in 0..LOADS {
        let started = Instant::now();
        let data = columns::load(db, service, filter, staff, app::server::db::now()).await?;
        samples.push(started.elapsed());
        anyhow::ensure!(data.stats.waiting > 0, "the board has waiting referrals");
    }
    Ok(samples)
}

async fn measure(db: Db, service: i64, staff: i64) -> anyhow::Result<Figures> {
    // Warm up, then the whole board as it opens, and a search.
    time_loads(&db, service, staff, &BoardFilter::default()).await?;
    let loads = time_loads(&db, service, staff, &BoardFilter::default()).await?;
    let search = BoardFilter {
        query: Some("person 12".into()),
        ..BoardFilter::default()
    };
    let searches = time_loads(&db, service, staff, &search).await?;
    // Another open board: it hears of the change and loads again.
    let mut events = db.board.subscribe().await;
    let ids: Vec<i64> = sqlx::query(
        "select referral_id from referral where status = 'new' order by referral_id limit 50",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get("referral_id"))
    .collect::<Result<_, _>>()?;
    let mut changes = Vec::with_capacity(CHANGES);
    for id in ids.iter().take(CHANGES) {
        let started = Instant::now();
        actions::claim(&db, service, *id, staff)
            .await?
            .map_err(|r| anyhow::anyhow!("{r:?}"))?;
        loop {
            let news = tokio::time::timeout(Duration::from_secs(5), events.recv()).await??;
            if matches!(news, BoardNews::Changed(change) if change.referral_id == *id) {
                break;
            }
        }
        columns::load(
            &db,
            service,
            &BoardFilter::default(),
            staff,
            app::server::db::now(),
        )
        .await?;
        changes.push(started.elapsed());
    }
    Ok(Figures {
        board_median: percentile(loads.clone(), 0.5),
        board_p95: percentile(loads, 0.95),
        search_median: percentile(searches, 0.5),
        change_median: percentile(changes.clone(), 0.5),
        change_p95: percentile(changes, 0.95),
    })
}

fn print(name: &str, f: &Figures) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {name:<11} board {:>6.1} ms median, {:>6.1} ms p95; search {:>6.1} ms; change seen on another board {:>6.1} ms median, {:>6.1} ms p95",
        ms(f.board_median),
        ms(f.board_p95),
        ms(f.search_median),
        ms(f.change_median),
        ms(f.change_p95)
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("rph-bench-board-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!("triage board: {REFERRALS} referrals in one service, {LOADS} loads, {CHANGES} changes per backend");
    let (db, service, staff, _) =
        prepare(&format!("sqlite://{}/bench.sqlite3", dir.display())).await?;
    let sqlite = measure(db, service, staff).await?;
    print("SQLite", &sqlite);
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(base) => {
            let admin = Db::connect(&base).await?;
            let name = format!("rph_bench_board_{}", std::process::id());
            sqlx::query(&format!("create database {name}"))
                .execute(&admin.pool)
                .await?;
            let url = format!(
                "{}/{name}",
                base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
            );
            let (db, service, staff, _) = prepare(&url).await?;
            let postgres = measure(db.clone(), service, staff).await?;
            print("PostgreSQL", &postgres);
            println!(
                "  board load, PostgreSQL / SQLite: {:.2}",
                postgres.board_median.as_secs_f64() / sqlite.board_median.as_secs_f64()
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
