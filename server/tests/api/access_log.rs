//! The access log: appended through one helper, chained by hash, append-only,
//! verified by a command, and readable by the citizen it is about.

use app::domain::access::{AccessAction, DataKind};
use app::server::access_log::{self, Access, Actor, ChainReport};
use app::server::db::now;
use app::server::digest::ChainKey;
use app::server::Backend;

use crate::helpers::{location, TestApp};
use crate::on_both_backends;

async fn id_of(app: &TestApp, email: &str) -> i64 {
    app::server::accounts::id_by_email(&app.state.db, email)
        .await
        .unwrap()
        .unwrap()
}

async fn intake_reads(app: &TestApp, subject: i64, what: DataKind) {
    log_one(&app.state.db, &intake(app).await, viewed(subject, what)).await;
}

/// The demo intake worker, acting in the demo service.
async fn intake(app: &TestApp) -> Actor {
    Actor {
        account_id: id_of(app, "inntak@demo.example").await,
        role: "intake".into(),
        service_id: Some(1),
    }
}

/// `what` of referral 42, about `subject`, seen.
fn viewed(subject: i64, what: DataKind) -> Access<'static> {
    Access {
        subject_account_id: subject,
        record_kind: "referral",
        record_id: "42",
        data_kind: what,
        action: AccessAction::Viewed,
    }
}

/// One entry in a transaction of its own.
async fn log_one(db: &app::server::Db, actor: &Actor, access: Access<'_>) {
    let mut audited = access_log::begin(db).await.unwrap();
    audited.grant(actor, access).await.unwrap();
    audited.commit().await.unwrap();
}

