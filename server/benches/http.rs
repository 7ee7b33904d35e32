//! The product's HTTP server against bare axum, side by side in one run, with `wrk`.
//!
//! `RPH_SITE_ROOT=<built site> cargo bench -p server --bench http` (`scripts/bench`
//! builds the release site and passes it). Three figures:
//! - a static file from `/pkg/` against a bare axum `ServeDir` over the same folder;
//! - the home page against a bare axum handler that runs the same database query and
//!   answers with the same HTML from a string, and a service's page likewise (its four
//!   queries: the service, the municipalities, the courses and their next starts);
//! - referral submissions over HTTP, eight at a time, as a browser without JavaScript
//!   sends them: latency of the final "send", p50 and p95.
//!
//! Both servers run on the same runtime in this process, one measured at a time, and
//! both listen with Nagle's algorithm off (`without_delay`), so the baseline is bare
//! axum as it should be deployed, not as it comes.

// A benchmark stops at the first surprise, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::national_id::check_digits_for;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use server::config::Settings;
use server::startup::{without_delay, Application};
use tower_http::services::ServeDir;

const WRK_SECONDS: &str = "5";
/// Each comparison is made this many times, in turn, so one noisy window decides
/// nothing.
const ROUNDS: usize = 3;
const SUBMITTERS: usize = 8;
const SUBMISSIONS_EACH: usize = 25;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let site_root =
        PathBuf::from(std::env::var("RPH_SITE_ROOT").map_err(|_| {
            anyhow::anyhow!("set RPH_SITE_ROOT to a built site (scripts/bench does)")
        })?);
    anyhow::ensure!(
        Command::new("wrk").arg("--version").output().is_ok(),
        "wrk is missing (apt-get install wrk; scripts/bench does)"
    );
    let dir = std::env::temp_dir().join(format!("rph-bench-http-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;

    let (product, db) = product(&dir, &site_root).await?;
    let slug = app::server::services::list_public(&db)
        .await?
        .first()
        .ok_or_else(|| anyhow::anyhow!("no service to show"))?
        .slug
        .clone();
    let service_path = format!("/services/{slug}");
    let pages = Pages {
        home: page(&format!("{product}/")).await?.into(),
        service: page(&format!("{product}{service_path}")).await?.into(),
    };
    let css = published_name(&site_root, "rph.css")?;
    let bare = bare_axum(&site_root, db, pages.clone()).await?;
    for (path, ours) in [("/", &pages.home), (service_path.as_str(), &pages.service)] {
        let theirs = page(&format!("{bare}{path}")).await?;
        anyhow::ensure!(
            theirs == **ours,
            "the baseline answers another page at {path}"
        );
    }

    println!(
        "HTTP on loopback, wrk -t1 -d{WRK_SECONDS}s, median latency (requests/s); \
         {ROUNDS} rounds, ours and bare axum in turn, then the median of the rounds' ratios"
    );
    for connections in ["1", "8"] {
        for (what, path) in [
            ("static file", format!("/pkg/{css}")),
            ("home page", "/".into()),
            ("service page", service_path.clone()),
        ] {
            let mut ratios = Vec::new();
            for round in 1..=ROUNDS {
                let ours = wrk(&format!("{product}{path}"), connections)?;
                let theirs = wrk(&format!("{bare}{path}"), connections)?;
                report(
                    &format!("{what}, {connections} conn. ({round})"),
                    &ours,
                    &theirs,
                );
                ratios.push(ours.median_ms / theirs.median_ms);
            }
            ratios.sort_by(f64::total_cmp);
            println!(
                "  {what}, {connections} conn.: median ratio {:.2}× (of {})",
                ratios[ratios.len() / 2],
                ratios
                    .iter()
                    .map(|r| format!("{r:.2}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }

    let mut latencies = submissions(&product).await?;
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    println!(
        "referral submission over HTTP, {SUBMITTERS} at a time, {} in all: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0)),
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

/// The real application (`Application::build`, as `main` builds it) on SQLite with the
/// demo service, on a free port. Returns its address and its database pool.
async fn product(dir: &Path, site_root: &Path) -> anyhow::Result<(String, app::server::Db)> {
    let vars: Vec<(String, String)> = vec![
        ("RPH_BIND".into(), "127.0.0.1:0".into()),
        ("RPH_TRUSTED_PROXIES".into(), "127.0.0.1".into()),
        (
            "DATABASE_URL".into(),
            format!("sqlite://{}/rph.sqlite3", dir.display()),
        ),
        ("RPH_SITE_ROOT".into(), site_root.display().to_string()),
        (
            "RPH_OUTBOX_DIR".into(),
            dir.join("outbox").display().to_string(),
        ),
        (
            "RPH_ACCESS_LOG_CHECKPOINTS".into(),
            dir.join("checkpoints").display().to_string(),
        ),
    ];
    let application = Application::build(Settings::from_vars(vars)?).await?;
    let address = format!("http://{}", application.address());
    let db = application.state().db.clone();
    tokio::spawn(application.run_until(std::future::pending()));
    Ok((address, db))
}

/// A page's HTML.
async fn page(url: &str) -> anyhow::Result<String> {
    Ok(reqwest::get(url).await?.text().await?)
}

/// The product's HTML for the pages the bare handlers answer with.
#[derive(Clone)]
struct Pages {
    home: Arc<str>,
    service: Arc<str>,
}

/// Bare axum: `ServeDir` on the same folder, and handlers that run a page's queries on
/// the product's own pool and answer with the product's HTML.
async fn bare_axum(site_root: &Path, db: app::server::Db, pages: Pages) -> anyhow::Result<String> {
    async fn home(State((db, pages)): State<(app::server::Db, Pages)>) -> Html<String> {
        let services = app::server::services::list_public(&db)
            .await
            .expect("services");
        assert!(!services.is_empty(), "the demo service is listed");
        Html(pages.home.to_string())
    }
    async fn service(
        State((db, pages)): State<(app::server::Db, Pages)>,
        axum::extract::Path(slug): axum::extract::Path<String>,
    ) -> Html<String> {
        let service = app::server::services::by_slug(&db, &slug)
            .await
            .expect("service")
            .expect("the demo service");
        let municipalities = app::server::services::municipalities(&db)
            .await
            .expect("municipalities");
        assert!(
            municipalities
                .iter()
                .any(|m| service.serves.contains(&m.number)),
            "the service serves a municipality"
        );
        let id = app::domain::capability::ServiceId(service.id);
        app::server::courses::catalogue(&db, id)
            .await
            .expect("courses");
        Html(pages.service.to_string())
    }
    let router = Router::new()
        .route("/", get(home))
        .route("/services/{slug}", get(service))
        .nest_service("/pkg", ServeDir::new(site_root.join("pkg")))
        .with_state((db, pages));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(without_delay(listener), router).await });
    Ok(address)
}

/// The content-hashed name a plain site file is published under.
fn published_name(site_root: &Path, plain: &str) -> anyhow::Result<String> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site_root.join("pkg/manifest.json"))?)?;
    manifest[plain]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("{plain} is not in the manifest"))
}

struct Load {
    median_ms: f64,
    per_second: f64,
    /// This process's CPU time (both servers' threads and SQLite's worker, not `wrk`'s)
    /// per request answered: what a page costs, whatever else the machine is doing.
    cpu_us: f64,
}

/// The CPU time this process has used, user and system, in milliseconds
/// (`/proc/self/stat`, in the kernel's ticks of 10 ms).
fn process_cpu_ms() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The fields after the command name, which is in parentheses: state is the first,
    // utime the twelfth and stime the thirteenth.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .ok_or_else(|| anyhow::anyhow!("no command name in /proc/self/stat"))?
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks * 10.0)
}

