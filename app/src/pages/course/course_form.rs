//! A lead adds a course to the catalogue (`/courses/new`) or changes one
//! (`/courses/:course`). A plain form: without JavaScript a refused form comes back
//! with every field as typed and each problem at its field.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::course::types::CourseForm;
use crate::api::course::{course_editor, SaveCourse};
use crate::components::field::select_field;
use crate::components::{not_for_you, ErrorSummary, Field, LoginFirst};
use crate::domain::course::Format;
use crate::error::AppError;
use crate::i18n::{problem_label, use_texts, Texts};

#[component]
pub fn CourseFormPage() -> impl IntoView {
    let t = use_texts();
    let c = t.course;
    let params = use_params_map();
    let save = ServerAction::<SaveCourse>::new();
    let course = move || {
        params
            .read()
            .get("course")
            .and_then(|c| c.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let form = Resource::new(course, course_editor);
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let title = move || {
        if course() == 0 {
            c.new_course_title
        } else {
            c.edit_course_title
        }
    };
    view! {
        <Title text=move || format!("{} – {}", title(), t.product_name)/>
        <p><a href="/courses">{c.catalogue_title}</a></p>
        <h1>{title}</h1>
        <ErrorSummary error labels=vec![
            ("name".into(), c.course_name_label.into()),
            ("description".into(), c.course_description_label.into()),
            ("suits".into(), c.course_suits_label.into()),
            ("weekly".into(), c.weekly_label.into()),
            ("follow_ups".into(), c.follow_ups_label.into()),
            ("follow_up_weeks".into(), c.follow_up_weeks_label.into()),
            ("minutes".into(), c.minutes_label.into()),
            ("format".into(), c.course_format_label.into()),
            ("capacity".into(), c.capacity_label.into()),
            ("measures".into(), c.course_measures_legend.into()),
        ]/>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => course_form(t, form, save, error).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn course_form(
    t: &'static Texts,
    form: CourseForm,
    save: ServerAction<SaveCourse>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = t.course;
    let values: std::collections::BTreeMap<String, String> = form.values.into_iter().collect();
    let value = move |name: &str| values.get(name).cloned().unwrap_or_default();
    let [name, description, suits, weekly, follow_ups, follow_up_weeks, minutes, format, capacity] =
        [
            "name",
            "description",
            "suits",
            "weekly",
            "follow_ups",
            "follow_up_weeks",
            "minutes",
            "format",
            "capacity",
        ]
        .map(value);
    let formats = Format::ALL
        .into_iter()
        .map(|f| (f.key().to_owned(), c.format(f).to_owned()))
        .collect();
    let chosen = form.measures.clone();
    let measures_problem = move || error.get().and_then(|e| e.field_problem("measures"));
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <input type="hidden" name="course" value=form.course_id.unwrap_or(0)/>
            <Field name="name" label=c.course_name_label keep=true value=name error/>
            <Field name="description" label=c.course_description_label hint=c.course_description_hint rows=4 keep=true value=description error/>
            <Field name="suits" label=c.course_suits_label rows=2 keep=true value=suits error/>
            <Field name="weekly" label=c.weekly_label hint=c.weekly_hint kind="number" inputmode="numeric" keep=true value=weekly error/>
            <Field name="follow_ups" label=c.follow_ups_label hint=c.follow_ups_hint kind="number" inputmode="numeric" keep=true value=follow_ups error/>
            <Field name="follow_up_weeks" label=c.follow_up_weeks_label hint=c.follow_up_weeks_hint kind="number" inputmode="numeric" keep=true value=follow_up_weeks error/>
            <Field name="minutes" label=c.minutes_label hint=c.minutes_hint kind="number" inputmode="numeric" keep=true value=minutes error/>
            {select_field(t, "format", c.course_format_label, Some(format), formats, None, error)}
            <Field name="capacity" label=c.capacity_label hint=c.capacity_hint kind="number" inputmode="numeric" keep=true value=capacity error/>
            <fieldset class="field" class:invalid=move || measures_problem().is_some()>
                <legend>{c.course_measures_legend}</legend>
                <p class="hint">{c.course_measures_hint}</p>
                {move || measures_problem().map(|p| view! { <p class="field-error">{problem_label(t, p)}</p> })}
                {form.instruments.into_iter().map(|(key, title)| {
                    let id = format!("field-measure-{key}");
                    let name = format!("measures[{key}]");
                    let was = chosen.contains(&key);
                    let checked = {
                        let name = name.clone();
                        // After a refused try, the ticks as sent; before, as stored.
                        move || match error.get() {
                            Some(e) if e.kept_value("measures").is_some() => e.kept_value(&name).is_some(),
                            _ => was,
                        }
                    };
                    view! {
                        <div class="checkbox">
                            <input id=id.clone() type="checkbox" name=name value="on" checked=checked/>
                            <label for=id>{title}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button">{c.save_course_button}</button>
        </ActionForm>
    }
}
