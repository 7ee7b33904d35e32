use super::*;
use crate::domain::field::FieldProblem;
use crate::domain::national_id::check_digits_for;
use crate::domain::questionnaire::Definition;

fn valid_id(ddmmyy: &str) -> String {
    (100..500)
        .find_map(|i| {
            let nine: Vec<u8> = format!("{ddmmyy}{i:03}")
                .bytes()
                .map(|b| b - b'0')
                .collect();
            check_digits_for(&nine.try_into().ok()?).map(|(a, b)| format!("{ddmmyy}{i:03}{a}{b}"))
        })
        .expect("a valid number")
}

fn served(number: &str) -> MunicipalityCheck {
    if number == "9901" {
        MunicipalityCheck::Served
    } else {
        MunicipalityCheck::NotServed
    }
}

fn context(definition: Option<&Definition>) -> StepContext<'_> {
    StepContext {
        today: (2026, 11, 23),
        municipality: &served,
        definition,
    }
}

fn form(pairs: &[(&str, &str)]) -> FormValues {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn about_form(national_id: &str) -> FormValues {
    form(&[
        ("name", "Kari Nordmann"),
        ("national_id", national_id),
        ("municipality", "9901"),
        ("phone", "912 34 567"),
        ("email", "Kari@Example.no"),
        ("contact_sms", "on"),
        ("time_morning", "on"),
        ("interpreter", "yes"),
        ("interpreter_language", "arabisk"),
    ])
}

fn problems(
    result: Result<(), Vec<crate::domain::field::FieldError>>,
) -> Vec<(String, FieldProblem)> {
    result
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.problem))
        .collect()
}

#[test]
fn about_you_is_read_and_shown_again() {
    let mut draft = Draft::default();
    let id = valid_id("010190");
    apply(&mut draft, &Step::About, &about_form(&id), &context(None)).expect("valid");
    let about = draft.about.clone().expect("saved");
    assert_eq!(about.email, "kari@example.no");
    assert_eq!(about.national_id, id);
    assert_eq!(about.contact_ways, vec![ContactWay::Sms]);
    assert_eq!(about.interpreter.as_deref(), Some("arabisk"));
    let shown = values(&draft, &Step::About);
    assert_eq!(shown.get("contact_sms").map(String::as_str), Some("on"));
    assert_eq!(shown.get("interpreter").map(String::as_str), Some("yes"));
    // Reading the shown values again gives the same draft.
    let mut again = Draft::default();
    apply(&mut again, &Step::About, &shown, &context(None)).expect("valid");
    assert_eq!(again.about, draft.about);
}

#[test]
fn every_wrong_field_on_about_you_is_named_and_nothing_is_saved() {
    let mut draft = Draft::default();
    let mut wrong = about_form("01019012345");
    wrong.insert("phone".into(), "12ab".into());
    wrong.insert("email".into(), "kari@".into());
    wrong.insert("municipality".into(), "9903".into());
    wrong.insert("interpreter_language".into(), String::new());
    wrong.remove("contact_sms");
    wrong.remove("time_morning");
    wrong.remove("name");
    let found = problems(apply(&mut draft, &Step::About, &wrong, &context(None)));
    for expected in [
        ("name", FieldProblem::Required),
        ("national_id", FieldProblem::NationalIdCheck),
        ("municipality", FieldProblem::NotServed),
        ("phone", FieldProblem::PhoneInvalid),
        ("email", FieldProblem::EmailInvalid),
        ("contact_ways", FieldProblem::ChooseAtLeastOne),
        ("contact_times", FieldProblem::ChooseAtLeastOne),
        ("interpreter_language", FieldProblem::Required),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} missing from {found:?}"
        );
    }
    assert!(draft.about.is_none());
}

