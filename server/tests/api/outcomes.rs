//! Outcomes: every scored answer set is stored as a measurement (its total, band and
//! caseness in columns, with the time point it belongs to; answers given before the
//! table existed get theirs when the server starts), and a person's scores over time
//! are shown to them and to the staff who help them, and to nobody else.

use std::collections::BTreeMap;

use app::domain::course::{CohortId, Placement};
use app::domain::outcome::TimePoint;
use app::domain::questionnaire::{score, Answer};
use app::domain::referral::ReferralId;
use app::server::{course_measures, courses, measurements};
use sqlx::Row as _;

use crate::board::{open_cohort_id, referral_in};
use crate::helpers::{TestApp, DEMO_CITIZEN, DEMO_INTAKE, DEMO_LEAD, DEMO_THERAPIST};
use crate::on_both_backends;

/// A referral's measurements, oldest first.
pub(crate) async fn stored(app: &TestApp, referral: i64) -> Vec<measurements::Measurement> {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    measurements::of_referral(&mut conn, ReferralId(referral))
        .await
        .unwrap()
}

on_both_backends! {
    async fn an_intake_answer_set_is_stored_as_a_measurement_with_its_score_in_columns(app: TestApp) {
        let service = app.demo_service_id().await;
        // 2 on items 1 to 8, 0 on item 9: 16, moderately severe, at caseness.
        let made = referral_in(&app, service, "Målfrid Måling", "9901", 2, 0).await;
        let kept = stored(&app, made.id).await;
        assert_eq!(kept.len(), 1);
        let m = &kept[0];
        assert_eq!((m.instrument.as_str(), m.total, m.band.as_deref(), m.caseness), ("phq9", Some(16.0), Some("moderately_severe"), Some(true)));
        assert_eq!((m.time_point, m.session_number), (TimePoint::Intake, None));
        // 1 on every item but the ninth: 8, below caseness.
        let low = referral_in(&app, service, "Lav Måling", "9901", 1, 0).await;
        let low_kept = stored(&app, low.id).await;
        assert_eq!((low_kept[0].total, low_kept[0].caseness), (Some(8.0), Some(false)));
    }

    async fn answers_given_before_measurements_existed_get_theirs_once_at_start(app: TestApp) {
        let service = app.demo_service_id().await;
        let made = referral_in(&app, service, "Gammel Måling", "9901", 3, 1).await;
        let before = stored(&app, made.id).await;
        // As a database from before the table: no measurements at all.
        app.execute("delete from measurement_subscale").await;
        app.execute("delete from measurement").await;
        assert!(stored(&app, made.id).await.is_empty());
        let filled = measurements::backfill(&app.state.db).await.unwrap();
        assert!(filled >= 1, "at least this referral's answer set: {filled}");
        assert_eq!(stored(&app, made.id).await, before);
        assert_eq!(measurements::backfill(&app.state.db).await.unwrap(), 0, "a second start stores nothing");
        assert_eq!(
            app.count("measurement").await,
            app.count("questionnaire_response").await,
            "one measurement per answer set"
        );
    }
}

/// A referral of the demo citizen's (PHQ-9 16 at intake) with a seat in the open demo
/// group, and its PHQ-9 before the first session: 8.
async fn a_course_participant_who_got_better(app: &TestApp) -> String {
    let made = referral_in(app, 1, "Kari Nordmann", "9901", 2, 0).await;
    app.execute(&format!(
        "update referral set account_id = (select account_id from account where email = '{}') where referral_id = {}",
        DEMO_CITIZEN.0, made.id
    ))
    .await;
    for table in ["measurement", "questionnaire_response"] {
        app.execute(&format!("update {table} set account_id = (select account_id from referral where referral_id = {0}) where referral_id = {0}", made.id)).await;
    }
    let cohort = CohortId(open_cohort_id(app).await.parse().unwrap());
    assert_eq!(
        courses::accept(&app.state.db, cohort, made.id)
            .await
            .unwrap()
            .unwrap(),
        Placement::Seat
    );
    let session = courses::sessions(&app.state.db, cohort).await.unwrap()[0].session_id;
    let definition = app.state.instruments.get("phq9").unwrap();
    let answers: BTreeMap<String, Answer> = definition
        .items
        .iter()
        .map(|i| (i.id.clone(), Answer::Value(if i.id == "9" { 0 } else { 1 })))
        .collect();
    let scored = score(&definition, &answers).unwrap();
    let later = app::server::db::now() + 60;
    assert!(course_measures::record(
        &app.state.db,
        course_measures::Answered {
            session_id: session,
            referral_id: made.id,
            instrument: "phq9",
            version: &definition.version,
            answers: &answers,
            score: &scored,
            at: later,
        },
    )
    .await
    .unwrap());
    made.reference
}

