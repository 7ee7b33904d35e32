//! Group courses: the shipped catalogue, cohorts with dated sessions, and seats.

use app::domain::capability::ServiceId;
use app::domain::course::{
    CohortError, CohortId, CohortState, Format, LocalDate, LocalTime, Placement, WeeklyPlan,
};
use app::domain::outcome::TimePoint;
use app::server::courses::{self, Leaving, NewCohort};
use sqlx::Row as _;

use crate::board::{open_cohort_id, referral_in};
use crate::helpers::{TestApp, DEMO_CITIZEN, DEMO_INTAKE};
use crate::on_both_backends;

const DEMO: ServiceId = ServiceId(1);

async fn therapist(app: &TestApp) -> i64 {
    app::server::accounts::id_by_email(&app.state.db, "terapeut@demo.example")
        .await
        .unwrap()
        .unwrap()
}

/// An open KiB cohort with one leader, starting some weeks from now.
async fn open_cohort(
    app: &TestApp,
    capacity: i64,
    in_weeks: i64,
    time: &str,
) -> Result<CohortId, CohortError> {
    let course = courses::courses_of(&app.state.db, DEMO)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.template.as_deref() == Some("worry"))
        .unwrap();
    let plan = WeeklyPlan {
        first: LocalDate::of(app::server::db::now()).plus_days(in_weeks * 7),
        time: LocalTime::parse(time).unwrap(),
        minutes: course.session_minutes,
        weekly: course.weekly_sessions,
        follow_ups: course.follow_ups,
        follow_up_weeks: course.follow_up_weeks,
        skip: Vec::new(),
    };
    courses::create_cohort(
        &app.state.db,
        &NewCohort {
            course: course.course_id,
            service: DEMO,
            leaders: vec![therapist(app).await],
            capacity,
            plan,
            format: Format::Video,
            place: String::new(),
            state: CohortState::Open,
        },
    )
    .await
    .unwrap()
}

/// The course events on a referral's timeline, oldest first.
pub(crate) async fn events_of(app: &TestApp, referral: i64) -> Vec<String> {
    sqlx::query("select kind from referral_event where referral_id = $1 and kind like 'course%' order by referral_event_id")
        .bind(referral)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("kind").unwrap())
        .collect()
}

async fn status_of(app: &TestApp, cohort: CohortId, referral: i64) -> String {
    sqlx::query("select status from enrolment where cohort_id = $1 and referral_id = $2")
        .bind(cohort.0)
        .bind(referral)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get("status")
        .unwrap()
}

on_both_backends! {
    async fn every_service_gets_the_shipped_courses_and_the_demo_service_two_cohorts(app: TestApp) {
        // KiD, KiB and the worry course, for both demo services.
        assert_eq!(app.count("course").await, 6);
        let names: Vec<String> = courses::courses_of(&app.state.db, DEMO).await.unwrap().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["Kurs i bekymringsmestring", "Kurs i belastningsmestring (KiB)", "Kurs i depresjonsmestring (KiD)"]);
        // A running KiD with five participants and an open KiB: 10 sessions each, every
        // one by video with its own room.
        assert_eq!(app.count("cohort").await, 2);
        assert_eq!(app.count("enrolment").await, 5);
        assert_eq!(app.count("cohort_session").await, 20);
        let with_rooms = sqlx::query("select count(*) as n from cohort_session s join room r on r.room_id = s.room_id where s.format = 'video'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("n").unwrap();
        assert_eq!(with_rooms, 20);
        let running = sqlx::query("select seats_held from cohort where state = 'running'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("seats_held").unwrap();
        assert_eq!(running, 5);
    }

    async fn twenty_people_accepting_twelve_seats_at_once_end_twelve_enrolled_and_eight_waiting_in_order(app: TestApp) {
        let cohort = open_cohort(&app, 12, 5, "10:00").await.unwrap();
        let mut referrals = Vec::new();
        for i in 0..20 {
            referrals.push(referral_in(&app, 1, &format!("Person {i}"), "9901", 1, 0).await.id);
        }
        let tasks: Vec<_> = referrals
            .iter()
            .map(|&referral| {
                let db = app.state.db.clone();
                tokio::spawn(async move { courses::accept(&db, cohort, referral).await.unwrap().unwrap() })
            })
            .collect();
        let mut placements = Vec::new();
        for task in tasks {
            placements.push(task.await.unwrap());
        }
        let seats = placements.iter().filter(|p| **p == Placement::Seat).count();
        let mut places: Vec<u32> = placements
            .iter()
            .filter_map(|p| match p { Placement::WaitList(n) => Some(*n), Placement::Seat => None })
            .collect();
        places.sort_unstable();
        assert_eq!(seats, 12);
        assert_eq!(places, (1..=8).collect::<Vec<u32>>());
        let held = courses::seats(&app.state.db, cohort).await.unwrap().unwrap();
        assert_eq!(held.seats_held, 12);
        let rows = courses::enrolments_of_cohort(&app.state.db, cohort).await.unwrap();
        assert_eq!(rows.iter().filter(|e| e.status.key() == "enrolled").count(), 12);
        let waiting: Vec<i64> = rows.iter().filter(|e| e.status.key() == "waiting").filter_map(|e| e.wait_number).collect();
        assert_eq!(waiting, (1..=8).collect::<Vec<i64>>());
        // Accepting again answers where one stands and takes nothing more.
        let again = courses::accept(&app.state.db, cohort, referrals[0]).await.unwrap().unwrap();
        assert!(placements[0] == again);
        assert_eq!(courses::seats(&app.state.db, cohort).await.unwrap().unwrap().seats_held, 12);
    }

    async fn groups_started_at_once_for_one_leader_at_one_hour_make_exactly_one(app: TestApp) {
        // Each start checks the leader's other sessions, then writes its own: without a
        // lock on the leader between the two, PostgreSQL let several through.
        let app = std::sync::Arc::new(app);
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let app = app.clone();
                tokio::spawn(async move { open_cohort(&app, 10, 40, "20:00").await })
            })
            .collect();
        let mut made = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => made += 1,
                Err(e) => assert_eq!(e, CohortError::LeaderOverlap),
            }
        }
        assert_eq!(made, 1);
    }

    async fn a_freed_seat_is_held_for_the_first_waiting_and_passes_on_when_its_deadline_goes_by(app: TestApp) {
        // The server's own seat_offers pass at start-up must not lapse the offer this
        // test moves back in time (it once did, on PostgreSQL, and the next in line's
        // fresh offer then lapsed in the test's own pass).
        app.startup_jobs_done().await;
        let cohort = open_cohort(&app, 2, 5, "10:00").await.unwrap();
        let mut people = Vec::new();
        for i in 0..4 {
            let id = referral_in(&app, 1, &format!("Person {i}"), "9901", 1, 0).await.id;
            courses::accept(&app.state.db, cohort, id).await.unwrap().unwrap();
            people.push(id);
        }
        // The second in line asks where they stand.
        assert_eq!(courses::accept(&app.state.db, cohort, people[3]).await.unwrap().unwrap(), Placement::WaitList(2));
        // A seat holder withdraws: the first in line is offered the seat.
        let offered = courses::leave(&app.state.db, cohort, people[0], Leaving::Withdraw, None).await.unwrap();
        assert_eq!(offered, Some(people[2]));
        assert_eq!(status_of(&app, cohort, people[2]).await, "seat_offered");
        assert_eq!(courses::accept(&app.state.db, cohort, people[3]).await.unwrap().unwrap(), Placement::WaitList(1));
        // Withdrawing twice changes nothing.
        assert_eq!(courses::leave(&app.state.db, cohort, people[0], Leaving::Withdraw, None).await.unwrap(), None);
        // Three days later the offer lapses and passes on to the next.
        let later = app::server::db::now() + app::domain::course::enrolment::SEAT_OFFER_SECONDS;
        app.execute(&format!("update enrolment set seat_offered_at = seat_offered_at - {} where status = 'seat_offered'", app::domain::course::enrolment::SEAT_OFFER_SECONDS)).await;
        // Too late to take it now.
        assert_eq!(courses::accept(&app.state.db, cohort, people[2]).await.unwrap(), Err(CohortError::SeatLapsed));
        assert_eq!(courses::lapse_seat_offers(&app.state.db, later).await.unwrap(), 1);
        assert_eq!(status_of(&app, cohort, people[2]).await, "passed");
        assert_eq!(status_of(&app, cohort, people[3]).await, "seat_offered");
        // Each on the person's timeline: the seat held, and the seat passed on.
        assert_eq!(events_of(&app, people[2]).await, ["course_seat_held", "course_seat_passed"]);
        assert_eq!(events_of(&app, people[3]).await, ["course_seat_held"]);
        // They take it; then someone is removed with no one waiting: the seat is free.
        assert_eq!(courses::accept(&app.state.db, cohort, people[3]).await.unwrap().unwrap(), Placement::Seat);
        assert_eq!(status_of(&app, cohort, people[3]).await, "enrolled");
        // A pass after they took it leaves the taken seat alone.
        let much_later = later + 10 * app::domain::course::enrolment::SEAT_OFFER_SECONDS;
        assert_eq!(courses::lapse_seat_offers(&app.state.db, much_later).await.unwrap(), 0);
        let left = courses::leave_at(&app.state.db, cohort, people[3], Leaving::Pass, None, much_later).await.unwrap();
        assert!(!left.left);
        assert_eq!(status_of(&app, cohort, people[3]).await, "enrolled");
        assert_eq!(courses::seats(&app.state.db, cohort).await.unwrap().unwrap().seats_held, 2);
        courses::leave(&app.state.db, cohort, people[1], Leaving::Remove, Some("Flyttet")).await.unwrap();
        assert_eq!(courses::seats(&app.state.db, cohort).await.unwrap().unwrap().seats_held, 1);
        // And a cohort that has started takes no one.
        app.execute(&format!("update cohort set state = 'running' where cohort_id = {}", cohort.0)).await;
        assert_eq!(courses::accept(&app.state.db, cohort, people[0]).await.unwrap(), Err(CohortError::NotTakingEnrolment));
    }

    async fn a_cohort_whose_sessions_overlap_another_of_its_leader_is_refused(app: TestApp) {
        // Mornings: the demo cohorts of this leader meet at noon and in the evening.
        let first = open_cohort(&app, 10, 6, "07:00").await;
        assert!(first.is_ok());
        // Same day, starting an hour into the first one's sessions.
        let clash = open_cohort(&app, 10, 6, "08:00").await;
        assert_eq!(clash, Err(CohortError::LeaderOverlap));
        // Right after it ends (two hours) is fine.
        assert!(open_cohort(&app, 10, 6, "09:00").await.is_ok());
        assert_eq!(open_cohort(&app, 0, 20, "10:00").await, Err(CohortError::CapacityOutOfRange));
    }
}

