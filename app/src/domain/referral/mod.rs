//! A self-referral: what a person tells the service, step by step, before it is sent.

mod form;
mod freshness;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::questionnaire::Answer;

pub use form::{
    apply, is_phone_number, kept_for_step, read_answers, values, FormValues, MunicipalityCheck,
    StepContext, KEPT_FIELDS_MAX,
};
pub use freshness::{is_fresh, DEFAULT_REUSE_DAYS};

/// A referral by its id (the number people quote is its reference, not this).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReferralId(pub i64);

/// What a person may want help with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelpArea {
    Anxiety,
    LowMood,
    Sleep,
    Stress,
    Fears,
    AlcoholDrugs,
    Other,
}

impl HelpArea {
    pub const ALL: [HelpArea; 7] = [
        HelpArea::Anxiety,
        HelpArea::LowMood,
        HelpArea::Sleep,
        HelpArea::Stress,
        HelpArea::Fears,
        HelpArea::AlcoholDrugs,
        HelpArea::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            HelpArea::Anxiety => "anxiety",
            HelpArea::LowMood => "low_mood",
            HelpArea::Sleep => "sleep",
            HelpArea::Stress => "stress",
            HelpArea::Fears => "fears",
            HelpArea::AlcoholDrugs => "alcohol_drugs",
            HelpArea::Other => "other",
        }
    }
}

/// Ways a person may be contacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactWay {
    Phone,
    Sms,
    Email,
}

impl ContactWay {
    pub const ALL: [ContactWay; 3] = [ContactWay::Phone, ContactWay::Sms, ContactWay::Email];

    pub fn key(self) -> &'static str {
        match self {
            ContactWay::Phone => "phone",
            ContactWay::Sms => "sms",
            ContactWay::Email => "email",
        }
    }
}

/// Parts of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    Morning,
    Midday,
    Afternoon,
    Evening,
}

impl DayPart {
    pub const ALL: [DayPart; 4] = [
        DayPart::Morning,
        DayPart::Midday,
        DayPart::Afternoon,
        DayPart::Evening,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DayPart::Morning => "morning",
            DayPart::Midday => "midday",
            DayPart::Afternoon => "afternoon",
            DayPart::Evening => "evening",
        }
    }
}

/// Group course, individual talks, or either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Group,
    Individual,
    Either,
}

/// Video or meeting in person, or either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Video,
    InPerson,
    Either,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Group, Format::Individual, Format::Either];

    pub fn key(self) -> &'static str {
        match self {
            Format::Group => "group",
            Format::Individual => "individual",
            Format::Either => "either",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.key() == s)
    }
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Video, Mode::InPerson, Mode::Either];

    pub fn key(self) -> &'static str {
        match self {
            Mode::Video => "video",
            Mode::InPerson => "in_person",
            Mode::Either => "either",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.key() == s)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    pub name: String,
    /// Eleven digits, checked.
    pub national_id: String,
    /// The kommunenummer.
    pub municipality: String,
    pub phone: String,
    pub email: String,
    pub contact_ways: Vec<ContactWay>,
    pub contact_times: Vec<DayPart>,
    /// The language an interpreter is needed for, if any.
    pub interpreter: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Help {
    pub areas: Vec<HelpArea>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub format: Format,
    pub mode: Mode,
    pub times: Vec<DayPart>,
}

/// Where a referral came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The person referred themselves online.
    SelfReferral,
    /// Staff registered it from a phone call.
    Phone,
    /// Staff registered it from a paper form.
    Paper,
    /// Staff registered it from a letter from the person's GP.
    GpLetter,
}

impl Source {
    pub fn key(self) -> &'static str {
        match self {
            Source::SelfReferral => "self",
            Source::Phone => "phone",
            Source::Paper => "paper",
            Source::GpLetter => "gp_letter",
        }
    }

    pub fn from_key(key: &str) -> Option<Source> {
        [
            Source::SelfReferral,
            Source::Phone,
            Source::Paper,
            Source::GpLetter,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// How strongly the crisis message speaks after risk answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskLevel {
    /// A risk answer (PHQ-9 item 9 above 0): calm, with the numbers to call.
    Risk,
    /// The highest risk answer, or a risk answer with a total in the highest band:
    /// direct, 113 first.
    High,
}

/// Everything entered so far. Saved on the server after every step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub consent: bool,
    pub about: Option<About>,
    pub help: Option<Help>,
    /// Answers by instrument id, then item id.
    pub answers: BTreeMap<String, BTreeMap<String, Answer>>,
    pub preferences: Option<Preferences>,
    /// Set when a member of staff registers the referral on someone's behalf.
    #[serde(default)]
    pub on_behalf: Option<Source>,
    /// What was typed into a step that could not be saved yet (it had problems), so
    /// nothing is lost and nothing travels in the address bar: (step slug, fields).
    #[serde(default)]
    pub pending: Option<(String, BTreeMap<String, String>)>,
}

/// One page of the flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Consent,
    About,
    Help,
    Questionnaire(String),
    Preferences,
    Review,
}

