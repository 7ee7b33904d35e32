//! Keeping an open board current: the server tells of every change (server-sent
//! events) and the board fetches again. Without JavaScript there is a refresh link.

use leptos::prelude::*;

/// A counter that goes up whenever the server says something changed.
pub fn changes() -> ReadSignal<u32> {
    let (count, set_count) = signal(0u32);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        Effect::new(move |_| {
            let Ok(source) = web_sys::EventSource::new("/board/events") else {
                return;
            };
            let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
                remember_focus();
                set_count.update(|n| *n += 1);
            });
            let _ = source
                .add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            on_change.forget();
            let source = send_wrapper::SendWrapper::new(source);
            on_cleanup(move || source.close());
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_count;
    count
}

#[cfg(feature = "hydrate")]
thread_local! {
    static FOCUSED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The id of the focused element, so a redrawn board can give the focus back.
#[cfg(feature = "hydrate")]
fn remember_focus() {
    let id = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(|e| e.id())
        .filter(|id| !id.is_empty());
    FOCUSED.with(|f| *f.borrow_mut() = id);
}

/// Once the redrawn board is in the page, puts the focus back where it was.
pub fn after_redraw() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(restore_focus);
}

#[cfg(feature = "hydrate")]
fn restore_focus() {
    {
        use wasm_bindgen::JsCast;
        if let Some(id) = FOCUSED.with(|f| f.borrow_mut().take()) {
            if let Some(element) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = element.focus();
            }
        }
    }
}
