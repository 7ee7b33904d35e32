//! The work behind a person's courses: only their own referrals' offers.

use super::types::{
    AttendanceCell, AttendanceColumn, AttendanceRow, GroupSession, GroupSettings, GroupSummary,
    GroupView, MeasureDue, MeasurePage, MyCourse, ParticipantScores, RosterLine, ScoreLine,
    SessionLine, Standing, StateStep,
};
use crate::domain::clock::{format_oslo, oslo_time, oslo_weekday};
use crate::domain::course::enrolment::SEAT_OFFER_SECONDS;
use crate::domain::course::{CohortError, CohortState, EnrolmentStatus, Format, Placement};
use crate::domain::field::{FieldError, FieldProblem};
use crate::error::AppError;
use crate::i18n::{detect_lang, texts, Texts};
use crate::server::board::actions::{self, Event};
use crate::server::calendar::{self, Method, Parties};
use crate::server::courses::{self, CourseOffer, Leaving, SessionRow};
use crate::server::db::now;
use crate::server::principal::Principal;
use crate::server::referrals;
use crate::server::state::app_state;
use crate::server::{accounts, OutgoingMail};
use crate::server::{course_attendance, course_measures};

pub async fn mine() -> Result<Vec<MyCourse>, AppError> {
    let principal = Principal::current().await?;
    let state = app_state()?;
    let t = texts(detect_lang());
    let mut out = Vec::new();
    for r in referrals::for_account(&state.db, principal.account_id).await? {
        let Some(offer) = courses::offer_of_referral(&state.db, r.id).await? else {
            continue;
        };
        let standing = standing(&state.db, &offer).await?;
        let sessions = courses::sessions(&state.db, offer.cohort).await?;
        let due = if standing == Standing::Seat {
            course_measures::due(&state.db, &state.instruments, r.id, now()).await?
        } else {
            Vec::new()
        };
        let measures_for = due.first().and_then(|d| {
            sessions
                .iter()
                .find(|s| s.session_id == d.session_id)
                .map(|s| session_line(t, s, "").when)
        });
        let lang = detect_lang();
        let measures_due = due
            .iter()
            .filter_map(|d| {
                let definition = state.instruments.get(&d.instrument)?;
                Some(MeasureDue {
                    instrument: d.instrument.clone(),
                    title: definition.title.get(lang).to_owned(),
                    items: definition.items.len(),
                })
            })
            .collect();
        let deadline = offer
            .enrolment
            .as_ref()
            .filter(|e| e.status == EnrolmentStatus::SeatOffered)
            .and_then(|e| e.seat_offered_at)
            .map(|at| format_oslo(at + SEAT_OFFER_SECONDS));
        out.push(MyCourse {
            contact: r.call_us(t),
            reference: r.reference,
            length: t.course.length(
                offer.course.weekly_sessions,
                offer.course.follow_ups,
                offer.course.session_minutes,
            ),
            name: offer.course.name,
            description: offer.course.description,
            standing,
            deadline,
            sessions: sessions
                .iter()
                .map(|s| {
                    let mut line = session_line(t, s, &offer.place);
                    if standing == Standing::Seat {
                        line.join = join_link(s, now());
                    }
                    line
                })
                .collect(),
            measures_due,
            measures_for,
        });
    }
    Ok(out)
}

async fn standing(db: &crate::server::Db, offer: &CourseOffer) -> Result<Standing, AppError> {
    use EnrolmentStatus::*;
    let state = offer.cohort_state;
    // What the person did, or what became of their place, comes first and stays true
    // whatever becomes of the group after: someone who left is not told it was cancelled.
    Ok(match &offer.enrolment {
        Some(e) if matches!(e.status, Withdrawn | Removed) => Standing::Left,
        Some(e) if e.status == Passed => Standing::Passed,
        None if offer.status == "declined" => Standing::Declined,
        _ if state == CohortState::Cancelled => Standing::Cancelled,
        Some(e) if state == CohortState::Finished && e.status == Enrolled => Standing::Finished,
        _ if state == CohortState::Finished => Standing::Closed,
        Some(e) => match e.status {
            SeatOffered => Standing::SeatHeld,
            Waiting => match courses::place_of(db, e).await? {
                Placement::WaitList(n) => Standing::Waiting(n),
                Placement::Seat => Standing::Seat,
            },
            Enrolled => Standing::Seat,
            // Answered by the first arms; named so the match stays whole.
            Withdrawn | Removed => Standing::Left,
            Passed => Standing::Passed,
        },
        None if !state.takes_enrolment() => Standing::Closed,
        None => Standing::Offered,
    })
}

