//! Running course groups: a lead starts one (each refusal said at its field), its
//! leaders move it on (finishing closes the participants' referrals as completed) and
//! cancel a session (everyone with a seat gets the calendar's cancellation).

use app::domain::course::CohortId;
use app::server::courses;
use sqlx::Row as _;

use crate::courses::{calendar_sent_to, citizen_with_a_seat};
use crate::helpers::{TestApp, DEMO_CITIZEN, DEMO_LEAD, DEMO_THERAPIST};
use crate::on_both_backends;

fn in_days(days: i64) -> String {
    app::domain::course::schedule::LocalDate::of(app::server::db::now())
        .plus_days(days)
        .iso()
}

async fn account_id(app: &TestApp, email: &str) -> String {
    app::server::accounts::id_by_email(&app.state.db, email)
        .await
        .unwrap()
        .unwrap()
        .to_string()
}

async fn problems(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status(), 422);
    let text = response.text().await.unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap_or(serde_json::Value::String(text))
}

on_both_backends! {
    async fn a_lead_starts_a_course_group_and_each_refusal_is_said_at_its_field(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let form = app.call(&lead, "/api/course/group-form", &[]).await;
        let status = form.status();
        let text = form.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        let form: serde_json::Value = serde_json::from_str(&text).unwrap();
        let courses = form["courses"].as_array().unwrap();
        assert_eq!(courses.len(), 3, "the three shipped courses");
        let worry = courses.iter().find(|c| c[1].as_str().unwrap().contains("bekymring")).unwrap()[0].to_string();
        let therapist = account_id(&app, "terapeut@demo.example").await;
        assert!(form["leaders"].as_array().unwrap().iter().any(|l| l[0].as_i64().map(|id| id.to_string()).as_deref() == Some(therapist.as_str())));
        let first = in_days(60);
        let fields = |first: &str, time: &str, capacity: &str, leader: &str| {
            vec![
                ("course".to_owned(), worry.clone()),
                ("first".to_owned(), first.to_owned()),
                ("time".to_owned(), time.to_owned()),
                ("leader".to_owned(), leader.to_owned()),
                ("capacity".to_owned(), capacity.to_owned()),
                ("format".to_owned(), "video".to_owned()),
                ("open".to_owned(), "yes".to_owned()),
            ]
        };
        let call = |fields: Vec<(String, String)>| {
            let lead = lead.clone();
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.call(&lead, "/api/course/create-group", &fields).await
            }
        };
        let before = app.count("cohort").await;
        // A start in the past, no seats, and nobody to lead: each named, nothing made.
        let refused = problems(call(fields(&in_days(-1), "18:00", "0", "")).await).await.to_string();
        for field in ["first", "capacity", "leader"] {
            assert!(refused.contains(&format!("\"{field}\"")), "{field} in {refused}");
        }
        assert!(refused.contains("start_in_past") && refused.contains("capacity_out_of_range"), "{refused}");
        assert!(refused.contains("\"values\""), "what was typed comes back: {refused}");
        assert_eq!(app.count("cohort").await, before);

        // A good one: nine weekly sessions and a follow-up, open for enrolment.
        assert_eq!(call(fields(&first, "17:00", "10", &therapist)).await.status(), 200);
        assert_eq!(app.count("cohort").await, before + 1);
        let cohort: i64 = sqlx::query("select max(cohort_id) as id from cohort").fetch_one(&app.state.db.pool).await.unwrap().try_get("id").unwrap();
        let sessions = courses::sessions(&app.state.db, CohortId(cohort)).await.unwrap();
        assert_eq!(sessions.len(), 10);
        assert!(sessions.iter().all(|s| s.room_code.is_some()));
        assert_eq!(app::domain::clock::oslo_time(sessions[0].starts_at), (17, 0));
        assert_eq!(courses::seats(&app.state.db, CohortId(cohort)).await.unwrap().unwrap().state, app::domain::course::CohortState::Open);

        // The same leader at the same hour again overlaps: said at the leader.
        let overlap = problems(call(fields(&first, "17:30", "10", &therapist)).await).await.to_string();
        assert!(overlap.contains("\"leader\"") && overlap.contains("leader_overlap"), "{overlap}");

        // A therapist may not start groups.
        let therapist_client = app.signed_in(DEMO_THERAPIST).await;
        assert_eq!(app.call(&therapist_client, "/api/course/group-form", &[]).await.status(), 403);
        // The page, without JavaScript.
        let page = app.get_with(&lead, "/groups/new").await.text().await.unwrap();
        assert!(page.contains("name=\"first\"") && page.contains("name=\"capacity\""), "{page}");
    }

    async fn cancelling_a_session_sends_everyone_with_a_seat_its_cancellation(app: TestApp) {
        let (cohort, _) = citizen_with_a_seat(&app).await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let sessions = courses::sessions(&app.state.db, cohort).await.unwrap();
        let third = &sessions[2];
        let response = app.call(&lead, "/api/course/cancel-session", &[("cohort", &cohort.0.to_string()), ("session", &third.session_id.to_string())]).await;
        assert_eq!(response.status(), 200);
        let after = courses::sessions(&app.state.db, cohort).await.unwrap();
        assert!(after[2].cancelled);
        assert_eq!(after[2].sequence, third.sequence + 1);
        let files = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: En kurssamling er avlyst").await;
        let files = files.as_array().unwrap();
        assert_eq!(files.len(), 1, "one file, for that session only");
        assert_eq!(files[0]["method"], "CANCEL");
        let event = &files[0]["events"][0];
        assert_eq!(event["uid"].as_str().unwrap(), format!("session-{}@127.0.0.1", third.session_id));
        assert_eq!(event["sequence"], third.sequence + 1);
        assert_eq!(event["status"], "CANCELLED");
        assert_eq!(event["start"], third.starts_at);
        // Twice is once: it is cancelled already.
        let again = app.call(&lead, "/api/course/cancel-session", &[("cohort", &cohort.0.to_string()), ("session", &third.session_id.to_string())]).await;
        assert_eq!(again.status(), 404);
        // My page says so.
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let mine: serde_json::Value = app.call(&citizen, "/api/course/mine", &[]).await.json().await.unwrap();
        assert_eq!(mine[0]["sessions"][2]["cancelled"], true);
    }

    async fn finishing_a_group_closes_its_participants_referrals_as_completed_and_nothing_changes_after(app: TestApp) {
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        // The running demo KiD; its participants' referrals are active.
        let active: i64 = sqlx::query("select count(*) as n from referral r join enrolment e on e.referral_id = r.referral_id where e.cohort_id = 1 and r.status = 'active'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(active, 5);
        // Back to "open" is not a step it can take.
        let refused = app.call(&therapist, "/api/course/group-state", &[("cohort", "1"), ("state", "open")]).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(app.call(&therapist, "/api/course/group-state", &[("cohort", "1"), ("state", "finished")]).await.status(), 200);
        let completed: i64 = sqlx::query("select count(*) as n from referral r join enrolment e on e.referral_id = r.referral_id where e.cohort_id = 1 and r.status = 'closed' and r.outcome = 'completed'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(completed, 5);
        let events: i64 = sqlx::query("select count(*) as n from referral_event where kind = 'course_finished'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(events, 5);
        // A finished group is history: no session of it is cancelled any more.
        let later = courses::sessions(&app.state.db, CohortId(1)).await.unwrap().into_iter().find(|s| s.starts_at > app::server::db::now()).unwrap();
        let closed = app.call(&therapist, "/api/course/cancel-session", &[("cohort", "1"), ("session", &later.session_id.to_string())]).await;
        assert_eq!(closed.status(), 422);
        let text = closed.text().await.unwrap();
        assert!(text.contains("\"closed\""), "{text}");
    }

    async fn staff_enrol_someone_by_reference_and_remove_them_with_a_reason(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let cohort = crate::board::open_cohort_id(&app).await;
        let made = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
        app.execute(&format!("update referral set account_id = (select account_id from account where email = '{}') where referral_id = {}", DEMO_CITIZEN.0, made.id)).await;
        // A reference that is not this service's open referral is named at the field.
        let unknown = app.call(&lead, "/api/course/enrol", &[("cohort", &cohort), ("reference", "RPH-NOPE-NOPE")]).await;
        let text = problems(unknown).await.to_string();
        assert!(text.contains("NoSuchReferral") && text.contains("RPH-NOPE-NOPE"), "{text}");
        assert_eq!(app.call(&lead, "/api/course/enrol", &[("cohort", &cohort), ("reference", &made.reference)]).await.status(), 200);
        let status: String = sqlx::query("select status from enrolment where referral_id = $1").bind(made.id)
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("status").unwrap();
        assert_eq!(status, "enrolled");
        let invitation = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du har plass ").await;
        assert_eq!(invitation.as_array().unwrap().len(), 10);
        let enrolled: i64 = sqlx::query("select count(*) as n from referral_event where referral_id = $1 and kind = 'course_enrolled'")
            .bind(made.id).fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(enrolled, 1);

        // Removing needs a reason, said at that person's field.
        let referral = made.id.to_string();
        let refused = app.call(&lead, "/api/course/remove", &[("cohort", &cohort), ("referral", &referral), ("reason", " ")]).await;
        let text = problems(refused).await.to_string();
        assert!(text.contains(&format!("reason_{}", made.id)) && text.contains("Required"), "{text}");
        assert_eq!(app.call(&lead, "/api/course/remove", &[("cohort", &cohort), ("referral", &referral), ("reason", "Ønsket individuell oppfølging.")]).await.status(), 200);
        let row = sqlx::query("select status, reason from enrolment where referral_id = $1").bind(made.id)
            .fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(row.try_get::<String, _>("status").unwrap(), "removed");
        assert_eq!(row.try_get::<Option<String>, _>("reason").unwrap().as_deref(), Some("Ønsket individuell oppfølging."));
        let body: Option<String> = sqlx::query("select body from referral_event where referral_id = $1 and kind = 'course_removed'")
            .bind(made.id).fetch_one(&app.state.db.pool).await.unwrap().try_get("body").unwrap();
        assert_eq!(body.as_deref(), Some("Ønsket individuell oppfølging."));
        let cancel = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du er meldt av").await;
        assert!(cancel.as_array().unwrap().iter().all(|f| f["method"] == "CANCEL"));
        // The timeline says so in words.
        let page = app.get_with(&lead, &format!("/board/{}", made.reference)).await.text().await.unwrap();
        assert!(page.contains("Meldt på kurset av ansatt") && page.contains("Fjernet fra kurset"), "timeline");
    }
}
