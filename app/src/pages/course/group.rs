//! One course group for its leaders: who has a place, who waits, and every session
//! with its room's full address to open or copy.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::course::group;
use crate::api::course::types::GroupView;
use crate::components::{not_for_you, CopyLink, CopyLinkScript, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn GroupPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let view_data = Resource::new(
        move || {
            params
                .read()
                .get("cohort")
                .and_then(|c| c.parse::<i64>().ok())
                .unwrap_or(0)
        },
        group,
    );
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(view) => group_view(t, view).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn group_view(t: &'static Texts, view: GroupView) -> impl IntoView {
    let c = t.course;
    let roster = if view.roster.is_empty() {
        view! { <p>{c.roster_empty}</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class="entries stacked">
                    <caption class="visually-hidden">{c.roster_heading}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{c.col_name}</th>
                            <th scope="col">{c.col_referral}</th>
                            <th scope="col">{c.col_standing}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {view.roster.into_iter().map(|p| view! {
                            <tr>
                                <td data-label=c.col_name>{p.name}</td>
                                <td data-label=c.col_referral><a href=format!("/board/{}", p.reference)>{p.reference.clone()}</a></td>
                                <td data-label=c.col_standing>{p.standing}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <Title text=format!("{} – {}", view.course, t.product_name)/>
        <p><a href="/groups">{c.groups_title}</a></p>
        <h1>{view.course.clone()}</h1>
        <p><strong>{view.state}</strong> " · " {view.seats}</p>
        <section aria-labelledby="roster-heading">
            <h2 id="roster-heading">{c.roster_heading}</h2>
            <p class="hint">{c.roster_privacy}</p>
            {roster}
        </section>
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{c.sessions_heading}</h2>
            <ol class="sessions group-sessions">
                {view.sessions.into_iter().enumerate().map(|(i, s)| {
                    let link = s.link.map(|link| {
                        let path = link.split_once("/rooms/").map(|(_, code)| format!("/rooms/{code}")).unwrap_or_default();
                        view! {
                            <p><a href=path rel="external">{c.room_link}</a></p>
                            <CopyLink
                                id=format!("session-link-{}", i + 1)
                                link=link
                                label=t.rooms.share_hint
                                copy=t.rooms.share_copy
                                copied=t.rooms.share_copied
                            />
                        }
                    });
                    view! {
                        <li class:cancelled=s.line.cancelled>
                            {s.line.when} " · " {s.line.how}
                            {s.line.cancelled.then(|| view! { " · " <strong>{c.cancelled}</strong> })}
                            {link}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <CopyLinkScript/>
        </section>
    }
}
