//! The service's course catalogue for its lead (`/courses`): every course with its
//! shape and measures, a link to change each, one to add a course, and the courses the
//! product ships that the catalogue does not have yet, each to add with one button.

use leptos::prelude::*;
use leptos_meta::Title;

use leptos::form::ActionForm;

use crate::api::course::types::{CourseLine, TemplateLine};
use crate::api::course::{
    course_catalogue, course_templates, reminder_hours, AddCourseTemplate, SaveReminderHours,
};
use crate::components::{not_for_you, ErrorSummary, Field, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn CataloguePage() -> impl IntoView {
    let t = use_texts();
    let c = t.course;
    let add = ServerAction::<AddCourseTemplate>::new();
    let courses = Resource::new(move || add.version().get(), |_| course_catalogue());
    let templates = Resource::new(move || add.version().get(), |_| course_templates());
    let save = ServerAction::<SaveReminderHours>::new();
    let hours = Resource::new(move || save.version().get(), |_| reminder_hours());
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", c.catalogue_title, t.product_name)/>
        <h1>{c.catalogue_title}</h1>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let hours = hours.await.unwrap_or(24).to_string();
                let templates = templates.await.unwrap_or_default();
                match courses.await {
                    Ok(list) => view! {
                        <p>{c.catalogue_lead_intro}</p>
                        <p><a class="button" href="/courses/new">{c.new_course_link}</a></p>
                        <ul class="course-list">
                            {list.into_iter().map(|course| course_item(t, course)).collect_view()}
                        </ul>
                        {(!templates.is_empty()).then(|| view! {
                            <section aria-labelledby="templates-heading">
                                <h2 id="templates-heading">{c.templates_heading}</h2>
                                <p class="hint">{c.templates_hint}</p>
                                <ul class="course-list">
                                    {templates.into_iter().map(|template| template_item(t, template, add)).collect_view()}
                                </ul>
                            </section>
                        })}
                        <section aria-labelledby="reminders-heading">
                            <h2 id="reminders-heading">{c.reminders_heading}</h2>
                            <ErrorSummary error/>
                            <ActionForm action=save attr:class="form" attr:novalidate=true>
                                <Field name="hours" label=c.reminder_hours_label hint=c.reminder_hours_hint kind="number" inputmode="numeric" keep=true value=hours error/>
                                <button type="submit" class="button secondary">{c.reminder_hours_save}</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn course_item(t: &'static Texts, course: CourseLine) -> impl IntoView {
    let c = t.course;
    let measures = if course.measures.is_empty() {
        c.course_measures_none.to_owned()
    } else {
        course.measures
    };
    view! {
        <li class="course">
            <h2>{course.name.clone()}</h2>
            <p class="course-facts">{course.facts}<br/>{c.course_measures_label} " " {measures}</p>
            <p><a href=format!("/courses/{}", course.course_id)>{c.edit_course_link.replace("{name}", &course.name)}</a></p>
        </li>
    }
}

/// A shipped course the catalogue lacks, with the button that adds it.
fn template_item(
    t: &'static Texts,
    template: TemplateLine,
    add: ServerAction<AddCourseTemplate>,
) -> impl IntoView {
    let c = t.course;
    view! {
        <li class="course">
            <h3>{template.name.clone()}</h3>
            <p class="course-facts">{template.facts}</p>
            <p>{template.description}</p>
            <ActionForm action=add attr:class="inline-form">
                <input type="hidden" name="template" value=template.template/>
                <button type="submit" class="button secondary">{c.add_template_button.replace("{name}", &template.name)}</button>
            </ActionForm>
        </li>
    }
}
