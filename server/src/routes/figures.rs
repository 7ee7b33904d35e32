//! The service's data as files, for its leads (`?from=2026-01&to=2026-12`, the last
//! twelve months by default). Every person in a file gets it in their access log,
//! written in the transaction that reads the rows.
//!
//! Only the people logged are written: a row added after their list was read waits for
//! the next export.
//!
//! - `GET /figures/episodes.csv`: the episodes for analysis, pseudonymised (an id made
//!   up for this export instead of name and identity number, dates to the month).
//! - `GET /figures/register/{format}`: the register extract, a row per contact, in one
//!   of `register::FORMATS` (README: "The register extract").

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::Rng;

use app::domain::access::{AccessAction, DataKind};
use app::domain::capability::{Kind, ServiceId};
use app::domain::outcome::Month;
use app::server::access_log::{self, Access, AccessGrant, Actor, Audited};
use app::server::db::now;
use app::server::episodes::{self, Selection};
use app::server::principal::Principal;
use app::server::{register, AppState};

use super::{download, failed};

/// The months asked for, first to last (either order), and the selection they make.
fn period(service: ServiceId, query: &BTreeMap<String, String>) -> (Month, Month, Selection) {
    let this_month = Month::of(now());
    let month = |key: &str, default: Month| {
        query
            .get(key)
            .and_then(|m| Month::parse(m))
            .unwrap_or(default)
    };
    let mut from = month("from", this_month.minus(11));
    let mut to = month("to", this_month);
    if from > to {
        std::mem::swap(&mut from, &mut to);
    }
    let selection = Selection {
        service_id: service.0,
        from: from.start(),
        to: to.next().start(),
        cohort_id: None,
    };
    (from, to, selection)
}

/// Writes the export in the access log of every person in it; the grant to read them
/// with, or `None` when there is nobody.
async fn log_export(
    audited: &mut Audited,
    actor: &Actor,
    subjects: &[i64],
    record_kind: &str,
    record_id: &(dyn Fn(i64) -> String + Sync),
) -> Result<Option<AccessGrant>, sqlx::Error> {
    let mut last = None;
    for account in subjects {
        last = Some(
            audited
                .grant(
                    actor,
                    Access {
                        subject_account_id: *account,
                        record_kind,
                        record_id: &record_id(*account),
                        data_kind: DataKind::QuestionnaireAnswers,
                        action: AccessAction::Exported,
                    },
                )
                .await?,
        );
    }
    Ok(last)
}

pub async fn episodes_csv(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let Ok(service) = principal.first_service(Kind::ServiceFigures) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let (from, to, selection) = period(service, &query);
    let result = async {
        let measures = state.instruments.outcome_measures();
        episodes::refresh_stale(&state.db, &measures, 10_000).await?;
        let subjects = episodes::subjects(&state.db, selection).await?;
        // A made-up id per person, for this export only.
        let pseudonyms: HashMap<i64, String> = {
            let mut rng = rand::thread_rng();
            subjects
                .iter()
                .map(|account| (*account, format!("{:010x}", rng.gen::<u64>() >> 24)))
                .collect()
        };
        let pseudonym = |account: i64| pseudonyms.get(&account).cloned().unwrap_or_default();
        let mut audited = access_log::begin(&state.db).await?;
        let grant = log_export(
            &mut audited,
            &principal.actor(service),
            &subjects,
            "episode_export",
            &pseudonym,
        )
        .await?;
        let (rows, phq9) = match grant {
            Some(grant) => {
                let mut rows = episodes::export_rows(audited.read(&grant)?, selection).await?;
                // Someone whose episode began after the list of people was read (on
                // PostgreSQL each statement sees new commits) is not in the log: left out.
                rows.retain(|row| pseudonyms.contains_key(&row.account_id));
                let phq9 = episodes::first_and_last_phq9(audited.read(&grant)?, selection).await?;
                audited.commit().await?;
                (rows, phq9)
            }
            None => (Vec::new(), HashMap::new()),
        };
        let text = episodes::to_csv(&rows, &phq9, &pseudonym)
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        Ok::<_, sqlx::Error>(download(
            "text/csv; charset=utf-8",
            &format!("episoder-{}-{}.csv", from.key(), to.key()),
            text,
        ))
    }
    .await;
    result.unwrap_or_else(|error| failed("episode export", error))
}

pub async fn register_extract(
    State(state): State<AppState>,
    principal: Principal,
    Path(format): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let Ok(service) = principal.first_service(Kind::ServiceFigures) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let Some(format) = register::format(&format) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (from, to, selection) = period(service, &query);
    let result = async {
        let subjects: Vec<i64> = register::subjects(&state.db, selection)
            .await?
            .into_iter()
            .map(|a| a.0)
            .collect();
        let record_id = format!("{} {}–{}", format.name(), from.key(), to.key());
        let mut audited = access_log::begin(&state.db).await?;
        let grant = log_export(
            &mut audited,
            &principal.actor(service),
            &subjects,
            "register_extract",
            &|_| record_id.clone(),
        )
        .await?;
        let contacts = match grant {
            Some(grant) => {
                let mut contacts = register::contacts(audited.read(&grant)?, selection).await?;
                // A contact recorded after the list of people was read belongs to
                // someone who may not be in the log: only the logged are written.
                let logged: std::collections::BTreeSet<i64> = subjects.iter().copied().collect();
                contacts.retain(|contact| logged.contains(&contact.account.0));
                audited.commit().await?;
                contacts
            }
            None => Vec::new(),
        };
        let bytes = format.write(&contacts).map_err(sqlx::Error::Protocol)?;
        Ok::<_, sqlx::Error>(download(
            format.content_type(),
            &format!(
                "register-{}-{}-{}.{}",
                format.name(),
                from.key(),
                to.key(),
                format.extension()
            ),
            bytes,
        ))
    }
    .await;
    result.unwrap_or_else(|error| failed("register extract", error))
}
