//! Turning on the second factor: QR code, key, recovery codes, and a code to confirm.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::types::EnrolmentView;
use crate::api::auth::{begin_second_factor, ConfirmIdentity, ConfirmSecondFactor};
use crate::components::ErrorSummary;
use crate::components::LoginFirst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn SecondFactorSetupPage() -> impl IntoView {
    let t = use_texts();
    let enrolment = Resource::new(|| (), |_| begin_second_factor());
    let action = ServerAction::<ConfirmSecondFactor>::new();
    let confirm_identity = ServerAction::<ConfirmIdentity>::new();
    let error = Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| confirm_identity.value().get().and_then(Result::err))
    });
    view! {
        <Title text=format!("{} – {}", t.sf_title, t.product_name)/>
        <h1>{t.sf_title}</h1>
        <p>{t.sf_intro}</p>
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match enrolment.await {
                    Ok(e) => view! { {steps(t, e)} {confirm_form(t, action)} }.into_any(),
                    Err(AppError::ConfirmIdentity) => identity_form(t, confirm_identity).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Step 3: a code from the new app turns it on.
fn confirm_form(t: &'static Texts, action: ServerAction<ConfirmSecondFactor>) -> impl IntoView {
    view! {
        <p>{t.sf_confirm}</p>
        <ActionForm action attr:class="form">
            <div class="field">
                <label for="code">{t.field_code}</label>
                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" class="code-input" required/>
            </div>
            <button type="submit" class="button">{t.sf_submit}</button>
        </ActionForm>
    }
}

/// Someone who has a second factor already gives their password and a current code
/// before they may replace it.
fn identity_form(t: &'static Texts, action: ServerAction<ConfirmIdentity>) -> impl IntoView {
    view! {
        <p>{t.sf_reauth_intro}</p>
        <ActionForm action attr:class="form">
            <div class="field">
                <label for="password">{t.field_password}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
            </div>
            <div class="field">
                <label for="code">{t.field_code}</label>
                <input id="code" name="code" type="text" autocomplete="one-time-code" class="code-input" required/>
            </div>
            <button type="submit" class="button">{t.sf_reauth_submit}</button>
        </ActionForm>
    }
}

fn steps(t: &'static Texts, enrolment: EnrolmentView) -> impl IntoView {
    let grouped: String = enrolment
        .secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <p>{t.sf_scan}</p>
        <img class="qr" src=enrolment.qr_svg_data_uri alt=t.sf_qr_alt width="200" height="200"/>
        <p>{t.sf_secret_label} " " <code class="secret" data-secret=enrolment.secret>{grouped}</code></p>
        <p>{t.sf_codes}</p>
        <ul class="recovery-codes">
            {enrolment.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <p class="hint">{t.sf_reload_note}</p>
    }
}
