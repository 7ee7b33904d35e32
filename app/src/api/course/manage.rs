//! The work behind running course groups: a lead starts one; its leaders (and the lead)
//! move it on and cancel a session, telling everyone with a seat by calendar.

use std::collections::BTreeSet;

use super::types::NewGroupForm;
use crate::domain::capability::{Kind, ServiceId};
use crate::domain::course::schedule::{LocalDate, LocalTime, WeeklyPlan};
use crate::domain::course::{CohortError, CohortId, CohortState, CourseId, Format};
use crate::domain::field::{FieldError, FieldProblem};
use crate::error::AppError;
use crate::i18n::{detect_lang, texts, Lang};
use crate::server::calendar::{self, Method, Parties};
use crate::server::courses::{self, NewCohort};
use crate::server::db::now;
use crate::server::principal::Principal;
use crate::server::state::app_state;
use crate::server::OutgoingMail;

/// The one service whose courses the principal manages.
pub(super) fn managed_service(principal: &Principal) -> Result<ServiceId, AppError> {
    principal
        .services(Kind::ManageCourses)
        .first()
        .copied()
        .ok_or(AppError::Forbidden)
}

pub async fn form() -> Result<NewGroupForm, AppError> {
    let principal = Principal::current().await?;
    let service = managed_service(&principal)?;
    let state = app_state()?;
    let courses = courses::courses_of(&state.db, service)
        .await?
        .into_iter()
        .map(|c| (c.course_id.0, c.name, c.capacity))
        .collect();
    Ok(NewGroupForm {
        courses,
        leaders: super::ssr::possible_leaders(service).await?,
        today: LocalDate::of(now()).iso(),
    })
}

/// The form as typed.
pub struct NewGroup {
    pub course: String,
    pub first: String,
    pub time: String,
    pub leader: String,
    pub co_leader: String,
    pub capacity: String,
    pub format: String,
    pub place: String,
    pub open: String,
}

