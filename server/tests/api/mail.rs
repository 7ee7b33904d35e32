//! Mail through a real SMTP server (Python's aiosmtpd, started here) and to files.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::server::{Mailer, OutgoingMail};

use crate::helpers::scratch_dir;

/// An aiosmtpd process storing what it receives in a Maildir; killed on drop.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: std::path::PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_smtp_server() -> SmtpServer {
    let python = std::env::var("TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let maildir = scratch_dir("maildir").join("mail");
    let port = free_port();
    let child = Command::new(&python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {python} -m aiosmtpd ({e}); scripts/test installs it")
        });
    let server = SmtpServer {
        child,
        port,
        maildir,
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "aiosmtpd did not start listening on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

fn wait_for_one_message(maildir: &std::path::Path) -> String {
    let new = maildir.join("new");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(entries) = std::fs::read_dir(&new) {
            let files: Vec<_> = entries.filter_map(Result::ok).collect();
            if let Some(file) = files.first() {
                assert_eq!(files.len(), 1, "exactly one message expected");
                return std::fs::read_to_string(file.path()).unwrap();
            }
        }
        assert!(
            Instant::now() < deadline,
            "no message arrived in {}",
            new.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn mail_arrives_at_a_real_smtp_server_with_the_right_headers() {
    let smtp = start_smtp_server();
    let mailer = Mailer::smtp(
        "Rask psykisk helsehjelp <ikke-svar@rph.example>",
        &format!("smtp://127.0.0.1:{}", smtp.port),
    )
    .unwrap();
    assert!(!mailer.is_file_only());
    mailer
        .send(OutgoingMail {
            to: "kari.nordmann@example.no".into(),
            subject: "Vi har mottatt henvendelsen din".into(),
            text: "Hei!\nVi tar kontakt innen to uker.".into(),
        })
        .await
        .unwrap();

    let message = wait_for_one_message(&smtp.maildir);
    assert!(
        message.contains("From: \"Rask psykisk helsehjelp\" <ikke-svar@rph.example>"),
        "{message}"
    );
    assert!(
        message.contains("To: kari.nordmann@example.no"),
        "{message}"
    );
    assert!(
        message.contains("Subject: Vi har mottatt henvendelsen din"),
        "{message}"
    );
    assert!(
        message.contains("Vi tar kontakt innen to uker."),
        "{message}"
    );
    assert!(
        message.contains("Content-Type: text/plain; charset=utf-8"),
        "{message}"
    );
    assert!(
        message.contains("X-RcptTo: kari.nordmann@example.no"),
        "{message}"
    );
    assert!(message.contains("Message-ID: <"), "{message}");
    assert!(message.contains("Date: "), "{message}");
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_an_error_not_a_silent_loss() {
    let mailer = Mailer::smtp(
        "RPH <ikke-svar@rph.example>",
        &format!("smtp://127.0.0.1:{}", free_port()),
    )
    .unwrap();
    let result = mailer
        .send(OutgoingMail {
            to: "kari@example.no".into(),
            subject: "Test".into(),
            text: "Test".into(),
        })
        .await;
    assert!(result.is_err());
}
