//! The citizen's page listing every access to their data by staff.

use leptos::prelude::*;

use crate::components::LoginFirst;
use leptos_meta::Title;

use crate::api::access_log::my_access_log;
use crate::api::access_log::types::AccessEntryView;
use crate::domain::clock::format_oslo;
use crate::error::AppError;
use crate::i18n::{action_label, data_kind_label, purpose_label, role_label, use_texts, Texts};

#[component]
pub fn AccessLogPage() -> impl IntoView {
    let t = use_texts();
    let entries = Resource::new(|| (), |_| my_access_log());
    view! {
        <Title text=format!("{} – {}", t.access_log_title, t.product_name)/>
        <h1>{t.access_log_title}</h1>
        <p>{t.access_log_intro}</p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(list) if list.is_empty() => view! { <p>{t.access_log_empty}</p> }.into_any(),
                    Ok(list) => entry_table(t, list).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/account">{t.account_title}</a></p>
    }
}

/// "02.12.2026 10:05", or "02.12.2026 10:05–10:40" for a repeated access.
fn when(entry: &AccessEntryView) -> String {
    let last = format_oslo(entry.at);
    if entry.count == 1 {
        return last;
    }
    let first = format_oslo(entry.first_at);
    match (first.split_once(' '), last.split_once(' ')) {
        (Some((day, _)), Some((same_day, time))) if day == same_day => format!("{first}–{time}"),
        _ => format!("{first} – {last}"),
    }
}

/// Four columns; on a phone each entry is a block with the column names beside the values.
fn entry_table(t: &'static Texts, entries: Vec<AccessEntryView>) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-labelledby="access-log-caption" tabindex="0">
            <table class="entries stacked">
                <caption id="access-log-caption">{t.access_log_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.col_when}</th>
                        <th scope="col">{t.col_who}</th>
                        <th scope="col">{t.col_what}</th>
                        <th scope="col">{t.col_why}</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .into_iter()
                        .map(|e| {
                            let mut what = format!(
                                "{} {}",
                                e.action.map(|a| action_label(t, a)).unwrap_or("–"),
                                e.data_kind.map(|d| data_kind_label(t, d)).unwrap_or(""),
                            );
                            if e.count > 1 {
                                what = format!("{what} ({})", t.times.replace("{n}", &e.count.to_string()));
                            }
                            let role_and_service = [
                                e.role.map(|r| role_label(t, r).to_owned()),
                                e.service.clone(),
                            ]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ");
                            view! {
                                <tr>
                                    <td data-label=t.col_when>{when(&e)}</td>
                                    <td data-label=t.col_who>
                                        <div>{e.staff_name}<span class="role-line">{role_and_service}</span></div>
                                    </td>
                                    <td data-label=t.col_what>{what}</td>
                                    <td data-label=t.col_why>{purpose_label(t, e.purpose)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
