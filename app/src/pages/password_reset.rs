//! Asking for a reset link, and choosing a new password with it.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::password_reset::{RequestPasswordReset, ResetPassword};
use crate::components::{ErrorSummary, Field, LinkToken, NewPasswordField};
use crate::i18n::use_texts;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.forgot_title, t.product_name)/>
        <h1>{t.forgot_title}</h1>
        <p>{t.forgot_intro}</p>
        <ErrorSummary error/>
        <ActionForm action attr:class="form" attr:novalidate=true>
            <Field
                name="email"
                label=t.field_email
                kind="email"
                inputmode="email"
                autocomplete="email"
                keep=true
                error
            />
            <button type="submit" class="button">{t.forgot_submit}</button>
        </ActionForm>
    }
}

#[component]
pub fn ForgotPasswordSentPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=format!("{} – {}", t.register_sent_title, t.product_name)/>
        <h1>{t.register_sent_title}</h1>
        <p>{t.forgot_sent_text}</p>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.reset_title, t.product_name)/>
        <h1>{t.reset_title}</h1>
        <ErrorSummary error/>
        <ActionForm action attr:class="form" attr:novalidate=true>
            <LinkToken/>
            <NewPasswordField error/>
            <button type="submit" class="button">{t.reset_submit}</button>
        </ActionForm>
    }
}
