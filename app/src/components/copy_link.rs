//! An address to share, in full, with a button that copies it. The address can always
//! be selected by hand; the button is shown only once the browser can act on it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The words of a copy field, sent with it: the browser bundle carries no translations.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CopyWords {
    pub label: String,
    pub copy: String,
    pub copied: String,
}

/// An island: a read-only field with the address and a "copy" button.
#[island]
pub fn CopyLink(id: String, link: String, words: CopyWords) -> impl IntoView {
    let words = StoredValue::new(words);
    let link = StoredValue::new(link);
    let (ready, set_ready) = signal(false);
    let (copied, set_copied) = signal(false);
    // Effects run only in the browser: without JavaScript the button stays hidden.
    Effect::new(move |_| set_ready.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let promise = window.navigator().clipboard().write_text(&link.get_value());
            leptos::task::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                set_copied.set(done);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (link, set_copied);
    };
    view! {
        <div class="field copy-link">
            <label for=id.clone()>{words.read_value().label.clone()}</label>
            <div class="copy-row">
                <input id=id readonly=true value=link.get_value()/>
                <button type="button" class="button secondary small" hidden=move || !ready.get() on:click=copy>
                    {words.read_value().copy.clone()}
                </button>
            </div>
            <p class="hint" role="status">
                {move || copied.get().then(|| words.read_value().copied.clone())}
            </p>
        </div>
    }
}