on_both_backends! {
    async fn the_service_page_lists_its_courses_with_the_next_start_and_without_javascript(app: TestApp) {
        let html = app.get("/services/demo").await.text().await.unwrap();
        assert!(html.contains("Kurs i grupper"), "{html}");
        for name in ["Kurs i depresjonsmestring (KiD)", "Kurs i belastningsmestring (KiB)", "Kurs i bekymringsmestring"] {
            assert!(html.contains(name), "{name}");
        }
        assert!(html.contains("8 samlinger + 2 oppfølgingsmøter · 2 t 30 min"));
        // The open KiB starts three weeks and three days from the day the demo data was
        // loaded; the running KiD has begun, so it shows no next start.
        let kib = app::domain::clock::format_oslo_date(
            sqlx::query("select min(s.starts_at) as at from cohort_session s join cohort c on c.cohort_id = s.cohort_id where c.state = 'open'")
                .fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("at").unwrap(),
        );
        assert!(html.contains(&format!("Neste kurs starter {kib}.")), "{kib}");
        assert_eq!(html.matches("Ny oppstart er ikke satt ennå.").count(), 2);
    }
}

/// A referral of the demo citizen's, assessed and waiting for a decision.
async fn assessed_referral_of_the_citizen(
    app: &TestApp,
    intake: &reqwest::Client,
) -> crate::board::Made {
    let made = referral_in(app, 1, "Kari Nordmann", "9901", 1, 0).await;
    app.execute(&format!("update referral set account_id = (select account_id from account where email = '{}') where referral_id = {}", DEMO_CITIZEN.0, made.id)).await;
    app.call(
        intake,
        "/api/board/move",
        &[("reference", &made.reference), ("to", "in_assessment")],
    )
    .await;
    made
}

