//! Every user-facing string, in bokmål, nynorsk and English, and how a page finds its language.
//!
//! Each language is one `Texts` value; a missing string is a compile error, not a blank.

pub mod board;
pub mod course;
mod en;
mod nb;
mod nn;
pub mod outcome;
pub mod referral;
pub mod rooms;

use leptos::prelude::*;

pub use crate::domain::language::Lang;

/// The name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// All interface strings of one language.
pub struct Texts {
    pub skip_to_content: &'static str,
    pub product_name: &'static str,
    pub language_label: &'static str,
    pub main_navigation: &'static str,
    pub nav_home: &'static str,

    pub crisis_link: &'static str,
    pub crisis_heading: &'static str,
    pub crisis_emergency: &'static str,
    pub crisis_out_of_hours: &'static str,
    pub crisis_helpline: &'static str,
    pub crisis_note: &'static str,

    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub home_offers_heading: &'static str,
    pub home_offers: [&'static str; 4],
    pub home_for_whom_heading: &'static str,
    pub home_for_whom: &'static str,
    pub home_after_heading: &'static str,
    pub home_after: &'static str,
    pub home_services_heading: &'static str,
    pub home_services_empty: &'static str,
    pub home_municipalities: &'static str,

    pub footer_privacy: &'static str,
    pub footer_open_source: &'static str,

    pub nav_account: &'static str,
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub field_email: &'static str,
    pub field_password: &'static str,
    pub login_submit: &'static str,
    pub code_title: &'static str,
    pub code_intro: &'static str,
    pub field_code: &'static str,
    pub code_submit: &'static str,
    pub error_summary_heading: &'static str,
    pub account_title: &'static str,
    pub account_email: &'static str,
    pub account_roles: &'static str,
    pub account_second_factor_on: &'static str,
    pub account_idle_before: &'static str,
    pub account_idle_after: &'static str,
    pub logout: &'static str,
    pub logout_everywhere: &'static str,
    pub kind_citizen: &'static str,
    pub role_intake: &'static str,
    pub role_therapist: &'static str,
    pub role_lead: &'static str,
    pub role_specialist_guest: &'static str,
    pub error_login_failed: &'static str,
    pub error_wrong_code: &'static str,
    pub error_confirm_identity: &'static str,
    pub error_identity_not_confirmed: &'static str,
    pub error_rate_limited: &'static str,
    pub error_signed_out: &'static str,
    pub error_invalid: &'static str,
    pub problem_required: &'static str,
    pub problem_too_long: &'static str,
    pub problem_email: &'static str,
    pub problem_password_short: &'static str,
    pub problem_password_long: &'static str,
    pub problem_password_common: &'static str,
    pub problem_password_email: &'static str,
    pub error_email_not_verified: &'static str,
    pub error_link_invalid: &'static str,
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub field_name: &'static str,
    pub field_new_password: &'static str,
    pub password_hint: &'static str,
    pub register_submit: &'static str,
    pub register_sent_title: &'static str,
    pub register_sent_text: &'static str,
    pub verify_title: &'static str,
    pub verify_text: &'static str,
    pub verify_submit: &'static str,
    pub login_verified_notice: &'static str,
    pub login_no_account: &'static str,
    pub mail_verify_subject: &'static str,
    pub mail_verify_body: &'static str,
    pub mail_exists_subject: &'static str,
    pub mail_exists_body: &'static str,
    pub access_log_link: &'static str,
    pub access_log_title: &'static str,
    pub access_log_intro: &'static str,
    pub access_log_empty: &'static str,
    pub col_when: &'static str,
    pub col_who: &'static str,
    pub col_what: &'static str,
    pub col_why: &'static str,
    /// "{n} times", after a repeated access.
    pub times: &'static str,
    pub purpose_triage: &'static str,
    pub purpose_joint_assessment: &'static str,
    pub purpose_treatment: &'static str,
    pub purpose_export: &'static str,
    pub purpose_account_support: &'static str,
    pub data_account: &'static str,
    pub data_contact_details: &'static str,
    pub data_referral: &'static str,
    pub data_questionnaire_answers: &'static str,
    pub data_notes: &'static str,
    pub action_viewed: &'static str,
    pub action_changed: &'static str,
    pub action_exported: &'static str,
    pub forgot_link: &'static str,
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_submit: &'static str,
    pub forgot_sent_text: &'static str,
    pub reset_title: &'static str,
    pub reset_submit: &'static str,
    pub login_reset_notice: &'static str,
    pub mail_reset_subject: &'static str,
    pub mail_reset_body: &'static str,
    pub sf_title: &'static str,
    pub sf_intro: &'static str,
    pub sf_scan: &'static str,
    pub sf_qr_alt: &'static str,
    pub sf_secret_label: &'static str,
    pub sf_codes: &'static str,
    pub sf_confirm: &'static str,
    pub sf_reauth_intro: &'static str,
    pub sf_reauth_submit: &'static str,
    pub sf_reload_note: &'static str,
    pub sf_submit: &'static str,
    pub account_enable_second_factor: &'static str,
    pub account_reset_second_factor: &'static str,
    pub nav_staff: &'static str,
    pub staff_title: &'static str,
    pub staff_intro: &'static str,
    pub staff_invite_heading: &'static str,
    pub staff_invited_notice: &'static str,
    pub staff_invite_submit: &'static str,
    pub field_role: &'static str,
    pub col_status: &'static str,
    pub col_actions: &'static str,
    pub status_active: &'static str,
    pub status_invited: &'static str,
    pub status_deactivated: &'static str,
    pub staff_change_role: &'static str,
    pub staff_deactivate: &'static str,
    pub staff_close_question: &'static str,
    pub staff_close_explained: &'static str,
    pub staff_close_confirm: &'static str,
    pub staff_close_cancel: &'static str,
    pub staff_reopen: &'static str,
    pub staff_you: &'static str,
    pub problem_email_taken: &'static str,
    pub invitation_title: &'static str,
    pub invitation_intro: &'static str,
    pub invitation_submit: &'static str,
    pub login_invited_notice: &'static str,
    pub mail_invite_subject: &'static str,
    pub mail_invite_body: &'static str,
    pub error_forbidden: &'static str,
    /// A signed-in person on a page their role does not include.
    pub not_for_you: &'static str,
    pub your_work_is_here: &'static str,
    pub idle_title: &'static str,
    pub idle_text: &'static str,
    pub idle_continue: &'static str,
    pub problem_national_id_length: &'static str,
    pub problem_national_id_date: &'static str,
    pub problem_national_id_check: &'static str,
    pub problem_too_young: &'static str,
    pub problem_phone: &'static str,
    pub problem_not_served: &'static str,
    pub problem_consent: &'static str,
    pub problem_confirm: &'static str,
    pub problem_choose_one: &'static str,
    pub problem_choose_at_least_one: &'static str,
    pub problem_out_of_range: &'static str,
    pub problem_unanswered: &'static str,
    pub problem_no_such_referral: &'static str,
    pub referral: &'static crate::i18n::referral::ReferralTexts,
    pub board: &'static crate::i18n::board::BoardTexts,
    pub rooms: &'static crate::i18n::rooms::RoomTexts,
    pub course: &'static crate::i18n::course::CourseTexts,
    pub outcome: &'static crate::i18n::outcome::OutcomeTexts,
    pub loading: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_to_home: &'static str,

    pub error_unavailable: &'static str,
    pub error_bad_request: &'static str,
    pub error_too_large: &'static str,
    pub error_cross_site: &'static str,
    pub error_unexpected: &'static str,
}

/// The strings of one language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Nb => &nb::TEXTS,
        Lang::Nn => &nn::TEXTS,
        Lang::En => &en::TEXTS,
    }
}

