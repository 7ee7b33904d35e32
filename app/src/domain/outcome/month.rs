//! A calendar month in Norwegian time: what the figures' periods are made of.

use serde::{Deserialize, Serialize};

use crate::domain::clock::{oslo_date, oslo_to_utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// The month an instant falls in, in Norwegian time.
    pub fn of(unix: i64) -> Month {
        let (year, month, _) = oslo_date(unix);
        Month { year, month }
    }

    /// "2026-11"; `None` for anything else.
    pub fn parse(s: &str) -> Option<Month> {
        let (year, month) = s.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let month = Month {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
        };
        (1..=12).contains(&month.month).then_some(month)
    }

    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn minus(self, months: u32) -> Month {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 - i64::from(months);
        Month {
            year: i32::try_from(index.div_euclid(12)).unwrap_or(i32::MIN),
            month: u32::try_from(index.rem_euclid(12)).unwrap_or(0) + 1,
        }
    }

    /// Its first instant: midnight on the 1st, Norwegian time.
    pub fn start(self) -> i64 {
        oslo_to_utc(self.year, self.month, 1, 0, 0)
    }

    /// The months from `self` to `last`, both included (none when `last` is before).
    pub fn through(self, last: Month) -> Vec<Month> {
        let mut months = Vec::new();
        let mut m = self;
        while m <= last {
            months.push(m);
            m = m.next();
        }
        months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_parses_steps_and_starts_at_norwegian_midnight() {
        let nov = Month::parse("2026-11").unwrap();
        assert_eq!(nov.key(), "2026-11");
        assert_eq!(
            nov.next().next(),
            Month {
                year: 2027,
                month: 1
            }
        );
        assert_eq!(
            nov.minus(11),
            Month {
                year: 2025,
                month: 12
            }
        );
        assert_eq!(
            Month {
                year: 2026,
                month: 1
            }
            .minus(1),
            Month {
                year: 2025,
                month: 12
            }
        );
        for bad in ["2026-13", "2026-1", "26-11", "", "november"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        // 1 November 2026 00:00 in Oslo (winter time, UTC+1) is 31 October 23:00 UTC.
        assert_eq!(nov.start(), 1_793_487_600);
        assert_eq!(Month::of(nov.start()), nov);
        assert_eq!(
            Month::of(nov.start() - 1),
            Month {
                year: 2026,
                month: 10
            }
        );
        assert_eq!(nov.through(nov.next()).len(), 2);
        assert!(nov.next().through(nov).is_empty());
    }
}
