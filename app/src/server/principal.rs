//! Who is asking, once for every server function and route: the signed-in account and
//! what it may do (`domain::capability`). Server functions call `Principal::current`;
//! axum routes take a `Principal` (or `Option<Principal>`) as an extractor. Both build
//! it the same way, from the session the request layer found.

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::auth::{current_session, CurrentSession};
use super::state::{app_state, AppState};
use super::{access_log, staff, Db};
use crate::domain::capability::{Capabilities, Capability, Kind, ServiceId};
use crate::domain::identity::{AccountKind, SessionStage};
use crate::error::AppError;

/// A signed-in person (password and, for staff, second factor done) and what they may do.
#[derive(Clone, Debug)]
pub struct Principal {
    pub account_id: i64,
    pub kind: AccountKind,
    /// Their session's id (not its token), for what is kept per session.
    pub session_id: String,
    capabilities: Capabilities,
}

impl Principal {
    /// The principal of the request a server function or page serves; `Unauthenticated`
    /// for anyone not (fully) signed in.
    pub async fn current() -> Result<Principal, AppError> {
        let session = current_session();
        let state = app_state()?;
        Principal::of(&state.db, session.as_ref()).await
    }

    /// The principal if someone is signed in, `None` if nobody is (public pages that
    /// offer staff more).
    pub async fn optional() -> Result<Option<Principal>, AppError> {
        match Principal::current().await {
            Ok(principal) => Ok(Some(principal)),
            Err(AppError::Unauthenticated) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn of(db: &Db, session: Option<&CurrentSession>) -> Result<Principal, AppError> {
        let session = session
            .filter(|s| s.session.stage == SessionStage::Full)
            .ok_or(AppError::Unauthenticated)?;
        let live = &session.session;
        let capabilities = match live.kind {
            AccountKind::Staff => staff::capabilities(db, live.account_id).await?,
            AccountKind::Citizen => Capabilities::default(),
        };
        Ok(Principal {
            account_id: live.account_id,
            kind: live.kind,
            session_id: live.session_id.clone(),
            capabilities,
        })
    }

    /// Whether they may do this.
    pub fn may(&self, capability: Capability) -> bool {
        self.capabilities.may(capability)
    }

    /// The first service (by id) where they may do this kind of thing, or `Forbidden`:
    /// for the pages that serve one service at a time.
    pub fn first_service(&self, kind: Kind) -> Result<ServiceId, AppError> {
        self.capabilities
            .services(kind)
            .next()
            .ok_or(AppError::Forbidden)
    }

    /// Every service where they may do this kind of thing.
    pub fn services(&self, kind: Kind) -> Vec<ServiceId> {
        self.capabilities.services(kind).collect()
    }

    /// Whether they may do this kind of thing anywhere (what a page offers them).
    pub fn anywhere(&self, kind: Kind) -> bool {
        self.capabilities.anywhere(kind)
    }

    /// How the access log records them acting in a service.
    pub fn actor(&self, service: ServiceId) -> access_log::Actor {
        access_log::Actor {
            account_id: self.account_id,
            role: self
                .capabilities
                .role_in(service)
                .map(|role| role.as_str())
                .unwrap_or(self.kind.as_str())
                .to_owned(),
            service_id: Some(service.0),
        }
    }
}

/// Why a route refused: its status, and nothing about the cause.
#[derive(Debug)]
pub struct Refused(StatusCode);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

fn refused(error: AppError) -> Refused {
    if !matches!(error, AppError::Unauthenticated | AppError::Forbidden) {
        tracing::error!(error = ?error, "could not work out who is asking");
        return Refused(StatusCode::SERVICE_UNAVAILABLE);
    }
    Refused(StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNAUTHORIZED))
}

impl<S> FromRequestParts<S> for Principal
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let session = parts.extensions.get::<CurrentSession>();
        Principal::of(&state.db, session).await.map_err(refused)
    }
}

impl<S> OptionalFromRequestParts<S> for Principal
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Refused;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let state = AppState::from_ref(state);
        let session = parts.extensions.get::<CurrentSession>();
        match Principal::of(&state.db, session).await {
            Ok(principal) => Ok(Some(principal)),
            Err(AppError::Unauthenticated) => Ok(None),
            Err(error) => Err(refused(error)),
        }
    }
}
