//! The staff pages a person may use: on My page, and in place of a page that is not
//! part of their work (a therapist who follows a link to the board).

use leptos::prelude::*;

use crate::api::auth::my_account;
use crate::domain::capability::Kind;
use crate::i18n::Texts;

/// The staff pages the capabilities open, in the order work flows: (address, name).
fn pages(t: &'static Texts, may: &[Kind]) -> Vec<(&'static str, &'static str)> {
    [
        (Kind::WorkBoard, "/board", t.board.nav_board),
        (Kind::CoAssess, "/board/shared", t.board.nav_shared),
        (Kind::LeadGroups, "/groups", t.course.groups_nav),
        (Kind::ManageCourses, "/courses", t.course.catalogue_nav),
        (Kind::ServiceFigures, "/figures", t.outcome.figures_nav),
        (Kind::HostRoom, "/rooms", t.rooms.nav),
        (Kind::ManageStaff, "/admin/staff", t.nav_staff),
    ]
    .into_iter()
    .filter(|(kind, _, _)| may.contains(kind))
    .map(|(_, href, label)| (href, label))
    .collect()
}

/// One link per staff page the capabilities open; nothing for a citizen.
pub fn work_links(t: &'static Texts, may: &[Kind]) -> impl IntoView {
    let links = pages(t, may);
    (!links.is_empty()).then(|| {
        view! {
            <ul class="work-links">
                {links
                    .into_iter()
                    .map(|(href, label)| view! { <li><a href=href>{label}</a></li> })
                    .collect_view()}
            </ul>
        }
    })
}

/// Said instead of "no access" to someone signed in whose role does not include the
/// page: where their own work is, or My page.
pub async fn not_for_you(t: &'static Texts) -> impl IntoView {
    let may = my_account().await.map(|a| a.may).unwrap_or_default();
    let has_work = !pages(t, &may).is_empty();
    view! {
        <div class="notice" role="alert">
            <p>{t.not_for_you}</p>
            {if has_work {
                view! { <p>{t.your_work_is_here}</p> {work_links(t, &may)} }.into_any()
            } else {
                view! { <p><a href="/account">{t.nav_account}</a></p> }.into_any()
            }}
        </div>
    }
}
