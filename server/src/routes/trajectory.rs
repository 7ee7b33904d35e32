//! `GET /trajectory/{reference}/answers.json` and `GET /trajectory/{reference}/scores.csv`:
//! a referral's answers as one FHIR R4 `Bundle` of `QuestionnaireResponse`s, and its
//! scores over time as CSV. For the person themselves, and for staff of its service who
//! may export answers (`outcome_access::may_export`). Every download is in the
//! person's access log, written in the transaction that reads what it contains.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::domain::access::{AccessAction, DataKind};
use app::server::access_log::{self, Access, AccessGrant, Audited};
use app::server::db::now;
use app::server::outcome_access::{self, Whose};
use app::server::principal::Principal;
use app::server::{fhir, measurements, referrals, AppState};

use super::{download, failed};

/// The referral, if the principal may take its data away, and the export in the
/// person's access log. `None` for an unknown reference and a refused one alike, so
/// the answer tells nothing about someone else's.
async fn exported(
    state: &AppState,
    principal: &Principal,
    reference: &str,
    record_kind: &str,
) -> Result<Option<(Whose, Audited, AccessGrant)>, sqlx::Error> {
    let Some(whose) = outcome_access::whose(&state.db, reference).await? else {
        return Ok(None);
    };
    if outcome_access::may_export(principal, &whose).is_none() {
        return Ok(None);
    }
    let mut audited = access_log::begin(&state.db).await?;
    let grant = audited
        .grant(
            &principal.actor(whose.service),
            Access {
                subject_account_id: whose.account.0,
                record_kind,
                record_id: reference,
                data_kind: DataKind::QuestionnaireAnswers,
                action: AccessAction::Exported,
            },
        )
        .await?;
    Ok(Some((whose, audited, grant)))
}

pub async fn answers(
    State(state): State<AppState>,
    principal: Principal,
    Path(reference): Path<String>,
) -> Response {
    let result = async {
        let Some((whose, mut audited, grant)) =
            exported(&state, &principal, &reference, "answers_bundle").await?
        else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let responses =
            referrals::responses_of_referral(&mut audited, &grant, whose.referral).await?;
        audited.commit().await?;
        let resources = responses
            .iter()
            .filter_map(|response| {
                let definition = state.instruments.get(&response.instrument)?;
                Some(fhir::questionnaire_response(
                    &state.site.public_url,
                    &definition,
                    response,
                    &response.national_id,
                ))
            })
            .collect();
        let bundle = fhir::bundle(&state.site.public_url, resources, now());
        Ok::<_, sqlx::Error>(download(
            "application/fhir+json; charset=utf-8",
            &format!("svar-{reference}.json"),
            bundle.to_string(),
        ))
    }
    .await;
    result.unwrap_or_else(|error| failed("answers export", error))
}

pub async fn scores(
    State(state): State<AppState>,
    principal: Principal,
    Path(reference): Path<String>,
) -> Response {
    let result = async {
        let Some((whose, mut audited, grant)) =
            exported(&state, &principal, &reference, "trajectory_export").await?
        else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let stored = measurements::of_referral(audited.read(&grant)?, whose.referral).await?;
        audited.commit().await?;
        let text =
            measurements::to_csv(&stored).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        Ok::<_, sqlx::Error>(download(
            "text/csv; charset=utf-8",
            &format!("skarer-{reference}.csv"),
            text,
        ))
    }
    .await;
    result.unwrap_or_else(|error| failed("scores export", error))
}
