//! Kurs på nynorsk.

use super::CourseTexts;

pub static NN: CourseTexts = CourseTexts {
    catalogue_heading: "Kurs i grupper",
    catalogue_intro: "Mange får god hjelp av eit kurs saman med andre. Du kan ønskje deg eit kurs når du viser deg til oss; vi finn ut saman med deg kva som passar.",
    suits: "Passar for:",
    next_start: "Neste kurs startar",
    no_date: "Ny oppstart er ikkje sett enno.",
    sessions_word: "samlingar",
    follow_ups_word: "oppfølgingsmøte",
    follow_up_one: "oppfølgingsmøte",
    hours_short: "t",
    minutes_short: "min",
    format_video: "På video",
    format_in_person: "Oppmøte",
    format_both: "På video eller med oppmøte",
};
