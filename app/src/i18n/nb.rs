//! Norwegian bokmål, the default language.

use super::Texts;

pub static TEXTS: Texts = Texts {
    skip_to_content: "Hopp til hovedinnholdet",
    product_name: "Rask psykisk helsehjelp",
    language_label: "Språk",
    main_navigation: "Hovedmeny",
    nav_home: "Forside",

    crisis_link: "Akutt hjelp",
    crisis_heading: "Trenger du hjelp nå?",
    crisis_emergency: "Akutt fare for liv eller helse: ring",
    crisis_out_of_hours: "Legevakt:",
    crisis_helpline: "Mental Helse hjelpetelefonen, hele døgnet:",
    crisis_note: "Denne tjenesten er ikke en akuttjeneste.",

    home_title: "Hjelp når livet er tungt",
    home_lead: "Rask psykisk helsehjelp er et gratis tilbud i kommunen for deg som har lettere til moderate plager med angst, nedstemthet, søvn, stress eller begynnende rusproblemer. Du trenger ikke henvisning fra fastlegen.",
    home_offers_heading: "Dette kan vi tilby",
    home_offers: [
        "Kurs i grupper, for eksempel i depresjonsmestring eller belastningsmestring, også på video",
        "Veiledet selvhjelp",
        "Korte samtaleforløp med en behandler",
        "Hjelp videre til fastlege eller spesialisthelsetjenesten når det passer bedre",
    ],
    home_for_whom_heading: "Hvem kan få hjelp",
    home_for_whom: "Du som er 16 år eller eldre og bor i en kommune vi betjener.",
    home_after_heading: "Hva skjer etterpå",
    home_after: "Du fyller ut noen spørsmål om hvordan du har det, én gang. Vi leser henvendelsen og tar kontakt, vanligvis innen to uker, for å finne det tilbudet som passer deg.",
    home_services_heading: "Våre tjenester",
    home_services_empty: "Ingen tjenester er satt opp ennå.",
    home_municipalities: "Kommuner",

    footer_privacy: "Opplysningene dine behandles etter helseregisterloven og er bare synlige for dem som trenger dem.",
    footer_open_source: "Åpen kildekode.",

    loading: "Laster …",
    not_found_title: "Fant ikke siden",
    not_found_text: "Siden du lette etter finnes ikke, eller den er flyttet.",
    back_to_home: "Til forsiden",

    error_unavailable: "Tjenesten er ikke tilgjengelig akkurat nå. Prøv igjen om litt.",
    error_cross_site: "Forespørselen kom ikke fra denne nettsiden og ble avvist. Gå tilbake og prøv igjen.",
    error_unexpected: "Noe gikk galt hos oss. Prøv igjen om litt.",
};
