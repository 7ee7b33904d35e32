//! One card on the board: who, how long, how severe, what they want, who works on it,
//! and the claim and move forms (a menu, not only dragging, so keyboards and pages
//! without JavaScript can move cards too).

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::board::types::{CardView, ClaimView};
use crate::api::board::{ClaimReferral, MoveReferral, ReleaseReferral};
use crate::i18n::Texts;

/// The actions a card's forms dispatch; the board fetches again after each.
#[derive(Clone, Copy)]
pub struct CardActions {
    pub claim: ServerAction<ClaimReferral>,
    pub release: ServerAction<ReleaseReferral>,
    pub moving: ServerAction<MoveReferral>,
}

/// "N.N. is working on this" / "You are" / "Nobody is".
pub fn claim_line(t: &'static Texts, claim: &ClaimView) -> String {
    match claim {
        ClaimView::Nobody => t.board.unclaimed.to_owned(),
        ClaimView::Me => t.board.claimed_you.to_owned(),
        ClaimView::Other(name) => t.board.claimed_by.replace("{name}", name),
    }
}

/// The claim or release button and the move menu, for a card or an opened referral.
pub fn work_forms(
    t: &'static Texts,
    card: &CardView,
    is_lead: bool,
    actions: CardActions,
) -> impl IntoView {
    let reference = card.reference.clone();
    let about = format!(" – {}", card.short_name);
    let select_id = format!("move-{}", card.reference);
    let claim_form = match &card.claim {
        ClaimView::Nobody => Some(view! {
            <ActionForm action=actions.claim attr:class="inline-form">
                <input type="hidden" name="reference" value=reference.clone()/>
                <button type="submit" class="button small" id=format!("claim-{reference}")>
                    {t.board.claim}<span class="visually-hidden">{about.clone()}</span>
                </button>
            </ActionForm>
        }
        .into_any()),
        ClaimView::Me => Some(view! {
            <ActionForm action=actions.release attr:class="inline-form">
                <input type="hidden" name="reference" value=reference.clone()/>
                <button type="submit" class="button secondary small" id=format!("release-{reference}")>
                    {t.board.release}<span class="visually-hidden">{about.clone()}</span>
                </button>
            </ActionForm>
        }
        .into_any()),
        ClaimView::Other(_) if is_lead => Some(view! {
            <ActionForm action=actions.release attr:class="inline-form">
                <input type="hidden" name="reference" value=reference.clone()/>
                <button type="submit" class="button secondary small" id=format!("release-{reference}")>
                    {t.board.release_other}<span class="visually-hidden">{about.clone()}</span>
                </button>
            </ActionForm>
        }
        .into_any()),
        ClaimView::Other(_) => None,
    };
    let move_form = (!card.moves.is_empty()).then(|| {
        let moves = card.moves.clone();
        let reference = card.reference.clone();
        let about = format!(" – {}", card.short_name);
        view! {
            <ActionForm action=actions.moving attr:class="inline-form move-form">
                <input type="hidden" name="reference" value=reference.clone()/>
                <label for=select_id.clone()>
                    {t.board.move_to}<span class="visually-hidden">{about.clone()}</span>
                </label>
                <select id=select_id.clone() name="to">
                    {moves
                        .into_iter()
                        .map(|(key, label)| view! { <option value=key>{label}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button secondary small">
                    {t.board.move_button}<span class="visually-hidden">{about.clone()}</span>
                </button>
            </ActionForm>
        }
    });
    view! { <div class="card-actions">{claim_form} {move_form}</div> }.into_any()
}

pub fn card_view(
    t: &'static Texts,
    card: CardView,
    is_lead: bool,
    actions: Option<CardActions>,
) -> impl IntoView {
    let heading_id = format!("card-{}", card.reference);
    let labelled_by = heading_id.clone();
    let facts: Vec<String> = [
        card.age.clone(),
        Some(card.municipality.clone()),
        Some(card.waited.clone()),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect();
    let forms = actions.map(|actions| work_forms(t, &card, is_lead, actions));
    let claimed = claim_line(t, &card.claim);
    let mine = matches!(card.claim, ClaimView::Me);
    view! {
        <article class="triage-card" class:urgent=card.urgent.is_some() class:mine=mine aria-labelledby=labelled_by>
            <h3 id=heading_id>
                <a href=format!("/board/{}", card.reference)>{card.short_name.clone()}</a>
                " "
                <span class="reference">{card.reference.clone()}</span>
            </h3>
            {card.urgent.clone().map(|u| view! { <p class="urgent-flag"><span aria-hidden="true">"⚠ "</span>{u}</p> })}
            {card.unopened.clone().map(|u| view! { <p class="unopened">{u}</p> })}
            <p class="facts-line">{facts.join(" · ")}</p>
            <p class="scores">{card.phq9.clone()}<br/>{card.gad7.clone()}</p>
            <p class="facts-line">{card.preferences.clone()} " · " {t.board.source} ": " {card.source.clone()}</p>
            {card.duplicate.clone().map(|d| view! { <p class="duplicate">{d}</p> })}
            <p class="claim-line">{claimed}</p>
            {forms}
        </article>
    }
    .into_any()
}
