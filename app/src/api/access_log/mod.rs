//! "Who has looked at my data": a citizen's view of the access log.

use leptos::prelude::*;

use crate::error::AppError;

pub mod types;
use types::*;

#[cfg(feature = "ssr")]
mod ssr;

/// The signed-in person's own entries; nobody else's.
#[server(prefix = "/api", endpoint = "account/access-log")]
pub async fn my_access_log() -> Result<Vec<AccessEntryView>, AppError> {
    ssr::my_access_log().await.map_err(AppError::respond)
}