impl NewGroup {
    fn typed(&self) -> Vec<(String, String)> {
        [
            ("course", &self.course),
            ("first", &self.first),
            ("time", &self.time),
            ("leader", &self.leader),
            ("co_leader", &self.co_leader),
            ("capacity", &self.capacity),
            ("format", &self.format),
            ("place", &self.place),
            ("open", &self.open),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

pub async fn create(new: NewGroup) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let service = managed_service(&principal)?;
    let state = app_state()?;
    let mut errors = Vec::new();
    let course = match new.course.trim().parse::<i64>() {
        Ok(id) => courses::course(&state.db, CourseId(id))
            .await?
            .filter(|c| c.service_id == service),
        Err(_) => None,
    };
    if course.is_none() {
        problem(&mut errors, "course", FieldProblem::ChooseOne);
    }
    let first = LocalDate::parse(new.first.trim());
    if first.is_none() {
        problem(&mut errors, "first", FieldProblem::Required);
    }
    let time = LocalTime::parse(new.time.trim());
    if time.is_none() {
        problem(&mut errors, "time", FieldProblem::Required);
    }
    let allowed: BTreeSet<i64> = super::ssr::possible_leaders(service)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let leaders = chosen_leaders(&allowed, &new.leader, &new.co_leader, &mut errors);
    let capacity = match new.capacity.trim().parse::<i64>() {
        Ok(n) => match crate::domain::course::cohort::check_capacity(n, 0) {
            Ok(n) => Some(n),
            Err(e) => {
                problem(&mut errors, "capacity", FieldProblem::Cohort(e));
                None
            }
        },
        Err(_) => {
            problem(
                &mut errors,
                "capacity",
                FieldProblem::Cohort(CohortError::CapacityOutOfRange),
            );
            None
        }
    };
    let format = match new.format.as_str() {
        "video" => Some(Format::Video),
        "in_person" => Some(Format::InPerson),
        _ => {
            problem(&mut errors, "format", FieldProblem::ChooseOne);
            None
        }
    };
    if format == Some(Format::InPerson) && new.place.trim().is_empty() {
        problem(&mut errors, "place", FieldProblem::Required);
    }
    if new.place.chars().count() > MAX_PLACE {
        problem(&mut errors, "place", FieldProblem::TooLong);
    }
    let plan = match (&course, first, time) {
        (Some(course), Some(first), Some(time)) => {
            let plan = WeeklyPlan {
                first,
                time,
                minutes: course.session_minutes,
                weekly: course.weekly_sessions,
                follow_ups: course.follow_ups,
                follow_up_weeks: course.follow_up_weeks,
                skip: Vec::new(),
            };
            if plan.sessions().first().is_none_or(|s| s.starts_at <= now()) {
                problem(
                    &mut errors,
                    "first",
                    FieldProblem::Cohort(CohortError::StartInPast),
                );
            }
            Some(plan)
        }
        _ => None,
    };
    let invalid = |errors: Vec<FieldError>| AppError::Invalid {
        errors,
        values: new.typed(),
    };
    let (Some(course), Some(plan), Some(capacity), Some(format), true) =
        (course, plan, capacity, format, errors.is_empty())
    else {
        return Err(invalid(errors));
    };
    let created = courses::create_cohort(
        &state.db,
        &NewCohort {
            course: course.course_id,
            service,
            leaders,
            capacity,
            plan,
            format,
            place: new.place.trim().to_owned(),
            state: if new.open == "yes" || new.open == "on" {
                CohortState::Open
            } else {
                CohortState::Planned
            },
        },
    )
    .await?;
    match created {
        Ok(cohort) => {
            leptos_axum::redirect(&format!("/groups/{}", cohort.0));
            Ok(())
        }
        Err(e) => Err(invalid(vec![FieldError {
            field: if e == CohortError::LeaderOverlap {
                "leader".to_owned()
            } else {
                "course".to_owned()
            },
            problem: FieldProblem::Cohort(e),
        }])),
    }
}

/// Says a field's problem.
fn problem(errors: &mut Vec<FieldError>, field: &str, problem: FieldProblem) {
    errors.push(FieldError {
        field: field.to_owned(),
        problem,
    });
}

/// The group if the principal leads it or manages the service's courses: the same
/// check as the group page's.
async fn managed_group(principal: &Principal, cohort: CohortId) -> Result<(), AppError> {
    super::ssr::led_group(principal, cohort).await.map(|_| ())
}

pub async fn change_state(cohort: i64, to: String) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let id = CohortId(cohort);
    managed_group(&principal, id).await?;
    let state = app_state()?;
    let refused = |e: CohortError| AppError::Invalid {
        errors: vec![FieldError {
            field: "state".to_owned(),
            problem: FieldProblem::Cohort(e),
        }],
        values: vec![("state".to_owned(), to.clone())],
    };
    let next = CohortState::parse(&to).ok_or_else(|| refused(CohortError::NotAllowed))?;
    let cancelled = courses::change_state(&state.db, id, next, principal.account_id)
        .await?
        .map_err(refused)?;
    if !cancelled.is_empty() {
        tell_seat_holders(id, &cancelled, Method::Cancel, |c, _| match next {
            CohortState::Finished => (
                c.mail_group_finished_subject.to_owned(),
                c.mail_group_finished_body.to_owned(),
            ),
            _ => (
                c.mail_group_cancelled_subject.to_owned(),
                c.mail_group_cancelled_body.to_owned(),
            ),
        })
        .await?;
    }
    leptos_axum::redirect(&format!("/groups/{cohort}?saved=state"));
    Ok(())
}

pub async fn cancel_session(cohort: i64, session: i64) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let id = CohortId(cohort);
    managed_group(&principal, id).await?;
    let state = app_state()?;
    let seats = courses::seats(&state.db, id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if seats.state.is_closed() {
        return Err(AppError::Invalid {
            errors: vec![FieldError {
                field: "session".to_owned(),
                problem: FieldProblem::Cohort(CohortError::Closed),
            }],
            values: Vec::new(),
        });
    }
    let Some(cancelled) = courses::cancel_session(&state.db, id, session).await? else {
        return Err(AppError::NotFound);
    };
    tell_seat_holders(id, &[cancelled.session_id], Method::Cancel, |c, _| {
        (
            c.mail_session_cancelled_subject.to_owned(),
            c.mail_session_cancelled_body
                .replace("{n}", &cancelled.number.to_string()),
        )
    })
    .await?;
    leptos_axum::redirect(&format!(
        "/groups/{cohort}?saved=cancelled#sessions-heading"
    ));
    Ok(())
}

pub async fn change_session(
    cohort: i64,
    session: i64,
    date: String,
    time: String,
    format: String,
) -> Result<(), AppError> {
    use crate::server::courses::SessionChange;
    let principal = Principal::current().await?;
    let id = CohortId(cohort);
    managed_group(&principal, id).await?;
    let state = app_state()?;
    let (date_field, time_field, format_field) = (
        format!("date_{session}"),
        format!("time_{session}"),
        format!("format_{session}"),
    );
    let values = vec![
        (date_field.clone(), date.trim().to_owned()),
        (time_field.clone(), time.trim().to_owned()),
        (format_field.clone(), format.trim().to_owned()),
    ];
    let refused = |errors: Vec<(&String, FieldProblem)>| AppError::Invalid {
        errors: errors
            .into_iter()
            .map(|(field, problem)| FieldError {
                field: field.clone(),
                problem,
            })
            .collect(),
        values: values.clone(),
    };
    let day = LocalDate::parse(date.trim());
    let clock = LocalTime::parse(time.trim());
    // A session meets by video or in person; "both" is a course's, not a session's.
    let how = Format::parse(format.trim()).filter(|f| *f != Format::Both);
    let (Some(day), Some(clock), Some(how)) = (day, clock, how) else {
        let mut errors = Vec::new();
        if day.is_none() {
            errors.push((&date_field, FieldProblem::Required));
        }
        if clock.is_none() {
            errors.push((&time_field, FieldProblem::Required));
        }
        if how.is_none() {
            errors.push((&format_field, FieldProblem::ChooseOne));
        }
        return Err(refused(errors));
    };
    let changed = match courses::change_session(&state.db, id, session, clock.on(day), how).await? {
        SessionChange::Changed(changed) => changed,
        SessionChange::Unchanged => {
            leptos_axum::redirect(&format!("/groups/{cohort}#sessions-heading"));
            return Ok(());
        }
        SessionChange::NoSuchSession => return Err(AppError::NotFound),
        SessionChange::Refused(e) => {
            let field = match e {
                CohortError::LeaderOverlap => &time_field,
                CohortError::NoPlace => &format_field,
                _ => &date_field,
            };
            return Err(refused(vec![(field, FieldProblem::Cohort(e))]));
        }
    };
    let when = crate::domain::clock::format_oslo(changed.starts_at);
    tell_seat_holders(id, &[changed.session_id], Method::Request, |c, place| {
        let how = match changed.format {
            Format::InPerson => c.mail_session_in_person.replace("{place}", place),
            _ => c.mail_session_by_video.to_owned(),
        };
        (
            c.mail_session_changed_subject.to_owned(),
            c.mail_session_changed_body
                .replace("{n}", &changed.number.to_string())
                .replace("{when}", &when)
                .replace("{how}", &how),
        )
    })
    .await?;
    leptos_axum::redirect(&format!("/groups/{cohort}?saved=session#sessions-heading"));
    Ok(())
}

/// The group form as typed.
pub struct GroupChange {
    pub capacity: String,
    pub leader: String,
    pub co_leader: String,
    pub place: String,
}

pub async fn change_group(cohort: i64, change: GroupChange) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let id = CohortId(cohort);
    let (service, _) = super::ssr::led_group(&principal, id).await?;
    let state = app_state()?;
    let values = vec![
        ("capacity".to_owned(), change.capacity.clone()),
        ("leader".to_owned(), change.leader.clone()),
        ("co_leader".to_owned(), change.co_leader.clone()),
        ("place".to_owned(), change.place.clone()),
    ];
    let mut errors = Vec::new();
    let allowed: BTreeSet<i64> = super::ssr::possible_leaders(service)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let leaders = chosen_leaders(&allowed, &change.leader, &change.co_leader, &mut errors);
    let capacity = change.capacity.trim().parse::<i64>();
    if capacity.is_err() {
        errors.push(FieldError {
            field: "capacity".to_owned(),
            problem: FieldProblem::Cohort(CohortError::CapacityOutOfRange),
        });
    }
    let place = change.place.trim().to_owned();
    if place.chars().count() > MAX_PLACE {
        errors.push(FieldError {
            field: "place".to_owned(),
            problem: FieldProblem::TooLong,
        });
    }
    let invalid = |errors: Vec<FieldError>| AppError::Invalid {
        errors,
        values: values.clone(),
    };
    let (Ok(capacity), true) = (capacity, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let changed = courses::change_cohort(
        &state.db,
        id,
        &courses::CohortChange {
            capacity,
            leaders,
            place: place.clone(),
        },
    )
    .await?
    .map_err(|e| {
        let field = match e {
            CohortError::CapacityOutOfRange | CohortError::CapacityBelowEnrolled => "capacity",
            CohortError::Leaders | CohortError::LeaderOverlap => "leader",
            CohortError::NoPlace => "place",
            _ => "state",
        };
        invalid(vec![FieldError {
            field: field.to_owned(),
            problem: FieldProblem::Cohort(e),
        }])
    })?;
    for referral in changed.seats_held_for {
        courses::tell_seat_held(&state, referral, now()).await?;
    }
    if !changed.moved_place.is_empty() {
        tell_seat_holders(id, &changed.moved_place, Method::Request, |c, place| {
            (
                c.mail_place_changed_subject.to_owned(),
                c.mail_place_changed_body.replace("{place}", place),
            )
        })
        .await?;
    }
    leptos_axum::redirect(&format!("/groups/{cohort}?saved=group#change-heading"));
    Ok(())
}

/// The leader and co-leader chosen, each one the service may give a group; a problem
/// at the field that has one.
fn chosen_leaders(
    allowed: &BTreeSet<i64>,
    leader: &str,
    co_leader: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<i64> {
    let mut leaders = Vec::new();
    match leader.trim().parse::<i64>() {
        Ok(id) if allowed.contains(&id) => leaders.push(id),
        _ => errors.push(FieldError {
            field: "leader".to_owned(),
            problem: FieldProblem::ChooseOne,
        }),
    }
    match co_leader.trim() {
        "" => {}
        other => match other.parse::<i64>() {
            Ok(id) if allowed.contains(&id) && !leaders.contains(&id) => leaders.push(id),
            _ => errors.push(FieldError {
                field: "co_leader".to_owned(),
                problem: FieldProblem::Cohort(CohortError::Leaders),
            }),
        },
    }
    leaders
}

/// Longest place kept.
const MAX_PLACE: usize = 200;

/// Sends everyone with a seat one calendar file per session named (its UID, its
/// sequence; a request or a cancellation), with the words `text` gives in their own
/// language (it is handed the group's place too). A failed send is logged.
async fn tell_seat_holders(
    cohort: CohortId,
    session_ids: &[i64],
    method: Method,
    text: impl Fn(&'static crate::i18n::course::CourseTexts, &str) -> (String, String),
) -> Result<(), AppError> {
    let state = app_state()?;
    let title = courses::calendar_title(&state.db, cohort).await?;
    let place = courses::place_of_cohort(&state.db, cohort).await?;
    let chosen: Vec<courses::SessionRow> = courses::sessions(&state.db, cohort)
        .await?
        .into_iter()
        .filter(|s| session_ids.contains(&s.session_id))
        .collect();
    let organizer = state.mailer.from_address();
    for (address, lang) in courses::seat_holders(&state.db, cohort).await? {
        let c = texts(Lang::from_code(&lang).unwrap_or_else(detect_lang)).course;
        let events = courses::calendar_sessions(
            &chosen,
            &state.site.public_url,
            &place,
            c,
            method == Method::Cancel,
        );
        let parties = Parties {
            organizer: &organizer,
            attendee: &address,
        };
        let files = chosen
            .iter()
            .zip(&events)
            .map(|(session, event)| {
                (
                    format!("samling-{:02}.ics", session.number),
                    calendar::calendar(
                        method,
                        &title,
                        &parties,
                        std::slice::from_ref(event),
                        now(),
                    ),
                )
            })
            .collect();
        let (subject, body) = text(c, &place);
        let mail = OutgoingMail {
            to: address.clone(),
            subject,
            text: body.replace("{link}", &format!("{}/account", state.site.public_url)),
        };
        if let Err(error) = state
            .mailer
            .send_with_calendars(mail, files, method.key())
            .await
        {
            tracing::error!(error = ?error, "could not tell the seat holders of a change");
        }
    }
    Ok(())
}

/// The referral `reference` names, if it is an open referral of the group's service.
async fn open_referral_of(cohort: CohortId, reference: &str) -> Result<Option<i64>, AppError> {
    let state = app_state()?;
    let seats = courses::seats(&state.db, cohort)
        .await?
        .ok_or(AppError::Forbidden)?;
    let Some(id) =
        crate::server::board::detail::id_by_reference(&state.db, reference.trim()).await?
    else {
        return Ok(None);
    };
    let open = crate::server::referrals::by_id(&state.db, id)
        .await?
        .filter(|r| r.status != "closed");
    let service = crate::server::board::detail::owner(&state.db, id)
        .await?
        .map(|(service, _)| service);
    Ok((open.is_some() && service == Some(seats.service.0)).then_some(id))
}

pub async fn enrol(cohort: i64, reference: String) -> Result<(), AppError> {
    use crate::server::board::actions::{self, Event};
    let principal = Principal::current().await?;
    let id = CohortId(cohort);
    managed_group(&principal, id).await?;
    let state = app_state()?;
    let refused = |problem: FieldProblem| AppError::Invalid {
        errors: vec![FieldError {
            field: "reference".to_owned(),
            problem,
        }],
        values: vec![("reference".to_owned(), reference.clone())],
    };
    let referral = open_referral_of(id, &reference)
        .await?
        .ok_or_else(|| refused(FieldProblem::NoSuchReferral))?;
    let placed = courses::accept(&state.db, id, referral)
        .await?
        .map_err(|e| refused(FieldProblem::Cohort(e)))?;
    let mut event = Event::new("course_enrolled");
    event.detail = Some(cohort.to_string());
    actions::record(
        &state.db.pool,
        referral,
        Some(principal.account_id),
        now(),
        event,
    )
    .await?;
    if placed == crate::domain::course::Placement::Seat {
        if let (Some(offer), Some((_, account))) = (
            courses::offer_of_referral(&state.db, referral).await?,
            crate::server::board::detail::owner(&state.db, referral).await?,
        ) {
            super::ssr::send_calendar(account, &offer, Method::Request).await;
        }
    }
    leptos_axum::redirect(&format!("/groups/{cohort}"));
    Ok(())
}

/// Longest reason kept for a removal.
const MAX_REASON: usize = 500;

pub async fn reopen(cohort: i64, referral: i64) -> Result<(), AppError> {
    let principal = Principal::current().await?;
    let id = CohortId(cohort);
    let (service, _) = super::ssr::led_group(&principal, id).await?;
    // The lead's decision, not a leader's.
    if !principal.may(crate::domain::capability::Capability::ManageCourses(
        service,
    )) {
        return Err(AppError::Forbidden);
    }
    let state = app_state()?;
    if !courses::reopen_after_finish(&state.db, id, referral, principal.account_id).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!("/groups/{cohort}#roster-heading"));
    Ok(())
}

pub async fn remove(cohort: i64, referral: i64, reason: String) -> Result<(), AppError> {
    use crate::server::board::actions::{self, Event};
    let principal = Principal::current().await?;
    let id = CohortId(cohort);
    managed_group(&principal, id).await?;
    let state = app_state()?;
    let reason = reason.trim().to_owned();
    let field = format!("reason_{referral}");
    let problem = if reason.is_empty() {
        Some(FieldProblem::Required)
    } else if reason.chars().count() > MAX_REASON {
        Some(FieldProblem::TooLong)
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(AppError::Invalid {
            errors: vec![FieldError { field, problem }],
            values: vec![(format!("reason_{referral}"), reason)],
        });
    }
    let offer = courses::offer_of_referral(&state.db, referral)
        .await?
        .filter(|o| o.cohort == id && o.enrolment.as_ref().is_some_and(|e| e.status.is_current()))
        .ok_or(AppError::NotFound)?;
    let held = offer
        .enrolment
        .as_ref()
        .is_some_and(|e| e.status == crate::domain::course::EnrolmentStatus::Enrolled);
    if let Some(next) = courses::leave(
        &state.db,
        id,
        referral,
        courses::Leaving::Remove,
        Some(&reason),
    )
    .await?
    {
        courses::tell_seat_held(&state, next, now()).await?;
    }
    let mut event = Event::new("course_removed");
    event.body = Some(&reason);
    actions::record(
        &state.db.pool,
        referral,
        Some(principal.account_id),
        now(),
        event,
    )
    .await?;
    if held {
        if let Some((_, account)) = crate::server::board::detail::owner(&state.db, referral).await?
        {
            super::ssr::send_calendar(account, &offer, Method::Cancel).await;
        }
    }
    leptos_axum::redirect(&format!("/groups/{cohort}"));
    Ok(())
}
