//! What the rooms server functions take and give, as it crosses the wire.

use serde::{Deserialize, Serialize};

/// A room in the therapist's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoomSummary {
    pub code: String,
    /// The room's full address, to send to the participants.
    pub link: String,
    pub title: String,
    pub created: String,
    pub ended: bool,
    pub attendance: Vec<AttendanceView>,
}

/// One person's stay in a room.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttendanceView {
    pub name: String,
    pub host: bool,
    pub joined: String,
    pub left: Option<String>,
}

/// What the room page needs before joining.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoomDetails {
    pub code: String,
    pub title: String,
    pub ended: bool,
    pub host: bool,
    /// The first name, offered as the name to show.
    pub suggested_name: String,
}
