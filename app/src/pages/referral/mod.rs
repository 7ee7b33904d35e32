//! The self-referral pages: a service's public page, one page per step, and what
//! comes after sending (receipt, "continue later", following the referral).

mod after;
mod questionnaire;
pub use questionnaire::instrument_items;
mod service;
mod step;
mod step_forms;

pub use after::{
    ConfirmReferralPage, FollowReferralPage, LaterPage, LaterSentPage, ReceiptPage, ResumePage,
};
pub use service::ServiceHomePage;
pub use step::ReferralStepPage;

use leptos::prelude::*;

use server_fn::ServerFn as _;

use crate::api::referral::SubmitReferral;
use crate::domain::referral::RiskLevel;
use crate::i18n::use_texts;

/// The crisis message after a risk answer, with the numbers to call. It never blocks
/// the referral: where it may, it offers to send it now, without the remaining steps.
/// `instant`: the words for the questionnaire's own page, before it is saved.
#[component]
pub fn RiskNotice(
    level: RiskLevel,
    #[prop(optional)] instant: bool,
    /// The words for the receipt: it is sent.
    #[prop(optional)]
    sent: bool,
    /// The service whose draft may be sent at once from here.
    send_now: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let r = t.referral;
    let (heading, text) = match (level, instant) {
        _ if sent => (r.risk_heading, r.risk_text_sent),
        (RiskLevel::Risk, false) => (r.risk_heading, r.risk_text),
        (RiskLevel::High, false) => (r.risk_heading_high, r.risk_text_high),
        (RiskLevel::Risk, true) => (r.risk_heading, r.risk_instant_text),
        (RiskLevel::High, true) => (r.risk_heading_high, r.risk_instant_text_high),
    };
    let (class, heading_id) = match level {
        RiskLevel::Risk => ("notice risk", "risk-heading"),
        RiskLevel::High => ("notice risk high", "risk-heading-high"),
    };
    let phones = view! {
        <li>{t.crisis_emergency} " " <a href="tel:113" class="phone">"113"</a></li>
        <li>{t.crisis_out_of_hours} " " <a href="tel:116117" class="phone">"116 117"</a></li>
        <li>{t.crisis_helpline} " " <a href="tel:116123" class="phone">"116 123"</a></li>
    };
    let send = send_now.map(|slug| {
        view! {
            <form method="post" action=SubmitReferral::url()>
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="early" value="yes"/>
                <button type="submit" class="button">{r.risk_send_now}</button>
            </form>
        }
    });
    view! {
        <section class=class aria-labelledby=heading_id>
            <h2 id=heading_id>{heading}</h2>
            <p>{text}</p>
            <ul class="plain phones">{phones}</ul>
            {send}
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