/// "mandag 19.10.2026, 18:00–20:30" and how it meets.
/// A session's day and hours, and how it meets: by video, or in person at `place`
/// (the group's, named where there is one).
fn session_line(t: &'static Texts, s: &SessionRow, place: &str) -> SessionLine {
    let c = t.course;
    let (start_h, start_m) = oslo_time(s.starts_at);
    let (end_h, end_m) = oslo_time(s.ends_at);
    let date = crate::domain::clock::format_oslo_date(s.starts_at);
    let weekday = c.weekdays[oslo_weekday(s.starts_at) as usize];
    let mut how = c.format(s.format).to_owned();
    if s.format == Format::InPerson && !place.trim().is_empty() {
        how = format!("{how}: {}", place.trim());
    }
    if s.follow_up {
        how = format!("{} · {how}", c.follow_up_session);
    }
    SessionLine {
        when: format!("{weekday} {date}, {start_h:02}:{start_m:02}–{end_h:02}:{end_m:02}"),
        how,
        cancelled: s.cancelled,
        join: None,
    }
}

/// How long before a video session its room opens to participants.
pub const JOIN_OPENS_SECONDS: i64 = 15 * 60;

/// The way into a session's room while it is open to participants.
fn join_link(s: &SessionRow, at: i64) -> Option<String> {
    let open = !s.cancelled && s.starts_at - JOIN_OPENS_SECONDS <= at && at < s.ends_at;
    s.room_code
        .as_ref()
        .filter(|_| open && s.format == crate::domain::course::Format::Video)
        .map(|code| format!("/rooms/{code}"))
}

/// The signed-in person and their own referral by its reference (one whose ownership
/// is proven). Someone else's, or none: the same answer, so it tells nothing.
async fn own_referral(
    reference: &str,
) -> Result<(Principal, referrals::ReferralSummary), AppError> {
    let principal = Principal::current().await?;
    let state = app_state()?;
    let referral = referrals::for_account(&state.db, principal.account_id)
        .await?
        .into_iter()
        .find(|r| r.reference == reference.trim())
        .ok_or(AppError::Forbidden)?;
    Ok((principal, referral))
}

/// The person's own referral by its reference, with its open group-course offer.
async fn own_offer(reference: &str) -> Result<(Principal, i64, i64, CourseOffer), AppError> {
    let (principal, r) = own_referral(reference).await?;
    let state = app_state()?;
    // A closed (or withdrawn) referral takes no course.
    if r.status == "closed" {
        return Err(AppError::NotNow);
    }
    let offer = courses::offer_of_referral(&state.db, r.id)
        .await?
        .ok_or(AppError::NotNow)?;
    let service_id = crate::server::board::detail::owner(&state.db, r.id)
        .await?
        .map(|(service, _)| service)
        .ok_or(AppError::NotFound)?;
    Ok((principal, r.id, service_id, offer))
}

pub async fn accept(reference: String) -> Result<(), AppError> {
    let (principal, referral_id, service_id, offer) = own_offer(&reference).await?;
    let state = app_state()?;
    if offer.status == "declined" {
        return Err(AppError::NotNow);
    }
    let placement = match courses::accept(&state.db, offer.cohort, referral_id).await? {
        Ok(placement) => placement,
        Err(e) => return Err(course_problem(e)),
    };
    courses::answer_offer(&state.db, offer.offer_id, "accepted").await?;
    if placement == Placement::Seat
        && !offer
            .enrolment
            .as_ref()
            .is_some_and(|e| e.status == EnrolmentStatus::Enrolled)
    {
        send_calendar(principal.account_id, &offer, Method::Request).await;
    }
    let mut event = Event::new("course_accepted");
    event.detail = Some(match placement {
        Placement::Seat => "seat".to_owned(),
        Placement::WaitList(n) => format!("waiting:{n}"),
    });
    actions::record(
        &state.db.pool,
        referral_id,
        Some(principal.account_id),
        now(),
        event,
    )
    .await?;
    actions::announce(&state.db, service_id, referral_id).await;
    tracing::info!(referral_id, "course accepted");
    leptos_axum::redirect("/account?course=accepted#my-courses-heading");
    Ok(())
}

