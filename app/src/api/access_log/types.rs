//! What the access log server functions take and give, as it crosses the wire.

use serde::{Deserialize, Serialize};

use crate::domain::access::{AccessAction, DataKind};
use crate::domain::identity::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntryView {
    pub at: i64,
    pub staff_name: String,
    pub role: Option<Role>,
    pub service: Option<String>,
    pub data_kind: Option<DataKind>,
    pub action: Option<AccessAction>,
}
