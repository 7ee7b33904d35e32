//! Course groups for their leaders: the list (`/groups`), one group (`/groups/:cohort`),
//! a new one (`/groups/new`, leads);
//! and a participant's measure before a session (`/account/course/:reference/:instrument`).

mod group;
mod groups;
mod measure;
mod new_group;

pub use group::GroupPage;
pub use groups::GroupsPage;
pub use measure::CourseMeasurePage;
pub use new_group::NewGroupPage;
