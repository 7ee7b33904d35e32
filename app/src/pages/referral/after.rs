//! After the steps: the receipt, "continue later", opening a draft from the emailed
//! link, and setting a password to follow the referral.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{draft_missing, RiskNotice};
use crate::api::referral::{
    referral_receipt, ConfirmReferral, ContinueLater, FollowReferral, ResumeReferral,
};
use crate::components::{ErrorSummary, Field, LinkToken, NewPasswordField};
use crate::domain::referral::RiskLevel;
use crate::error::AppError;
use crate::i18n::use_texts;

fn slug_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("slug").unwrap_or_default()
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let t = use_texts();
    let r = t.referral;
    let slug = slug_param();
    let receipt = Resource::new(slug, referral_receipt);
    view! {
        <Title text=format!("{} – {}", r.receipt_title, t.product_name)/>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match receipt.await {
                    Ok(receipt) => view! {
                        <h1>{if receipt.on_behalf { r.on_behalf_done } else { r.receipt_title }}</h1>
                        <p class="reference">
                            {r.receipt_reference} " " <strong data-reference="">{receipt.reference}</strong>
                        </p>
                        {receipt.urgent.then(|| view! { <p>{r.receipt_urgent}</p> })}
                        {(receipt.urgent && !receipt.on_behalf).then(|| view! { <RiskNotice level=RiskLevel::Risk sent=true send_now=None/> })}
                        <section aria-labelledby="next-heading">
                            <h2 id="next-heading">{r.receipt_next_heading}</h2>
                            <p>{r.receipt_next}</p>
                        </section>
                    }
                    .into_any(),
                    Err(AppError::NotFound) | Err(AppError::Forbidden) => draft_missing(&slug()).into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn LaterPage() -> impl IntoView {
    let t = use_texts();
    let r = t.referral;
    let slug = slug_param();
    let action = ServerAction::<ContinueLater>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", r.later_title, t.product_name)/>
        <h1>{r.later_title}</h1>
        <p>{r.later_text}</p>
        <ErrorSummary error/>
        {move || {
            if matches!(error.get(), Some(AppError::NotFound)) {
                return draft_missing(&slug()).into_any();
            }
            ().into_any()
        }}
        <ActionForm action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="slug" value=slug/>
            <Field
                name="email"
                label=r.field_email
                kind="email"
                inputmode="email"
                autocomplete="email"
                keep=true
                error
            />
            <button type="submit" class="button">{r.later_submit}</button>
        </ActionForm>
    }
}

#[component]
pub fn LaterSentPage() -> impl IntoView {
    let t = use_texts();
    let r = t.referral;
    view! {
        <Title text=format!("{} – {}", r.later_sent_title, t.product_name)/>
        <h1>{r.later_sent_title}</h1>
        <p>{r.later_sent_text}</p>
    }
}

/// Opened from the emailed link. Continuing takes a button press, so mail scanners
/// that follow links cannot use the link up.
#[component]
pub fn ResumePage() -> impl IntoView {
    let t = use_texts();
    let r = t.referral;
    let action = ServerAction::<ResumeReferral>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", r.resume_title, t.product_name)/>
        <h1>{r.resume_title}</h1>
        <ErrorSummary error/>
        <p>{r.resume_text}</p>
        <ActionForm action attr:class="form">
            <LinkToken/>
            <button type="submit" class="button">{r.resume_submit}</button>
        </ActionForm>
    }
}

/// Opened from the receipt sent to the address of an existing account: its holder
/// confirms the referral is theirs. A button press, so mail scanners cannot do it.
#[component]
pub fn ConfirmReferralPage() -> impl IntoView {
    let t = use_texts();
    let r = t.referral;
    let action = ServerAction::<ConfirmReferral>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", r.confirm_title, t.product_name)/>
        <h1>{r.confirm_title}</h1>
        <ErrorSummary error/>
        <p>{r.confirm_text}</p>
        <ActionForm action attr:class="form">
            <LinkToken/>
            <button type="submit" class="button">{r.confirm_submit}</button>
        </ActionForm>
    }
}

#[component]
pub fn FollowReferralPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<FollowReferral>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.referral.my_referrals, t.product_name)/>
        <h1>{t.referral.my_referrals}</h1>
        <p>{t.referral.mail_receipt_follow}</p>
        <ErrorSummary error/>
        <ActionForm action attr:class="form" attr:novalidate=true>
            <LinkToken/>
            <NewPasswordField error/>
            <button type="submit" class="button">{t.invitation_submit}</button>
        </ActionForm>
    }
}
