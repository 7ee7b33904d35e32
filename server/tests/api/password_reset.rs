//! A forgotten password: a single-use, expiring emailed link.

use app::server::Backend;

use crate::helpers::{form_error, location, TestApp};
use crate::on_both_backends;

const KARI: &str = "innbygger@demo.example";

async fn ask(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_form(
        "/api/account/forgot-password",
        "/forgot-password",
        &[("email", email)],
    )
    .await
}

async fn reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/account/reset-password",
        "/reset-password",
        &[("token", token), ("password", password)],
    )
    .await
}

async fn log_in(app: &TestApp, client: &reqwest::Client, password: &str) -> reqwest::Response {
    app.post_form_with(
        client,
        "/api/auth/login",
        "/login",
        &[("email", KARI), ("password", password)],
    )
    .await
}

on_both_backends! {
    async fn a_citizen_resets_a_forgotten_password_and_every_session_ends(app: TestApp) {
        let phone = app.new_client();
        log_in(&app, &phone, "demo-passord-innbygger").await;
        assert_eq!(app.count("session").await, 1);

        let response = ask(&app, KARI).await;
        assert_eq!(location(&response), "/forgot-password/sent");
        let mail = app.wait_for_mail_to(KARI, 1).await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, "Velg nytt passord");
        let token = mail[0].token_in("/reset-password?token=").unwrap();

        let response = reset(&app, &token, "et helt nytt og langt passord").await;
        assert_eq!(location(&response), "/login?reset=1", "{:?}", form_error(&response));
        assert_eq!(app.count("session").await, 0, "every session ends with a new password");

        let old = log_in(&app, &app.client, "demo-passord-innbygger").await;
        assert!(form_error(&old).unwrap().contains("LoginFailed"));
        let new = log_in(&app, &app.client, "et helt nytt og langt passord").await;
        assert_eq!(location(&new), "/account");
    }

    async fn an_unknown_address_gets_the_same_answer_and_no_mail(app: TestApp) {
        let known = ask(&app, KARI).await;
        let unknown = ask(&app, "nobody@example.no").await;
        assert_eq!(known.status(), unknown.status());
        assert_eq!(location(&known), location(&unknown));
        app.wait_for_mail_to(KARI, 1).await;
        assert!(app.mail_to("nobody@example.no").is_empty());
    }

    async fn a_weak_new_password_is_refused_and_the_link_still_works(app: TestApp) {
        ask(&app, KARI).await;
        let token = app.wait_for_mail_to(KARI, 1).await[0].token_in("token=").unwrap();
        let weak = reset(&app, &token, "passord123").await;
        assert!(form_error(&weak).unwrap().contains("TooCommon"));
        let good = reset(&app, &token, "et helt nytt og langt passord").await;
        assert_eq!(location(&good), "/login?reset=1");
        let again = reset(&app, &token, "enda et nytt og langt passord").await;
        assert!(form_error(&again).unwrap().contains("LinkInvalid"));
    }

    async fn a_reset_link_expires_within_the_hour(app: TestApp) {
        ask(&app, KARI).await;
        let token = app.wait_for_mail_to(KARI, 1).await[0].token_in("token=").unwrap();
        app.execute("update account_token set expires_at = created_at + 3600 - 7200").await;
        let response = reset(&app, &token, "et helt nytt og langt passord").await;
        assert!(form_error(&response).unwrap().contains("LinkInvalid"));
    }
}

#[tokio::test]
async fn reset_requests_are_rate_limited_per_email() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for _ in 0..3 {
        assert_eq!(location(&ask(&app, KARI).await), "/forgot-password/sent");
    }
    assert!(form_error(&ask(&app, KARI).await)
        .unwrap()
        .contains("RateLimited"));
}

#[tokio::test]
async fn a_new_link_cancels_the_previous_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    ask(&app, KARI).await;
    let first = app.wait_for_mail_to(KARI, 1).await[0]
        .token_in("token=")
        .unwrap();
    ask(&app, KARI).await;
    app.wait_for_mail_to(KARI, 2).await;
    let response = reset(&app, &first, "et helt nytt og langt passord").await;
    assert!(form_error(&response).unwrap().contains("LinkInvalid"));
}
