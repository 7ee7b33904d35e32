//! One step of the self-referral: progress, the step's form, back and "continue later".

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::questionnaire::{questionnaire_form, reuse_offer};
use super::step_forms::{
    about_fields, consent_fields, help_fields, preferences_fields, review_view,
};
use super::{draft_missing, Progress, RiskNotice};
use crate::api::referral::types::StepPage;
use crate::api::referral::{referral_step, SaveReferralStep};
use crate::components::language_switch::KEPT_FORM;
use crate::components::{ErrorSummary, KeepOnLeaveScript};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use server_fn::ServerFn as _;

#[component]
pub fn ReferralStepPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let p = params.read();
        (
            p.get("slug").unwrap_or_default(),
            p.get("step").unwrap_or_default(),
        )
    };
    let page = Resource::new(key, |(slug, step)| referral_step(slug, step));
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let from_review = query.read_untracked().get("from").is_some_and(|f| f == "review");
                match page.await {
                    Ok(p) if p.allowed => {
                        // A new step gets new form elements: reusing the last step's
                        // radio buttons would carry over what was ticked there.
                        let key = (p.slug.clone(), p.step.clone());
                        view! {
                            <For each=move || [p.clone()] key=move |_| key.clone() let:p>
                                {step_view(t, p, from_review)}
                            </For>
                        }
                        .into_any()
                    }
                    Ok(p) => {
                        let href = format!("/services/{}/refer/{}", p.slug, p.open_step);
                        view! {
                            <h1>{p.title}</h1>
                            <p class="notice">{t.error_invalid}</p>
                            <p><a class="button" href=href>{t.referral.continue_draft}</a></p>
                            {language_only_form(key())}
                        }
                            .into_any()
                    }
                    Err(AppError::NotFound) | Err(AppError::Forbidden) => {
                        view! { {draft_missing(&key().0)} {language_only_form(key())} }.into_any()
                    }
                    Err(error) => {
                        view! {
                            <p class="notice" role="alert">{error.message(t)}</p>
                            {language_only_form(key())}
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn step_view(t: &'static Texts, page: StepPage, from_review: bool) -> impl IntoView {
    let r = t.referral;
    let save = ServerAction::<SaveReferralStep>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let is_review = page.step == "review";
    let title = page.title.clone();
    let back = page
        .previous
        .as_ref()
        .map(|p| format!("/services/{}/refer/{p}", page.slug));
    // "Continue later" saves what is on the page first: on a step with a form it is
    // that form's second button (after "next", so Enter still goes on).
    let later = if is_review {
        let href = format!("/services/{}/later", page.slug);
        view! { <a href=href>{r.save_later}</a> }.into_any()
    } else {
        view! {
            <button type="submit" form=KEPT_FORM name="fields[_later]" value="yes" class="link-button">
                {r.save_later}
            </button>
        }
        .into_any()
    };
    let body = if is_review {
        review_view(t, &page).into_any()
    } else {
        let fields = match page.step.as_str() {
            "consent" => consent_fields(t, &page, error).into_any(),
            "about" => about_fields(t, &page, error).into_any(),
            "help" => help_fields(t, &page, error).into_any(),
            "preferences" => preferences_fields(t, &page, error).into_any(),
            _ => questionnaire_form(t, &page, error).into_any(),
        };
        let (slug, step) = (page.slug.clone(), page.step.clone());
        let asks_risk = page
            .instrument
            .as_ref()
            .is_some_and(|i| i.items.iter().any(|item| !item.risk_answers.is_empty()));
        view! {
            <ActionForm action=save attr:id=KEPT_FORM attr:class="form" attr:novalidate=true>
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="step" value=step/>
                {from_review.then(|| view! { <input type="hidden" name="fields[_return]" value="review"/> })}
                {fields}
                <div class="actions">
                    <button type="submit" class="button">{r.next}</button>
                    // Shown by the stylesheet as soon as a risk answer is ticked.
                    {asks_risk.then(|| view! {
                        <button type="submit" class="button secondary send-now" name="fields[_send]" value="yes">
                            {r.risk_send_now}
                        </button>
                    })}
                </div>
            </ActionForm>
            <KeepOnLeaveScript/>
        }
        .into_any()
    };
    let service_name = page.service_name.clone();
    let page_title = format!("{title} – {service_name}");
    let (position, total) = (page.position, page.total);
    let banner = page
        .on_behalf
        .then(|| view! { <p class="notice">{r.on_behalf_banner}</p> });
    let send_now = page.send_early.then(|| page.slug.clone());
    let risk = page
        .risk
        .map(|level| view! { <RiskNotice level send_now=send_now.clone()/> });
    let reuse = reuse_offer(t, &page);
    let labels = field_labels(t, &page);
    view! {
        <Title text=page_title/>
        <p class="service-name">{service_name}</p>
        <Progress position total/>
        {banner}
        // A new step starts at its heading; after a failed submission the summary of
        // what to fix takes the focus instead.
        <h1 tabindex="-1" autofocus=move || error.get().is_none()>{title}</h1>
        {risk}
        {reuse}
        <ErrorSummary error labels/>
        {body}
        <p class="step-links">
            {back.map(|href| view! { <a href=href>{r.back}</a> })}
            {later}
        </p>
    }
}

/// The header's language buttons belong to `KEPT_FORM`; a step page without a step to
/// show still has one, with nothing to keep, so the buttons always switch.
fn language_only_form((slug, step): (String, String)) -> impl IntoView {
    view! {
        <form id=KEPT_FORM method="post" action=SaveReferralStep::url() hidden>
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="step" value=step/>
        </form>
    }
}

/// What each field is called, for the error summary ("Mobile number: enter a phone …").
fn field_labels(t: &'static Texts, page: &StepPage) -> Vec<(String, String)> {
    let r = t.referral;
    let mut labels: Vec<(String, String)> = [
        ("consent", r.consent_question),
        ("name", r.field_name),
        ("national_id", r.field_national_id),
        ("municipality", r.field_municipality),
        ("phone", r.field_phone),
        ("email", r.field_email),
        ("contact_ways", r.contact_ways),
        ("contact_times", r.contact_times),
        ("interpreter", r.interpreter),
        ("interpreter_language", r.interpreter_language),
        ("areas", r.help_areas),
        ("help_text", r.help_text),
        ("format", r.format),
        ("mode", r.mode),
        ("times", r.times),
    ]
    .into_iter()
    .map(|(name, label)| (name.to_owned(), label.to_owned()))
    .collect();
    if let Some(instrument) = &page.instrument {
        labels.extend(instrument.items.iter().enumerate().map(|(i, item)| {
            (
                format!("item_{}", item.id),
                format!("{} {}", r.question, i + 1),
            )
        }));
    }
    labels
}
