//! What the self-referral pages receive from the server (already in the reader's language).

use serde::{Deserialize, Serialize};

/// The public page of a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub slug: String,
    pub name: String,
    pub municipalities: Vec<String>,
    /// This browser has a draft for the service in progress.
    pub has_draft: bool,
    /// The person is staff of this service and may register referrals for others.
    pub may_register: bool,
    /// The service's group courses.
    pub courses: Vec<CatalogueCourse>,
}

/// A course in a service's catalogue, as a citizen reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueCourse {
    pub name: String,
    pub description: String,
    pub suits: String,
    pub weekly_sessions: u32,
    pub follow_ups: u32,
    pub session_minutes: u32,
    pub format: crate::domain::course::Format,
    /// The first session of its next cohort, as a Norwegian date (19.01.2027).
    pub next_start: Option<String>,
}

/// One answer option of an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    pub value: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub id: String,
    pub text: String,
    pub options: Vec<OptionView>,
    /// The answers that are risk answers, each with how strongly the crisis message
    /// speaks when it is chosen (the page shows it at once, by its stylesheet).
    pub risk_answers: Vec<(String, crate::domain::referral::RiskLevel)>,
}

/// An instrument in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentView {
    pub id: String,
    pub title: String,
    pub instructions: String,
    pub licence: String,
    pub items: Vec<ItemView>,
}

impl InstrumentView {
    /// An instrument's definition in one language, with each item's risk answers.
    pub fn of(
        lang: crate::i18n::Lang,
        d: &crate::domain::questionnaire::Definition,
    ) -> InstrumentView {
        use crate::domain::referral::RiskLevel;

        InstrumentView {
            id: d.id.clone(),
            title: d.title.get(lang).to_owned(),
            instructions: d.instructions.get(lang).to_owned(),
            licence: d.licence.clone(),
            items: d
                .items
                .iter()
                .map(|item| {
                    let options = d.options_of(item);
                    let top = options.iter().map(|o| o.value).max();
                    ItemView {
                        id: item.id.clone(),
                        text: item.text.get(lang).to_owned(),
                        options: options
                            .iter()
                            .map(|o| OptionView {
                                value: o.value.to_string(),
                                label: o.label.get(lang).to_owned(),
                            })
                            .collect(),
                        risk_answers: options
                            .iter()
                            .filter(|o| item.risk_above.is_some_and(|t| o.value > t))
                            .map(|o| {
                                let level = if Some(o.value) == top {
                                    RiskLevel::High
                                } else {
                                    RiskLevel::Risk
                                };
                                (o.value.to_string(), level)
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// A municipality in the "where do you live" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalityView {
    pub number: String,
    pub name: String,
    /// Served by this service.
    pub served: bool,
    /// The services serving it instead: (slug, name).
    pub elsewhere: Vec<(String, String)>,
}

/// One line of the review page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSection {
    pub step: String,
    pub title: String,
    pub lines: Vec<(String, String)>,
}

/// An earlier answer set that may be reused instead of asking again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reusable {
    pub answered_on: String,
}

/// Everything a step page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepPage {
    pub service_name: String,
    pub slug: String,
    /// The step's slug, as asked for.
    pub step: String,
    /// False when an earlier step must be filled in first.
    pub allowed: bool,
    /// Where to continue when not allowed.
    pub open_step: String,
    /// 1-based position and the number of steps.
    pub position: usize,
    pub total: usize,
    pub title: String,
    /// What was saved, by field name.
    pub values: Vec<(String, String)>,
    pub instrument: Option<InstrumentView>,
    /// Which items allow "not applicable".
    pub not_applicable: Vec<String>,
    pub municipalities: Vec<MunicipalityView>,
    /// A risk answer has been given: show the crisis message, this strongly.
    pub risk: Option<crate::domain::referral::RiskLevel>,
    /// The referral may be sent now, without the remaining steps (after a risk answer).
    pub send_early: bool,
    pub review: Vec<ReviewSection>,
    pub on_behalf: bool,
    /// The step before, for the "back" link.
    pub previous: Option<String>,
    pub reusable: Option<Reusable>,
}

impl StepPage {
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The receipt after sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub reference: String,
    pub service_name: String,
    pub urgent: bool,
    pub on_behalf: bool,
}

/// A person's own referral, on their page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyReferral {
    pub reference: String,
    pub service_name: String,
    pub sent: String,
    pub status: String,
    /// The latest decision in words, if one was made.
    pub decision: Option<String>,
    /// Still open: the person may withdraw it.
    pub open: bool,
    /// What happens next, and when.
    pub next: String,
    /// "Questions? Call us on …, weekdays 08.00–15.30", when the service has a phone,
    /// with the number as written in it.
    pub contact: Option<(String, String)>,
}
