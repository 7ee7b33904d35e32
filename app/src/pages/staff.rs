//! The lead's page for the service's staff, and the page an invitation opens.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::staff::types::StaffView;
use crate::api::staff::{
    list_staff, AcceptInvitation, ChangeStaffRole, DeactivateStaff, InviteStaff, ReopenStaff,
};
use crate::components::{not_for_you, LoginFirst};
use crate::components::{ErrorSummary, Field, LinkToken, NewPasswordField};
use crate::domain::identity::Role;
use crate::error::AppError;
use crate::i18n::{role_label, use_texts, Texts};

const ROLES: [Role; 4] = [
    Role::Intake,
    Role::Therapist,
    Role::Lead,
    Role::SpecialistGuest,
];

fn role_select(t: &'static Texts, id: String, selected: Option<Role>) -> impl IntoView {
    view! {
        <select id=id name="role">
            {ROLES
                .into_iter()
                .map(|r| view! { <option value=r.as_str() selected=Some(r) == selected>{role_label(t, r)}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
pub fn StaffAdminPage() -> impl IntoView {
    let t = use_texts();
    let invite = ServerAction::<InviteStaff>::new();
    let change = ServerAction::<ChangeStaffRole>::new();
    let deactivate = ServerAction::<DeactivateStaff>::new();
    let reopen = ServerAction::<ReopenStaff>::new();
    let actions = Actions {
        change,
        deactivate,
        reopen,
    };
    // Whose access the lead has asked to close: the row then asks to confirm.
    let query = use_query_map();
    let closing = move || {
        query
            .read()
            .get("close")
            .and_then(|id| id.parse::<i64>().ok())
    };
    // Who was just invited: the page confirms it.
    let invited = move || {
        query
            .read()
            .get("invited")
            .and_then(|id| id.parse::<i64>().ok())
    };
    // Fetched again after every change, so the list is always current.
    let staff = Resource::new(
        move || {
            (
                invite.version().get(),
                change.version().get(),
                deactivate.version().get(),
                reopen.version().get(),
            )
        },
        |_| list_staff(),
    );
    let error = Signal::derive(move || {
        invite
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| change.value().get().and_then(Result::err))
            .or_else(|| deactivate.value().get().and_then(Result::err))
            .or_else(|| reopen.value().get().and_then(Result::err))
    });
    view! {
        <Title text=format!("{} – {}", t.staff_title, t.product_name)/>
        <h1>{t.staff_title}</h1>
        <p>{t.staff_intro}</p>
        <ErrorSummary error/>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match staff.await {
                    Ok(list) => {
                        let notice = invited()
                            .and_then(|id| list.iter().find(|m| m.account_id == id && m.invited))
                            .map(|m| t.staff_invited_notice.replace("{name}", &m.name).replace("{email}", &m.email))
                            .map(|text| view! { <p class="success" role="status">{text}</p> });
                        view! { {notice} {staff_table(t, list, actions, closing())} }.into_any()
                    }
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <section aria-labelledby="invite-heading">
            <h2 id="invite-heading">{t.staff_invite_heading}</h2>
            <ActionForm action=invite attr:class="form" attr:novalidate=true>
                <Field name="name" label=t.field_name autocomplete="off" keep=true error/>
                <Field name="email" label=t.field_email kind="email" autocomplete="off" keep=true error/>
                <div class="field">
                    <label for="field-role">{t.field_role}</label>
                    {role_select(t, "field-role".into(), Some(Role::Intake))}
                </div>
                <button type="submit" class="button">{t.staff_invite_submit}</button>
            </ActionForm>
        </section>
    }
}

/// What a lead can do to a member of staff from the table.
#[derive(Clone, Copy)]
struct Actions {
    change: ServerAction<ChangeStaffRole>,
    deactivate: ServerAction<DeactivateStaff>,
    reopen: ServerAction<ReopenStaff>,
}

fn staff_table(
    t: &'static Texts,
    staff: Vec<StaffView>,
    actions: Actions,
    closing: Option<i64>,
) -> impl IntoView {
    let Actions {
        change,
        deactivate,
        reopen,
    } = actions;
    view! {
        <div class="table-scroll" role="region" aria-labelledby="staff-caption" tabindex="0">
            <table class="entries staff">
                <caption id="staff-caption">{t.staff_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.field_name}</th>
                        <th scope="col">{t.account_email}</th>
                        <th scope="col">{t.field_role}</th>
                        <th scope="col">{t.col_status}</th>
                        <th scope="col">{t.col_actions}</th>
                    </tr>
                </thead>
                <tbody>
                    {staff
                        .into_iter()
                        .map(|m| {
                            let status = if m.deactivated {
                                t.status_deactivated
                            } else if m.invited {
                                t.status_invited
                            } else {
                                t.status_active
                            };
                            let select_id = format!("role-{}", m.account_id);
                            let manageable = !m.is_me && !m.deactivated;
                            let role_label_for = format!("{} – {}", t.field_role, m.name);
                            let change_suffix = format!(" – {}", m.name);
                            let deactivate_suffix = change_suffix.clone();
                            let reopen_suffix = change_suffix.clone();
                            let reopenable = !m.is_me && m.deactivated;
                            let confirming = manageable && closing == Some(m.account_id);
                            let confirm_id = format!("close-{}", m.account_id);
                            let question = t.staff_close_question.replace("{name}", &m.name);
                            view! {
                                <tr>
                                    <td>{m.name.clone()} {m.is_me.then_some(" ")} {m.is_me.then_some(t.staff_you)}</td>
                                    <td>{m.email.clone()}</td>
                                    <td>{role_label(t, m.role)}</td>
                                    <td>{status}</td>
                                    <td>
                                        {manageable.then(|| view! {
                                            <ActionForm action=change attr:class="inline-form">
                                                <input type="hidden" name="account_id" value=m.account_id/>
                                                <label for=select_id.clone() class="visually-hidden">
                                                    {role_label_for.clone()}
                                                </label>
                                                {role_select(t, select_id.clone(), Some(m.role))}
                                                <button type="submit" class="button secondary small">
                                                    {t.staff_change_role}
                                                    <span class="visually-hidden">{change_suffix.clone()}</span>
                                                </button>
                                            </ActionForm>
                                            {if confirming {
                                                // The second step: what closing does, and a way back.
                                                view! {
                                                    <div class="confirm-box" role="group" id=confirm_id.clone() aria-labelledby=format!("{confirm_id}-question")>
                                                        <p id=format!("{confirm_id}-question")><strong>{question.clone()}</strong></p>
                                                        <p>{t.staff_close_explained}</p>
                                                        <ActionForm action=deactivate attr:class="inline-form">
                                                            <input type="hidden" name="account_id" value=m.account_id/>
                                                            <input type="hidden" name="confirm" value="yes"/>
                                                            <button type="submit" class="button danger small">
                                                                {t.staff_close_confirm}
                                                                <span class="visually-hidden">{deactivate_suffix.clone()}</span>
                                                            </button>
                                                        </ActionForm>
                                                        <a href="/admin/staff" class="button secondary small">{t.staff_close_cancel}</a>
                                                    </div>
                                                }.into_any()
                                            } else {
                                                view! {
                                                    <a href=format!("/admin/staff?close={}#close-{}", m.account_id, m.account_id) class="button secondary small">
                                                        {t.staff_deactivate}
                                                        <span class="visually-hidden">{deactivate_suffix.clone()}</span>
                                                    </a>
                                                }.into_any()
                                            }}
                                        })}
                                        {reopenable.then(|| view! {
                                            <ActionForm action=reopen attr:class="inline-form">
                                                <input type="hidden" name="account_id" value=m.account_id/>
                                                <button type="submit" class="button secondary small">
                                                    {t.staff_reopen}
                                                    <span class="visually-hidden">{reopen_suffix.clone()}</span>
                                                </button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=format!("{} – {}", t.invitation_title, t.product_name)/>
        <h1>{t.invitation_title}</h1>
        <p>{t.invitation_intro}</p>
        <ErrorSummary error/>
        <ActionForm action attr:class="form" attr:novalidate=true>
            <LinkToken/>
            <NewPasswordField error/>
            <button type="submit" class="button">{t.invitation_submit}</button>
        </ActionForm>
    }
}
