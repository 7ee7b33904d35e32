//! Turning answers into scores, bands, caseness and risk.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::definition::{Definition, Item};

/// A person's answer to one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Value(i32),
    /// For items that allow it (the work item of WSAS when a person has no work).
    NotApplicable,
}

/// The score of a subscale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscaleScore {
    pub id: String,
    pub score: Option<f64>,
    pub case: Option<bool>,
}

/// What a set of answers comes to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// `None` when the instrument has no total or too many items are missing.
    pub total: Option<f64>,
    pub band: Option<String>,
    /// At or above the caseness threshold.
    pub case: Option<bool>,
    /// Items answered above their risk threshold.
    pub risk_items: Vec<String>,
    pub subscales: Vec<SubscaleScore>,
    /// Items unanswered or answered "not applicable".
    pub missing: usize,
}

impl Score {
    pub fn has_risk(&self) -> bool {
        !self.risk_items.is_empty()
    }
}

/// An answer that does not fit the item.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("item {item}: the answer is not one of its options")]
pub struct AnswerError {
    pub item: String,
}

fn value_of(
    definition: &Definition,
    item: &Item,
    answer: Option<&Answer>,
) -> Result<Option<i32>, AnswerError> {
    match answer {
        None => Ok(None),
        Some(Answer::NotApplicable) if item.not_applicable => Ok(None),
        Some(Answer::Value(v)) if definition.options_of(item).iter().any(|o| o.value == *v) => {
            Ok(Some(*v))
        }
        Some(_) => Err(AnswerError {
            item: item.id.clone(),
        }),
    }
}

/// Sum of the items, with up to `max_missing` missing ones counted as the mean of the
/// others; `None` when more are missing. Rounded to one decimal.
fn prorated_sum(values: &[Option<i32>], max_missing: usize) -> Option<f64> {
    let answered: Vec<i32> = values.iter().flatten().copied().collect();
    let missing = values.len() - answered.len();
    if missing > max_missing || answered.is_empty() {
        return None;
    }
    let sum: i32 = answered.iter().sum();
    let mean = f64::from(sum) / answered.len() as f64;
    let total = f64::from(sum) + mean * missing as f64;
    Some((total * 10.0).round() / 10.0)
}

/// Scores answers (by item id) against a definition.
pub fn score(
    definition: &Definition,
    answers: &BTreeMap<String, Answer>,
) -> Result<Score, AnswerError> {
    let mut values = Vec::with_capacity(definition.items.len());
    let mut risk_items = Vec::new();
    for item in &definition.items {
        let value = value_of(definition, item, answers.get(&item.id))?;
        if let (Some(v), Some(threshold)) = (value, item.risk_above) {
            if v > threshold {
                risk_items.push(item.id.clone());
            }
        }
        values.push(value);
    }
    let missing = values.iter().filter(|v| v.is_none()).count();
    let max_missing = definition.scoring.max_missing;
    let total = if definition.scoring.total {
        prorated_sum(&values, max_missing)
    } else {
        None
    };
    // Bands and caseness use the total rounded to a whole number (half up).
    let whole = total.map(|t| t.round());
    let band = whole.and_then(|t| {
        definition
            .bands
            .iter()
            .rev()
            .find(|b| f64::from(b.min) <= t)
            .map(|b| b.id.clone())
    });
    let case = whole.and_then(|t| definition.scoring.caseness.map(|c| t >= f64::from(c)));
    let subscales = definition
        .scoring
        .subscales
        .iter()
        .map(|sub| {
            let sub_values: Vec<Option<i32>> = sub
                .items
                .iter()
                .map(|id| {
                    definition
                        .items
                        .iter()
                        .position(|i| &i.id == id)
                        .and_then(|p| values[p])
                })
                .collect();
            // A subscale of one item has nothing to stand in for a missing answer.
            let allowed = if sub_values.len() > 1 { max_missing } else { 0 };
            let score = prorated_sum(&sub_values, allowed);
            SubscaleScore {
                id: sub.id.clone(),
                case: score.and_then(|s| sub.caseness.map(|c| s.round() >= f64::from(c))),
                score,
            }
        })
        .collect();
    Ok(Score {
        total,
        band,
        case,
        risk_items,
        subscales,
        missing,
    })
}
