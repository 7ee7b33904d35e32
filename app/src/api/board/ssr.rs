//! The server side of the board functions: who may do what, then the repository.

use super::types::*;
use super::views;
use crate::domain::access::{AccessAction, DataKind};
use crate::domain::board::decision::{clean_text, TextProblem};
use crate::domain::board::state::COLUMNS;
use crate::domain::board::{Decision, State};
use crate::domain::capability::{Capability, Kind, ServiceId};
use crate::domain::clock::{format_oslo, format_oslo_date};
use crate::domain::course::CohortId;
use crate::domain::field::{FieldError, FieldProblem};
use crate::domain::referral::{Format, Mode};
use crate::error::AppError;
use crate::i18n::{detect_lang, texts, Lang};
use crate::server::access_log::{AccessGrant, Audited};
use crate::server::board::{self, actions, detail, BoardFilter, Refusal};
use crate::server::db::now;
use crate::server::principal::Principal;
use crate::server::state::{app_state, AppState};
use crate::server::{access_log, accounts, courses, emails, services, sessions, staff};

/// A member of staff acting in one service.
struct Staff {
    account_id: i64,
    service_id: i64,
    principal: Principal,
}

impl Staff {
    fn in_service(principal: Principal, service: ServiceId) -> Staff {
        Staff {
            account_id: principal.account_id,
            service_id: service.0,
            principal,
        }
    }

    /// Whether they may do this kind of thing in this service.
    fn may(&self, kind: Kind) -> bool {
        self.principal.may(kind.at(ServiceId(self.service_id)))
    }

    fn actor(&self) -> access_log::Actor {
        self.principal.actor(ServiceId(self.service_id))
    }
}

/// The signed-in member of staff at the first service whose board they work.
async fn board_worker() -> Result<Staff, AppError> {
    let principal = Principal::current().await?;
    let service = principal.first_service(Kind::WorkBoard)?;
    Ok(Staff::in_service(principal, service))
}

/// The signed-in member of staff in the service a referral belongs to, with the
/// referral's id and the person's account; refused unless they work that board (or,
/// with `guest_ok`, it was shared with them).
async fn staff_for(
    state: &AppState,
    reference: &str,
    guest_ok: bool,
) -> Result<(Staff, i64, i64), AppError> {
    let principal = Principal::current().await?;
    let referral_id = detail::id_by_reference(&state.db, reference.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let (service_id, subject) = detail::owner(&state.db, referral_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = Staff::in_service(principal, ServiceId(service_id));
    let allowed = who.may(Kind::WorkBoard)
        || (guest_ok
            && who.may(Kind::CoAssess)
            && actions::is_shared_with(&state.db, referral_id, who.account_id).await?);
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok((who, referral_id, subject))
}

/// Begins the transaction for an access to a person's referral, with its entry in
/// their access log: the access and the entry commit together or not at all.
async fn audit(
    state: &AppState,
    who: &Staff,
    subject: i64,
    reference: &str,
    data_kind: DataKind,
    action: AccessAction,
) -> Result<(Audited, AccessGrant), AppError> {
    let mut audited = access_log::begin(&state.db).await?;
    let grant = audited
        .grant(
            &who.actor(),
            access_log::Access {
                subject_account_id: subject,
                record_kind: "referral",
                record_id: reference,
                data_kind,
                action,
            },
        )
        .await?;
    Ok((audited, grant))
}

/// A change to a person's referral, made in the transaction that logs it.
async fn audited_change<T>(
    state: &AppState,
    who: &Staff,
    (referral_id, subject, reference): (i64, i64, &str),
    data_kind: DataKind,
    change: impl AsyncFnOnce(&mut Audited) -> actions::Outcome<T>,
) -> Result<T, AppError> {
    let (mut audited, _grant) = audit(
        state,
        who,
        subject,
        reference,
        data_kind,
        AccessAction::Changed,
    )
    .await?;
    // A refused change leaves nothing behind, not even its entry.
    let made = change(&mut audited).await?.map_err(refused)?;
    audited.commit().await?;
    actions::announce(&state.db, who.service_id, referral_id).await;
    Ok(made)
}

/// "Choose one of these" for a field whose value is not among the choices.
fn choose_one(field: &str) -> AppError {
    AppError::Invalid {
        errors: vec![FieldError {
            field: field.into(),
            problem: FieldProblem::ChooseOne,
        }],
        values: Vec::new(),
    }
}

fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::NotFound => AppError::NotFound,
        Refusal::HeldBy(by) => AppError::Claimed { by },
        Refusal::Transition(_) | Refusal::NotNow => AppError::NotNow,
    }
}

