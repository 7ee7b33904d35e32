//! `TestApp`: a running server with a fresh database and a cookie-keeping client.

use std::path::PathBuf;

use app::server::Backend;
use server::config::Settings;
use server::startup::Application;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: app::server::AppState,
    pub backend: Backend,
    /// Scratch directory holding this test's SQLite file and outbox.
    pub dir: PathBuf,
    pub sfu: server::sfu::Sfu,
    /// The settings it was started with, to start another server on the same database.
    vars: Vec<(String, String)>,
    /// The server running at `address`, to stop (see `restart`).
    running: Option<Running>,
}

/// A server running in this process, as its own task, and the way to stop it.
struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Serves `application` until told to stop. A `TestApp` dropped without being told
    /// leaves its server running, as before there was a way to stop it.
    fn start(application: Application) -> Running {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(application.run_until(async move {
            if stopped.await.is_err() {
                std::future::pending::<()>().await;
            }
        }));
        Running { stop, task }
    }

    /// Stops the server as SIGTERM does, and waits until it has: its listener closed,
    /// requests in flight done, and its scheduled jobs aborted.
    async fn stop(self) {
        let _ = self.stop.send(());
        self.task
            .await
            .expect("the server's task ends")
            .expect("the server stops cleanly");
    }
}

/// Runs one test body on SQLite and on PostgreSQL, as `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($app: $crate::helpers::TestApp) $body

                #[tokio::test]
                async fn sqlite() {
                    run($crate::helpers::TestApp::spawn(app::server::Backend::Sqlite).await).await
                }

                #[tokio::test]
                async fn postgres() {
                    run($crate::helpers::TestApp::spawn(app::server::Backend::Postgres).await).await
                }
            }
        )*
    };
}

/// A fresh, empty scratch directory for one test.
pub fn scratch_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rph-test-{label}-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub fn rand_suffix() -> String {
    use rand::Rng as _;
    let n: u64 = rand::thread_rng().gen();
    format!("{n:016x}")
}

