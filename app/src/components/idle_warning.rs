//! Warns a signed-in person two minutes before an idle session ends, and lets
//! them stay; when it has ended, takes them to the login page.

use std::time::Duration;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::ServerFn as _;

use crate::api::auth::Logout;
use crate::i18n::Texts;

/// How long before the end the warning shows.
const WARN_BEFORE_SECONDS: i64 = 120;

/// The warning's words, sent with it: the browser bundle carries no translations.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IdleWords {
    title: String,
    text: String,
    stay: String,
    logout: String,
}

impl IdleWords {
    pub fn new(t: &Texts) -> IdleWords {
        IdleWords {
            title: t.idle_title.to_owned(),
            text: t.idle_text.to_owned(),
            stay: t.idle_continue.to_owned(),
            logout: t.logout.to_owned(),
        }
    }
}

/// An island. The server says how long the session has left as it renders the page (a
/// page load is activity too), so the timers are set as the island wakes, before the
/// page is marked ready; choosing to stay asks the server again.
#[island]
pub fn IdleWarning(words: IdleWords, seconds: i64) -> impl IntoView {
    let words = StoredValue::new(words);
    let (warning, set_warning) = signal(false);
    // The timers of the warning and of the end, replaced whenever the server answers.
    let timers = StoredValue::new(Vec::<TimeoutHandle>::new());
    let arm = move |seconds: Option<i64>| {
        timers.update_value(|timers| timers.drain(..).for_each(|timer| timer.clear()));
        set_warning.set(false);
        // In a video room the open call keeps the session alive (its socket counts as
        // activity): a course session must not end in the login page.
        let Some(seconds) = seconds.filter(|_| !in_room()) else {
            return;
        };
        let warn_in = (seconds - WARN_BEFORE_SECONDS).max(0) as u64;
        let warn =
            set_timeout_with_handle(move || set_warning.set(true), Duration::from_secs(warn_in));
        let expire = move || {
            // A full load: the server has ended the session, and the page must show it.
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign("/login");
            }
        };
        let end = set_timeout_with_handle(expire, Duration::from_secs(seconds.max(0) as u64));
        timers.update_value(|timers| timers.extend(warn.into_iter().chain(end)));
    };
    #[cfg(feature = "hydrate")]
    arm(Some(seconds));
    #[cfg(not(feature = "hydrate"))]
    let _ = (seconds, &arm);
    let stay = move || {
        set_warning.set(false);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move { arm(seconds_left().await) });
    };

    view! {
        <Show when=move || warning.get()>
            <div class="idle-warning" role="alertdialog" aria-labelledby="idle-title" aria-describedby="idle-text">
                <h2 id="idle-title">{words.read_value().title.clone()}</h2>
                <p id="idle-text">{words.read_value().text.clone()}</p>
                <div class="actions">
                    <button
                        type="button"
                        class="button"
                        autofocus
                        on:click=move |_| stay()
                    >
                        {words.read_value().stay.clone()}
                    </button>
                    // A plain form: logging out ends in a full page load anyway.
                    <form method="post" action=Logout::url()>
                        <button type="submit" class="button secondary">{words.read_value().logout.clone()}</button>
                    </form>
                </div>
            </div>
        </Show>
    }
}

/// Asks the server again how long the session has left (`session_status`), with a plain
/// `fetch`: the server-function client would add more to the bundle than the rest of
/// this island. `None` without a session or an answer.
#[cfg(feature = "hydrate")]
async fn seconds_left() -> Option<i64> {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen_futures::JsFuture;

    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().ok()?;
    headers.set("Accept", "application/json").ok()?;
    init.set_headers(&headers);
    let url = crate::api::auth::SessionStatus::url();
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let body = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    // The answer is a JSON number, or `null` without a session.
    body.trim().parse().ok()
}

/// Whether this page is a video room.
fn in_room() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .is_some_and(|path| path.starts_with("/rooms/"))
    }
    #[cfg(not(feature = "hydrate"))]
    false
}