fn text_problem(problem: TextProblem) -> FieldProblem {
    match problem {
        TextProblem::Empty => FieldProblem::Required,
        TextProblem::TooLong => FieldProblem::TooLong,
    }
}

/// A text field that must be filled in, kept when it is not right.
fn required_text(field: &str, value: &str) -> Result<String, AppError> {
    clean_text(value).map_err(|problem| AppError::Invalid {
        errors: vec![FieldError {
            field: field.into(),
            problem: text_problem(problem),
        }],
        values: vec![(field.into(), value.into())],
    })
}

fn filter_of(query: &BoardQuery) -> BoardFilter {
    let some = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    BoardFilter {
        municipality: some(&query.municipality),
        column: some(&query.state).filter(|c| COLUMNS.contains(&c.as_str())),
        band: some(&query.band),
        format: some(&query.format).and_then(|f| Format::parse(&f)),
        mode: some(&query.mode).and_then(|m| Mode::parse(&m)),
        mine: some(&query.mine).is_some(),
        unclaimed: some(&query.unclaimed).is_some(),
        query: some(&query.q),
    }
}

fn band_choices(state: &AppState, lang: Lang) -> Vec<Choice> {
    let mut bands: Vec<Choice> = Vec::new();
    for id in ["phq9", "gad7"] {
        if let Some(definition) = state.instruments.get(id) {
            for band in &definition.bands {
                if !bands.iter().any(|(key, _)| *key == band.id) {
                    bands.push((band.id.clone(), band.label.get(lang).to_owned()));
                }
            }
        }
    }
    bands
}

/// The longest search kept.
const SEARCH_MAX_CHARS: usize = 100;

pub async fn filter(query: BoardQuery) -> Result<(), AppError> {
    let state = app_state()?;
    let who = board_worker().await?;
    let search: Option<String> = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.chars().take(SEARCH_MAX_CHARS).collect());
    sessions::set_board_search(&state.db, &who.principal.session_id, search.as_deref()).await?;
    let pairs: Vec<String> = [
        ("municipality", &query.municipality),
        ("state", &query.state),
        ("band", &query.band),
        ("format", &query.format),
        ("mode", &query.mode),
        ("mine", &query.mine),
        ("unclaimed", &query.unclaimed),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        Some(format!("{name}={}", url_encode(value)))
    })
    .collect();
    if pairs.is_empty() {
        leptos_axum::redirect("/board");
    } else {
        leptos_axum::redirect(&format!("/board?{}", pairs.join("&")));
    }
    Ok(())
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn board(mut query: BoardQuery) -> Result<BoardView, AppError> {
    let state = app_state()?;
    let who = board_worker().await?;
    if query.q.is_none() {
        query.q = sessions::board_search(&state.db, &who.principal.session_id).await?;
    }
    let lang = detect_lang();
    let t = texts(lang);
    let at = now();
    let data = board::columns::load(
        &state.db,
        who.service_id,
        &filter_of(&query),
        who.account_id,
        at,
    )
    .await?;
    let columns = data
        .columns
        .iter()
        .map(|c| ColumnView {
            key: c.column.to_owned(),
            title: t.board.column(c.column).to_owned(),
            total: c.total,
            cards: c
                .cards
                .iter()
                .map(|row| views::card(&state.instruments, row, who.account_id, at, lang))
                .collect(),
        })
        .collect();
    let days = |d: f64| {
        if d.fract() == 0.0 {
            t.board.days(d as i64)
        } else {
            t.board.days.replace("{n}", &format!("{d:.1}"))
        }
    };
    Ok(BoardView {
        columns,
        waiting: data.stats.waiting,
        median_days: data.stats.median_days.map(days),
        longest_days: data.stats.longest_days.map(|d| t.board.days(d)),
        municipalities: services::municipalities_of(&state.db, who.service_id).await?,
        states: COLUMNS
            .iter()
            .map(|c| ((*c).to_owned(), t.board.column(c).to_owned()))
            .collect(),
        bands: band_choices(&state, lang),
        formats: Format::ALL
            .iter()
            .map(|f| (f.key().to_owned(), t.board.format(*f).to_owned()))
            .collect(),
        modes: Mode::ALL
            .iter()
            .map(|m| (m.key().to_owned(), t.board.mode(*m).to_owned()))
            .collect(),
        is_lead: who.may(Kind::OverrideClaim),
        search: query.q.clone().unwrap_or_default(),
        updated: format_oslo(at),
        urgent_alert: views::urgent_alert(&data.unopened_urgent, at, lang),
    })
}