/// Rewrites every entry's links as someone who can write the database but does not
/// have the key would: under `key` (or unkeyed when `None`), optionally moving one
/// entry to another person first.
async fn recompute_chain(app: &TestApp, key: Option<&ChainKey>, move_entry: Option<(i64, i64)>) {
    use sqlx::Row as _;
    if let Some((id, to)) = move_entry {
        tamper(
            app,
            &format!("update access_log set subject_account_id = {to} where access_log_id = {id}"),
        )
        .await;
    }
    let rows = sqlx::query(
        "select access_log_id, at, actor_account_id, actor_role, service_id, subject_account_id,
                record_kind, record_id, data_kind, action
         from access_log order by access_log_id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let mut prev = access_log::GENESIS.to_owned();
    for row in rows {
        let id: i64 = row.get("access_log_id");
        let hash = access_log::entry_hash(
            key,
            &prev,
            row.get("at"),
            row.get("actor_account_id"),
            &row.get::<String, _>("actor_role"),
            row.get("service_id"),
            row.get("subject_account_id"),
            &row.get::<String, _>("record_kind"),
            &row.get::<String, _>("record_id"),
            &row.get::<String, _>("data_kind"),
            &row.get::<String, _>("action"),
        );
        app.execute(&format!(
            "update access_log set prev_hash = '{prev}', hash = '{hash}', keyed = {} where access_log_id = {id}",
            i64::from(key.is_some())
        ))
        .await;
        prev = hash;
    }
}

async fn tamper(app: &TestApp, sql: &str) {
    match app.backend {
        Backend::Sqlite => {
            app.execute("drop trigger if exists access_log_no_update")
                .await;
            app.execute("drop trigger if exists access_log_no_delete")
                .await;
        }
        Backend::Postgres => {
            app.execute("alter table access_log disable trigger user")
                .await
        }
    }
    app.execute(sql).await;
}

on_both_backends! {
    async fn an_intact_chain_verifies(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        for kind in [DataKind::Referral, DataKind::ContactDetails, DataKind::QuestionnaireAnswers] {
            intake_reads(&app, citizen, kind).await;
        }
        assert_eq!(access_log::verify_chain(&app.state.db).await.unwrap(), ChainReport::Intact { entries: 3 });
    }

    async fn concurrent_appends_keep_one_chain(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let db = app.state.db.clone();
            tasks.push(tokio::spawn(async move {
                let actor = Actor { account_id: 1, role: "intake".into(), service_id: Some(1) };
                let access = Access {
                    subject_account_id: citizen,
                    record_kind: "referral",
                    record_id: "7",
                    data_kind: DataKind::Referral,
                    action: AccessAction::Viewed,
                };
                log_one(&db, &actor, access).await;
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(access_log::verify_chain(&app.state.db).await.unwrap(), ChainReport::Intact { entries: 20 });
    }

    async fn the_log_refuses_updates_and_deletes(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        intake_reads(&app, citizen, DataKind::Referral).await;
        let update = sqlx::query("update access_log set action = 'changed'").execute(&app.state.db.pool).await;
        assert!(update.is_err());
        let delete = sqlx::query("delete from access_log").execute(&app.state.db.pool).await;
        assert!(delete.is_err());
        assert_eq!(app.count("access_log").await, 1);
    }

    async fn a_changed_entry_is_found_as_the_first_broken_link(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        for _ in 0..4 {
            intake_reads(&app, citizen, DataKind::Referral).await;
        }
        tamper(&app, "update access_log set data_kind = 'notes' where access_log_id = 3").await;
        match access_log::verify_chain(&app.state.db).await.unwrap() {
            ChainReport::Broken { entry_id, .. } => assert_eq!(entry_id, 3),
            other => panic!("tampering went unnoticed: {other:?}"),
        }
    }

    async fn a_removed_entry_is_found_at_the_entry_after_it(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        for _ in 0..4 {
            intake_reads(&app, citizen, DataKind::Referral).await;
        }
        tamper(&app, "delete from access_log where access_log_id = 2").await;
        match access_log::verify_chain(&app.state.db).await.unwrap() {
            ChainReport::Broken { entry_id, .. } => assert_eq!(entry_id, 3),
            other => panic!("removal went unnoticed: {other:?}"),
        }
    }

    async fn cutting_off_the_newest_entries_is_found_by_a_signed_checkpoint(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        for _ in 0..3 {
            intake_reads(&app, citizen, DataKind::Referral).await;
        }
        let file = app.dir.join("checkpoints-under-test");
        access_log::write_checkpoint(&app.state.db, &file, now()).await.unwrap();
        let checkpoints = access_log::read_checkpoints(&file, &app.state.db.access_log_key).unwrap();
        assert_eq!(checkpoints.len(), 1);
        let total = app.count("access_log").await as u64;
        assert_eq!(access_log::verify(&app.state.db, &checkpoints).await.unwrap(), ChainReport::Intact { entries: total });

        tamper(&app, "delete from access_log where access_log_id = (select max(access_log_id) from access_log)").await;
        // The chain alone still links up: that is why the checkpoint exists.
        assert!(matches!(access_log::verify_chain(&app.state.db).await.unwrap(), ChainReport::Intact { .. }));
        match access_log::verify(&app.state.db, &checkpoints).await.unwrap() {
            ChainReport::Broken { reason, .. } => assert!(reason.contains("missing at the end"), "{reason}"),
            other => panic!("truncation went unnoticed: {other:?}"),
        }
    }

    // A checkpoint is signed while people keep working. It used to read the count and
    // the head in two statements: an entry appended between them gave a checkpoint
    // whose head was one entry past its count, and the verify command then called an
    // intact log "replaced" (the full test run of 2026-12-04 failed on it).
    async fn a_checkpoint_signed_while_entries_are_appended_matches_the_chain(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        let actor = intake(&app).await;
        let writers: Vec<_> = (0..4)
            .map(|_| {
                let (state, actor) = (app.state.clone(), actor.clone());
                tokio::spawn(async move {
                    for _ in 0..40 {
                        log_one(&state.db, &actor, viewed(citizen, DataKind::Referral)).await;
                    }
                })
            })
            .collect();
        let file = app.dir.join("checkpoints-under-test");
        while !writers.iter().all(|w| w.is_finished()) {
            access_log::write_checkpoint(&app.state.db, &file, now()).await.unwrap();
        }
        for writer in writers {
            writer.await.unwrap();
        }
        let checkpoints = access_log::read_checkpoints(&file, &app.state.db.access_log_key).unwrap();
        assert!(checkpoints.len() > 10, "signed while appending: {}", checkpoints.len());
        let total = app.count("access_log").await as u64;
        assert_eq!(access_log::verify(&app.state.db, &checkpoints).await.unwrap(), ChainReport::Intact { entries: total });
    }

    async fn a_chain_recomputed_without_the_key_is_found(app: TestApp) {
        let kari = id_of(&app, "innbygger@demo.example").await;
        let lead = id_of(&app, "leder@demo.example").await;
        for _ in 0..3 {
            intake_reads(&app, kari, DataKind::Referral).await;
        }
        let file = app.dir.join("checkpoints-under-test");
        access_log::write_checkpoint(&app.state.db, &file, now()).await.unwrap();
        let checkpoints = access_log::read_checkpoints(&file, &app.state.db.access_log_key).unwrap();
        // Move the first entry to another person and recompute every link, with a key
        // of one's own, and then as unkeyed entries from before the key.
        for key in [Some(ChainKey::new(b"a key the attacker chose")), None] {
            recompute_chain(&app, key.as_ref(), Some((1, lead))).await;
            match access_log::verify(&app.state.db, &checkpoints).await.unwrap() {
                ChainReport::Broken { .. } => {}
                other => panic!("a recomputed chain went unnoticed ({}): {other:?}", key.is_some()),
            }
        }
    }

    async fn a_dropped_or_disabled_trigger_is_found(app: TestApp) {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        intake_reads(&app, citizen, DataKind::Referral).await;
        assert!(matches!(access_log::verify(&app.state.db, &[]).await.unwrap(), ChainReport::Intact { .. }));
        tamper(&app, "select 1").await;
        match access_log::verify(&app.state.db, &[]).await.unwrap() {
            ChainReport::Broken { reason, .. } => assert!(reason.contains("triggers"), "{reason}"),
            other => panic!("a dropped trigger went unnoticed: {other:?}"),
        }
    }

    async fn a_change_that_fails_leaves_no_entry_and_an_entry_that_fails_no_change(app: TestApp) {
        let intake = app.signed_in(crate::helpers::DEMO_INTAKE).await;
        let made = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
        let entries = || async {
            app.count_where("access_log", &format!("record_id = '{}'", made.reference)).await
        };
        // The note cannot be written (a trigger refuses it): its entry must not stay.
        let refuse_notes = match app.backend {
            Backend::Sqlite => vec![
                "create trigger refuse_notes before insert on referral_event when new.kind = 'note'
                 begin select raise(abort, 'refused by the test'); end".to_owned(),
            ],
            Backend::Postgres => vec![
                "create function refuse_notes() returns trigger language plpgsql as $$
                 begin if new.kind = 'note' then raise exception 'refused by the test'; end if;
                 return new; end $$".to_owned(),
                "create trigger refuse_notes before insert on referral_event
                 for each row execute function refuse_notes()".to_owned(),
            ],
        };
        for sql in &refuse_notes {
            app.execute(sql).await;
        }
        let status = app
            .call(&intake, "/api/board/note", &[("reference", &made.reference), ("note", "Ringte.")])
            .await
            .status();
        assert!(status.is_server_error(), "{status}");
        assert_eq!(entries().await, 0, "an entry for a change that was never made");
        // The entry cannot be written (the log refuses inserts): the change must not stay.
        app.execute(match app.backend {
            Backend::Sqlite => "drop trigger refuse_notes",
            Backend::Postgres => "drop trigger refuse_notes on referral_event",
        })
        .await;
        let refuse_entries = match app.backend {
            Backend::Sqlite => vec![
                "create trigger refuse_entries before insert on access_log
                 begin select raise(abort, 'refused by the test'); end".to_owned(),
            ],
            Backend::Postgres => vec![
                "create function refuse_entries() returns trigger language plpgsql as $$
                 begin raise exception 'refused by the test'; end $$".to_owned(),
                "create trigger refuse_entries before insert on access_log
                 for each row execute function refuse_entries()".to_owned(),
            ],
        };
        for sql in &refuse_entries {
            app.execute(sql).await;
        }
        let status = app
            .call(&intake, "/api/board/note", &[("reference", &made.reference), ("note", "Ringte.")])
            .await
            .status();
        assert!(status.is_server_error(), "{status}");
        assert_eq!(
            app.count_where("referral_event", &format!("referral_id = {} and kind = 'note'", made.id)).await,
            0,
            "a change without its entry"
        );
    }

    async fn a_grant_reads_only_in_the_transaction_that_logged_it(app: TestApp) {
        let made = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
        let actor = intake(&app).await;
        let access = || Access {
            subject_account_id: 1,
            record_kind: "referral",
            record_id: "x",
            data_kind: DataKind::Referral,
            action: AccessAction::Viewed,
        };
        let mut first = access_log::begin(&app.state.db).await.unwrap();
        let old = first.grant(&actor, access()).await.unwrap();
        first.commit().await.unwrap();
        let mut second = access_log::begin(&app.state.db).await.unwrap();
        let someone_else = second.grant(&actor, access()).await.unwrap();
        let read = app::server::board::detail::load(&mut second, &old, made.id, now()).await;
        assert!(read.is_err(), "an old grant read in a new transaction");
        // A grant reads only the data of the person it names.
        let read = app::server::board::detail::load(&mut second, &someone_else, made.id, now()).await;
        assert!(read.unwrap().is_none(), "a grant for someone else read this referral");
        let answers = app::server::referrals::responses_of_referral(&mut second, &someone_else, app::domain::referral::ReferralId(made.id)).await;
        assert!(answers.unwrap().is_empty(), "a grant for someone else read these answers");
        // And a transaction without an entry commits nothing.
        drop(second);
        let mut bare = access_log::begin(&app.state.db).await.unwrap();
        sqlx::query("update referral set name = 'Endret' where referral_id = $1")
            .bind(made.id)
            .execute(bare.change())
            .await
            .unwrap();
        assert!(bare.commit().await.is_err());
        assert_eq!(app.count_where("referral", "name = 'Endret'").await, 0);
    }

    async fn a_citizen_sees_who_looked_at_their_data_and_nobody_elses(app: TestApp) {
        let kari = id_of(&app, "innbygger@demo.example").await;
        intake_reads(&app, kari, DataKind::QuestionnaireAnswers).await;
        // An entry about someone else must not show.
        let lead = id_of(&app, "leder@demo.example").await;
        intake_reads(&app, lead, DataKind::Notes).await;

        app.post_form("/api/auth/login", "/login", &[("email", "innbygger@demo.example"), ("password", "demo-passord-innbygger")])
            .await;
        let html = app.get("/account/access-log").await.text().await.unwrap();
        assert!(html.contains("Ingrid Inntak"), "{html}");
        assert!(html.contains("Leste svar på spørreskjema"), "{html}");
        assert!(html.contains("Rask psykisk helsehjelp, Demo kommune"), "{html}");
        assert!(!html.contains("notater"), "another person's entry leaked: {html}");
        assert!(html.contains("Vurdere henvisningen din og hva du kan få tilbud om"), "the purpose: {html}");
    }

    async fn repeated_reads_of_one_record_are_one_line_that_says_how_many(app: TestApp) {
        let kari = id_of(&app, "innbygger@demo.example").await;
        for _ in 0..10 {
            intake_reads(&app, kari, DataKind::Referral).await;
        }
        intake_reads(&app, kari, DataKind::QuestionnaireAnswers).await;
        app.post_form("/api/auth/login", "/login", &[("email", "innbygger@demo.example"), ("password", "demo-passord-innbygger")])
            .await;
        let html = app.get("/account/access-log").await.text().await.unwrap();
        assert_eq!(html.matches("<tr>").count(), 1 + 2, "a heading row and two lines: {html}");
        assert!(html.contains("Leste henvisningen din (10 ganger)"), "{html}");
        assert!(html.contains("Leste svar på spørreskjema<"), "{html}");
    }
}

#[tokio::test]
async fn the_access_log_page_needs_a_login() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // And comes back to it afterwards.
    assert_eq!(
        location(&app.get("/account/access-log").await),
        "/login?next=/account/access-log"
    );
}

#[test]
fn the_verify_command_reports_intact_and_broken_chains() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(TestApp::spawn(Backend::Sqlite));
    let db_url = format!("sqlite://{}/rph.sqlite3", app.dir.display());
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("verify-access-log")
            .env("DATABASE_URL", &db_url)
            .env(
                "RPH_ACCESS_LOG_CHECKPOINTS",
                app.dir.join("access-log-checkpoints"),
            )
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    runtime.block_on(async {
        let citizen = id_of(&app, "innbygger@demo.example").await;
        intake_reads(&app, citizen, DataKind::Referral).await;
        intake_reads(&app, citizen, DataKind::Referral).await;
    });
    let ok = run();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact: 2 entries"));

    runtime.block_on(tamper(
        &app,
        "update access_log set record_id = '43' where access_log_id = 2",
    ));
    let broken = run();
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stdout).contains("first broken link at entry 2"));
}
