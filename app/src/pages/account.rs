//! "My account": who you are signed in as, your roles, and logging out.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::types::AccountView;
use crate::api::auth::{my_account, Logout, LogoutEverywhere};
use crate::api::course::types::{MyCourse, Standing};
use crate::api::course::{my_courses, AcceptCourse, DeclineCourse};
use crate::api::referral::my_referrals;
use crate::api::referral::types::MyReferral;
use crate::components::{call_us, work_links, ConfirmFirst, ErrorSummary, LoginFirst};
use crate::domain::identity::AccountKind;
use crate::domain::referral::RiskLevel;
use crate::error::AppError;
use crate::i18n::{role_label, use_texts, Texts};
use crate::pages::referral::RiskNotice;

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    // One resource for the whole page: a second one nested inside this Suspense could
    // leave a server-rendered page waiting for ever.
    let account = Resource::new(
        || (),
        |_| async move {
            let account = my_account().await?;
            let (referrals, courses) = if account.kind == AccountKind::Citizen {
                (Some(my_referrals().await), Some(my_courses().await))
            } else {
                (None, None)
            };
            Ok::<_, AppError>((account, referrals, courses))
        },
    );
    let query = use_query_map();
    let withdrawn = query.read_untracked().get("withdrawn").is_some();
    let course_notice = match query.read_untracked().get("course").as_deref() {
        Some("accepted") => Some(t.course.accepted_notice),
        Some("declined") => Some(t.course.declined_notice),
        _ => None,
    };
    let measure_notice = query.read_untracked().get("measure");
    view! {
        <Title text=format!("{} – {}", t.account_title, t.product_name)/>
        <h1>{t.account_title}</h1>
        {withdrawn.then(|| view! { <p class="success" role="status">{t.referral.withdrawn_notice}</p> })}
        {course_notice.map(|notice| view! { <p class="success" role="status">{notice}</p> })}
        {match measure_notice.as_deref() {
            Some("done") => Some(view! { <p class="success" role="status">{t.course.measures_done_notice}</p> }.into_any()),
            // A risk answer before a session: the crisis numbers first, and that the
            // leaders were told.
            Some("risk") => Some(view! {
                <RiskNotice level=RiskLevel::High send_now=None/>
                <p class="notice" role="status">{t.course.measures_risk_notice}</p>
            }.into_any()),
            _ => None,
        }}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok((account, referrals, courses)) => view! {
                        {courses.map(|courses| my_courses_view(t, courses))}
                        {account_details(t, account, referrals)}
                    }
                    .into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn account_details(
    t: &'static Texts,
    account: AccountView,
    referrals: Option<Result<Vec<MyReferral>, AppError>>,
) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    let roles = if account.kind == AccountKind::Citizen {
        vec![t.kind_citizen.to_owned()]
    } else {
        account
            .memberships
            .iter()
            .map(|m| format!("{}: {}", role_label(t, m.role), m.service))
            .collect()
    };
    view! {
        <section class="card" aria-labelledby="account-name">
            <h2 id="account-name">{account.display_name}</h2>
            <dl class="facts">
                <dt>{t.account_email}</dt>
                <dd>{account.email}</dd>
                <dt>{t.account_roles}</dt>
                <dd>
                    <ul class="plain">{roles.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                </dd>
            </dl>
            {account.second_factor.then(|| view! { <p>{t.account_second_factor_on}</p> })}
            <p>
                <a href="/account/second-factor">
                    {if account.second_factor { t.account_reset_second_factor } else { t.account_enable_second_factor }}
                </a>
            </p>
            <p>{t.account_idle_before} " " {account.idle_minutes} " " {t.account_idle_after}</p>
            {(account.kind == AccountKind::Citizen)
                .then(|| view! { <p><a href="/account/access-log">{t.access_log_link}</a></p> })}
            {referrals.map(|list| my_referrals_view(t, list))}
            {work_links(t, &account.may)}
        </section>
        <div class="actions">
            <ActionForm action=logout>
                <button type="submit" class="button">{t.logout}</button>
            </ActionForm>
            <ActionForm action=everywhere>
                <button type="submit" class="button secondary">{t.logout_everywhere}</button>
            </ActionForm>
        </div>
    }
}

/// A citizen's own referrals, newest first, with where each stands.
fn my_referrals_view(t: &'static Texts, list: Result<Vec<MyReferral>, AppError>) -> impl IntoView {
    let r = t.referral;
    let body = match list {
        Ok(list) if list.is_empty() => view! { <p>{r.my_referrals_empty}</p> }.into_any(),
        Ok(list) => view! {
            <ul class="plain referrals">
                {list
                    .into_iter()
                    .map(|m| view! {
                        <li>
                            <strong>{m.reference.clone()}</strong> " – " {m.service_name} <br/>
                            {r.sent_on} " " {m.sent} ". " {m.status}
                            {m.decision.map(|d| view! { <br/> {d} })}
                            <br/> {m.next}
                            <br/>
                            <a href=format!("/account/referrals/{}", m.reference)>
                                {r.my_referral_open}
                                <span class="visually-hidden">" " {m.reference.clone()}</span>
                            </a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
        Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="my-referrals-heading">
            <h3 id="my-referrals-heading">{r.my_referrals}</h3>
            {body}
        </section>
    }
}

/// The courses offered to the person: what, when, where they stand, and the buttons to
/// answer. First on the page: it is what they came to do.
fn my_courses_view(t: &'static Texts, courses: Result<Vec<MyCourse>, AppError>) -> impl IntoView {
    let c = t.course;
    let courses = match courses {
        Ok(courses) => courses,
        // Said, not hidden: a course that fails to load is not a course that is not there.
        Err(error) => {
            return view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any();
        }
    };
    if courses.is_empty() {
        return ().into_any();
    }
    {
        let accept = ServerAction::<AcceptCourse>::new();
        let decline = ServerAction::<DeclineCourse>::new();
        let error = Signal::derive(move || {
            accept
                .value()
                .get()
                .and_then(Result::err)
                .or_else(|| decline.value().get().and_then(Result::err))
        });
        view! {
            <section class="card my-courses" id="field-course" aria-labelledby="my-courses-heading">
                <h2 id="my-courses-heading">{c.mine_heading}</h2>
                <ErrorSummary error/>
                {courses
                    .into_iter()
                    .map(|course| {
                        let standing = match course.standing {
                            Standing::Offered => c.offered_intro.to_owned(),
                            Standing::Seat => c.standing_seat.to_owned(),
                            Standing::Waiting(n) => c.standing_waiting.replace("{n}", &n.to_string()),
                            Standing::SeatHeld => c
                                .standing_seat_held
                                .replace("{deadline}", course.deadline.as_deref().unwrap_or_default()),
                            Standing::Declined => c.standing_declined.to_owned(),
                            Standing::Left => c.standing_left.to_owned(),
                            Standing::Passed => c.standing_passed.to_owned(),
                            Standing::Closed => c.standing_closed.to_owned(),
                            Standing::Cancelled => c.standing_cancelled.to_owned(),
                            Standing::Finished => c.standing_finished.to_owned(),
                        };
                        // Leaving a seat or a place in line opens first, to say what
                        // follows and be confirmed: (the button, its hint, the confirmation).
                        let (yes, no) = match course.standing {
                            Standing::Offered | Standing::SeatHeld => (Some(c.accept), Some((c.decline, None))),
                            Standing::Seat => (None, Some((c.leave, Some((c.leave_hint, c.leave_confirm))))),
                            Standing::Waiting(_) => (None, Some((c.leave_wait_list, Some((c.leave_wait_list_hint, c.leave_wait_list_confirm))))),
                            Standing::Declined | Standing::Left | Standing::Passed | Standing::Closed | Standing::Cancelled | Standing::Finished => (None, None),
                        };
                        let reference = course.reference.clone();
                        // An offer is answered at the top; leaving a course or its wait
                        // list sits after the dates, away from a first tap.
                        let answer_first = yes.is_some();
                        let actions = view! {
                                <div class="actions">
                                {yes.map(|label| {
                                    let reference = reference.clone();
                                    view! {
                                        <ActionForm action=accept>
                                            <input type="hidden" name="reference" value=reference/>
                                            <button type="submit" class="button">{label}</button>
                                        </ActionForm>
                                    }
                                })}
                                {no.map(|(label, confirm)| {
                                    let reference = reference.clone();
                                    let form = move |label: &'static str| view! {
                                        <ActionForm action=decline>
                                            <input type="hidden" name="reference" value=reference.clone()/>
                                            <button type="submit" class="button secondary">{label}</button>
                                        </ActionForm>
                                    };
                                    match confirm {
                                        None => form(label).into_any(),
                                        Some((hint, yes)) => view! {
                                            <ConfirmFirst label=label hint=hint>{form(yes)}</ConfirmFirst>
                                        }.into_any(),
                                    }
                                })}
                            </div>
                        };
                        let (top, bottom) = if answer_first {
                            (Some(actions), None)
                        } else {
                            (None, Some(actions))
                        };
                        view! {
                            <article class="my-course">
                                <h3>{course.name}</h3>
                                <p class="standing"><strong>{standing}</strong></p>
                                <p>{course.description}</p>
                                <p>{course.length}</p>
                                {top}
                                {measures_due(t, &course.reference, course.measures_for.clone(), course.measures_due.clone())}
                                <p><a href=format!("/trajectory/{}", course.reference)>{t.outcome.open_mine}</a></p>
                                <h4>{c.sessions_heading}</h4>
                                <ol class="sessions">
                                    {course
                                        .sessions
                                        .into_iter()
                                        .map(|s| view! {
                                            <li class:cancelled=s.cancelled>
                                                {s.when} " · " {s.how}
                                                {s.cancelled.then(|| view! { " · " <strong>{c.cancelled}</strong> })}
                                                {s.join.map(|link| view! { " " <a class="button small" href=link>{c.join}</a> })}
                                            </li>
                                        })
                                        .collect_view()}
                                </ol>
                                {bottom}
                                {course.contact.map(|(phone, text)| call_us(&phone, &text))}
                            </article>
                        }
                    })
                    .collect_view()}
            </section>
        }
        .into_any()
    }
}

/// The questionnaires to answer before the next session, each a link to its page.
fn measures_due(
    t: &'static Texts,
    reference: &str,
    when: Option<String>,
    due: Vec<crate::api::course::types::MeasureDue>,
) -> Option<impl IntoView> {
    let c = t.course;
    let when = when.filter(|_| !due.is_empty())?;
    let links = due
        .into_iter()
        .map(|m| {
            let label = c
                .measure_link
                .replace("{title}", &m.title)
                .replace("{n}", &m.items.to_string());
            view! { <li><a href=format!("/account/course/{reference}/{}", m.instrument)>{label}</a></li> }
        })
        .collect_view();
    Some(view! {
        <div class="measures-due notice">
            <h4>{c.measures_heading}</h4>
            <p>{c.measures_intro.replace("{when}", &when)}</p>
            <ul>{links}</ul>
        </div>
    })
}