pub async fn open(reference: String) -> Result<ReferralView, AppError> {
    let state = app_state()?;
    let (who, referral_id, subject) = staff_for(&state, &reference, true).await?;
    let (mut audited, grant) = audit(
        &state,
        &who,
        subject,
        &reference,
        DataKind::Referral,
        AccessAction::Viewed,
    )
    .await?;
    let first_opening = actions::record_opened(&mut audited, referral_id, who.account_id).await?;
    let lang = detect_lang();
    let t = texts(lang);
    let at = now();
    let detail = detail::load(&mut audited, &grant, referral_id, at)
        .await?
        .ok_or(AppError::NotFound)?;
    let responses = crate::server::referrals::responses_of_referral(
        &mut audited,
        &grant,
        crate::domain::referral::ReferralId(referral_id),
    )
    .await?;
    let events = detail::timeline(&mut audited, &grant, referral_id).await?;
    audited.commit().await?;
    if first_opening && detail.card.urgent {
        // Every board stops showing it as waiting unopened.
        actions::announce(&state.db, who.service_id, referral_id).await;
    }
    let card = views::card(&state.instruments, &detail.card, who.account_id, at, lang);
    let mut timeline = vec![EventView {
        when: format_oslo(detail.card.submitted_at),
        who: None,
        what: t.board.ev_submitted.to_owned(),
        text: None,
    }];
    timeline.extend(events.iter().map(|e| views::event(e, lang)));
    let guests = detail::guests(&state.db, detail.service_id, referral_id).await?;
    let as_guest = !who.may(Kind::WorkBoard);
    Ok(ReferralView {
        person: views::person(&detail, &card, lang),
        help_areas: detail
            .help
            .iter()
            .flat_map(|h| h.areas.iter().map(|a| t.referral.area(*a).to_owned()))
            .collect(),
        help_text: detail
            .help
            .as_ref()
            .map(|h| h.text.clone())
            .unwrap_or_default(),
        preferences: views::preferences(&detail, lang),
        answers: responses
            .iter()
            .map(|r| views::answer_set(&state.instruments, r, lang))
            .collect(),
        timeline,
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.key().to_owned(), t.board.decision(*d).to_owned()))
            .collect(),
        cohorts: if !as_guest && detail.card.state == State::InAssessment {
            courses::offerable(&state.db, ServiceId(who.service_id))
                .await?
                .into_iter()
                .map(|c| {
                    let label = t.course.cohort_choice(
                        &c.course_name,
                        c.first_start.map(format_oslo_date).as_deref(),
                        c.capacity - c.seats_held,
                        c.capacity,
                    );
                    (c.cohort_id.0.to_string(), label)
                })
                .collect()
        } else {
            Vec::new()
        },
        can_decide: !as_guest && detail.card.state == State::InAssessment,
        decided: events
            .iter()
            .rev()
            .find(|e| e.kind == "decision")
            .map(|e| views::event(e, lang)),
        shared_with: guests
            .iter()
            .filter(|(_, _, shared)| *shared)
            .map(|(_, name, _)| name.clone())
            .collect(),
        guests: if as_guest {
            Vec::new()
        } else {
            guests
                .into_iter()
                .filter(|(_, _, shared)| !*shared)
                .map(|(id, name, _)| (id.to_string(), name))
                .collect()
        },
        card,
        as_guest,
        is_lead: who.may(Kind::OverrideClaim),
    })
}

