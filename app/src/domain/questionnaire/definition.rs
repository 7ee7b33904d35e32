//! What an instrument is: items, answer options, scoring rules, bands, risk items.

use serde::{Deserialize, Serialize};

use crate::domain::language::Lang;

/// A text in every interface language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localised {
    pub nb: String,
    pub nn: String,
    pub en: String,
}

impl Localised {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::Nn => &self.nn,
            Lang::En => &self.en,
        }
    }

    fn blank_language(&self) -> Option<&'static str> {
        [("nb", &self.nb), ("nn", &self.nn), ("en", &self.en)]
            .into_iter()
            .find(|(_, text)| text.trim().is_empty())
            .map(|(code, _)| code)
    }
}

/// One answer a person can choose, with the value it scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleOption {
    pub value: i32,
    pub label: Localised,
}

/// A named list of answer options shared by several items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSet {
    pub id: String,
    pub options: Vec<ScaleOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable within the instrument: answers are stored by it.
    pub id: String,
    pub text: Localised,
    /// The id of the option set this item is answered on.
    pub options: String,
    #[serde(default)]
    pub loinc: Option<String>,
    /// The item may be answered "not applicable" (it then counts as missing).
    #[serde(default)]
    pub not_applicable: bool,
    /// An answer above this value is a risk answer that staff must see at once.
    #[serde(default)]
    pub risk_above: Option<i32>,
}

/// Part of the instrument scored on its own (an item or a group of items).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscale {
    pub id: String,
    pub title: Localised,
    pub items: Vec<String>,
    #[serde(default)]
    pub caseness: Option<i32>,
}

/// How answers become scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Whether the instrument has a total (the sum of all items). The phobia scales
    /// have none: each item is a scale of its own.
    #[serde(default = "yes")]
    pub total: bool,
    /// How many items may be missing (unanswered or "not applicable") and still give a
    /// score: each missing item counts as the mean of the answered ones. More missing
    /// items give no score.
    #[serde(default)]
    pub max_missing: usize,
    /// The total at or above which a person counts as a "case" (clinically relevant).
    #[serde(default)]
    pub caseness: Option<i32>,
    #[serde(default)]
    pub subscales: Vec<Subscale>,
    /// What the total measures in the outcome figures: a depression or an anxiety
    /// measure (IAPT pairs one of each). Instruments without one are not outcomes.
    #[serde(default)]
    pub outcome: Option<OutcomeRole>,
    /// The smallest change in the total that exceeds the instrument's measurement
    /// error (the reliable change index): PHQ-9 6, GAD-7 4.
    #[serde(default)]
    pub reliable_change: Option<i32>,
}

/// Which side of the IAPT pair of outcome measures an instrument stands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeRole {
    Depression,
    Anxiety,
}

fn yes() -> bool {
    true
}

/// A severity band: it starts at `min` and runs up to the next band's `min`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub id: String,
    pub min: i32,
    pub label: Localised,
}

/// One instrument, as its data file defines it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub id: String,
    pub version: String,
    pub title: Localised,
    pub instructions: Localised,
    /// The copyright or licence line, shown with the instrument.
    pub licence: String,
    /// Where the wording in each language comes from.
    pub source: String,
    #[serde(default)]
    pub loinc: Option<String>,
    /// LOINC code of the total score, where one exists.
    #[serde(default)]
    pub loinc_total: Option<String>,
    pub option_sets: Vec<OptionSet>,
    pub items: Vec<Item>,
    pub scoring: Scoring,
    #[serde(default)]
    pub bands: Vec<Band>,
}

/// Why a definition cannot be used: which field, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct DefinitionError {
    pub field: String,
    pub problem: String,
}

fn wrong(field: impl Into<String>, problem: impl Into<String>) -> DefinitionError {
    DefinitionError {
        field: field.into(),
        problem: problem.into(),
    }
}

