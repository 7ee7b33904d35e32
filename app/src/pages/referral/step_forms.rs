//! The fields of the consent, about-you, help, preferences and review steps.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::referral::types::{MunicipalityView, StepPage};
use crate::api::referral::SubmitReferral;
use crate::components::{Choices, TextInput};
use crate::domain::field::FieldCheck;
use crate::domain::referral::{ContactWay, DayPart, HelpArea};
use crate::error::AppError;
use crate::i18n::{problem_label, Texts};

fn value(page: &StepPage, name: &str) -> String {
    page.value(name).unwrap_or_default().to_owned()
}

fn ticked(page: &StepPage, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| page.value(n).is_some_and(|v| !v.is_empty()))
        .cloned()
        .collect()
}

fn chosen(page: &StepPage, name: &str) -> Vec<String> {
    page.value(name)
        .map(|v| vec![v.to_owned()])
        .unwrap_or_default()
}

pub fn consent_fields(
    t: &'static Texts,
    page: &StepPage,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let r = t.referral;
    let label = if page.on_behalf {
        r.consent_on_behalf
    } else {
        r.consent_yes
    };
    view! {
        <p>{r.consent_text}</p>
        <Choices
            name="consent"
            legend=r.consent_question.to_owned()
            options=vec![("consent".to_owned(), label.to_owned())]
            selected=if page.value("consent") == Some("yes") { vec!["consent".to_owned()] } else { vec![] }
            multiple=true
            error
        />
    }
}

/// The municipality field's words, sent with it: the bundle carries no translations.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct MunicipalityWords {
    label: String,
    choose: String,
    elsewhere: String,
    elsewhere_none: String,
}

/// The municipality the person lives in. An island: when the chosen one is served by
/// another service, it says whom to contact at once (the server says it too).
#[island]
fn MunicipalityField(
    municipalities: Vec<MunicipalityView>,
    selected: String,
    /// What was wrong with the last choice, in words.
    problem: Option<String>,
    words: MunicipalityWords,
) -> impl IntoView {
    let words = StoredValue::new(words);
    let options = municipalities
        .iter()
        .map(|m| {
            let is_selected = selected == m.number;
            view! { <option value=m.number.clone() selected=is_selected>{m.name.clone()}</option> }
        })
        .collect_view();
    let selected = RwSignal::new(selected);
    let elsewhere = move || {
        let number = selected.get();
        let m = municipalities.iter().find(|m| m.number == number)?;
        if m.served {
            return None;
        }
        Some(match m.elsewhere.first() {
            Some((slug, name)) => view! {
                <p class="notice" id="field-municipality-elsewhere">
                    {words.read_value().elsewhere.clone()} " "
                    <a href=format!("/services/{slug}")>{name.clone()}</a> "."
                </p>
            }
            .into_any(),
            None => view! {
                <p class="notice" id="field-municipality-elsewhere">
                    {words.read_value().elsewhere_none.clone()}
                </p>
            }
            .into_any(),
        })
    };
    view! {
        <div class="field" class:invalid=problem.is_some()>
            <label for="field-municipality">{words.read_value().label.clone()}</label>
            {problem.clone().map(|p| view! { <p class="field-error" id="field-municipality-error">{p}</p> })}
            <select
                id="field-municipality"
                name="fields[municipality]"
                aria-invalid=problem.as_ref().map(|_| "true")
                aria-describedby=problem.as_ref().map(|_| "field-municipality-error")
                on:change=move |ev| selected.set(event_target_value(&ev))
            >
                <option value="">{words.read_value().choose.clone()}</option>
                {options}
            </select>
            {elsewhere}
        </div>
    }
}