pub async fn claim(reference: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (who, referral_id, _) = staff_for(&state, &reference, false).await?;
    actions::claim(&state.db, who.service_id, referral_id, who.account_id)
        .await?
        .map_err(refused)
}

pub async fn release(reference: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (who, referral_id, _) = staff_for(&state, &reference, false).await?;
    actions::release(
        &state.db,
        who.service_id,
        referral_id,
        who.account_id,
        who.may(Kind::OverrideClaim),
    )
    .await?
    .map_err(refused)
}

pub async fn move_to(reference: String, to: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (who, referral_id, subject) = staff_for(&state, &reference, false).await?;
    let Some(to) = State::parse(to.trim()) else {
        return Err(choose_one("to"));
    };
    let (service_id, me) = (who.service_id, who.account_id);
    audited_change(
        &state,
        &who,
        (referral_id, subject, &reference),
        DataKind::Referral,
        async |audited| actions::move_to(audited, service_id, referral_id, me, to).await,
    )
    .await
}

pub async fn decide(
    reference: String,
    decision: String,
    reason: String,
    cohort: String,
) -> Result<(), AppError> {
    let state = app_state()?;
    let (who, referral_id, subject) = staff_for(&state, &reference, false).await?;
    let parsed = Decision::parse(decision.trim());
    let cleaned = clean_text(&reason);
    let mut errors = Vec::new();
    if parsed.is_none() {
        errors.push(FieldError {
            field: "decision".into(),
            problem: FieldProblem::ChooseOne,
        });
    }
    // A group course is offered in one of the service's cohorts with a free seat.
    let offered_cohort = match parsed {
        Some(Decision::GroupCourse) => {
            match offered_cohort(&state, ServiceId(who.service_id), &cohort).await? {
                Ok(id) => Some(id),
                Err(problem) => {
                    errors.push(FieldError {
                        field: "cohort".into(),
                        problem,
                    });
                    None
                }
            }
        }
        _ => None,
    };
    if let Err(problem) = cleaned {
        errors.push(FieldError {
            field: "reason".into(),
            problem: text_problem(problem),
        });
    }
    let (Some(decision_kind), Ok(reason_text), true) = (parsed, cleaned, errors.is_empty()) else {
        return Err(AppError::Invalid {
            errors,
            values: vec![
                ("decision".into(), decision),
                ("reason".into(), reason),
                ("cohort".into(), cohort),
            ],
        });
    };
    let (service_id, me) = (who.service_id, who.account_id);
    let made = audited_change(
        &state,
        &who,
        (referral_id, subject, &reference),
        DataKind::Referral,
        async |audited| {
            actions::decide(
                audited,
                service_id,
                referral_id,
                me,
                decision_kind,
                &reason_text,
                offered_cohort,
            )
            .await
        },
    )
    .await?;
    tell_the_person(&state, &who, referral_id, made.account_id, &reference).await?;
    Ok(())
}

