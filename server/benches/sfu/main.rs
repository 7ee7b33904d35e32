//! The SFU under load, side by side with Janus's video room in the same run.
//!
//! Rooms of N = 2, 4, 8 and 13 synthetic participants (a therapist and 12), each
//! publishing 500 kbit/s of video and 32 kbit/s of audio and receiving everyone else.
//! The participants are webrtc-rs clients in this process; the SFU is the product's
//! server binary in its own process, and so is Janus, so each one's CPU and memory are
//! read from /proc for that process alone. Delay is measured end to end: each payload
//! carries its send time.
//!
//! `cargo bench -p server --bench sfu` (`scripts/bench` installs Janus first).

// A benchmark stops at the first surprise, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod janus;
// Test support shared with the integration tests; the benchmark uses part of it.
#[allow(dead_code)]
#[path = "../../tests/support/synthetic.rs"]
mod synthetic;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::identity::SessionStage;
use server::sfu::signal::ClientMessage;
use synthetic::{Options, Participant, Phase, Tally};

pub const SIZES: [usize; 4] = [2, 4, 8, 13];
pub const VIDEO_KBPS: u32 = 500;
pub const WARM_UP: Duration = Duration::from_secs(4);
pub const MEASURE: Duration = Duration::from_secs(10);
const WAIT: Duration = Duration::from_secs(30);

/// One measured room.
#[derive(Debug, Clone)]
pub struct Figures {
    pub n: usize,
    /// Share of one core.
    pub cpu: f64,
    pub rss_mb: f64,
    pub packets_in: f64,
    pub packets_out: f64,
    pub mbit_in: f64,
    pub mbit_out: f64,
    pub micros_per_packet: f64,
    pub delay_median_ms: f64,
    pub delay_p95_ms: f64,
    /// Packets received over packets the full fan-out should deliver.
    pub delivered: f64,
}

/// CPU time (user + system) a process has used so far.
pub fn process_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces; fields count from after its closing parenthesis.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|f| f.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|f| f.parse().ok()).unwrap_or(0);
    // Linux reports in USER_HZ, which is 100 on every platform it supports.
    Duration::from_millis(ticks * 10)
}