impl Definition {
    pub fn option_set(&self, id: &str) -> Option<&OptionSet> {
        self.option_sets.iter().find(|s| s.id == id)
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The options an item is answered on.
    pub fn options_of(&self, item: &Item) -> &[ScaleOption] {
        self.option_set(&item.options)
            .map(|s| s.options.as_slice())
            .unwrap_or_default()
    }

    /// The highest total the instrument can give.
    pub fn max_total(&self) -> i32 {
        self.items
            .iter()
            .map(|i| {
                self.options_of(i)
                    .iter()
                    .map(|o| o.value)
                    .max()
                    .unwrap_or(0)
            })
            .sum()
    }

    /// Checks everything scoring relies on, naming the first field that is wrong.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        let is_id = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        };
        if !is_id(&self.id) {
            return Err(wrong("id", "must be lowercase letters, digits, - or _"));
        }
        if self.version.trim().is_empty() {
            return Err(wrong("version", "must not be empty"));
        }
        if self.licence.trim().is_empty() {
            return Err(wrong("licence", "must name the copyright or licence"));
        }
        if self.source.trim().is_empty() {
            return Err(wrong("source", "must name where the wording comes from"));
        }
        for (field, text) in [("title", &self.title), ("instructions", &self.instructions)] {
            if let Some(code) = text.blank_language() {
                return Err(wrong(format!("{field}.{code}"), "must not be empty"));
            }
        }
        if self.option_sets.is_empty() {
            return Err(wrong("option_sets", "at least one option set is needed"));
        }
        for (i, set) in self.option_sets.iter().enumerate() {
            let field = format!("option_sets[{i}]");
            if !is_id(&set.id) {
                return Err(wrong(
                    format!("{field}.id"),
                    "must be lowercase letters, digits, - or _",
                ));
            }
            if self.option_sets.iter().filter(|s| s.id == set.id).count() > 1 {
                return Err(wrong(
                    format!("{field}.id"),
                    format!("\"{}\" is used twice", set.id),
                ));
            }
            if set.options.len() < 2 {
                return Err(wrong(
                    format!("{field}.options"),
                    "needs at least two options",
                ));
            }
            for (j, option) in set.options.iter().enumerate() {
                if option.value < 0 {
                    return Err(wrong(
                        format!("{field}.options[{j}].value"),
                        "must not be negative",
                    ));
                }
                if set
                    .options
                    .iter()
                    .filter(|o| o.value == option.value)
                    .count()
                    > 1
                {
                    return Err(wrong(
                        format!("{field}.options[{j}].value"),
                        format!("{} is used twice", option.value),
                    ));
                }
                if let Some(code) = option.label.blank_language() {
                    return Err(wrong(
                        format!("{field}.options[{j}].label.{code}"),
                        "must not be empty",
                    ));
                }
            }
        }
        if self.items.is_empty() {
            return Err(wrong("items", "at least one item is needed"));
        }
        for (i, item) in self.items.iter().enumerate() {
            let field = format!("items[{i}]");
            if !is_id(&item.id) {
                return Err(wrong(
                    format!("{field}.id"),
                    "must be lowercase letters, digits, - or _",
                ));
            }
            if self.items.iter().filter(|o| o.id == item.id).count() > 1 {
                return Err(wrong(
                    format!("{field}.id"),
                    format!("\"{}\" is used twice", item.id),
                ));
            }
            if let Some(code) = item.text.blank_language() {
                return Err(wrong(format!("{field}.text.{code}"), "must not be empty"));
            }
            let Some(set) = self.option_set(&item.options) else {
                return Err(wrong(
                    format!("{field}.options"),
                    format!("no option set is called \"{}\"", item.options),
                ));
            };
            if let Some(risk) = item.risk_above {
                if set.options.iter().all(|o| o.value <= risk) {
                    return Err(wrong(
                        format!("{field}.risk_above"),
                        "no answer lies above it, so the risk could never show",
                    ));
                }
            }
        }
        if self.scoring.max_missing >= self.items.len() {
            return Err(wrong(
                "scoring.max_missing",
                "must be smaller than the number of items",
            ));
        }
        if let Some(caseness) = self.scoring.caseness {
            if !self.scoring.total {
                return Err(wrong(
                    "scoring.caseness",
                    "needs a total (scoring.total = true)",
                ));
            }
            if caseness <= 0 || caseness > self.max_total() {
                return Err(wrong(
                    "scoring.caseness",
                    "must lie within the possible totals",
                ));
            }
        }
        if let Some(role) = self.scoring.outcome {
            if self.scoring.caseness.is_none() {
                return Err(wrong(
                    "scoring.outcome",
                    format!("a {role:?} outcome measure needs scoring.caseness"),
                ));
            }
            if self.scoring.reliable_change.is_none() {
                return Err(wrong(
                    "scoring.outcome",
                    "an outcome measure needs scoring.reliable_change",
                ));
            }
        }
        if let Some(change) = self.scoring.reliable_change {
            if !self.scoring.total {
                return Err(wrong(
                    "scoring.reliable_change",
                    "needs a total (scoring.total = true)",
                ));
            }
            if change <= 0 || change > self.max_total() {
                return Err(wrong(
                    "scoring.reliable_change",
                    "must lie within the possible totals",
                ));
            }
        }
        for (i, sub) in self.scoring.subscales.iter().enumerate() {
            let field = format!("scoring.subscales[{i}]");
            if !is_id(&sub.id) {
                return Err(wrong(
                    format!("{field}.id"),
                    "must be lowercase letters, digits, - or _",
                ));
            }
            if sub.items.is_empty() {
                return Err(wrong(
                    format!("{field}.items"),
                    "must name at least one item",
                ));
            }
            if let Some(unknown) = sub.items.iter().find(|id| self.item(id).is_none()) {
                return Err(wrong(
                    format!("{field}.items"),
                    format!("no item is called \"{unknown}\""),
                ));
            }
            if let Some(code) = sub.title.blank_language() {
                return Err(wrong(format!("{field}.title.{code}"), "must not be empty"));
            }
        }
        if !self.bands.is_empty() {
            if !self.scoring.total {
                return Err(wrong("bands", "bands need a total (scoring.total = true)"));
            }
            if self.bands[0].min != 0 {
                return Err(wrong("bands[0].min", "the first band must start at 0"));
            }
            for (i, pair) in self.bands.windows(2).enumerate() {
                if pair[1].min <= pair[0].min {
                    return Err(wrong(format!("bands[{}].min", i + 1), "bands must rise"));
                }
            }
            let max = self.max_total();
            for (i, band) in self.bands.iter().enumerate() {
                if band.min > max {
                    return Err(wrong(
                        format!("bands[{i}].min"),
                        format!("lies above the highest total {max}"),
                    ));
                }
                if let Some(code) = band.label.blank_language() {
                    return Err(wrong(
                        format!("bands[{i}].label.{code}"),
                        "must not be empty",
                    ));
                }
            }
        }
        Ok(())
    }
}
