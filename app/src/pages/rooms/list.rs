//! The therapist's rooms: create one, share its link, see who attended.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::rooms::types::RoomSummary;
use crate::api::rooms::{list_rooms, CreateRoom};
use crate::components::{not_for_you, CopyLink, CopyLinkScript, ErrorSummary, Field, LoginFirst};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn RoomsPage() -> impl IntoView {
    let t = use_texts();
    let create = ServerAction::<CreateRoom>::new();
    let rooms = Resource::new(move || create.version().get(), |_| list_rooms());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.rooms.title, t.product_name)/>
        <h1>{t.rooms.title}</h1>
        <p>{t.rooms.intro}</p>
        <ErrorSummary error/>
        <section aria-labelledby="new-room-heading">
            <h2 id="new-room-heading">{t.rooms.create_heading}</h2>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <Field name="title" label=t.rooms.field_title autocomplete="off" keep=true error/>
                <button type="submit" class="button">{t.rooms.create_submit}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="rooms-heading">
            <h2 id="rooms-heading">{t.rooms.list_heading}</h2>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match rooms.await {
                        Ok(list) if list.is_empty() => view! { <p>{t.rooms.empty}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="rooms">
                                {list.into_iter().map(|room| room_item(t, room)).collect_view()}
                            </ul>
                            <CopyLinkScript/>
                        }
                        .into_any(),
                        Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                        Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn room_item(t: &'static Texts, room: RoomSummary) -> impl IntoView {
    let path = format!("/rooms/{}", room.code);
    let link_id = format!("link-{}", room.code);
    let open = t.rooms.open.replace("{title}", &room.title);
    let attendance = room.attendance;
    view! {
        <li class="room-item">
            <h3>{room.title.clone()}</h3>
            <p class="muted">
                {t.rooms.created.replace("{when}", &room.created)}
                {room.ended.then(|| view! { " · " <strong>{t.rooms.ended}</strong> })}
            </p>
            {(!room.ended).then(|| {
                let path = path.clone();
                view! {
                    <p>
                        // A full page load: the room's own script starts with the page.
                        <a class="button" href=path.clone() rel="external">{open}</a>
                    </p>
                    <CopyLink
                        id=link_id.clone()
                        link=room.link.clone()
                        label=t.rooms.share_hint
                        copy=t.rooms.share_copy
                        copied=t.rooms.share_copied
                    />
                }
            })}
            <details>
                <summary>{t.rooms.attendance} " (" {attendance.len()} ")"</summary>
                {if attendance.is_empty() {
                    view! { <p>{t.rooms.attendance_empty}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll">
                            <table class="entries">
                                <caption class="visually-hidden">{t.rooms.attendance}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t.rooms.col_name}</th>
                                        <th scope="col">{t.rooms.col_role}</th>
                                        <th scope="col">{t.rooms.col_joined}</th>
                                        <th scope="col">{t.rooms.col_left}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {attendance.into_iter().map(|a| view! {
                                        <tr>
                                            <td>{a.name}</td>
                                            <td>{if a.host { t.rooms.role_host } else { t.rooms.role_participant }}</td>
                                            <td>{a.joined}</td>
                                            <td>{a.left.unwrap_or_else(|| t.rooms.still_in.to_owned())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }}
            </details>
        </li>
    }
}
