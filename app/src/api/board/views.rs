//! Rows of the board and of an opened referral, turned into what the page shows, in
//! the reader's language.

use super::types::*;
use crate::domain::board::rules::days_between;
use crate::domain::board::{short_name, Decision, State};
use crate::domain::clock::{format_oslo, format_oslo_date, oslo_date};
use crate::domain::national_id::NationalId;
use crate::domain::questionnaire::{Answer, Definition};
use crate::domain::referral::{Format, Mode};
use crate::i18n::{texts, Lang};
use crate::server::board::detail::{EventRow, ReferralDetail};
use crate::server::board::CardRow;
use crate::server::instruments::Instruments;
use crate::server::referrals::StoredResponse;

fn band_label(definition: &Definition, band: &str, lang: Lang) -> Option<String> {
    definition
        .bands
        .iter()
        .find(|b| b.id == band)
        .map(|b| b.label.get(lang).to_owned())
}

/// The short name in a title's last brackets ("… (PHQ-9)" → "PHQ-9"), for cards.
fn short_title(definition: &Definition, lang: Lang) -> String {
    let title = definition.title.get(lang);
    title
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once('('))
        .map(|(_, short)| short.to_owned())
        .unwrap_or_else(|| title.to_owned())
}

/// "PHQ-9: 14 – moderate", in words, never by colour alone.
fn score_line(
    instruments: &Instruments,
    id: &str,
    score: &Option<(i64, Option<String>)>,
    lang: Lang,
) -> String {
    let t = texts(lang);
    let Some(definition) = instruments.get(id) else {
        return String::new();
    };
    let title = short_title(&definition, lang);
    match score {
        Some((total, band)) => {
            match band
                .as_deref()
                .and_then(|b| band_label(&definition, b, lang))
            {
                Some(band) => format!("{title}: {total} – {band}"),
                None => format!("{title}: {total}"),
            }
        }
        None => format!("{title}: {}", t.board.score_missing),
    }
}

/// The stored reason "phq9 item 9 = 2; …" in words.
fn urgent_reason(instruments: &Instruments, reason: Option<&str>, lang: Lang) -> String {
    let t = texts(lang);
    let reasons: Vec<String> = reason
        .unwrap_or_default()
        .split("; ")
        .filter_map(|part| {
            let (instrument, rest) = part.split_once(" item ")?;
            let (item, value) = rest.split_once(" = ")?;
            let title = instruments
                .get(instrument)
                .map(|d| short_title(&d, lang))
                .unwrap_or_else(|| instrument.to_owned());
            Some(
                t.board
                    .risk_answer
                    .replace("{instrument}", &title)
                    .replace("{item}", item)
                    .replace("{value}", value),
            )
        })
        .collect();
    if reasons.is_empty() {
        t.board.urgent.to_owned()
    } else {
        format!("{}: {}", t.board.urgent, reasons.join("; "))
    }
}

pub fn card(instruments: &Instruments, row: &CardRow, me: i64, now: i64, lang: Lang) -> CardView {
    let t = texts(lang);
    let b = t.board;
    let age = NationalId::parse(&row.national_id)
        .ok()
        .map(|id| b.age.replace("{n}", &id.age_on(oslo_date(now)).to_string()));
    let format = Format::parse(&row.format).unwrap_or(Format::Either);
    let mode = Mode::parse(&row.mode).unwrap_or(Mode::Either);
    CardView {
        reference: row.reference.clone(),
        short_name: short_name(&row.name),
        age,
        municipality: row.municipality_name.clone().unwrap_or_default(),
        waited: b
            .waited
            .replace("{days}", &b.days(days_between(row.submitted_at, now))),
        state: b.state(row.state),
        urgent: row
            .urgent
            .then(|| urgent_reason(instruments, row.urgent_reason.as_deref(), lang)),
        unopened: row.unopened.then(|| {
            b.unopened
                .replace("{time}", &b.duration(now - row.submitted_at))
        }),
        phq9: score_line(instruments, "phq9", &row.phq9, lang),
        gad7: score_line(instruments, "gad7", &row.gad7, lang),
        preferences: format!("{} · {}", b.format(format), b.mode(mode)),
        source: b.source(&row.source).to_owned(),
        duplicate: row
            .duplicate_of
            .as_ref()
            .map(|d| b.duplicate.replace("{reference}", d)),
        claim: match &row.claimed_by {
            None => ClaimView::Nobody,
            Some((id, _)) if *id == me => ClaimView::Me,
            Some((_, name)) => ClaimView::Other(name.clone()),
        },
        moves: row
            .state
            .next_states()
            .into_iter()
            .map(|s| (s.key(), b.state(s)))
            .collect(),
    }
}

