//! A step that cannot be taken back (finishing or cancelling a course, cancelling a
//! session, leaving a course): its name opens a disclosure that says what follows,
//! with the form whose button confirms it inside. Without JavaScript too.

use leptos::prelude::*;

#[component]
pub fn ConfirmFirst(
    /// The step ("Avlys kurset").
    #[prop(into)]
    label: String,
    /// What follows from it.
    #[prop(into)]
    hint: String,
    /// The form whose button confirms it.
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm-first">
            <summary>{label}</summary>
            <p class="hint">{hint}</p>
            {children()}
        </details>
    }
}