pub async fn decline(reference: String) -> Result<(), AppError> {
    let (principal, referral_id, service_id, offer) = own_offer(&reference).await?;
    let state = app_state()?;
    let freed_for = courses::leave(
        &state.db,
        offer.cohort,
        referral_id,
        Leaving::Withdraw,
        None,
    )
    .await?;
    if let Some(next) = freed_for {
        // The first in line learns at once that a seat is held for them.
        courses::tell_seat_held(&state, next, now()).await?;
    }
    if offer
        .enrolment
        .as_ref()
        .is_some_and(|e| e.status == EnrolmentStatus::Enrolled)
    {
        // Their calendar holds the sessions: take them out.
        send_calendar(principal.account_id, &offer, Method::Cancel).await;
    }
    courses::answer_offer(&state.db, offer.offer_id, "declined").await?;
    actions::record(
        &state.db.pool,
        referral_id,
        Some(principal.account_id),
        now(),
        Event::new("course_declined"),
    )
    .await?;
    actions::announce(&state.db, service_id, referral_id).await;
    tracing::info!(referral_id, "course declined");
    leptos_axum::redirect("/account?course=declined#my-courses-heading");
    Ok(())
}

/// A withdrawn referral gives up its course seat or place in line: the first in line is
/// told at once of a seat held for them, and a seat holder's calendar gets the
/// cancellation of every session.
pub(crate) async fn referral_withdrawn(
    principal: &Principal,
    referral_id: i64,
) -> Result<(), AppError> {
    let state = app_state()?;
    let offer = courses::offer_of_referral(&state.db, referral_id).await?;
    for next in courses::leave_every_cohort(&state.db, referral_id).await? {
        courses::tell_seat_held(&state, next, now()).await?;
    }
    if let Some(offer) = offer.filter(|o| {
        o.enrolment
            .as_ref()
            .is_some_and(|e| e.status == EnrolmentStatus::Enrolled)
    }) {
        send_calendar(principal.account_id, &offer, Method::Cancel).await;
    }
    Ok(())
}

/// Emails the person the cohort's sessions as a calendar file: an invitation when they
/// take a seat, a cancellation when they leave. A failed send is logged; the seat
/// stands (My page shows the dates either way).
pub(super) async fn send_calendar(account_id: i64, offer: &CourseOffer, method: Method) {
    let result = async {
        let state = app_state()?;
        let Some(address) = accounts::email_of(&state.db, account_id).await? else {
            return Ok::<(), AppError>(());
        };
        let t = texts(detect_lang());
        if method == Method::Cancel {
            courses::raise_sequences(&state.db, offer.cohort).await?;
        }
        let sessions = courses::sessions(&state.db, offer.cohort).await?;
        let events = courses::calendar_sessions(
            &sessions,
            &state.site.public_url,
            &offer.place,
            t.course,
            method == Method::Cancel,
        );
        let title = courses::calendar_title(&state.db, offer.cohort).await?;
        let organizer = state.mailer.from_address();
        // One file per session: an iTIP message carries one UID, and calendars read
        // only the first event of a file with several.
        let parties = Parties {
            organizer: &organizer,
            attendee: &address,
        };
        let files = events
            .iter()
            .enumerate()
            .map(|(i, event)| {
                (
                    format!("samling-{:02}.ics", i + 1),
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
        let link = format!("{}/account", state.site.public_url);
        let (subject, body) = match method {
            Method::Request => (t.course.mail_seat_subject, t.course.mail_seat_body),
            Method::Cancel => (t.course.mail_cancel_subject, t.course.mail_cancel_body),
        };
        let mail = OutgoingMail {
            to: address,
            subject: subject.to_owned(),
            text: body.replace("{link}", &link),
        };
        state
            .mailer
            .send_with_calendars(mail, files, method.key())
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "course calendar not sent");
                AppError::Internal
            })
    }
    .await;
    if result.is_err() {
        tracing::warn!(
            cohort = offer.cohort.0,
            "the person's calendar was not updated"
        );
    }
}

/// A course that can no longer be accepted, said at the offer.
fn course_problem(e: CohortError) -> AppError {
    AppError::Invalid {
        errors: vec![FieldError {
            field: "course".into(),
            problem: FieldProblem::Cohort(e),
        }],
        values: Vec::new(),
    }
}

