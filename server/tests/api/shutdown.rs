//! The real binary stops cleanly on SIGTERM.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::scratch_dir;
use crate::signals::{catches, caught_signals};

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = scratch_dir("sigterm");
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("RPH_BIND", "127.0.0.1:0")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/rph.sqlite3", dir.display()),
        )
        .env("RPH_OUTBOX_DIR", dir.join("outbox"))
        .env("RPH_SEED_DEMO", "false")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");

    // The banner names the real address.
    let mut first_line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first_line).unwrap();
    let address = first_line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    // Caught from the banner on (the full run of 2026-12-04 failed here when they were
    // caught only once axum's shutdown task first ran: the SIGTERM below killed it).
    let caught = caught_signals(&format!("/proc/{}/status", child.id()));
    assert!(
        catches(caught, 15),
        "SIGTERM not caught at the banner ({caught:x})"
    );
    let mut stream = std::net::TcpStream::connect(&address).expect("server listens");
    use std::io::{Read as _, Write as _};
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop within 15 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    drop(stdout);
    assert!(exit.success(), "exit {exit:?}: {log}");
    assert!(log.contains("finishing requests in flight"), "{log}");
    assert!(log.contains("stopped cleanly"), "{log}");
}
