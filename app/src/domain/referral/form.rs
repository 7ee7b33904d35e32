//! Reading a step's form into the draft, and the draft back into a step's form.
//!
//! Forms arrive as plain name/value pairs (the same with and without JavaScript).
//! Checkboxes send "on" when ticked and nothing otherwise.

use std::collections::BTreeMap;

use super::{About, ContactWay, DayPart, Draft, Format, Help, HelpArea, Mode, Preferences, Step};
use crate::domain::field::{FieldError, FieldProblem};
use crate::domain::identity::normalise_email;
use crate::domain::national_id::{NationalId, NationalIdProblem};
use crate::domain::questionnaire::{Answer, Definition};

/// A form's fields by name.
pub type FormValues = BTreeMap<String, String>;

/// Whether the service a person refers themselves to serves their municipality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MunicipalityCheck {
    Served,
    NotServed,
}

/// What reading a step needs to know beyond the form.
pub struct StepContext<'a> {
    /// Today in Norway (year, month, day): the service is for people 16 and over.
    pub today: (i32, u32, u32),
    pub municipality: &'a (dyn Fn(&str) -> MunicipalityCheck + Sync),
    /// The instrument, on a questionnaire step.
    pub definition: Option<&'a Definition>,
}

/// The youngest age the service takes self-referrals from.
pub const MINIMUM_AGE: i32 = 16;
const MAX_TEXT: usize = 2_000;
const MAX_SHORT: usize = 100;

struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, problem: FieldProblem) {
        self.0.push(FieldError {
            field: field.to_owned(),
            problem,
        });
    }
}

fn text<'f>(form: &'f FormValues, name: &str) -> &'f str {
    form.get(name).map(|v| v.trim()).unwrap_or_default()
}

fn ticked(form: &FormValues, name: &str) -> bool {
    form.get(name).is_some_and(|v| !v.is_empty())
}

fn short(problems: &mut Problems, form: &FormValues, name: &str, required: bool) -> String {
    let value = text(form, name);
    if required && value.is_empty() {
        problems.add(name, FieldProblem::Required);
    } else if value.chars().count() > MAX_SHORT {
        problems.add(name, FieldProblem::TooLong);
    }
    value.to_owned()
}

/// A Norwegian or international phone number: digits, spaces and one leading +.
/// One instrument's answers from a form (`item_<id>` fields): every item answered
/// with one of its own options, or "na" where the item allows it.
pub fn read_answers(
    definition: &Definition,
    form: &FormValues,
) -> Result<BTreeMap<String, Answer>, Vec<FieldError>> {
    let mut problems = Problems(Vec::new());
    let mut answers = BTreeMap::new();
    for item in &definition.items {
        let name = format!("item_{}", item.id);
        let value = text(form, &name);
        let answer = if value == "na" && item.not_applicable {
            Some(Answer::NotApplicable)
        } else {
            value
                .parse::<i32>()
                .ok()
                .filter(|v| definition.options_of(item).iter().any(|o| o.value == *v))
                .map(Answer::Value)
        };
        match answer {
            Some(answer) => {
                answers.insert(item.id.clone(), answer);
            }
            None => problems.add(&name, FieldProblem::Unanswered),
        }
    }
    if problems.0.is_empty() {
        Ok(answers)
    } else {
        Err(problems.0)
    }
}

