//! A course as a lead defines it for the service's catalogue: parsed from the form as
//! typed, every problem at its field.

use std::ops::RangeInclusive;

use super::{Format, CAPACITY_RANGE};
use crate::domain::field::{FieldError, FieldProblem};

/// Weekly sessions a course may have (the shipped ones have 8 or 9).
pub const WEEKLY_RANGE: RangeInclusive<u32> = 1..=20;
/// Follow-up meetings after the weekly sessions.
pub const FOLLOW_UP_RANGE: RangeInclusive<u32> = 0..=6;
/// Weeks between the last weekly session and a follow-up, and between follow-ups.
pub const FOLLOW_UP_WEEKS_RANGE: RangeInclusive<u32> = 1..=26;
/// A session's length in minutes (KiD's is 150).
pub const MINUTES_RANGE: RangeInclusive<u32> = 30..=240;
/// Longest name, and longest description and "who it suits", in characters.
pub const MAX_NAME: usize = 100;
pub const MAX_TEXT: usize = 2000;

/// A valid course definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseDefinition {
    pub name: String,
    pub description: String,
    pub suits: String,
    pub weekly_sessions: u32,
    pub follow_ups: u32,
    pub follow_up_weeks: u32,
    pub session_minutes: u32,
    pub format: Format,
    /// Questionnaires asked before every session, by key, in the catalogue's order.
    pub measures: Vec<String>,
    pub capacity: i64,
}

/// The course form as typed.
#[derive(Clone, Debug, Default)]
pub struct CourseDraft {
    pub name: String,
    pub description: String,
    pub suits: String,
    pub weekly: String,
    pub follow_ups: String,
    pub follow_up_weeks: String,
    pub minutes: String,
    pub format: String,
    pub capacity: String,
    /// The measures ticked, by key.
    pub measures: Vec<String>,
}

