//! Warns a signed-in person two minutes before an idle session ends, and lets
//! them stay; when it has ended, takes them to the login page.

use std::time::Duration;

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::{session_status, Logout};
use crate::i18n::use_texts;

/// How long before the end the warning shows.
const WARN_BEFORE_SECONDS: i64 = 120;

#[component]
pub fn IdleWarning() -> impl IntoView {
    let t = use_texts();
    let location = use_location();
    let (refresh, set_refresh) = signal(0u32);
    // Browser only: asked again at every navigation (which is activity too).
    let remaining = LocalResource::new(move || {
        location.pathname.track();
        refresh.track();
        session_status()
    });
    let (warning, set_warning) = signal(false);
    let logout = ServerAction::<Logout>::new();

    Effect::new(move |previous: Option<Vec<TimeoutHandle>>| {
        for handle in previous.into_iter().flatten() {
            handle.clear();
        }
        set_warning.set(false);
        let Some(Ok(Some(seconds))) = remaining.get() else {
            return Vec::new();
        };
        // In a video room the open call keeps the session alive (its socket counts as
        // activity): a course session must not end in the login page.
        if location.pathname.get_untracked().starts_with("/rooms/") {
            return Vec::new();
        }
        let mut handles = Vec::new();
        let warn_in = (seconds - WARN_BEFORE_SECONDS).max(0) as u64;
        if let Ok(handle) =
            set_timeout_with_handle(move || set_warning.set(true), Duration::from_secs(warn_in))
        {
            handles.push(handle);
        }
        let expire = move || {
            // A full load: the server has ended the session, and the page must show it.
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign("/login");
            }
        };
        if let Ok(handle) =
            set_timeout_with_handle(expire, Duration::from_secs(seconds.max(0) as u64))
        {
            handles.push(handle);
        }
        handles
    });

    view! {
        <Show when=move || warning.get()>
            <div class="idle-warning" role="alertdialog" aria-labelledby="idle-title" aria-describedby="idle-text">
                <h2 id="idle-title">{t.idle_title}</h2>
                <p id="idle-text">{t.idle_text}</p>
                <div class="actions">
                    <button
                        type="button"
                        class="button"
                        autofocus
                        on:click=move |_| set_refresh.update(|n| *n += 1)
                    >
                        {t.idle_continue}
                    </button>
                    <ActionForm action=logout>
                        <button type="submit" class="button secondary">{t.logout}</button>
                    </ActionForm>
                </div>
            </div>
        </Show>
    }
}
