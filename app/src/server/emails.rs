//! The emails the product sends, in the reader's language. None carries health details.

use super::OutgoingMail;
use crate::i18n::Texts;

fn fill(template: &str, link: &str) -> String {
    template.replace("{link}", link)
}

/// "Confirm your email address", with a single-use link.
pub fn verify_email(t: &Texts, to: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: t.mail_verify_subject.to_owned(),
        text: fill(t.mail_verify_body, link),
    }
}

/// Sent instead when someone registers with an address that already has an account,
/// so the registration form reveals nothing about who has an account.
pub fn account_exists(t: &Texts, to: &str, login_link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: t.mail_exists_subject.to_owned(),
        text: fill(t.mail_exists_body, login_link),
    }
}

/// "Choose a new password", with a single-use link valid for an hour.
pub fn reset_password(t: &Texts, to: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: t.mail_reset_subject.to_owned(),
        text: fill(t.mail_reset_body, link),
    }
}

/// An invitation for a new member of staff, with a link valid for a week.
pub fn invitation(t: &Texts, to: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: t.mail_invite_subject.to_owned(),
        text: fill(t.mail_invite_body, link),
    }
}

/// "Continue your referral", with a single-use link valid for a week.
pub fn referral_resume(t: &Texts, to: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: t.referral.mail_resume_subject.to_owned(),
        text: format!("{}\n\n{link}\n", t.referral.mail_resume_body),
    }
}

/// The receipt for a referral: its reference and how to follow it. No health details.
/// What the receipt asks the person to do to follow the referral.
pub enum ReceiptNext {
    /// An account was made for the referral: choose its password.
    SetPassword(String),
    /// The address has an account already: confirm the referral is theirs.
    Confirm(String),
    /// The signed-in person's own: log in.
    LogIn(String),
}

pub fn referral_receipt(t: &Texts, to: &str, reference: &str, next: &ReceiptNext) -> OutgoingMail {
    let r = t.referral;
    let follow = match next {
        ReceiptNext::SetPassword(link) => format!("{}\n{link}", r.mail_receipt_follow),
        ReceiptNext::Confirm(link) => format!("{}\n{link}", r.mail_receipt_confirm),
        ReceiptNext::LogIn(link) => format!("{}\n{link}", r.mail_receipt_login),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject: r.mail_receipt_subject.to_owned(),
        text: format!("{} {reference}\n\n{follow}\n", r.mail_receipt_body),
    }
}

/// "There is news about your referral": the reference and a link to log in. No health
/// details: not even what was decided.
pub fn referral_news(t: &Texts, to: &str, reference: &str, login_link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: t.board.mail_decision_subject.to_owned(),
        text: format!(
            "{}\n{login_link}\n",
            t.board.mail_decision_body.replace("{reference}", reference)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{texts, Lang};

    #[test]
    fn every_language_puts_the_link_in_the_body() {
        for lang in Lang::ALL {
            let mail = verify_email(
                texts(lang),
                "kari@example.no",
                "https://rph.example/verify-email?token=abc",
            );
            assert!(
                mail.text
                    .contains("https://rph.example/verify-email?token=abc"),
                "{lang:?}"
            );
            assert!(!mail.text.contains("{link}"));
            let mail = account_exists(texts(lang), "kari@example.no", "https://rph.example/login");
            assert!(mail.text.contains("https://rph.example/login"), "{lang:?}");
        }
    }
}
