//! The one script every page carries: it fetches the browser bundle only when the
//! page has an island (an interactive part), and hydrates those parts alone.

use leptos::nonce::use_nonce;
use leptos::prelude::*;

use crate::{asset_url, OUTPUT_NAME};

/// Goes in `<head>`. A module script runs once the document is parsed, so it sees
/// every island; there is no `<link rel="preload">`, which a browser without
/// JavaScript would follow and download the bundle for nothing.
#[component]
pub fn IslandScripts() -> impl IntoView {
    let script = format!(
        "{}({:?}, {:?});",
        include_str!("island_scripts.js").trim_end(),
        asset_url(&format!("{OUTPUT_NAME}.js")),
        asset_url(&format!("{OUTPUT_NAME}_bg.wasm")),
    );
    view! { <script type="module" nonce=use_nonce()>{script}</script> }
}
