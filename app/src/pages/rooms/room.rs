//! The room page. The server renders the frame: the name to show, audio only, the
//! devices, and empty places for the lobby, the tiles and the controls. The live part
//! (camera, WebRTC, the host's controls) is `public/room.js`, loaded only here, which
//! starts once the page has hydrated and fills those places.

use leptos::prelude::*;

use crate::components::LoginFirst;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::rooms::room_info;
use crate::api::rooms::types::RoomDetails;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn RoomPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let info = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        room_info,
    );
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(room) if room.ended => view! {
                        <Title text=format!("{} – {}", room.title, t.product_name)/>
                        <h1>{room.title}</h1>
                        <p class="notice" role="status">{t.rooms.session_ended}</p>
                    }
                    .into_any(),
                    Ok(room) => room_frame(t, room).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <h1>{t.rooms.title}</h1>
                        <p class="notice" role="alert">{t.rooms.not_found}</p>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn room_frame(t: &'static Texts, room: RoomDetails) -> impl IntoView {
    let title = room.title.clone();
    view! {
        <Title text=format!("{} – {}", room.title, t.product_name)/>
        <div
            id="room"
            class="room"
            data-code=room.code
            data-host=room.host.to_string()
            data-texts=t.rooms.client
        >
            <h1>{title}</h1>
            <p class="muted">{t.rooms.privacy}</p>
            <p id="room-needs-js" class="notice">{t.rooms.needs_js}</p>
            <p id="room-status" class="room-status" role="status" aria-live="polite"></p>

            <section id="room-join" class="room-join" aria-labelledby="room-join-heading" hidden=true>
                <h2 id="room-join-heading">{t.rooms.join_heading}</h2>
                <div class="room-preview">
                    <video id="room-preview" aria-label=t.rooms.preview muted=true playsinline=true autoplay=true></video>
                </div>
                <form id="room-join-form" class="form">
                    <div class="field">
                        <label for="room-name">{t.rooms.your_name}</label>
                        <p id="room-name-hint" class="hint">{t.rooms.your_name_hint}</p>
                        <input
                            id="room-name"
                            name="name"
                            autocomplete="given-name"
                            maxlength="30"
                            aria-describedby="room-name-hint"
                            value=room.suggested_name
                        />
                    </div>
                    <div class="field checkbox">
                        <input id="room-audio-only" type="checkbox" name="audio_only"/>
                        <label for="room-audio-only">{t.rooms.audio_only}</label>
                    </div>
                    <div class="field">
                        <label for="room-camera">{t.rooms.camera}</label>
                        <select id="room-camera"></select>
                    </div>
                    <div class="field">
                        <label for="room-microphone">{t.rooms.microphone}</label>
                        <select id="room-microphone"></select>
                    </div>
                    <button id="room-join-button" type="submit" class="button">
                        {if room.host { t.rooms.start } else { t.rooms.join }}
                    </button>
                </form>
            </section>

            <section id="room-waiting" class="room-waiting" hidden=true></section>
            <section id="room-call" class="room-call" hidden=true>
                <aside id="room-host" class="room-host" hidden=true></aside>
                <p id="room-weak" class="notice" hidden=true></p>
                // Above the tiles, in the flow: nothing covers a tile's buttons.
                <div id="room-controls" class="room-controls"></div>
                <ul id="room-tiles" class="tiles"></ul>
            </section>
            <section id="room-gone" class="room-gone" hidden=true></section>
        </div>
        <script type="module" src=crate::asset_url("room.js")></script>
    }
}
