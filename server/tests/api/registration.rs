//! Citizens register, confirm their email with a single-use link, then log in.

use app::server::Backend;

use crate::helpers::{form_error, location, TestApp};
use crate::on_both_backends;

async fn register(app: &TestApp, name: &str, email: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/account/register",
        "/register",
        &[("name", name), ("email", email), ("password", password)],
    )
    .await
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/auth/login",
        "/login",
        &[("email", email), ("password", password)],
    )
    .await
}

on_both_backends! {
    async fn a_citizen_registers_confirms_the_email_and_logs_in(app: TestApp) {
        let response = register(&app, "Ola Nordmann", " Ola@Example.no ", "en lang setning om fjellet").await;
        assert_eq!(location(&response), "/register/sent", "{:?}", form_error(&response));

        // Not before the address is confirmed.
        let early = log_in(&app, "ola@example.no", "en lang setning om fjellet").await;
        assert!(form_error(&early).unwrap().contains("EmailNotVerified"));

        let mail = app.mail_to("ola@example.no");
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, "Bekreft e-postadressen din");
        let token = mail[0].token_in("/verify-email?token=").expect("a link with a token");

        let response = app.post_form("/api/account/verify-email", "/verify-email", &[("token", &token)]).await;
        assert_eq!(location(&response), "/login?verified=1");

        let response = log_in(&app, "ola@example.no", "en lang setning om fjellet").await;
        assert_eq!(location(&response), "/account", "{:?}", form_error(&response));
        assert!(app.get("/account").await.text().await.unwrap().contains("Ola Nordmann"));
    }

    async fn a_confirmation_link_works_once(app: TestApp) {
        register(&app, "Ola", "ola@example.no", "en lang setning om fjellet").await;
        let token = app.mail_to("ola@example.no")[0].token_in("token=").unwrap();
        let first = app.post_form("/api/account/verify-email", "/verify-email", &[("token", &token)]).await;
        assert_eq!(location(&first), "/login?verified=1");
        let again = app.post_form("/api/account/verify-email", "/verify-email", &[("token", &token)]).await;
        assert!(form_error(&again).unwrap().contains("LinkInvalid"));
        let forged = app.post_form("/api/account/verify-email", "/verify-email", &[("token", "made-up")]).await;
        assert!(form_error(&forged).unwrap().contains("LinkInvalid"));
    }

    async fn an_expired_confirmation_link_is_refused(app: TestApp) {
        register(&app, "Ola", "ola@example.no", "en lang setning om fjellet").await;
        let token = app.mail_to("ola@example.no")[0].token_in("token=").unwrap();
        app.execute("update account_token set expires_at = created_at - 1").await;
        let response = app.post_form("/api/account/verify-email", "/verify-email", &[("token", &token)]).await;
        assert!(form_error(&response).unwrap().contains("LinkInvalid"));
    }

    async fn registering_a_taken_address_looks_the_same_and_tells_its_owner(app: TestApp) {
        let before = app.count("account").await;
        let taken = register(&app, "Someone", "innbygger@demo.example", "en lang setning om fjellet").await;
        let fresh = register(&app, "Someone", "fresh@example.no", "en lang setning om fjellet").await;
        assert_eq!(taken.status(), fresh.status());
        assert_eq!(location(&taken), location(&fresh));
        assert_eq!(app.count("account").await, before + 1, "no second account for a taken address");
        let owner = app.mail_to("innbygger@demo.example");
        assert_eq!(owner.len(), 1);
        assert!(owner[0].body.contains("/login"));
        assert!(owner[0].token_in("token=").is_none(), "no way in for whoever typed it");
    }

    async fn wrong_input_names_each_field_and_keeps_what_was_typed(app: TestApp) {
        let before = app.count("account").await;
        let response = register(&app, "", "not-an-email", "kort").await;
        let error = form_error(&response).unwrap();
        assert!(error.contains("Invalid"), "{error}");
        assert!(error.contains(r#""field":"name","problem":"Required""#), "{error}");
        assert!(error.contains(r#""field":"email","problem":"EmailInvalid""#), "{error}");
        assert!(error.contains(r#""field":"password","problem":{"Password":"TooShort"}"#), "{error}");
        // What was typed stays out of the address, and the page shows it to this browser.
        assert!(!error.contains("not-an-email"), "typed values in the address: {error}");
        assert!(!location(&response).contains("not-an-email"));
        let html = crate::helpers::page_sent_back_to(&app.client, &response).await;
        assert!(html.contains(r#"value="not-an-email""#), "typed email kept: {html}");
        assert!(!html.contains("kort"), "the password is never sent back");
        let elsewhere = crate::helpers::page_sent_back_to(&app.new_client(), &response).await;
        assert!(!elsewhere.contains("not-an-email"), "another browser with the address gets nothing typed");
        assert_eq!(app.count("account").await, before, "no account from wrong input");

        let common = register(&app, "Ola", "ola@example.no", "Passord123").await;
        assert!(form_error(&common).unwrap().contains("TooCommon"));
    }
}

#[tokio::test]
async fn registration_is_rate_limited_per_email_address() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for _ in 0..3 {
        let r = register(&app, "Ola", "ola@example.no", "en lang setning om fjellet").await;
        assert_eq!(location(&r), "/register/sent");
    }
    let r = register(&app, "Ola", "ola@example.no", "en lang setning om fjellet").await;
    assert!(form_error(&r).unwrap().contains("RateLimited"));
}

#[tokio::test]
async fn the_registration_form_renders_its_fields_and_errors_without_javascript() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = register(&app, "", "ola@example.no", "kort").await;
    let back = location(&response);
    assert!(back.starts_with(&app.url("/register?")), "{back}");
    let html = app
        .client
        .get(&back)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Passordet må ha minst 10 tegn."), "{html}");
    assert!(html.contains("Fyll ut dette feltet."));
    assert!(html.contains(r#"value="ola@example.no""#), "email kept");
    assert!(html.contains(r#"aria-invalid="true""#));
}
