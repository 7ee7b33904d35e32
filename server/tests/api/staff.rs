//! A lead invites staff, changes roles and closes access; invitations are accepted.

use crate::helpers::{form_error, location, TestApp, DEMO_INTAKE, DEMO_LEAD};
use crate::on_both_backends;

async fn id_of(app: &TestApp, email: &str) -> i64 {
    app::server::accounts::id_by_email(&app.state.db, email)
        .await
        .unwrap()
        .unwrap()
}

/// Whether a login with this email and password gets past the password (a closed
/// account gets the same answer as a wrong password).
async fn password_accepted(
    app: &TestApp,
    (email, password, _): (&str, &str, Option<&str>),
) -> bool {
    let client = app.new_client();
    let response = app
        .post_form_with(
            &client,
            "/api/auth/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await;
    form_error(&response).is_none()
}

on_both_backends! {
    async fn a_lead_invites_a_therapist_who_accepts_and_logs_in(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let response = app
            .post_form_with(&lead, "/api/staff/invite", "/admin/staff", &[("name", "Nina Ny"), ("email", "nina@demo.example"), ("role", "therapist")])
            .await;
        let back = location(&response);
        assert!(back.starts_with("/admin/staff?invited="), "{back} {:?}", form_error(&response));

        // The page the lead comes back to says it was sent, and to whom.
        let html = lead.get(app.url(&back)).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
        assert!(html.contains("nina@demo.example") && html.contains("Invitert"), "{html}");
        assert!(html.contains("Invitasjonen er sendt til Nina Ny (nina@demo.example)."), "{html}");

        let mail = app.mail_to("nina@demo.example");
        assert_eq!(mail.len(), 1);
        let token = mail[0].token_in("/invitation?token=").unwrap();
        let weak = app.post_form("/api/staff/accept-invitation", "/invitation", &[("token", &token), ("password", "kort")]).await;
        assert!(form_error(&weak).unwrap().contains("TooShort"));
        let ok = app
            .post_form("/api/staff/accept-invitation", "/invitation", &[("token", &token), ("password", "et langt passord for jobben")])
            .await;
        assert_eq!(location(&ok), "/login?invited=1");

        let nina = app.signed_in(("nina@demo.example", "et langt passord for jobben", None)).await;
        let html = nina.get(app.url("/account")).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Behandler: Rask psykisk helsehjelp, Demo kommune"), "{html}");
    }

    async fn closing_access_ends_that_persons_sessions_at_once(app: TestApp) {
        let intake = app.signed_in(DEMO_INTAKE).await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let target = id_of(&app, "inntak@demo.example").await.to_string();
        let response = app.call(&lead, "/api/staff/deactivate", &[("account_id", &target), ("confirm", "yes")]).await;
        assert_eq!(response.status(), 200);
        let page = intake.get(app.url("/account")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(location(&page), "/login");
        let again = app
            .post_form("/api/auth/login", "/login", &[("email", DEMO_INTAKE.0), ("password", DEMO_INTAKE.1)])
            .await;
        assert!(form_error(&again).unwrap().contains("LoginFailed"), "a closed account cannot log in");
    }

    async fn closing_access_asks_first_and_a_lead_can_reopen_it(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let target = id_of(&app, "inntak@demo.example").await.to_string();
        // The table offers a link to the question, not a form that closes at once.
        let html = app.get_with(&lead, "/admin/staff").await.text().await.unwrap();
        assert!(!html.contains(r#"action="/api/staff/deactivate""#), "{html}");
        assert!(html.contains(&format!(r#"href="/admin/staff?close={target}#close-{target}""#)), "{html}");
        let html = app.get_with(&lead, &format!("/admin/staff?close={target}")).await.text().await.unwrap();
        assert!(html.contains("Stenge tilgangen for Ingrid Inntak?"), "{html}");
        assert!(html.contains(r#"action="/api/staff/deactivate""#) && html.contains(r#"name="confirm" value="yes""#), "{html}");

        // Without the confirmation nothing happens.
        let unconfirmed = app.call(&lead, "/api/staff/deactivate", &[("account_id", &target)]).await;
        assert_eq!(unconfirmed.status(), 400);
        let unconfirmed = app.call(&lead, "/api/staff/deactivate", &[("account_id", &target), ("confirm", "no")]).await;
        assert_eq!(unconfirmed.status(), 400);
        assert!(password_accepted(&app, DEMO_INTAKE).await, "still open");

        let closed = app.call(&lead, "/api/staff/deactivate", &[("account_id", &target), ("confirm", "yes")]).await;
        assert_eq!(closed.status(), 200);
        assert!(!password_accepted(&app, DEMO_INTAKE).await, "closed");
        let html = app.get_with(&lead, "/admin/staff").await.text().await.unwrap();
        assert!(html.contains(r#"action="/api/staff/reopen""#) && html.contains("Åpne tilgangen igjen"), "{html}");

        let reopened = app.call(&lead, "/api/staff/reopen", &[("account_id", &target)]).await;
        assert_eq!(reopened.status(), 200);
        assert!(password_accepted(&app, DEMO_INTAKE).await, "open again");
    }

    async fn a_role_change_takes_effect_with_a_new_session(app: TestApp) {
        let intake = app.signed_in(DEMO_INTAKE).await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let target = id_of(&app, "inntak@demo.example").await.to_string();
        let response = app.call(&lead, "/api/staff/role", &[("account_id", &target), ("role", "therapist")]).await;
        assert_eq!(response.status(), 200);
        let page = intake.get(app.url("/account")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(location(&page), "/login", "the old session, with the old role, is gone");
        use sqlx::Row as _;
        let role: String = sqlx::query("select role from membership where account_id = $1")
            .bind(id_of(&app, "inntak@demo.example").await)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .try_get("role")
            .unwrap();
        assert_eq!(role, "therapist");
    }

    async fn a_lead_cannot_manage_themself_or_another_services_staff(app: TestApp) {
        let other = app.create_service("nabo", "Rask psykisk helsehjelp, Nabo").await;
        let stranger = app.create_account("fremmed@nabo.example", "Fremmed", "staff", "fremmed sitt passord", Some((other, "intake"))).await;
        let lead = app.signed_in(DEMO_LEAD).await;
        let me = id_of(&app, "leder@demo.example").await;
        for target in [stranger, me] {
            let id = target.to_string();
            assert_eq!(app.call(&lead, "/api/staff/deactivate", &[("account_id", &id), ("confirm", "yes")]).await.status(), 403);
            assert_eq!(app.call(&lead, "/api/staff/reopen", &[("account_id", &id)]).await.status(), 403);
            assert_eq!(app.call(&lead, "/api/staff/role", &[("account_id", &id), ("role", "lead")]).await.status(), 403);
        }
        let html = lead.get(app.url("/admin/staff")).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("fremmed@nabo.example"));
    }

    async fn inviting_an_address_that_has_an_account_is_refused_at_the_field(app: TestApp) {
        let lead = app.signed_in(DEMO_LEAD).await;
        let response = app
            .post_form_with(&lead, "/api/staff/invite", "/admin/staff", &[("name", "X"), ("email", "innbygger@demo.example"), ("role", "intake")])
            .await;
        let error = form_error(&response).unwrap();
        assert!(error.contains("EmailTaken"), "{error}");
        assert!(!error.contains("innbygger@demo.example"), "the address carries no typed values");
        let html = crate::helpers::page_sent_back_to(&lead, &response).await;
        assert!(html.contains(r#"value="innbygger@demo.example""#), "what was typed is kept");
    }
}
