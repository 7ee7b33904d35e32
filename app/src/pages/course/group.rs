//! One course group for its leaders: who has a place, who waits, and every session
//! with its room's full address to open or copy.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::course::types::{
    AttendanceColumn, AttendanceRow, GroupSession, GroupSettings, GroupView, ParticipantScores,
};
use crate::api::course::{
    group, CancelSession, ChangeGroup, ChangeGroupState, ChangeSession, EnrolParticipant,
    MarkAttendance, RemoveParticipant, ReopenReferral,
};
use crate::components::field::select_field;
use crate::components::{
    not_for_you, ConfirmFirst, CopyLink, CopyLinkScript, ErrorSummary, Field, LoginFirst,
};
use crate::domain::course::Format;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};

#[component]
pub fn GroupPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    // What the last change did (`?saved=`), said where it shows.
    let query = use_query_map();
    let mark = ServerAction::<MarkAttendance>::new();
    let change = ServerAction::<ChangeGroupState>::new();
    let cancel = ServerAction::<CancelSession>::new();
    let enrol = ServerAction::<EnrolParticipant>::new();
    let remove = ServerAction::<RemoveParticipant>::new();
    let reopen = ServerAction::<ReopenReferral>::new();
    let edit = ServerAction::<ChangeGroup>::new();
    let shift = ServerAction::<ChangeSession>::new();
    let error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| edit.value().get().and_then(Result::err))
            .or_else(|| shift.value().get().and_then(Result::err))
            .or_else(|| cancel.value().get().and_then(Result::err))
            .or_else(|| enrol.value().get().and_then(Result::err))
            .or_else(|| remove.value().get().and_then(Result::err))
            .or_else(|| reopen.value().get().and_then(Result::err))
    });
    let view_data = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("cohort")
                    .and_then(|c| c.parse::<i64>().ok())
                    .unwrap_or(0),
                mark.version().get(),
                change.version().get(),
                cancel.version().get(),
                enrol.version().get(),
                remove.version().get(),
                reopen.version().get(),
                edit.version().get(),
                shift.version().get(),
            )
        },
        |(cohort, ..)| group(cohort),
    );
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(view) => {
                        let saved = query.read().get("saved");
                        group_view(t, view, Actions { mark, change, cancel, enrol, remove, reopen, edit, shift }, error, saved).into_any()
                    }
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The forms of the group page.
#[derive(Clone, Copy)]
struct Actions {
    mark: ServerAction<MarkAttendance>,
    change: ServerAction<ChangeGroupState>,
    cancel: ServerAction<CancelSession>,
    enrol: ServerAction<EnrolParticipant>,
    remove: ServerAction<RemoveParticipant>,
    reopen: ServerAction<ReopenReferral>,
    edit: ServerAction<ChangeGroup>,
    shift: ServerAction<ChangeSession>,
}

