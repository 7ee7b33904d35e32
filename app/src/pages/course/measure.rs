//! A measure before a course session (`/account/course/:reference/:instrument`): the
//! questionnaire, one item after another, sent with a plain form. A risk answer shows
//! the crisis numbers at once, by the stylesheet, before anything is sent.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::course::types::MeasurePage;
use crate::api::course::{course_measure, AnswerMeasure};
use crate::components::{ErrorSummary, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::pages::referral::instrument_items;

#[component]
pub fn CourseMeasurePage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let answer = ServerAction::<AnswerMeasure>::new();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("reference").unwrap_or_default(),
                p.get("instrument").unwrap_or_default(),
            )
        },
        |(reference, instrument)| course_measure(reference, instrument),
    );
    let error = Signal::derive(move || answer.value().get().and_then(Result::err));
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => measure_form(t, page, answer, error).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <h1>{t.course.measures_heading}</h1>
                        <p class="notice" role="status">{t.course.measure_not_due}</p>
                        <p><a href="/account#my-courses-heading">{t.course.measure_back}</a></p>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn measure_form(
    t: &'static Texts,
    page: MeasurePage,
    answer: ServerAction<AnswerMeasure>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = t.course;
    let heading = c
        .measure_heading
        .replace("{n}", &page.number.to_string())
        .replace("{title}", &page.instrument.title);
    // Each problem in the summary names its question.
    let labels: Vec<(String, String)> = page
        .instrument
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            (
                format!("item_{}", item.id),
                format!("{}. {}", i + 1, item.text),
            )
        })
        .collect();
    let kept = error.get_untracked();
    let items = instrument_items(
        &page.instrument,
        move |name| kept.as_ref().and_then(|e| e.kept_value(name)),
        (&[], ""),
        error,
    );
    view! {
        <Title text=format!("{heading} – {}", t.product_name)/>
        <p><a href="/account#my-courses-heading">{c.measure_back}</a></p>
        <h1>{heading}</h1>
        <p>{c.measure_intro.replace("{when}", &page.when)}</p>
        <ErrorSummary error labels/>
        <ActionForm action=answer attr:class="form questionnaire" attr:novalidate=true>
            <input type="hidden" name="reference" value=page.reference/>
            <input type="hidden" name="instrument" value=page.instrument.id.clone()/>
            <p class="instructions">{page.instrument.instructions.clone()}</p>
            {items}
            <button type="submit" class="button">{c.measure_send}</button>
        </ActionForm>
        <p class="licence">
            <small>{t.referral.licence} " " <span lang="en">{page.instrument.licence.clone()}</span></small>
        </p>
    }
}