/// Runs `wrk` in its own thread of the OS, so the servers keep both cores' runtime.
fn wrk(url: &str, connections: &str) -> anyhow::Result<Load> {
    let cpu_before = process_cpu_ms()?;
    let output = Command::new("wrk")
        .args(["-t1", "-c", connections, "-d", WRK_SECONDS, "--latency"])
        .args(["-H", "Accept: text/html", "-H", "Accept-Encoding: gzip, br"])
        .arg(url)
        .output()?;
    let cpu_ms = process_cpu_ms()? - cpu_before;
    let text = String::from_utf8(output.stdout)?;
    anyhow::ensure!(
        !text.contains("Non-2xx"),
        "{url} answered with errors:\n{text}"
    );
    let median = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("50%"))
        .ok_or_else(|| anyhow::anyhow!("no median in wrk's output:\n{text}"))?;
    let per_second = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .ok_or_else(|| anyhow::anyhow!("no rate in wrk's output:\n{text}"))?;
    let requests: f64 = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .ok_or_else(|| anyhow::anyhow!("no request count in wrk's output:\n{text}"))?
        .0
        .parse()?;
    Ok(Load {
        median_ms: duration_ms(median.trim())?,
        per_second: per_second.trim().parse()?,
        cpu_us: cpu_ms * 1000.0 / requests,
    })
}

/// wrk's durations: `812.00us`, `1.93ms`, `1.20s`.
fn duration_ms(text: &str) -> anyhow::Result<f64> {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        anyhow::bail!("unknown duration {text}")
    };
    Ok(number.parse::<f64>()? * factor)
}

