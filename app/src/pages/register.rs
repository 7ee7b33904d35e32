//! Creating a citizen account and confirming its email address.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::registration::{Register, VerifyEmail};
use crate::components::{ErrorSummary, Field, LinkToken, NewPasswordField};
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
            <NewPasswordField error/>
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
    let action = ServerAction::<VerifyEmail>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.verify_title, t.product_name)/>
        <h1>{t.verify_title}</h1>
        <ErrorSummary error/>
        <p>{t.verify_text}</p>
        <ActionForm action attr:class="form">
            <LinkToken/>
            <button type="submit" class="button">{t.verify_submit}</button>
        </ActionForm>
    }
}
