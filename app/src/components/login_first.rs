//! Sending someone who is not signed in to the login, and back here afterwards.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::domain::path::encode_query_value;

/// Redirects to the login page, which returns to this page (path and query) once the
/// person is signed in.
#[component]
pub fn LoginFirst() -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    // My page is where a login goes anyway.
    let login = if here == "/account" {
        "/login".to_owned()
    } else {
        format!("/login?next={}", encode_query_value(&here))
    };
    view! { <Redirect path=login/> }
}
