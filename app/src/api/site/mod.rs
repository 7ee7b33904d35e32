//! Public facts about the site: which services exist and whom they serve.

use leptos::prelude::*;

use crate::error::AppError;

pub mod types;
use types::ServiceSummary;

#[cfg(feature = "ssr")]
mod ssr;

/// Lists the services. Public: anyone may ask, and it holds no personal data.
#[server(prefix = "/api", endpoint = "site/services")]
pub async fn list_services() -> Result<Vec<ServiceSummary>, AppError> {
    ssr::list_services().await.map_err(AppError::respond)
}
