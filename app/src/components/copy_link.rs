//! An address to share, in full, with a button that copies it. The address can always
//! be selected by hand; the button is shown only where the browser can copy.
//!
//! A few lines of plain script, not an island: an island's code goes into the one
//! bundle every citizen page with an island downloads, and this is a staff page's.

use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// A read-only field with the address, a "copy" button and where "copied" is said.
#[component]
pub fn CopyLink(
    id: String,
    link: String,
    label: &'static str,
    copy: &'static str,
    copied: &'static str,
) -> impl IntoView {
    view! {
        <div class="field copy-link">
            <label for=id.clone()>{label}</label>
            <div class="copy-row">
                <input id=id.clone() readonly=true value=link/>
                <button type="button" class="button secondary small" data-copy=id hidden=true>
                    {copy}
                </button>
            </div>
            <p class="hint" role="status" data-copied=copied></p>
        </div>
    }
}

/// Once on a page with `CopyLink`s, after them.
#[component]
pub fn CopyLinkScript() -> impl IntoView {
    view! { <script type="module" nonce=use_nonce()>{include_str!("copy_link.js")}</script> }
}
