//! Enrolling in the second factor, mandatory for staff in production, and recovery codes.

use app::server::Backend;

use crate::helpers::{form_error, location, totp_now, TestApp, PRODUCTION};

/// A browser that keeps the session cookie by hand: the production cookie is
/// `Secure`, which a cookie jar will not send over the tests' plain HTTP.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap();
        Browser {
            app,
            client,
            cookie: None,
        }
    }

    fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let value = value.to_str().unwrap();
            if value.contains("rph_session=") {
                let pair = value.split(';').next().unwrap().to_owned();
                self.cookie = (!pair.ends_with('=')).then_some(pair);
            }
        }
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let request = || {
            let mut request = self
                .client
                .get(self.app.url(path))
                .header("accept", "text/html");
            if let Some(cookie) = &self.cookie {
                request = request.header("cookie", cookie);
            }
            request.send()
        };
        // A stalled page render is asked for once more (see TestApp::get_with).
        let response = match request().await {
            Err(error) if error.is_timeout() => request().await.unwrap(),
            other => other.unwrap(),
        };
        self.remember(&response);
        response
    }

    async fn post(&mut self, path: &str, from: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.app.url(path))
            .header("origin", self.app.address.clone())
            .header("referer", self.app.url(from))
            .header("accept", "text/html")
            .form(fields);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        self.remember(&response);
        response
    }
}

fn between<'h>(html: &'h str, start: &str, end: &str) -> Vec<&'h str> {
    html.split(start)
        .skip(1)
        .filter_map(|part| part.split(end).next())
        .collect()
}

