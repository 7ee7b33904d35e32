//! The browser entry point: set up the reactive runtime for islands. The page's
//! loader script (`app::components::IslandScripts`) then hydrates each island.

use wasm_bindgen::prelude::wasm_bindgen;

// The islands are exported from the app crate; linking it brings them in.
pub use app::components;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
