//! A specialist guest's page: only the referrals shared with them.

use leptos::prelude::*;

use crate::components::{not_for_you, LoginFirst};
use leptos_meta::Title;

use super::card::card_view;
use crate::api::board::shared_with_me;
use crate::error::AppError;
use crate::i18n::use_texts;

#[component]
pub fn SharedPage() -> impl IntoView {
    let t = use_texts();
    let shared = Resource::new(|| (), |_| shared_with_me());
    view! {
        <Title text=format!("{} – {}", t.board.shared_title, t.product_name)/>
        <h1>{t.board.shared_title}</h1>
        <p>{t.board.shared_intro}</p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match shared.await {
                    Ok(cards) if cards.is_empty() => view! { <p>{t.board.shared_empty}</p> }.into_any(),
                    Ok(cards) => view! {
                        <ol class="cards">
                            {cards.into_iter().map(|card| view! { <li>{card_view(t, card, false, None)}</li> }).collect_view()}
                        </ol>
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
