//! `GET /figures/episodes.csv?from=2026-01&to=2026-12`: the service's episodes for
//! analysis, pseudonymised (an id made up for this export instead of name and identity
//! number, dates to the month), for its leads. Every person in it gets the export in
//! their access log, written in the transaction that reads the rows.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng;

use app::domain::access::{AccessAction, DataKind};
use app::domain::capability::Kind;
use app::domain::outcome::Month;
use app::server::access_log::{self, Access};
use app::server::db::now;
use app::server::episodes::{self, Selection};
use app::server::principal::Principal;
use app::server::AppState;

pub async fn episodes_csv(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let Ok(service) = principal.first_service(Kind::ServiceFigures) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let this_month = Month::of(now());
    let mut from = query
        .get("from")
        .and_then(|m| Month::parse(m))
        .unwrap_or(this_month.minus(11));
    let mut to = query
        .get("to")
        .and_then(|m| Month::parse(m))
        .unwrap_or(this_month);
    if from > to {
        std::mem::swap(&mut from, &mut to);
    }
    let selection = Selection {
        service_id: service.0,
        from: from.start(),
        to: to.next().start(),
        cohort_id: None,
    };
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
        let (rows, phq9) = if subjects.is_empty() {
            (Vec::new(), HashMap::new())
        } else {
            let mut audited = access_log::begin(&state.db).await?;
            let actor = principal.actor(service);
            let mut last = None;
            for account in &subjects {
                last = Some(
                    audited
                        .grant(
                            &actor,
                            Access {
                                subject_account_id: *account,
                                record_kind: "episode_export",
                                record_id: &pseudonyms[account],
                                data_kind: DataKind::QuestionnaireAnswers,
                                action: AccessAction::Exported,
                            },
                        )
                        .await?,
                );
            }
            let grant = last.ok_or_else(|| sqlx::Error::Protocol("no subjects".into()))?;
            let rows = episodes::export_rows(audited.read(&grant)?, selection).await?;
            let phq9 = episodes::first_and_last_phq9(audited.read(&grant)?, selection).await?;
            audited.commit().await?;
            (rows, phq9)
        };
        let unknown = String::new();
        let text = episodes::to_csv(&rows, &phq9, &|account| {
            pseudonyms.get(&account).unwrap_or(&unknown).clone()
        })
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        Ok::<_, sqlx::Error>(
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!(
                            "attachment; filename=\"episoder-{}-{}.csv\"",
                            from.key(),
                            to.key()
                        ),
                    ),
                ],
                text,
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|error| {
        tracing::error!(error = ?error, "episode export failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}