impl Step {
    /// The last part of the step's address.
    pub fn slug(&self) -> String {
        match self {
            Step::Consent => "consent".into(),
            Step::About => "about".into(),
            Step::Help => "help".into(),
            Step::Questionnaire(id) => format!("questionnaire-{id}"),
            Step::Preferences => "preferences".into(),
            Step::Review => "review".into(),
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        match slug {
            "consent" => Some(Step::Consent),
            "about" => Some(Step::About),
            "help" => Some(Step::Help),
            "preferences" => Some(Step::Preferences),
            "review" => Some(Step::Review),
            other => other
                .strip_prefix("questionnaire-")
                .filter(|id| !id.is_empty())
                .map(|id| Step::Questionnaire(id.to_owned())),
        }
    }
}

/// The instruments everyone answers, in order.
pub const ALWAYS_ASKED: [&str; 3] = ["phq9", "gad7", "wsas"];

impl Draft {
    /// The instruments this person is asked, from what they want help with.
    pub fn instruments(&self) -> Vec<&'static str> {
        let mut ids = ALWAYS_ASKED.to_vec();
        let areas = self
            .help
            .as_ref()
            .map(|h| h.areas.as_slice())
            .unwrap_or_default();
        if areas.contains(&HelpArea::AlcoholDrugs) {
            ids.push("audit");
        }
        if areas.contains(&HelpArea::Fears) {
            ids.push("phobia");
        }
        ids
    }

    /// Every step, in order, for this draft as it stands.
    pub fn steps(&self) -> Vec<Step> {
        let mut steps = vec![Step::Consent, Step::About, Step::Help];
        steps.extend(
            self.instruments()
                .into_iter()
                .map(|id| Step::Questionnaire(id.to_owned())),
        );
        steps.push(Step::Preferences);
        steps.push(Step::Review);
        steps
    }

    /// How strongly the crisis message must speak after the answers so far: `None`
    /// without a risk answer; `High` when a risk answer is at the top of its scale
    /// (PHQ-9 item 9: "nearly every day"), or comes with a total in the instrument's
    /// highest band.
    pub fn risk_level(
        &self,
        definitions: &dyn Fn(&str) -> Option<std::sync::Arc<super::questionnaire::Definition>>,
    ) -> Option<RiskLevel> {
        let mut level = None;
        for (id, answers) in &self.answers {
            let Some(definition) = definitions(id) else {
                continue;
            };
            let risky: Vec<&super::questionnaire::Item> = definition
                .items
                .iter()
                .filter(|item| {
                    matches!(
                        (item.risk_above, answers.get(&item.id)),
                        (Some(threshold), Some(Answer::Value(v))) if *v > threshold
                    )
                })
                .collect();
            if risky.is_empty() {
                continue;
            }
            level = Some(RiskLevel::Risk);
            let at_top = risky.iter().any(|item| {
                let top = definition
                    .option_set(&item.options)
                    .and_then(|set| set.options.iter().map(|o| o.value).max());
                matches!((answers.get(&item.id), top), (Some(Answer::Value(v)), Some(top)) if *v >= top)
            });
            let highest_band = definition.bands.iter().max_by_key(|b| b.min).map(|b| &b.id);
            let band = super::questionnaire::score(&definition, answers)
                .ok()
                .and_then(|s| s.band);
            if at_top || (highest_band.is_some() && band.as_ref() == highest_band) {
                return Some(RiskLevel::High);
            }
        }
        level
    }

    /// Keeps what is on a step's page after it was left unsent: unfinished answers are
    /// held as the step's `pending` (replacing another step's only then); a step saved
    /// whole needs none, and another step's unfinished answers stay kept.
    pub fn keep_unfinished(&mut self, step: &Step, unfinished: Option<BTreeMap<String, String>>) {
        match unfinished {
            Some(fields) => self.pending = Some((step.slug(), fields)),
            None if self
                .pending
                .as_ref()
                .is_some_and(|(s, _)| *s == step.slug()) =>
            {
                self.pending = None;
            }
            None => {}
        }
    }

    /// After a risk answer the referral may be sent at once, without the remaining
    /// steps, once there is a way to reach the person (consent and their details).
    pub fn may_send_early(&self, risk: Option<RiskLevel>) -> bool {
        risk.is_some() && self.consent && self.about.is_some()
    }

    /// Whether a step has been filled in.
    pub fn is_done(&self, step: &Step) -> bool {
        match step {
            Step::Consent => self.consent,
            Step::About => self.about.is_some(),
            Step::Help => self.help.is_some(),
            Step::Questionnaire(id) => self.answers.contains_key(id),
            Step::Preferences => self.preferences.is_some(),
            Step::Review => false,
        }
    }

    /// The first step not yet filled in (the review when all are).
    pub fn first_open_step(&self) -> Step {
        self.steps()
            .into_iter()
            .find(|s| !self.is_done(s))
            .unwrap_or(Step::Review)
    }

    /// A step may be opened when every step before it is done.
    pub fn may_open(&self, step: &Step) -> bool {
        let steps = self.steps();
        let Some(position) = steps.iter().position(|s| s == step) else {
            return false;
        };
        steps[..position].iter().all(|s| self.is_done(s))
    }

    /// The step after this one.
    pub fn next_step(&self, step: &Step) -> Step {
        let steps = self.steps();
        steps
            .iter()
            .position(|s| s == step)
            .and_then(|p| steps.get(p + 1).cloned())
            .unwrap_or(Step::Review)
    }

    /// Ready to send: every step before the review is done.
    pub fn is_complete(&self) -> bool {
        self.may_open(&Step::Review)
    }
}

#[cfg(test)]
mod tests;