/// The seats line: "5 av 12 plasser tatt · 2 på venteliste".
fn seats_line(t: &'static Texts, held: i64, capacity: i64, waiting: i64) -> String {
    let seats = t
        .course
        .seats_taken
        .replace("{held}", &held.to_string())
        .replace("{capacity}", &capacity.to_string());
    if waiting > 0 {
        format!(
            "{seats} · {}",
            t.course.waiting_count.replace("{n}", &waiting.to_string())
        )
    } else {
        seats
    }
}

pub async fn groups() -> Result<Vec<GroupSummary>, AppError> {
    use crate::domain::capability::{Capability, Kind};
    let principal = Principal::current().await?;
    let services = principal.services(Kind::LeadGroups);
    if services.is_empty() {
        return Err(AppError::Forbidden);
    }
    let state = app_state()?;
    let t = texts(detect_lang());
    Ok(courses::groups(&state.db, &services, principal.account_id)
        .await?
        .into_iter()
        .filter(|g| g.led_by_me || principal.may(Capability::ManageCourses(g.service)))
        .map(|g| GroupSummary {
            cohort_id: g.cohort_id.0,
            course: g.course_name,
            state: t.course.state(g.state).to_owned(),
            dates: match (g.first_start, g.last_end) {
                (Some(a), Some(b)) => format!(
                    "{} – {}",
                    crate::domain::clock::format_oslo_date(a),
                    crate::domain::clock::format_oslo_date(b)
                ),
                _ => String::new(),
            },
            seats: seats_line(t, g.seats_held, g.capacity, g.waiting),
            led_by_me: g.led_by_me,
        })
        .collect())
}

/// Who may lead a group: the service's therapists and leads, active.
pub(super) async fn possible_leaders(
    service: crate::domain::capability::ServiceId,
) -> Result<Vec<(i64, String)>, AppError> {
    let state = app_state()?;
    Ok(crate::server::staff::list(&state.db, service.0)
        .await?
        .into_iter()
        .filter(|m| {
            !m.deactivated
                && matches!(
                    m.role,
                    crate::domain::identity::Role::Therapist | crate::domain::identity::Role::Lead
                )
        })
        .map(|m| (m.account_id, m.name))
        .collect())
}

/// The group `cohort` if the principal may see it: its leaders, and those who manage the
/// service's courses; no one else learns whether it exists.
pub(crate) async fn led_group(
    principal: &Principal,
    cohort: crate::domain::course::CohortId,
) -> Result<(crate::domain::capability::ServiceId, courses::GroupRow), AppError> {
    use crate::domain::capability::Capability;
    let state = app_state()?;
    let Some(seats) = courses::seats(&state.db, cohort).await? else {
        return Err(AppError::Forbidden);
    };
    let service = seats.service;
    let leads = courses::group(&state.db, cohort, principal.account_id).await?;
    let allowed = principal.may(Capability::ManageCourses(service))
        || (principal.may(Capability::LeadGroups(service))
            && leads.as_ref().is_some_and(|g| g.led_by_me));
    match leads.filter(|_| allowed) {
        Some(summary) => Ok((service, summary)),
        None => Err(AppError::Forbidden),
    }
}