/// What is wrong with a form field, in words.
pub fn problem_label(
    t: &'static Texts,
    problem: crate::domain::field::FieldProblem,
) -> &'static str {
    use crate::domain::field::FieldProblem;
    use crate::domain::password::PasswordProblem;
    match problem {
        FieldProblem::Required => t.problem_required,
        FieldProblem::TooLong => t.problem_too_long,
        FieldProblem::EmailInvalid => t.problem_email,
        FieldProblem::EmailTaken => t.problem_email_taken,
        FieldProblem::Password(PasswordProblem::TooShort) => t.problem_password_short,
        FieldProblem::Password(PasswordProblem::TooLong) => t.problem_password_long,
        FieldProblem::Password(PasswordProblem::TooCommon) => t.problem_password_common,
        FieldProblem::Password(PasswordProblem::LikeEmail) => t.problem_password_email,
        FieldProblem::NationalIdLength => t.problem_national_id_length,
        FieldProblem::NationalIdDate => t.problem_national_id_date,
        FieldProblem::NationalIdCheck => t.problem_national_id_check,
        FieldProblem::TooYoung => t.problem_too_young,
        FieldProblem::PhoneInvalid => t.problem_phone,
        FieldProblem::NotServed => t.problem_not_served,
        FieldProblem::ConsentMissing => t.problem_consent,
        FieldProblem::ConfirmMissing => t.problem_confirm,
        FieldProblem::ChooseOne => t.problem_choose_one,
        FieldProblem::ChooseAtLeastOne => t.problem_choose_at_least_one,
        FieldProblem::Unanswered => t.problem_unanswered,
        FieldProblem::NoSuchReferral => t.problem_no_such_referral,
        FieldProblem::OutOfRange => t.problem_out_of_range,
        FieldProblem::Cohort(e) => t.course.problem(e),
    }
}

