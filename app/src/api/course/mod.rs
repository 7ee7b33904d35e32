//! Group courses as a person meets them: the course offered on their referral, with its
//! dates; accepting it (a seat, or a place on the wait list) or declining it.
// A server function's arguments are its form's fields; the macro's client half
// cannot take an allow on the function.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

pub mod types;
use std::collections::BTreeMap;

use types::{
    CourseForm, CourseLine, GroupSummary, GroupView, MeasurePage, MyCourse, NewGroupForm,
    TemplateLine,
};

#[cfg(feature = "ssr")]
mod catalogue;
#[cfg(feature = "ssr")]
mod manage;
#[cfg(feature = "ssr")]
pub(crate) mod ssr;

/// The signed-in person's course offers and enrolments, newest first.
#[server(prefix = "/api", endpoint = "course/mine")]
pub async fn my_courses() -> Result<Vec<MyCourse>, AppError> {
    ssr::mine().await.map_err(AppError::respond)
}

/// The person accepts the course offered on their referral: a seat, or a place on the
/// wait list when the course is full.
#[server(prefix = "/api", endpoint = "course/accept")]
pub async fn accept_course(reference: String) -> Result<(), AppError> {
    ssr::accept(reference).await.map_err(AppError::respond)
}

/// The person declines the course offered (or leaves it, or its wait list).
#[server(prefix = "/api", endpoint = "course/decline")]
pub async fn decline_course(reference: String) -> Result<(), AppError> {
    ssr::decline(reference).await.map_err(AppError::respond)
}

/// The course groups the signed-in therapist leads (a lead: all of the service's).
#[server(prefix = "/api", endpoint = "course/groups")]
pub async fn my_groups() -> Result<Vec<GroupSummary>, AppError> {
    ssr::groups().await.map_err(AppError::respond)
}

/// One group: its roster and sessions. Every participant's name read is in their
/// access log.
#[server(prefix = "/api", endpoint = "course/group")]
pub async fn group(cohort: i64) -> Result<GroupView, AppError> {
    ssr::group(cohort).await.map_err(AppError::respond)
}

/// A leader ticks a participant present at an in-person session of their group (or
/// takes the tick back); back to the group's page.
#[server(prefix = "/api", endpoint = "course/attendance")]
pub async fn mark_attendance(
    cohort: i64,
    session: i64,
    referral: i64,
    present: bool,
) -> Result<(), AppError> {
    ssr::mark_attendance(cohort, session, referral, present)
        .await
        .map_err(AppError::respond)
}

/// A measure due before the person's next session, to answer.
#[server(prefix = "/api", endpoint = "course/measure")]
pub async fn course_measure(
    reference: String,
    instrument: String,
) -> Result<MeasurePage, AppError> {
    ssr::measure(reference, instrument)
        .await
        .map_err(AppError::respond)
}

/// The person's answers to a measure due before their next session; on to the next
/// measure due, or back to My page.
#[server(prefix = "/api", endpoint = "course/answer-measure")]
pub async fn answer_measure(
    reference: String,
    instrument: String,
    #[server(default)] fields: BTreeMap<String, String>,
) -> Result<(), AppError> {
    ssr::answer_measure(reference, instrument, fields)
        .await
        .map_err(AppError::respond)
}

/// What a lead chooses from to start a course group.
#[server(prefix = "/api", endpoint = "course/group-form")]
pub async fn group_form() -> Result<NewGroupForm, AppError> {
    manage::form().await.map_err(AppError::respond)
}

/// A lead starts a course group: its course, first date and time (weekly from there),
/// one or two leaders, seats, and how it meets; on to its page.
#[server(prefix = "/api", endpoint = "course/create-group")]
pub async fn create_group(
    #[server(default)] course: String,
    #[server(default)] first: String,
    #[server(default)] time: String,
    #[server(default)] leader: String,
    #[server(default)] co_leader: String,
    #[server(default)] capacity: String,
    #[server(default)] format: String,
    #[server(default)] place: String,
    #[server(default)] open: String,
) -> Result<(), AppError> {
    manage::create(manage::NewGroup {
        course,
        first,
        time,
        leader,
        co_leader,
        capacity,
        format,
        place,
        open,
    })
    .await
    .map_err(AppError::respond)
}

/// Moves a group on (open for enrolment, running, finished) or cancels it. Finishing
/// closes its participants' referrals as completed.
#[server(prefix = "/api", endpoint = "course/group-state")]
pub async fn change_group_state(cohort: i64, state: String) -> Result<(), AppError> {
    manage::change_state(cohort, state)
        .await
        .map_err(AppError::respond)
}

/// Cancels one session still to come; everyone with a seat gets the calendar's
/// cancellation of it.
#[server(prefix = "/api", endpoint = "course/cancel-session")]
pub async fn cancel_session(cohort: i64, session: i64) -> Result<(), AppError> {
    manage::cancel_session(cohort, session)
        .await
        .map_err(AppError::respond)
}

