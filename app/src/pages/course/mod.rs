//! Course groups for their leaders: the list (`/groups`), one group (`/groups/:cohort`),
//! a new one (`/groups/new`, leads); the service's course catalogue for its lead
//! (`/courses`, `/courses/new`, `/courses/:course`); and a participant's measure before
//! a session (`/account/course/:reference/:instrument`).

mod catalogue;
mod course_form;
mod group;
mod groups;
mod measure;
mod new_group;

pub use catalogue::CataloguePage;
pub use course_form::CourseFormPage;
pub use group::GroupPage;
pub use groups::GroupsPage;
pub use measure::CourseMeasurePage;
pub use new_group::NewGroupPage;
