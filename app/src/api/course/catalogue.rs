//! The work behind the service's course catalogue: its lead lists the courses, adds
//! one and changes one. Groups made earlier keep their dates and seats.

use std::collections::BTreeMap;

use super::types::{CourseForm, CourseLine, TemplateLine};
use crate::domain::capability::ServiceId;
use crate::domain::course::catalogue::{CourseDefinition, CourseDraft};
use crate::domain::course::CourseId;
use crate::error::AppError;
use crate::i18n::{detect_lang, texts};
use crate::server::courses::{self, CourseRow};
use crate::server::principal::Principal;
use crate::server::state::app_state;

/// The questionnaires a course may take before each session, (key, title), by key.
fn instruments() -> Result<Vec<(String, String)>, AppError> {
    let state = app_state()?;
    let lang = detect_lang();
    let mut all: Vec<(String, String)> = state
        .instruments
        .ids()
        .filter_map(|id| {
            state
                .instruments
                .get(id)
                .map(|d| (id.to_owned(), d.title.get(lang).to_owned()))
        })
        .collect();
    all.sort();
    Ok(all)
}

/// The service's course `id`, if it is one.
async fn course_of(service: ServiceId, id: i64) -> Result<CourseRow, AppError> {
    let state = app_state()?;
    courses::course(&state.db, CourseId(id))
        .await?
        .filter(|c| c.service_id == service)
        .ok_or(AppError::NotFound)
}

pub async fn list() -> Result<Vec<CourseLine>, AppError> {
    let principal = Principal::current().await?;
    let service = super::manage::managed_service(&principal)?;
    let state = app_state()?;
    let c = texts(detect_lang()).course;
    let titles: BTreeMap<String, String> = instruments()?.into_iter().collect();
    Ok(courses::courses_of(&state.db, service)
        .await?
        .into_iter()
        .map(|course| CourseLine {
            course_id: course.course_id.0,
            facts: format!(
                "{} · {}",
                c.length(
                    course.weekly_sessions,
                    course.follow_ups,
                    course.session_minutes
                ),
                c.format(course.format)
            ),
            measures: course
                .measures
                .iter()
                .map(|m| titles.get(m).cloned().unwrap_or_else(|| m.clone()))
                .collect::<Vec<_>>()
                .join(", "),
            name: course.name,
        })
        .collect())
}