on_both_backends! {
    async fn a_group_course_is_offered_in_a_cohort_with_a_free_seat_and_a_full_or_missing_one_is_named(app: TestApp) {
        let intake = app.signed_in(DEMO_INTAKE).await;
        let made = assessed_referral_of_the_citizen(&app, &intake).await;
        let r = made.reference.as_str();
        // The form lists the open cohort with its free seats.
        let view: serde_json::Value = app.call(&intake, "/api/board/open", &[("reference", r)]).await.json().await.unwrap();
        let choices = view["cohorts"].as_array().unwrap();
        assert_eq!(choices.len(), 1, "{view}");
        assert!(choices[0][1].as_str().unwrap().starts_with("Kurs i belastningsmestring (KiB) · starter "), "{view}");
        assert!(choices[0][1].as_str().unwrap().ends_with(" · 10 av 10 plasser ledige"), "{view}");
        let decide = |cohort: String| {
            let intake = intake.clone();
            let app = &app;
            async move {
                app.call(&intake, "/api/board/decide", &[("reference", r), ("decision", "group_course"), ("reason", "Ønsker kurs."), ("cohort", &cohort)]).await
            }
        };
        // No cohort chosen, or another service's: named at the field, nothing decided.
        for bad in [String::new(), "9999".to_owned()] {
            let refused = decide(bad).await;
            assert_eq!(refused.status(), 422);
            let body: serde_json::Value = refused.json().await.unwrap();
            assert_eq!(body["Invalid"]["errors"][0]["field"], "cohort");
            assert_eq!(body["Invalid"]["errors"][0]["problem"], "ChooseOne");
            assert_eq!(body["Invalid"]["values"][1][1], "Ønsker kurs.", "the reason typed comes back");
        }
        // A full cohort, and one that has started.
        let cohort = open_cohort_id(&app).await;
        app.execute(&format!("update cohort set seats_held = capacity where cohort_id = {cohort}")).await;
        let body: serde_json::Value = decide(cohort.clone()).await.json().await.unwrap();
        assert_eq!(body["Invalid"]["errors"][0]["problem"], serde_json::json!({"Cohort": "full"}));
        // One that has started, one still being planned (its dates may change) and a
        // cancelled one: none takes enrolment.
        for state in ["running", "planned", "cancelled"] {
            app.execute(&format!("update cohort set seats_held = 0, state = '{state}' where cohort_id = {cohort}")).await;
            let body: serde_json::Value = decide(cohort.clone()).await.json().await.unwrap();
            assert_eq!(body["Invalid"]["errors"][0]["problem"], serde_json::json!({"Cohort": "not_taking_enrolment"}), "{state}");
        }
        let decided = sqlx::query("select count(*) as n from referral_decision where referral_id = $1")
            .bind(made.id).fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("n").unwrap();
        assert_eq!(decided, 0);
        app.execute(&format!("update cohort set state = 'open' where cohort_id = {cohort}")).await;
        assert_eq!(decide(cohort.clone()).await.status(), 200);
        let offered: i64 = sqlx::query("select cohort_id from offer where referral_id = $1")
            .bind(made.id).fetch_one(&app.state.db.pool).await.unwrap().try_get("cohort_id").unwrap();
        assert_eq!(offered.to_string(), cohort);
    }

    async fn the_person_sees_the_offered_course_with_its_dates_and_accepts_or_declines_it_without_javascript(app: TestApp) {
        let intake = app.signed_in(DEMO_INTAKE).await;
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let made = assessed_referral_of_the_citizen(&app, &intake).await;
        let cohort = open_cohort_id(&app).await;
        app.call(&intake, "/api/board/decide", &[("reference", &made.reference), ("decision", "group_course"), ("reason", "Ønsker kurs."), ("cohort", &cohort)]).await;
        let page = app.get_with(&citizen, "/account").await.text().await.unwrap();
        assert!(page.contains("Du har fått tilbud om plass på dette kurset."), "{page}");
        assert!(page.contains("Kurs i belastningsmestring (KiB)"));
        // Ten dates, each with its weekday, time and how it meets.
        let first = sqlx::query("select starts_at from cohort_session where cohort_id = $1 and number = 1")
            .bind(cohort.parse::<i64>().unwrap()).fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("starts_at").unwrap();
        let date = app::domain::clock::format_oslo_date(first);
        assert!(page.contains(&format!("{date}, 12:00–14:30")), "{date} {page}");
        let sessions = page.split("class=\"sessions\"").nth(1).unwrap().split("</ol>").next().unwrap();
        assert_eq!(sessions.matches("<li").count(), 10);
        assert!(page.contains("Ja takk, jeg vil være med") && page.contains("Nei takk"));
        // Accepting, as a plain form does: back to My page with a seat.
        let accepted = app.post_form_with(&citizen, "/api/course/accept", "/account", &[("reference", &made.reference)]).await;
        assert!(accepted.status().is_redirection(), "{}", accepted.status());
        assert!(crate::helpers::location(&accepted).starts_with("/account?course=accepted"));
        let page = app.get_with(&citizen, "/account?course=accepted").await.text().await.unwrap();
        assert!(page.contains("Takk for svaret ditt."));
        assert!(page.contains("Du har plass på kurset."), "{page}");
        // Leaving opens first, says what follows, and asks to be confirmed.
        assert!(page.contains("<summary>Meld meg av kurset</summary>") && page.contains("går videre til den neste som venter") && page.contains("Ja, meld meg av"), "{page}");
        let seats = courses::seats(&app.state.db, CohortId(cohort.parse().unwrap())).await.unwrap().unwrap();
        assert_eq!(seats.seats_held, 1);
        // The board's timeline says so.
        let view: serde_json::Value = app.call(&intake, "/api/board/open", &[("reference", &made.reference)]).await.json().await.unwrap();
        assert!(view["timeline"].to_string().contains("Takket ja til kurset og fikk plass"), "{view}");
        // Leaving frees the seat.
        assert_eq!(app.call(&citizen, "/api/course/decline", &[("reference", &made.reference)]).await.status(), 200);
        assert_eq!(courses::seats(&app.state.db, CohortId(cohort.parse().unwrap())).await.unwrap().unwrap().seats_held, 0);
        let page = app.get_with(&citizen, "/account").await.text().await.unwrap();
        assert!(page.contains("Du er ikke lenger med på dette kurset."), "{page}");
        assert!(!page.contains("Ja takk, jeg vil være med"));
        // And accepting after leaving is refused.
        assert_eq!(app.call(&citizen, "/api/course/accept", &[("reference", &made.reference)]).await.status(), 409);
    }

    async fn a_person_who_accepts_a_full_course_is_told_their_place_on_the_wait_list(app: TestApp) {
        let intake = app.signed_in(DEMO_INTAKE).await;
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let made = assessed_referral_of_the_citizen(&app, &intake).await;
        let cohort = open_cohort_id(&app).await;
        app.call(&intake, "/api/board/decide", &[("reference", &made.reference), ("decision", "group_course"), ("reason", "Ønsker kurs."), ("cohort", &cohort)]).await;
        // Others took every seat after the offer was made, and one waits already.
        let id = CohortId(cohort.parse().unwrap());
        for i in 0..11 {
            let other = referral_in(&app, 1, &format!("Person {i}"), "9901", 1, 0).await;
            courses::accept(&app.state.db, id, other.id).await.unwrap().unwrap();
        }
        assert_eq!(app.call(&citizen, "/api/course/accept", &[("reference", &made.reference)]).await.status(), 200);
        let page = app.get_with(&citizen, "/account").await.text().await.unwrap();
        assert!(page.contains("Du står som nummer 2 på ventelisten"), "{page}");
        assert!(page.contains("Ta meg av ventelisten"));
    }
}