/// A database URL for a fresh, empty database on the given engine.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/rph.sqlite3", dir.display()),
        Backend::Postgres => {
            let admin_url = std::env::var("TEST_POSTGRES_URL").expect(
                "TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts \
                 a throwaway PostgreSQL cluster",
            );
            let name = format!("rph_test_{}", rand_suffix());
            let admin = app::server::Db::connect(&admin_url)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(&format!("create database {name}"))
                .execute(&admin.pool)
                .await
                .expect("create test database");
            admin.pool.close().await;
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("URL with a database name");
            format!("{base}/{name}")
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, &[]).await
    }

    /// Starts the server with extra settings on top of the test defaults.
    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
        server::telemetry::init();
        let dir = scratch_dir(backend.name());
        let database_url = fresh_database(backend, &dir).await;
        let mut vars: Vec<(String, String)> = vec![
            ("RPH_BIND".into(), "127.0.0.1:0".into()),
            ("DATABASE_URL".into(), database_url),
            (
                "RPH_SITE_ROOT".into(),
                dir.join("site").display().to_string(),
            ),
            (
                "RPH_OUTBOX_DIR".into(),
                dir.join("outbox").display().to_string(),
            ),
            (
                "RPH_ACCESS_LOG_CHECKPOINTS".into(),
                dir.join("access-log-checkpoints").display().to_string(),
            ),
        ];
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let settings = Settings::from_vars(vars.clone()).expect("valid test settings");
        let application = Application::build(settings)
            .await
            .expect("application builds");
        let address = format!("http://{}", application.address());
        let state = application.state().clone();
        let sfu = application.sfu().clone();
        let running = Some(Running::start(application));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            // A request that hangs fails its test, naming the address, instead of
            // stalling the whole run.
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .expect("client");
        TestApp {
            address,
            client,
            state,
            backend,
            dir,
            sfu,
            vars,
            running,
        }
    }

    /// A restart: stops this server (its listener closed, its scheduled jobs aborted,
    /// its state dropped: nothing of it runs any more), then starts a new one on the same
    /// database and outbox, at a new `address`, with a new `state` and `sfu`. Waits for
    /// the old server's first pass of its jobs first, so that no job is cut off holding
    /// its lease (the new server would wait for the lease to run out).
    pub async fn restart(&mut self) {
        self.startup_jobs_done().await;
        self.running
            .take()
            .expect("a server to restart")
            .stop()
            .await;
        let settings = Settings::from_vars(self.vars.clone()).expect("valid test settings");
        let application = Application::build(settings)
            .await
            .expect("application builds");
        self.address = format!("http://{}", application.address());
        self.state = application.state().clone();
        self.sfu = application.sfu().clone();
        self.running = Some(Running::start(application));
    }

    /// Starts another server on the same database and outbox, beside this one as a
    /// second instance; returns its state. (A restart, this one stopped: `restart`.)
    pub async fn another_server(&self) -> app::server::AppState {
        let settings = Settings::from_vars(self.vars.clone()).expect("valid test settings");
        let application = Application::build(settings)
            .await
            .expect("application builds");
        let state = application.state().clone();
        tokio::spawn(application.run_until(std::future::pending()));
        state
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A page request as a browser makes it.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with(&self.client, path).await
    }

    /// A page request from a given browser.
    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client
            .get(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error:?}"))
    }

    /// A second browser: its own cookie jar, same server.
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            // A request that hangs fails its test, naming the address, instead of
            // stalling the whole run.
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .expect("client")
    }

    /// Posts a form the way a browser without JavaScript does, from `from_page`.
    pub async fn post_form_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        from_page: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", self.address.clone())
            .header("referer", self.url(from_page))
            .header("accept", "text/html,application/xhtml+xml")
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_form(
        &self,
        path: &str,
        from_page: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_form_with(&self.client, path, from_page, fields)
            .await
    }

    /// Runs one statement against the test database.
    pub async fn execute(&self, sql: &str) {
        sqlx::query(sql)
            .execute(&self.state.db.pool)
            .await
            .expect("statement runs");
    }

    /// Counts the rows of a table.
    /// Waits (at most 10 s) until the server's first pass of its scheduled jobs is
    /// over, so a test that moves clocks in the database cannot race it (the first
    /// pass starts with the server; the next is minutes away).
    pub async fn startup_jobs_done(&self) {
        use sqlx::Row as _;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let done: i64 = sqlx::query(
                "select count(*) as n from scheduled_job where next_run_at > $1 and leased_until is null",
            )
            .bind(app::server::db::now())
            .fetch_one(&self.state.db.pool)
            .await
            .expect("read the jobs")
            .try_get("n")
            .expect("a number");
            if done >= app::server::jobs::Job::ALL.len() as i64 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the first pass of jobs did not finish"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row as _;
        sqlx::query(&format!("select count(*) as n from {table}"))
            .fetch_one(&self.state.db.pool)
            .await
            .expect("count rows")
            .try_get::<i64, _>("n")
            .expect("count is a number")
    }

    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        self.count(&format!("{table} where {condition}")).await
    }
}

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The page a form post without JavaScript was sent back to, as that browser gets it.
pub async fn page_sent_back_to(client: &reqwest::Client, response: &reqwest::Response) -> String {
    let location = location(response);
    assert!(
        location.starts_with("http"),
        "sent back to the form's page: {location}"
    );
    client
        .get(&location)
        .header("accept", "text/html")
        .send()
        .await
        .expect("request sent")
        .text()
        .await
        .unwrap()
}

