//! "My groups": the cohorts a therapist leads (a lead: every cohort of the service).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::course::types::GroupSummary;
use crate::api::course::{group_form, my_groups};
use crate::components::{not_for_you, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let t = use_texts();
    let c = t.course;
    let groups = Resource::new(|| (), |_| my_groups());
    // Only a lead may start a group or change the catalogue: the links show when the
    // form is theirs to use.
    let may_start = Resource::new(|| (), |_| async { group_form().await.is_ok() });
    view! {
        <Title text=format!("{} – {}", c.groups_title, t.product_name)/>
        <h1>{c.groups_title}</h1>
        <p>{c.groups_intro}</p>
        <Suspense>
            {move || Suspend::new(async move {
                may_start.await.then(|| view! {
                    <p>
                        <a class="button" href="/groups/new">{c.new_group_link}</a>
                        " "
                        <a href="/courses">{c.catalogue_nav}</a>
                    </p>
                })
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match groups.await {
                    Ok(list) if list.is_empty() => view! { <p>{c.groups_empty}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="course-list">
                            {list.into_iter().map(|g| group_item(t, g)).collect_view()}
                        </ul>
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

fn group_item(t: &'static Texts, g: GroupSummary) -> impl IntoView {
    view! {
        <li class="course">
            <h2><a href=format!("/groups/{}", g.cohort_id)>{g.course}</a></h2>
            <p>
                <strong>{g.state}</strong>
                {g.led_by_me.then(|| view! { " · " {t.course.led_by_you} })}
            </p>
            // A cancelled group has no dates left to show: its seats alone.
            <p class="course-facts">
                {(!g.dates.is_empty()).then(|| view! { {g.dates.clone()} <br/> })}
                {g.seats}
            </p>
        </li>
    }
}