/// The newest email to an address with a calendar file, read by Python's icalendar.
pub(crate) async fn calendar_sent_to(
    app: &TestApp,
    address: &str,
    subject: &str,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let path = loop {
        let found = std::fs::read_dir(app.dir.join("outbox"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                let raw = std::fs::read_to_string(p).unwrap_or_default();
                raw.contains(&format!("To: {address}")) && raw.contains(subject)
            });
        match found {
            Some(path) => break path,
            None if std::time::Instant::now() > deadline => {
                panic!("no mail {subject:?} to {address}")
            }
            None => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    serde_json::from_slice(&crate::helpers::parse_with_python("read_ics.py", &path)).unwrap()
}

on_both_backends! {
    async fn taking_a_seat_emails_every_session_as_a_calendar_and_leaving_cancels_the_same_events(app: TestApp) {
        let intake = app.signed_in(DEMO_INTAKE).await;
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let made = assessed_referral_of_the_citizen(&app, &intake).await;
        let cohort = open_cohort_id(&app).await;
        app.call(&intake, "/api/board/decide", &[("reference", &made.reference), ("decision", "group_course"), ("reason", "Ønsker kurs."), ("cohort", &cohort)]).await;
        assert_eq!(app.call(&citizen, "/api/course/accept", &[("reference", &made.reference)]).await.status(), 200);

        let invitation = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du har plass ").await;
        let files = invitation.as_array().unwrap();
        let sessions = courses::sessions(&app.state.db, CohortId(cohort.parse().unwrap())).await.unwrap();
        // One file per session: an iTIP message carries one UID.
        assert_eq!(files.len(), sessions.len());
        let mut uids = std::collections::BTreeSet::new();
        for (file, session) in files.iter().zip(&sessions) {
            assert_eq!(file["name"].as_str().unwrap(), format!("samling-{:02}.ics", session.number));
            assert_eq!(file["method"], "REQUEST");
            assert_eq!(file["content_type_method"], "REQUEST");
            assert_eq!(file["zones"], serde_json::json!(["Europe/Oslo"]));
            let events = file["events"].as_array().unwrap();
            assert_eq!(events.len(), 1);
            let event = &events[0];
            assert!(uids.insert(event["uid"].as_str().unwrap().to_owned()));
            assert_eq!(event["uid"].as_str().unwrap(), format!("session-{}@127.0.0.1", session.session_id));
            assert_eq!(event["sequence"], 0);
            assert_eq!(event["rsvp"], "FALSE");
            assert_eq!(event["tzid"], "Europe/Oslo");
            // The parser's instants are the ones stored, and the wall-clock time is noon.
            assert_eq!(event["start"], session.starts_at);
            assert_eq!(event["end"], session.ends_at);
            assert!(event["local_start"].as_str().unwrap().ends_with(" 12:00"), "{event}");
            assert_eq!(event["summary"].as_str().unwrap(), format!("Kurs – Demo kommune: Samling {} av 10", session.number));
            assert!(event["location"].as_str().unwrap().contains("/rooms/"), "{event}");
            // The calendar names no course, so no diagnosis.
            let text = file["text"].as_str().unwrap().to_lowercase();
            for word in ["depresjon", "belastning", "bekymring", "angst"] {
                assert!(!text.contains(word), "{word} in the calendar");
            }
        }

        // Leaving sends a cancellation of the same events, each a version later.
        assert_eq!(app.call(&citizen, "/api/course/decline", &[("reference", &made.reference)]).await.status(), 200);
        let cancel = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du er meldt av").await;
        let cancelled = cancel.as_array().unwrap();
        assert_eq!(cancelled.len(), files.len());
        for (before, after) in files.iter().zip(cancelled) {
            assert_eq!(after["method"], "CANCEL");
            assert_eq!(before["events"][0]["uid"], after["events"][0]["uid"]);
            assert_eq!(after["events"][0]["sequence"], 1);
            assert_eq!(after["events"][0]["status"], "CANCELLED");
        }
        // My page says they left (not that they declined), and gives the number to call.
        let mine: serde_json::Value = app.call(&citizen, "/api/course/mine", &[]).await.json().await.unwrap();
        assert_eq!(mine[0]["standing"], "Left", "{mine}");
        let page = app.get_with(&citizen, "/account").await.text().await.unwrap();
        assert!(page.contains("Du er ikke lenger med på dette kurset.") && !page.contains("takket nei"), "{page}");
        assert!(page.contains("href=\"tel:+4712345678\""), "{page}");
        // That stays true when the group is cancelled afterwards.
        let lead = app.signed_in(crate::helpers::DEMO_LEAD).await;
        assert_eq!(app.call(&lead, "/api/course/group-state", &[("cohort", &cohort), ("state", "cancelled")]).await.status(), 200);
        let mine: serde_json::Value = app.call(&citizen, "/api/course/mine", &[]).await.json().await.unwrap();
        assert_eq!(mine[0]["standing"], "Left", "{mine}");
    }
}

on_both_backends! {
    async fn a_leader_sees_the_roster_and_rooms_of_their_groups_and_each_name_read_is_in_the_access_log(app: TestApp) {
        let therapist = app.signed_in(crate::helpers::DEMO_THERAPIST).await;
        let groups: serde_json::Value = app.call(&therapist, "/api/course/groups", &[]).await.json().await.unwrap();
        let groups = groups.as_array().unwrap();
        assert_eq!(groups.len(), 2, "the demo therapist leads both demo cohorts");
        assert_eq!(groups[0]["course"], "Kurs i depresjonsmestring (KiD)");
        assert_eq!(groups[0]["state"], "Pågår");
        assert_eq!(groups[0]["seats"], "5 av 12 plasser tatt");
        let before = app.count("access_log").await;
        let now = app::server::db::now();
        let page = app.get_with(&therapist, "/groups/1").await.text().await.unwrap();
        for name in ["Ola Hansen", "Aisha Berg", "Per Dahl", "Mari Lund", "Jonas Vik"] {
            assert!(page.contains(name), "{name}");
        }
        assert!(page.contains("RPH-DEMO-0101") && page.contains("Har plass"));
        // Every session still to come has its room's full address to open and copy;
        // those that are over (the first three weeks) have none.
        let sessions = courses::sessions(&app.state.db, CohortId(1)).await.unwrap();
        // Three weekly sessions lie in the past whatever the hour; the follow-ups ahead.
        assert!(sessions.iter().filter(|s| s.ends_at <= now).count() >= 3);
        assert!(sessions.iter().any(|s| s.ends_at > now));
        for s in &sessions {
            let link = format!("{}/rooms/{}", app.state.site.public_url, s.room_code.as_ref().unwrap());
            // (A session ending during the request would show; none ends within a second.)
            assert_eq!(page.contains(&link), s.ends_at > now, "{link}");
        }
        // Each participant's name read, and their scores (read from their answers).
        assert_eq!(app.count("access_log").await, before + 10, "two entries per participant");
        let logged = |kind: &'static str| {
            let app = &app;
            async move {
                sqlx::query("select count(*) as n from access_log where record_kind = $1 and record_id = '1'")
                    .bind(kind).fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("n").unwrap()
            }
        };
        assert_eq!(logged("cohort").await, 5);
        assert_eq!(logged("cohort_scores").await, 5);
        let kinds: Vec<String> = sqlx::query("select distinct data_kind from access_log where record_kind = 'cohort_scores'")
            .fetch_all(&app.state.db.pool).await.unwrap().iter().map(|r| r.try_get("data_kind").unwrap()).collect();
        assert_eq!(kinds, ["questionnaire_answers"]);
        // The course rooms are not in the rooms list; the ad hoc demo room is.
        let rooms = app.get_with(&therapist, "/rooms").await.text().await.unwrap();
        assert!(rooms.contains("demo-kurs-i-mestring"));
        assert!(!rooms.contains("Samling 1"), "{rooms}");
    }

    async fn a_therapist_who_does_not_lead_a_group_cannot_see_it(app: TestApp) {
        app.create_account("annen@demo.example", "Anne Annen", "staff", "et langt passord her", Some((1, "therapist"))).await;
        let other = app.signed_in(("annen@demo.example", "et langt passord her", None)).await;
        let groups: serde_json::Value = app.call(&other, "/api/course/groups", &[]).await.json().await.unwrap();
        assert_eq!(groups, serde_json::json!([]));
        assert_eq!(app.call(&other, "/api/course/group", &[("cohort", "1")]).await.status(), 403);
        let before = app.count("access_log").await;
        let page = app.get_with(&other, "/groups/1").await.text().await.unwrap();
        assert!(!page.contains("Ola Hansen"));
        assert_eq!(app.count("access_log").await, before);
        // Nor tick anyone present in it.
        let referral: i64 = sqlx::query("select referral_id from enrolment where cohort_id = 1 and status = 'enrolled' order by referral_id")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("referral_id").unwrap();
        let sessions = courses::sessions(&app.state.db, CohortId(1)).await.unwrap();
        let tick = [("cohort", "1".to_owned()), ("session", sessions[0].session_id.to_string()), ("referral", referral.to_string()), ("present", "true".to_owned())];
        let tick: Vec<(&str, &str)> = tick.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let marked = app.count("session_attendance").await;
        assert_eq!(app.call(&other, "/api/course/attendance", &tick).await.status(), 403);
        assert_eq!(app.count("session_attendance").await, marked);
    }

    async fn a_leader_ticks_who_came_to_an_in_person_session_and_the_grid_shows_it(app: TestApp) {
        let therapist = app.signed_in(crate::helpers::DEMO_THERAPIST).await;
        // The running demo KiD: its second session (two weeks ago) met in person.
        app.execute("update cohort_session set format = 'in_person' where cohort_id = 1 and number = 2").await;
        let sessions = courses::sessions(&app.state.db, CohortId(1)).await.unwrap();
        let (video, in_person) = (&sessions[0], &sessions[1]);
        // It met in person, so the demo's record of who was in its room goes.
        app.execute(&format!("delete from session_attendance where cohort_session_id = {}", in_person.session_id)).await;
        let enrolled: Vec<i64> = sqlx::query("select referral_id from enrolment where cohort_id = 1 and status = 'enrolled' order by referral_id")
            .fetch_all(&app.state.db.pool).await.unwrap().iter().map(|r| r.try_get("referral_id").unwrap()).collect();
        let tick = |session: i64, referral: i64, present: bool| {
            [("cohort", "1".to_owned()), ("session", session.to_string()), ("referral", referral.to_string()), ("present", present.to_string())]
        };
        let call = |fields: [(&'static str, String); 4]| {
            let therapist = therapist.clone();
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.call(&therapist, "/api/course/attendance", &fields).await.status().as_u16()
            }
        };
        assert_eq!(call(tick(in_person.session_id, enrolled[0], true)).await, 200);
        assert_eq!(call(tick(in_person.session_id, enrolled[1], true)).await, 200);
        assert_eq!(call(tick(in_person.session_id, enrolled[1], false)).await, 200, "a tick can be undone");
        // A video session is recorded by its room, not ticked; someone without a seat
        // cannot be ticked; nor can a session still to come.
        assert_eq!(call(tick(video.session_id, enrolled[2], true)).await, 404);
        let outsider = crate::board::referral_in(&app, 1, "Per Utenfor", "9902", 1, 0).await;
        assert_eq!(call(tick(in_person.session_id, outsider.id, true)).await, 404);
        let later = sessions.iter().find(|s| s.starts_at > app::server::db::now()).unwrap();
        app.execute(&format!("update cohort_session set format = 'in_person' where cohort_session_id = {}", later.session_id)).await;
        assert_eq!(call(tick(later.session_id, enrolled[0], true)).await, 404);

        let group: serde_json::Value = app.call(&therapist, "/api/course/group", &[("cohort", "1")]).await.json().await.unwrap();
        let column = group["columns"].as_array().unwrap().iter().position(|c| c["session_id"] == in_person.session_id).unwrap();
        assert_eq!(group["columns"][column]["tickable"], true);
        assert_eq!(group["columns"][0]["tickable"], false, "video");
        let cell = |referral: i64| {
            let row = group["attendance"].as_array().unwrap().iter().find(|r| r["referral_id"] == referral).unwrap().clone();
            row["cells"][column].clone()
        };
        assert_eq!(cell(enrolled[0])["present"], true);
        assert_eq!(cell(enrolled[0])["ticked"], true);
        assert_eq!(cell(enrolled[1])["present"], false);
        assert_eq!(group["attendance"].as_array().unwrap().len(), 5, "everyone with a seat has a row");
        // The page, without JavaScript: the grid, and a form to tick each person.
        let page = app.get_with(&therapist, "/groups/1").await.text().await.unwrap();
        assert!(page.contains("id=\"attendance-heading\""));
        assert!(page.contains("action=\"/api/course/attendance\""));
    }
}

/// A referral of the demo citizen's holding a seat in the open demo cohort.
pub(crate) async fn citizen_with_a_seat(app: &TestApp) -> (CohortId, i64) {
    let made = referral_in(app, 1, "Kari Nordmann", "9901", 1, 0).await;
    app.execute(&format!("update referral set account_id = (select account_id from account where email = '{}') where referral_id = {}", DEMO_CITIZEN.0, made.id)).await;
    let cohort = CohortId(open_cohort_id(app).await.parse().unwrap());
    assert_eq!(
        courses::accept(&app.state.db, cohort, made.id)
            .await
            .unwrap()
            .unwrap(),
        Placement::Seat
    );
    (cohort, made.id)
}

fn reminders_to(app: &TestApp, address: &str) -> Vec<crate::helpers::SentMail> {
    app.mail_to(address)
        .into_iter()
        .filter(|m| m.subject.contains("kurssamling"))
        .collect()
}

on_both_backends! {
    async fn a_reminder_goes_out_a_day_before_a_session_once_and_a_restart_between_scheduling_and_sending_loses_none(app: TestApp) {
        use app::server::course_reminders;
        let mut app = app;
        let (cohort, _) = citizen_with_a_seat(&app).await;
        let sessions = courses::sessions(&app.state.db, cohort).await.unwrap();
        let first = &sessions[0];
        // Twenty-five hours before: not yet.
        course_reminders::schedule(&app.state.db, first.starts_at - 25 * 3600).await.unwrap();
        let count = |app: &TestApp| {
            let pool = app.state.db.pool.clone();
            async move {
                sqlx::query("select count(*) as n from course_reminder r join enrolment e on e.enrolment_id = r.enrolment_id join referral f on f.referral_id = e.referral_id join account a on a.account_id = f.account_id where a.email = $1")
                    .bind(DEMO_CITIZEN.0).fetch_one(&pool).await.unwrap().try_get::<i64, _>("n").unwrap()
            }
        };
        assert_eq!(count(&app).await, 0);
        // Twenty-three hours before: on the table; then the server stops before sending.
        let at = first.starts_at - 23 * 3600;
        course_reminders::schedule(&app.state.db, at).await.unwrap();
        assert_eq!(count(&app).await, 1);
        assert!(reminders_to(&app, DEMO_CITIZEN.0).is_empty());
        // A restart: the first server stops (nothing of it runs any more: it no longer
        // answers, its jobs are aborted, its state is gone) and a new one starts on the
        // same database. What the first scheduled is still there.
        let first_server = app.address.clone();
        app.restart().await;
        assert!(app.client.get(format!("{first_server}/healthz")).send().await.is_err(), "the first server still answers");
        assert_eq!(count(&app).await, 1);
        assert!(reminders_to(&app, DEMO_CITIZEN.0).is_empty());
        // The new server sends it: the day and time, and the way in.
        course_reminders::run(&app.state, at + 60).await.unwrap();
        let sent = app.wait_for_mail_to(DEMO_CITIZEN.0, 1).await.into_iter().filter(|m| m.subject.contains("kurssamling")).collect::<Vec<_>>();
        assert_eq!(sent.len(), 1);
        let when = app::domain::clock::format_oslo_date(first.starts_at);
        // (The subject is encoded on the wire: its first word has an "å".)
        assert!(sent[0].subject.ends_with(&format!(" kurssamling {when} 12:00")), "{}", sent[0].subject);
        assert!(sent[0].body.contains(&format!("/rooms/{}", first.room_code.as_ref().unwrap())), "{}", sent[0].body);
        assert!(!sent[0].body.to_lowercase().contains("belastning"), "no course name, so no diagnosis");
        assert!(sent[0].body.contains("svare på noen korte spørsmål på Min side"), "the measures due: {}", sent[0].body);
        // Later passes, on this server and on the next after another restart, send
        // nothing more.
        course_reminders::run(&app.state, at + 120).await.unwrap();
        app.restart().await;
        course_reminders::run(&app.state, at + 180).await.unwrap();
        assert_eq!(reminders_to(&app, DEMO_CITIZEN.0).len(), 1);
        // Every reminder on the table (the demo course's participants' too, if theirs
        // fell due) was sent, and sent exactly once.
        let mut seen = std::collections::BTreeSet::new();
        let mails: Vec<_> = app.sent_mail().into_iter().filter(|m| m.subject.contains("kurssamling")).collect();
        for mail in &mails {
            assert!(seen.insert((mail.to.clone(), mail.subject.clone())), "sent twice: {} {}", mail.to, mail.subject);
        }
        assert_eq!(app.count_where("course_reminder", "sent_at is null").await, 0);
        assert_eq!(app.count_where("course_reminder", "sent_at is not null").await, mails.len() as i64);
    }

    async fn two_servers_sending_at_once_send_each_reminder_once(app: TestApp) {
        use app::server::course_reminders;
        let (cohort, _) = citizen_with_a_seat(&app).await;
        let second = &courses::sessions(&app.state.db, cohort).await.unwrap()[1];
        let at = second.starts_at - 3600;
        course_reminders::schedule(&app.state.db, at).await.unwrap();
        let other = app.another_server().await;
        let (a, b) = tokio::join!(course_reminders::send_due(&app.state, at), course_reminders::send_due(&other, at));
        // The demo course's five meet the same evening: theirs are due too. (The servers'
        // own job loops may send reminders due at the real hour beside these.)
        assert!(a.unwrap() + b.unwrap() >= 1);
        let mut seen = std::collections::BTreeSet::new();
        for mail in app.sent_mail().into_iter().filter(|m| m.subject.contains("kurssamling")) {
            assert!(seen.insert((mail.to.clone(), mail.subject.clone())), "sent twice: {} {}", mail.to, mail.subject);
        }
        let unsent = sqlx::query("select count(*) as n from course_reminder where sent_at is null and cohort_session_id = $1")
            .bind(second.session_id).fetch_one(&app.state.db.pool).await.unwrap().try_get::<i64, _>("n").unwrap();
        assert_eq!(unsent, 0);
        assert_eq!(reminders_to(&app, DEMO_CITIZEN.0).len(), 1);
        // Someone who left the course is not reminded.
        app.execute("update enrolment set status = 'withdrawn'").await;
        let third = &courses::sessions(&app.state.db, cohort).await.unwrap()[2];
        course_reminders::run(&app.state, third.starts_at - 3600).await.unwrap();
        assert_eq!(reminders_to(&app, DEMO_CITIZEN.0).len(), 1);
    }
}

on_both_backends! {
    async fn withdrawing_the_referral_gives_up_the_course_seat(app: TestApp) {
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let (cohort, referral) = citizen_with_a_seat(&app).await;
        let reference: String = sqlx::query("select reference from referral where referral_id = $1")
            .bind(referral).fetch_one(&app.state.db.pool).await.unwrap().try_get("reference").unwrap();
        assert_eq!(courses::seats(&app.state.db, cohort).await.unwrap().unwrap().seats_held, 1);
        let withdrawn = app.call(&citizen, "/api/referral/withdraw", &[("reference", &reference), ("confirm", "yes")]).await;
        assert_eq!(withdrawn.status(), 200);
        assert_eq!(courses::seats(&app.state.db, cohort).await.unwrap().unwrap().seats_held, 0);
        assert_eq!(status_of(&app, cohort, referral).await, "withdrawn");
        // Their calendar gets every session's cancellation.
        let cancel = calendar_sent_to(&app, DEMO_CITIZEN.0, "Subject: Du er meldt av").await;
        let files = cancel.as_array().unwrap();
        assert_eq!(files.len(), 10);
        assert!(files.iter().all(|f| f["method"] == "CANCEL" && f["events"][0]["status"] == "CANCELLED"));
        // And a closed referral takes no course.
        assert_eq!(app.call(&citizen, "/api/course/accept", &[("reference", &reference)]).await.status(), 409);
    }
}

async fn email_of_referral(app: &TestApp, referral: i64) -> String {
    sqlx::query("select a.email from referral r join account a on a.account_id = r.account_id where r.referral_id = $1")
        .bind(referral).fetch_one(&app.state.db.pool).await.unwrap().try_get("email").unwrap()
}

on_both_backends! {
    async fn the_first_in_line_is_told_when_a_seat_is_held_for_them_and_the_next_when_it_passes_on(app: TestApp) {
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let (cohort, mine) = citizen_with_a_seat(&app).await;
        app.execute(&format!("update cohort set capacity = 1 where cohort_id = {}", cohort.0)).await;
        let first = referral_in(&app, 1, "Ola Først", "9901", 1, 0).await.id;
        let second = referral_in(&app, 1, "Kari Andre", "9901", 1, 0).await.id;
        for waiting in [first, second] {
            assert!(matches!(courses::accept(&app.state.db, cohort, waiting).await.unwrap().unwrap(), Placement::WaitList(_)));
        }
        let reference: String = sqlx::query("select reference from referral where referral_id = $1")
            .bind(mine).fetch_one(&app.state.db.pool).await.unwrap().try_get("reference").unwrap();
        // The seat holder leaves: the first in line is told at once, with the deadline.
        assert_eq!(app.call(&citizen, "/api/course/decline", &[("reference", &reference)]).await.status(), 200);
        let to_first = email_of_referral(&app, first).await;
        let told = app.wait_for_mail_to(&to_first, 1).await;
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].subject, "En plass er ledig til deg");
        assert!(told[0].body.contains("/account"), "{}", told[0].body);
        assert!(!told[0].body.to_lowercase().contains("belastning"), "no course name");
        // Nobody answers: when the deadline has gone by the job passes it on and tells the next.
        let later = app::server::db::now() + app::domain::course::enrolment::SEAT_OFFER_SECONDS;
        assert_eq!(courses::lapse_seat_offers_and_tell(&app.state, later).await.unwrap(), 1);
        let to_second = email_of_referral(&app, second).await;
        assert_eq!(app.wait_for_mail_to(&to_second, 1).await.len(), 1);
        assert_eq!(status_of(&app, cohort, first).await, "passed");
        assert_eq!(status_of(&app, cohort, second).await, "seat_offered");
    }
}

