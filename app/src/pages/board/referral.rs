//! A referral opened in full: the person, their answers with risk answers marked,
//! what they want, the timeline, and the work: claim, move, decide, note, share.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::card::{claim_line, work_forms, CardActions};
use crate::api::board::types::{AnswerSetView, ReferralView};
use crate::api::board::{
    open_referral, AddAssessment, AddNote, ClaimReferral, DecideReferral, MoveReferral,
    ReleaseReferral, ShareReferral,
};
use crate::components::{not_for_you, LoginFirst};
use crate::components::{ErrorSummary, Field};
use crate::error::AppError;
use crate::i18n::{problem_label, use_texts, Texts};

#[derive(Clone, Copy)]
struct Forms {
    card: CardActions,
    decide: ServerAction<DecideReferral>,
    note: ServerAction<AddNote>,
    share: ServerAction<ShareReferral>,
    assess: ServerAction<AddAssessment>,
}

#[component]
pub fn ReferralPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let reference = move || params.read().get("reference").unwrap_or_default();
    let forms = Forms {
        card: CardActions {
            claim: ServerAction::<ClaimReferral>::new(),
            release: ServerAction::<ReleaseReferral>::new(),
            moving: ServerAction::<MoveReferral>::new(),
        },
        decide: ServerAction::<DecideReferral>::new(),
        note: ServerAction::<AddNote>::new(),
        share: ServerAction::<ShareReferral>::new(),
        assess: ServerAction::<AddAssessment>::new(),
    };
    let referral = Resource::new(
        move || {
            (
                reference(),
                forms.card.claim.version().get(),
                forms.card.release.version().get(),
                forms.card.moving.version().get(),
                forms.decide.version().get(),
                forms.note.version().get(),
                forms.share.version().get(),
                forms.assess.version().get(),
            )
        },
        |(reference, ..)| open_referral(reference),
    );
    let error = Signal::derive(move || {
        let c = forms.card;
        c.claim
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| c.release.value().get().and_then(Result::err))
            .or_else(|| c.moving.value().get().and_then(Result::err))
            .or_else(|| forms.decide.value().get().and_then(Result::err))
            .or_else(|| forms.note.value().get().and_then(Result::err))
            .or_else(|| forms.share.value().get().and_then(Result::err))
            .or_else(|| forms.assess.value().get().and_then(Result::err))
    });
    // The title is plain text fixed when the page is made: the server writes it into
    // the head after the page's reactive values may already be gone, so a closure
    // reading the address there panicked now and then (a dropped connection).
    let title = format!(
        "{} – {}",
        t.board.referral_title.replace(
            "{reference}",
            &params.read_untracked().get("reference").unwrap_or_default()
        ),
        t.product_name
    );
    view! {
        <Title text=title/>
        <div class="board-page">
        <p><a href="/board">{t.board.back}</a></p>
        <h1>{move || t.board.referral_title.replace("{reference}", &reference())}</h1>
        <ErrorSummary error labels=vec![
            ("decision".into(), t.board.decision_label.into()),
            ("cohort".into(), t.course.cohort_label.into()),
            ("reason".into(), t.board.reason_label.into()),
            ("note".into(), t.board.note_label.into()),
            ("assessment".into(), t.board.assessment_label.into()),
            ("guest".into(), t.board.share_label.into()),
        ]/>
        <Transition fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match referral.await {
                    Ok(view) => referral_view(t, view, forms, error).into_any(),
                    Err(AppError::Unauthenticated) => view! { <LoginFirst/> }.into_any(),
                    Err(AppError::Forbidden) => not_for_you(t).await.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{error.message(t)}</p> }.into_any(),
                }
            })}
        </Transition>
        </div>
    }
}

fn lines(lines: Vec<(String, String)>) -> impl IntoView {
    view! {
        <dl class="facts">
            {lines
                .into_iter()
                .map(|(label, value)| view! { <dt>{label}</dt> <dd>{value}</dd> })
                .collect_view()}
        </dl>
    }
}