fn group_view(
    t: &'static Texts,
    view: GroupView,
    actions: Actions,
    error: Signal<Option<AppError>>,
    saved: Option<String>,
) -> impl IntoView {
    let c = t.course;
    let cohort = view.cohort_id;
    // Not beside a refusal: the address keeps the last "saved" after it.
    let saved = saved.filter(|_| error.get_untracked().is_none());
    let said = |of: &[&str], text: &'static str| {
        saved
            .as_deref()
            .filter(|s| of.contains(s))
            .map(|_| view! { <p class="success" role="status">{text}</p> })
    };
    let saved_top = said(&["state"], c.saved_state);
    let saved_dates =
        said(&["session"], c.saved_session).or_else(|| said(&["cancelled"], c.saved_cancelled));
    let saved_group = said(&["group"], c.saved_group);
    let attendance = attendance_grid(t, cohort, view.columns, view.attendance, actions.mark);
    // One button per next step, with what it does; a step that cannot be taken back
    // (finishing, cancelling) asks to be confirmed behind a disclosure.
    let state_form = (!view.next_states.is_empty()).then(|| {
        view! {
            // The error summary's link for a refused step ("field-state") lands here.
        <section aria-labelledby="state-heading" class="state-steps" id="field-state" tabindex="-1">
                <h2 id="state-heading">{c.state_heading}</h2>
                {view.next_states.into_iter().map(|step| {
                    let (change, state) = (actions.change, step.state.clone());
                    let form = move |label: String| view! {
                        <ActionForm action=change attr:class="inline-form">
                            <input type="hidden" name="cohort" value=cohort/>
                            <input type="hidden" name="state" value=state/>
                            <button type="submit" class="button secondary small">{label}</button>
                        </ActionForm>
                    };
                    match step.confirm.clone() {
                        None => view! {
                            <div class="state-step">
                                {form(step.action.clone())}
                                <p class="hint">{step.hint.clone()}</p>
                            </div>
                        }.into_any(),
                        Some(confirm) => view! {
                            <ConfirmFirst label=step.action.clone() hint=step.hint.clone()>{form(confirm)}</ConfirmFirst>
                        }.into_any(),
                    }
                }).collect_view()}
            </section>
        }
    });
    let opens_board = view.opens_board;
    // Finished or cancelled (no settings to change): nobody joins or is removed.
    let closed = view.settings.is_none();
    let scores = scores_table(t, view.measures, view.scores, opens_board);
    let settings = view
        .settings
        .map(|settings| settings_form(t, cohort, settings, actions.edit, error, saved_group));
    let roster = if view.roster.is_empty() {
        view! { <p>{c.roster_empty}</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class="entries stacked">
                    <caption class="visually-hidden">{c.roster_heading}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{c.col_name}</th>
                            <th scope="col">{c.col_referral}</th>
                            <th scope="col">{c.col_standing}</th>
                            <th scope="col">{c.col_change}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {view.roster.into_iter().map(|p| view! {
                            <tr>
                                <td data-label=c.col_name>{p.name.clone()}</td>
                                <td data-label=c.col_referral>{on_board(opens_board, &p.reference, p.reference.clone())}</td>
                                <td data-label=c.col_standing>{p.standing}</td>
                                // A finished or cancelled group is history: nobody is
                                // removed from it (the lead may only reopen a referral).
                                <td data-label=c.col_change>{if p.reopenable {
                                    reopen_form(t, cohort, &p.name, p.referral_id, actions.reopen).into_any()
                                } else if closed {
                                    ().into_any()
                                } else {
                                    remove_form(t, cohort, &p.name, p.referral_id, actions.remove, error).into_any()
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    // The session the leaders meet next, first on the page with its way in: the
    // list of every date comes last.
    let next_session = view.sessions.iter().find(|s| s.next).map(|s| {
        let link = s.link.as_deref().map(|link| {
            view! { <p><a class="button" href=room_path(link) rel="external">{c.room_link}</a></p> }
        });
        view! {
            <section aria-labelledby="next-session-heading" class="next-session">
                <h2 id="next-session-heading">{c.next_session}</h2>
                <p>{c.next_session_line.replace("{n}", &s.number.to_string()).replace("{when}", &s.line.when).replace("{how}", &s.line.how)}</p>
                {link}
            </section>
        }
    });
    view! {
        <Title text=format!("{} – {}", view.course, t.product_name)/>
        <p><a href="/groups">{c.groups_title}</a></p>
        <h1>{view.course.clone()}</h1>
        <p><strong>{view.state}</strong> " · " {view.seats}</p>
        <ErrorSummary error/>
        {saved_top}
        {next_session}
        {state_form}
        <section aria-labelledby="roster-heading">
            <h2 id="roster-heading">{c.roster_heading}</h2>
            <p class="hint">{c.roster_privacy}</p>
            {roster}
            {(!closed).then(|| enrol_form(t, cohort, actions.enrol, error))}
        </section>
        {attendance}
        {scores}
        <p><a href=format!("/figures?cohort={cohort}")>{t.outcome.cohort_figures_link}</a></p>
        {settings}
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{c.sessions_heading}</h2>
            {saved_dates}
            <ol class="sessions group-sessions">
                {view.sessions.into_iter().enumerate().map(|(i, s)| {
                    let link = s.link.clone().map(|link| {
                        view! {
                            <p><a href=room_path(&link) rel="external">{c.room_link}</a></p>
                            <CopyLink
                                id=format!("session-link-{}", i + 1)
                                link=link
                                label=t.rooms.share_hint
                                copy=t.rooms.share_copy
                                copied=t.rooms.share_copied
                            />
                        }
                    });
                    let forms = s.cancellable.then(|| session_forms(t, cohort, &s, actions, error));
                    view! {
                        <li class:cancelled=s.line.cancelled class:next=s.next>
                            {s.next.then(|| view! { <strong class="next-mark">{c.next_session}</strong> " " })}
                            {s.line.when} " · " {s.line.how}
                            {s.line.cancelled.then(|| view! { " · " <strong>{c.cancelled}</strong> })}
                            {link}
                            {forms}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <CopyLinkScript/>
        </section>
    }
}

/// A room's full address as a path on this site ("/rooms/…"), for its link.
fn room_path(link: &str) -> String {
    link.split_once("/rooms/")
        .map(|(_, code)| format!("/rooms/{code}"))
        .unwrap_or_default()
}

/// Participants × sessions: a tick and minutes in the room where they came, and for an
/// in-person session that has begun, a button to tick them (or undo a tick).
fn attendance_grid(
    t: &'static Texts,
    cohort: i64,
    columns: Vec<AttendanceColumn>,
    rows: Vec<AttendanceRow>,
    mark: ServerAction<MarkAttendance>,
) -> impl IntoView {
    let c = t.course;
    let body = if rows.is_empty() {
        view! { <p>{c.attendance_empty}</p> }.into_any()
    } else {
        let head = columns
            .iter()
            .map(|col| view! { <th scope="col">{col.number} <span class="muted">" " {col.date.clone()}</span></th> })
            .collect_view();
        let body = rows
            .into_iter()
            .map(|row| {
                let cells = row
                    .cells
                    .into_iter()
                    .zip(columns.clone())
                    .map(|(cell, col)| {
                        let shown = match (cell.present, cell.minutes) {
                            (true, Some(minutes)) => format!("✓ {}", c.minutes.replace("{n}", &minutes.to_string())),
                            (true, None) => "✓".to_owned(),
                            (false, _) => "–".to_owned(),
                        };
                        let said = if cell.present { c.present } else { c.absent };
                        let button = (col.tickable && (!cell.present || cell.ticked)).then(|| {
                            let label = c
                                .mark_label
                                .replace("{name}", &row.name)
                                .replace("{n}", &col.number.to_string());
                            view! {
                                <ActionForm action=mark attr:class="tick">
                                    <input type="hidden" name="cohort" value=cohort/>
                                    <input type="hidden" name="session" value=col.session_id/>
                                    <input type="hidden" name="referral" value=row.referral_id/>
                                    <input type="hidden" name="present" value=(!cell.present).to_string()/>
                                    <button type="submit" class="button small secondary" aria-label=format!("{}: {label}", if cell.present { c.unmark } else { c.mark_present })>
                                        {if cell.present { c.unmark } else { c.mark_present }}
                                    </button>
                                </ActionForm>
                            }
                        });
                        view! {
                            <td class:present=cell.present>
                                <span aria-hidden="true">{shown}</span>
                                <span class="visually-hidden">{said}</span>
                                {button}
                            </td>
                        }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{row.name}</th>{cells}</tr> }
            })
            .collect_view();
        view! {
            // Focusable, so a keyboard can scroll a grid wider than the screen.
            <div class="table-scroll" tabindex="0" role="group" aria-labelledby="attendance-heading">
                <table class="entries attendance">
                    <caption class="visually-hidden">{c.attendance_heading}</caption>
                    <thead><tr><th scope="col">{c.col_name}</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="attendance-heading">
            <h2 id="attendance-heading">{c.attendance_heading}</h2>
            <p class="hint">{c.attendance_hint}</p>
            {body}
        </section>
    }
}

/// `text` as a link to the referral on the board for those who work it; plain for the
/// group's leaders who do not (the board would refuse them).
fn on_board(opens_board: bool, reference: &str, text: String) -> AnyView {
    if opens_board {
        view! { <a href=format!("/board/{reference}")>{text}</a> }.into_any()
    } else {
        text.into_any()
    }
}

/// Each participant's first and latest score on each measure, the change, and a risk
/// answer if they gave one; the referral holds every answer.
fn scores_table(
    t: &'static Texts,
    measures: Vec<String>,
    people: Vec<ParticipantScores>,
    opens_board: bool,
) -> Option<impl IntoView> {
    let c = t.course;
    if measures.is_empty() || people.is_empty() {
        return None;
    }
    let number = |v: Option<f64>| v.map(|v| format!("{v:.0}"));
    let head = measures
        .iter()
        .map(|m| view! { <th scope="col">{m.clone()}</th> })
        .collect_view();
    let rows = people
        .into_iter()
        .map(|p| {
            let cells = p
                .scores
                .iter()
                .zip(measures.iter())
                .map(|(s, measure)| {
                    let shown = match (s.first, s.latest) {
                        (Some(first), Some(latest)) if s.answers > 1 => format!(
                            "{} {} → {} {} ({} {:+.0})",
                            c.score_start,
                            number(Some(first)).unwrap_or_default(),
                            c.score_latest,
                            number(Some(latest)).unwrap_or_default(),
                            c.score_change,
                            latest - first
                        ),
                        (Some(first), _) => format!("{} {}", c.score_start, number(Some(first)).unwrap_or_default()),
                        _ => c.score_none.to_owned(),
                    };
                    view! { <td data-label=measure.clone()>{shown}</td> }
                })
                .collect_view();
            let risk = p.risk_on.map(|date| view! { <br/><strong class="risk-flag">{c.risk_on.replace("{date}", &date)}</strong> });
            view! {
                <tr>
                    <th scope="row">
                        {on_board(opens_board, &p.reference, p.name.clone())}{risk}<br/>
                        <a class="small" href=format!("/trajectory/{}", p.reference)>
                            {t.outcome.open_trajectory}
                            <span class="visually-hidden">" – " {p.name}</span>
                        </a>
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <section aria-labelledby="scores-heading">
            <h2 id="scores-heading">{c.scores_heading}</h2>
            <p class="hint">{c.scores_hint}</p>
            <div class="table-scroll">
                <table class="entries scores stacked">
                    <caption class="visually-hidden">{c.scores_heading}</caption>
                    <thead><tr><th scope="col">{c.col_name}</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    })
}

/// Staff remove someone, with the reason: behind a disclosure, away from a first tap.
/// Open, with the problem said, when the last try was refused.
fn remove_form(
    t: &'static Texts,
    cohort: i64,
    name: &str,
    referral: i64,
    remove: ServerAction<RemoveParticipant>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = t.course;
    let field = format!("reason_{referral}");
    let id = format!("field-{field}");
    let problem = error.get_untracked().and_then(|e| e.field_problem(&field));
    let label = c.remove_reason.replace("{name}", name);
    let button = c.remove_button.replace("{name}", name);
    view! {
        <details class="remove" open=problem.is_some()>
            <summary>{c.remove_summary}</summary>
            <ActionForm action=remove attr:class="form">
                <input type="hidden" name="cohort" value=cohort/>
                <input type="hidden" name="referral" value=referral/>
                <div class="field" class:invalid=problem.is_some()>
                    <label for=id.clone()>{label}</label>
                    {problem.map(|p| view! { <p class="field-error">{crate::i18n::problem_label(t, p)}</p> })}
                    <textarea id=id name="reason" rows="2" maxlength="500" aria-invalid=problem.map(|_| "true")></textarea>
                </div>
                <button type="submit" class="button secondary small">{button}</button>
            </ActionForm>
        </details>
    }
}

/// The lead opens again a referral that finishing the group closed as completed (the
/// person needs more than the course gave them).
fn reopen_form(
    t: &'static Texts,
    cohort: i64,
    name: &str,
    referral: i64,
    reopen: ServerAction<ReopenReferral>,
) -> impl IntoView {
    let c = t.course;
    let name = name.to_owned();
    view! {
        <ActionForm action=reopen attr:class="inline-form">
            <input type="hidden" name="cohort" value=cohort/>
            <input type="hidden" name="referral" value=referral/>
            <button type="submit" class="button secondary small">
                {c.reopen_button}
                <span class="visually-hidden">" – " {name}</span>
            </button>
        </ActionForm>
    }
}

/// Staff enrol someone of the service by their referral's reference.
fn enrol_form(
    t: &'static Texts,
    cohort: i64,
    enrol: ServerAction<EnrolParticipant>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = t.course;
    let problem = move || error.get().and_then(|e| e.field_problem("reference"));
    let kept = move || {
        error
            .get()
            .and_then(|e| e.kept_value("reference"))
            .unwrap_or_default()
    };
    view! {
        <h3 id="enrol-heading">{c.enrol_heading}</h3>
        <ActionForm action=enrol attr:class="form" attr:aria-labelledby="enrol-heading">
            <input type="hidden" name="cohort" value=cohort/>
            <div class="field" class:invalid=move || problem().is_some()>
                <label for="field-reference">{c.enrol_label}</label>
                <p class="hint" id="field-reference-hint">{c.enrol_hint}</p>
                {move || problem().map(|p| view! { <p class="field-error" id="field-reference-error">{crate::i18n::problem_label(t, p)}</p> })}
                <input
                    id="field-reference"
                    name="reference"
                    autocomplete="off"
                    value=kept
                    aria-describedby=move || if problem().is_some() { "field-reference-error field-reference-hint" } else { "field-reference-hint" }
                    aria-invalid=move || problem().map(|_| "true")
                />
            </div>
            <button type="submit" class="button secondary">{c.enrol_button}</button>
        </ActionForm>
    }
}

/// Cancel a session, or change it: its date, time and how it meets (behind a
/// disclosure, open when the last change was refused).
fn session_forms(
    t: &'static Texts,
    cohort: i64,
    s: &GroupSession,
    actions: Actions,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = t.course;
    let cancel_label = c
        .cancel_session_button
        .replace("{n}", &s.number.to_string());
    let cancel_confirm = c
        .cancel_session_confirm
        .replace("{n}", &s.number.to_string());
    let change_label = c
        .session_change_summary
        .replace("{n}", &s.number.to_string());
    let session = s.session_id;
    let last = error.get_untracked();
    let field = |name: &str, current: &str| {
        let field = format!("{name}_{}", s.session_id);
        let problem = last.as_ref().and_then(|e| e.field_problem(&field));
        let value = last
            .as_ref()
            .and_then(|e| e.kept_value(&field))
            .unwrap_or_else(|| current.to_owned());
        (field, problem, value)
    };
    let date = field("date", &s.date);
    let time = field("time", &s.time);
    let (format_field, format_problem, format_value) = field("format", &s.format);
    let open = date.1.is_some() || time.1.is_some() || format_problem.is_some();
    let ways =
        [Format::Video, Format::InPerson].map(|f| (f.key().to_owned(), c.format(f).to_owned()));
    let error_id = format!("field-{format_field}-error");
    view! {
        <ConfirmFirst label=cancel_label hint=c.cancel_session_hint>
            <ActionForm action=actions.cancel attr:class="inline-form">
                <input type="hidden" name="cohort" value=cohort/>
                <input type="hidden" name="session" value=session/>
                <button type="submit" class="button secondary small">{cancel_confirm}</button>
            </ActionForm>
        </ConfirmFirst>
        <details class="move" open=open>
            <summary>{change_label}</summary>
            <ActionForm action=actions.shift attr:class="form" attr:novalidate=true>
                <input type="hidden" name="cohort" value=cohort/>
                <input type="hidden" name="session" value=session/>
                <p class="hint">{c.session_change_hint}</p>
                {moved_input(t, date, "date", c.session_date_label)}
                {moved_input(t, time, "time", c.session_time_label)}
                <fieldset
                    class="field choices"
                    class:invalid=format_problem.is_some()
                    id=format!("field-{format_field}")
                    tabindex="-1"
                    aria-describedby=format_problem.map(|_| error_id.clone())
                >
                    <legend>{c.session_format_label}</legend>
                    {format_problem.map(|p| view! { <p class="field-error" id=error_id.clone()>{crate::i18n::problem_label(t, p)}</p> })}
                    {ways.into_iter().map(|(key, label)| {
                        let id = format!("field-{format_field}-{key}");
                        let checked = key == format_value;
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="format" value=key checked=checked/>
                                <label for=id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button secondary small">{c.session_change_button}</button>
            </ActionForm>
        </details>
    }
}

/// One input of a session's move form: (field, its problem, its value).
fn moved_input(
    t: &'static Texts,
    (field, problem, value): (String, Option<crate::domain::field::FieldProblem>, String),
    kind: &'static str,
    label: &'static str,
) -> impl IntoView {
    let id = format!("field-{field}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=problem.is_some()>
            <label for=id.clone()>{label}</label>
            {problem.map(|p| view! { <p class="field-error" id=error_id.clone()>{crate::i18n::problem_label(t, p)}</p> })}
            <input
                id=id
                name=kind
                type=kind
                value=value
                aria-invalid=problem.map(|_| "true")
                aria-describedby=problem.map(|_| error_id.clone())
            />
        </div>
    }
}

/// The group's seats, leaders and place, as they stand, to change.
fn settings_form(
    t: &'static Texts,
    cohort: i64,
    settings: GroupSettings,
    edit: ServerAction<ChangeGroup>,
    error: Signal<Option<AppError>>,
    saved: Option<impl IntoView>,
) -> impl IntoView {
    let c = t.course;
    let leaders: Vec<(String, String)> = settings
        .leaders
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    view! {
        <section aria-labelledby="change-heading">
            <h2 id="change-heading">{c.change_heading}</h2>
            {saved}
            <p class="hint">{c.change_hint}</p>
            <ActionForm action=edit attr:class="form" attr:novalidate=true attr:aria-labelledby="change-heading">
                <input type="hidden" name="cohort" value=cohort/>
                <Field name="capacity" label=c.capacity_label kind="number" inputmode="numeric" keep=true value=settings.capacity.to_string() error/>
                {select_field(t, "leader", c.leader_label, settings.leader.map(|l| l.to_string()), leaders.clone(), Some(c.choose), error)}
                {select_field(t, "co_leader", c.co_leader_label, settings.co_leader.map(|l| l.to_string()), leaders, Some(c.co_leader_none), error)}
                <Field name="place" label=c.place_label keep=true value=settings.place error/>
                <button type="submit" class="button secondary">{c.change_button}</button>
            </ActionForm>
        </section>
    }
}