#[test]
fn people_under_16_are_told_the_service_is_not_for_them() {
    let mut draft = Draft::default();
    // Born 1 December 2010: 15 on 23 November 2026.
    let young = (500..1000)
        .find_map(|i| {
            let nine: Vec<u8> = format!("011210{i:03}").bytes().map(|b| b - b'0').collect();
            check_digits_for(&nine.try_into().ok()?).map(|(a, b)| format!("011210{i:03}{a}{b}"))
        })
        .expect("a number");
    let found = problems(apply(
        &mut draft,
        &Step::About,
        &about_form(&young),
        &context(None),
    ));
    assert_eq!(
        found,
        vec![("national_id".to_owned(), FieldProblem::TooYoung)]
    );
}

#[test]
fn phone_numbers() {
    assert!(form::is_phone_number("91234567"));
    assert!(form::is_phone_number("912 34 567"));
    assert!(form::is_phone_number("+47 912 34 567"));
    assert!(!form::is_phone_number("9123456"));
    assert!(!form::is_phone_number("+47"));
    assert!(!form::is_phone_number("9123456a"));
}

#[test]
fn the_questionnaires_follow_what_help_is_wanted() {
    let mut draft = Draft::default();
    assert_eq!(draft.instruments(), vec!["phq9", "gad7", "wsas"]);
    apply(
        &mut draft,
        &Step::Help,
        &form(&[("area_alcohol_drugs", "on"), ("area_fears", "on")]),
        &context(None),
    )
    .expect("valid");
    assert_eq!(
        draft.instruments(),
        vec!["phq9", "gad7", "wsas", "audit", "phobia"]
    );
    draft.answers.insert("audit".into(), Default::default());
    // Unticking alcohol drops the AUDIT and its answers.
    apply(
        &mut draft,
        &Step::Help,
        &form(&[("area_sleep", "on")]),
        &context(None),
    )
    .expect("valid");
    assert_eq!(draft.instruments(), vec!["phq9", "gad7", "wsas"]);
    assert!(!draft.answers.contains_key("audit"));
    let found = problems(apply(&mut draft, &Step::Help, &form(&[]), &context(None)));
    assert_eq!(
        found,
        vec![("areas".to_owned(), FieldProblem::ChooseAtLeastOne)]
    );
}

#[test]
fn steps_open_in_order_and_the_review_needs_all() {
    let mut draft = Draft::default();
    assert_eq!(draft.first_open_step(), Step::Consent);
    assert!(!draft.may_open(&Step::About));
    assert_eq!(
        problems(apply(
            &mut draft,
            &Step::Consent,
            &form(&[]),
            &context(None)
        )),
        vec![("consent".to_owned(), FieldProblem::ConsentMissing)]
    );
    apply(
        &mut draft,
        &Step::Consent,
        &form(&[("consent", "yes")]),
        &context(None),
    )
    .expect("ok");
    assert!(draft.may_open(&Step::About));
    assert!(!draft.is_complete());
    assert_eq!(draft.next_step(&Step::Consent), Step::About);
    assert_eq!(
        draft.next_step(&Step::Help),
        Step::Questionnaire("phq9".into())
    );
    for step in draft.steps() {
        assert_eq!(Step::from_slug(&step.slug()), Some(step));
    }
    assert_eq!(Step::from_slug("questionnaire-"), None);
}

