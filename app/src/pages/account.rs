//! "My account": who you are signed in as, your roles, and logging out.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::types::AccountView;
use crate::api::auth::{my_account, Logout, LogoutEverywhere};
use crate::api::referral::my_referrals;
use crate::api::referral::types::MyReferral;
use crate::components::{work_links, LoginFirst};
use crate::domain::identity::AccountKind;
use crate::error::AppError;
use crate::i18n::{role_label, use_texts, Texts};

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    // One resource for the whole page: a second one nested inside this Suspense could
    // leave a server-rendered page waiting for ever.
    let account = Resource::new(
        || (),
        |_| async move {
            let account = my_account().await?;
            let referrals = if account.kind == AccountKind::Citizen {
                Some(my_referrals().await)
            } else {
                None
            };
            Ok::<_, AppError>((account, referrals))
        },
    );
    let withdrawn = use_query_map().read_untracked().get("withdrawn").is_some();
    view! {
        <Title text=format!("{} – {}", t.account_title, t.product_name)/>
        <h1>{t.account_title}</h1>
        {withdrawn.then(|| view! { <p class="success" role="status">{t.referral.withdrawn_notice}</p> })}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok((account, referrals)) => account_details(t, account, referrals).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn account_details(
    t: &'static Texts,
    account: AccountView,
    referrals: Option<Result<Vec<MyReferral>, AppError>>,
) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    let roles = if account.kind == AccountKind::Citizen {
        vec![t.kind_citizen.to_owned()]
    } else {
        account
            .memberships
            .iter()
            .map(|m| format!("{}: {}", role_label(t, m.role), m.service))
            .collect()
    };
    view! {
        <section class="card" aria-labelledby="account-name">
            <h2 id="account-name">{account.display_name}</h2>
            <dl class="facts">
                <dt>{t.account_email}</dt>
                <dd>{account.email}</dd>
                <dt>{t.account_roles}</dt>
                <dd>
                    <ul class="plain">{roles.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                </dd>
            </dl>
            {account.second_factor.then(|| view! { <p>{t.account_second_factor_on}</p> })}
            <p>
                <a href="/account/second-factor">
                    {if account.second_factor { t.account_reset_second_factor } else { t.account_enable_second_factor }}
                </a>
            </p>
            <p>{t.account_idle_before} " " {account.idle_minutes} " " {t.account_idle_after}</p>
            {(account.kind == AccountKind::Citizen)
                .then(|| view! { <p><a href="/account/access-log">{t.access_log_link}</a></p> })}
            {referrals.map(|list| my_referrals_view(t, list))}
            {work_links(t, &account.may)}
        </section>
        <div class="actions">
            <ActionForm action=logout>
                <button type="submit" class="button">{t.logout}</button>
            </ActionForm>
            <ActionForm action=everywhere>
                <button type="submit" class="button secondary">{t.logout_everywhere}</button>
            </ActionForm>
        </div>
    }
}

/// A citizen's own referrals, newest first, with where each stands.
fn my_referrals_view(t: &'static Texts, list: Result<Vec<MyReferral>, AppError>) -> impl IntoView {
    let r = t.referral;
    let body = match list {
        Ok(list) if list.is_empty() => view! { <p>{r.my_referrals_empty}</p> }.into_any(),
        Ok(list) => view! {
            <ul class="plain referrals">
                {list
                    .into_iter()
                    .map(|m| view! {
                        <li>
                            <strong>{m.reference.clone()}</strong> " – " {m.service_name} <br/>
                            {r.sent_on} " " {m.sent} ". " {m.status}
                            {m.decision.map(|d| view! { <br/> {d} })}
                            <br/> {m.next}
                            <br/>
                            <a href=format!("/account/referrals/{}", m.reference)>
                                {r.my_referral_open}
                                <span class="visually-hidden">" " {m.reference.clone()}</span>
                            </a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
        Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="my-referrals-heading">
            <h3 id="my-referrals-heading">{r.my_referrals}</h3>
            {body}
        </section>
    }
}
