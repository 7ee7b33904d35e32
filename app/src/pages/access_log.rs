//! The citizen's page listing every access to their data by staff.

use leptos::prelude::*;

use crate::components::LoginFirst;
use leptos_meta::Title;

use crate::api::access_log::my_access_log;
use crate::api::access_log::types::AccessEntryView;
use crate::domain::clock::format_oslo;
use crate::error::AppError;
use crate::i18n::{action_label, data_kind_label, role_label, use_texts, Texts};

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

fn entry_table(t: &'static Texts, entries: Vec<AccessEntryView>) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-labelledby="access-log-caption" tabindex="0">
            <table class="entries">
                <caption id="access-log-caption">{t.access_log_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.col_when}</th>
                        <th scope="col">{t.col_who}</th>
                        <th scope="col">{t.col_role}</th>
                        <th scope="col">{t.col_service}</th>
                        <th scope="col">{t.col_what}</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .into_iter()
                        .map(|e| {
                            let what = format!(
                                "{} {}",
                                e.action.map(|a| action_label(t, a)).unwrap_or("–"),
                                e.data_kind.map(|d| data_kind_label(t, d)).unwrap_or(""),
                            );
                            view! {
                                <tr>
                                    <td>{format_oslo(e.at)}</td>
                                    <td>{e.staff_name}</td>
                                    <td>{e.role.map(|r| role_label(t, r)).unwrap_or("–")}</td>
                                    <td>{e.service.unwrap_or_default()}</td>
                                    <td>{what}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