impl CourseDraft {
    /// Parses the draft; `known` are the questionnaires a course may take, in order.
    pub fn parse(&self, known: &[&str]) -> Result<CourseDefinition, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut problem = |field: &str, problem: FieldProblem| {
            errors.push(FieldError {
                field: field.to_owned(),
                problem,
            })
        };
        let text = |field: &str, value: &str, max: usize, required: bool| {
            let value = value.trim();
            if required && value.is_empty() {
                Err((field.to_owned(), FieldProblem::Required))
            } else if value.chars().count() > max {
                Err((field.to_owned(), FieldProblem::TooLong))
            } else {
                Ok(value.to_owned())
            }
        };
        let number = |field: &str, value: &str, range: RangeInclusive<u32>| match value
            .trim()
            .parse::<u32>()
        {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err((field.to_owned(), FieldProblem::OutOfRange)),
        };
        let name = text("name", &self.name, MAX_NAME, true);
        let description = text("description", &self.description, MAX_TEXT, true);
        let suits = text("suits", &self.suits, MAX_TEXT, true);
        let weekly = number("weekly", &self.weekly, WEEKLY_RANGE);
        let follow_ups = number("follow_ups", &self.follow_ups, FOLLOW_UP_RANGE);
        let follow_up_weeks = number(
            "follow_up_weeks",
            &self.follow_up_weeks,
            FOLLOW_UP_WEEKS_RANGE,
        );
        let minutes = number("minutes", &self.minutes, MINUTES_RANGE);
        let capacity = match self.capacity.trim().parse::<i64>() {
            Ok(n) if CAPACITY_RANGE.contains(&n) => Ok(n),
            _ => Err(("capacity".to_owned(), FieldProblem::OutOfRange)),
        };
        let format = Format::parse(self.format.trim())
            .ok_or_else(|| ("format".to_owned(), FieldProblem::ChooseOne));
        let measures: Vec<String> = known
            .iter()
            .filter(|k| self.measures.iter().any(|m| m == *k))
            .map(|k| (*k).to_owned())
            .collect();
        if self.measures.iter().any(|m| !known.contains(&m.as_str())) {
            problem("measures", FieldProblem::ChooseOne);
        }
        for result in [&name, &description, &suits] {
            if let Err((field, p)) = result {
                problem(field, *p);
            }
        }
        for result in [&weekly, &follow_ups, &follow_up_weeks, &minutes] {
            if let Err((field, p)) = result {
                problem(field, *p);
            }
        }
        if let Err((field, p)) = &capacity {
            problem(field, *p);
        }
        if let Err((field, p)) = &format {
            problem(field, *p);
        }
        match (
            name,
            description,
            suits,
            weekly,
            follow_ups,
            follow_up_weeks,
            minutes,
            format,
            capacity,
        ) {
            (
                Ok(name),
                Ok(description),
                Ok(suits),
                Ok(weekly_sessions),
                Ok(follow_ups),
                Ok(follow_up_weeks),
                Ok(session_minutes),
                Ok(format),
                Ok(capacity),
            ) if errors.is_empty() => Ok(CourseDefinition {
                name,
                description,
                suits,
                weekly_sessions,
                follow_ups,
                follow_up_weeks,
                session_minutes,
                format,
                measures,
                capacity,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kid() -> CourseDraft {
        CourseDraft {
            name: " Kurs i depresjonsmestring ".into(),
            description: "Åtte samlinger om å mestre tunge tider.".into(),
            suits: "Deg som er mye nedfor.".into(),
            weekly: "8".into(),
            follow_ups: "2".into(),
            follow_up_weeks: "4".into(),
            minutes: "150".into(),
            format: "both".into(),
            capacity: "12".into(),
            measures: vec!["gad7".into(), "phq9".into()],
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(String, FieldProblem)> {
        errors.into_iter().map(|e| (e.field, e.problem)).collect()
    }

    #[test]
    fn a_whole_form_becomes_a_course_trimmed_and_with_measures_in_the_catalogues_order() {
        let course = kid().parse(&["phq9", "gad7", "isi"]).unwrap();
        assert_eq!(course.name, "Kurs i depresjonsmestring");
        assert_eq!(
            (
                course.weekly_sessions,
                course.follow_ups,
                course.session_minutes
            ),
            (8, 2, 150)
        );
        assert_eq!(course.format, Format::Both);
        assert_eq!(course.measures, vec!["phq9", "gad7"]);
        assert_eq!(course.capacity, 12);
    }

    #[test]
    fn a_course_may_take_no_measures_and_no_follow_ups() {
        let draft = CourseDraft {
            measures: Vec::new(),
            follow_ups: "0".into(),
            ..kid()
        };
        let course = draft.parse(&["phq9"]).unwrap();
        assert!(course.measures.is_empty());
        assert_eq!(course.follow_ups, 0);
    }

    #[test]
    fn every_problem_is_said_at_its_own_field() {
        let draft = CourseDraft {
            name: "  ".into(),
            description: "x".repeat(MAX_TEXT + 1),
            weekly: "0".into(),
            follow_ups: "7".into(),
            minutes: "mange".into(),
            format: "telepathy".into(),
            capacity: "31".into(),
            measures: vec!["phq9".into(), "unknown".into()],
            ..kid()
        };
        let problems = fields(draft.parse(&["phq9"]).unwrap_err());
        for expected in [
            ("name", FieldProblem::Required),
            ("description", FieldProblem::TooLong),
            ("weekly", FieldProblem::OutOfRange),
            ("follow_ups", FieldProblem::OutOfRange),
            ("minutes", FieldProblem::OutOfRange),
            ("format", FieldProblem::ChooseOne),
            ("capacity", FieldProblem::OutOfRange),
            ("measures", FieldProblem::ChooseOne),
        ] {
            assert!(
                problems.contains(&(expected.0.to_owned(), expected.1)),
                "{expected:?} in {problems:?}"
            );
        }
        assert_eq!(problems.len(), 8, "nothing else: {problems:?}");
    }

    #[test]
    fn the_ranges_hold_at_their_ends() {
        for (weekly, ok) in [("1", true), ("20", true), ("21", false), ("-1", false)] {
            let draft = CourseDraft {
                weekly: weekly.into(),
                ..kid()
            };
            assert_eq!(draft.parse(&["phq9", "gad7"]).is_ok(), ok, "{weekly}");
        }
    }
}
