//! What the site server functions take and give, as it crosses the wire.

use serde::{Deserialize, Serialize};

/// A service as shown on the public home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub slug: String,
    pub name: String,
    pub municipalities: Vec<String>,
}
