//! The service's figures (`/figures`, leads) or one group's (`/figures?cohort=…`, its
//! leaders): a plain GET form for the period and the breakdown, each figure with its
//! definition one click away, a breakdown table and a chart over months with the same
//! figures in a table.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::outcome::service_figures;
use crate::api::outcome::types::{BreakdownTable, FiguresView};
use crate::components::{not_for_you, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn FiguresPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let view_data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
                q.get("by").unwrap_or_default(),
                q.get("cohort").and_then(|c| c.parse::<i64>().ok()),
            )
        },
        |(from, to, by, cohort)| service_figures(from, to, by, cohort),
    );
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(view) => figures_view(t, view).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn select(
    name: &'static str,
    label: &'static str,
    options: &[(String, String)],
    chosen: &str,
) -> impl IntoView {
    let id = format!("figures-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {options
                    .iter()
                    .map(|(value, text)| {
                        let selected = value == chosen;
                        view! { <option value=value.clone() selected=selected>{text.clone()}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

fn figures_view(t: &'static Texts, view: FiguresView) -> impl IntoView {
    let o = t.outcome;
    let cohort = view
        .cohort
        .map(|c| view! { <input type="hidden" name="cohort" value=c.to_string()/> });
    view! {
        <Title text=format!("{} – {}", view.title, t.product_name)/>
        <h1>{view.title.clone()}</h1>
        <p>{o.figures_intro}</p>
        <form method="get" action="/figures" class="figures-filter">
            {cohort}
            {select("from", o.period_from, &view.months, &view.from)}
            {select("to", o.period_to, &view.months, &view.to)}
            {select("by", o.breakdown_label, &view.breakdowns, &view.by)}
            <button type="submit" class="button">{o.show_figures}</button>
        </form>
        {view.notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <section aria-labelledby="figures-total">
            <h2 id="figures-total">{format!("{} – {}", view.from, view.to)}</h2>
            <dl class="figures">
                {view
                    .lines
                    .into_iter()
                    .map(|line| view! {
                        <div>
                            <dt>{line.term.clone()} " "
                                <a
                                    class="small"
                                    href=format!("#definition-{}", line.anchor)
                                    aria-label=format!("{}: {}", o.definition_link, line.term)
                                >
                                    {o.definition_link}
                                </a>
                            </dt>
                            <dd>{line.value}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
            <p class="hint">{o.suppression_note}</p>
            {view.cohort.is_none().then(|| view! {
                <ul class="downloads">
                    <li><a href=format!("/figures/episodes.csv?from={}&to={}", view.from, view.to) download="">{o.export_csv}</a></li>
                    <li><a href=format!("/figures/register/{}?from={}&to={}", view.register_format, view.from, view.to) download="">{o.export_register}</a></li>
                </ul>
            })}
        </section>
        {view.breakdown.map(|b| table(b, "figures-breakdown"))}
        <section aria-labelledby="figures-chart">
            <h2 id="figures-chart">{o.chart_by_month}</h2>
            <figure class="chart">
                <div role="img" aria-label=o.chart_by_month inner_html=view.chart></div>
            </figure>
            {table(view.chart_table, "figures-months")}
        </section>
        <section aria-labelledby="definitions" class="definitions">
            <h2 id="definitions">{o.definitions_heading}</h2>
            <dl>
                {view
                    .definitions
                    .into_iter()
                    .map(|(anchor, term, text)| view! {
                        <dt id=format!("definition-{anchor}")>{term}</dt>
                        <dd>{text}</dd>
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}

fn table(b: BreakdownTable, id: &'static str) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-labelledby=id tabindex="0">
            <table class="entries figures-table">
                <caption id=id>{b.caption.clone()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{b.caption}</th>
                        {b.columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {b.rows
                        .into_iter()
                        .map(|(label, cells)| view! {
                            <tr>
                                <th scope="row">{label}</th>
                                {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