pub async fn editor(course: i64) -> Result<CourseForm, AppError> {
    let principal = Principal::current().await?;
    let service = super::manage::managed_service(&principal)?;
    let (course_id, definition) = if course == 0 {
        // A new course starts from the shape RPH courses share.
        let definition = CourseDefinition {
            name: String::new(),
            description: String::new(),
            suits: String::new(),
            weekly_sessions: 8,
            follow_ups: 2,
            follow_up_weeks: 4,
            session_minutes: 150,
            format: crate::domain::course::Format::Video,
            measures: vec!["phq9".to_owned(), "gad7".to_owned()],
            capacity: 12,
        };
        (None, definition)
    } else {
        let row = course_of(service, course).await?;
        let definition = CourseDefinition {
            name: row.name,
            description: row.description,
            suits: row.suits,
            weekly_sessions: row.weekly_sessions,
            follow_ups: row.follow_ups,
            follow_up_weeks: row.follow_up_weeks,
            session_minutes: row.session_minutes,
            format: row.format,
            measures: row.measures,
            capacity: row.capacity,
        };
        (Some(course), definition)
    };
    Ok(CourseForm {
        course_id,
        values: [
            ("name", definition.name),
            ("description", definition.description),
            ("suits", definition.suits),
            ("weekly", definition.weekly_sessions.to_string()),
            ("follow_ups", definition.follow_ups.to_string()),
            ("follow_up_weeks", definition.follow_up_weeks.to_string()),
            ("minutes", definition.session_minutes.to_string()),
            ("format", definition.format.key().to_owned()),
            ("capacity", definition.capacity.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
        measures: definition.measures,
        instruments: instruments()?,
    })
}

/// Adds the course (`course` 0) or changes it; back to the catalogue.
pub async fn save(course: i64, draft: CourseDraft) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let service = super::manage::managed_service(&principal)?;
    let state = app_state()?;
    if course != 0 {
        course_of(service, course).await?;
    }
    let known: Vec<(String, String)> = instruments()?;
    let known: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
    let definition = draft.parse(&known).map_err(|errors| AppError::Invalid {
        errors,
        values: typed(&draft),
    })?;
    if course == 0 {
        courses::create_course(&state.db, service, &definition).await?;
    } else {
        courses::update_course(&state.db, CourseId(course), &definition).await?;
    }
    leptos_axum::redirect("/courses");
    Ok(())
}

/// The form's values as typed, to give back with its problems.
fn typed(draft: &CourseDraft) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = [
        ("name", &draft.name),
        ("description", &draft.description),
        ("suits", &draft.suits),
        ("weekly", &draft.weekly),
        ("follow_ups", &draft.follow_ups),
        ("follow_up_weeks", &draft.follow_up_weeks),
        ("minutes", &draft.minutes),
        ("format", &draft.format),
        ("capacity", &draft.capacity),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect();
    values.extend(
        draft
            .measures
            .iter()
            .map(|m| (format!("measures[{m}]"), "on".to_owned())),
    );
    // Said even when none is ticked, so the form knows the ticks came back.
    values.push(("measures".to_owned(), String::new()));
    values
}

pub async fn templates() -> Result<Vec<TemplateLine>, AppError> {
    let principal = Principal::current().await?;
    let service = super::manage::managed_service(&principal)?;
    let state = app_state()?;
    let c = texts(detect_lang()).course;
    let have: Vec<String> = courses::courses_of(&state.db, service)
        .await?
        .into_iter()
        .filter_map(|course| course.template)
        .collect();
    Ok(shipped()?
        .into_iter()
        .filter(|t| !have.contains(&t.template))
        .map(|t| TemplateLine {
            facts: format!(
                "{} · {}",
                c.length(t.weekly_sessions, t.follow_ups, t.session_minutes),
                crate::domain::course::Format::parse(&t.format).map_or("", |f| c.format(f))
            ),
            template: t.template,
            name: t.name,
            description: t.description,
        })
        .collect())
}

pub async fn add_template(template: String) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let service = super::manage::managed_service(&principal)?;
    let state = app_state()?;
    let chosen: Vec<courses::CourseTemplate> = shipped()?
        .into_iter()
        .filter(|t| t.template == template.trim())
        .collect();
    if chosen.is_empty() {
        return Err(AppError::NotFound);
    }
    courses::add_templates(&state.db, service, &chosen).await?;
    leptos_axum::redirect("/courses");
    Ok(())
}

/// The shipped templates (a test reads them: one that does not read is the product's
/// fault, logged, and the lead is told something went wrong).
fn shipped() -> Result<Vec<courses::CourseTemplate>, AppError> {
    courses::templates().map_err(|error| {
        tracing::error!(%error, "the shipped course templates do not read");
        AppError::Internal
    })
}

pub async fn reminder_hours() -> Result<i64, AppError> {
    let principal = Principal::current().await?;
    let service = super::manage::managed_service(&principal)?;
    let state = app_state()?;
    Ok(crate::server::course_reminders::hours_of(&state.db, service).await?)
}

pub async fn save_reminder_hours(hours: String) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let service = super::manage::managed_service(&principal)?;
    let state = app_state()?;
    let hours =
        crate::domain::course::parse_reminder_hours(&hours).ok_or_else(|| AppError::Invalid {
            errors: vec![crate::domain::field::FieldError {
                field: "hours".to_owned(),
                problem: crate::domain::field::FieldProblem::OutOfRange,
            }],
            values: vec![("hours".to_owned(), hours.clone())],
        })?;
    crate::server::course_reminders::set_hours(&state.db, service, hours).await?;
    leptos_axum::redirect("/courses#reminders-heading");
    Ok(())
}
