//! The server side of the self-referral functions.

use std::collections::BTreeMap;

use super::types::*;
use crate::domain::access::{AccessAction, DataKind};
use crate::domain::capability::{Capability, ServiceId};
use crate::domain::clock::{format_oslo_date, oslo_date};
use crate::domain::identity::AccountKind;
use crate::domain::questionnaire::score;
use crate::domain::referral::{
    self, is_fresh, Draft, FormValues, MunicipalityCheck, Source, Step, StepContext,
};
use crate::error::AppError;
use crate::i18n::{detect_lang, lang_cookie, texts, Lang};
use crate::server::cookies::{cookie_value, set_cookie, site_cookie};
use crate::server::db::now;
use crate::server::principal::Principal;
use crate::server::referrals::{self, DraftRecord, ScoredAnswers, Submission};
use crate::server::services::{self, ServiceDetail};
use crate::server::state::{app_state, AppState};
use crate::server::{access_log, accounts, emails, tokens};

const DRAFT_MAX_AGE: i64 = 7 * 24 * 60 * 60;

fn cookie_name(production: bool) -> &'static str {
    if production {
        "__Host-rph_referral"
    } else {
        "rph_referral"
    }
}

fn set_draft_cookie(state: &AppState, token: &str) {
    let production = state.site.production;
    set_cookie(&site_cookie(
        cookie_name(production),
        token,
        Some(DRAFT_MAX_AGE),
        production,
    ));
}

fn draft_token(state: &AppState) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    cookie_value(&parts.headers, cookie_name(state.site.production))
}