#[test]
fn a_questionnaire_needs_every_item_and_only_its_options() {
    let definition: Definition =
        toml::from_str(include_str!("../../../../seeds/questionnaires/wsas.toml")).expect("parses");
    let mut draft = Draft::default();
    let step = Step::Questionnaire("wsas".into());
    let found = problems(apply(
        &mut draft,
        &step,
        &form(&[("item_1", "na"), ("item_2", "9"), ("item_3", "3")]),
        &context(Some(&definition)),
    ));
    assert_eq!(
        found,
        vec![
            ("item_2".to_owned(), FieldProblem::Unanswered),
            ("item_4".to_owned(), FieldProblem::Unanswered),
            ("item_5".to_owned(), FieldProblem::Unanswered),
        ]
    );
    let answers = form(&[
        ("item_1", "na"),
        ("item_2", "8"),
        ("item_3", "3"),
        ("item_4", "0"),
        ("item_5", "1"),
    ]);
    apply(&mut draft, &step, &answers, &context(Some(&definition))).expect("valid");
    assert_eq!(values(&draft, &step), answers);
    // "Not applicable" only where the item allows it.
    let found = problems(apply(
        &mut draft,
        &step,
        &form(&[
            ("item_1", "1"),
            ("item_2", "na"),
            ("item_3", "3"),
            ("item_4", "0"),
            ("item_5", "1"),
        ]),
        &context(Some(&definition)),
    ));
    assert_eq!(found, vec![("item_2".to_owned(), FieldProblem::Unanswered)]);
}

#[test]
fn preferences_need_a_choice_of_each() {
    let mut draft = Draft::default();
    let found = problems(apply(
        &mut draft,
        &Step::Preferences,
        &form(&[]),
        &context(None),
    ));
    assert_eq!(found.len(), 3);
    apply(
        &mut draft,
        &Step::Preferences,
        &form(&[
            ("format", "group"),
            ("mode", "video"),
            ("pref_evening", "on"),
        ]),
        &context(None),
    )
    .expect("valid");
    assert_eq!(
        draft.preferences,
        Some(Preferences {
            format: Format::Group,
            mode: Mode::Video,
            times: vec![DayPart::Evening]
        })
    );
}

#[test]
fn answers_are_reused_within_the_window_only() {
    let now = 1_800_000_000;
    let day = 86_400;
    assert!(is_fresh(now - 14 * day, now, DEFAULT_REUSE_DAYS));
    assert!(!is_fresh(now - 14 * day - 1, now, DEFAULT_REUSE_DAYS));
    assert!(is_fresh(now - 29 * day, now, 30));
    assert!(
        !is_fresh(now + 60, now, DEFAULT_REUSE_DAYS),
        "not from the future"
    );
    assert!(
        !is_fresh(now - 1, now, -5),
        "a negative window reuses nothing older than now"
    );
}

#[test]
fn a_refused_step_keeps_only_its_own_fields_within_their_limits() {
    use super::{kept_for_step, FormValues, KEPT_FIELDS_MAX};
    let mut form = FormValues::new();
    form.insert("name".into(), "Kari".into());
    form.insert("help_text".into(), "x".repeat(10_000));
    form.insert("contact_phone".into(), "on".into());
    form.insert("evil".into(), "y".repeat(1_000_000));
    form.insert("item_1".into(), "2".into());
    for i in 0..500 {
        form.insert(format!("time_{i}"), "on".into());
    }
    let about = kept_for_step(&Step::About, &form);
    assert_eq!(about.get("name").map(String::as_str), Some("Kari"));
    assert!(about.contains_key("contact_phone"));
    assert!(!about.contains_key("evil"), "unknown fields are dropped");
    assert!(
        !about.contains_key("item_1"),
        "another step's fields are dropped"
    );
    assert_eq!(about.len(), KEPT_FIELDS_MAX, "never more than the cap");
    let help = kept_for_step(&Step::Help, &form);
    assert_eq!(
        help["help_text"].chars().count(),
        4_000,
        "twice the field's limit"
    );
    let size: usize = about
        .iter()
        .chain(help.iter())
        .map(|(k, v)| k.len() + v.len())
        .sum();
    assert!(size < 20_000, "{size} bytes kept");
}

fn phq9() -> std::sync::Arc<Definition> {
    std::sync::Arc::new(
        toml::from_str(include_str!("../../../../seeds/questionnaires/phq9.toml")).expect("parses"),
    )
}

