//! The service's course catalogue: its lead adds a course (each refusal said at its
//! field, everything typed kept) and changes one; citizens see it on the service page,
//! and groups made earlier keep their dates.

use app::domain::capability::ServiceId;
use app::server::courses;

use crate::helpers::{TestApp, DEMO_LEAD, DEMO_THERAPIST};
use crate::on_both_backends;

fn form<'a>(
    course: &'a str,
    name: &'a str,
    weekly: &'a str,
    capacity: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("course", course),
        ("name", name),
        ("description", "Fire samlinger om å sove bedre."),
        ("suits", "Deg som sover dårlig."),
        ("weekly", weekly),
        ("follow_ups", "1"),
        ("follow_up_weeks", "4"),
        ("minutes", "90"),
        ("format", "in_person"),
        ("capacity", capacity),
        ("measures[wsas]", "on"),
    ]
}

/// The shipped courses the lead's catalogue lacks, by template.
async fn offered(app: &TestApp, lead: &reqwest::Client) -> Vec<String> {
    let list: serde_json::Value = app
        .call(lead, "/api/course/templates", &[])
        .await
        .json()
        .await
        .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["template"].as_str().unwrap().to_owned())
        .collect()
}

on_both_backends! {
    async fn a_lead_adds_a_course_and_each_refusal_is_said_at_its_field_with_what_was_typed(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let before = courses::courses_of(&app.state.db, ServiceId(1)).await.unwrap().len();
        // No name, no sessions, too many seats, a questionnaire that does not exist.
        let mut bad = form("0", " ", "0", "31");
        bad.push(("measures[nonsense]", "on"));
        let refused = app.call(&lead, "/api/course/save", &bad).await;
        assert_eq!(refused.status(), 422);
        let text = refused.text().await.unwrap();
        for field in ["\"name\"", "\"weekly\"", "\"capacity\"", "\"measures\""] {
            assert!(text.contains(field), "{field} in {text}");
        }
        assert!(text.contains("OutOfRange") && text.contains("Fire samlinger om å sove bedre."), "{text}");
        assert_eq!(courses::courses_of(&app.state.db, ServiceId(1)).await.unwrap().len(), before);

        assert_eq!(app.call(&lead, "/api/course/save", &form("0", "Kurs i bedre søvn", "4", "10")).await.status(), 200);
        let all = courses::courses_of(&app.state.db, ServiceId(1)).await.unwrap();
        assert_eq!(all.len(), before + 1);
        let sleep = all.iter().find(|c| c.name == "Kurs i bedre søvn").unwrap();
        assert_eq!((sleep.weekly_sessions, sleep.follow_ups, sleep.session_minutes, sleep.capacity), (4, 1, 90, 10));
        assert_eq!(sleep.measures, vec!["wsas"]);
        assert_eq!(sleep.template, None);
        // The catalogue lists it, with its measure by title; the service page shows it.
        let listed: serde_json::Value = app.call(&lead, "/api/course/catalogue", &[]).await.json().await.unwrap();
        let line = listed.as_array().unwrap().iter().find(|l| l["name"] == "Kurs i bedre søvn").unwrap().clone();
        assert!(line["facts"].as_str().unwrap().starts_with("4 samlinger + 1 oppfølgingsmøte · 1 t 30 min"), "{line}");
        assert!(!line["measures"].as_str().unwrap().is_empty() && line["measures"] != "wsas", "by title: {line}");
        let service_page = app.get("/services/demo").await.text().await.unwrap();
        assert!(service_page.contains("Kurs i bedre søvn"), "the citizens' catalogue shows it");
        // A group is made from it at its length.
        let form_data: serde_json::Value = app.call(&lead, "/api/course/group-form", &[]).await.json().await.unwrap();
        assert!(form_data["courses"].as_array().unwrap().iter().any(|c| c[0] == sleep.course_id.0));
    }

    async fn a_lead_changes_a_course_and_the_groups_made_from_it_keep_their_dates(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        // The demo KiD: its running group has ten sessions.
        let kid = courses::courses_of(&app.state.db, ServiceId(1)).await.unwrap().into_iter().find(|c| c.name.contains("depresjon")).unwrap();
        let id = kid.course_id.0.to_string();
        let editor: serde_json::Value = app.call(&lead, "/api/course/editor", &[("course", &id)]).await.json().await.unwrap();
        assert!(editor["values"].as_array().unwrap().iter().any(|v| v[0] == "weekly" && v[1] == "8"), "{editor}");
        assert_eq!(editor["measures"], serde_json::json!(["phq9", "gad7"]));
        let sessions_before = courses::sessions(&app.state.db, app::domain::course::CohortId(1)).await.unwrap();

        let mut changed = form(&id, "Kurs i depresjonsmestring (KiD)", "6", "12");
        changed.retain(|(k, _)| *k != "measures[wsas]");
        changed.push(("measures[phq9]", "on"));
        assert_eq!(app.call(&lead, "/api/course/save", &changed).await.status(), 200);
        let after = courses::course(&app.state.db, kid.course_id).await.unwrap().unwrap();
        assert_eq!((after.weekly_sessions, after.follow_ups), (6, 1));
        assert_eq!(after.measures, vec!["phq9"]);
        assert_eq!(after.template, kid.template, "still the template's, so loading templates again leaves it");
        assert_eq!(courses::sessions(&app.state.db, app::domain::course::CohortId(1)).await.unwrap(), sessions_before);
        // Loading the templates again leaves the change alone.
        courses::add_templates(&app.state.db, ServiceId(1), &courses::templates().unwrap()).await.unwrap();
        assert_eq!(courses::course(&app.state.db, kid.course_id).await.unwrap().unwrap().weekly_sessions, 6);

        // Another service's course, and a course that does not exist, are not found.
        let missing = app.call(&lead, "/api/course/editor", &[("course", "99999")]).await;
        assert_eq!(missing.status(), 404);
        // A therapist may not change the catalogue.
        let therapist = app.signed_in(DEMO_THERAPIST).await;
        assert_eq!(app.call(&therapist, "/api/course/save", &changed).await.status(), 403);
        // The form without JavaScript holds the course as it is now.
        let page = app.get_with(&lead, &format!("/courses/{id}")).await.text().await.unwrap();
        assert!(page.contains("name=\"weekly\"") && page.contains("value=\"6\""), "the form with its values");
        assert!(page.contains("name=\"measures[phq9]\""), "a box per questionnaire");
    }

    async fn a_lead_of_a_new_service_adds_the_shipped_courses_each_once(app: TestApp) {
        let y = app.create_service("ny", "Rask psykisk helsehjelp, Ny kommune").await;
        app.create_account("leder@ny.example", "Nina Ny", "staff", "nina sitt lange passord", Some((y, "lead"))).await;
        app.create_account("terapeut@ny.example", "Nils Ny", "staff", "nils sitt lange passord", Some((y, "therapist"))).await;
        let lead = app.signed_in(("leder@ny.example", "nina sitt lange passord", None)).await;
        // An empty catalogue: all three shipped courses are offered, with their shape.
        assert!(courses::courses_of(&app.state.db, ServiceId(y)).await.unwrap().is_empty());
        assert_eq!(offered(&app, &lead).await, ["kid", "kib", "worry"]);
        let listed: serde_json::Value = app.call(&lead, "/api/course/templates", &[]).await.json().await.unwrap();
        assert!(listed[0]["facts"].as_str().unwrap().starts_with("8 samlinger + 2 oppfølgingsmøter · 2 t 30 min"), "{listed}");
        // Adding KiB puts it in this service's catalogue (not the demo's), and it is
        // offered no more; adding it again changes nothing.
        let demo_before = courses::courses_of(&app.state.db, ServiceId(1)).await.unwrap();
        for _ in 0..2 {
            assert_eq!(app.call(&lead, "/api/course/add-template", &[("template", "kib")]).await.status(), 200);
        }
        let mine = courses::courses_of(&app.state.db, ServiceId(y)).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].template.as_deref(), Some("kib"));
        assert_eq!((mine[0].weekly_sessions, mine[0].follow_ups), (8, 2));
        assert_eq!(courses::courses_of(&app.state.db, ServiceId(1)).await.unwrap(), demo_before);
        assert_eq!(offered(&app, &lead).await, ["kid", "worry"]);
        let catalogue: serde_json::Value = app.call(&lead, "/api/course/catalogue", &[]).await.json().await.unwrap();
        assert_eq!(catalogue.as_array().unwrap().len(), 1);
        // A template that does not exist is not found; a therapist may not add one.
        assert_eq!(app.call(&lead, "/api/course/add-template", &[("template", "nonsense")]).await.status(), 404);
        let therapist = app.signed_in(("terapeut@ny.example", "nils sitt lange passord", None)).await;
        assert_eq!(app.call(&therapist, "/api/course/add-template", &[("template", "kid")]).await.status(), 403);
        assert_eq!(courses::courses_of(&app.state.db, ServiceId(y)).await.unwrap().len(), 1);
        // The page without JavaScript: the two left, each with its button.
        let page = app.get_with(&lead, "/courses").await.text().await.unwrap();
        assert!(page.contains("Kurs som følger med") && page.contains("name=\"template\" value=\"kid\"") && page.contains("value=\"worry\""), "the templates to add");
        assert!(!page.contains("value=\"kib\""), "KiB is in the catalogue already");
    }
}
