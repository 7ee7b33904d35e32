//! The frame of every page: skip link, header, main, crisis box, footer.

use leptos::prelude::*;

use super::idle_warning::IdleWords;
use super::{CrisisBox, IdleWarning, LanguageSwitch};
use crate::i18n::use_texts;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_texts();
    view! {
        <a class="skip-link" href="#main">{t.skip_to_content}</a>
        <header class="site-header">
            <div class="site-header-inner">
                <a class="site-name" href="/">{t.product_name}</a>
                // On a phone the crisis box sits below the content: this reaches it at once.
                <a class="crisis-link" href="#crisis">{t.crisis_link}</a>
                <nav class="account-nav" aria-label=t.main_navigation>
                    <a href="/account">{t.nav_account}</a>
                </nav>
                <LanguageSwitch/>
            </div>
        </header>
        <div class="page">
            <main id="main" tabindex="-1">{children()}</main>
            // Only a signed-in person has a session to lose; other pages stay free of code.
            {session_seconds().map(|seconds| view! { <IdleWarning words=IdleWords::new(t) seconds/> })}
            <CrisisBox/>
        </div>
        <footer class="site-footer">
            <p>{t.footer_privacy}</p>
            <p>{t.footer_open_source}</p>
        </footer>
    }
}

/// Seconds until this request's session lapses if unused, or `None` without one.
fn session_seconds() -> Option<i64> {
    #[cfg(feature = "ssr")]
    {
        crate::server::auth::current_session()
            .map(|s| (s.session.idle_deadline - crate::server::db::now()).max(0))
    }
    #[cfg(not(feature = "ssr"))]
    None
}