/// Resident memory of a process, in MB.
pub fn process_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn percentile(samples: &mut [u64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

/// Measures a room that is up: sent and received over `MEASURE`, the server's CPU.
pub async fn measure(n: usize, pid: u32, tallies: &[Arc<Tally>], video_senders: usize) -> Figures {
    tokio::time::sleep(WARM_UP).await;
    let sent = |t: &[Arc<Tally>]| {
        t.iter().fold((0u64, 0u64), |(p, b), t| {
            (
                p + t.sent_packets.load(std::sync::atomic::Ordering::Relaxed),
                b + t.sent_bytes.load(std::sync::atomic::Ordering::Relaxed),
            )
        })
    };
    let received = |t: &[Arc<Tally>]| {
        t.iter().fold((0u64, 0u64), |(p, b), t| {
            let (tp, tb) = t.received_totals();
            (p + tp, b + tb)
        })
    };
    for tally in tallies {
        tally.take_delays();
    }
    let (sent_packets, sent_bytes) = sent(tallies);
    let (received_packets, received_bytes) = received(tallies);
    let cpu_start = process_cpu(pid);
    let start = Instant::now();
    tokio::time::sleep(MEASURE).await;
    let seconds = start.elapsed().as_secs_f64();
    let cpu = (process_cpu(pid) - cpu_start).as_secs_f64();
    let (sent_packets_after, sent_bytes_after) = sent(tallies);
    let (received_packets_after, received_bytes_after) = received(tallies);
    let packets_in = (sent_packets_after - sent_packets) as f64;
    let packets_out = (received_packets_after - received_packets) as f64;
    let mut delays: Vec<u64> = tallies.iter().flat_map(|t| t.take_delays()).collect();
    // Every sent packet should reach the n - 1 others (audio-only senders aside).
    let audio_per_second = 50.0;
    let video_per_second = packets_in / seconds / n as f64 - audio_per_second;
    let expected = (n - 1) as f64
        * (n as f64 * audio_per_second + video_senders as f64 * video_per_second)
        * seconds;
    Figures {
        n,
        cpu: cpu / seconds,
        rss_mb: process_rss_mb(pid),
        packets_in: packets_in / seconds,
        packets_out: packets_out / seconds,
        mbit_in: (sent_bytes_after - sent_bytes) as f64 * 8.0 / seconds / 1e6,
        mbit_out: (received_bytes_after - received_bytes) as f64 * 8.0 / seconds / 1e6,
        micros_per_packet: if packets_out > 0.0 {
            cpu * 1e6 / packets_out
        } else {
            f64::NAN
        },
        delay_median_ms: percentile(&mut delays, 0.5),
        delay_p95_ms: percentile(&mut delays, 0.95),
        delivered: if expected > 0.0 {
            packets_out / expected
        } else {
            0.0
        },
    }
}

/// The machine's own IPv4 address: media runs on it for both servers, because libnice
/// (under Janus) never gathers loopback candidates. Packets still never leave the
/// machine.
pub fn local_ip() -> std::net::IpAddr {
    let output = Command::new("hostname").arg("-I").output();
    output
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|text| {
            text.split_whitespace()
                .filter_map(|a| a.parse::<std::net::IpAddr>().ok())
                .find(|a| a.is_ipv4() && !a.is_loopback())
        })
        .unwrap_or_else(|| [127, 0, 0, 1].into())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Product {
    child: Child,
    address: String,
    room_code: String,
    /// The host's session cookie first, then the participants'.
    cookies: Vec<String>,
    /// The server's standard error (kept when the benchmark fails).
    log: PathBuf,
}

impl Drop for Product {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A database with a service, a therapist, twelve participants with sessions, and a
/// room; then the product's server on it.
async fn start_product(dir: &Path) -> Product {
    let database_url = format!("sqlite://{}/rph.sqlite3", dir.display());
    let db = common::database(&database_url).await.unwrap();
    let service = common::service(&db).await.unwrap();
    let mut cookies = Vec::new();
    let mut host = 0;
    for i in 0..13 {
        let kind = if i == 0 { "staff" } else { "citizen" };
        let id = common::account(
            &db,
            &format!("p{i}@bench.example"),
            &format!("Person{i} Bench"),
            kind,
        )
        .await
        .unwrap();
        if i == 0 {
            host = id;
            sqlx::query("insert into membership (account_id, service_id, role, created_at) values ($1, $2, 'therapist', 1)")
                .bind(id)
                .bind(service)
                .execute(&db.pool)
                .await
                .unwrap();
        }
        let token = app::server::sessions::create(&db, id, SessionStage::Full)
            .await
            .unwrap();
        cookies.push(format!("rph_session={token}"));
    }
    let room = app::server::rooms::create(&db, service, "Bench", host)
        .await
        .unwrap();
    db.pool.close().await;

    let port = free_port();
    let address = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("APP_ENV", "development")
        .env("RPH_BIND", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &database_url)
        .env("RPH_SITE_ROOT", dir.join("site"))
        .env("RPH_OUTBOX_DIR", dir.join("outbox"))
        .env("RPH_SEED_DEMO", "false")
        .env("RPH_MEDIA_PORTS", "41000-41999")
        .env("RPH_MEDIA_IP", local_ip().to_string())
        // SFU_BENCH_LOG=warn,server::sfu=debug when looking for a cause.
        .env(
            "RUST_LOG",
            std::env::var("SFU_BENCH_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + WAIT;
    while client
        .get(format!("{address}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Product {
        child,
        address,
        room_code: room.code,
        cookies,
        log: dir.join("server.log"),
    }
}

async fn peers(product: &Product) -> u64 {
    let health: serde_json::Value = reqwest::get(format!("{}/healthz", product.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    health["media"]["peers"].as_u64().unwrap_or(u64::MAX)
}

/// Waits until `check` holds; false once `limit` has passed.
async fn wait_until_or(what: &str, limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while !check() {
        if Instant::now() >= deadline {
            eprintln!("timed out: {what}");
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !check() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One room of `n` through the product's SFU.
async fn run_product(product: &Product, n: usize) -> Figures {
    let options = |i: usize| Options {
        url: format!(
            "{}/rooms/{}/socket",
            product.address.replacen("http://", "ws://", 1),
            product.room_code
        ),
        cookie: product.cookies[i].clone(),
        origin: product.address.clone(),
        name: format!("P{i}"),
        audio_only: false,
        video_kbps: VIDEO_KBPS,
        // One layer, as Janus is sent: the same packets through both.
        simulcast: false,
        bind_ip: local_ip(),
        use_offered_ice: false,
        rewrite_sdp: None,
    };
    let mut host = Participant::join(options(0)).await.unwrap();
    host.wait_for(WAIT, |p| *p == Phase::Connected)
        .await
        .unwrap();
    let mut people = vec![];
    for i in 1..n {
        let mut person = Participant::join(options(i)).await.unwrap();
        person.wait_for(WAIT, |p| *p == Phase::Lobby).await.unwrap();
        people.push(person);
    }
    wait_until("everyone in the lobby", || host.lobby().len() == n - 1).await;
    host.send(ClientMessage::AdmitAll);
    for person in &mut people {
        person
            .wait_for(WAIT, |p| *p == Phase::Connected)
            .await
            .unwrap();
    }
    people.insert(0, host);
    let everyone = wait_until_or("everyone receives everyone", WAIT, || {
        people
            .iter()
            .all(|p| p.tally.tracks_receiving() == 2 * (n - 1))
    })
    .await;
    if !everyone {
        // Say who is missing what before failing: a participant's tracks by sender.
        for (i, p) in people.iter().enumerate() {
            let mut got: Vec<_> = p.tally.received().into_iter().collect();
            got.sort();
            eprintln!(
                "P{i} receives {} tracks: {got:?}",
                p.tally.tracks_receiving()
            );
        }
        panic!(
            "timed out: everyone receives everyone (N = {n}); the server's log is {}",
            product.log.display()
        );
    }
    let tallies: Vec<Arc<Tally>> = people.iter().map(|p| Arc::clone(&p.tally)).collect();
    let figures = measure(n, product.child.id(), &tallies, n).await;
    for person in people {
        person.leave().await;
    }
    let deadline = Instant::now() + WAIT;
    while peers(product).await != 0 {
        assert!(
            Instant::now() < deadline,
            "peer connections remain after everyone left"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    figures
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rph-bench-sfu-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn print_table(ours: &[Figures], theirs: &[Figures]) {
    println!();
    println!("SFU under load: N participants, each {VIDEO_KBPS} kbit/s video + 32 kbit/s audio, receiving all others; {} s measured after {} s warm-up", MEASURE.as_secs(), WARM_UP.as_secs());
    println!();
    println!("| N | server | CPU (% of a core) | RSS MB | packets/s in | packets/s out | Mbit/s in | Mbit/s out | µs CPU per forwarded packet | delay median / p95 ms | delivered |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (name, rows) in [("rph SFU", ours), ("Janus", theirs)] {
        for f in rows {
            println!(
                "| {} | {name} | {:.1} | {:.0} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.2} / {:.2} | {:.1} % |",
                f.n,
                f.cpu * 100.0,
                f.rss_mb,
                f.packets_in,
                f.packets_out,
                f.mbit_in,
                f.mbit_out,
                f.micros_per_packet,
                f.delay_median_ms,
                f.delay_p95_ms,
                f.delivered * 100.0
            );
        }
    }
    println!();
    println!("| N | µs per forwarded packet, rph SFU | Janus | rph / Janus |");
    println!("|---|---|---|---|");
    for f in ours {
        if let Some(j) = theirs.iter().find(|j| j.n == f.n) {
            println!(
                "| {} | {:.1} | {:.1} | {:.2} |",
                f.n,
                f.micros_per_packet,
                j.micros_per_packet,
                f.micros_per_packet / j.micros_per_packet
            );
        }
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = scratch();
        let only: Option<usize> = std::env::var("SFU_BENCH_N")
            .ok()
            .and_then(|n| n.parse().ok());
        let sizes: Vec<usize> = SIZES
            .into_iter()
            .filter(|n| only.is_none_or(|o| o == *n))
            .collect();
        // SFU_BENCH_SERVERS=janus (or rph) measures one side only, when working on it.
        let servers = std::env::var("SFU_BENCH_SERVERS").unwrap_or_else(|_| "rph,janus".into());
        let mut ours = Vec::new();
        if servers.contains("rph") {
            let product = start_product(&dir).await;
            for &n in &sizes {
                let figures = run_product(&product, n).await;
                eprintln!("rph SFU, N = {n}: {figures:?}");
                ours.push(figures);
            }
        }
        let mut theirs = Vec::new();
        let janus = if servers.contains("janus") {
            Some(janus::Janus::start(&dir.join("janus")).await)
        } else {
            None
        };
        match janus.unwrap_or_else(|| Err(anyhow::anyhow!("not asked for"))) {
            Ok(janus) => {
                for &n in &sizes {
                    match janus.run(n).await {
                        Ok(figures) => {
                            eprintln!("Janus, N = {n}: {figures:?}");
                            theirs.push(figures);
                        }
                        Err(error) => eprintln!("Janus, N = {n}: failed: {error:#}"),
                    }
                }
            }
            Err(error) => {
                eprintln!("Janus could not start (is the `janus` package installed?): {error:#}")
            }
        }
        print_table(&ours, &theirs);
        if std::env::var("SFU_BENCH_DEBUG").is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
}