/// The cohort a group-course decision offers, from the form's value: one of this
/// service's cohorts that takes enrolment and has a free seat.
async fn offered_cohort(
    state: &AppState,
    service: ServiceId,
    value: &str,
) -> Result<Result<CohortId, FieldProblem>, AppError> {
    use crate::domain::course::cohort::check_offerable;
    let Some(id) = value.trim().parse::<i64>().ok().map(CohortId) else {
        return Ok(Err(FieldProblem::ChooseOne));
    };
    let Some(seats) = courses::seats(&state.db, id)
        .await?
        .filter(|s| s.service == service)
    else {
        return Ok(Err(FieldProblem::ChooseOne));
    };
    Ok(
        check_offerable(seats.state, seats.capacity, seats.seats_held)
            .map(|()| id)
            .map_err(FieldProblem::Cohort),
    )
}

/// An email that there is news, in the language the person wrote in; no health details.
async fn tell_the_person(
    state: &AppState,
    who: &Staff,
    referral_id: i64,
    account_id: i64,
    reference: &str,
) -> Result<(), AppError> {
    let Some(address) = accounts::email_of(&state.db, account_id).await? else {
        return Ok(());
    };
    let lang = detail::lang_of(&state.db, referral_id)
        .await?
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or(Lang::Nb);
    let link = format!("{}/account", state.site.public_url);
    let mail = emails::referral_news(texts(lang), &address, reference, &link);
    match state.mailer.send(mail).await {
        Ok(()) => {
            actions::record_message(&state.db, referral_id, who.account_id, "decision").await?;
        }
        // The decision stands; the person also sees it when they log in.
        Err(error) => tracing::error!(error = ?error, "could not send the decision email"),
    }
    Ok(())
}

pub async fn note(reference: String, note: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (who, referral_id, subject) = staff_for(&state, &reference, false).await?;
    let text = required_text("note", &note)?;
    let (service_id, me) = (who.service_id, who.account_id);
    audited_change(
        &state,
        &who,
        (referral_id, subject, &reference),
        DataKind::Notes,
        async |audited| actions::add_note(audited, service_id, referral_id, me, &text).await,
    )
    .await
}

pub async fn share(reference: String, guest: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (who, referral_id, subject) = staff_for(&state, &reference, false).await?;
    let guest_id = guest.trim().parse::<i64>().ok();
    let is_guest = match guest_id {
        Some(id) => staff::capabilities(&state.db, id)
            .await?
            .may(Capability::CoAssess(ServiceId(who.service_id))),
        None => false,
    };
    let (Some(guest_id), true) = (guest_id, is_guest) else {
        return Err(choose_one("guest"));
    };
    let (service_id, me) = (who.service_id, who.account_id);
    audited_change(
        &state,
        &who,
        (referral_id, subject, &reference),
        DataKind::Referral,
        async |audited| actions::share(audited, service_id, referral_id, me, guest_id).await,
    )
    .await
}

pub async fn assess(reference: String, assessment: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (who, referral_id, subject) = staff_for(&state, &reference, true).await?;
    if !who.may(Kind::CoAssess) {
        return Err(AppError::Forbidden);
    }
    let text = required_text("assessment", &assessment)?;
    let (service_id, me) = (who.service_id, who.account_id);
    audited_change(
        &state,
        &who,
        (referral_id, subject, &reference),
        DataKind::Notes,
        async |audited| actions::add_assessment(audited, service_id, referral_id, me, &text).await,
    )
    .await
}

pub async fn shared() -> Result<Vec<CardView>, AppError> {
    let state = app_state()?;
    let principal = Principal::current().await?;
    if !principal.anywhere(Kind::CoAssess) {
        return Err(AppError::Forbidden);
    }
    let account_id = principal.account_id;
    let lang = detect_lang();
    let at = now();
    Ok(detail::shared_with(&state.db, account_id, at)
        .await?
        .iter()
        .map(|row| views::card(&state.instruments, row, account_id, at, lang))
        .collect())
}
