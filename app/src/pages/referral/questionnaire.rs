//! One instrument on its own page: instructions, each item with its answers, the licence.

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::RiskNotice;
use crate::api::referral::types::{InstrumentView, StepPage};
use crate::api::referral::ReuseAnswers;
use crate::components::Choices;
use crate::domain::referral::RiskLevel;
use crate::error::AppError;
use crate::i18n::Texts;

pub fn questionnaire_form(
    t: &'static Texts,
    page: &StepPage,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let r = t.referral;
    let Some(instrument) = page.instrument.clone() else {
        return view! { <p class="notice">{t.error_unexpected}</p> }.into_any();
    };
    let na = (page.not_applicable.as_slice(), r.not_applicable);
    let items = instrument_items(
        &instrument,
        |name| page.value(name).map(str::to_owned),
        na,
        error,
    );
    view! {
        <p class="instructions">{instrument.instructions.clone()}</p>
        {items}
        // The instruments' own copyright lines are in English, whatever the page's
        // language: a screen reader must read them as English.
        <p class="licence">
            <small>{r.licence} " " <span lang="en">{instrument.licence.clone()}</span></small>
        </p>
    }
    .into_any()
}

/// An instrument's items, each a fieldset of its answers, marked where an answer is a
/// risk answer: the crisis message for each level is shown by the stylesheet as soon as
/// such an answer is ticked, with no script and before anything is sent. Items named in
/// `not_applicable` get the extra answer with its label. Used at intake and before each
/// course session.
pub fn instrument_items(
    instrument: &InstrumentView,
    selected: impl Fn(&str) -> Option<String>,
    (not_applicable, na_label): (&[String], &'static str),
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    instrument
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut options: Vec<(String, String)> = item
                .options
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect();
            if not_applicable.contains(&item.id) {
                options.push(("na".to_owned(), na_label.to_owned()));
            }
            let name = format!("item_{}", item.id);
            let selected = selected(&name).map(|v| vec![v]).unwrap_or_default();
            let marks: Vec<(String, &'static str)> = item
                .risk_answers
                .iter()
                .map(|(value, level)| (value.clone(), risk_mark(*level)))
                .collect();
            let choices = view! {
                <Choices
                    name=name
                    legend=format!("{}. {}", i + 1, item.text)
                    options=options
                    selected=selected
                    legend_class="item-text"
                    marks=marks
                    error
                />
            };
            if item.risk_answers.is_empty() {
                choices.into_any()
            } else {
                view! {
                    <div class="risk-item">
                        {choices}
                        <div class="risk-now risk">
                            <RiskNotice level=RiskLevel::Risk instant=true send_now=None/>
                        </div>
                        <div class="risk-now high">
                            <RiskNotice level=RiskLevel::High instant=true send_now=None/>
                        </div>
                    </div>
                }
                .into_any()
            }
        })
        .collect_view()
}

/// "You answered this on 12.11.2026 – use those answers", for signed-in citizens.
pub fn reuse_offer(t: &'static Texts, page: &StepPage) -> Option<impl IntoView> {
    let r = t.referral;
    let reusable = page.reusable.clone()?;
    let instrument = page.instrument.as_ref()?.id.clone();
    let reuse = ServerAction::<ReuseAnswers>::new();
    let slug = page.slug.clone();
    Some(view! {
        <section class="card reuse">
            <p>{r.reused} " " {reusable.answered_on} ". " {r.reused_after}</p>
            <ActionForm action=reuse>
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="instrument" value=instrument/>
                <button type="submit" class="button">{r.use_earlier}</button>
            </ActionForm>
        </section>
    })
}

/// The `data-risk` value the stylesheet knows a level by.
fn risk_mark(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Risk => "risk",
        RiskLevel::High => "high",
    }
}
