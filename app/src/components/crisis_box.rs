//! The crisis numbers, reachable from every page.

use leptos::prelude::*;

use crate::i18n::use_texts;

/// Where to turn right now: 113, legevakt 116 117 and Mental Helse's line 116 123.
#[component]
pub fn CrisisBox() -> impl IntoView {
    let t = use_texts();
    view! {
        <aside class="crisis" id="crisis" aria-labelledby="crisis-heading">
            <h2 id="crisis-heading">{t.crisis_heading}</h2>
            <ul>
                <li>{t.crisis_emergency} " " <a href="tel:113" class="phone">"113"</a></li>
                <li>{t.crisis_out_of_hours} " " <a href="tel:116117" class="phone">"116 117"</a></li>
                <li>{t.crisis_helpline} " " <a href="tel:116123" class="phone">"116 123"</a></li>
            </ul>
            <p class="crisis-note">{t.crisis_note}</p>
        </aside>
    }
}