fn report(what: &str, ours: &Load, bare: &Load) {
    println!(
        "  {what:<28} ours {:>7.3} ms ({:>7.0}/s, {:>5.0} µs CPU)   bare axum {:>7.3} ms ({:>7.0}/s, {:>5.0} µs CPU)   {:>5.2}× ({:.2}× CPU)",
        ours.median_ms,
        ours.per_second,
        ours.cpu_us,
        bare.median_ms,
        bare.per_second,
        bare.cpu_us,
        ours.median_ms / bare.median_ms,
        ours.cpu_us / bare.cpu_us,
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Referral submissions as a browser without JavaScript makes them: every submitter
/// fills in its drafts first (untimed), then all send at once, `SUBMITTERS` at a time.
async fn submissions(base: &str) -> anyhow::Result<Vec<Duration>> {
    let mut people = Vec::new();
    for n in 0..SUBMITTERS * SUBMISSIONS_EACH {
        // Each person from their own address, as the reverse proxy in front says: the
        // product limits new drafts per address.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            format!("10.0.{}.{}", n / 250, n % 250 + 1).parse()?,
        );
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .default_headers(headers)
            .build()?;
        fill_in(base, &client, n).await?;
        people.push(client);
    }
    let mut tasks = Vec::new();
    for chunk in people.chunks(SUBMISSIONS_EACH) {
        let (base, chunk) = (base.to_owned(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for client in chunk {
                let started = Instant::now();
                let response = post(&base, &client, "submit", "review", &[]).await?;
                latencies.push(started.elapsed());
                let to = location(&response);
                anyhow::ensure!(to.ends_with("/received"), "submit went to {to:?}");
            }
            Ok(latencies)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn post(
    base: &str,
    client: &reqwest::Client,
    action: &str,
    from_step: &str,
    fields: &[(String, String)],
) -> anyhow::Result<reqwest::Response> {
    let mut form = vec![("slug".to_owned(), "demo".to_owned())];
    form.extend(fields.iter().cloned());
    Ok(client
        .post(format!("{base}/api/referral/{action}"))
        .header("origin", base)
        .header("referer", format!("{base}/services/demo/refer/{from_step}"))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await?)
}

/// Saves one step and checks that the next one follows.
async fn step(
    base: &str,
    client: &reqwest::Client,
    name: &str,
    fields: &[(&str, String)],
) -> anyhow::Result<()> {
    let mut form = vec![("step".to_owned(), name.to_owned())];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| (format!("fields[{k}]"), v.clone())),
    );
    let response = post(base, client, "save", name, &form).await?;
    let to = location(&response);
    anyhow::ensure!(
        to.starts_with("/services/demo/refer/") && !to.ends_with(name),
        "step {name} went to {to:?}"
    );
    Ok(())
}

async fn fill_in(base: &str, client: &reqwest::Client, n: usize) -> anyhow::Result<()> {
    let items = |count: usize, value: &str| -> Vec<(String, String)> {
        (1..=count)
            .map(|i| (format!("item_{i}"), value.to_owned()))
            .collect()
    };
    let start = client
        .post(format!("{base}/api/referral/start"))
        .header("origin", base)
        .header("referer", format!("{base}/services/demo"))
        .header("accept", "text/html")
        .form(&[("slug", "demo"), ("source", "")])
        .send()
        .await?;
    anyhow::ensure!(
        location(&start).ends_with("/consent"),
        "start went to {:?}",
        location(&start)
    );
    step(base, client, "consent", &[("consent", "yes".into())]).await?;
    step(
        base,
        client,
        "about",
        &[
            ("name", format!("Person {n}")),
            ("national_id", national_id(n)),
            ("municipality", "9901".into()),
            ("phone", "912 34 567".into()),
            ("email", format!("person{n}@example.no")),
            ("contact_sms", "on".into()),
            ("time_morning", "on".into()),
            ("interpreter", "no".into()),
        ],
    )
    .await?;
    step(
        base,
        client,
        "help",
        &[
            ("area_sleep", "on".into()),
            ("help_text", "Sover dårlig.".into()),
        ],
    )
    .await?;
    step(base, client, "questionnaire-phq9", &borrow(&items(9, "1"))).await?;
    step(base, client, "questionnaire-gad7", &borrow(&items(7, "2"))).await?;
    step(base, client, "questionnaire-wsas", &borrow(&items(5, "3"))).await?;
    step(
        base,
        client,
        "preferences",
        &[
            ("format", "group".into()),
            ("mode", "video".into()),
            ("pref_evening", "on".into()),
        ],
    )
    .await
}

fn borrow(fields: &[(String, String)]) -> Vec<(&str, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect()
}

/// A valid national identity number of someone born in January 1990, different for
/// every `n` below 5,600 (200 serial numbers a day, all below 500 as 1990 requires).
fn national_id(n: usize) -> String {
    let day = 1 + n / 200 % 28;
    (0..1000)
        .filter_map(|i| {
            let nine: Vec<u8> = format!("{day:02}0190{i:03}")
                .bytes()
                .map(|b| b - b'0')
                .collect();
            check_digits_for(&nine.try_into().ok()?)
                .map(|(a, b)| format!("{day:02}0190{i:03}{a}{b}"))
        })
        .nth(n % 200)
        .expect("enough valid numbers in a day")
}
