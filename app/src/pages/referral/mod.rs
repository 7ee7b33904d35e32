//! The self-referral pages: a service's public page, one page per step, and what
//! comes after sending (receipt, "continue later", following the referral).

mod after;
mod questionnaire;
mod service;
mod step;
mod step_forms;

pub use after::{
    ConfirmReferralPage, FollowReferralPage, LaterPage, LaterSentPage, ReceiptPage, ResumePage,
};
pub use service::ServiceHomePage;
pub use step::ReferralStepPage;

use leptos::prelude::*;

use crate::i18n::use_texts;

/// A calm message after a risk answer, with what to do now. It never blocks the referral.
#[component]
pub fn RiskNotice() -> impl IntoView {
    let t = use_texts();
    let r = t.referral;
    view! {
        <section class="notice risk" aria-labelledby="risk-heading">
            <h2 id="risk-heading">{r.risk_heading}</h2>
            <p>{r.risk_text}</p>
            <ul class="plain phones">
                <li>{t.crisis_emergency} " " <a href="tel:113" class="phone">"113"</a></li>
                <li>{t.crisis_out_of_hours} " " <a href="tel:116117" class="phone">"116 117"</a></li>
                <li>{t.crisis_helpline} " " <a href="tel:116123" class="phone">"116 123"</a></li>
            </ul>
        </section>
    }
}

/// "Step 3 of 9", as text and as a bar.
#[component]
pub fn Progress(position: usize, total: usize) -> impl IntoView {
    let r = use_texts().referral;
    let label = format!("{} {position} {} {total}", r.progress_step, r.progress_of);
    view! {
        <div class="progress">
            <p class="progress-text">{label}</p>
            <progress value=position max=total aria-hidden="true"></progress>
        </div>
    }
}

/// The message when this browser has no draft for the service.
pub fn draft_missing(slug: &str) -> impl IntoView {
    let r = use_texts().referral;
    view! {
        <p class="notice" role="alert">{r.draft_missing}</p>
        <p><a class="button" href=format!("/services/{slug}")>{r.start}</a></p>
    }
}