/// The error a form post without JavaScript was sent back with (`?__err=`), as JSON text.
pub fn form_error(response: &reqwest::Response) -> Option<String> {
    use base64::Engine as _;
    let location = location(response);
    let encoded = location.split("__err=").nth(1)?.split('&').next()?;
    let decoded = percent_decode(encoded);
    let bytes = base64::engine::general_purpose::URL_SAFE
        .decode(decoded.as_bytes())
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A message the development mailer wrote to the outbox, decoded.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl SentMail {
    /// The first link in the body that contains `fragment`.
    pub fn link_containing(&self, fragment: &str) -> Option<String> {
        self.body
            .split_whitespace()
            .find(|w| w.contains(fragment) && w.starts_with("http"))
            .map(str::to_owned)
    }

    /// The `token` query value of the first link that contains `fragment`.
    pub fn token_in(&self, fragment: &str) -> Option<String> {
        let link = self.link_containing(fragment)?;
        Some(link.split("token=").nth(1)?.to_owned())
    }
}

impl TestApp {
    /// Every message in this test's outbox.
    pub fn sent_mail(&self) -> Vec<SentMail> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("outbox")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| parse_eml(&std::fs::read_to_string(e.path()).expect("readable eml")))
            .collect()
    }

    /// Waits (at most 5 s) until `count` messages to an address have been written.
    pub async fn wait_for_mail_to(&self, address: &str, count: usize) -> Vec<SentMail> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let mail = self.mail_to(address);
            if mail.len() >= count || std::time::Instant::now() > deadline {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// The messages sent to one address.
    pub fn mail_to(&self, address: &str) -> Vec<SentMail> {
        self.sent_mail()
            .into_iter()
            .filter(|m| m.to.contains(address))
            .collect()
    }
}

