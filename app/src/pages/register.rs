//! Creating a citizen account and confirming its email address.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::registration::{Register, VerifyEmail};
use crate::components::{ErrorSummary, Field};
use crate::i18n::use_texts;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Register>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.register_title, t.product_name)/>
        <h1>{t.register_title}</h1>
        <p>{t.register_intro}</p>
        <ErrorSummary error/>
        <ActionForm action attr:class="form" attr:novalidate=true>
            <Field name="name" label=t.field_name autocomplete="name" keep=true error/>
            <Field
                name="email"
                label=t.field_email
                kind="email"
                inputmode="email"
                autocomplete="email"
                keep=true
                error
            />
            <Field
                name="password"
                label=t.field_new_password
                kind="password"
                autocomplete="new-password"
                hint=t.password_hint
                error
            />
            <button type="submit" class="button">{t.register_submit}</button>
        </ActionForm>
        <p>
            <a href="/login">{t.login_title}</a>
        </p>
    }
}

#[component]
pub fn RegisterSentPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=format!("{} – {}", t.register_sent_title, t.product_name)/>
        <h1>{t.register_sent_title}</h1>
        <p>{t.register_sent_text}</p>
    }
}

/// The page an emailed link opens. Confirming takes a button press, so mail
/// scanners that follow links cannot use the token up.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<VerifyEmail>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.verify_title, t.product_name)/>
        <h1>{t.verify_title}</h1>
        <ErrorSummary error/>
        <p>{t.verify_text}</p>
        <ActionForm action attr:class="form">
            <input type="hidden" name="token" value=token/>
            <button type="submit" class="button">{t.verify_submit}</button>
        </ActionForm>
    }
}