/// Changes one session still to come: another date and time (its length kept), and
/// whether it meets by video or in person; everyone with a seat gets the calendar's
/// update of it.
#[server(prefix = "/api", endpoint = "course/change-session")]
pub async fn change_session(
    cohort: i64,
    session: i64,
    #[server(default)] date: String,
    #[server(default)] time: String,
    #[server(default)] format: String,
) -> Result<(), AppError> {
    manage::change_session(cohort, session, date, time, format)
        .await
        .map_err(AppError::respond)
}

/// Changes a group not yet over: its seats (new ones go to the wait list first), its
/// leaders, and where it meets (everyone with a seat gets the calendar's update).
#[server(prefix = "/api", endpoint = "course/change-group")]
pub async fn change_group(
    cohort: i64,
    #[server(default)] capacity: String,
    #[server(default)] leader: String,
    #[server(default)] co_leader: String,
    #[server(default)] place: String,
) -> Result<(), AppError> {
    manage::change_group(
        cohort,
        manage::GroupChange {
            capacity,
            leader,
            co_leader,
            place,
        },
    )
    .await
    .map_err(AppError::respond)
}

/// Staff enrol a person of the service in a group by their referral's reference: a
/// seat (or the wait list), on their timeline, and the invitation by email.
#[server(prefix = "/api", endpoint = "course/enrol")]
pub async fn enrol_participant(cohort: i64, reference: String) -> Result<(), AppError> {
    manage::enrol(cohort, reference)
        .await
        .map_err(AppError::respond)
}

/// Staff remove a person from a group, with the reason (kept on their timeline); a
/// freed seat goes to the first in line.
#[server(prefix = "/api", endpoint = "course/remove")]
pub async fn remove_participant(
    cohort: i64,
    referral: i64,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    manage::remove(cohort, referral, reason)
        .await
        .map_err(AppError::respond)
}

/// The lead's override of a group's finish: a referral it closed as completed is
/// opened again as active.
#[server(prefix = "/api", endpoint = "course/reopen")]
pub async fn reopen_referral(cohort: i64, referral: i64) -> Result<(), AppError> {
    manage::reopen(cohort, referral)
        .await
        .map_err(AppError::respond)
}

/// The service's course catalogue, for its lead to add to and change.
#[server(prefix = "/api", endpoint = "course/catalogue")]
pub async fn course_catalogue() -> Result<Vec<CourseLine>, AppError> {
    catalogue::list().await.map_err(AppError::respond)
}

/// The courses the product ships that the service's catalogue does not have yet.
#[server(prefix = "/api", endpoint = "course/templates")]
pub async fn course_templates() -> Result<Vec<TemplateLine>, AppError> {
    catalogue::templates().await.map_err(AppError::respond)
}

/// The lead adds a shipped course to the catalogue (once: adding it again changes
/// nothing, and a course made from it and changed since stays as it is).
#[server(prefix = "/api", endpoint = "course/add-template")]
pub async fn add_course_template(template: String) -> Result<(), AppError> {
    catalogue::add_template(template)
        .await
        .map_err(AppError::respond)
}

/// How many hours before a session the service's reminders go out, for its lead.
#[server(prefix = "/api", endpoint = "course/reminder-hours")]
pub async fn reminder_hours() -> Result<i64, AppError> {
    catalogue::reminder_hours().await.map_err(AppError::respond)
}

/// The lead sets how many hours before a session its reminders go out (1 to 168).
#[server(prefix = "/api", endpoint = "course/save-reminder-hours")]
pub async fn save_reminder_hours(#[server(default)] hours: String) -> Result<(), AppError> {
    catalogue::save_reminder_hours(hours)
        .await
        .map_err(AppError::respond)
}

/// A course of the catalogue to change (`course` 0: a new one, with defaults).
#[server(prefix = "/api", endpoint = "course/editor")]
pub async fn course_editor(course: i64) -> Result<CourseForm, AppError> {
    catalogue::editor(course).await.map_err(AppError::respond)
}

/// A lead adds a course to the catalogue (`course` 0) or changes one; groups made
/// earlier keep their dates and seats. Back to the catalogue.
#[server(prefix = "/api", endpoint = "course/save")]
pub async fn save_course(
    #[server(default)] course: i64,
    #[server(default)] name: String,
    #[server(default)] description: String,
    #[server(default)] suits: String,
    #[server(default)] weekly: String,
    #[server(default)] follow_ups: String,
    #[server(default)] follow_up_weeks: String,
    #[server(default)] minutes: String,
    #[server(default)] format: String,
    #[server(default)] capacity: String,
    #[server(default)] measures: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::domain::course::catalogue::CourseDraft;
    catalogue::save(
        course,
        CourseDraft {
            name,
            description,
            suits,
            weekly,
            follow_ups,
            follow_up_weeks,
            minutes,
            format,
            capacity,
            measures: measures.into_keys().collect(),
        },
    )
    .await
    .map_err(AppError::respond)
}
