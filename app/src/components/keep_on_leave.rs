//! Keeping a half-filled referral step when the person leaves it another way than by
//! its buttons (the browser's back and forward, a link, a closed tab).
//!
//! A few lines of plain script, not an island: an island's code goes into the one
//! bundle every citizen page with an island downloads.

use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// Once on a step page, after its form (`KEPT_FORM`).
#[component]
pub fn KeepOnLeaveScript() -> impl IntoView {
    view! { <script type="module" nonce=use_nonce()>{include_str!("keep_on_leave.js")}</script> }
}
