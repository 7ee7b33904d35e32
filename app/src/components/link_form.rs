//! Pieces of the forms that emailed links open: the link's token, and a new password.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::Field;
use crate::error::AppError;
use crate::i18n::use_texts;

/// The `token` of the emailed link the page was opened with, sent back with the form.
#[component]
pub fn LinkToken() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! { <input type="hidden" name="token" value=token/> }
}

/// The field for choosing a new password, with the rule as a hint.
#[component]
pub fn NewPasswordField(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_texts();
    view! {
        <Field
            name="password"
            label=t.field_new_password
            kind="password"
            autocomplete="new-password"
            hint=t.password_hint
            error
        />
    }
}
