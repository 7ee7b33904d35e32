//! Keeping an open board current: the server tells of every change (server-sent
//! events), and the board's part of the page is fetched again and put in place.
//! Without JavaScript there is a refresh link.

use leptos::prelude::*;

/// The ids of the elements whose contents a change replaces: the figures, the time of
/// the last update and the columns (not the filters, which may be half filled in).
pub const LIVE_REGIONS: [&str; 4] = [
    "board-alert",
    "board-stats",
    "board-updated",
    "board-columns",
];

/// An island with nothing to show: it listens for changes while the board is open.
#[island]
pub fn LiveBoard() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| listen());
}

/// Opens the event stream; each change fetches the page again (the address keeps the
/// filters) and swaps in its board, then gives the focus back to where it was.
#[cfg(feature = "hydrate")]
fn listen() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/board/events") else {
        return;
    };
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        wasm_bindgen_futures::spawn_local(async {
            if let Err(error) = redraw().await {
                leptos::logging::warn!("the board could not be brought up to date: {error:?}");
            }
        });
    });
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    on_change.forget();
    let source = send_wrapper::SendWrapper::new(source);
    on_cleanup(move || source.close());
}

#[cfg(feature = "hydrate")]
async fn redraw() -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let address = window.location().href()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&address))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err(format!("status {}", response.status()).into());
    }
    let html = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    let fresh =
        web_sys::DomParser::new()?.parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
    let focused = document
        .active_element()
        .map(|e| e.id())
        .filter(|id| !id.is_empty());
    // The tab's title says when urgent referrals wait, for a board open in the background.
    document.set_title(&fresh.title());
    for id in LIVE_REGIONS {
        if let (Some(new), Some(shown)) =
            (fresh.get_element_by_id(id), document.get_element_by_id(id))
        {
            shown.set_inner_html(&new.inner_html());
        }
    }
    if let Some(element) = focused
        .and_then(|id| document.get_element_by_id(&id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
    Ok(())
}
