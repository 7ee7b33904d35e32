//! A cohort's dated sessions: generated weekly from a first date and a wall-clock time
//! in Norway, stored as UTC instants that keep the wall-clock time across the changes
//! to and from summer time.

use serde::{Deserialize, Serialize};

use crate::domain::clock;

/// A date on the Norwegian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LocalDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl LocalDate {
    /// Reads `2026-10-19`, the value of an `<input type="date">`.
    pub fn parse(s: &str) -> Option<LocalDate> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let date = LocalDate { year, month, day };
        // A date is real when adding no days gives it back (no 31 April).
        let (y, m, d) = clock::add_days(year, month, 1, i64::from(day) - 1);
        ((1..=12).contains(&month) && day >= 1 && (y, m, d) == (year, month, day)).then_some(date)
    }

    /// The date in Norway at an instant.
    pub fn of(unix: i64) -> LocalDate {
        let (year, month, day) = clock::oslo_date(unix);
        LocalDate { year, month, day }
    }

    pub fn plus_days(self, days: i64) -> LocalDate {
        let (year, month, day) = clock::add_days(self.year, self.month, self.day, days);
        LocalDate { year, month, day }
    }

    /// The form value: `2026-10-19`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A wall-clock time in Norway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LocalTime {
    pub hour: u32,
    pub minute: u32,
}

impl LocalTime {
    /// Reads `18:00`, the value of an `<input type="time">`.
    pub fn parse(s: &str) -> Option<LocalTime> {
        let (h, m) = s.trim().split_once(':')?;
        let hour: u32 = h.parse().ok()?;
        // `<input type="time">` may send seconds: `18:00:00`.
        let minute: u32 = m.get(..2)?.parse().ok()?;
        (hour < 24 && minute < 60).then_some(LocalTime { hour, minute })
    }

    pub fn on(self, date: LocalDate) -> i64 {
        clock::oslo_to_utc(date.year, date.month, date.day, self.hour, self.minute)
    }

    pub fn hhmm(self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }
}

/// How a cohort's sessions are laid out: weekly sessions, then follow-ups further apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeeklyPlan {
    pub first: LocalDate,
    pub time: LocalTime,
    pub minutes: u32,
    pub weekly: u32,
    pub follow_ups: u32,
    /// Weeks between the last weekly session and the first follow-up, and between
    /// follow-ups.
    pub follow_up_weeks: u32,
    /// Dates the group does not meet (a school holiday): that week's session and every
    /// later one move on a week.
    pub skip: Vec<LocalDate>,
}

/// One generated session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedSession {
    /// 1, 2, … in order, follow-ups included.
    pub number: u32,
    pub starts_at: i64,
    pub ends_at: i64,
    pub follow_up: bool,
}

impl PlannedSession {
    /// Whether two sessions share any minute (one ending as the other starts does not).
    pub fn overlaps(&self, other_starts: i64, other_ends: i64) -> bool {
        self.starts_at < other_ends && other_starts < self.ends_at
    }
}

