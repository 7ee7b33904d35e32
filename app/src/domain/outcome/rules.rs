//! One episode's outcome: caseness at the start, a finished course of treatment,
//! paired scores, recovery and reliable change.
//!
//! The definitions followed are those of *NHS Talking Therapies for anxiety and
//! depression* (formerly IAPT): the *IAPT Data Handbook* (NHS England, version 2) and
//! the programme's glossary as published by the Office for Health Improvement and
//! Disparities (fingertips.phe.org.uk, "Common mental disorders": *caseness*,
//! *finished course of treatment*, *recovery*, *reliable improvement*). Each rule
//! below names the definition it follows.

use serde::{Deserialize, Serialize};

use crate::domain::questionnaire::{Definition, OutcomeRole};

/// An outcome measure, as its definition sets it: which side of the pair it stands
/// on, its caseness threshold and its reliable change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub instrument: String,
    pub role: OutcomeRole,
    pub caseness: i32,
    pub reliable_change: i32,
}

impl Measure {
    /// The instrument as an outcome measure; `None` when its definition names no
    /// outcome role (or lacks a threshold, which validation refuses).
    pub fn of(definition: &Definition) -> Option<Measure> {
        let scoring = &definition.scoring;
        Some(Measure {
            instrument: definition.id.clone(),
            role: scoring.outcome?,
            caseness: scoring.caseness?,
            reliable_change: scoring.reliable_change?,
        })
    }

    /// Caseness: "a referral that scores highly enough on measures of depression and
    /// anxiety to be classed as a clinical case", at or above the instrument's
    /// clinical cut-off (PHQ-9 10, GAD-7 8). A prorated total counts rounded half up,
    /// as the bands do.
    pub fn is_case(&self, total: f64) -> bool {
        whole(total) >= self.caseness
    }

    /// The change on this measure alone from `first` to `last`: a fall or a rise of at
    /// least the reliable change (whole totals, as caseness).
    pub fn change(&self, first: f64, last: f64) -> ReliableChange {
        let change = whole(last) - whole(first);
        if -change >= self.reliable_change {
            ReliableChange::Improvement
        } else if change >= self.reliable_change {
            ReliableChange::Deterioration
        } else {
            ReliableChange::NoChange
        }
    }
}

fn whole(total: f64) -> i32 {
    total.round() as i32
}

/// One scored answer set: which instrument, its total (none when too many items were
/// missing), and when it was answered (seconds since the epoch).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub instrument: String,
    pub total: Option<f64>,
    pub at: i64,
}

/// What the rules need of an episode.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// Attended treatment sessions (course sessions, individual sessions), by time.
    /// An assessment is not a treatment session.
    pub treatment_sessions: Vec<i64>,
    /// The referral has ended (closed, or the course finished).
    pub ended: bool,
    /// Every scored answer set, in any order; instruments that are not outcome
    /// measures are ignored.
    pub scores: Vec<Scored>,
}

/// The first and the last score of one outcome measure within the episode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub instrument: String,
    pub role: OutcomeRole,
    pub first: f64,
    pub last: f64,
    pub first_at: i64,
    pub last_at: i64,
    /// The fall from first to last reaches the reliable change.
    pub improved: bool,
    /// The rise from first to last reaches the reliable change.
    pub deteriorated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliableChange {
    Improvement,
    Deterioration,
    /// Neither: no measure changed reliably, or one improved while the other got worse.
    NoChange,
}

/// An episode's outcome. `None` where the rule does not apply to the episode (the
/// episode is then outside that figure's denominator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// At least one attended treatment session.
    pub entered_treatment: bool,
    /// Attended fewer than two treatment sessions before ending (drop-out).
    pub dropped_out: bool,
    /// Ended having attended at least two treatment sessions.
    pub finished: bool,
    /// At caseness on at least one outcome measure at its first score; `None` when no
    /// outcome measure was scored.
    pub case_at_start: Option<bool>,
    /// One pair per outcome measure scored; a measure scored once has none.
    pub pairs: Vec<Pair>,
    /// Finished, and every outcome measure scored has a first and a last score.
    pub paired: bool,
    pub recovered: Option<bool>,
    pub change: Option<ReliableChange>,
    pub reliable_recovery: Option<bool>,
}

/// Applies the rules to one episode.
///
/// - **Finished a course of treatment**: "a referral that has ended having had at
///   least two attended treatment appointments" (glossary); an assessment alone does
///   not count, so only treatment sessions are given.
/// - **Paired scores**: the first and the last score of the same measure within the
///   episode (Data Handbook, "paired scores"). The outcome figures are computed only
///   for finished episodes whose measures all have a pair: a measure whose last score
///   is missing leaves the episode out, as the Handbook leaves it out.
/// - **Caseness at the start**: at or above the cut-off on the depression or the
///   anxiety measure (or both) at the first score.
/// - **Recovery**: at caseness at the start and at caseness on neither measure at the
///   end; its denominator is the finished episodes at caseness at the start.
/// - **Reliable improvement**: a fall of at least the reliable change on at least one
///   measure and no reliable deterioration on the other; **reliable deterioration**
///   the mirror. Its denominator is all finished episodes with paired scores.
/// - **Reliable recovery**: both recovered and reliably improved.
pub fn outcome(episode: &Episode, measures: &[Measure]) -> Outcome {
    let mut sessions = episode.treatment_sessions.clone();
    sessions.sort_unstable();
    sessions.dedup();
    let entered_treatment = !sessions.is_empty();
    let finished = episode.ended && sessions.len() >= 2;
    let dropped_out = episode.ended && sessions.len() < 2;

    let mut firsts = Vec::new();
    let mut pairs = Vec::new();
    let mut unpaired = 0;
    for measure in measures {
        let mut scores: Vec<(i64, f64)> = episode
            .scores
            .iter()
            .filter(|s| s.instrument == measure.instrument)
            .filter_map(|s| s.total.map(|t| (s.at, t)))
            .collect();
        if scores.is_empty() {
            continue;
        }
        scores.sort_by_key(|(at, _)| *at);
        let (first_at, first) = scores[0];
        firsts.push(measure.is_case(first));
        if scores.len() < 2 {
            unpaired += 1;
            continue;
        }
        let (last_at, last) = scores[scores.len() - 1];
        let change = measure.change(first, last);
        pairs.push(Pair {
            instrument: measure.instrument.clone(),
            role: measure.role,
            first,
            last,
            first_at,
            last_at,
            improved: change == ReliableChange::Improvement,
            deteriorated: change == ReliableChange::Deterioration,
        });
    }
    let case_at_start = (!firsts.is_empty()).then(|| firsts.iter().any(|c| *c));
    let paired = finished && !pairs.is_empty() && unpaired == 0;

    let case_at_end = pairs.iter().any(|p| {
        measures
            .iter()
            .find(|m| m.instrument == p.instrument)
            .is_some_and(|m| m.is_case(p.last))
    });
    let recovered = (paired && case_at_start == Some(true)).then_some(!case_at_end);
    let change = paired.then(|| {
        let improved = pairs.iter().any(|p| p.improved);
        let deteriorated = pairs.iter().any(|p| p.deteriorated);
        match (improved, deteriorated) {
            (true, false) => ReliableChange::Improvement,
            (false, true) => ReliableChange::Deterioration,
            _ => ReliableChange::NoChange,
        }
    });
    let reliable_recovery = recovered.map(|r| r && change == Some(ReliableChange::Improvement));
    Outcome {
        entered_treatment,
        dropped_out,
        finished,
        case_at_start,
        pairs,
        paired,
        recovered,
        change,
        reliable_recovery,
    }
}
