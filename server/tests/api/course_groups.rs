//! Running course groups: a lead starts one (each refusal said at its field), its
//! leaders move it on (finishing closes the participants' referrals as completed),
//! change its seats, leaders and place, and cancel or change a session: its time, or whether it meets by video or in person
//! (everyone with a seat gets the calendar's cancellation or update).

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

/// Forgets the mail sent to an address so far, so the next look finds the next one.
fn forget_mail_to(app: &TestApp, address: &str) {
    for entry in std::fs::read_dir(app.dir.join("outbox"))
        .unwrap()
        .filter_map(Result::ok)
    {
        let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if raw.contains(&format!("To: {address}")) {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
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

    async fn cancelling_a_group_cancels_every_session_to_come_for_everyone_and_hands_no_seat_on(app: TestApp) {
        let (cohort, seated) = citizen_with_a_seat(&app).await;
        // Full, with someone waiting.
        app.execute(&format!("update cohort set capacity = 1 where cohort_id = {}", cohort.0)).await;
        let waiting = crate::board::referral_in(&app, 1, "Per Venter", "9902", 1, 0).await.id;
        assert_eq!(courses::accept(&app.state.db, cohort, waiting).await.unwrap().unwrap(), app::domain::course::Placement::WaitList(1));
        let before = courses::sessions(&app.state.db, cohort).await.unwrap();
        let lead = app.signed_in(DEMO_LEAD).await;
        let response = app.call(&lead, "/api/course/group-state", &[("cohort", &cohort.0.to_string()), ("state", "cancelled")]).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        // Every session to come is cancelled, each a later version.
        let after = courses::sessions(&app.state.db, cohort).await.unwrap();
        assert!(after.iter().all(|s| s.cancelled));
        // The seat holder gets one cancellation per session, with its UID.
        let files = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Kurset ditt er avlyst").await;
        let files = files.as_array().unwrap();
        assert_eq!(files.len(), before.len());
        for (file, session) in files.iter().zip(&before) {
            assert_eq!(file["method"], "CANCEL");
            let event = &file["events"][0];
            assert_eq!(event["uid"].as_str().unwrap(), format!("session-{}@127.0.0.1", session.session_id));
            assert!(event["sequence"].as_i64().unwrap() > i64::from(session.sequence));
            assert_eq!(event["status"], "CANCELLED");
        }
        // My page says the group is cancelled and offers no way in.
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let mine: serde_json::Value = app.call(&citizen, "/api/course/mine", &[]).await.json().await.unwrap();
        assert_eq!(mine[0]["standing"], "Cancelled", "{mine}");
        assert!(mine[0]["sessions"].as_array().unwrap().iter().all(|s| s["cancelled"] == true && s["join"].is_null()));
        // Both have it on their timeline.
        assert_eq!(crate::courses::events_of(&app, seated).await.last().map(String::as_str), Some("course_cancelled"));
        assert_eq!(crate::courses::events_of(&app, waiting).await.last().map(String::as_str), Some("course_cancelled"));
        // A seat given up in a cancelled group goes to no one.
        assert_eq!(courses::leave(&app.state.db, cohort, seated, courses::Leaving::Withdraw, None).await.unwrap(), None);
        let status: String = sqlx::query("select status from enrolment where referral_id = $1").bind(waiting).fetch_one(&app.state.db.pool).await.unwrap().try_get("status").unwrap();
        assert_eq!(status, "waiting");
        // Its page enrols and removes no one.
        let page = app.get_with(&lead, &format!("/groups/{}", cohort.0)).await.text().await.unwrap();
        assert!(!page.contains("name=\"reason\"") && !page.contains("name=\"reference\""), "{page}");
        // "My groups" gives its seats, and no empty line where its dates were.
        let list = app.get_with(&lead, "/groups").await.text().await.unwrap();
        let card = list.split(&format!("href=\"/groups/{}\"", cohort.0)).nth(1).unwrap().split("</li>").next().unwrap().to_owned();
        assert!(card.contains("Avlyst") && card.contains("plasser tatt"), "{card}");
        assert!(!card.contains("<br"), "a line break before nothing: {card}");
        // Nothing moves a cancelled group on.
        let again = app.call(&lead, "/api/course/group-state", &[("cohort", &cohort.0.to_string()), ("state", "running")]).await;
        assert_eq!(again.status(), 422);
    }

    async fn a_leader_who_does_not_work_the_board_gets_no_link_to_it_from_the_group_page(app: TestApp) {
        // The board refuses a therapist: their group page names people without links
        // there (each name still opens the person's scores); a lead's links to it.
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        let page = app.get_with(&therapist, "/groups/1").await.text().await.unwrap();
        assert!(page.contains("Jonas Vik") && page.contains("/trajectory/RPH-DEMO-"), "{page}");
        assert!(!page.contains("href=\"/board/"), "a therapist's group page links to the board");
        let board = app.get_with(&therapist, "/board/RPH-DEMO-0101").await.text().await.unwrap();
        assert!(board.contains("Denne siden hører ikke til arbeidet ditt.") && !board.contains("Jonas Vik"), "{board}");
        let lead = app.signed_in(DEMO_LEAD).await;
        let page = app.get_with(&lead, "/groups/1").await.text().await.unwrap();
        assert!(page.contains("href=\"/board/RPH-DEMO-0101\""), "{page}");
    }

    async fn the_lead_sets_how_long_before_a_session_its_reminders_go_out(app: TestApp) {
        let (cohort, _) = citizen_with_a_seat(&app).await;
        let first = courses::sessions(&app.state.db, cohort).await.unwrap()[0].clone();
        let table = || app.count("course_reminder");
        // 30 hours before: outside the 24 hours every service starts with.
        let at = first.starts_at - 30 * 3600;
        app::server::course_reminders::schedule(&app.state.db, at).await.unwrap();
        let before = table().await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let hours: serde_json::Value = app.call(&lead, "/api/course/reminder-hours", &[]).await.json().await.unwrap();
        assert_eq!(hours, 24);
        // Out of range, or not a number: said at the field, what was typed kept.
        for bad in ["0", "200", "et døgn"] {
            let refused = problems(app.call(&lead, "/api/course/save-reminder-hours", &[("hours", bad)]).await).await.to_string();
            assert!(refused.contains("\"hours\"") && refused.contains("OutOfRange") && refused.contains(bad), "{refused}");
        }
        assert_eq!(app.call(&lead, "/api/course/save-reminder-hours", &[("hours", "48")]).await.status(), 200);
        let hours: serde_json::Value = app.call(&lead, "/api/course/reminder-hours", &[]).await.json().await.unwrap();
        assert_eq!(hours, 48);
        // Now the same moment is inside the window: the seat holder's reminder is due.
        app::server::course_reminders::schedule(&app.state.db, at).await.unwrap();
        assert!(table().await > before, "a reminder 48 hours ahead is on the table");
        // Only the lead sets it; the page shows it.
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        assert_eq!(app.call(&therapist, "/api/course/save-reminder-hours", &[("hours", "2")]).await.status(), 403);
        let page = app.get_with(&lead, "/courses").await.text().await.unwrap();
        assert!(page.contains("name=\"hours\"") && page.contains("value=\"48\""), "{page}");
    }

    async fn finishing_a_group_closes_its_participants_referrals_as_completed_and_nothing_changes_after(app: TestApp) {
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        // The running demo KiD; its participants' referrals are active.
        let active: i64 = sqlx::query("select count(*) as n from referral r join enrolment e on e.referral_id = r.referral_id where e.cohort_id = 1 and r.status = 'active'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(active, 5);
        let to_come: Vec<_> = courses::sessions(&app.state.db, CohortId(1)).await.unwrap().into_iter().filter(|s| s.starts_at > app::server::db::now()).collect();
        assert_eq!(to_come.len(), 7, "sessions 4 to 10 are still to come");
        // The page offers the two steps a running group can take, each saying what it
        // does; both cannot be taken back, so each asks to be confirmed first.
        let page = app.get_with(&therapist, "/groups/1").await.text().await.unwrap();
        assert!(page.contains("<summary>Avslutt kurset</summary>") && page.contains("Ja, avslutt kurset"), "finishing, confirmed");
        assert!(page.contains("<summary>Avlys kurset</summary>") && page.contains("Ja, avlys kurset"), "cancelling, confirmed");
        assert!(page.contains("avsluttes som fullført") && page.contains("Samlinger som gjenstår, også oppfølgingsmøter, holdes ikke") && !page.contains("Start kurset"), "what finishing does");
        // So does cancelling one session.
        assert!(page.contains("<summary>Avlys samling 10</summary>") && page.contains("Ja, avlys samling 10") && page.contains("Det kan ikke angres."), "cancelling a session, confirmed");
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
        // The sessions still to come are not held: cancelled, and out of every seat
        // holder's calendar with the same UIDs, told that the course has ended.
        let after = courses::sessions(&app.state.db, CohortId(1)).await.unwrap();
        assert!(after.iter().filter(|s| s.number >= 4).all(|s| s.cancelled), "{after:?}");
        assert!(after.iter().filter(|s| s.number < 4).all(|s| !s.cancelled), "the sessions held stay as they were");
        let files = crate::courses::calendar_sent_to(&app, "deltaker1@demo.example", "Subject: Kurset ditt er avsluttet").await;
        let files = files.as_array().unwrap();
        assert_eq!(files.len(), to_come.len());
        for (file, session) in files.iter().zip(&to_come) {
            assert_eq!(file["method"], "CANCEL");
            assert_eq!(file["events"][0]["uid"].as_str().unwrap(), format!("session-{}@127.0.0.1", session.session_id));
            assert!(file["events"][0]["sequence"].as_i64().unwrap() > i64::from(session.sequence));
        }
        // A finished group is history: no session of it is cancelled any more.
        let later = to_come[0].clone();
        let closed = app.call(&therapist, "/api/course/cancel-session", &[("cohort", "1"), ("session", &later.session_id.to_string())]).await;
        assert_eq!(closed.status(), 422);
        let text = closed.text().await.unwrap();
        assert!(text.contains("\"closed\""), "{text}");
        // The lead overrides the finish for someone who needs more: their referral is
        // active again, on its timeline. A leader may not; nor may anyone twice.
        let jonas: i64 = sqlx::query("select referral_id from referral where reference = 'RPH-DEMO-0105'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("referral_id").unwrap();
        let lead = app.signed_in(DEMO_LEAD).await;
        let page = app.get_with(&lead, "/groups/1").await.text().await.unwrap();
        assert_eq!(page.matches("Åpne henvisningen igjen").count(), 5, "one per participant closed at the finish");
        // History: nobody is enrolled in or removed from it any more.
        assert!(!page.contains("name=\"reason\"") && !page.contains("name=\"reference\""), "{page}");
        assert!(!page.contains("/rooms/"), "no way into the rooms of a finished group: {page}");
        // A participant reads that the course is over, with nothing to press.
        let ola = app.signed_in(("deltaker1@demo.example", "demo-passord-deltaker", None)).await;
        let mine: serde_json::Value = app.call(&ola, "/api/course/mine", &[]).await.json().await.unwrap();
        assert_eq!(mine[0]["standing"], "Finished", "{mine}");
        let account = app.get_with(&ola, "/account").await.text().await.unwrap();
        assert!(account.contains("Kurset er ferdig.") && !account.contains("Meld meg av kurset"), "{account}");
        let page = app.get_with(&therapist, "/groups/1").await.text().await.unwrap();
        assert!(!page.contains("Åpne henvisningen igjen"));
        let reopen = |who: reqwest::Client| {
            let app = &app;
            async move { app.call(&who, "/api/course/reopen", &[("cohort", "1"), ("referral", &jonas.to_string())]).await.status() }
        };
        assert_eq!(reopen(therapist.clone()).await, 403);
        assert_eq!(reopen(lead.clone()).await, 200);
        let status: String = sqlx::query("select status from referral where referral_id = $1").bind(jonas)
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("status").unwrap();
        assert_eq!(status, "active");
        assert_eq!(crate::courses::events_of(&app, jonas).await.last().map(String::as_str), Some("course_reopened"));
        assert_eq!(reopen(lead.clone()).await, 404);
        let page = app.get_with(&lead, "/groups/1").await.text().await.unwrap();
        assert_eq!(page.matches("Åpne henvisningen igjen").count(), 4);
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

    async fn moving_a_session_sends_its_update_and_its_reminder_follows_it(app: TestApp) {
        let (cohort, _) = citizen_with_a_seat(&app).await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let sessions = courses::sessions(&app.state.db, cohort).await.unwrap();
        let third = sessions[2].clone();
        let id = third.session_id.to_string();
        let cohort_id = cohort.0.to_string();
        // Its reminder is on the table already (the window opened).
        app::server::course_reminders::schedule(&app.state.db, third.starts_at - 3600).await.unwrap();
        let reminders = |session: i64| {
            let app = &app;
            async move {
                sqlx::query("select count(*) as n from course_reminder where cohort_session_id = $1").bind(session)
                    .fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("n").unwrap()
            }
        };
        assert_eq!(reminders(third.session_id).await, 1);
        let day_after = app::domain::course::LocalDate::of(third.starts_at).plus_days(1).iso();
        let call = |date: String, time: &'static str| {
            let (app, lead, cohort_id, id) = (&app, lead.clone(), cohort_id.clone(), id.clone());
            async move {
                app.call(&lead, "/api/course/change-session", &[("cohort", cohort_id.as_str()), ("session", &id), ("date", &date), ("time", time), ("format", "video")]).await
            }
        };

        // The past, a time that is no time, and the hour of the leader's next session:
        // each said at its field, with what was typed, nothing moved.
        let past = problems(call(in_days(-2), "18:00").await).await.to_string();
        assert!(past.contains(&format!("date_{id}")) && past.contains("session_in_past"), "{past}");
        let nonsense = problems(call(day_after.clone(), "25:99").await).await.to_string();
        assert!(nonsense.contains(&format!("time_{id}")) && nonsense.contains("25:99"), "{nonsense}");
        let fourth = &sessions[3];
        let (h, m) = app::domain::clock::oslo_time(fourth.starts_at);
        let clash_time: &'static str = Box::leak(format!("{h:02}:{m:02}").into_boxed_str());
        let clash = problems(call(app::domain::course::LocalDate::of(fourth.starts_at).iso(), clash_time).await).await.to_string();
        assert!(clash.contains(&format!("time_{id}")) && clash.contains("leader_overlap"), "{clash}");
        assert_eq!(courses::sessions(&app.state.db, cohort).await.unwrap()[2], third);

        // The day after at 18:00: as long as before, a version later.
        assert_eq!(call(day_after, "18:00").await.status(), 200);
        let moved = courses::sessions(&app.state.db, cohort).await.unwrap()[2].clone();
        assert_eq!(app::domain::clock::oslo_time(moved.starts_at), (18, 0));
        assert_eq!(moved.ends_at - moved.starts_at, third.ends_at - third.starts_at);
        assert_eq!(moved.sequence, third.sequence + 1);
        let files = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: En kurssamling er endret").await;
        let files = files.as_array().unwrap();
        assert_eq!(files.len(), 1, "one file, for that session only");
        assert_eq!(files[0]["method"], "REQUEST");
        let event = &files[0]["events"][0];
        assert_eq!(event["uid"].as_str().unwrap(), format!("session-{}@127.0.0.1", third.session_id));
        assert_eq!(event["sequence"], moved.sequence);
        assert_eq!(event["start"], moved.starts_at);
        assert!(event["local_start"].as_str().unwrap().ends_with(" 18:00"), "{event}");
        // Its reminder left the table, and comes back for the new time.
        assert_eq!(reminders(third.session_id).await, 0);
        app::server::course_reminders::schedule(&app.state.db, moved.starts_at - 3600).await.unwrap();
        let due: i64 = sqlx::query("select due_at from course_reminder where cohort_session_id = $1").bind(third.session_id)
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("due_at").unwrap();
        assert_eq!(due, moved.starts_at - 24 * 3600);
    }

    async fn a_session_changes_between_video_and_in_person_and_the_calendar_and_reminder_follow(app: TestApp) {
        let (cohort, _) = citizen_with_a_seat(&app).await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let sessions = courses::sessions(&app.state.db, cohort).await.unwrap();
        let third = sessions[2].clone();
        assert_eq!(third.format, app::domain::course::Format::Video);
        let video_code = third.room_code.clone().expect("a video session has its room");
        let id = third.session_id.to_string();
        let cohort_id = cohort.0.to_string();
        let (h, m) = app::domain::clock::oslo_time(third.starts_at);
        let date = app::domain::course::LocalDate::of(third.starts_at).iso();
        let time = format!("{h:02}:{m:02}");
        let call = |format: &'static str| {
            let (app, lead, cohort_id, id, date, time) = (&app, lead.clone(), cohort_id.clone(), id.clone(), date.clone(), time.clone());
            async move {
                app.call(&lead, "/api/course/change-session", &[("cohort", cohort_id.as_str()), ("session", &id), ("date", &date), ("time", &time), ("format", format)]).await
            }
        };
        // The same time and way: nothing changes, nobody is told.
        forget_mail_to(&app, DEMO_CITIZEN.0);
        assert_eq!(call("video").await.status(), 200);
        assert_eq!(courses::sessions(&app.state.db, cohort).await.unwrap()[2], third);
        // A way that is not one, and in person where the group has no place: said at
        // the session's field, with what was chosen; nothing changed.
        app.execute(&format!("update cohort set place = '' where cohort_id = {}", cohort.0)).await;
        let neither = problems(call("both").await).await.to_string();
        assert!(neither.contains(&format!("format_{id}")) && neither.contains("ChooseOne"), "{neither}");
        let nowhere = problems(call("in_person").await).await.to_string();
        assert!(nowhere.contains(&format!("format_{id}")) && nowhere.contains("no_place") && nowhere.contains("in_person"), "{nowhere}");
        assert_eq!(courses::sessions(&app.state.db, cohort).await.unwrap()[2], third);
        assert!(app.mail_to(DEMO_CITIZEN.0).is_empty(), "nobody told of what did not change");

        // In person at the group's place: no room, a version later, the calendar's
        // update names the place, and the session's reminder gives the place, no link.
        app.execute(&format!("update cohort set place = 'Helsehuset, 2. etasje' where cohort_id = {}", cohort.0)).await;
        assert_eq!(call("in_person").await.status(), 200);
        let met = courses::sessions(&app.state.db, cohort).await.unwrap()[2].clone();
        assert_eq!(met.format, app::domain::course::Format::InPerson);
        assert_eq!(met.room_code, None, "no way in by video");
        assert_eq!((met.starts_at, met.ends_at), (third.starts_at, third.ends_at));
        assert_eq!(met.sequence, third.sequence + 1);
        let files = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: En kurssamling er endret").await;
        let files = files.as_array().unwrap();
        assert_eq!(files.len(), 1, "one file, for that session only");
        let event = &files[0]["events"][0];
        assert_eq!(event["uid"].as_str().unwrap(), format!("session-{}@127.0.0.1", third.session_id));
        assert_eq!(event["sequence"], met.sequence);
        assert_eq!(event["location"], "Helsehuset, 2. etasje");
        let told = app.mail_to(DEMO_CITIZEN.0).into_iter().find(|m| m.subject == "En kurssamling er endret").unwrap();
        // (Bodies are quoted-printable: soft line breaks joined, 'ø' as its bytes.)
        let plain = |body: &str| body.replace("=\r\n", "").replace("=\n", "");
        assert!(plain(&told.body).contains("med framm=C3=B8te: Helsehuset, 2. etasje") && !told.body.contains("/rooms/"), "{}", told.body);
        app::server::course_reminders::run(&app.state, met.starts_at - 3600).await.unwrap();
        // (A subject with an "å" is encoded on the wire: the reminder's ends with the hour.)
        let mails = app.wait_for_mail_to(DEMO_CITIZEN.0, 2).await;
        let reminder = mails.iter().find(|m| m.subject.contains(" kurssamling ") && !m.subject.contains("endret")).expect("a reminder");
        assert!(plain(&reminder.body).contains("Sted: Helsehuset, 2. etasje"), "{}", reminder.body);
        assert!(!reminder.body.contains("/rooms/"), "{}", reminder.body);
        // The group page shows it in person, without a link to a room.
        let page: serde_json::Value = app.call(&lead, "/api/course/group", &[("cohort", &cohort_id)]).await.json().await.unwrap();
        let shown = page["sessions"].as_array().unwrap().iter().find(|s| s["session_id"] == third.session_id).unwrap().clone();
        assert_eq!(shown["format"], "in_person");
        assert_eq!(shown["line"]["how"], "Frammøte: Helsehuset, 2. etasje");
        assert!(shown["link"].is_null(), "{shown}");

        // The group's place cannot be emptied while a session still meets there.
        let therapist = account_id(&app, "terapeut@demo.example").await;
        let seats = courses::seats(&app.state.db, cohort).await.unwrap().unwrap().capacity.to_string();
        let leaders = courses::leaders(&app.state.db, cohort).await.unwrap();
        let leader = leaders.first().map(|l| l.to_string()).unwrap_or(therapist);
        let emptied = problems(app.call(&lead, "/api/course/change-group", &[("cohort", cohort_id.as_str()), ("capacity", &seats), ("leader", &leader), ("co_leader", ""), ("place", " ")]).await).await.to_string();
        assert!(emptied.contains("\"place\"") && emptied.contains("no_place"), "{emptied}");
        assert_eq!(courses::place_of_cohort(&app.state.db, cohort).await.unwrap(), "Helsehuset, 2. etasje");

        // Back to video: its room again (links sent earlier work again), and the
        // calendar gives its address.
        forget_mail_to(&app, DEMO_CITIZEN.0);
        assert_eq!(call("video").await.status(), 200);
        let back = courses::sessions(&app.state.db, cohort).await.unwrap()[2].clone();
        assert_eq!(back.format, app::domain::course::Format::Video);
        let code = back.room_code.clone().expect("a room to meet in");
        assert_eq!(code, video_code);
        assert_eq!(back.sequence, met.sequence + 1);
        let files = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: En kurssamling er endret").await;
        assert!(files[0]["events"][0]["location"].as_str().unwrap().ends_with(&format!("/rooms/{code}")), "{files}");
    }

    async fn changing_a_group_holds_new_seats_for_the_wait_list_and_never_seats_fewer_than_hold_one(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let cohort = crate::board::open_cohort_id(&app).await;
        let id = CohortId(cohort.parse().unwrap());
        let therapist = account_id(&app, "terapeut@demo.example").await;
        for _ in 0..2 {
            let seated = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
            courses::accept(&app.state.db, id, seated.id).await.unwrap().unwrap();
        }
        let held = courses::seats(&app.state.db, id).await.unwrap().unwrap().seats_held;
        assert!(held >= 2);
        let change = |capacity: String, leader: String, co_leader: String, place: &'static str| {
            let (app, lead, cohort) = (&app, lead.clone(), cohort.clone());
            async move {
                app.call(&lead, "/api/course/change-group", &[("cohort", cohort.as_str()), ("capacity", &capacity), ("leader", &leader), ("co_leader", &co_leader), ("place", place)]).await
            }
        };
        // Exactly the seats held: full; two more people wait.
        let full = change(held.to_string(), therapist.clone(), String::new(), "").await;
        let status = full.status();
        assert_eq!(status, 200, "{}", full.text().await.unwrap());
        let mut waiting = Vec::new();
        for (i, email) in ["vent1@demo.example", "vent2@demo.example"].into_iter().enumerate() {
            let made = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
            let account = app.create_account(email, "Vent", "citizen", "et langt passord her", None).await;
            app.execute(&format!("update referral set account_id = {account} where referral_id = {}", made.id)).await;
            let placed = courses::accept(&app.state.db, id, made.id).await.unwrap().unwrap();
            assert_eq!(placed, app::domain::course::Placement::WaitList(i as u32 + 1));
            waiting.push(made.id);
        }
        // Fewer seats than are held, and the same leader twice: said at each field.
        let below = problems(change((held - 1).to_string(), therapist.clone(), String::new(), "").await).await.to_string();
        assert!(below.contains("\"capacity\"") && below.contains("capacity_below_enrolled"), "{below}");
        let twice = problems(change(held.to_string(), therapist.clone(), therapist.clone(), "").await).await.to_string();
        assert!(twice.contains("\"co_leader\"") && twice.contains("leaders"), "{twice}");
        // One seat more: held for the first in line, who is told; the second still waits.
        assert_eq!(change((held + 1).to_string(), therapist.clone(), String::new(), "").await.status(), 200);
        let status = |referral: i64| {
            let app = &app;
            async move {
                sqlx::query("select status from enrolment where referral_id = $1").bind(referral)
                    .fetch_one(&app.state.db.pool).await.unwrap().try_get::<String, _>("status").unwrap()
            }
        };
        assert_eq!(status(waiting[0]).await, "seat_offered");
        assert_eq!(status(waiting[1]).await, "waiting");
        let seats = courses::seats(&app.state.db, id).await.unwrap().unwrap();
        assert_eq!((seats.capacity, seats.seats_held), (held + 1, held + 1));
        let told = app.wait_for_mail_to("vent1@demo.example", 1).await;
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].subject, "En plass er ledig til deg");
        assert!(app.mail_to("vent2@demo.example").is_empty());
        // The lead as co-leader: both lead it now.
        let lead_id = account_id(&app, DEMO_LEAD.0).await;
        assert_eq!(change((held + 1).to_string(), therapist.clone(), lead_id.clone(), "").await.status(), 200);
        assert_eq!(courses::leaders(&app.state.db, id).await.unwrap().len(), 2);
        // A finished group is not changed.
        app.execute(&format!("update cohort set state = 'finished' where cohort_id = {cohort}")).await;
        let closed = problems(change((held + 1).to_string(), therapist, String::new(), "").await).await.to_string();
        assert!(closed.contains("\"closed\""), "{closed}");
    }

    async fn a_new_place_sends_everyone_with_a_seat_the_update_of_each_in_person_session(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let form: serde_json::Value = app.call(&lead, "/api/course/group-form", &[]).await.json().await.unwrap();
        let course = form["courses"][0][0].to_string();
        let therapist = account_id(&app, "terapeut@demo.example").await;
        let created = app.call(&lead, "/api/course/create-group", &[("course", course.as_str()), ("first", &in_days(40)), ("time", "09:00"), ("leader", &therapist), ("capacity", "8"), ("format", "in_person"), ("place", "Rådhuset, rom 2"), ("open", "yes")]).await;
        assert_eq!(created.status(), 200);
        let cohort: i64 = sqlx::query("select max(cohort_id) as id from cohort").fetch_one(&app.state.db.pool).await.unwrap().try_get("id").unwrap();
        let made = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
        app.execute(&format!("update referral set account_id = (select account_id from account where email = '{}') where referral_id = {}", DEMO_CITIZEN.0, made.id)).await;
        assert_eq!(app.call(&lead, "/api/course/enrol", &[("cohort", &cohort.to_string()), ("reference", &made.reference)]).await.status(), 200);
        let invitation = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du har plass ").await;
        assert!(invitation[0]["events"][0]["location"].as_str().unwrap().contains("Rådhuset, rom 2"));

        let changed = app.call(&lead, "/api/course/change-group", &[("cohort", &cohort.to_string()), ("capacity", "8"), ("leader", &therapist), ("place", "Biblioteket, 2. etasje")]).await;
        assert_eq!(changed.status(), 200);
        let files = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Nytt sted for kurset").await;
        let files = files.as_array().unwrap();
        let sessions = courses::sessions(&app.state.db, CohortId(cohort)).await.unwrap();
        assert_eq!(files.len(), sessions.len());
        for (file, session) in files.iter().zip(&sessions) {
            assert_eq!(file["method"], "REQUEST");
            let event = &file["events"][0];
            assert_eq!(event["uid"].as_str().unwrap(), format!("session-{}@127.0.0.1", session.session_id));
            assert_eq!(event["sequence"], 1);
            assert!(event["location"].as_str().unwrap().contains("Biblioteket, 2. etasje"), "{event}");
        }
    }

    async fn someone_enrolled_again_after_being_removed_gets_a_request_their_calendar_takes(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let cohort = crate::board::open_cohort_id(&app).await;
        let made = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
        app.execute(&format!("update referral set account_id = (select account_id from account where email = '{}') where referral_id = {}", DEMO_CITIZEN.0, made.id)).await;
        let referral = made.id.to_string();
        let first_sequence = |files: &serde_json::Value| files[0]["events"][0]["sequence"].as_i64().unwrap();
        assert_eq!(app.call(&lead, "/api/course/enrol", &[("cohort", &cohort), ("reference", &made.reference)]).await.status(), 200);
        let first = first_sequence(&calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du har plass ").await);
        assert_eq!(app.call(&lead, "/api/course/remove", &[("cohort", &cohort), ("referral", &referral), ("reason", "Feil gruppe.")]).await.status(), 200);
        let cancel = first_sequence(&calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du er meldt av").await);
        assert!(cancel > first, "a cancellation is a later version ({cancel} after {first})");
        forget_mail_to(&app, DEMO_CITIZEN.0);
        assert_eq!(app.call(&lead, "/api/course/enrol", &[("cohort", &cohort), ("reference", &made.reference)]).await.status(), 200);
        let again = first_sequence(&calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du har plass ").await);
        // A calendar ignores a request older than the cancellation it holds.
        assert!(again >= cancel, "the new invitation ({again}) must not be older than the cancellation ({cancel})");
    }
}