fn answers(t: &'static Texts, set: AnswerSetView, index: usize) -> AnyView {
    let b = t.board;
    let caption = format!("answers-{index}");
    let labelled_by = caption.clone();
    view! {
        <section class="answer-set" aria-labelledby=labelled_by>
            <h3 id=caption>{set.title.clone()}</h3>
            <p class="hint">{set.answered.clone()}</p>
            <dl class="facts">
                <dt>{b.score_total}</dt>
                <dd>{set.total.clone()}</dd>
                {set.band.clone().map(|band| view! { <dt>{b.score_band}</dt> <dd>{band}</dd> })}
            </dl>
            {set.case.clone().map(|c| view! { <p>{c}</p> })}
            <div class="table-scroll" role="region" aria-label=set.title.clone() tabindex="0">
                <table class="entries answers">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{b.col_question}</th>
                            <th scope="col">{b.col_answer}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {set.items
                            .into_iter()
                            .map(|item| view! {
                                <tr class:risk=item.risk>
                                    <td>{item.number}</td>
                                    <td>{item.question}</td>
                                    <td>
                                        {item.risk.then(|| view! { <strong class="risk-label">{b.risk_item} ": "</strong> })}
                                        {item.answer}
                                    </td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            // The instruments' copyright lines are in English (see the questionnaire page).
            <p class="licence" lang="en">{set.licence}</p>
        </section>
    }
    .into_any()
}

fn referral_view(
    t: &'static Texts,
    view: ReferralView,
    forms: Forms,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let b = t.board;
    let reference = view.card.reference.clone();
    let card = view.card.clone();
    let work = (!view.as_guest).then(|| work_forms(t, &card, view.is_lead, forms.card));
    let decision = (!view.as_guest).then(|| {
        let reference = reference.clone();
        let decisions = view.decisions.clone();
        let cohorts = view.cohorts.clone();
        let kept = move || error.get().and_then(|e| e.kept_value("decision"));
        let problem = move || error.get().and_then(|e| e.field_problem("decision"));
        if view.can_decide {
            view! {
                <section aria-labelledby="decision-heading">
                    <h2 id="decision-heading">{b.section_decision}</h2>
                    <p class="hint">{b.decision_hint}</p>
                    <ActionForm action=forms.decide attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="reference" value=reference/>
                        <fieldset id="field-decision" class="field" class:invalid=move || problem().is_some()>
                            <legend>{b.decision_label}</legend>
                            {move || problem().map(|p| view! { <p class="field-error">{problem_label(t, p)}</p> })}
                            {decisions
                                .into_iter()
                                .map(|(key, label)| {
                                    let id = format!("decision-{key}");
                                    let checked = {
                                        let key = key.clone();
                                        move || kept().as_deref() == Some(key.as_str())
                                    };
                                    view! {
                                        <div class="choice">
                                            <input type="radio" id=id.clone() name="decision" value=key checked=checked/>
                                            <label for=id>{label}</label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </fieldset>
                        {cohort_field(t, cohorts, error)}
                        <Field name="reason" label=b.reason_label rows=4 keep=true error/>
                        <button type="submit" class="button">{b.decide_submit}</button>
                    </ActionForm>
                </section>
            }
            .into_any()
        } else if let Some(decided) = view.decided.clone() {
            // Made: say what, by whom, when and why, not how to make one.
            let by = decided
                .who
                .map(|who| format!("{who}, {}", decided.when))
                .unwrap_or(decided.when);
            view! {
                <section aria-labelledby="decision-heading">
                    <h2 id="decision-heading">{b.section_decision}</h2>
                    <p class="decided"><strong>{decided.what}</strong></p>
                    <p class="hint">{by}</p>
                    {decided.text.map(|reason| view! { <p class="reason">{reason}</p> })}
                </section>
            }
            .into_any()
        } else {
            view! {
                <section aria-labelledby="decision-heading">
                    <h2 id="decision-heading">{b.section_decision}</h2>
                    <p>{b.decision_needs_assessment}</p>
                </section>
            }
            .into_any()
        }
    });
    let share = (!view.as_guest).then(|| {
        let reference = reference.clone();
        let shared = (!view.shared_with.is_empty())
            .then(|| b.shared_with.replace("{names}", &view.shared_with.join(", ")));
        let guests = view.guests.clone();
        view! {
            <section aria-labelledby="share-heading">
                <h2 id="share-heading">{b.section_share}</h2>
                {shared.map(|s| view! { <p>{s}</p> })}
                {if guests.is_empty() && view.shared_with.is_empty() {
                    view! { <p>{b.share_none}</p> }.into_any()
                } else if guests.is_empty() {
                    ().into_any()
                } else {
                    view! {
                        <ActionForm action=forms.share attr:class="inline-form">
                            <input type="hidden" name="reference" value=reference/>
                            <label for="field-guest">{b.share_label}</label>
                            <select id="field-guest" name="guest">
                                {guests.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button secondary">{b.share_submit}</button>
                        </ActionForm>
                    }
                    .into_any()
                }}
            </section>
        }
    });
    let assessment = view.as_guest.then(|| {
        let reference = reference.clone();
        view! {
            <section aria-labelledby="assessment-heading">
                <h2 id="assessment-heading">{b.assessment_label}</h2>
                <ActionForm action=forms.assess attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="reference" value=reference/>
                    <Field name="assessment" label=b.assessment_label rows=4 keep=true error/>
                    <button type="submit" class="button">{b.assessment_submit}</button>
                </ActionForm>
            </section>
        }
    });
    let note = (!view.as_guest).then(|| {
        let reference = reference.clone();
        view! {
            <section aria-labelledby="note-heading">
                <h2 id="note-heading">{b.section_notes}</h2>
                <ActionForm action=forms.note attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="reference" value=reference/>
                    <Field name="note" label=b.note_label rows=4 keep=true error/>
                    <button type="submit" class="button secondary">{b.note_submit}</button>
                </ActionForm>
            </section>
        }
    });
    view! {
        <section class="card" aria-labelledby="work-heading">
            <h2 id="work-heading">{b.section_work}</h2>
            {card.urgent.clone().map(|u| view! { <p class="urgent-flag"><span aria-hidden="true">"⚠ "</span>{u}</p> })}
            {card.duplicate.clone().map(|d| view! { <p class="duplicate">{d}</p> })}
            <dl class="facts">
                <dt>{b.state_now}</dt>
                <dd>{card.state.clone()}</dd>
                <dt>{b.stats_label}</dt>
                <dd>{card.waited.clone()}</dd>
            </dl>
            <p class="claim-line">{claim_line(t, &card.claim)}</p>
            {work}
        </section>
        <div class="referral-columns">
            <div>
                <section aria-labelledby="person-heading">
                    <h2 id="person-heading">{b.section_person}</h2>
                    {lines(view.person)}
                </section>
                <section aria-labelledby="help-heading">
                    <h2 id="help-heading">{b.section_help}</h2>
                    <ul>{view.help_areas.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                    {(!view.help_text.is_empty()).then(|| view! {
                        <h3>{b.help_text}</h3>
                        <p class="free-text">{view.help_text.clone()}</p>
                    })}
                </section>
                <section aria-labelledby="preferences-heading">
                    <h2 id="preferences-heading">{b.section_preferences}</h2>
                    {lines(view.preferences)}
                </section>
                <section aria-labelledby="answers-heading">
                    <h2 id="answers-heading">{b.section_answers}</h2>
                    {view.answers.into_iter().enumerate().map(|(i, set)| answers(t, set, i)).collect_view()}
                </section>
            </div>
            <div>
                {decision}
                {assessment}
                {note}
                {share}
                <section aria-labelledby="timeline-heading">
                    <h2 id="timeline-heading">{b.section_timeline}</h2>
                    <ol class="timeline">
                        {view.timeline
                            .into_iter()
                            .map(|e| view! {
                                <li>
                                    <p>
                                        <strong>{e.what}</strong> <br/>
                                        <span class="hint">{e.when} {e.who.map(|w| format!(" · {w}"))}</span>
                                    </p>
                                    {e.text.map(|text| view! { <p class="free-text">{text}</p> })}
                                </li>
                            })
                            .collect_view()}
                    </ol>
                </section>
            </div>
        </div>
    }
    .into_any()
}

/// Which cohort a group course is offered in: the service's cohorts that take
/// enrolment, with their start and free seats.
fn cohort_field(
    t: &'static Texts,
    cohorts: Vec<(String, String)>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = t.course;
    let kept = move || error.get().and_then(|e| e.kept_value("cohort"));
    let problem = move || error.get().and_then(|e| e.field_problem("cohort"));
    if cohorts.is_empty() {
        return view! { <p class="hint" id="field-cohort">{c.cohort_none}</p> }.into_any();
    }
    view! {
        <div class="field" class:invalid=move || problem().is_some()>
            <label for="field-cohort">{c.cohort_label}</label>
            <p class="hint" id="cohort-hint">{c.cohort_hint}</p>
            {move || problem().map(|p| view! { <p class="field-error" id="cohort-error">{problem_label(t, p)}</p> })}
            <select
                id="field-cohort"
                name="cohort"
                aria-describedby=move || {
                    if problem().is_some() { "cohort-error cohort-hint" } else { "cohort-hint" }
                }
                aria-invalid=move || problem().is_some().then_some("true")
            >
                // Nothing chosen until someone chooses: a group course needs a choice.
                <option value="">{c.cohort_choose}</option>
                {cohorts
                    .into_iter()
                    .map(|(id, label)| {
                        let selected = {
                            let id = id.clone();
                            move || kept().as_deref() == Some(id.as_str())
                        };
                        view! { <option value=id selected=selected>{label}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
    .into_any()
}
