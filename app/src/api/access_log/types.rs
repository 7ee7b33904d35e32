//! What the access log server functions take and give, as it crosses the wire.

use serde::{Deserialize, Serialize};

use crate::domain::access::{AccessAction, DataKind, Purpose};
use crate::domain::identity::Role;

/// One access, or the same access repeated close together (`count` times, from
/// `first_at` to `at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntryView {
    pub at: i64,
    pub first_at: i64,
    pub count: usize,
    pub staff_name: String,
    pub role: Option<Role>,
    pub service: Option<String>,
    pub data_kind: Option<DataKind>,
    pub action: Option<AccessAction>,
    pub purpose: Purpose,
}
