//! The work behind the site server functions: public, no personal data.

use super::types::ServiceSummary;
use crate::error::AppError;

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