pub async fn group(cohort: i64) -> Result<GroupView, AppError> {
    use crate::domain::access::{AccessAction, DataKind};
    use crate::domain::course::CohortId;
    use crate::server::access_log;

    let principal = Principal::current().await?;
    let state = app_state()?;
    let id = CohortId(cohort);
    let (service, summary) = led_group(&principal, id).await?;
    let t = texts(detect_lang());
    let roster_rows = courses::roster(&state.db, id).await?;
    let leads_service = principal.may(crate::domain::capability::Capability::ManageCourses(
        service,
    ));
    let course = courses::course_of_cohort(&state.db, id).await?;
    let mut roster = Vec::new();
    let mut enrolled = Vec::new();
    let mut scores = Vec::new();
    if !roster_rows.is_empty() {
        let mut audited = access_log::begin(&state.db).await?;
        let actor = principal.actor(service);
        let record = cohort.to_string();
        let mut scores_grant = None;
        for row in &roster_rows {
            let grant = audited
                .grant(
                    &actor,
                    access_log::Access {
                        subject_account_id: row.account_id,
                        record_kind: "cohort",
                        record_id: &record,
                        data_kind: DataKind::Referral,
                        action: AccessAction::Viewed,
                    },
                )
                .await?;
            let name =
                courses::participant_name(audited.read(&grant)?, row.enrolment.referral_id).await?;
            let standing = match row.enrolment.status {
                EnrolmentStatus::Enrolled => t.course.roster_seat.to_owned(),
                EnrolmentStatus::SeatOffered => t.course.roster_seat_held.replace(
                    "{deadline}",
                    &row.enrolment
                        .seat_offered_at
                        .map(|at| format_oslo(at + SEAT_OFFER_SECONDS))
                        .unwrap_or_default(),
                ),
                _ => match courses::place_of(&state.db, &row.enrolment).await? {
                    Placement::WaitList(n) => {
                        t.course.roster_waiting.replace("{n}", &n.to_string())
                    }
                    Placement::Seat => t.course.roster_seat.to_owned(),
                },
            };
            if row.enrolment.status == EnrolmentStatus::Enrolled && !course.measures.is_empty() {
                // Their scores are read from their answers: in their log as that.
                scores_grant = Some(
                    audited
                        .grant(
                            &actor,
                            access_log::Access {
                                subject_account_id: row.account_id,
                                record_kind: "cohort_scores",
                                record_id: &record,
                                data_kind: DataKind::QuestionnaireAnswers,
                                action: AccessAction::Viewed,
                            },
                        )
                        .await?,
                );
            }
            if row.enrolment.status == EnrolmentStatus::Enrolled {
                enrolled.push((
                    row.enrolment.referral_id,
                    name.clone(),
                    row.reference.clone(),
                ));
            }
            roster.push(RosterLine {
                referral_id: row.enrolment.referral_id,
                enrolled: row.enrolment.status == EnrolmentStatus::Enrolled,
                name,
                reference: row.reference.clone(),
                standing,
                reopenable: row.closed_at_finish && leads_service,
            });
        }
        // Every participant whose scores are shown was logged above.
        if let Some(grant) = scores_grant {
            scores = course_measures::scores_of_cohort(audited.read(&grant)?, id).await?;
        }
        audited.commit().await?;
    }
    let session_rows = courses::sessions(&state.db, id).await?;
    let place = courses::place_of_cohort(&state.db, id).await?;
    let (columns, attendance) = attendance_grid(&state.db, id, &session_rows, &enrolled).await?;
    let scores = participant_scores(&scores, &course.measures, &enrolled);
    let lang = detect_lang();
    let measures = course
        .measures
        .iter()
        .map(|m| {
            state
                .instruments
                .get(m)
                .map(|d| d.title.get(lang).to_owned())
                .unwrap_or_else(|| m.clone())
        })
        .collect();
    // The soonest session not cancelled and not over, of a group not over (a session
    // moved may meet before one numbered lower).
    let next = session_rows
        .iter()
        .filter(|s| !s.cancelled && s.ends_at > now() && !summary.state.is_closed())
        .min_by_key(|s| s.starts_at)
        .map(|s| s.session_id);
    let sessions = session_rows
        .iter()
        .map(|s| GroupSession {
            next: next == Some(s.session_id),
            session_id: s.session_id,
            number: s.number,
            line: session_line(t, s, &place),
            // A session that is over, or of a group that is, needs no way in.
            link: s
                .room_code
                .as_ref()
                .filter(|_| s.ends_at > now() && !s.cancelled && !summary.state.is_closed())
                .map(|code| format!("{}/rooms/{code}", state.site.public_url)),
            cancellable: !s.cancelled && s.starts_at > now() && !summary.state.is_closed(),
            date: crate::domain::course::LocalDate::of(s.starts_at).iso(),
            time: {
                let (h, m) = oslo_time(s.starts_at);
                format!("{h:02}:{m:02}")
            },
            format: s.format.key().to_owned(),
        })
        .collect();
    let settings = if summary.state.is_closed() {
        None
    } else {
        let current = courses::leaders(&state.db, id).await?;
        Some(GroupSettings {
            capacity: summary.capacity,
            leader: current.first().copied(),
            co_leader: current.get(1).copied(),
            place: place.clone(),
            leaders: possible_leaders(service).await?,
        })
    };
    Ok(GroupView {
        opens_board: principal.may(crate::domain::capability::Kind::WorkBoard.at(service)),
        cohort_id: cohort,
        course: summary.course_name,
        state: t.course.state(summary.state).to_owned(),
        seats: seats_line(t, summary.seats_held, summary.capacity, summary.waiting),
        roster,
        sessions,
        columns,
        attendance,
        measures,
        scores,
        next_states: summary
            .state
            .next_states()
            .iter()
            .map(|next| {
                let (action, hint, confirm) = t.course.state_step(*next);
                StateStep {
                    state: next.key().to_owned(),
                    action: action.to_owned(),
                    hint: hint.to_owned(),
                    confirm: confirm.map(str::to_owned),
                }
            })
            .collect(),
        settings,
    })
}