impl WeeklyPlan {
    /// The dated sessions, the same wall-clock time every week.
    pub fn sessions(&self) -> Vec<PlannedSession> {
        let mut out = Vec::new();
        let mut date = self.first;
        let push = |date: LocalDate, follow_up: bool, out: &mut Vec<PlannedSession>| {
            let starts_at = self.time.on(date);
            out.push(PlannedSession {
                number: u32::try_from(out.len()).unwrap_or(u32::MAX) + 1,
                starts_at,
                ends_at: starts_at + i64::from(self.minutes) * 60,
                follow_up,
            });
        };
        let mut weekly = 0;
        while weekly < self.weekly {
            if !self.skip.contains(&date) {
                push(date, false, &mut out);
                weekly += 1;
            }
            date = date.plus_days(7);
        }
        // `date` is now a week after the last weekly session.
        let gap = i64::from(self.follow_up_weeks.max(1)) * 7;
        let mut follow = date.plus_days(gap - 7);
        let mut follow_ups = 0;
        while follow_ups < self.follow_ups {
            if !self.skip.contains(&follow) {
                push(follow, true, &mut out);
                follow_ups += 1;
                follow = follow.plus_days(gap);
            } else {
                follow = follow.plus_days(7);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::{format_oslo, format_rfc3339_utc};

    fn kid(first: &str) -> WeeklyPlan {
        WeeklyPlan {
            first: LocalDate::parse(first).expect("date"),
            time: LocalTime::parse("18:00").expect("time"),
            minutes: 150,
            weekly: 8,
            follow_ups: 2,
            follow_up_weeks: 4,
            skip: Vec::new(),
        }
    }

    #[test]
    fn weekly_sessions_fall_on_the_same_weekday_and_time() {
        let sessions = kid("2027-01-11").sessions();
        assert_eq!(sessions.len(), 10);
        assert_eq!(format_oslo(sessions[0].starts_at), "11.01.2027 18:00");
        assert_eq!(format_oslo(sessions[0].ends_at), "11.01.2027 20:30");
        assert_eq!(format_oslo(sessions[7].starts_at), "01.03.2027 18:00");
        assert!(!sessions[7].follow_up);
        // Follow-ups four weeks apart after the last weekly session.
        assert_eq!(format_oslo(sessions[8].starts_at), "29.03.2027 18:00");
        assert_eq!(format_oslo(sessions[9].starts_at), "26.04.2027 18:00");
        assert!(sessions[8].follow_up && sessions[9].follow_up);
        let numbers: Vec<u32> = sessions.iter().map(|s| s.number).collect();
        assert_eq!(numbers, (1..=10).collect::<Vec<_>>());
    }

    #[test]
    fn a_cohort_across_the_last_sunday_of_october_keeps_its_wall_clock_time() {
        // Mondays 19 and 26 October 2026: summer time, then winter time.
        let sessions = kid("2026-10-19").sessions();
        assert_eq!(format_oslo(sessions[0].starts_at), "19.10.2026 18:00");
        assert_eq!(format_oslo(sessions[1].starts_at), "26.10.2026 18:00");
        assert_eq!(
            format_rfc3339_utc(sessions[0].starts_at),
            "2026-10-19T16:00:00Z"
        );
        assert_eq!(
            format_rfc3339_utc(sessions[1].starts_at),
            "2026-10-26T17:00:00Z"
        );
        // Seven days and one hour apart in UTC.
        assert_eq!(
            sessions[1].starts_at - sessions[0].starts_at,
            7 * 86_400 + 3_600
        );
        // And into summer time in March.
        let spring = kid("2027-03-22").sessions();
        assert_eq!(
            spring[1].starts_at - spring[0].starts_at,
            7 * 86_400 - 3_600
        );
        assert_eq!(format_oslo(spring[1].starts_at), "29.03.2027 18:00");
    }

    #[test]
    fn a_skipped_week_moves_that_session_and_the_rest_on() {
        let mut plan = kid("2027-01-11");
        plan.skip = vec![LocalDate::parse("2027-02-22").expect("date")];
        let sessions = plan.sessions();
        assert_eq!(sessions.len(), 10);
        assert_eq!(format_oslo(sessions[5].starts_at), "15.02.2027 18:00");
        assert_eq!(format_oslo(sessions[6].starts_at), "01.03.2027 18:00");
        assert_eq!(format_oslo(sessions[7].starts_at), "08.03.2027 18:00");
        assert!(sessions
            .iter()
            .all(|s| LocalDate::of(s.starts_at) != plan.skip[0]));
    }

    #[test]
    fn dates_and_times_parse_only_when_real() {
        assert_eq!(
            LocalDate::parse("2028-02-29"),
            Some(LocalDate {
                year: 2028,
                month: 2,
                day: 29
            })
        );
        for bad in [
            "2027-02-29",
            "2027-04-31",
            "2027-13-01",
            "2027-00-10",
            "i morgen",
            "",
        ] {
            assert_eq!(LocalDate::parse(bad), None, "{bad}");
        }
        assert_eq!(
            LocalTime::parse("18:00:00"),
            Some(LocalTime {
                hour: 18,
                minute: 0
            })
        );
        for bad in ["24:00", "18:60", "18", "kl 6"] {
            assert_eq!(LocalTime::parse(bad), None, "{bad}");
        }
        assert_eq!(
            LocalDate::parse("2027-01-11")
                .map(LocalDate::iso)
                .as_deref(),
            Some("2027-01-11")
        );
    }

    #[test]
    fn sessions_that_only_touch_do_not_overlap() {
        let s = kid("2027-01-11").sessions()[0];
        assert!(!s.overlaps(s.ends_at, s.ends_at + 3_600));
        assert!(!s.overlaps(s.starts_at - 3_600, s.starts_at));
        assert!(s.overlaps(s.ends_at - 60, s.ends_at + 3_600));
        assert!(s.overlaps(s.starts_at + 60, s.starts_at + 120));
    }
}
