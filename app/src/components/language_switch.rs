//! Switching the interface language, with and without JavaScript, without losing
//! what was typed.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::domain::path::encode_query_value;
use crate::i18n::{use_lang, use_texts, Lang};

/// The id of the form a page sends along when the language is switched, so that what
/// was typed in it is kept. The referral steps have one (`pages::referral`); their
/// server function takes `fields[_lang]`, remembers the language and shows the step
/// again with what was typed.
pub const KEPT_FORM: &str = "kept-form";

/// One choice per language. The server remembers it in a cookie and sends the person
/// back to the page they were on. On a referral step each choice is a button of the
/// step's form (`KEPT_FORM`), so the answers on the page go along; elsewhere a link.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let t = use_texts();
    let current = use_lang();
    let path = use_location().pathname.get_untracked();
    let keeps_form = is_referral_step(&path);
    let links = Lang::ALL
        .into_iter()
        .map(|lang| {
            let current = (lang == current).then_some("true");
            let choice = if keeps_form {
                view! {
                    <button
                        type="submit"
                        form=KEPT_FORM
                        name="fields[_lang]"
                        value=lang.code()
                        lang=lang.code()
                        aria-current=current
                    >
                        {lang.native_name()}
                    </button>
                }
                .into_any()
            } else {
                let href = format!("/language/{}?to={}", lang.code(), encode_query_value(&path));
                view! {
                    <a
                        href=href
                        rel="external"
                        lang=lang.code()
                        hreflang=lang.code()
                        aria-current=current
                    >
                        {lang.native_name()}
                    </a>
                }
                .into_any()
            };
            view! { <li>{choice}</li> }
        })
        .collect_view();
    view! {
        <nav class="language-switch" aria-label=t.language_label>
            <ul>{links}</ul>
        </nav>
    }
}

/// `/services/{slug}/refer/{step}`, except the review, which has nothing to type.
fn is_referral_step(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(parts.as_slice(), ["services", _, "refer", step] if *step != "review")
}

#[cfg(test)]
mod tests {
    use super::is_referral_step;

    #[test]
    fn referral_steps_keep_their_form_but_the_review_does_not() {
        assert!(is_referral_step("/services/demo/refer/about"));
        assert!(is_referral_step("/services/demo/refer/questionnaire-phq9"));
        assert!(!is_referral_step("/services/demo/refer/review"));
        assert!(!is_referral_step("/services/demo"));
        assert!(!is_referral_step("/services/demo/later"));
    }
}
