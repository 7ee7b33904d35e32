//! A service's public page: what it offers, for whom, what happens next, how data is used.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::referral::types::{CatalogueCourse, ServiceInfo};
use crate::api::referral::{service_page, StartReferral};
use crate::components::ErrorSummary;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn ServiceHomePage() -> impl IntoView {
    let t = use_texts();
    let slug = use_params_map()
        .read_untracked()
        .get("slug")
        .unwrap_or_default();
    // Read as the page renders, as the home page does: the page is server-rendered
    // whole and nothing on it changes in the browser, so neither a resource (a task
    // and its value serialised into the page) nor a `Suspense` (an effect's task).
    Suspend::new(async move {
        match service_page(slug).await {
            Ok(info) => service_view(t, info).into_any(),
            Err(error) => view! {
                <h1>{t.not_found_title}</h1>
                <p class="notice" role="alert">{error.message(t)}</p>
            }
            .into_any(),
        }
    })
}

fn service_view(t: &'static Texts, info: ServiceInfo) -> impl IntoView {
    let r = t.referral;
    let start = ServerAction::<StartReferral>::new();
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    let slug = info.slug.clone();
    let on_behalf = info
        .may_register
        .then(|| on_behalf_form(t, info.slug.clone()));
    view! {
        <Title text=format!("{} – {}", info.name, t.product_name)/>
        <h1>{info.name.clone()}</h1>
        <p class="lead">{r.service_offers}</p>
        <ErrorSummary error/>
        <ActionForm action=start attr:class="start-form">
            <input type="hidden" name="slug" value=slug/>
            <button type="submit" class="button">
                {if info.has_draft { r.continue_draft } else { r.start }}
            </button>
            <p class="hint">{r.service_time}</p>
        </ActionForm>
        <section aria-labelledby="for-whom-heading">
            <h2 id="for-whom-heading">{r.service_for_whom_heading}</h2>
            <p>{r.service_for_whom}</p>
            <p>{r.service_municipalities} " " {info.municipalities.join(", ")}</p>
        </section>
        <section aria-labelledby="after-heading">
            <h2 id="after-heading">{r.service_after_heading}</h2>
            <p>{r.service_after}</p>
        </section>
        {catalogue(t, info.courses)}
        <section aria-labelledby="data-heading">
            <h2 id="data-heading">{r.service_data_heading}</h2>
            <p>{r.service_data}</p>
        </section>
        {on_behalf}
    }
}

/// The service's group courses: what each is, whom it suits, how long, and when the
/// next one starts.
fn catalogue(t: &'static Texts, courses: Vec<CatalogueCourse>) -> Option<impl IntoView> {
    let c = t.course;
    (!courses.is_empty()).then(|| {
        view! {
            <section aria-labelledby="courses-heading" class="catalogue">
                <h2 id="courses-heading">{c.catalogue_heading}</h2>
                <p>{c.catalogue_intro}</p>
                <ul class="course-list">
                    {courses
                        .into_iter()
                        .map(|course| {
                            let length = c.length(
                                course.weekly_sessions,
                                course.follow_ups,
                                course.session_minutes,
                            );
                            let start = match course.next_start {
                                Some(date) => format!("{} {date}.", c.next_start),
                                None => c.no_date.to_owned(),
                            };
                            view! {
                                <li class="course">
                                    <h3>{course.name}</h3>
                                    <p>{course.description}</p>
                                    <p><strong>{c.suits}</strong>" "{course.suits}</p>
                                    <p class="course-facts">
                                        {length}<br/>{c.format(course.format)}<br/>{start}
                                    </p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

/// Staff register a referral that came by phone, on paper or from a GP.
fn on_behalf_form(t: &'static Texts, slug: String) -> impl IntoView {
    let r = t.referral;
    let start = ServerAction::<StartReferral>::new();
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="on-behalf-heading">
            <h2 id="on-behalf-heading">{r.on_behalf_title}</h2>
            <p>{r.on_behalf_intro}</p>
            <ActionForm action=start attr:class="form" attr:novalidate=true>
                <input type="hidden" name="slug" value=slug/>
                <OnBehalfSource error/>
                <button type="submit" class="button secondary">{r.on_behalf_start}</button>
            </ActionForm>
        </section>
    }
}

/// The source choice; named `source` (not `fields[…]`) because start takes it directly.
#[component]
fn OnBehalfSource(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let r = use_texts().referral;
    let problem = move || error.get().and_then(|e| e.field_problem("source"));
    let t = use_texts();
    view! {
        <fieldset class="field choices" id="field-source" tabindex="-1" class:invalid=move || problem().is_some()>
            <legend>{r.on_behalf_source}</legend>
            {move || problem().map(|p| view! { <p class="field-error">{crate::i18n::problem_label(t, p)}</p> })}
            {[("phone", r.source_phone), ("paper", r.source_paper), ("gp_letter", r.source_gp_letter)]
                .into_iter()
                .map(|(value, label)| {
                    let id = format!("source-{value}");
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name="source" value=value/>
                            <label for=id>{label}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
