//! The board page: waiting figures, filters, and a column per state. On a phone the
//! columns become one list.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::card::{card_view, CardActions};
use super::live::{LiveBoard, LIVE_REGIONS};
use crate::api::board::types::{BoardQuery, BoardView, Choice};
use crate::api::board::{load_board, ClaimReferral, FilterBoard, MoveReferral, ReleaseReferral};
use crate::components::ErrorSummary;
use crate::components::{not_for_you, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn BoardPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let board_query = move || {
        let q = query.read();
        // The search is not in the address: the session keeps it (names stay out of
        // history and logs).
        BoardQuery {
            q: None,
            municipality: q.get("municipality"),
            state: q.get("state"),
            band: q.get("band"),
            format: q.get("format"),
            mode: q.get("mode"),
            mine: q.get("mine"),
            unclaimed: q.get("unclaimed"),
        }
    };
    let actions = CardActions {
        claim: ServerAction::<ClaimReferral>::new(),
        release: ServerAction::<ReleaseReferral>::new(),
        moving: ServerAction::<MoveReferral>::new(),
    };
    let filter = ServerAction::<FilterBoard>::new();
    let board = Resource::new(
        move || {
            (
                board_query(),
                actions.claim.version().get(),
                actions.release.version().get(),
                actions.moving.version().get(),
                filter.version().get(),
            )
        },
        |(query, ..)| load_board(query),
    );
    let error = Signal::derive(move || {
        actions
            .claim
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.release.value().get().and_then(Result::err))
            .or_else(|| actions.moving.value().get().and_then(Result::err))
            .or_else(|| filter.value().get().and_then(Result::err))
    });
    view! {
        <Title text=format!("{} – {}", t.board.title, t.product_name)/>
        <div class="board-page">
            <h1>{t.board.title}</h1>
            <p>{t.board.intro}</p>
            <ErrorSummary error/>
            <LiveBoard/>
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(view) => {
                            board_view(t, view, board_query(), actions, filter).into_any()
                        }
                        Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                        Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

fn select(
    name: &'static str,
    label: &'static str,
    any: &'static str,
    choices: Vec<Choice>,
    chosen: Option<String>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="">{any}</option>
                {choices
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = chosen.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

fn filters(
    t: &'static Texts,
    view: BoardView,
    query: BoardQuery,
    filter: ServerAction<FilterBoard>,
) -> AnyView {
    let b = t.board;
    let open = !query.is_empty() || !view.search.is_empty();
    view! {
        <details class="board-filters" open=open>
            <summary>{b.filters}</summary>
            <ActionForm action=filter attr:class="filter-form">
                <div class="field">
                    <label for="filter-q">{b.filter_query}</label>
                    <input id="filter-q" name="q" type="search" value=view.search.clone()/>
                </div>
                {select("municipality", b.filter_municipality, b.filter_any, view.municipalities.clone(), query.municipality.clone())}
                {select("state", b.filter_state, b.filter_any, view.states.clone(), query.state.clone())}
                {select("band", b.filter_band, b.filter_any, view.bands.clone(), query.band.clone())}
                {select("format", b.filter_format, b.filter_any, view.formats.clone(), query.format.clone())}
                {select("mode", b.filter_mode, b.filter_any, view.modes.clone(), query.mode.clone())}
                <div class="checks">
                    <label><input type="checkbox" name="mine" value="1" checked=query.mine.is_some()/> " " {b.filter_mine}</label>
                    <label><input type="checkbox" name="unclaimed" value="1" checked=query.unclaimed.is_some()/> " " {b.filter_unclaimed}</label>
                </div>
                <div class="actions">
                    <button type="submit" class="button">{b.filter_apply}</button>
                </div>
            </ActionForm>
            <ActionForm action=filter attr:class="filter-clear">
                <button type="submit" class="button secondary">{b.filter_clear}</button>
            </ActionForm>
        </details>
    }
    .into_any()
}

fn board_view(
    t: &'static Texts,
    view: BoardView,
    query: BoardQuery,
    actions: CardActions,
    filter: ServerAction<FilterBoard>,
) -> impl IntoView {
    let b = t.board;
    let is_lead = view.is_lead;
    let columns = view
        .columns
        .iter()
        .filter(|c| {
            query
                .state
                .as_deref()
                .is_none_or(|s| s.is_empty() || s == c.key)
        })
        .cloned()
        .collect::<Vec<_>>();
    let title = match &view.urgent_alert {
        Some(_) => format!("⚠ {} – {}", b.title, t.product_name),
        None => format!("{} – {}", b.title, t.product_name),
    };
    view! {
        <Title text=title/>
        // Always there, so a screen reader announces what a live update puts in it.
        <div id=LIVE_REGIONS[0] role="status">
            {view.urgent_alert.clone().map(|alert| view! {
                <p class="urgent-alert"><span aria-hidden="true">"⚠ "</span>{alert}</p>
            })}
        </div>
        <section class="board-stats" id=LIVE_REGIONS[1] aria-label=b.stats_label>
            <p><strong class="stat">{view.waiting}</strong> " " {b.stat_waiting}</p>
            <p>{b.stat_median} ": " <strong class="stat">{view.median_days.clone().unwrap_or_else(|| "–".into())}</strong></p>
            <p>{b.stat_longest} ": " <strong class="stat">{view.longest_days.clone().unwrap_or_else(|| "–".into())}</strong></p>
        </section>
        {filters(t, view.clone(), query.clone(), filter)}
        <p class="live-note" id=LIVE_REGIONS[2]>
            {b.live} " " {b.updated.replace("{time}", &view.updated)} ". "
            <a href="" rel="external">{b.refresh}</a>
        </p>
        <div class="board" id=LIVE_REGIONS[3] role="region" aria-label=b.columns_label tabindex="0">
            {columns
                .into_iter()
                .map(|column| {
                    let heading = format!("column-{}", column.key);
                    let labelled_by = heading.clone();
                    let shown = column.cards.len() as i64;
                    let more = (shown < column.total).then(|| {
                        b.more_cards
                            .replace("{shown}", &shown.to_string())
                            .replace("{total}", &column.total.to_string())
                    });
                    let empty = column.cards.is_empty();
                    view! {
                        <section class="board-column" class:is-empty=empty aria-labelledby=labelled_by>
                            <h2 id=heading>
                                {column.title.clone()} " "
                                <span class="count">"(" {column.total} ")"</span>
                            </h2>
                            {empty.then(|| view! { <p class="empty">{b.empty_column}</p> })}
                            <ol class="cards">
                                {column
                                    .cards
                                    .into_iter()
                                    .map(|card| view! { <li>{card_view(t, card, is_lead, Some(actions))}</li> })
                                    .collect_view()}
                            </ol>
                            {more.map(|m| view! { <p class="more">{m}</p> })}
                        </section>
                    }
                    .into_any()
                })
                .collect_view()}
        </div>
    }
    .into_any()
}
