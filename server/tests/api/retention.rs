//! What is kept only for a while: abandoned referral drafts are purged by the durable
//! job runner, a draft holds only bounded input, and drafts are limited per client.

use app::server::db::now;
use app::server::jobs::{self, Job};
use app::server::Backend;
use sqlx::Row as _;

use crate::helpers::{form_error, TestApp};
use crate::on_both_backends;
use crate::referral::{fnr, save, start};

async fn draft_with_identity_number(app: &TestApp, n: usize) -> reqwest::Client {
    let client = app.new_client();
    start(app, &client, "").await;
    save(app, &client, "consent", &[("consent", "yes")]).await;
    let id = fnr("150590", n);
    let fields = [
        ("name", "Kari Nordmann"),
        ("national_id", id.as_str()),
        ("municipality", "9901"),
        ("phone", "91234567"),
        ("email", "kari@example.no"),
        ("contact_phone", "on"),
        ("time_midday", "on"),
        ("interpreter", "no"),
    ];
    save(app, &client, "about", &fields).await;
    client
}

/// Waits for the server's own job runner to finish its first pass (it runs at start),
/// then clears the schedule, so the test's own passes are the only ones (the server's
/// next pass is a minute away).
pub async fn fresh_schedule(app: &TestApp) {
    for _ in 0..200 {
        let done = sqlx::query(
            "select count(*) as n from scheduled_job where last_finished_at is not null",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap();
        if done == Job::ALL.len() as i64 {
            app.execute("delete from scheduled_job").await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server's job runner did not finish its first pass in 10 s");
}

on_both_backends! {
    async fn abandoned_drafts_are_purged_by_the_job_runner_after_the_retention_period(app: TestApp) {
        // The server's own first pass first: it must not purge the draft aged below.
        fresh_schedule(&app).await;
        draft_with_identity_number(&app, 0).await;
        draft_with_identity_number(&app, 1).await;
        assert_eq!(app.count("referral_draft").await, 2);
        // One was last touched 31 days ago: past the default 30.
        app.execute("update referral_draft set updated_at = updated_at - 31 * 86400 where referral_draft_id = (select min(referral_draft_id) from referral_draft)").await;

        let at = now();
        let ran = jobs::run_due(&app.state, at).await.unwrap();
        assert!(ran.contains(&(Job::PurgeExpired, Ok(1))), "{ran:?}");
        assert_eq!(app.count("referral_draft").await, 1);
        let left: String = sqlx::query("select data from referral_draft").fetch_one(&app.state.db.pool).await.unwrap().try_get("data").unwrap();
        assert!(left.contains(&fnr("150590", 1)), "the recent draft stays");
        assert_eq!(jobs::last_outcome(&app.state.db, Job::PurgeExpired).await.unwrap().as_deref(), Some("ok: 1"));

        // The schedule is in the database: not due again until an hour has passed.
        let soon = jobs::run_due(&app.state, at + 60).await.unwrap();
        assert!(!soon.iter().any(|(job, _)| *job == Job::PurgeExpired), "{soon:?}");
        let later = jobs::run_due(&app.state, at + 3601).await.unwrap();
        assert!(later.iter().any(|(job, _)| *job == Job::PurgeExpired), "{later:?}");
    }

    async fn of_two_runners_at_once_only_one_runs_a_job(app: TestApp) {
        fresh_schedule(&app).await;
        let at = now();
        let (a, b) = tokio::join!(jobs::run_due(&app.state, at), jobs::run_due(&app.state, at));
        assert_eq!(a.unwrap().len() + b.unwrap().len(), Job::ALL.len(), "each job once");
        // A run that died keeps its lease until the lease ends, then is taken up again.
        app.execute(&format!("update scheduled_job set next_run_at = {at}, leased_until = {}", at + 600)).await;
        assert!(jobs::run_due(&app.state, at + 1).await.unwrap().is_empty());
        assert_eq!(jobs::run_due(&app.state, at + 601).await.unwrap().len(), Job::ALL.len());
    }

    async fn a_refused_step_keeps_only_bounded_known_fields_on_the_draft(app: TestApp) {
        let client = app.new_client();
        start(&app, &client, "").await;
        save(&app, &client, "consent", &[("consent", "yes")]).await;
        let junk = "x".repeat(50_000);
        let response = save(&app, &client, "about", &[("name", "Kari"), ("national_id", "123"), ("junk", &junk)]).await;
        assert!(form_error(&response).is_some_and(|e| e.contains("Invalid")));
        let data: String = sqlx::query("select data from referral_draft").fetch_one(&app.state.db.pool).await.unwrap().try_get("data").unwrap();
        assert!(data.contains("Kari"), "what the step has is kept");
        assert!(!data.contains("junk") && data.len() < 2_000, "{} bytes kept", data.len());
    }
}

#[tokio::test]
async fn new_drafts_are_limited_per_client_address() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for _ in 0..60 {
        let response = start(&app, &app.new_client(), "").await;
        assert!(
            form_error(&response).is_none(),
            "{:?}",
            form_error(&response)
        );
    }
    let response = start(&app, &app.new_client(), "").await;
    assert!(form_error(&response).unwrap().contains("RateLimited"));
    assert_eq!(app.count("referral_draft").await, 60);
}

#[tokio::test]
async fn the_retention_period_is_a_setting() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("RPH_DRAFT_RETENTION_DAYS", "7")]).await;
    // The server's first pass of its jobs is over before the draft is aged: that pass
    // once purged it first (a full run, 2026-12-02), leaving this one nothing to do.
    fresh_schedule(&app).await;
    draft_with_identity_number(&app, 2).await;
    app.execute("update referral_draft set updated_at = updated_at - 8 * 86400")
        .await;
    let ran = jobs::run_due(&app.state, now()).await.unwrap();
    assert!(ran.contains(&(Job::PurgeExpired, Ok(1))), "{ran:?}");
    assert_eq!(app.count("referral_draft").await, 0);
}
