//! The one state every request handler and server function can reach.

use std::sync::Arc;

use leptos::prelude::*;

use super::{Db, Mailer};
use crate::error::AppError;

/// What the application runs with, behind one `Arc`: every request clones it several
/// times (each layer's `State`, the page's context), and a clone of the parts one by
/// one cost a few per cent of a page's CPU in `perf`. Reads through to the parts.
#[derive(Clone)]
pub struct AppState(Arc<AppStateParts>);

/// The parts of the state.
pub struct AppStateParts {
    pub db: Db,
    pub mailer: Mailer,
    pub site: Arc<SiteSettings>,
    pub instruments: Arc<super::instruments::Instruments>,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    pub fn new(parts: AppStateParts) -> AppState {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateParts;

    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

/// The settings pages and server functions need (the secrets stay in the binary's config).
#[derive(Clone, Debug)]
pub struct SiteSettings {
    /// The address people reach the product on, without a trailing slash.
    pub public_url: String,
    pub production: bool,
    /// Days an untouched referral draft is kept before it is deleted.
    pub draft_retention_days: i64,
    /// The file the access log's signed checkpoints are appended to.
    pub access_log_checkpoints: std::path::PathBuf,
    /// The published names of the site's own files.
    pub assets: super::assets::Assets,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, from inside a server function. An error instead of a panic when
/// missing, because route listing at start-up renders without it.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