pub fn is_phone_number(value: &str) -> bool {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let (international, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    digits.chars().all(|c| c.is_ascii_digit())
        && if international {
            (8..=15).contains(&digits.len())
        } else {
            digits.len() == 8
        }
}

/// Reads a step's form into the draft. On any problem the draft is left as it was
/// and every problem is returned, each naming its field.
pub fn apply(
    draft: &mut Draft,
    step: &Step,
    form: &FormValues,
    context: &StepContext,
) -> Result<(), Vec<FieldError>> {
    let mut problems = Problems(Vec::new());
    match step {
        Step::Consent => {
            if matches!(text(form, "consent"), "yes" | "on") {
                draft.consent = true;
            } else {
                problems.add("consent", FieldProblem::ConsentMissing);
            }
        }
        Step::About => {
            let about = read_about(&mut problems, form, context);
            if problems.0.is_empty() {
                draft.about = Some(about);
            }
        }
        Step::Help => {
            let areas: Vec<HelpArea> = HelpArea::ALL
                .into_iter()
                .filter(|a| ticked(form, &format!("area_{}", a.key())))
                .collect();
            if areas.is_empty() {
                problems.add("areas", FieldProblem::ChooseAtLeastOne);
            }
            let help_text = text(form, "help_text");
            if help_text.chars().count() > MAX_TEXT {
                problems.add("help_text", FieldProblem::TooLong);
            }
            if problems.0.is_empty() {
                draft.help = Some(Help {
                    areas,
                    text: help_text.to_owned(),
                });
                // Answers to instruments no longer asked are dropped.
                let asked = draft.instruments();
                draft.answers.retain(|id, _| asked.contains(&id.as_str()));
            }
        }
        Step::Questionnaire(id) => {
            let Some(definition) = context.definition.filter(|d| &d.id == id) else {
                problems.add("questionnaire", FieldProblem::Required);
                return Err(problems.0);
            };
            match read_answers(definition, form) {
                Ok(answers) => {
                    draft.answers.insert(id.clone(), answers);
                }
                Err(found) => problems.0.extend(found),
            }
        }
        Step::Preferences => {
            let format = match text(form, "format") {
                "group" => Some(Format::Group),
                "individual" => Some(Format::Individual),
                "either" => Some(Format::Either),
                _ => None,
            };
            let mode = match text(form, "mode") {
                "video" => Some(Mode::Video),
                "in_person" => Some(Mode::InPerson),
                "either" => Some(Mode::Either),
                _ => None,
            };
            if format.is_none() {
                problems.add("format", FieldProblem::ChooseOne);
            }
            if mode.is_none() {
                problems.add("mode", FieldProblem::ChooseOne);
            }
            let times: Vec<DayPart> = DayPart::ALL
                .into_iter()
                .filter(|p| ticked(form, &format!("pref_{}", p.key())))
                .collect();
            if times.is_empty() {
                problems.add("times", FieldProblem::ChooseAtLeastOne);
            }
            if let (Some(format), Some(mode), true) = (format, mode, problems.0.is_empty()) {
                draft.preferences = Some(Preferences {
                    format,
                    mode,
                    times,
                });
            }
        }
        Step::Review => {}
    }
    if problems.0.is_empty() {
        Ok(())
    } else {
        Err(problems.0)
    }
}

fn read_about(problems: &mut Problems, form: &FormValues, context: &StepContext) -> About {
    let name = short(problems, form, "name", true);
    let raw_id = text(form, "national_id");
    let national_id = if raw_id.is_empty() {
        problems.add("national_id", FieldProblem::Required);
        String::new()
    } else {
        match NationalId::parse(raw_id) {
            Ok(id) if id.age_on(context.today) < MINIMUM_AGE => {
                problems.add("national_id", FieldProblem::TooYoung);
                String::new()
            }
            Ok(id) => id.as_string(),
            Err(problem) => {
                let problem = match problem {
                    NationalIdProblem::Length => FieldProblem::NationalIdLength,
                    NationalIdProblem::Date => FieldProblem::NationalIdDate,
                    NationalIdProblem::CheckDigits => FieldProblem::NationalIdCheck,
                };
                problems.add("national_id", problem);
                String::new()
            }
        }
    };
    let municipality = text(form, "municipality").to_owned();
    if municipality.is_empty() {
        problems.add("municipality", FieldProblem::Required);
    } else if (context.municipality)(&municipality) == MunicipalityCheck::NotServed {
        problems.add("municipality", FieldProblem::NotServed);
    }
    let phone = text(form, "phone").to_owned();
    if phone.is_empty() {
        problems.add("phone", FieldProblem::Required);
    } else if !is_phone_number(&phone) {
        problems.add("phone", FieldProblem::PhoneInvalid);
    }
    let raw_email = text(form, "email");
    let email = if raw_email.is_empty() {
        problems.add("email", FieldProblem::Required);
        String::new()
    } else {
        normalise_email(raw_email).unwrap_or_else(|| {
            problems.add("email", FieldProblem::EmailInvalid);
            String::new()
        })
    };
    let contact_ways: Vec<ContactWay> = ContactWay::ALL
        .into_iter()
        .filter(|w| ticked(form, &format!("contact_{}", w.key())))
        .collect();
    if contact_ways.is_empty() {
        problems.add("contact_ways", FieldProblem::ChooseAtLeastOne);
    }
    let contact_times: Vec<DayPart> = DayPart::ALL
        .into_iter()
        .filter(|p| ticked(form, &format!("time_{}", p.key())))
        .collect();
    if contact_times.is_empty() {
        problems.add("contact_times", FieldProblem::ChooseAtLeastOne);
    }
    let interpreter = match text(form, "interpreter") {
        "no" => None,
        "yes" => Some(short(problems, form, "interpreter_language", true)),
        _ => {
            problems.add("interpreter", FieldProblem::ChooseOne);
            None
        }
    };
    About {
        name,
        national_id,
        municipality,
        phone,
        email,
        contact_ways,
        contact_times,
        interpreter,
    }
}

/// A step's form filled in from the draft, to show what was saved.
/// What of a refused step's form is kept on the draft to show again: only the fields
/// the step has, each at most twice its own limit (so "too long" can still be shown
/// with what was typed), and never more than [`KEPT_FIELDS_MAX`] of them. Anything
/// else a request carries is dropped.
pub fn kept_for_step(step: &Step, form: &FormValues) -> FormValues {
    const EXACT: [(&str, usize); 12] = [
        ("consent", MAX_SHORT),
        ("name", MAX_SHORT),
        ("national_id", MAX_SHORT),
        ("municipality", MAX_SHORT),
        ("phone", MAX_SHORT),
        ("email", MAX_SHORT),
        ("interpreter", MAX_SHORT),
        ("interpreter_language", MAX_SHORT),
        ("help_text", MAX_TEXT),
        ("format", MAX_SHORT),
        ("mode", MAX_SHORT),
        ("areas", MAX_SHORT),
    ];
    let prefixes: &[&str] = match step {
        Step::About => &["contact_", "time_"],
        Step::Help => &["area_"],
        Step::Questionnaire(_) => &["item_"],
        Step::Preferences => &["pref_"],
        Step::Consent | Step::Review => &[],
    };
    let limit_of = |name: &str| {
        EXACT
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, limit)| *limit)
            .or_else(|| {
                prefixes
                    .iter()
                    .any(|p| {
                        name.strip_prefix(p).is_some_and(|rest| {
                            !rest.is_empty()
                                && rest.len() <= 40
                                && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        })
                    })
                    .then_some(MAX_SHORT)
            })
    };
    form.iter()
        .filter_map(|(name, value)| {
            let limit = limit_of(name)?;
            Some((name.clone(), value.chars().take(2 * limit).collect()))
        })
        .take(KEPT_FIELDS_MAX)
        .collect()
}

