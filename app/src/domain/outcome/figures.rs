//! A group's figures (a service, a period, a municipality, a course or a cohort), and
//! how they may be shown: no count under five people, and nothing from which one can
//! be worked out, so a report on a screen never identifies a person.

use serde::{Deserialize, Serialize};

use super::rules::{Outcome, ReliableChange};
use super::waiting::{Waits, WEEKS_LONGEST, WEEKS_SOON};

/// The smallest number of people a report shows; fewer is shown as "< 5".
pub const SMALLEST_SHOWN: u64 = 5;

/// A count as a report may show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    Count(u64),
    /// Under five people, or one that would let such a count be worked out.
    Suppressed,
}

impl Cell {
    pub fn count(self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(n),
            Cell::Suppressed => None,
        }
    }
}

/// A part of a whole, as shown: the part, the whole and the percentage (whole
/// percent, half up), each suppressed as the rules say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub count: Cell,
    pub of: Cell,
    pub percent: Option<u64>,
}

impl Rate {
    /// `count` people of `of`. The part is suppressed under five; so is the part when
    /// the rest (`of - count`) is under five and not zero, since the rest could then
    /// be worked out from the whole; and when the whole itself is suppressed. Zero of
    /// a shown whole is shown: it names nobody. The percentage shows only when both
    /// do.
    pub fn new(count: u64, of: u64) -> Rate {
        let whole = shown(of);
        let rest = of.saturating_sub(count);
        let part = if whole == Cell::Suppressed
            || (count > 0 && count < SMALLEST_SHOWN)
            || (rest > 0 && rest < SMALLEST_SHOWN)
        {
            Cell::Suppressed
        } else {
            Cell::Count(count)
        };
        let percent = match (part, whole) {
            (Cell::Count(c), Cell::Count(w)) if w > 0 => Some((c * 200 + w) / (2 * w)),
            _ => None,
        };
        Rate {
            count: part,
            of: whole,
            percent,
        }
    }
}

/// A count on its own: under five people is suppressed (zero names nobody).
pub fn shown(count: u64) -> Cell {
    if count > 0 && count < SMALLEST_SHOWN {
        Cell::Suppressed
    } else {
        Cell::Count(count)
    }
}

/// The counts of one breakdown (municipalities, courses, …) whose total is shown:
/// each under five is suppressed, and when that leaves exactly one suppressed, the
/// next smallest is suppressed too, so the total minus the rest cannot reveal it.
pub fn shown_breakdown(counts: &[u64]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = counts.iter().map(|c| shown(*c)).collect();
    let suppressed = cells.iter().filter(|c| **c == Cell::Suppressed).count();
    if suppressed == 1 {
        let next = counts
            .iter()
            .enumerate()
            .filter(|(i, c)| cells[*i] != Cell::Suppressed && **c > 0)
            .min_by_key(|(_, c)| **c)
            .map(|(i, _)| i);
        if let Some(i) = next {
            cells[i] = Cell::Suppressed;
        }
    }
    cells
}

/// The counts behind a group's figures, added one referral at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub referrals: u64,
    pub entered_treatment: u64,
    pub ended: u64,
    pub finished: u64,
    pub dropped_out: u64,
    /// Finished with paired scores: the denominator of reliable change.
    pub paired: u64,
    /// Finished with paired scores and at caseness at the start: recovery's
    /// denominator.
    pub case_at_start: u64,
    pub recovered: u64,
    pub reliably_improved: u64,
    pub reliably_deteriorated: u64,
    pub reliably_recovered: u64,
    pub assessed: u64,
    /// Sum of the waits to assessment, in seconds (for the mean).
    pub assessment_wait_total: i64,
    /// Entered treatment with a known first session.
    pub treated: u64,
    pub treatment_wait_total: i64,
    pub treated_within_6_weeks: u64,
    pub treated_within_18_weeks: u64,
}