async fn service(state: &AppState, slug: &str) -> Result<ServiceDetail, AppError> {
    services::by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// This browser's draft, if it belongs to the service and has not been sent.
/// A draft that staff started may only be used by that member of staff.
async fn open_draft(state: &AppState, service: &ServiceDetail) -> Result<DraftRecord, AppError> {
    let token = draft_token(state).ok_or(AppError::NotFound)?;
    let record = referrals::draft_by_token(&state.db, &token)
        .await?
        .filter(|r| r.service_id == service.id && r.referral_id.is_none())
        .ok_or(AppError::NotFound)?;
    if let Some(staff_id) = record.created_by {
        if Principal::current().await?.account_id != staff_id {
            return Err(AppError::Forbidden);
        }
    }
    Ok(record)
}

/// The citizen signed in, if a citizen is.
async fn signed_in_citizen() -> Result<Option<Principal>, AppError> {
    Ok(Principal::optional()
        .await?
        .filter(|p| p.kind == AccountKind::Citizen))
}

/// The signed-in member of staff who may register referrals for this service, if any.
async fn registering_staff(service: &ServiceDetail) -> Result<Option<Principal>, AppError> {
    Ok(Principal::optional()
        .await?
        .filter(|p| p.may(Capability::RegisterReferral(ServiceId(service.id)))))
}

pub async fn service_page(slug: String) -> Result<ServiceInfo, AppError> {
    // Public: nobody needs to be signed in. A draft cookie only says whether to offer
    // "continue where you left off".
    let state = app_state()?;
    let service = service(&state, &slug).await?;
    let municipalities = services::municipalities(&state.db)
        .await?
        .into_iter()
        .filter(|m| service.serves.contains(&m.number))
        .map(|m| m.name)
        .collect();
    let has_draft = match draft_token(&state) {
        Some(token) => referrals::draft_by_token(&state.db, &token)
            .await?
            .is_some_and(|r| {
                r.service_id == service.id && r.referral_id.is_none() && r.created_by.is_none()
            }),
        None => false,
    };
    let may_register = registering_staff(&service).await?.is_some();
    let courses = crate::server::courses::catalogue(&state.db, ServiceId(service.id))
        .await?
        .into_iter()
        .map(|entry| CatalogueCourse {
            name: entry.course.name,
            description: entry.course.description,
            suits: entry.course.suits,
            weekly_sessions: entry.course.weekly_sessions,
            follow_ups: entry.course.follow_ups,
            session_minutes: entry.course.session_minutes,
            format: entry.course.format,
            next_start: entry.next_start.map(format_oslo_date),
        })
        .collect();
    Ok(ServiceInfo {
        slug: service.slug,
        name: service.name,
        municipalities,
        has_draft,
        may_register,
        courses,
    })
}

fn step_url(slug: &str, step: &Step) -> String {
    format!("/services/{slug}/refer/{}", step.slug())
}

pub async fn start(slug: String, source: String) -> Result<(), AppError> {
    let state = app_state()?;
    let service = service(&state, &slug).await?;
    let on_behalf = match source.as_str() {
        "" => None,
        key => Some(
            Source::from_key(key)
                .filter(|s| *s != Source::SelfReferral)
                .ok_or(AppError::Invalid {
                    errors: vec![crate::domain::field::FieldError {
                        field: "source".into(),
                        problem: crate::domain::field::FieldProblem::ChooseOne,
                    }],
                    values: Vec::new(),
                })?,
        ),
    };
    let created_by = match on_behalf {
        Some(_) => {
            Principal::current().await?;
            Some(
                registering_staff(&service)
                    .await?
                    .ok_or(AppError::Forbidden)?
                    .account_id,
            )
        }
        None => None,
    };
    // Continue this browser's own draft for the service rather than starting over.
    if on_behalf.is_none() {
        if let Ok(record) = open_draft(&state, &service).await {
            if record.created_by.is_none() {
                leptos_axum::redirect(&step_url(&slug, &record.draft.first_open_step()));
                return Ok(());
            }
        }
    }
    // Anyone may start one: new drafts are limited per client address.
    if on_behalf.is_none() {
        use crate::server::auth::client_ip;
        use crate::server::rate_limit::{self, DRAFTS_PER_ADDRESS};
        if let Some(ip) = client_ip() {
            let bucket = format!("referral-start:ip:{ip}");
            if !rate_limit::hit(&state.db, &bucket, DRAFTS_PER_ADDRESS).await? {
                return Err(AppError::RateLimited);
            }
        }
    }
    let draft = Draft {
        on_behalf,
        ..Draft::default()
    };
    let (_, token) = referrals::create_draft(&state.db, service.id, &draft, created_by).await?;
    set_draft_cookie(&state, &token);
    tracing::info!(
        service = service.id,
        on_behalf = on_behalf.is_some(),
        "referral draft started"
    );
    leptos_axum::redirect(&step_url(&slug, &Step::Consent));
    Ok(())
}

fn step_title(lang: Lang, state: &AppState, step: &Step) -> String {
    let r = texts(lang).referral;
    match step {
        Step::Consent => r.step_consent.into(),
        Step::About => r.step_about.into(),
        Step::Help => r.step_help.into(),
        Step::Questionnaire(id) => state
            .instruments
            .get(id)
            .map(|d| d.title.get(lang).to_owned())
            .unwrap_or_default(),
        Step::Preferences => r.step_preferences.into(),
        Step::Review => r.step_review.into(),
    }
}

async fn municipality_views(
    state: &AppState,
    service: &ServiceDetail,
) -> Result<Vec<MunicipalityView>, AppError> {
    Ok(services::municipalities(&state.db)
        .await?
        .into_iter()
        .map(|m| MunicipalityView {
            served: service.serves.contains(&m.number),
            elsewhere: m
                .services
                .into_iter()
                .filter(|(slug, _)| *slug != service.slug)
                .collect(),
            number: m.number,
            name: m.name,
        })
        .collect())
}

fn review(
    lang: Lang,
    state: &AppState,
    draft: &Draft,
    municipalities: &[MunicipalityView],
) -> Vec<ReviewSection> {
    let t = texts(lang);
    let r = t.referral;
    let mut sections = Vec::new();
    if let Some(a) = &draft.about {
        let municipality = municipalities
            .iter()
            .find(|m| m.number == a.municipality)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| a.municipality.clone());
        let join = |items: Vec<&str>| items.join(", ");
        sections.push(ReviewSection {
            step: Step::About.slug(),
            title: r.step_about.into(),
            lines: vec![
                (r.field_name.into(), a.name.clone()),
                (r.field_national_id.into(), a.national_id.clone()),
                (r.field_municipality.into(), municipality),
                (r.field_phone.into(), a.phone.clone()),
                (r.field_email.into(), a.email.clone()),
                (
                    r.contact_ways.into(),
                    join(a.contact_ways.iter().map(|w| r.contact_way(*w)).collect()),
                ),
                (
                    r.contact_times.into(),
                    join(a.contact_times.iter().map(|p| r.day_part(*p)).collect()),
                ),
                (
                    r.interpreter.into(),
                    a.interpreter
                        .as_ref()
                        .map(|l| format!("{}: {l}", r.yes))
                        .unwrap_or_else(|| r.no.into()),
                ),
            ],
        });
    }
    if let Some(h) = &draft.help {
        let mut lines = vec![(
            r.help_areas.into(),
            h.areas
                .iter()
                .map(|a| r.area(*a))
                .collect::<Vec<_>>()
                .join(", "),
        )];
        if !h.text.is_empty() {
            lines.push((r.help_text.into(), h.text.clone()));
        }
        sections.push(ReviewSection {
            step: Step::Help.slug(),
            title: r.step_help.into(),
            lines,
        });
    }
    for id in draft.instruments() {
        let step = Step::Questionnaire(id.to_owned());
        if draft.is_done(&step) {
            sections.push(ReviewSection {
                step: step.slug(),
                title: step_title(lang, state, &step),
                lines: vec![(r.answered.into(), "✓".into())],
            });
        }
    }
    if let Some(p) = &draft.preferences {
        sections.push(ReviewSection {
            step: Step::Preferences.slug(),
            title: r.step_preferences.into(),
            lines: vec![
                (r.format.into(), r.format(p.format).into()),
                (r.mode.into(), r.mode(p.mode).into()),
                (
                    r.times.into(),
                    p.times
                        .iter()
                        .map(|t| r.day_part(*t))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        });
    }
    sections
}

/// An earlier answer set of this signed-in citizen that is fresh enough to reuse.
async fn reusable_response(
    state: &AppState,
    service: &ServiceDetail,
    record: &DraftRecord,
    instrument: &str,
) -> Result<Option<referrals::StoredResponse>, AppError> {
    if record.draft.on_behalf.is_some() {
        return Ok(None);
    }
    let Some(citizen) = signed_in_citizen().await? else {
        return Ok(None);
    };
    let Some(definition) = state.instruments.get(instrument) else {
        return Ok(None);
    };
    Ok(
        referrals::latest_response(&state.db, citizen.account_id, instrument)
            .await?
            .filter(|r| r.version == definition.version)
            .filter(|r| is_fresh(r.answered_at, now(), service.answer_reuse_days)),
    )
}

pub async fn step_page(slug: String, step: String) -> Result<StepPage, AppError> {
    let state = app_state()?;
    let service = service(&state, &slug).await?;
    let record = open_draft(&state, &service).await?;
    let step = Step::from_slug(&step).ok_or(AppError::NotFound)?;
    let lang = detect_lang();
    let draft = &record.draft;
    let steps = draft.steps();
    let position = steps.iter().position(|s| *s == step);
    let allowed = position.is_some() && draft.may_open(&step);
    let instrument = match &step {
        Step::Questionnaire(id) => state.instruments.get(id),
        _ => None,
    };
    let values: FormValues = match &draft.pending {
        Some((pending_step, fields)) if *pending_step == step.slug() => fields.clone(),
        _ => referral::values(draft, &step),
    };
    let municipalities = match step {
        Step::About | Step::Review => municipality_views(&state, &service).await?,
        _ => Vec::new(),
    };
    let reusable = match (&step, draft.is_done(&step)) {
        (Step::Questionnaire(id), false) => reusable_response(&state, &service, &record, id)
            .await?
            .map(|r| Reusable {
                answered_on: format_oslo_date(r.answered_at),
            }),
        _ => None,
    };
    let risk = draft.risk_level(&|id| state.instruments.get(id));
    Ok(StepPage {
        service_name: service.name.clone(),
        slug: service.slug.clone(),
        step: step.slug(),
        allowed,
        open_step: draft.first_open_step().slug(),
        position: position.map(|p| p + 1).unwrap_or(0),
        total: steps.len(),
        title: step_title(lang, &state, &step),
        values: values.into_iter().collect(),
        not_applicable: instrument
            .as_ref()
            .map(|d| {
                d.items
                    .iter()
                    .filter(|i| i.not_applicable)
                    .map(|i| i.id.clone())
                    .collect()
            })
            .unwrap_or_default(),
        instrument: instrument.as_ref().map(|d| InstrumentView::of(lang, d)),
        review: if step == Step::Review {
            review(lang, &state, draft, &municipalities)
        } else {
            Vec::new()
        },
        municipalities,
        risk,
        send_early: step != Step::Review && !draft.is_complete() && draft.may_send_early(risk),
        on_behalf: draft.on_behalf.is_some(),
        previous: position
            .and_then(|p| p.checked_sub(1))
            .map(|p| steps[p].slug()),
        reusable,
    })
}

/// What the person asked for when they sent a step's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Intent {
    /// "Next" (or Enter): check the step and go on.
    Next,
    /// "Continue later": keep what is on the page and ask where to send the link.
    Later,
    /// A language in the header: keep what is on the page and show it again in that
    /// language.
    Language(Lang),
    /// "Send the referral now", offered with a risk answer: save the step and send
    /// without the remaining steps.
    SendNow,
    /// The page was left another way (back, forward, a link, a closed tab): keep what
    /// was on it, as "continue later" does, and stay.
    Keep,
}

impl Intent {
    fn of(fields: &BTreeMap<String, String>) -> Intent {
        if let Some(lang) = fields.get("_lang").and_then(|c| Lang::from_code(c)) {
            Intent::Language(lang)
        } else if fields.get("_later").is_some_and(|v| v == "yes") {
            Intent::Later
        } else if fields.get("_send").is_some_and(|v| v == "yes") {
            Intent::SendNow
        } else if fields.get("_keep").is_some_and(|v| v == "yes") {
            Intent::Keep
        } else {
            Intent::Next
        }
    }
}

pub async fn save_step(
    slug: String,
    step: String,
    fields: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let state = app_state()?;
    let intent = Intent::of(&fields);
    if let Intent::Language(lang) = intent {
        // The choice holds even when there is nothing to keep (an expired draft).
        set_cookie(&lang_cookie(lang, state.site.production));
    }
    let service = service(&state, &slug).await?;
    let found = open_draft(&state, &service).await;
    let step_slug = step;
    let step = Step::from_slug(&step_slug).ok_or(AppError::NotFound)?;
    let mut record = match found {
        Ok(record) if record.draft.may_open(&step) && step != Step::Review => record,
        // A language switch on a page without a step to keep shows that page again.
        _ if matches!(intent, Intent::Language(_)) => {
            leptos_axum::redirect(&format!("/services/{slug}/refer/{step_slug}"));
            return Ok(());
        }
        Ok(_) => return Err(AppError::NotFound),
        Err(error) => return Err(error),
    };
    let back_to_review = fields.get("_return").is_some_and(|v| v == "review");
    let form: FormValues = fields
        .into_iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .collect();
    let definition = match &step {
        Step::Questionnaire(id) => state.instruments.get(id),
        _ => None,
    };
    let served = |number: &str| {
        if service.serves.iter().any(|n| n == number) {
            MunicipalityCheck::Served
        } else {
            MunicipalityCheck::NotServed
        }
    };
    let context = StepContext {
        today: oslo_date(now()),
        municipality: &served,
        definition: definition.as_deref(),
    };
    let outcome = referral::apply(&mut record.draft, &step, &form, &context);
    if !matches!(intent, Intent::Next | Intent::SendNow) {
        // Leaving the step another way keeps what is on the page, finished or not,
        // without naming mistakes: the person fixes them when they go on.
        let unfinished = outcome
            .is_err()
            .then(|| referral::kept_for_step(&step, &form));
        record.draft.keep_unfinished(&step, unfinished);
        referrals::save_draft(&state.db, record.id, &record.draft).await?;
        let to = match intent {
            Intent::Later => format!("/services/{slug}/later"),
            _ if back_to_review => format!("{}?from=review", step_url(&slug, &step)),
            _ => step_url(&slug, &step),
        };
        leptos_axum::redirect(&to);
        return Ok(());
    }
    match outcome {
        Ok(()) => {
            record.draft.keep_unfinished(&step, None);
            referrals::save_draft(&state.db, record.id, &record.draft).await?;
            if intent == Intent::SendNow {
                return submit(slug, true).await;
            }
            let next = if back_to_review && record.draft.is_complete() {
                Step::Review
            } else {
                record.draft.next_step(&step)
            };
            leptos_axum::redirect(&step_url(&slug, &next));
            Ok(())
        }
        Err(errors) => {
            // Keep what was typed on the server, not in the address bar.
            record
                .draft
                .keep_unfinished(&step, Some(referral::kept_for_step(&step, &form)));
            referrals::save_draft(&state.db, record.id, &record.draft).await?;
            Err(AppError::Invalid {
                errors,
                values: Vec::new(),
            })
        }
    }
}

pub async fn reuse_answers(slug: String, instrument: String) -> Result<(), AppError> {
    let state = app_state()?;
    Principal::current().await?;
    let service = service(&state, &slug).await?;
    let mut record = open_draft(&state, &service).await?;
    let step = Step::Questionnaire(instrument.clone());
    if !record.draft.may_open(&step) {
        return Err(AppError::NotFound);
    }
    let earlier = reusable_response(&state, &service, &record, &instrument)
        .await?
        .ok_or(AppError::NotFound)?;
    record.draft.answers.insert(instrument, earlier.answers);
    record.draft.keep_unfinished(&step, None);
    referrals::save_draft(&state.db, record.id, &record.draft).await?;
    leptos_axum::redirect(&step_url(&slug, &record.draft.next_step(&step)));
    Ok(())
}

pub async fn continue_later(slug: String, email: String) -> Result<(), AppError> {
    use crate::server::auth::client_ip;
    use crate::server::rate_limit::{self, RESUME_PER_ADDRESS};

    let state = app_state()?;
    let service = service(&state, &slug).await?;
    let record = open_draft(&state, &service).await?;
    let address = AppError::email_field(email)?;
    if let Some(ip) = client_ip() {
        let bucket = format!("referral-later:ip:{ip}");
        if !rate_limit::hit(&state.db, &bucket, RESUME_PER_ADDRESS).await? {
            return Err(AppError::RateLimited);
        }
    }
    let token = referrals::issue_resume_token(&state.db, record.id).await?;
    let t = texts(detect_lang());
    let link = format!("{}/referral/resume?token={token}", state.site.public_url);
    state
        .mailer
        .send(emails::referral_resume(t, &address, &link))
        .await
        .map_err(|error| {
            tracing::error!(error = ?error, "could not send the resume email");
            AppError::Unavailable
        })?;
    leptos_axum::redirect(&format!("/services/{slug}/later/sent"));
    Ok(())
}

pub async fn resume(token: String) -> Result<(), AppError> {
    // Whoever holds the emailed link may continue the draft, once.
    let state = app_state()?;
    let (slug, cookie_token) = referrals::resume(&state.db, &token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    set_draft_cookie(&state, &cookie_token);
    let record = referrals::draft_by_token(&state.db, &cookie_token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    leptos_axum::redirect(&step_url(&slug, &record.draft.first_open_step()));
    Ok(())
}

/// How a referral's account was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    /// The signed-in citizen's own.
    SignedIn(i64),
    /// Made for this referral, without a password: only the emailed link opens it.
    Created(i64),
    /// An existing account with the email typed. Typing an address proves nothing, so
    /// the referral is that account's only once the address's holder confirms it.
    Named(i64),
}

impl Owner {
    fn account_id(self) -> i64 {
        match self {
            Owner::SignedIn(id) | Owner::Created(id) | Owner::Named(id) => id,
        }
    }
}

/// The account a referral belongs to: the signed-in citizen's, else the one with the
/// email (created, without a password, when there is none).
async fn owner_account(
    state: &AppState,
    draft: &Draft,
    email: &str,
    name: &str,
) -> Result<Owner, AppError> {
    if draft.on_behalf.is_none() {
        if let Some(citizen) = signed_in_citizen().await? {
            return Ok(Owner::SignedIn(citizen.account_id));
        }
    }
    if let Some(id) = accounts::id_by_email(&state.db, email).await? {
        return Ok(Owner::Named(id));
    }
    match accounts::create_citizen_without_password(&state.db, email, name).await? {
        Some(id) => Ok(Owner::Created(id)),
        None => accounts::id_by_email(&state.db, email)
            .await?
            .map(Owner::Named)
            .ok_or(AppError::Internal),
    }
}

/// Sends the draft. `early`: after a risk answer, without the remaining steps (only
/// the instruments answered are scored and stored).
pub async fn submit(slug: String, early: bool) -> Result<(), AppError> {
    let state = app_state()?;
    let service = service(&state, &slug).await?;
    let record = open_draft(&state, &service).await?;
    // A draft staff started is sent by them (`open_draft` checked), while they may
    // still register referrals here.
    let registrar = match record.created_by {
        Some(_) => Some(
            registering_staff(&service)
                .await?
                .ok_or(AppError::Forbidden)?
                .actor(ServiceId(service.id)),
        ),
        None => None,
    };
    let draft = &record.draft;
    let early = early
        && !draft.is_complete()
        && draft.may_send_early(draft.risk_level(&|id| state.instruments.get(id)));
    if !draft.is_complete() && !early {
        leptos_axum::redirect(&step_url(&slug, &draft.first_open_step()));
        return Ok(());
    }
    let about = draft.about.as_ref().ok_or(AppError::Internal)?;
    let mut answers = Vec::new();
    for id in draft.instruments() {
        if early && !draft.answers.contains_key(id) {
            continue;
        }
        let definition = state.instruments.get(id).ok_or(AppError::Internal)?;
        let given = draft.answers.get(id).cloned().unwrap_or_default();
        let scored = score(&definition, &given).map_err(|e| {
            tracing::error!(error = %e, "stored answers no longer fit their instrument");
            AppError::Internal
        })?;
        answers.push(ScoredAnswers {
            instrument: id.to_owned(),
            version: definition.version.clone(),
            answers: given,
            score: scored,
        });
    }
    let owner = owner_account(&state, draft, &about.email, &about.name).await?;
    let account_id = owner.account_id();
    let owner_claim = matches!(owner, Owner::Named(_)).then(crate::server::sessions::new_token);
    let source = draft.on_behalf.unwrap_or(Source::SelfReferral);
    let registered_by = record.created_by;
    let submission = Submission {
        draft_id: record.id,
        service_id: service.id,
        account_id,
        draft,
        answers,
        source,
        registered_by,
        owner_claim_hash: owner_claim
            .as_deref()
            .map(crate::server::sessions::session_id_for),
        lang: detect_lang(),
    };
    let submitted = match registrar {
        None => referrals::submit(&state.db, submission).await?,
        // Staff wrote a citizen's personal data: that goes in the person's access log,
        // in the same transaction.
        Some(actor) => {
            let mut audited = access_log::begin(&state.db).await?;
            let submitted = referrals::submit_in(audited.change(), submission).await?;
            audited
                .grant(
                    &actor,
                    access_log::Access {
                        subject_account_id: account_id,
                        record_kind: "referral",
                        record_id: &submitted.referral_id.to_string(),
                        data_kind: DataKind::Referral,
                        action: AccessAction::Changed,
                    },
                )
                .await?;
            audited.commit().await?;
            submitted
        }
    };
    // Open boards show it at once; an urgent one alerts intake by email too.
    crate::server::board::actions::announce(&state.db, service.id, submitted.referral_id).await;
    if submitted.urgent {
        crate::server::board::alerts::send_soon(&state);
    }
    // The receipt carries no health details: only the reference and how to follow it.
    let t = texts(detect_lang());
    let public_url = &state.site.public_url;
    let next = match (owner, &owner_claim) {
        (Owner::Created(_), _) => {
            let token = tokens::issue(&state.db, account_id, tokens::Purpose::Invitation).await?;
            emails::ReceiptNext::SetPassword(format!("{public_url}/referral/follow?token={token}"))
        }
        (Owner::Named(_), Some(token)) => {
            emails::ReceiptNext::Confirm(format!("{public_url}/referral/confirm?token={token}"))
        }
        _ => emails::ReceiptNext::LogIn(format!("{public_url}/login")),
    };
    let mail = emails::referral_receipt(t, &about.email, &submitted.reference, &next);
    if let Err(error) = state.mailer.send(mail).await {
        // The referral is safely stored; a lost receipt must not make the person send again.
        tracing::error!(error = ?error, "could not send the referral receipt");
    }
    tracing::info!(
        referral = submitted.referral_id,
        urgent = submitted.urgent,
        duplicate = submitted.duplicate_of.is_some(),
        source = source.key(),
        "referral received"
    );
    leptos_axum::redirect(&format!("/services/{slug}/received"));
    Ok(())
}

pub async fn receipt(slug: String) -> Result<Receipt, AppError> {
    let state = app_state()?;
    let service = service(&state, &slug).await?;
    let token = draft_token(&state).ok_or(AppError::NotFound)?;
    let record = referrals::draft_by_token(&state.db, &token)
        .await?
        .filter(|r| r.service_id == service.id)
        .ok_or(AppError::NotFound)?;
    if let Some(staff_id) = record.created_by {
        if Principal::current().await?.account_id != staff_id {
            return Err(AppError::Forbidden);
        }
    }
    let referral_id = record.referral_id.ok_or(AppError::NotFound)?;
    let referral = referrals::by_id(&state.db, referral_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Receipt {
        reference: referral.reference,
        service_name: referral.service_name,
        urgent: referral.urgent,
        on_behalf: record.created_by.is_some(),
    })
}

pub async fn withdraw(reference: String, confirmed: bool) -> Result<(), AppError> {
    use crate::domain::field::{FieldError, FieldProblem};
    use crate::server::board::actions::{self, Refusal};

    let principal = Principal::current().await?;
    if !confirmed {
        return Err(AppError::Invalid {
            errors: vec![FieldError {
                field: "confirm".into(),
                problem: FieldProblem::ConfirmMissing,
            }],
            values: Vec::new(),
        });
    }
    let state = app_state()?;
    match actions::withdraw(&state.db, &reference, principal.account_id).await? {
        Ok((service_id, referral_id)) => {
            // A withdrawn referral gives up its course seat or place in line.
            crate::api::course::ssr::referral_withdrawn(&principal, referral_id).await?;
            actions::announce(&state.db, service_id, referral_id).await;
            tracing::info!(account_id = principal.account_id, "referral withdrawn");
            leptos_axum::redirect("/account?withdrawn=1");
            Ok(())
        }
        // Someone else's, or none: the same answer, so it tells nothing.
        Err(Refusal::NotFound) => Err(AppError::Forbidden),
        Err(_) => Err(AppError::NotNow),
    }
}

pub async fn mine() -> Result<Vec<MyReferral>, AppError> {
    let principal = Principal::current().await?;
    let state = app_state()?;
    let t = texts(detect_lang());
    let b = t.board;
    let decisions =
        crate::server::board::detail::latest_decisions(&state.db, principal.account_id).await?;
    Ok(referrals::for_account(&state.db, principal.account_id)
        .await?
        .into_iter()
        .map(|r| {
            let stored_state =
                crate::domain::board::State::from_stored(&r.status, r.outcome.as_deref());
            // The latest decision, in words; the staff's reason stays internal.
            let latest = decisions
                .iter()
                .rev()
                .find(|(id, _, _)| *id == r.id)
                .and_then(|(_, key, at)| {
                    crate::domain::board::Decision::parse(key).map(|d| (d, *at))
                });
            let decision = latest.map(|(d, at)| {
                b.your_decision
                    .replace("{date}", &format_oslo_date(at))
                    .replace("{decision}", b.decision(d))
            });
            let contact = r.call_us(t);
            MyReferral {
                reference: r.reference,
                service_name: r.service_name,
                sent: format_oslo_date(r.submitted_at),
                status: match stored_state {
                    Some(state) => b.citizen_status(state).to_owned(),
                    None => b.status_closed.to_owned(),
                },
                decision,
                open: stored_state.is_some_and(|s| s.is_open()),
                next: stored_state
                    .map(|s| t.referral.next_steps(s, latest.map(|(d, _)| d)))
                    .unwrap_or(t.referral.next_closed)
                    .to_owned(),
                contact,
            }
        })
        .collect())
}

pub async fn confirm_owner(token: String) -> Result<(), AppError> {
    // Whoever holds the emailed link holds the address the referral named, once.
    let state = app_state()?;
    let reference = referrals::confirm_owner(&state.db, &token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    tracing::info!(reference, "referral confirmed by the holder of its address");
    leptos_axum::redirect("/account");
    Ok(())
}

pub async fn follow(token: String, password: String) -> Result<(), AppError> {
    // Whoever holds the emailed link may set the password, once.
    use crate::server::tokens::set_password_with_link;
    let state = app_state()?;
    let account_id =
        set_password_with_link(&state.db, tokens::Purpose::Invitation, &token, password).await?;
    tracing::info!(account_id, "referral follower set a password");
    // Holding the emailed link and choosing the password is as good as a login, for a
    // citizen without a second factor: sign them in and show their referral. Anyone
    // else logs in as usual.
    let record = match accounts::email_of(&state.db, account_id).await? {
        Some(email) => accounts::find_for_login(&state.db, &email).await?,
        None => None,
    };
    match record {
        Some(r) if r.kind == AccountKind::Citizen && r.totp_secret.is_none() => {
            use crate::domain::identity::SessionStage;
            use crate::server::auth::{current_session, sign_in};
            let old = current_session().map(|c| c.token);
            sign_in(
                &state.db,
                old.as_deref(),
                account_id,
                SessionStage::Full,
                state.site.production,
            )
            .await?;
            leptos_axum::redirect("/account");
        }
        _ => leptos_axum::redirect("/login?verified=1"),
    }
    Ok(())
}