pub fn about_fields(
    t: &'static Texts,
    page: &StepPage,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let r = t.referral;
    let municipality_problem = error
        .get_untracked()
        .and_then(|e| e.field_problem("municipality"))
        .map(|p| problem_label(t, p).to_owned());
    let municipality_words = MunicipalityWords {
        label: r.field_municipality.to_owned(),
        choose: r.choose_municipality.to_owned(),
        elsewhere: r.elsewhere.to_owned(),
        elsewhere_none: r.elsewhere_none.to_owned(),
    };
    let ways: Vec<(String, String)> = ContactWay::ALL
        .iter()
        .map(|w| (format!("contact_{}", w.key()), r.contact_way(*w).to_owned()))
        .collect();
    let times: Vec<(String, String)> = DayPart::ALL
        .iter()
        .map(|p| (format!("time_{}", p.key()), r.day_part(*p).to_owned()))
        .collect();
    let ways_ticked = ticked(
        page,
        &ways.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    let times_ticked = ticked(
        page,
        &times.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    view! {
        <TextInput name="name" label=r.field_name value=value(page, "name") autocomplete="name" error/>
        <TextInput
            name="national_id"
            label=r.field_national_id
            hint=r.hint_national_id
            value=value(page, "national_id")
            inputmode="numeric"
            autocomplete="off"
            check=FieldCheck::NationalId
            check_at_length=11
            error
        />
        <MunicipalityField
            municipalities=page.municipalities.clone()
            selected=value(page, "municipality")
            problem=municipality_problem
            words=municipality_words
        />
        <TextInput
            name="phone"
            label=r.field_phone
            kind="tel"
            value=value(page, "phone")
            autocomplete="tel"
            inputmode="tel"
            check=FieldCheck::Phone
            error
        />
        <TextInput
            name="email"
            label=r.field_email
            kind="email"
            hint=r.hint_email
            value=value(page, "email")
            autocomplete="email"
            inputmode="email"
            check=FieldCheck::Email
            error
        />
        <Choices name="contact_ways" legend=r.contact_ways.to_owned() options=ways selected=ways_ticked multiple=true error/>
        <Choices name="contact_times" legend=r.contact_times.to_owned() options=times selected=times_ticked multiple=true error/>
        <Choices
            name="interpreter"
            legend=r.interpreter.to_owned()
            options=vec![("no".to_owned(), r.no.to_owned()), ("yes".to_owned(), r.yes.to_owned())]
            selected=chosen(page, "interpreter")
            error
        />
        <TextInput
            name="interpreter_language"
            label=r.interpreter_language
            value=value(page, "interpreter_language")
            error
        />
    }
}

pub fn help_fields(
    t: &'static Texts,
    page: &StepPage,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let r = t.referral;
    let areas: Vec<(String, String)> = HelpArea::ALL
        .iter()
        .map(|a| (format!("area_{}", a.key()), r.area(*a).to_owned()))
        .collect();
    let areas_ticked = ticked(
        page,
        &areas.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    view! {
        <Choices
            name="areas"
            legend=r.help_areas.to_owned()
            hint=r.help_areas_hint
            options=areas
            selected=areas_ticked
            multiple=true
            error
        />
        <TextInput name="help_text" label=r.help_text value=value(page, "help_text") rows=5 error/>
    }
}

pub fn preferences_fields(
    t: &'static Texts,
    page: &StepPage,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let r = t.referral;
    let times: Vec<(String, String)> = DayPart::ALL
        .iter()
        .map(|p| (format!("pref_{}", p.key()), r.day_part(*p).to_owned()))
        .collect();
    let times_ticked = ticked(
        page,
        &times.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect()
    };
    view! {
        <Choices
            name="format"
            legend=r.format.to_owned()
            options=pairs(&[("group", r.format_group), ("individual", r.format_individual), ("either", r.format_either)])
            selected=chosen(page, "format")
            error
        />
        <Choices
            name="mode"
            legend=r.mode.to_owned()
            options=pairs(&[("video", r.mode_video), ("in_person", r.mode_in_person), ("either", r.mode_either)])
            selected=chosen(page, "mode")
            error
        />
        <Choices name="times" legend=r.times.to_owned() options=times selected=times_ticked multiple=true error/>
    }
}

pub fn review_view(t: &'static Texts, page: &StepPage) -> impl IntoView {
    let r = t.referral;
    let submit = ServerAction::<SubmitReferral>::new();
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    let slug = page.slug.clone();
    let sections = page
        .review
        .iter()
        .map(|section| {
            let href = format!("/services/{slug}/refer/{}?from=review", section.step);
            let heading_id = format!("review-{}", section.step);
            let heading_id2 = heading_id.clone();
            view! {
                <section class="card review" aria-labelledby=heading_id.clone()>
                    <div class="review-head">
                        <h2 id=heading_id2>{section.title.clone()}</h2>
                        <a href=href>
                            {r.change} <span class="visually-hidden">" " {section.title.clone()}</span>
                        </a>
                    </div>
                    <dl class="facts">
                        {section
                            .lines
                            .iter()
                            .map(|(label, value)| view! { <dt>{label.clone()}</dt><dd>{value.clone()}</dd> })
                            .collect_view()}
                    </dl>
                </section>
            }
        })
        .collect_view();
    let slug = page.slug.clone();
    view! {
        <p>{r.review_intro}</p>
        <crate::components::ErrorSummary error/>
        {sections}
        <ActionForm action=submit attr:class="form">
            <input type="hidden" name="slug" value=slug/>
            <div class="actions">
                <button type="submit" class="button">{r.submit}</button>
            </div>
        </ActionForm>
    }
}