impl Figures {
    /// Counts one referral (its outcome and waits) in.
    pub fn add(&mut self, outcome: &Outcome, waits: &Waits, ended: bool) {
        self.referrals += 1;
        self.entered_treatment += u64::from(outcome.entered_treatment);
        self.ended += u64::from(ended);
        self.finished += u64::from(outcome.finished);
        self.dropped_out += u64::from(outcome.dropped_out);
        self.paired += u64::from(outcome.paired);
        self.case_at_start += u64::from(outcome.recovered.is_some());
        self.recovered += u64::from(outcome.recovered == Some(true));
        self.reliably_improved += u64::from(outcome.change == Some(ReliableChange::Improvement));
        self.reliably_deteriorated +=
            u64::from(outcome.change == Some(ReliableChange::Deterioration));
        self.reliably_recovered += u64::from(outcome.reliable_recovery == Some(true));
        if let Some(wait) = waits.to_assessment {
            self.assessed += 1;
            self.assessment_wait_total += wait;
        }
        if let Some(wait) = waits.to_treatment {
            self.treated += 1;
            self.treatment_wait_total += wait;
            self.treated_within_6_weeks +=
                u64::from(waits.treated_within(WEEKS_SOON) == Some(true));
            self.treated_within_18_weeks +=
                u64::from(waits.treated_within(WEEKS_LONGEST) == Some(true));
        }
    }

    /// Another group's counts added in (months into a year, cohorts into a course).
    pub fn merge(&mut self, other: &Figures) {
        self.referrals += other.referrals;
        self.entered_treatment += other.entered_treatment;
        self.ended += other.ended;
        self.finished += other.finished;
        self.dropped_out += other.dropped_out;
        self.paired += other.paired;
        self.case_at_start += other.case_at_start;
        self.recovered += other.recovered;
        self.reliably_improved += other.reliably_improved;
        self.reliably_deteriorated += other.reliably_deteriorated;
        self.reliably_recovered += other.reliably_recovered;
        self.assessed += other.assessed;
        self.assessment_wait_total += other.assessment_wait_total;
        self.treated += other.treated;
        self.treatment_wait_total += other.treatment_wait_total;
        self.treated_within_6_weeks += other.treated_within_6_weeks;
        self.treated_within_18_weeks += other.treated_within_18_weeks;
    }

    /// Recovery rate: recovered of those finished at caseness at the start.
    pub fn recovery(&self) -> Rate {
        Rate::new(self.recovered, self.case_at_start)
    }

    /// Reliable improvement of those finished with paired scores.
    pub fn reliable_improvement(&self) -> Rate {
        Rate::new(self.reliably_improved, self.paired)
    }

    pub fn reliable_deterioration(&self) -> Rate {
        Rate::new(self.reliably_deteriorated, self.paired)
    }

    /// Reliable recovery of those finished at caseness at the start.
    pub fn reliable_recovery(&self) -> Rate {
        Rate::new(self.reliably_recovered, self.case_at_start)
    }

    /// Drop-out: ended with fewer than two treatment sessions, of those ended.
    pub fn drop_out(&self) -> Rate {
        Rate::new(self.dropped_out, self.ended)
    }

    pub fn within_6_weeks(&self) -> Rate {
        Rate::new(self.treated_within_6_weeks, self.treated)
    }

    pub fn within_18_weeks(&self) -> Rate {
        Rate::new(self.treated_within_18_weeks, self.treated)
    }

    /// Mean wait to assessment in whole days, when at least five were assessed.
    pub fn mean_days_to_assessment(&self) -> Option<i64> {
        mean_days(self.assessment_wait_total, self.assessed)
    }

    pub fn mean_days_to_treatment(&self) -> Option<i64> {
        mean_days(self.treatment_wait_total, self.treated)
    }
}

fn mean_days(total_seconds: i64, count: u64) -> Option<i64> {
    (count >= SMALLEST_SHOWN).then(|| {
        let count = count as i64;
        (total_seconds + count * 43_200) / (count * 86_400)
    })
}
