//! Video rooms: the therapist's list (`/rooms`) and the room itself (`/rooms/:code`).

mod list;
mod room;

pub use list::RoomsPage;
pub use room::RoomPage;
