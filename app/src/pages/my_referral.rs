//! One of the person's own referrals, from My page: where it stands, and withdrawing it.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::referral::types::MyReferral;
use crate::api::referral::{my_referrals, WithdrawReferral};
use crate::components::{call_us, ErrorSummary, LoginFirst};
use crate::error::AppError;
use crate::i18n::{problem_label, use_texts, Texts};

#[component]
pub fn MyReferralPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let reference = move || params.read().get("reference").unwrap_or_default();
    let referral = Resource::new(reference, |reference| async move {
        my_referrals()
            .await?
            .into_iter()
            .find(|r| r.reference == reference)
            .ok_or(AppError::NotFound)
    });
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match referral.await {
                    Ok(referral) => referral_view(t, referral).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn referral_view(t: &'static Texts, referral: MyReferral) -> impl IntoView {
    let r = t.referral;
    let withdraw = ServerAction::<WithdrawReferral>::new();
    let error = Signal::derive(move || withdraw.value().get().and_then(Result::err));
    let problem = move || error.get().and_then(|e| e.field_problem("confirm"));
    let title = format!("{} {}", r.my_referral_title, referral.reference);
    let reference = referral.reference.clone();
    let form = referral.open.then(|| {
        view! {
            <section aria-labelledby="withdraw-heading">
                <h2 id="withdraw-heading">{r.withdraw_heading}</h2>
                <p>{r.withdraw_text}</p>
                <ActionForm action=withdraw attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="reference" value=reference/>
                    <div class="field" id="field-confirm" class:invalid=move || problem().is_some()>
                        {move || problem().map(|p| view! { <p class="field-error">{problem_label(t, p)}</p> })}
                        <div class="choice">
                            <input type="checkbox" id="confirm" name="confirm" value="yes"/>
                            <label for="confirm">{r.withdraw_confirm}</label>
                        </div>
                    </div>
                    <button type="submit" class="button danger">{r.withdraw_submit}</button>
                </ActionForm>
            </section>
        }
    });
    view! {
        <Title text=format!("{title} – {}", t.product_name)/>
        <h1>{title}</h1>
        <ErrorSummary error/>
        <dl class="facts">
            <dt>{r.my_referral_service}</dt>
            <dd>{referral.service_name}</dd>
            <dt>{r.sent_on}</dt>
            <dd>{referral.sent}</dd>
            <dt>{r.my_referral_status}</dt>
            <dd>{referral.status}</dd>
            {referral.decision.map(|d| view! { <dt>{r.my_referral_decision}</dt> <dd>{d}</dd> })}
        </dl>
        <section class="next-steps" aria-labelledby="next-heading">
            <h2 id="next-heading">{r.next_heading}</h2>
            <p>{referral.next}</p>
            {referral.contact.map(|(phone, text)| call_us(&phone, &text))}
            <p>{r.contact_urgent}</p>
        </section>
        {form}
        <p><a href="/account">{r.my_referral_back}</a></p>
    }
}