/// PHQ-9 answers: items 1–8 all `rest`, item 9 `item_9`.
fn draft_with_phq9(rest: i32, item_9: i32) -> Draft {
    let mut answers: BTreeMap<String, Answer> = (1..=8)
        .map(|i| (i.to_string(), Answer::Value(rest)))
        .collect();
    answers.insert("9".into(), Answer::Value(item_9));
    let mut draft = Draft::default();
    draft.answers.insert("phq9".into(), answers);
    draft
}

#[test]
fn the_crisis_message_speaks_more_directly_after_the_highest_risk_answers() {
    let definitions = |id: &str| (id == "phq9").then(phq9);
    assert_eq!(draft_with_phq9(1, 0).risk_level(&definitions), None);
    assert_eq!(
        draft_with_phq9(1, 1).risk_level(&definitions),
        Some(RiskLevel::Risk)
    );
    assert_eq!(
        draft_with_phq9(0, 2).risk_level(&definitions),
        Some(RiskLevel::Risk)
    );
    // Item 9 at "nearly every day".
    assert_eq!(
        draft_with_phq9(0, 3).risk_level(&definitions),
        Some(RiskLevel::High)
    );
    // A mild risk answer with a total in the severe band (20 or more): 8 × 3 + 1.
    assert_eq!(
        draft_with_phq9(3, 1).risk_level(&definitions),
        Some(RiskLevel::High)
    );
}

#[test]
fn a_referral_may_be_sent_early_only_after_a_risk_answer_and_with_a_way_to_reach_the_person() {
    let definitions = |id: &str| (id == "phq9").then(phq9);
    let mut draft = draft_with_phq9(1, 1);
    let risk = draft.risk_level(&definitions);
    assert!(!draft.may_send_early(risk), "no consent and no details yet");
    draft.consent = true;
    draft.about = Some(kari(vec![DayPart::Morning]));
    assert!(draft.may_send_early(risk));
    assert!(!draft.may_send_early(None), "never without a risk answer");
}

#[test]
fn meeting_times_start_from_the_contact_times_so_they_are_not_asked_twice() {
    let mut draft = Draft {
        about: Some(kari(vec![DayPart::Morning, DayPart::Afternoon])),
        ..Draft::default()
    };
    let shown = values(&draft, &Step::Preferences);
    assert_eq!(shown.get("pref_morning").map(String::as_str), Some("on"));
    assert_eq!(shown.get("pref_afternoon").map(String::as_str), Some("on"));
    assert_eq!(shown.get("pref_evening"), None);
    // Once the person has answered, their own answer is what shows.
    apply(
        &mut draft,
        &Step::Preferences,
        &form(&[
            ("format", "group"),
            ("mode", "video"),
            ("pref_evening", "on"),
        ]),
        &context(None),
    )
    .expect("valid");
    let shown = values(&draft, &Step::Preferences);
    assert_eq!(shown.get("pref_morning"), None);
    assert_eq!(shown.get("pref_evening").map(String::as_str), Some("on"));
}

#[test]
fn a_steps_unfinished_answers_stay_until_that_step_is_saved() {
    let mut draft = Draft::default();
    let about = Step::About;
    let typed: FormValues = form(&[("name", "Kari"), ("phone", "912")]);
    draft.keep_unfinished(&about, Some(typed.clone()));
    // Saving another step whole leaves them.
    draft.keep_unfinished(&Step::Consent, None);
    assert_eq!(draft.pending, Some(("about".into(), typed)));
    // Saving this step whole ends them.
    draft.keep_unfinished(&about, None);
    assert_eq!(draft.pending, None);
}

/// Valid details of a person, reachable by SMS at the given times.
fn kari(contact_times: Vec<DayPart>) -> About {
    About {
        name: "Kari".into(),
        national_id: "15059012345".into(),
        municipality: "9901".into(),
        phone: "91234567".into(),
        email: "kari@example.no".into(),
        contact_ways: vec![ContactWay::Sms],
        contact_times,
        interpreter: None,
    }
}
