//! Public facts about the site: which services exist and whom they serve.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A service as shown on the public home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub slug: String,
    pub name: String,
    pub municipalities: Vec<String>,
}

/// Lists the services. Public: anyone may ask, and it holds no personal data.
#[server(prefix = "/api", endpoint = "site/services")]
pub async fn list_services() -> Result<Vec<ServiceSummary>, AppError> {
    let state = crate::server::state::app_state()?;
    let services = crate::server::services::list_public(&state.db).await?;
    Ok(services
        .into_iter()
        .map(|s| ServiceSummary {
            slug: s.slug,
            name: s.name,
            municipalities: s.municipalities,
        })
        .collect())
}
