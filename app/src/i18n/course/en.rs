//! Courses in English.

use super::CourseTexts;

pub static EN: CourseTexts = CourseTexts {
    catalogue_heading: "Group courses",
    catalogue_intro: "Many people are helped by a course together with others. You can ask for a course when you refer yourself; we will find out with you what suits you.",
    suits: "Suits:",
    next_start: "The next course starts",
    no_date: "No new start date is set yet.",
    sessions_word: "sessions",
    follow_ups_word: "follow-ups",
    follow_up_one: "follow-up",
    hours_short: "h",
    minutes_short: "min",
    format_video: "By video",
    format_in_person: "In person",
    format_both: "By video or in person",
};
