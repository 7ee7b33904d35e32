//! What the board and an opened referral send to the page, already in the reader's language.

use serde::{Deserialize, Serialize};

/// The board's filter. The address bar carries all but `q`, the search (names and
/// identity numbers), which the session keeps; `q` given here wins over it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardQuery {
    pub q: Option<String>,
    pub municipality: Option<String>,
    pub state: Option<String>,
    pub band: Option<String>,
    pub format: Option<String>,
    pub mode: Option<String>,
    pub mine: Option<String>,
    pub unclaimed: Option<String>,
}

impl BoardQuery {
    pub fn is_empty(&self) -> bool {
        *self == BoardQuery::default()
    }
}

/// A choice in a filter or form: (value, label).
pub type Choice = (String, String);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub columns: Vec<ColumnView>,
    pub waiting: usize,
    pub median_days: Option<String>,
    pub longest_days: Option<String>,
    pub municipalities: Vec<Choice>,
    pub states: Vec<Choice>,
    pub bands: Vec<Choice>,
    pub formats: Vec<Choice>,
    pub modes: Vec<Choice>,
    pub is_lead: bool,
    /// The search in use (kept with the session), for the search field.
    pub search: String,
    /// When it was read, in Norwegian time.
    pub updated: String,
    /// "2 urgent referrals are waiting unopened, the oldest for 14 min", when any are.
    pub urgent_alert: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnView {
    pub key: String,
    pub title: String,
    pub total: i64,
    pub cards: Vec<CardView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardView {
    pub reference: String,
    pub short_name: String,
    pub age: Option<String>,
    pub municipality: String,
    pub waited: String,
    /// The state in words (closed ones with their outcome).
    pub state: String,
    /// "Urgent" with its reason, in words.
    pub urgent: Option<String>,
    /// "Unopened for 14 min", while an urgent one waits for someone to open it.
    pub unopened: Option<String>,
    pub phq9: String,
    pub gad7: String,
    pub preferences: String,
    pub source: String,
    pub duplicate: Option<String>,
    pub claim: ClaimView,
    /// Where it may move: (state key, label).
    pub moves: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimView {
    Nobody,
    Me,
    Other(String),
}

/// A referral opened in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralView {
    pub card: CardView,
    /// Labelled lines about the person: name, national id, contact, interpreter.
    pub person: Vec<Choice>,
    pub help_areas: Vec<String>,
    pub help_text: String,
    pub preferences: Vec<Choice>,
    pub answers: Vec<AnswerSetView>,
    pub timeline: Vec<EventView>,
    pub decisions: Vec<Choice>,
    /// Cohorts a group course may be offered in: (cohort id, course, start, free seats).
    pub cohorts: Vec<Choice>,
    /// A decision can be recorded now (the referral is in assessment).
    pub can_decide: bool,
    /// The latest decision recorded, as the timeline says it.
    pub decided: Option<EventView>,
    /// Guests it may be shared with: (account id, name).
    pub guests: Vec<Choice>,
    pub shared_with: Vec<String>,
    /// The viewer is a specialist guest it was shared with.
    pub as_guest: bool,
    pub is_lead: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerSetView {
    pub title: String,
    pub answered: String,
    /// "14 of 27", or why there is no total.
    pub total: String,
    pub band: Option<String>,
    pub case: Option<String>,
    pub items: Vec<AnswerView>,
    pub licence: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    pub number: String,
    pub question: String,
    pub answer: String,
    pub risk: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub when: String,
    pub who: Option<String>,
    pub what: String,
    pub text: Option<String>,
}
