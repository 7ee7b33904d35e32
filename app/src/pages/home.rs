//! The public front page: what the service is, for whom, and what happens next.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::site::list_services;
use crate::api::site::types::ServiceSummary;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=format!("{} – {}", t.home_title, t.product_name)/>
        <h1>{t.home_title}</h1>
        <p class="lead">{t.home_lead}</p>

        <section aria-labelledby="offers-heading">
            <h2 id="offers-heading">{t.home_offers_heading}</h2>
            <ul class="offers">
                {t.home_offers.iter().map(|offer| view! { <li>{*offer}</li> }).collect_view()}
            </ul>
        </section>

        <section aria-labelledby="for-whom-heading">
            <h2 id="for-whom-heading">{t.home_for_whom_heading}</h2>
            <p>{t.home_for_whom}</p>
        </section>

        <section aria-labelledby="after-heading">
            <h2 id="after-heading">{t.home_after_heading}</h2>
            <p>{t.home_after}</p>
        </section>

        <section aria-labelledby="services-heading">
            <h2 id="services-heading">{t.home_services_heading}</h2>
            // Read once, on the server, as the page renders: nothing here changes in
            // the browser, so no resource (a task of its own and its value serialised
            // into the page) stands between the query and the HTML, and no `Suspense`
            // either (it watches its tasks with an effect, another task per page). The
            // page is rendered whole (`SsrMode::Async`), so it waits for this anyway.
            {Suspend::new(async move {
                match list_services().await {
                    Ok(list) => service_list(t, list).into_any(),
                    Err(error) => {
                        view! { <p class="notice" role="alert">{error.message(t)}</p> }
                            .into_any()
                    }
                }
            })}
        </section>
    }
}

fn service_list(t: &'static Texts, services: Vec<ServiceSummary>) -> impl IntoView {
    if services.is_empty() {
        return view! { <p>{t.home_services_empty}</p> }.into_any();
    }
    view! {
        <ul class="services">
            {services
                .into_iter()
                .map(|s| {
                    view! {
                        <li class="service">
                            <h3><a href=format!("/services/{}", s.slug)>{s.name}</a></h3>
                            <p>{t.home_municipalities} ": " {s.municipalities.join(", ")}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
