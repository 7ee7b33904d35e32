//! Logging in: email and password, then a one-time code for staff.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{Login, SecondFactor};
use crate::components::ErrorSummary;
use crate::error::AppError;
use crate::i18n::use_texts;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Login>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    // Without JavaScript the page is reloaded: the error brings the email back.
    let typed_email = move || match error.get() {
        Some(AppError::LoginFailed { email }) => email,
        _ => String::new(),
    };
    let query = use_query_map();
    let verified = move || query.read().get("verified").is_some();
    let reset = move || query.read().get("reset").is_some();
    let invited = move || query.read().get("invited").is_some();
    let next = query.read_untracked().get("next").unwrap_or_default();
    view! {
        <Title text=format!("{} – {}", t.login_title, t.product_name)/>
        <h1>{t.login_title}</h1>
        {move || verified().then(|| view! { <p class="success" role="status">{t.login_verified_notice}</p> })}
        {move || reset().then(|| view! { <p class="success" role="status">{t.login_reset_notice}</p> })}
        {move || invited().then(|| view! { <p class="success" role="status">{t.login_invited_notice}</p> })}
        <p>{t.login_intro}</p>
        <ErrorSummary error/>
        <ActionForm action attr:class="form">
            <input type="hidden" name="next" value=next/>
            <div class="field">
                <label for="email">{t.field_email}</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    inputmode="email"
                    autocomplete="username"
                    required
                    prop:value=typed_email
                    value=typed_email
                />
            </div>
            <div class="field">
                <label for="password">{t.field_password}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
            </div>
            <button type="submit" class="button">{t.login_submit}</button>
        </ActionForm>
        <p><a href="/forgot-password">{t.forgot_link}</a></p>
        <p>
            {t.login_no_account} " " <a href="/register">{t.register_title}</a>
        </p>
    }
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<SecondFactor>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .unwrap_or_default();
    view! {
        <Title text=format!("{} – {}", t.code_title, t.product_name)/>
        <h1>{t.code_title}</h1>
        <p>{t.code_intro}</p>
        <ErrorSummary error/>
        {move || {
            matches!(error.get(), Some(AppError::Unauthenticated))
                .then(|| view! { <p><a href="/login">{t.login_title}</a></p> })
        }}
        <ActionForm action attr:class="form">
            <input type="hidden" name="next" value=next/>
            <div class="field">
                <label for="code">{t.field_code}</label>
                <input
                    id="code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    class="code-input"
                    required
                />
            </div>
            <button type="submit" class="button">{t.code_submit}</button>
        </ActionForm>
    }
}