/// The most fields a refused step keeps.
pub const KEPT_FIELDS_MAX: usize = 80;

pub fn values(draft: &Draft, step: &Step) -> FormValues {
    let mut v = FormValues::new();
    let mut set = |name: &str, value: &str| {
        v.insert(name.to_owned(), value.to_owned());
    };
    match step {
        Step::Consent => {
            if draft.consent {
                set("consent", "yes");
            }
        }
        Step::About => {
            if let Some(a) = &draft.about {
                set("name", &a.name);
                set("national_id", &a.national_id);
                set("municipality", &a.municipality);
                set("phone", &a.phone);
                set("email", &a.email);
                for w in &a.contact_ways {
                    set(&format!("contact_{}", w.key()), "on");
                }
                for p in &a.contact_times {
                    set(&format!("time_{}", p.key()), "on");
                }
                match &a.interpreter {
                    Some(language) => {
                        set("interpreter", "yes");
                        set("interpreter_language", language);
                    }
                    None => set("interpreter", "no"),
                }
            }
        }
        Step::Help => {
            if let Some(h) = &draft.help {
                for a in &h.areas {
                    set(&format!("area_{}", a.key()), "on");
                }
                set("help_text", &h.text);
            }
        }
        Step::Questionnaire(id) => {
            for (item, answer) in draft.answers.get(id).into_iter().flatten() {
                let value = match answer {
                    Answer::Value(n) => n.to_string(),
                    Answer::NotApplicable => "na".into(),
                };
                set(&format!("item_{item}"), &value);
            }
        }
        Step::Preferences => {
            if let Some(p) = &draft.preferences {
                set(
                    "format",
                    match p.format {
                        Format::Group => "group",
                        Format::Individual => "individual",
                        Format::Either => "either",
                    },
                );
                set(
                    "mode",
                    match p.mode {
                        Mode::Video => "video",
                        Mode::InPerson => "in_person",
                        Mode::Either => "either",
                    },
                );
                for t in &p.times {
                    set(&format!("pref_{}", t.key()), "on");
                }
            } else if let Some(a) = &draft.about {
                // Not asked twice: the times given for being contacted are filled in,
                // to change only if meeting times differ.
                for t in &a.contact_times {
                    set(&format!("pref_{}", t.key()), "on");
                }
            }
        }
        Step::Review => {}
    }
    v
}
