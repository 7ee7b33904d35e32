//! Outcomes: a person's scores over time (`/trajectory/:reference`), for the staff who
//! help them and, in plain words, for the person; the service's figures (`/figures`).

mod figures;
mod trajectory;

pub use figures::FiguresPage;
pub use trajectory::TrajectoryPage;
