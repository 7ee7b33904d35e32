//! English.

use super::Texts;

pub static TEXTS: Texts = Texts {
    skip_to_content: "Skip to main content",
    product_name: "Rapid mental health care",
    language_label: "Language",
    main_navigation: "Main menu",
    nav_home: "Home",

    crisis_link: "Urgent help",
    crisis_heading: "Do you need help now?",
    crisis_emergency: "Life or health in immediate danger: call",
    crisis_out_of_hours: "Out-of-hours GP (legevakt):",
    crisis_helpline: "Mental Helse helpline, day and night:",
    crisis_note: "This service is not an emergency service.",

    home_title: "Help when life feels heavy",
    home_lead: "Rapid mental health care (Rask psykisk helsehjelp) is a free municipal service for people with mild to moderate anxiety, low mood, sleep problems, stress or early substance problems. You do not need a referral from your GP.",
    home_offers_heading: "What we offer",
    home_offers: [
        "Group courses, for example in coping with depression or stress, also by video",
        "Guided self-help",
        "Short courses of individual sessions with a therapist",
        "Help on to your GP or the specialist health service when that suits you better",
    ],
    home_for_whom_heading: "Who can get help",
    home_for_whom: "Anyone aged 16 or over who lives in a municipality we serve.",
    home_after_heading: "What happens next",
    home_after: "You answer a few questions about how you are, once. We read what you sent and contact you, usually within two weeks, to find the help that suits you.",
    home_services_heading: "Our services",
    home_services_empty: "No services have been set up yet.",
    home_municipalities: "Municipalities",

    footer_privacy: "Your information is processed under the Norwegian Health Register Act and is visible only to those who need it.",
    footer_open_source: "Open source.",

    loading: "Loading …",
    not_found_title: "Page not found",
    not_found_text: "The page you were looking for does not exist, or it has moved.",
    back_to_home: "Back to the home page",

    error_unavailable: "The service is not available right now. Please try again in a moment.",
    error_cross_site: "The request did not come from this website and was refused. Go back and try again.",
    error_unexpected: "Something went wrong on our side. Please try again in a moment.",
};
