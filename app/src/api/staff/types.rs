//! What the staff server functions take and give, as it crosses the wire.

use serde::{Deserialize, Serialize};

use crate::domain::identity::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub account_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub invited: bool,
    pub deactivated: bool,
    pub is_me: bool,
}
