//! A lead starts a course group (`/groups/new`): the course, the first session's date
//! and time, one or two leaders, seats, and how it meets. A plain form: without
//! JavaScript a refused form comes back with every field as typed and each problem
//! at its field.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::course::types::NewGroupForm;
use crate::api::course::{group_form, CreateGroup};
use crate::components::field::select_field;
use crate::components::{not_for_you, ErrorSummary, Field, LoginFirst};
use crate::domain::course::Format;
use crate::error::AppError;
use crate::i18n::{problem_label, use_texts, Texts};

#[component]
pub fn NewGroupPage() -> impl IntoView {
    let t = use_texts();
    let c = t.course;
    let create = ServerAction::<CreateGroup>::new();
    let form = Resource::new(|| (), |_| group_form());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", c.new_group_title, t.product_name)/>
        <p><a href="/groups">{c.groups_title}</a></p>
        <h1>{c.new_group_title}</h1>
        <p>{c.new_group_intro}</p>
        <ErrorSummary error labels=vec![
            ("course".into(), c.course_label.into()),
            ("first".into(), c.first_label.into()),
            ("time".into(), c.time_label.into()),
            ("leader".into(), c.leader_label.into()),
            ("co_leader".into(), c.co_leader_label.into()),
            ("capacity".into(), c.capacity_label.into()),
            ("format".into(), c.format_label.into()),
            ("place".into(), c.place_label.into()),
        ]/>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => new_group_form(t, form, create, error).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn new_group_form(
    t: &'static Texts,
    form: NewGroupForm,
    create: ServerAction<CreateGroup>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = t.course;
    let kept = move |name: &'static str| error.get().and_then(|e| e.kept_value(name));
    let default_capacity = form
        .courses
        .first()
        .map(|(_, _, n)| n.to_string())
        .unwrap_or_default();
    let courses: Vec<(String, String)> = form
        .courses
        .iter()
        .map(|(id, name, _)| (id.to_string(), name.clone()))
        .collect();
    let leaders: Vec<(String, String)> = form
        .leaders
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let formats = vec![
        (
            Format::Video.key().to_owned(),
            c.format(Format::Video).to_owned(),
        ),
        (
            Format::InPerson.key().to_owned(),
            c.format(Format::InPerson).to_owned(),
        ),
    ];
    view! {
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            {select_field(t, "course", c.course_label, None, courses, Some(c.choose), error)}
            <Field name="first" label=c.first_label kind="date" hint=c.first_hint keep=true error/>
            <Field name="time" label=c.time_label kind="time" hint=c.time_hint keep=true error/>
            {select_field(t, "leader", c.leader_label, None, leaders.clone(), Some(c.choose), error)}
            {select_field(t, "co_leader", c.co_leader_label, None, leaders, Some(c.co_leader_none), error)}
            <div class="field" class:invalid=move || error.get().and_then(|e| e.field_problem("capacity")).is_some()>
                <label for="field-capacity">{c.capacity_label}</label>
                <p class="hint" id="field-capacity-hint">{c.capacity_hint}</p>
                {move || error.get().and_then(|e| e.field_problem("capacity")).map(|p| view! {
                    <p class="field-error" id="field-capacity-error">{problem_label(t, p)}</p>
                })}
                <input
                    id="field-capacity"
                    name="capacity"
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max="30"
                    value=move || kept("capacity").unwrap_or_else(|| default_capacity.clone())
                    aria-describedby=move || {
                        if error.get().and_then(|e| e.field_problem("capacity")).is_some() {
                            "field-capacity-error field-capacity-hint"
                        } else {
                            "field-capacity-hint"
                        }
                    }
                    aria-invalid=move || error.get().and_then(|e| e.field_problem("capacity")).map(|_| "true")
                />
            </div>
            {select_field(t, "format", c.format_label, Some("video".to_owned()), formats, None, error)}
            <Field name="place" label=c.place_label keep=true error/>
            <div class="field checkbox">
                <input id="field-open" type="checkbox" name="open" value="yes" checked=move || kept("open").as_deref() == Some("yes")/>
                <label for="field-open">{c.open_label}</label>
            </div>
            <button type="submit" class="button">{c.create_button}</button>
        </ActionForm>
    }
}
