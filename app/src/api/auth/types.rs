//! What the auth server functions take and give, as it crosses the wire.

use serde::{Deserialize, Serialize};

use crate::domain::capability::Kind;
use crate::domain::identity::{AccountKind, Role};

/// The signed-in person's own account, as "my account" shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub display_name: String,
    pub email: String,
    pub kind: AccountKind,
    pub second_factor: bool,
    pub memberships: Vec<MembershipView>,
    /// The kinds of work they may do somewhere: which pages "my account" links to.
    pub may: Vec<Kind>,
    /// Minutes an unused session lasts.
    pub idle_minutes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipView {
    pub service: String,
    pub role: Role,
}

/// The enrolment page's content, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    pub secret: String,
    pub qr_svg_data_uri: String,
    pub recovery_codes: Vec<String>,
}
