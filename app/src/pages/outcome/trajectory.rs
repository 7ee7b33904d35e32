//! A referral's scores over time: per measure a chart drawn on the server (no script,
//! prints), what the change amounts to, and a table with the same figures.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::outcome::trajectory;
use crate::api::outcome::types::{MeasureTrajectory, TrajectoryView};
use crate::components::{not_for_you, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn TrajectoryPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let view_data = Resource::new(
        move || params.read().get("reference").unwrap_or_default(),
        trajectory,
    );
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(view) => trajectory_view(t, view).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn trajectory_view(t: &'static Texts, view: TrajectoryView) -> impl IntoView {
    let o = t.outcome;
    let (title, intro) = if view.for_person {
        (o.mine_title, o.mine_intro)
    } else {
        (o.trajectory_title, o.trajectory_intro)
    };
    let empty = view.measures.is_empty();
    let downloads = (view.may_download && !empty).then(|| {
        let intro = if view.for_person {
            o.mine_downloads_intro
        } else {
            o.staff_downloads_intro
        };
        let base = format!("/trajectory/{}", view.reference);
        view! {
            <section class="downloads" aria-labelledby="downloads">
                <h2 id="downloads">{o.downloads_title}</h2>
                <p>{intro}</p>
                <ul>
                    <li><a href=format!("{base}/answers.json") download>{o.download_answers}</a></li>
                    <li><a href=format!("{base}/scores.csv") download>{o.download_scores}</a></li>
                </ul>
            </section>
        }
    });
    view! {
        <Title text=format!("{title} – {}", t.product_name)/>
        {view.for_person.then(|| view! { <p><a href="/account">{t.account_title}</a></p> })}
        <h1>{title}</h1>
        <p class="reference">{view.reference.clone()}</p>
        <p>{intro}</p>
        {empty.then(|| view! { <p>{o.no_scores}</p> })}
        {view.measures.into_iter().map(|m| measure_view(t, m)).collect_view()}
        {downloads}
    }
}

fn measure_view(t: &'static Texts, m: MeasureTrajectory) -> impl IntoView {
    let o = t.outcome;
    let heading = format!("trajectory-{}", m.instrument);
    let heading_id = heading.clone();
    let label = o.chart_label.replace("{title}", &m.title);
    view! {
        <section class="trajectory" aria-labelledby=heading>
            <h2 id=heading_id>{m.title.clone()}</h2>
            <p class="trajectory-summary">{m.summary.clone()}</p>
            <figure class="chart">
                <div role="img" aria-label=format!("{label}. {}", m.summary) inner_html=m.chart></div>
                <figcaption>
                    <ul class="chart-legend">
                        {m.legend.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                    </ul>
                </figcaption>
            </figure>
            <table class="trajectory-table">
                <caption>{label}</caption>
                <thead>
                    <tr>
                        <th scope="col">{o.column_time_point}</th>
                        <th scope="col">{o.column_when}</th>
                        <th scope="col">{o.column_score}</th>
                        <th scope="col">{o.column_level}</th>
                    </tr>
                </thead>
                <tbody>
                    {m.points.into_iter().map(|p| view! {
                        <tr>
                            <th scope="row">{p.time_point}</th>
                            <td>{p.date}</td>
                            <td>{p.score}</td>
                            <td>{p.level}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
