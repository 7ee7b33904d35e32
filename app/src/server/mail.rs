//! Outgoing email through lettre: `.eml` files in development, SMTP in production.

use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How mail leaves the server.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Arc<Transport>,
}

enum Transport {
    /// Each message becomes an `.eml` file in a directory, for development.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// One message to one person. Bodies must never carry health details.
#[derive(Clone, Debug)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address in mail settings or message")]
    Address(#[from] lettre::address::AddressError),
    #[error("could not build the message")]
    Build(#[from] lettre::error::Error),
    #[error("invalid content type of an attachment")]
    ContentType,
    #[error("could not prepare the outbox directory")]
    Outbox(#[source] std::io::Error),
    #[error("invalid SMTP URL")]
    SmtpUrl(#[source] lettre::transport::smtp::Error),
    #[error("the SMTP server refused or failed")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("could not write the message file")]
    File(#[from] lettre::transport::file::Error),
}

impl Mailer {
    /// Writes every message as a file in `dir`, created if missing.
    pub fn to_files(from: &str, dir: impl Into<PathBuf>) -> Result<Mailer, MailError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(MailError::Outbox)?;
        Ok(Mailer {
            from: from.parse()?,
            transport: Arc::new(Transport::Files(AsyncFileTransport::new(&dir), dir)),
        })
    }

    /// Sends through an SMTP server given as a URL, for example
    /// `smtp://user:pass@host:587?tls=required` or `smtp://host:25` (STARTTLS used when offered).
    pub fn smtp(from: &str, url: &str) -> Result<Mailer, MailError> {
        let url = with_opportunistic_tls(url);
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(MailError::SmtpUrl)?
            .build();
        Ok(Mailer {
            from: from.parse()?,
            transport: Arc::new(Transport::Smtp(transport)),
        })
    }

    /// Sends one message. Logs the outcome without the address or the content.
    #[tracing::instrument(skip_all)]
    pub async fn send(&self, mail: OutgoingMail) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse()?)
            .subject(mail.subject)
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text)?;
        self.deliver(message).await
    }

    /// Sends one message with calendar files attached (name, text), their iTIP method
    /// (REQUEST or CANCEL) in each part's content type as calendars expect.
    #[tracing::instrument(skip_all)]
    pub async fn send_with_calendars(
        &self,
        mail: OutgoingMail,
        files: Vec<(String, String)>,
        method: &str,
    ) -> Result<(), MailError> {
        use lettre::message::header::ContentTransferEncoding;
        use lettre::message::{Attachment, Body, MultiPart, SinglePart};
        let calendar_type =
            ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .map_err(|_| MailError::ContentType)?;
        let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(mail.text));
        for (name, text) in files {
            // Base64 keeps the file's CRLF line ends byte for byte (RFC 5545 requires
            // them); a text encoding lets the line ends change on the way.
            let file = Body::new_with_encoding(text, ContentTransferEncoding::Base64)
                .map_err(|_| MailError::ContentType)?;
            parts = parts.singlepart(Attachment::new(name).body(file, calendar_type.clone()));
        }
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse()?)
            .subject(mail.subject)
            .message_id(None)
            .multipart(parts)?;
        self.deliver(message).await
    }

    async fn deliver(&self, message: Message) -> Result<(), MailError> {
        match self.transport.as_ref() {
            Transport::Files(files, dir) => {
                let id = files.send(message).await?;
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "mail written to outbox");
            }
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
                tracing::info!("mail handed to SMTP server");
            }
        }
        Ok(())
    }

    /// The address mail is sent from, as calendars name their organiser.
    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    /// True when mail only lands in files (never acceptable in production).
    pub fn is_file_only(&self) -> bool {
        matches!(self.transport.as_ref(), Transport::Files(..))
    }
}

/// A plain `smtp://` URL gets STARTTLS whenever the server offers it.
fn with_opportunistic_tls(url: &str) -> String {
    if !url.starts_with("smtp://") || url.contains("tls=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&tls=opportunistic")
    } else {
        format!("{url}?tls=opportunistic")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_urls_use_starttls_when_offered() {
        assert_eq!(
            with_opportunistic_tls("smtp://h:25"),
            "smtp://h:25?tls=opportunistic"
        );
        assert_eq!(
            with_opportunistic_tls("smtp://h:587?tls=required"),
            "smtp://h:587?tls=required"
        );
        assert_eq!(with_opportunistic_tls("smtps://h:465"), "smtps://h:465");
    }

    #[tokio::test]
    async fn file_mailer_writes_an_eml_file() {
        let dir = std::env::temp_dir().join(format!("rph-outbox-{}", std::process::id()));
        let mailer = Mailer::to_files("RPH <noreply@demo.example>", &dir).unwrap();
        mailer
            .send(OutgoingMail {
                to: "kari@demo.example".into(),
                subject: "Kvittering".into(),
                text: "Takk.".into(),
            })
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(text.contains("Subject: Kvittering"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