/// Moves the open demo cohort's first session to start `hours` from now.
async fn first_session_in(app: &TestApp, cohort: CohortId, hours: i64) -> i64 {
    let session = courses::sessions(&app.state.db, cohort).await.unwrap()[0].session_id;
    let starts = app::server::db::now() + hours * 3600;
    app.execute(&format!(
        "update cohort_session set starts_at = {starts}, ends_at = {} where cohort_session_id = {session}",
        starts + 9000
    ))
    .await;
    session
}

fn answers(instrument_items: usize, value: &str) -> Vec<(String, String)> {
    (1..=instrument_items)
        .map(|i| (format!("fields[item_{i}]"), value.to_owned()))
        .collect()
}

async fn due_of(app: &TestApp, citizen: &reqwest::Client) -> Vec<String> {
    let mine: serde_json::Value = app
        .call(citizen, "/api/course/mine", &[])
        .await
        .json()
        .await
        .unwrap();
    mine[0]["measures_due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["instrument"].as_str().unwrap().to_owned())
        .collect()
}

async fn answer(
    app: &TestApp,
    citizen: &reqwest::Client,
    reference: &str,
    instrument: &str,
    items: &[(String, String)],
) -> reqwest::Response {
    let mut fields: Vec<(&str, &str)> = vec![("reference", reference), ("instrument", instrument)];
    fields.extend(items.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.call(citizen, "/api/course/answer-measure", &fields)
        .await
}

on_both_backends! {
    async fn the_measures_are_asked_before_a_session_kept_with_it_and_shown_to_its_leaders(app: TestApp) {
        let (cohort, referral) = citizen_with_a_seat(&app).await;
        let reference: String = sqlx::query("select reference from referral where referral_id = $1").bind(referral)
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("reference").unwrap();
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        // Weeks before the first session nothing is asked yet.
        assert!(due_of(&app, &citizen).await.is_empty());
        let session = first_session_in(&app, cohort, 30).await;
        assert_eq!(due_of(&app, &citizen).await, ["phq9", "gad7"]);

        // The page, without JavaScript: every item; a form missing one is refused at it.
        let page = app.get_with(&citizen, &format!("/account/course/{reference}/phq9")).await.text().await.unwrap();
        assert!(page.contains("name=\"fields[item_9]\""), "{page}");
        let mut partial = answers(9, "1");
        partial.remove(4);
        let refused = answer(&app, &citizen, &reference, "phq9", &partial).await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains("item_5"));
        assert_eq!(due_of(&app, &citizen).await, ["phq9", "gad7"], "nothing kept from a refused form");

        // (Item 9 asks about thoughts of self-harm: any answer above 0 is a risk answer.)
        let mut phq9 = answers(9, "1");
        phq9[8].1 = "0".to_owned();
        assert_eq!(answer(&app, &citizen, &reference, "phq9", &phq9).await.status(), 200);
        assert_eq!(due_of(&app, &citizen).await, ["gad7"]);
        assert_eq!(answer(&app, &citizen, &reference, "gad7", &answers(7, "2")).await.status(), 200);
        assert!(due_of(&app, &citizen).await.is_empty());
        // A second answer to the same session's measure changes nothing.
        assert_eq!(answer(&app, &citizen, &reference, "gad7", &answers(7, "0")).await.status(), 200);

        let scores = app::server::course_measures::scores_of_cohort(&mut app.state.db.pool.acquire().await.unwrap(), cohort).await.unwrap();
        let totals: Vec<(String, Option<f64>, u32)> = scores.iter().map(|s| (s.instrument.clone(), s.total, s.number)).collect();
        assert_eq!(totals, [("gad7".to_owned(), Some(14.0), 1), ("phq9".to_owned(), Some(8.0), 1)]);
        let stored: i64 = sqlx::query("select count(*) as n from session_measure where cohort_session_id = $1 and referral_id = $2 and reused = 0")
            .bind(session).bind(referral).fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(stored, 2);
        // Each is a measurement of the session it was asked for (GAD-7 14 is at
        // caseness, PHQ-9 8 is not).
        let kept: Vec<_> = crate::outcomes::stored(&app, referral).await.into_iter()
            .filter(|m| m.time_point != TimePoint::Intake)
            .collect();
        assert!(kept.iter().all(|m| m.time_point == TimePoint::CourseSession && m.session_number == Some(1)));
        let kept: Vec<(String, Option<f64>, Option<bool>)> = kept.into_iter().map(|m| (m.instrument, m.total, m.caseness)).collect();
        assert_eq!(kept, [
            ("phq9".to_owned(), Some(8.0), Some(false)),
            ("gad7".to_owned(), Some(14.0), Some(true)),
        ]);

        // Its leaders see the scores on the group page.
        let therapist = app.signed_in(crate::helpers::DEMO_THERAPIST).await;
        let group: serde_json::Value = app.call(&therapist, "/api/course/group", &[("cohort", &cohort.0.to_string())]).await.json().await.unwrap();
        assert_eq!(group["measures"], serde_json::json!(["Spørreskjema om depresjon (PHQ-9)", "Spørreskjema om angst (GAD-7)"]));
        let theirs = group["scores"].as_array().unwrap().iter().find(|p| p["reference"] == reference.as_str()).unwrap();
        assert_eq!(theirs["scores"][0]["first"], 8.0);
        assert_eq!(theirs["scores"][1]["latest"], 14.0);
        assert_eq!(theirs["risk_on"], serde_json::Value::Null);
    }

    async fn the_first_session_reuses_fresh_intake_answers_instead_of_asking_again(app: TestApp) {
        let (cohort, referral) = citizen_with_a_seat(&app).await;
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let now = app::server::db::now();
        // A PHQ-9 from ten days ago (fresh) and a GAD-7 from a year ago (stale).
        for (instrument, age_days) in [("phq9", 10), ("gad7", 365)] {
            app.execute(&format!(
                "insert into questionnaire_response (account_id, national_id, source, answered_at, instrument, version, answers, score, risk)
                 select account_id, '01010112345', 'self', {}, '{instrument}', '1', '{{}}', '{{\"total\":4.0,\"band\":null,\"case\":false,\"risk_items\":[],\"subscales\":[],\"missing\":0}}', 0
                 from account where email = '{}'",
                now - age_days * 86_400, DEMO_CITIZEN.0
            )).await;
        }
        let session = first_session_in(&app, cohort, 30).await;
        assert_eq!(due_of(&app, &citizen).await, ["gad7"]);
        let reused: i64 = sqlx::query("select count(*) as n from session_measure where cohort_session_id = $1 and referral_id = $2 and instrument = 'phq9' and reused = 1")
            .bind(session).bind(referral).fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(reused, 1);
        // Later sessions ask again, whatever intake said.
        app.execute(&format!("update cohort_session set starts_at = {}, ends_at = {} where cohort_session_id = {session}", now - 9000, now - 3600)).await;
        let second = courses::sessions(&app.state.db, cohort).await.unwrap()[1].session_id;
        app.execute(&format!("update cohort_session set starts_at = {}, ends_at = {} where cohort_session_id = {second}", now + 3600, now + 9000)).await;
        assert_eq!(due_of(&app, &citizen).await, ["phq9", "gad7"]);
    }

    async fn a_risk_answer_before_a_session_shows_crisis_help_and_alerts_the_leaders(app: TestApp) {
        let (cohort, referral) = citizen_with_a_seat(&app).await;
        let reference: String = sqlx::query("select reference from referral where referral_id = $1").bind(referral)
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("reference").unwrap();
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        first_session_in(&app, cohort, 30).await;
        let mut items = answers(9, "0");
        items[8].1 = "2".to_owned();
        let response = answer(&app, &citizen, &reference, "phq9", &items).await;
        assert_eq!(response.status(), 200);
        // Both leaders of the open demo cohort are told, with no name or answer.
        for leader in ["terapeut@demo.example", "leder@demo.example"] {
            let mail = app.wait_for_mail_to(leader, 1).await;
            assert!(mail[0].subject.starts_with("En deltaker trenger"), "{}", mail[0].subject);
            assert!(mail[0].link_containing(&format!("/groups/{}", cohort.0)).is_some());
            assert!(!mail[0].body.contains("Kari") && !mail[0].body.contains(&reference));
        }
        let events: i64 = sqlx::query("select count(*) as n from referral_event where referral_id = $1 and kind = 'measure_risk'")
            .bind(referral).fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(events, 1);
        // The person lands on crisis help; the leaders' page flags the answer.
        let page = app.get_with(&citizen, "/account?measure=risk").await.text().await.unwrap();
        assert!(page.contains("tel:113"));
        let therapist = app.signed_in(crate::helpers::DEMO_THERAPIST).await;
        let group: serde_json::Value = app.call(&therapist, "/api/course/group", &[("cohort", &cohort.0.to_string())]).await.json().await.unwrap();
        let theirs = group["scores"].as_array().unwrap().iter().find(|p| p["reference"] == reference.as_str()).unwrap();
        assert!(theirs["risk_on"].is_string());
    }
}

on_both_backends! {
    async fn a_seat_holder_gets_the_way_into_a_video_session_from_fifteen_minutes_before_it(app: TestApp) {
        let (cohort, _) = citizen_with_a_seat(&app).await;
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let join_links = |mine: &serde_json::Value| -> Vec<Option<String>> {
            mine[0]["sessions"].as_array().unwrap().iter().map(|s| s["join"].as_str().map(str::to_owned)).collect()
        };
        first_session_in(&app, cohort, 1).await;
        let mine: serde_json::Value = app.call(&citizen, "/api/course/mine", &[]).await.json().await.unwrap();
        assert!(join_links(&mine).iter().all(Option::is_none), "an hour before: not yet");
        let session = &courses::sessions(&app.state.db, cohort).await.unwrap()[0];
        app.execute(&format!("update cohort_session set starts_at = {} where cohort_session_id = {}", app::server::db::now() + 14 * 60, session.session_id)).await;
        let mine: serde_json::Value = app.call(&citizen, "/api/course/mine", &[]).await.json().await.unwrap();
        let links = join_links(&mine);
        assert_eq!(links[0].as_deref(), Some(format!("/rooms/{}", session.room_code.as_ref().unwrap()).as_str()));
        assert!(links[1..].iter().all(Option::is_none));
        let page = app.get_with(&citizen, "/account").await.text().await.unwrap();
        assert!(page.contains(&format!("href=\"/rooms/{}\"", session.room_code.as_ref().unwrap())));
    }
}