fn parse_eml(raw: &str) -> SentMail {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_default()
            .to_owned()
    };
    let encoding = header("Content-Transfer-Encoding").to_ascii_lowercase();
    let body = match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => {
            use base64::Engine as _;
            let joined: String = body.split_whitespace().collect();
            String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(joined)
                    .expect("base64 body"),
            )
            .into_owned()
        }
        _ => body.to_owned(),
    };
    SentMail {
        to: header("To"),
        subject: header("Subject"),
        body,
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The current TOTP code for a base32 secret.
pub fn totp_now(secret: &str) -> String {
    let secret = app::server::totp::base32_decode(secret).expect("base32 secret");
    format!(
        "{:06}",
        app::server::totp::code_at(&secret, app::server::db::now())
    )
}

/// Demo accounts: email, password, TOTP secret (staff).
pub const DEMO_CITIZEN: (&str, &str, Option<&str>) =
    ("innbygger@demo.example", "demo-passord-innbygger", None);
pub const DEMO_INTAKE: (&str, &str, Option<&str>) = (
    "inntak@demo.example",
    "demo-passord-inntak",
    Some("RNISVMI5G2VPSGCTX55SIUQYM54KT6VN"),
);
pub const DEMO_THERAPIST: (&str, &str, Option<&str>) = (
    "terapeut@demo.example",
    "demo-passord-terapeut",
    Some("JBUBPW7B2UXM3XZSAMWAZBKPSZWQRYF4"),
);
pub const DEMO_LEAD: (&str, &str, Option<&str>) = (
    "leder@demo.example",
    "demo-passord-leder",
    Some("ELJFAR6NWNCOSCZQD2KVIWU2ECWV2CKI"),
);

impl TestApp {
    /// A fresh browser signed in as the account, and its cookie header, for clients
    /// that are not reqwest (WebSockets).
    pub async fn session_cookie(
        &self,
        account: (&str, &str, Option<&str>),
    ) -> (reqwest::Client, String) {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(std::sync::Arc::clone(&jar))
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .expect("client");
        self.sign_in(&client, account).await;
        let url: reqwest::Url = self.address.parse().expect("address");
        let cookie = reqwest::cookie::CookieStore::cookies(jar.as_ref(), &url)
            .and_then(|value| value.to_str().ok().map(str::to_owned))
            .expect("a session cookie");
        (client, cookie)
    }

    /// A fresh browser signed in as the account (with its code, for staff).
    pub async fn signed_in(&self, account: (&str, &str, Option<&str>)) -> reqwest::Client {
        let client = self.new_client();
        self.sign_in(&client, account).await;
        client
    }

    async fn sign_in(
        &self,
        client: &reqwest::Client,
        (email, password, secret): (&str, &str, Option<&str>),
    ) {
        let response = self
            .post_form_with(
                client,
                "/api/auth/login",
                "/login",
                &[("email", email), ("password", password)],
            )
            .await;
        if let Some(secret) = secret {
            assert_eq!(
                location(&response),
                "/login/code",
                "{email}: {:?}",
                form_error(&response)
            );
            let response = self
                .post_form_with(
                    client,
                    "/api/auth/second-factor",
                    "/login/code",
                    &[("code", &totp_now(secret))],
                )
                .await;
            assert_eq!(
                location(&response),
                "/account",
                "{email}: {:?}",
                form_error(&response)
            );
        } else {
            assert_eq!(
                location(&response),
                "/account",
                "{email}: {:?}",
                form_error(&response)
            );
        }
    }

    /// Creates an active, verified account (and optionally a role in a service) directly.
    pub async fn create_account(
        &self,
        email: &str,
        name: &str,
        kind: &str,
        password: &str,
        role: Option<(i64, &str)>,
    ) -> i64 {
        use sqlx::Row as _;
        let hash = app::server::passwords::hash(app::server::passwords::Password::new(password))
            .await
            .unwrap();
        let id: i64 = sqlx::query(
            "insert into account (email, display_name, password_hash, kind, email_verified_at, created_at, updated_at)
             values ($1, $2, $3, $4, 1, 1, 1) returning account_id",
        )
        .bind(email)
        .bind(name)
        .bind(hash)
        .bind(kind)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
        .try_get("account_id")
        .unwrap();
        if let Some((service_id, role)) = role {
            sqlx::query("insert into membership (account_id, service_id, role, created_at) values ($1, $2, $3, 1)")
                .bind(id)
                .bind(service_id)
                .bind(role)
                .execute(&self.state.db.pool)
                .await
                .unwrap();
        }
        id
    }

    /// The demo service's id.
    pub async fn demo_service_id(&self) -> i64 {
        use sqlx::Row as _;
        sqlx::query("select service_id from service where slug = 'demo'")
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
            .try_get("service_id")
            .unwrap()
    }

    /// Opens a room in the demo service, hosted by the demo therapist.
    pub async fn demo_room(&self, title: &str) -> app::server::rooms::RoomRow {
        let therapist = app::server::accounts::id_by_email(&self.state.db, DEMO_THERAPIST.0)
            .await
            .unwrap()
            .unwrap();
        app::server::rooms::create(
            &self.state.db,
            self.demo_service_id().await,
            title,
            therapist,
        )
        .await
        .unwrap()
    }

    /// Creates another service (another municipality's team).
    pub async fn create_service(&self, slug: &str, name: &str) -> i64 {
        use sqlx::Row as _;
        sqlx::query("insert into service (slug, name, created_at, updated_at) values ($1, $2, 1, 1) returning service_id")
            .bind(slug)
            .bind(name)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
            .try_get("service_id")
            .unwrap()
    }

    /// Calls a server function the way the hydrated app does (no HTML redirect).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", self.address.clone())
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }
}

/// Settings a production deployment must have, for tests of production mode.
pub const PRODUCTION: &[(&str, &str)] = &[
    ("APP_ENV", "production"),
    ("PUBLIC_URL", "https://rph.example"),
    (
        "RPH_SESSION_SECRET",
        "0123456789abcdef0123456789abcdef-test",
    ),
    ("RPH_SMTP_URL", "smtp://127.0.0.1:9"),
    (
        "RPH_ACCESS_LOG_KEY",
        "a test key for the access log, 32+ chars",
    ),
];

/// Runs an independent parser from `tests/support/` (Python, from the venv
/// `scripts/test` installs) on a file and returns what it printed; fails the test,
/// with the parser's complaint, when it refuses the file.
pub fn parse_with_python(script: &str, file: &std::path::Path) -> Vec<u8> {
    let python = std::env::var("TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = std::process::Command::new(&python)
        .arg(format!(
            "{}/tests/support/{script}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python} ({e}); scripts/test installs its packages")
        });
    assert!(
        out.status.success(),
        "{script} refused {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