#[tokio::test]
async fn in_production_staff_must_enrol_before_anything_else() {
    // Production loads no demo data: a member of staff without a second factor yet.
    let app = TestApp::spawn_with(Backend::Sqlite, PRODUCTION).await;
    let service = app.create_service("demo", "Demo kommune").await;
    app.create_account(
        "inntak@demo.example",
        "Inga Inntak",
        "staff",
        "demo-passord-inntak",
        Some((service, "intake")),
    )
    .await;
    let mut browser = Browser::new(&app);

    let response = browser
        .post(
            "/api/auth/login",
            "/login",
            &[
                ("email", "inntak@demo.example"),
                ("password", "demo-passord-inntak"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/account/second-factor");
    assert!(browser
        .cookie
        .as_deref()
        .unwrap()
        .starts_with("__Host-rph_session="));
    // Half-way: nothing but enrolment is open.
    assert_eq!(location(&browser.get("/account").await), "/login");

    let html = browser
        .get("/account/second-factor")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"src="data:image/svg+xml;base64,"#),
        "a QR code"
    );
    let secret = between(&html, r#"data-secret=""#, "\"")[0].to_owned();
    let codes: Vec<String> = between(&html, "<li><code>", "</code>")
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(codes.len(), 10);

    let wrong = browser
        .post(
            "/api/auth/second-factor/confirm",
            "/account/second-factor",
            &[("code", "000000")],
        )
        .await;
    assert!(form_error(&wrong).unwrap().contains("WrongCode"));
    let before = browser.cookie.clone();
    let ok = browser
        .post(
            "/api/auth/second-factor/confirm",
            "/account/second-factor",
            &[("code", &totp_now(&secret))],
        )
        .await;
    assert_eq!(location(&ok), "/account", "{:?}", form_error(&ok));
    assert_ne!(browser.cookie, before, "a new session id once signed in");
    assert_eq!(browser.get("/account").await.status(), 200);

    // Next time: password, then a recovery code stands in for the phone, once.
    browser.post("/api/auth/logout", "/account", &[]).await;
    let response = browser
        .post(
            "/api/auth/login",
            "/login",
            &[
                ("email", "inntak@demo.example"),
                ("password", "demo-passord-inntak"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/login/code");
    let ok = browser
        .post(
            "/api/auth/second-factor",
            "/login/code",
            &[("code", &codes[3])],
        )
        .await;
    assert_eq!(location(&ok), "/account");
    browser.post("/api/auth/logout", "/account", &[]).await;
    browser
        .post(
            "/api/auth/login",
            "/login",
            &[
                ("email", "inntak@demo.example"),
                ("password", "demo-passord-inntak"),
            ],
        )
        .await;
    let reused = browser
        .post(
            "/api/auth/second-factor",
            "/login/code",
            &[("code", &codes[3])],
        )
        .await;
    assert!(form_error(&reused).unwrap().contains("WrongCode"));
}

#[tokio::test]
async fn staff_with_a_second_factor_cannot_enrol_again_half_way() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut browser = Browser::new(&app);
    browser
        .post(
            "/api/auth/login",
            "/login",
            &[
                ("email", "inntak@demo.example"),
                ("password", "demo-passord-inntak"),
            ],
        )
        .await;
    // Password given, code not: replacing the second factor must not be possible.
    assert_eq!(
        location(&browser.get("/account/second-factor").await),
        "/login?next=/account/second-factor"
    );
    let attempt = browser
        .post(
            "/api/auth/second-factor/confirm",
            "/account/second-factor",
            &[("code", "123456")],
        )
        .await;
    assert!(form_error(&attempt).unwrap().contains("Unauthenticated"));
}

#[tokio::test]
async fn a_citizen_may_turn_on_a_second_factor_and_is_then_asked_for_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut browser = Browser::new(&app);
    let login = [
        ("email", "innbygger@demo.example"),
        ("password", "demo-passord-innbygger"),
    ];
    browser.post("/api/auth/login", "/login", &login).await;
    let html = browser
        .get("/account/second-factor")
        .await
        .text()
        .await
        .unwrap();
    let secret = between(&html, r#"data-secret=""#, "\"")[0].to_owned();
    let ok = browser
        .post(
            "/api/auth/second-factor/confirm",
            "/account/second-factor",
            &[("code", &totp_now(&secret))],
        )
        .await;
    assert_eq!(location(&ok), "/account");
    browser.post("/api/auth/logout", "/account", &[]).await;
    let response = browser.post("/api/auth/login", "/login", &login).await;
    assert_eq!(location(&response), "/login/code");
}

/// A code from the authenticator app `seconds` from now (the server accepts the next
/// step too, and each step only once).
fn totp_in(secret: &str, seconds: i64) -> String {
    let secret = app::server::totp::base32_decode(secret).unwrap();
    format!(
        "{:06}",
        app::server::totp::code_at(&secret, app::server::db::now() + seconds)
    )
}

#[tokio::test]
async fn replacing_a_second_factor_takes_the_password_and_a_current_code() {
    const INTAKE_TOTP: &str = "RNISVMI5G2VPSGCTX55SIUQYM54KT6VN";
    let app = TestApp::spawn(Backend::Sqlite).await;
    let login = [
        ("email", "inntak@demo.example"),
        ("password", "demo-passord-inntak"),
    ];
    app.post_form("/api/auth/login", "/login", &login).await;
    let signed_in = app
        .post_form(
            "/api/auth/second-factor",
            "/login/code",
            &[("code", &totp_now(INTAKE_TOTP))],
        )
        .await;
    assert_eq!(location(&signed_in), "/account");

    // A session alone gets no new secret: it is asked to confirm it is the owner.
    let html = app
        .get("/account/second-factor")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("data-secret"), "{html}");
    assert!(
        html.contains("Du har allerede en app for engangskoder"),
        "{html}"
    );
    assert!(html.contains(r#"name="password""#) && html.contains(r#"name="code""#));
    let attempt = app
        .post_form(
            "/api/auth/second-factor/confirm",
            "/account/second-factor",
            &[("code", "123456")],
        )
        .await;
    assert!(form_error(&attempt).unwrap().contains("ConfirmIdentity"));

    // A wrong password with a good code: refused, and the code is not used up.
    let code = totp_in(INTAKE_TOTP, 30);
    let wrong = app
        .post_form(
            "/api/auth/confirm-identity",
            "/account/second-factor",
            &[("password", "not-my-password"), ("code", &code)],
        )
        .await;
    assert!(form_error(&wrong).unwrap().contains("IdentityNotConfirmed"));
    let confirmed = app
        .post_form(
            "/api/auth/confirm-identity",
            "/account/second-factor",
            &[("password", "demo-passord-inntak"), ("code", &code)],
        )
        .await;
    assert_eq!(
        location(&confirmed),
        "/account/second-factor",
        "{:?}",
        form_error(&confirmed)
    );

    // Now the new app can be set up, and it replaces the old one.
    let html = app
        .get("/account/second-factor")
        .await
        .text()
        .await
        .unwrap();
    let secret = between(&html, r#"data-secret=""#, "\"")[0].to_owned();
    assert_ne!(secret, INTAKE_TOTP);
    let done = app
        .post_form(
            "/api/auth/second-factor/confirm",
            "/account/second-factor",
            &[("code", &totp_now(&secret))],
        )
        .await;
    assert_eq!(location(&done), "/account", "{:?}", form_error(&done));
    let stored: String =
        sqlx::query_scalar("select totp_secret from account where email = 'inntak@demo.example'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, secret);
}
