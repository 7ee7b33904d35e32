//! `GET /fhir/Questionnaire/{id}` and `GET /fhir/QuestionnaireResponse/{id}`: FHIR R4
//! export for staff. Reading someone's answers is logged in their access log.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use app::domain::access::{AccessAction, DataKind};
use app::domain::capability::{Capability, ServiceId};
use app::domain::identity::AccountKind;
use app::server::access_log::{self, Access};
use app::server::principal::Principal;
use app::server::{fhir, referrals, AppState};

fn fhir_json(value: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/fhir+json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

pub async fn questionnaire(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Response {
    // The instruments themselves hold no personal data; they are for staff systems.
    if principal.kind != AccountKind::Staff {
        return StatusCode::FORBIDDEN.into_response();
    }
    match state.instruments.get(&id) {
        Some(d) => fhir_json(fhir::questionnaire(&state.site.public_url, &d)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn questionnaire_response(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Response {
    if principal.kind != AccountKind::Staff {
        return StatusCode::FORBIDDEN.into_response();
    }
    let result = async {
        // Only staff of the service the answers were sent to; specialist guests see
        // only what is shared with them, which does not include this export.
        let Some((Some(service_id), subject)) = referrals::response_owner(&state.db, id).await?
        else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let service = ServiceId(service_id);
        if !principal.may(Capability::ExportAnswers(service)) {
            return Ok(StatusCode::NOT_FOUND.into_response());
        }
        // The answers are read in the transaction that logs the export.
        let mut audited = access_log::begin(&state.db).await?;
        let grant = audited
            .grant(
                &principal.actor(service),
                Access {
                    subject_account_id: subject,
                    record_kind: "questionnaire_response",
                    record_id: &id.to_string(),
                    data_kind: DataKind::QuestionnaireAnswers,
                    action: AccessAction::Exported,
                },
            )
            .await?;
        let Some(response) = referrals::response_by_id(&mut audited, &grant, id).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let Some(definition) = state.instruments.get(&response.instrument) else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        audited.commit().await?;
        Ok::<_, sqlx::Error>(fhir_json(fhir::questionnaire_response(
            &state.site.public_url,
            &definition,
            &response,
            &response.national_id,
        )))
    }
    .await;
    result.unwrap_or_else(|error| {
        tracing::error!(error = ?error, "FHIR export failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}
