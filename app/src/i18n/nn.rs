//! Norwegian nynorsk.

use super::Texts;

pub static TEXTS: Texts = Texts {
    skip_to_content: "Hopp til hovudinnhaldet",
    product_name: "Rask psykisk helsehjelp",
    language_label: "Språk",
    main_navigation: "Hovudmeny",
    nav_home: "Framside",

    crisis_link: "Akutt hjelp",
    crisis_heading: "Treng du hjelp no?",
    crisis_emergency: "Akutt fare for liv eller helse: ring",
    crisis_out_of_hours: "Legevakt:",
    crisis_helpline: "Mental Helse hjelpetelefonen, heile døgnet:",
    crisis_note: "Denne tenesta er ikkje ei akutteneste.",

    home_title: "Hjelp når livet er tungt",
    home_lead: "Rask psykisk helsehjelp er eit gratis tilbod i kommunen for deg som har lettare til moderate plager med angst, nedstemtheit, søvn, stress eller byrjande rusproblem. Du treng ikkje tilvising frå fastlegen.",
    home_offers_heading: "Dette kan vi tilby",
    home_offers: [
        "Kurs i grupper, til dømes i depresjonsmeistring eller belastningsmeistring, også på video",
        "Rettleidd sjølvhjelp",
        "Korte samtaleforløp med ein behandlar",
        "Hjelp vidare til fastlege eller spesialisthelsetenesta når det passar betre",
    ],
    home_for_whom_heading: "Kven kan få hjelp",
    home_for_whom: "Du som er 16 år eller eldre og bur i ein kommune vi betener.",
    home_after_heading: "Kva skjer etterpå",
    home_after: "Du fyller ut nokre spørsmål om korleis du har det, éin gong. Vi les førespurnaden og tek kontakt, vanlegvis innan to veker, for å finne det tilbodet som passar deg.",
    home_services_heading: "Tenestene våre",
    home_services_empty: "Ingen tenester er sette opp enno.",
    home_municipalities: "Kommunar",

    footer_privacy: "Opplysningane dine blir behandla etter helseregisterlova og er berre synlege for dei som treng dei.",
    footer_open_source: "Open kjeldekode.",

    loading: "Lastar …",
    not_found_title: "Fann ikkje sida",
    not_found_text: "Sida du leitte etter finst ikkje, eller ho er flytta.",
    back_to_home: "Til framsida",

    error_unavailable: "Tenesta er ikkje tilgjengeleg akkurat no. Prøv igjen om litt.",
    error_cross_site: "Førespurnaden kom ikkje frå denne nettsida og vart avvist. Gå tilbake og prøv igjen.",
    error_unexpected: "Noko gjekk gale hos oss. Prøv igjen om litt.",
};