async fn trajectory_as(
    app: &TestApp,
    client: &reqwest::Client,
    reference: &str,
) -> reqwest::Response {
    app.call(
        client,
        "/api/outcome/trajectory",
        &[("reference", reference)],
    )
    .await
}

on_both_backends! {
    async fn a_person_sees_their_scores_over_time_in_plain_words_and_staff_in_clinical_terms(app: TestApp) {
        let reference = a_course_participant_who_got_better(&app).await;
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let mine: serde_json::Value = trajectory_as(&app, &citizen, &reference).await.json().await.unwrap();
        assert_eq!(mine["for_person"], true);
        let phq9 = &mine["measures"][0];
        assert_eq!(phq9["instrument"], "phq9");
        let points: Vec<(String, String)> = phq9["points"].as_array().unwrap().iter()
            .map(|p| (p["time_point"].as_str().unwrap().to_owned(), p["score"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(points, [("Henvisning".to_owned(), "16".to_owned()), ("Samling 1".to_owned(), "8".to_owned())]);
        let summary = phq9["summary"].as_str().unwrap();
        assert!(summary.contains("fra 16 til 8") && summary.contains("tydelig ned"), "{summary}");
        assert!(phq9["chart"].as_str().unwrap().starts_with("<svg"));
        let before = app.count("access_log").await;

        // The therapist leading the group: the clinical terms, and the read is logged.
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        let theirs: serde_json::Value = trajectory_as(&app, &therapist, &reference).await.json().await.unwrap();
        assert_eq!(theirs["for_person"], false);
        let summary = theirs["measures"][0]["summary"].as_str().unwrap();
        assert!(summary.contains("reliabel bedring"), "{summary}");
        assert_eq!(theirs["measures"][0]["legend"], serde_json::json!(["Klinisk nivå: 10 eller mer", "Reliabel endring: 6 poeng"]));
        assert_eq!(app.count("access_log").await, before + 1);
        let logged: String = sqlx::query("select record_kind from access_log where subject_account_id = (select account_id from referral where reference = $1) order by access_log_id desc limit 1")
            .bind(&reference).fetch_one(&app.state.db.pool).await.unwrap().try_get("record_kind").unwrap();
        assert_eq!(logged, "trajectory");
        // The person reading their own is no access by someone else.
        trajectory_as(&app, &citizen, &reference).await;
        assert_eq!(app.count("access_log").await, before + 1);

        // The page: without JavaScript, the chart and a table with the same figures.
        let page = app.get_with(&citizen, &format!("/trajectory/{reference}")).await.text().await.unwrap();
        assert!(page.contains("Slik har det gått"), "{page}");
        assert!(page.contains("<svg") && page.contains("role=\"img\""), "{page}");
        assert!(page.contains("<th scope=\"row\">Samling 1</th>"), "{page}");
        let page = app.get_with(&therapist, &format!("/trajectory/{reference}")).await.text().await.unwrap();
        assert!(page.contains("Skårer over tid"), "{page}");
    }

    async fn a_trajectory_is_refused_to_a_therapist_who_leads_none_of_the_persons_groups(app: TestApp) {
        let reference = a_course_participant_who_got_better(&app).await;
        app.create_account("annen@demo.example", "Annen Terapeut", "staff", "et langt passord her", Some((1, "therapist"))).await;
        let other = app.signed_in(("annen@demo.example", "et langt passord her", None)).await;
        assert_eq!(trajectory_as(&app, &other, &reference).await.status(), 403);
        // Intake and the lead may: they work the service's board.
        let intake = app.signed_in(DEMO_INTAKE).await;
        assert_eq!(trajectory_as(&app, &intake, &reference).await.status(), 200);
        let lead = app.signed_in(DEMO_LEAD).await;
        assert_eq!(trajectory_as(&app, &lead, &reference).await.status(), 200);
        // An unknown reference says no more than a forbidden one.
        assert_eq!(trajectory_as(&app, &lead, "RPH-0000-0000").await.status(), 403);
    }
}

/// A PHQ-9 of `total` (item 9 at 0) answered before a session, through its write path.
async fn phq9_before(app: &TestApp, referral: i64, session: i64, total: i32) {
    let definition = app.state.instruments.get("phq9").unwrap();
    let mut left = total;
    let answers: BTreeMap<String, Answer> = definition
        .items
        .iter()
        .map(|i| {
            let v = if i.id == "9" { 0 } else { left.clamp(0, 3) };
            left -= v;
            (i.id.clone(), Answer::Value(v))
        })
        .collect();
    let scored = score(&definition, &answers).unwrap();
    assert_eq!(scored.total, Some(f64::from(total)));
    assert!(course_measures::record(
        &app.state.db,
        course_measures::Answered {
            session_id: session,
            referral_id: referral,
            instrument: "phq9",
            version: &definition.version,
            answers: &answers,
            score: &scored,
            at: app::server::db::now() + 60,
        }
    )
    .await
    .unwrap());
}

/// A referral (PHQ-9 16 at intake) with a seat in the open demo group, at the sessions
/// numbered in `came`, with a PHQ-9 of `last` before the last of them, then closed.
async fn an_episode(app: &TestApp, cohort: CohortId, came: &[usize], last: Option<i32>) -> i64 {
    let made = referral_in(app, 1, "Episode Person", "9901", 2, 0).await;
    assert_eq!(
        courses::accept(&app.state.db, cohort, made.id)
            .await
            .unwrap()
            .unwrap(),
        Placement::Seat
    );
    let sessions = courses::sessions(&app.state.db, cohort).await.unwrap();
    for number in came {
        app.execute(&format!(
            "insert into session_attendance (cohort_session_id, referral_id, source, marked_at) values ({}, {}, 'room', {})",
            sessions[number - 1].session_id, made.id, app::server::db::now()
        ))
        .await;
    }
    if let Some(total) = last {
        phq9_before(
            app,
            made.id,
            sessions[came.last().unwrap() - 1].session_id,
            total,
        )
        .await;
    }
    app.execute(&format!(
        "update referral set status = 'closed', outcome = 'completed' where referral_id = {}",
        made.id
    ))
    .await;
    // Closed around the write paths: marked for working out again by hand.
    app::server::episodes::touch(&mut app.state.db.pool.acquire().await.unwrap(), made.id)
        .await
        .unwrap();
    made.id
}

on_both_backends! {
    async fn the_figures_count_each_episode_by_the_rules_and_hide_what_could_identify_someone(app: TestApp) {
        use app::server::episodes::{self, Breakdown, Selection};
        let cohort = CohortId(open_cohort_id(&app).await.parse().unwrap());
        app.execute(&format!("update cohort set capacity = 30 where cohort_id = {}", cohort.0)).await;
        let mut made = Vec::new();
        for _ in 0..6 {
            made.push(an_episode(&app, cohort, &[1, 2], Some(4)).await);
        }
        // A measurement marks its episode for working out again: a session attended
        // (written around the write paths) shows once a measure is answered for it.
        let measures = app.state.instruments.outcome_measures();
        episodes::refresh_stale(&app.state.db, &measures, 1_000).await.unwrap();
        let third = courses::sessions(&app.state.db, cohort).await.unwrap()[2].session_id;
        app.execute(&format!(
            "insert into session_attendance (cohort_session_id, referral_id, source, marked_at) values ({third}, {}, 'room', 1)",
            made[0]
        )).await;
        phq9_before(&app, made[0], third, 4).await;
        episodes::refresh_stale(&app.state.db, &measures, 1_000).await.unwrap();
        let sessions: i64 = sqlx::query("select treatment_sessions from episode where referral_id = $1")
            .bind(made[0]).fetch_one(&app.state.db.pool).await.unwrap().try_get("treatment_sessions").unwrap();
        assert_eq!(sessions, 3);
        made.push(an_episode(&app, cohort, &[1, 2], Some(24)).await);
        for _ in 0..5 {
            made.push(an_episode(&app, cohort, &[1], None).await);
        }
        episodes::refresh_stale(&app.state.db, &measures, 1_000).await.unwrap();
        let selection = Selection { service_id: 1, from: 0, to: i64::MAX, cohort_id: Some(cohort.0) };
        let total = episodes::figures(&app.state.db, selection, Breakdown::Total).await.unwrap().remove(0).1;
        assert_eq!((total.referrals, total.entered_treatment, total.ended), (12, 12, 12));
        assert_eq!((total.finished, total.dropped_out, total.paired), (7, 5, 7));
        assert_eq!((total.case_at_start, total.recovered, total.reliably_recovered), (7, 6, 6));
        assert_eq!((total.reliably_improved, total.reliably_deteriorated), (6, 1));
        assert_eq!(total.treated, 12);

        // The group's leader sees them, small numbers hidden: the one who got worse,
        // and the recovered too, since 6 of 7 would give the other one away.
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        let view: serde_json::Value = app.call(&therapist, "/api/outcome/figures", &[("cohort", &cohort.0.to_string())]).await.json().await.unwrap();
        let line = |anchor: &str| view["lines"].as_array().unwrap().iter().find(|l| l["anchor"] == anchor).unwrap()["value"].as_str().unwrap().to_owned();
        assert_eq!(line("referrals"), "12");
        assert_eq!(line("finished"), "7 av 12 (58 %)");
        assert_eq!(line("drop_out"), "5 av 12 (42 %)");
        assert_eq!(line("recovery"), "< 5 / 7");
        assert_eq!(line("reliable_deterioration"), "< 5 / 7");
        assert!(view["chart"].as_str().unwrap().starts_with("<svg"));
        assert_eq!(view["definitions"].as_array().unwrap().len(), 12);
        // The whole service's figures are the lead's, not a group leader's.
        assert_eq!(app.call(&therapist, "/api/outcome/figures", &[]).await.status(), 403);
        let lead = app.signed_in(DEMO_LEAD).await;
        let page = app.get_with(&lead, "/figures?by=cohort").await.text().await.unwrap();
        assert!(page.contains("Tjenestens tall") && page.contains("Slik regnes tallene"), "{page}");
    }
}

/// Parses CSV with Python's `csv` module: the header and the rows by column.
fn read_csv(text: &str) -> serde_json::Value {
    let dir = crate::helpers::scratch_dir("csv");
    let path = dir.join("export.csv");
    std::fs::write(&path, text).unwrap();
    serde_json::from_slice(&crate::helpers::parse_with_python("read_csv.py", &path)).unwrap()
}

on_both_backends! {
    async fn a_lead_exports_the_episodes_pseudonymised_and_each_person_in_it_sees_the_export(app: TestApp) {
        let cohort = CohortId(open_cohort_id(&app).await.parse().unwrap());
        let recovered = an_episode(&app, cohort, &[1, 2], Some(4)).await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let before = app.count_where("access_log", "record_kind = 'episode_export'").await;
        let response = app.get_with(&lead, "/figures/episodes.csv").await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = response.text().await.unwrap();
        assert!(text.contains("\r\n"), "CRLF line ends");
        let csv = read_csv(&text);
        assert_eq!(csv["header"][0], "person");
        assert_eq!(csv["header"].as_array().unwrap().len(), app::server::episodes::EXPORT_COLUMNS.len());
        let rows = csv["rows"].as_array().unwrap();
        // Every episode of the last twelve months: the demo's and this one.
        let episodes = app.count("episode").await;
        assert_eq!(rows.len() as i64, episodes);
        // No name, no identity number, no day of the month anywhere.
        let (name, national_id): (String, String) = {
            let row = sqlx::query("select name, national_id from referral where referral_id = $1")
                .bind(recovered).fetch_one(&app.state.db.pool).await.unwrap();
            (row.try_get("name").unwrap(), row.try_get("national_id").unwrap())
        };
        assert!(!text.contains(&name) && !text.contains(&national_id), "{text}");
        assert!(rows.iter().all(|r| r["received_month"].as_str().unwrap().len() == 7));
        let theirs: Vec<&serde_json::Value> = rows.iter().filter(|r| r["phq9_last"] == "4" && r["phq9_first"] == "16").collect();
        assert_eq!(theirs.len(), 1);
        assert_eq!(theirs[0]["recovered"], "1");
        assert_eq!(theirs[0]["treatment_sessions"], "2");
        // Each person in it has the export in their access log, under the made-up id.
        let people: i64 = sqlx::query("select count(distinct r.account_id) as n from episode e join referral r on r.referral_id = e.referral_id")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(app.count_where("access_log", "record_kind = 'episode_export'").await, before + people);
        let logged: String = sqlx::query("select record_id from access_log where record_kind = 'episode_export' and subject_account_id = (select account_id from referral where referral_id = $1)")
            .bind(recovered).fetch_one(&app.state.db.pool).await.unwrap().try_get("record_id").unwrap();
        assert_eq!(theirs[0]["person"], logged.as_str());
        // A second export makes up new ids.
        let again = read_csv(&app.get_with(&lead, "/figures/episodes.csv").await.text().await.unwrap());
        assert!(again["rows"].as_array().unwrap().iter().all(|r| r["person"] != theirs[0]["person"]));
    }
}

on_both_backends! {
    async fn a_person_downloads_their_own_answers_and_scores_and_every_download_is_in_their_access_log(app: TestApp) {
        let reference = a_course_participant_who_got_better(&app).await;
        let subject = format!("(select account_id from referral where reference = '{reference}')");
        let exports = |kind: &'static str| {
            let condition = format!("record_kind = '{kind}' and action = 'exported' and subject_account_id = {subject}");
            let app = &app;
            async move { app.count_where("access_log", &condition).await }
        };
        let citizen = app.signed_in(DEMO_CITIZEN).await;

        // Their answers, intake and before the first session: one FHIR R4 bundle.
        let response = app.get_with(&citizen, &format!("/trajectory/{reference}/answers.json")).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/fhir+json"));
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(response.headers()["cache-control"], "no-store");
        let text = response.text().await.unwrap();
        let summary = crate::referral::validate_fhir(&app, "Bundle", &text);
        assert_eq!(summary["type"], "collection");
        let given: i64 = sqlx::query(&format!("select count(*) as n from questionnaire_response where account_id = {subject} and referral_id = (select referral_id from referral where reference = $1)"))
            .bind(&reference).fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        let entries = summary["entries"].as_array().unwrap();
        assert_eq!((entries.len() as i64, given), (2, 2));
        assert!(entries.iter().all(|e| e["resourceType"] == "QuestionnaireResponse"));
        assert!(entries[0]["fullUrl"].as_str().unwrap().ends_with(&format!("/fhir/QuestionnaireResponse/{}", entries[0]["id"].as_str().unwrap())));
        let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
        let totals: Vec<f64> = bundle["entry"].as_array().unwrap().iter()
            .map(|e| e["resource"]["item"].as_array().unwrap().iter().find(|i| i["linkId"] == "total").unwrap()["answer"][0]["valueDecimal"].as_f64().unwrap())
            .collect();
        assert_eq!(totals, [16.0, 8.0]);
        assert_eq!(exports("answers_bundle").await, 1);

        // Their scores over time, as CSV read back by Python's csv module.
        let response = app.get_with(&citizen, &format!("/trajectory/{reference}/scores.csv")).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = read_csv(&response.text().await.unwrap());
        assert_eq!(csv["header"], serde_json::json!(measurements::SCORES_COLUMNS));
        let rows: Vec<(String, String, String, String)> = csv["rows"].as_array().unwrap().iter()
            .map(|r| [&r["time_point"], &r["session"], &r["total"], &r["at_caseness"]].map(|v| v.as_str().unwrap().to_owned()).into())
            .collect();
        assert_eq!(rows, [
            ("intake".into(), "".into(), "16".into(), "1".into()),
            ("course_session".into(), "1".into(), "8".into(), "0".into()),
        ]);
        assert_eq!(exports("trajectory_export").await, 1);

        // The therapist of their group may export too; that is in their log as well.
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        assert_eq!(app.get_with(&therapist, &format!("/trajectory/{reference}/answers.json")).await.status(), 200);
        assert_eq!(exports("answers_bundle").await, 2);

        // Anyone else gets nothing, and nothing is logged.
        app.create_account("b@example.no", "Borghild B", "citizen", "borghild sitt passord", None).await;
        let other = app.signed_in(("b@example.no", "borghild sitt passord", None)).await;
        let before = app.count("access_log").await;
        for path in ["answers.json", "scores.csv"] {
            assert_eq!(app.get_with(&other, &format!("/trajectory/{reference}/{path}")).await.status(), 404);
            let anonymous = app.new_client().get(app.url(&format!("/trajectory/{reference}/{path}"))).send().await.unwrap();
            assert_eq!(anonymous.status(), 401);
        }
        assert_eq!(app.get_with(&citizen, "/trajectory/RPH-0000-0000/answers.json").await.status(), 404);
        assert_eq!(app.count("access_log").await, before);

        // The trajectory page offers both files to the person.
        let page = app.get_with(&citizen, &format!("/trajectory/{reference}")).await.text().await.unwrap();
        assert!(page.contains(&format!("href=\"/trajectory/{reference}/answers.json\"")), "{page}");
        assert!(page.contains(&format!("href=\"/trajectory/{reference}/scores.csv\"")), "{page}");

        // A referral not yet confirmed as theirs (sent without logging in, naming their
        // address) shows its account holder nothing and gives them nothing to download.
        app.execute(&format!("update referral set owner_confirmed_at = null where reference = '{reference}'")).await;
        assert_eq!(trajectory_as(&app, &citizen, &reference).await.status(), 403);
        for path in ["answers.json", "scores.csv"] {
            assert_eq!(app.get_with(&citizen, &format!("/trajectory/{reference}/{path}")).await.status(), 404);
        }
    }
}

on_both_backends! {
    async fn a_lead_gets_the_register_extract_a_row_per_contact_and_each_person_in_it_sees_it(app: TestApp) {
        use app::domain::outcome::Month;
        use app::server::register::CONTACT_COLUMNS;
        let cohort = CohortId(open_cohort_id(&app).await.parse().unwrap());
        let referral = an_episode(&app, cohort, &[1, 2], Some(4)).await;
        // Assessed (the first decision on the board) today.
        app.execute(&format!(
            "insert into referral_decision (referral_id, decision, reason, decided_by, decided_at)
             values ({referral}, 'group_course', 'Passer.', (select account_id from account where email = '{}'), {})",
            DEMO_LEAD.0, app::server::db::now()
        ))
        .await;
        let (reference, national_id): (String, String) = {
            let row = sqlx::query("select reference, national_id from referral where referral_id = $1")
                .bind(referral).fetch_one(&app.state.db.pool).await.unwrap();
            (row.try_get("reference").unwrap(), row.try_get("national_id").unwrap())
        };
        let sessions = courses::sessions(&app.state.db, cohort).await.unwrap();
        let (from, to) = (Month::of(app::server::db::now()).key(), Month::of(sessions[1].starts_at).key());
        let path = format!("/figures/register/rph-contacts-1?from={from}&to={to}");
        let lead = app.signed_in(DEMO_LEAD).await;
        let response = app.get_with(&lead, &path).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains(&format!("register-rph-contacts-1-{from}-{to}.csv")));
        let csv = read_csv(&response.text().await.unwrap());
        assert_eq!(csv["header"], serde_json::json!(CONTACT_COLUMNS));
        let rows = csv["rows"].as_array().unwrap();
        let theirs: Vec<[&str; 7]> = rows.iter().filter(|r| r["referral"] == reference.as_str())
            .map(|r| ["contact_kind", "setting", "mode", "session", "measures", "national_id", "format_version"].map(|k| r[k].as_str().unwrap()))
            .collect();
        let mode = sessions[0].format.key();
        assert_eq!(theirs, [
            ["assessment", "individual", "", "", "phq9=16", national_id.as_str(), "1"],
            ["group_session", "group", mode, "1", "", national_id.as_str(), "1"],
            ["group_session", "group", mode, "2", "phq9=4", national_id.as_str(), "1"],
        ]);
        assert!(rows.iter().all(|r| r["contact_date"].as_str().unwrap().len() == 10));
        // Every person in it has the extract in their access log, once.
        let mut people = std::collections::BTreeSet::new();
        for row in rows {
            let account: i64 = sqlx::query("select account_id from referral where reference = $1")
                .bind(row["referral"].as_str().unwrap()).fetch_one(&app.state.db.pool).await.unwrap().try_get("account_id").unwrap();
            people.insert(account);
        }
        assert_eq!(app.count_where("access_log", "record_kind = 'register_extract' and action = 'exported'").await, people.len() as i64);
        assert_eq!(app.count_where("access_log", &format!("record_kind = 'register_extract' and subject_account_id = (select account_id from referral where referral_id = {referral})")).await, 1);
        // Leads only; an unknown format is not found.
        let before = app.count("access_log").await;
        for staff in [crate::helpers::DEMO_THERAPIST, DEMO_INTAKE] {
            let client = app.signed_in(staff).await;
            assert_eq!(app.get_with(&client, &path).await.status(), 403);
        }
        assert_eq!(app.get_with(&lead, "/figures/register/kpr-9").await.status(), 404);
        assert_eq!(app.count("access_log").await, before);
        // The figures page offers it for the period shown.
        let page = app.get_with(&lead, "/figures").await.text().await.unwrap();
        assert!(page.contains("href=\"/figures/register/rph-contacts-1?from="), "{page}");
    }
}