/// A role's name in the interface.
pub fn role_label(t: &'static Texts, role: crate::domain::identity::Role) -> &'static str {
    use crate::domain::identity::Role;
    match role {
        Role::Intake => t.role_intake,
        Role::Therapist => t.role_therapist,
        Role::Lead => t.role_lead,
        Role::SpecialistGuest => t.role_specialist_guest,
    }
}

/// What kind of data an access-log entry is about, in words.
pub fn data_kind_label(t: &'static Texts, kind: crate::domain::access::DataKind) -> &'static str {
    use crate::domain::access::DataKind;
    match kind {
        DataKind::Account => t.data_account,
        DataKind::ContactDetails => t.data_contact_details,
        DataKind::Referral => t.data_referral,
        DataKind::QuestionnaireAnswers => t.data_questionnaire_answers,
        DataKind::Notes => t.data_notes,
    }
}

/// Why it was done, in words.
pub fn purpose_label(t: &'static Texts, purpose: crate::domain::access::Purpose) -> &'static str {
    use crate::domain::access::Purpose;
    match purpose {
        Purpose::Triage => t.purpose_triage,
        Purpose::JointAssessment => t.purpose_joint_assessment,
        Purpose::Treatment => t.purpose_treatment,
        Purpose::Export => t.purpose_export,
        Purpose::AccountSupport => t.purpose_account_support,
    }
}

pub fn action_label(
    t: &'static Texts,
    action: crate::domain::access::AccessAction,
) -> &'static str {
    use crate::domain::access::AccessAction;
    match action {
        AccessAction::Viewed => t.action_viewed,
        AccessAction::Changed => t.action_changed,
        AccessAction::Exported => t.action_exported,
    }
}

/// The language of the page being rendered, provided once by `App`. In the browser
/// there is no context from the server: `<html lang>` says it.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(detect_lang)
}

/// The strings of the page being rendered.
pub fn use_texts() -> &'static Texts {
    texts(use_lang())
}

/// Decides the page language: on the server from the cookie, then
/// `Accept-Language`; in the browser from `<html lang>`, which the server wrote,
/// so both sides always agree and hydration never mismatches.
pub fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            return lang_from_headers(&parts.headers);
        }
    }
    #[cfg(feature = "hydrate")]
    {
        if let Some(code) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
        {
            return Lang::from_code(&code).unwrap_or_default();
        }
    }
    Lang::default()
}

/// `Set-Cookie` value that remembers the chosen interface language for a year.
#[cfg(feature = "ssr")]
pub fn lang_cookie(lang: Lang, production: bool) -> String {
    crate::server::cookies::site_cookie(
        LANG_COOKIE,
        lang.code(),
        Some(365 * 24 * 60 * 60),
        production,
    )
}

/// The language a request asks for: the remembered choice first, then the browser's.
#[cfg(feature = "ssr")]
pub fn lang_from_headers(headers: &http::HeaderMap) -> Lang {
    let from_cookie = crate::server::cookies::cookie_value(headers, LANG_COOKIE)
        .and_then(|value| Lang::from_code(&value));
    from_cookie.unwrap_or_else(|| {
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string_filled_in() {
        for lang in Lang::ALL {
            let t = texts(lang);
            for s in [
                t.skip_to_content,
                t.product_name,
                t.crisis_heading,
                t.home_title,
                t.not_found_title,
                t.error_unexpected,
            ]
            .iter()
            .chain(t.home_offers.iter())
            {
                assert!(!s.trim().is_empty(), "{lang:?} has an empty string");
            }
        }
    }

    #[test]
    fn languages_differ_where_they_should() {
        assert_ne!(
            texts(Lang::Nb).crisis_heading,
            texts(Lang::En).crisis_heading
        );
        assert_ne!(
            texts(Lang::Nb).crisis_heading,
            texts(Lang::Nn).crisis_heading
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn cookie_choice_beats_browser_preference() {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::ACCEPT_LANGUAGE, "en".parse().unwrap());
        headers.insert(http::header::COOKIE, "a=b; lang=nn".parse().unwrap());
        assert_eq!(lang_from_headers(&headers), Lang::Nn);
        headers.remove(http::header::COOKIE);
        assert_eq!(lang_from_headers(&headers), Lang::En);
    }
}
