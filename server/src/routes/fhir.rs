//! `GET /fhir/Questionnaire/{id}` and `GET /fhir/QuestionnaireResponse/{id}`: FHIR R4
//! export for staff. Reading someone's answers is logged in their access log.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use app::domain::access::{AccessAction, DataKind};
use app::domain::identity::{AccountKind, Role, SessionStage};
use app::server::access_log::{self, Access, Actor};
use app::server::auth::CurrentSession;
use app::server::{fhir, referrals, staff, AppState};

fn fhir_json(value: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/fhir+json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

/// The signed-in member of staff (second factor done), or the status that refuses.
fn staff_session(session: Option<Extension<CurrentSession>>) -> Result<CurrentSession, StatusCode> {
    match session.map(|Extension(s)| s) {
        Some(s)
            if s.session.stage == SessionStage::Full && s.session.kind == AccountKind::Staff =>
        {
            Ok(s)
        }
        Some(s) if s.session.stage == SessionStage::Full => Err(StatusCode::FORBIDDEN),
        _ => Err(StatusCode::UNAUTHORIZED),
    }
}

pub async fn questionnaire(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = staff_session(session) {
        return refused.into_response();
    }
    match state.instruments.get(&id) {
        Some(d) => fhir_json(fhir::questionnaire(&state.site.public_url, &d)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn questionnaire_response(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    Path(id): Path<i64>,
) -> Response {
    let session = match staff_session(session) {
        Ok(s) => s,
        Err(refused) => return refused.into_response(),
    };
    let result = async {
        let Some(response) = referrals::response_by_id(&state.db, id).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        // Only staff of the service the answers were sent to; specialist guests see
        // only what is shared with them, which does not include this export.
        let Some(service_id) = response.service_id else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let role = staff::role_in(&state.db, session.session.account_id, service_id).await?;
        let Some(role) = role.filter(|r| matches!(r, Role::Intake | Role::Therapist | Role::Lead))
        else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let Some(definition) = state.instruments.get(&response.instrument) else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        access_log::grant(
            &state.db,
            &Actor {
                account_id: session.session.account_id,
                role: role.as_str().to_owned(),
                service_id: Some(service_id),
            },
            Access {
                subject_account_id: response.account_id,
                record_kind: "questionnaire_response",
                record_id: &response.id.to_string(),
                data_kind: DataKind::QuestionnaireAnswers,
                action: AccessAction::Exported,
            },
        )
        .await?;
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