/// Participants × sessions (cancelled ones left out): who was there, and how long in
/// the room.
async fn attendance_grid(
    db: &crate::server::Db,
    cohort: crate::domain::course::CohortId,
    sessions: &[SessionRow],
    enrolled: &[(i64, String, String)],
) -> Result<(Vec<AttendanceColumn>, Vec<AttendanceRow>), AppError> {
    use crate::domain::course::Format;
    let present = course_attendance::of_cohort(db, cohort).await?;
    let at = now();
    let columns: Vec<AttendanceColumn> = sessions
        .iter()
        .filter(|s| !s.cancelled)
        .map(|s| AttendanceColumn {
            session_id: s.session_id,
            number: s.number,
            date: crate::domain::clock::format_oslo_date(s.starts_at)
                .get(..6)
                .unwrap_or_default()
                .to_owned(),
            tickable: s.format == Format::InPerson && s.starts_at <= at,
        })
        .collect();
    let rows = enrolled
        .iter()
        .map(|(referral_id, name, _)| AttendanceRow {
            name: name.clone(),
            referral_id: *referral_id,
            cells: sessions
                .iter()
                .filter(|s| !s.cancelled)
                .map(|s| {
                    let here = present
                        .iter()
                        .find(|p| p.session_id == s.session_id && p.referral_id == *referral_id);
                    AttendanceCell {
                        present: here.is_some(),
                        ticked: here.is_some_and(|p| p.ticked),
                        minutes: here
                            .filter(|_| s.format == Format::Video)
                            .map(|p| p.minutes),
                    }
                })
                .collect(),
        })
        .collect();
    Ok((columns, rows))
}

pub async fn mark_attendance(
    cohort: i64,
    session: i64,
    referral: i64,
    present: bool,
) -> Result<(), AppError> {
    use crate::domain::course::CohortId;
    let principal = Principal::current().await?;
    let state = app_state()?;
    let id = CohortId(cohort);
    led_group(&principal, id).await?;
    let in_person = courses::sessions(&state.db, id).await?.iter().any(|s| {
        s.session_id == session
            && s.format == crate::domain::course::Format::InPerson
            && s.starts_at <= now()
    });
    if !in_person
        || !course_attendance::tick(
            &state.db,
            id,
            session,
            referral,
            present,
            principal.account_id,
        )
        .await?
    {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!("/groups/{cohort}#attendance-heading"));
    Ok(())
}

/// The person's own seat on `reference` and the measure `instrument` due on it now.
async fn due_measure(
    reference: &str,
    instrument: &str,
) -> Result<(Principal, i64, course_measures::Due), AppError> {
    let (principal, r) = own_referral(reference).await?;
    let state = app_state()?;
    let due = course_measures::due(&state.db, &state.instruments, r.id, now())
        .await?
        .into_iter()
        .find(|d| d.instrument == instrument)
        .ok_or(AppError::NotFound)?;
    Ok((principal, r.id, due))
}

pub async fn measure(reference: String, instrument: String) -> Result<MeasurePage, AppError> {
    let state = app_state()?;
    let (_, _, due) = due_measure(&reference, &instrument).await?;
    let definition = state
        .instruments
        .get(&due.instrument)
        .ok_or(AppError::NotFound)?;
    let t = texts(detect_lang());
    let (h, m) = oslo_time(due.starts_at);
    Ok(MeasurePage {
        reference: reference.trim().to_owned(),
        number: due.number,
        when: format!(
            "{} {}, {h:02}:{m:02}",
            t.course.weekdays[oslo_weekday(due.starts_at) as usize],
            crate::domain::clock::format_oslo_date(due.starts_at)
        ),
        instrument: crate::api::referral::types::InstrumentView::of(detect_lang(), &definition),
    })
}

