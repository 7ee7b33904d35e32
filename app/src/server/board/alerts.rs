//! Telling a service's intake that an urgent referral is waiting: an email with no
//! health detail, within a minute of the referral being sent.
//!
//! Durable: an urgent referral is stored with `alert_due_at` set. A pass takes the due
//! alerts with a lease in one statement (of several servers, one sends; a pass that died
//! with its server is taken up again when the lease ends) and clears them once every
//! message is handed over. A pass runs right after an urgent referral is sent, and every
//! minute with the scheduled jobs as the sweep that catches what was missed.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::i18n::{texts, Lang};
use crate::server::{AppState, Db, OutgoingMail};

/// How long a pass holds the alerts it took before another may take them again.
pub const LEASE_SECONDS: i64 = 120;

/// Sends every due alert, one message per service to each of its intake staff (its
/// leads when it has no intake). Returns the number of referrals alerted.
pub async fn send_due(state: &AppState, at: i64) -> Result<u64, sqlx::Error> {
    let taken = sqlx::query(
        "update referral set alert_due_at = $1 where alert_due_at <= $2
         returning referral_id, service_id",
    )
    .bind(at + LEASE_SECONDS)
    .bind(at)
    .fetch_all(&state.db.pool)
    .await?;
    let mut by_service: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for row in &taken {
        by_service
            .entry(row.try_get("service_id")?)
            .or_default()
            .push(row.try_get("referral_id")?);
    }
    let mut alerted = 0;
    for (service_id, referrals) in by_service {
        let (service, recipients) = recipients(&state.db, service_id).await?;
        let t = texts(Lang::default());
        let link = format!("{}/board", state.site.public_url);
        let mut sent = true;
        for to in recipients {
            let mail = OutgoingMail {
                to,
                subject: t.board.mail_urgent_subject.to_owned(),
                text: format!(
                    "{}\n{link}\n\n{}\n",
                    t.board.mail_urgent_body.replace("{service}", &service),
                    t.board.mail_urgent_no_details
                ),
            };
            if let Err(error) = state.mailer.send(mail).await {
                // The lease runs out and a later pass tries again.
                tracing::error!(error = ?error, service_id, "could not send an urgent referral alert");
                sent = false;
            }
        }
        if sent {
            for referral_id in &referrals {
                sqlx::query("update referral set alert_due_at = null where referral_id = $1")
                    .bind(referral_id)
                    .execute(&state.db.pool)
                    .await?;
            }
            alerted += referrals.len() as u64;
        }
    }
    Ok(alerted)
}

/// Sends what is due now, in the background: for right after an urgent referral is
/// stored, so the person sending it does not wait for the mail.
pub fn send_soon(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = send_due(&state, crate::server::db::now()).await {
            tracing::error!(error = ?error, "could not send urgent referral alerts");
        }
    });
}

/// The service's name and the addresses of its active intake staff, or of its leads
/// when it has no intake.
async fn recipients(db: &Db, service_id: i64) -> Result<(String, Vec<String>), sqlx::Error> {
    let service: String = sqlx::query("select name from service where service_id = $1")
        .bind(service_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("name")?;
    let rows = sqlx::query(
        "select a.email, m.role from membership m join account a on a.account_id = m.account_id
         where m.service_id = $1 and m.role in ('intake', 'lead') and a.deactivated_at is null
         order by a.email",
    )
    .bind(service_id)
    .fetch_all(&db.pool)
    .await?;
    let mut intake = Vec::new();
    let mut leads = Vec::new();
    for row in rows {
        let email: String = row.try_get("email")?;
        match row.try_get::<String, _>("role")?.as_str() {
            "intake" => intake.push(email),
            _ => leads.push(email),
        }
    }
    Ok((service, if intake.is_empty() { leads } else { intake }))
}
