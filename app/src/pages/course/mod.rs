//! Course groups for their leaders: the list (`/groups`) and one group (`/groups/:cohort`).

mod group;
mod groups;

pub use group::GroupPage;
pub use groups::GroupsPage;
