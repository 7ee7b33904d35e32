//! Course groups for their leaders: the list (`/groups`) and one group (`/groups/:cohort`);
//! and a participant's measure before a session (`/account/course/:reference/:instrument`).

mod group;
mod groups;
mod measure;

pub use group::GroupPage;
pub use groups::GroupsPage;
pub use measure::CourseMeasurePage;