pub async fn answer_measure(
    reference: String,
    instrument: String,
    fields: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    let state = app_state()?;
    let (principal, referral_id, due) = match due_measure(&reference, &instrument).await {
        Ok(found) => found,
        // Answered already (another tab, a second tap): nothing more to do here.
        Err(AppError::NotFound) => {
            leptos_axum::redirect("/account#my-courses-heading");
            return Ok(());
        }
        Err(error) => return Err(error),
    };
    let definition = state
        .instruments
        .get(&due.instrument)
        .ok_or(AppError::NotFound)?;
    let answers =
        crate::domain::referral::read_answers(&definition, &fields).map_err(|errors| {
            AppError::Invalid {
                errors,
                values: fields
                    .iter()
                    .filter(|(k, _)| k.starts_with("item_"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            }
        })?;
    let score = crate::domain::questionnaire::score(&definition, &answers).map_err(|_| {
        AppError::Invalid {
            errors: Vec::new(),
            values: Vec::new(),
        }
    })?;
    let at = now();
    let recorded = course_measures::record(
        &state.db,
        course_measures::Answered {
            session_id: due.session_id,
            referral_id,
            instrument: &due.instrument,
            version: &definition.version,
            answers: &answers,
            score: &score,
            at,
        },
    )
    .await?;
    if recorded && score.has_risk() {
        let mut event = Event::new("measure_risk");
        event.detail = Some(format!("{} · {}", due.instrument, due.number));
        actions::record(
            &state.db.pool,
            referral_id,
            Some(principal.account_id),
            at,
            event,
        )
        .await?;
        alert_leaders(&state, due.session_id).await?;
        leptos_axum::redirect("/account?measure=risk#risk-heading-high");
        return Ok(());
    }
    let next = course_measures::due(&state.db, &state.instruments, referral_id, now()).await?;
    match next.first() {
        Some(next) => leptos_axum::redirect(&format!(
            "/account/course/{}/{}",
            reference.trim(),
            next.instrument
        )),
        None => leptos_axum::redirect("/account?measure=done#my-courses-heading"),
    }
    Ok(())
}

/// Tells a session's leaders that a participant gave a risk answer: by email, with no
/// name or answer in it (email is not a safe place for either), and a link to the group.
async fn alert_leaders(state: &crate::server::AppState, session_id: i64) -> Result<(), AppError> {
    let cohort = course_measures::cohort_of_session(&state.db, session_id).await?;
    for email in course_measures::leader_emails(&state.db, session_id).await? {
        let c = texts(crate::i18n::Lang::default()).course;
        let mail = OutgoingMail {
            to: email,
            subject: c.mail_measure_risk_subject.to_owned(),
            text: c.mail_measure_risk_body.replace(
                "{link}",
                &format!("{}/groups/{cohort}", state.site.public_url),
            ),
        };
        if let Err(error) = state.mailer.send(mail).await {
            tracing::error!(error = ?error, session_id, "could not alert a leader of a risk answer");
        }
    }
    Ok(())
}

/// Each seat holder's first and latest score per measure, and their latest risk answer.
fn participant_scores(
    scores: &[course_measures::SessionScore],
    measures: &[String],
    enrolled: &[(i64, String, String)],
) -> Vec<ParticipantScores> {
    enrolled
        .iter()
        .map(|(referral_id, name, reference)| {
            let theirs: Vec<&course_measures::SessionScore> = scores
                .iter()
                .filter(|s| s.referral_id == *referral_id)
                .collect();
            ParticipantScores {
                name: name.clone(),
                reference: reference.clone(),
                scores: measures
                    .iter()
                    .map(|instrument| {
                        let of: Vec<&&course_measures::SessionScore> = theirs
                            .iter()
                            .filter(|s| &s.instrument == instrument)
                            .collect();
                        ScoreLine {
                            instrument: instrument.clone(),
                            first: of.first().and_then(|s| s.total),
                            latest: of.last().and_then(|s| s.total),
                            answers: of.len(),
                        }
                    })
                    .collect(),
                risk_on: theirs
                    .iter()
                    .filter(|s| s.risk)
                    .map(|s| s.answered_at)
                    .max()
                    .map(crate::domain::clock::format_oslo_date),
            }
        })
        .collect()
}
