//! Kurs på bokmål.

use super::CourseTexts;

pub static NB: CourseTexts = CourseTexts {
    catalogue_heading: "Kurs i grupper",
    catalogue_intro: "Mange får god hjelp av et kurs sammen med andre. Du kan ønske deg et kurs når du henviser deg; vi finner ut sammen med deg hva som passer.",
    suits: "Passer for:",
    next_start: "Neste kurs starter",
    no_date: "Ny oppstart er ikke satt ennå.",
    sessions_word: "samlinger",
    follow_ups_word: "oppfølgingsmøter",
    follow_up_one: "oppfølgingsmøte",
    hours_short: "t",
    minutes_short: "min",
    format_video: "På video",
    format_in_person: "Frammøte",
    format_both: "På video eller med frammøte",
};
