use app::server::Backend;

use crate::helpers::{TestApp, PRODUCTION};
use crate::on_both_backends;

on_both_backends! {
    async fn development_start_seeds_one_account_per_role(app: TestApp) {
        // The demo service (two municipalities) and its neighbour in Fjell (one); Øy has none.
        assert_eq!(app.count("service").await, 2);
        assert_eq!(app.count("municipality").await, 4);
        assert_eq!(app.count("service_municipality").await, 3);
        // Four demo logins, five course participants, and the seven people of the demo
        // referrals (no password).
        assert_eq!(app.count("account").await, 16);
        assert_eq!(app.count("membership").await, 3);
        // Seven referrals on the board (one in each column), and five of the
        // participants of the demo course.
        assert_eq!(app.count("referral").await, 12);
    }

    async fn seeding_twice_changes_nothing(app: TestApp) {
        let tables = ["service", "municipality", "service_municipality", "account", "membership", "referral", "questionnaire_response", "room", "course", "cohort", "cohort_leader", "cohort_session", "enrolment", "referral_decision", "offer"];
        let mut before = Vec::new();
        for table in tables {
            before.push(app.count(table).await);
        }
        let logins = server::seed::load_demo(&app.state.db, &app.state.instruments).await.unwrap();
        // Four staff and citizen logins, and five course participants.
        assert_eq!(logins.len(), 9);
        let mut after = Vec::new();
        for table in tables {
            after.push(app.count(table).await);
        }
        assert_eq!(before, after);
    }

    async fn demo_passwords_are_stored_as_argon2id_hashes(app: TestApp) {
        use sqlx::Row as _;
        let row = sqlx::query("select password_hash from account where email = $1")
            .bind("inntak@demo.example")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let hash: String = row.try_get("password_hash").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        let password = app::server::passwords::Password::new("demo-passord-inntak");
        assert!(app::server::passwords::verify(password, Some(hash)).await.unwrap());
    }
}

#[tokio::test]
async fn production_loads_no_demo_data() {
    let app = TestApp::spawn_with(Backend::Sqlite, PRODUCTION).await;
    assert_eq!(app.count("service").await, 0);
    assert_eq!(app.count("account").await, 0);
}

/// Starts the real binary and returns what it printed within a moment of the banner.
fn banner(dir: &std::path::Path) -> String {
    use std::io::{BufRead as _, BufReader};
    use std::time::Duration;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("RPH_BIND", "127.0.0.1:0")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/rph.sqlite3", dir.display()),
        )
        .env("RPH_OUTBOX_DIR", dir.join("outbox"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut out = String::new();
    // Up to 20 s for the server to start; then whatever follows within a second.
    let mut wait = Duration::from_secs(20);
    while let Ok(line) = rx.recv_timeout(wait) {
        if line.contains("innbygger@demo.example") {
            wait = Duration::from_secs(1);
        }
        out.push_str(&line);
        out.push('\n');
    }
    let _ = child.kill();
    let _ = child.wait();
    out
}

#[test]
fn the_first_start_prints_the_demo_logins_and_staff_secrets_once() {
    let dir = crate::helpers::scratch_dir("banner");
    let first = banner(&dir);
    assert!(
        first.contains("innbygger@demo.example     demo-passord-innbygger"),
        "{first}"
    );
    assert!(first.contains("Staff second factor"), "{first}");
    assert!(
        first.contains("RNISVMI5G2VPSGCTX55SIUQYM54KT6VN"),
        "{first}"
    );
    let second = banner(&dir);
    assert!(second.contains("demo-passord-leder"), "{second}");
    assert!(
        !second.contains("RNISVMI5G2VPSGCTX55SIUQYM54KT6VN"),
        "secrets are shown once: {second}"
    );
}

/// `scripts/dev`'s fictional year of the demo service: enough people for figures past
/// "< 5", trajectories with many points, loaded once.
async fn the_demo_history_gives_the_figures_something_to_show(backend: app::server::Backend) {
    use app::server::episodes::{self, Breakdown, Selection};
    let app = TestApp::spawn_with(backend, &[("RPH_DEMO_HISTORY", "true")]).await;
    let history = app
        .count_where("referral", "reference like 'RPH-HIST-%'")
        .await;
    assert!(history >= 100, "{history} referrals of history");
    let measures = app.state.instruments.outcome_measures();
    episodes::refresh_stale(&app.state.db, &measures, 100_000)
        .await
        .unwrap();
    let selection = Selection {
        service_id: 1,
        from: 0,
        to: i64::MAX,
        cohort_id: None,
    };
    let total = episodes::figures(&app.state.db, selection, Breakdown::Total)
        .await
        .unwrap()
        .remove(0)
        .1;
    assert!(total.finished >= 50, "{total:?}");
    for rate in [
        total.recovery(),
        total.reliable_improvement(),
        total.drop_out(),
        total.within_18_weeks(),
    ] {
        assert!(rate.percent.is_some(), "shown: {rate:?} of {total:?}");
    }
    // Loading again (a second start) adds nothing.
    server::seed_history::load(&app.state.db, &app.state.instruments)
        .await
        .unwrap();
    assert_eq!(
        app.count_where("referral", "reference like 'RPH-HIST-%'")
            .await,
        history
    );
}

#[tokio::test]
async fn the_demo_history_gives_the_figures_something_to_show_on_sqlite() {
    the_demo_history_gives_the_figures_something_to_show(app::server::Backend::Sqlite).await;
}

#[tokio::test]
async fn the_demo_history_gives_the_figures_something_to_show_on_postgres() {
    the_demo_history_gives_the_figures_something_to_show(app::server::Backend::Postgres).await;
}