/// The board's alert while urgent referrals wait for someone to open them.
pub fn urgent_alert(unopened_since: &[i64], now: i64, lang: Lang) -> Option<String> {
    let b = texts(lang).board;
    let oldest = b.duration(now - unopened_since.iter().min()?);
    Some(match unopened_since.len() {
        1 => b.urgent_waiting_one.replace("{time}", &oldest),
        n => b
            .urgent_waiting_many
            .replace("{n}", &n.to_string())
            .replace("{time}", &oldest),
    })
}

/// The answers to one instrument, item by item, with risk answers marked.
pub fn answer_set(
    instruments: &Instruments,
    response: &StoredResponse,
    lang: Lang,
) -> AnswerSetView {
    let b = texts(lang).board;
    let Some(definition) = instruments.get(&response.instrument) else {
        return AnswerSetView {
            title: response.instrument.clone(),
            answered: b
                .answered_on
                .replace("{date}", &format_oslo_date(response.answered_at)),
            total: String::new(),
            band: None,
            case: None,
            items: Vec::new(),
            licence: String::new(),
        };
    };
    let score = &response.score;
    let number = |v: f64| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    let total = match score.total {
        Some(total) => number(total),
        None if !score.subscales.is_empty() => score
            .subscales
            .iter()
            .map(|s| {
                let title = definition
                    .scoring
                    .subscales
                    .iter()
                    .find(|d| d.id == s.id)
                    .map(|d| d.title.get(lang).to_owned())
                    .unwrap_or_else(|| s.id.clone());
                format!(
                    "{title}: {}",
                    s.score.map(number).unwrap_or_else(|| "–".into())
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => b.score_none.to_owned(),
    };
    let items = definition
        .items
        .iter()
        .map(|item| {
            let answer = match response.answers.get(&item.id) {
                Some(Answer::Value(v)) => definition
                    .options_of(item)
                    .iter()
                    .find(|o| o.value == *v)
                    .map(|o| format!("{} ({v})", o.label.get(lang)))
                    .unwrap_or_else(|| v.to_string()),
                Some(Answer::NotApplicable) => b.not_applicable.to_owned(),
                None => b.unanswered.to_owned(),
            };
            AnswerView {
                number: item.id.clone(),
                question: item.text.get(lang).to_owned(),
                answer,
                risk: score.risk_items.contains(&item.id),
            }
        })
        .collect();
    AnswerSetView {
        title: definition.title.get(lang).to_owned(),
        answered: b
            .answered_on
            .replace("{date}", &format_oslo_date(response.answered_at)),
        total,
        band: score
            .band
            .as_deref()
            .and_then(|band| band_label(&definition, band, lang)),
        case: score
            .case
            .map(|case| if case { b.score_case } else { b.score_not_case }.to_owned()),
        items,
        licence: definition.licence.clone(),
    }
}

fn state_words(key: Option<&str>, lang: Lang) -> String {
    key.and_then(State::parse)
        .map(|s| texts(lang).board.state(s))
        .unwrap_or_default()
}

pub fn event(row: &EventRow, lang: Lang) -> EventView {
    let b = texts(lang).board;
    let what = match row.kind.as_str() {
        "opened" => b.ev_opened.to_owned(),
        "claimed" => b.ev_claimed.to_owned(),
        "released" => match &row.detail {
            Some(name) => b.ev_released_other.replace("{name}", name),
            None => b.ev_released.to_owned(),
        },
        "moved" => b
            .ev_moved
            .replace("{from}", &state_words(row.from_state.as_deref(), lang))
            .replace("{to}", &state_words(row.to_state.as_deref(), lang)),
        "note" => b.ev_note.to_owned(),
        "decision" => {
            let detail = row.detail.as_deref().unwrap_or_default();
            let (key, joint) = match detail.split_once(':') {
                Some((key, _)) => (key, true),
                None => (detail, false),
            };
            let decision = Decision::parse(key).map(|d| b.decision(d)).unwrap_or(key);
            let mut what = b.ev_decision.replace("{decision}", decision);
            if joint {
                what = format!("{what} ({})", b.ev_joint);
            }
            what
        }
        "shared" => b
            .ev_shared
            .replace("{name}", row.detail.as_deref().unwrap_or_default()),
        "assessment" => b.ev_assessment.to_owned(),
        "message" => b.ev_message.to_owned(),
        "withdrawn" => b.ev_withdrawn.to_owned(),
        "course_accepted" => match row.detail.as_deref() {
            Some("seat") => texts(lang).course.ev_seat.to_owned(),
            _ => texts(lang).course.ev_waiting.to_owned(),
        },
        "course_declined" => texts(lang).course.ev_declined.to_owned(),
        "course_enrolled" => texts(lang).course.ev_enrolled.to_owned(),
        "course_removed" => texts(lang).course.ev_removed.to_owned(),
        "attended" => texts(lang).course.ev_attended.to_owned(),
        "measure_risk" => texts(lang).course.ev_measure_risk.to_owned(),
        "course_finished" => texts(lang).course.ev_finished.to_owned(),
        "course_cancelled" => texts(lang).course.ev_cohort_cancelled.to_owned(),
        "course_seat_held" => texts(lang).course.ev_seat_held.to_owned(),
        "course_seat_passed" => texts(lang).course.ev_seat_passed.to_owned(),
        "course_reopened" => texts(lang).course.ev_reopened.to_owned(),
        other => other.to_owned(),
    };
    EventView {
        when: format_oslo(row.at),
        who: row.actor.clone(),
        what,
        text: row.body.clone(),
    }
}

/// The labelled lines about the person.
pub fn person(detail: &ReferralDetail, card: &CardView, lang: Lang) -> Vec<Choice> {
    let t = texts(lang);
    let r = t.referral;
    let b = t.board;
    let a = &detail.about;
    let join = |items: Vec<&str>| items.join(", ");
    let mut lines = vec![
        (r.field_name.to_owned(), a.name.clone()),
        (r.field_national_id.to_owned(), a.national_id.clone()),
        (b.field_age.to_owned(), card.age.clone().unwrap_or_default()),
        (b.field_municipality.to_owned(), card.municipality.clone()),
        (r.field_phone.to_owned(), a.phone.clone()),
        (r.field_email.to_owned(), a.email.clone()),
        (
            b.field_contact_ways.to_owned(),
            join(a.contact_ways.iter().map(|w| r.contact_way(*w)).collect()),
        ),
        (
            b.field_contact_times.to_owned(),
            join(a.contact_times.iter().map(|p| r.day_part(*p)).collect()),
        ),
        (
            b.field_interpreter.to_owned(),
            match &a.interpreter {
                Some(language) => b.interpreter_needed.replace("{language}", language),
                None => b.interpreter_none.to_owned(),
            },
        ),
        (
            b.field_submitted.to_owned(),
            format_oslo(detail.card.submitted_at),
        ),
        (b.source.to_owned(), card.source.clone()),
    ];
    if let Some(staff) = &detail.registered_by {
        lines.push((b.field_registered_by.to_owned(), staff.clone()));
    }
    lines
}

pub fn preferences(detail: &ReferralDetail, lang: Lang) -> Vec<Choice> {
    let (r, b) = (texts(lang).referral, texts(lang).board);
    detail
        .preferences
        .as_ref()
        .map(|p| {
            vec![
                (b.field_format.to_owned(), b.format(p.format).to_owned()),
                (b.field_mode.to_owned(), b.mode(p.mode).to_owned()),
                (
                    b.field_times.to_owned(),
                    p.times
                        .iter()
                        .map(|d| r.day_part(*d))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]
        })
        .unwrap_or_default()
}
