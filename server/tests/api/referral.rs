//! Self-referral over HTTP, as a browser without JavaScript sends it: every step, the
//! receipt, risk answers, duplicates, leaving and resuming, staff on someone's behalf,
//! reusing fresh answers, and the FHIR export.

use app::domain::national_id::check_digits_for;
use app::server::Backend;
use sqlx::Row as _;

use crate::helpers::{form_error, location, TestApp, DEMO_CITIZEN, DEMO_INTAKE};
use crate::on_both_backends;

/// A valid national identity number born on `ddmmyy` (19xx), differing by `n`.
pub fn fnr(ddmmyy: &str, n: usize) -> String {
    (100..500)
        .filter_map(|i| {
            let nine: Vec<u8> = format!("{ddmmyy}{i:03}")
                .bytes()
                .map(|b| b - b'0')
                .collect();
            check_digits_for(&nine.try_into().ok()?).map(|(a, b)| format!("{ddmmyy}{i:03}{a}{b}"))
        })
        .nth(n)
        .expect("enough valid numbers")
}

/// Posts one step's form; field names are given without the `fields[…]` wrapper.
pub async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    step: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all: Vec<(String, String)> =
        vec![("slug".into(), "demo".into()), ("step".into(), step.into())];
    all.extend(
        fields
            .iter()
            .map(|(k, v)| (format!("fields[{k}]"), (*v).to_owned())),
    );
    let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form_with(
        client,
        "/api/referral/save",
        &format!("/services/demo/refer/{step}"),
        &refs,
    )
    .await
}

async fn expect_next(
    app: &TestApp,
    client: &reqwest::Client,
    step: &str,
    fields: &[(&str, &str)],
    next: &str,
) {
    let response = save(app, client, step, fields).await;
    assert_eq!(
        location(&response),
        format!("/services/demo/refer/{next}"),
        "{step}: {:?}",
        form_error(&response)
    );
}

pub async fn start(app: &TestApp, client: &reqwest::Client, source: &str) -> reqwest::Response {
    app.post_form_with(
        client,
        "/api/referral/start",
        "/services/demo",
        &[("slug", "demo"), ("source", source)],
    )
    .await
}

pub struct Person<'a> {
    pub national_id: String,
    pub email: &'a str,
    /// The answer to PHQ-9 item 9 (thoughts of being better off dead).
    pub item_9: &'a str,
    pub areas: &'a [&'a str],
}

/// Fills every step up to the review.
pub async fn fill_in(app: &TestApp, client: &reqwest::Client, person: &Person<'_>) {
    expect_next(app, client, "consent", &[("consent", "yes")], "about").await;
    expect_next(
        app,
        client,
        "about",
        &[
            ("name", "Kari Nordmann"),
            ("national_id", &person.national_id),
            ("municipality", "9901"),
            ("phone", "912 34 567"),
            ("email", person.email),
            ("contact_sms", "on"),
            ("time_morning", "on"),
            ("interpreter", "no"),
        ],
        "help",
    )
    .await;
    let areas: Vec<(String, &str)> = person
        .areas
        .iter()
        .map(|a| (format!("area_{a}"), "on"))
        .collect();
    let mut help: Vec<(&str, &str)> = areas.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    help.push(("help_text", "Sover dårlig."));
    expect_next(app, client, "help", &help, "questionnaire-phq9").await;
    let mut phq9: Vec<(String, &str)> = (1..=8).map(|i| (format!("item_{i}"), "1")).collect();
    phq9.push(("item_9".into(), person.item_9));
    let phq9: Vec<(&str, &str)> = phq9.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    expect_next(
        app,
        client,
        "questionnaire-phq9",
        &phq9,
        "questionnaire-gad7",
    )
    .await;
    let gad7: Vec<(String, &str)> = (1..=7).map(|i| (format!("item_{i}"), "2")).collect();
    let gad7: Vec<(&str, &str)> = gad7.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    expect_next(
        app,
        client,
        "questionnaire-gad7",
        &gad7,
        "questionnaire-wsas",
    )
    .await;
    let after_wsas = if person.areas.contains(&"alcohol_drugs") {
        "questionnaire-audit"
    } else if person.areas.contains(&"fears") {
        "questionnaire-phobia"
    } else {
        "preferences"
    };
    expect_next(
        app,
        client,
        "questionnaire-wsas",
        &[
            ("item_1", "na"),
            ("item_2", "4"),
            ("item_3", "6"),
            ("item_4", "2"),
            ("item_5", "4"),
        ],
        after_wsas,
    )
    .await;
    if person.areas.contains(&"alcohol_drugs") {
        let next = if person.areas.contains(&"fears") {
            "questionnaire-phobia"
        } else {
            "preferences"
        };
        let mut audit: Vec<(String, &str)> = (1..=8).map(|i| (format!("item_{i}"), "1")).collect();
        audit.push(("item_9".into(), "2"));
        audit.push(("item_10".into(), "0"));
        let audit: Vec<(&str, &str)> = audit.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        expect_next(app, client, "questionnaire-audit", &audit, next).await;
    }
    if person.areas.contains(&"fears") {
        expect_next(
            app,
            client,
            "questionnaire-phobia",
            &[
                ("item_social", "2"),
                ("item_panic", "6"),
                ("item_specific", "0"),
            ],
            "preferences",
        )
        .await;
    }
    expect_next(
        app,
        client,
        "preferences",
        &[
            ("format", "group"),
            ("mode", "video"),
            ("pref_evening", "on"),
        ],
        "review",
    )
    .await;
}

pub async fn submit(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    app.post_form_with(
        client,
        "/api/referral/submit",
        "/services/demo/refer/review",
        &[("slug", "demo")],
    )
    .await
}

/// Starts, fills in and sends a whole referral; returns the new referral's id.
pub async fn refer(app: &TestApp, client: &reqwest::Client, person: &Person<'_>) -> i64 {
    let response = start(app, client, "").await;
    assert_eq!(location(&response), "/services/demo/refer/consent");
    fill_in(app, client, person).await;
    let response = submit(app, client).await;
    assert_eq!(
        location(&response),
        "/services/demo/received",
        "{:?}",
        form_error(&response)
    );
    latest_referral(app).await
}

async fn latest_referral(app: &TestApp) -> i64 {
    sqlx::query("select max(referral_id) as id from referral")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
}

async fn referral_field<T>(app: &TestApp, id: i64, column: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    sqlx::query(&format!(
        "select {column} as v from referral where referral_id = $1"
    ))
    .bind(id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
    .try_get("v")
    .unwrap()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    app.get_with(client, path).await.text().await.unwrap()
}

on_both_backends! {
    async fn a_complete_referral_is_stored_with_its_answers_and_a_receipt_without_health_details(app: TestApp) {
        let client = app.new_client();
        let person = Person { national_id: fnr("150590", 0), email: "kari@example.no", item_9: "0", areas: &["sleep"] };
        // The demo data has referrals of its own.
        let (referrals_before, answers_before) = (app.count("referral").await, app.count("questionnaire_response").await);
        let id = refer(&app, &client, &person).await;
        assert_eq!(app.count("referral").await, referrals_before + 1);
        assert_eq!(referral_field::<i64>(&app, id, "urgent").await, 0);
        assert_eq!(referral_field::<String>(&app, id, "source").await, "self");
        assert_eq!(referral_field::<Option<i64>>(&app, id, "duplicate_of").await, None);
        // PHQ-9, GAD-7 and WSAS, stored as the person's, with their scores.
        assert_eq!(app.count("questionnaire_response").await, answers_before + 3);
        let wsas: String = sqlx::query("select score from questionnaire_response where instrument = 'wsas'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("score").unwrap();
        let wsas: serde_json::Value = serde_json::from_str(&wsas).unwrap();
        assert_eq!(wsas["total"], 20.0, "work not applicable: 16 + the mean 4");

        let reference: String = referral_field(&app, id, "reference").await;
        let receipt = page(&app, &client, "/services/demo/received").await;
        assert!(receipt.contains(&reference));
        let mail = app.mail_to("kari@example.no");
        assert_eq!(mail.len(), 1);
        assert!(mail[0].body.contains(&reference));
        for health_word in ["PHQ", "GAD", "angst", "depresjon", "Sover", "søvn", "Søvn"] {
            assert!(!mail[0].body.contains(health_word), "the receipt must not say {health_word}");
        }
        // The email became an account, which the link lets them take into use.
        let token = mail[0].token_in("/referral/follow?token=").expect("a link to follow the referral");
        let response = app.post_form_with(&client, "/api/referral/follow", "/referral/follow", &[("token", &token), ("password", "et langt og godt passord")]).await;
        // Choosing the password signs them in: no second typing of the address.
        assert_eq!(location(&response), "/account", "{:?}", form_error(&response));
        let mine: serde_json::Value = app.call(&client, "/api/referral/mine", &[]).await.json().await.unwrap();
        assert_eq!(mine[0]["reference"], reference.as_str());
        let me = app.signed_in(("kari@example.no", "et langt og godt passord", None)).await;
        let mine: serde_json::Value = app.call(&me, "/api/referral/mine", &[]).await.json().await.unwrap();
        assert_eq!(mine[0]["reference"], reference.as_str());
        // The draft is closed: sending again is refused.
        let again = submit(&app, &client).await;
        assert!(form_error(&again).is_some_and(|e| e.contains("NotFound")));
    }

    async fn a_referral_naming_an_existing_accounts_email_is_theirs_only_once_they_confirm(app: TestApp) {
        // Someone, not signed in, types the demo citizen's address (a typo, or on purpose).
        let stranger = app.new_client();
        let person = Person { national_id: fnr("150590", 7), email: "innbygger@demo.example", item_9: "0", areas: &["sleep"] };
        let id = refer(&app, &stranger, &person).await;
        let reference: String = referral_field(&app, id, "reference").await;
        let citizen = app.signed_in(DEMO_CITIZEN).await;
        let account_id: i64 = referral_field(&app, id, "account_id").await;

        // Not on the account holder's My page, and its answers are not offered to them.
        let mine = app.call(&citizen, "/api/referral/mine", &[]).await.text().await.unwrap();
        assert!(!mine.contains(&reference), "{mine}");
        let latest = app::server::referrals::latest_response(&app.state.db, account_id, "phq9").await.unwrap();
        assert!(latest.is_none_or(|r| r.referral_id != Some(id)), "answers of an unconfirmed referral offered");

        // The receipt asks the address's holder to confirm; no link to set a password.
        let mail = app.mail_to("innbygger@demo.example");
        assert_eq!(mail.len(), 1);
        assert!(mail[0].token_in("/referral/follow?token=").is_none());
        let token = mail[0].token_in("/referral/confirm?token=").expect("a link to confirm");
        let html = page(&app, &citizen, &format!("/referral/confirm?token={token}")).await;
        assert!(html.contains("Er dette din henvisning?"), "{html}");
        let mine = app.call(&citizen, "/api/referral/mine", &[]).await.text().await.unwrap();
        assert!(!mine.contains(&reference), "opening the link (as a mail scanner does) confirms nothing");

        let confirmed = app.post_form_with(&citizen, "/api/referral/confirm", "/referral/confirm", &[("token", &token)]).await;
        assert_eq!(location(&confirmed), "/account", "{:?}", form_error(&confirmed));
        let mine = app.call(&citizen, "/api/referral/mine", &[]).await.text().await.unwrap();
        assert!(mine.contains(&reference), "{mine}");
        let again = app.post_form_with(&citizen, "/api/referral/confirm", "/referral/confirm", &[("token", &token)]).await;
        assert!(form_error(&again).unwrap().contains("LinkInvalid"));
    }

    async fn a_risk_answer_shows_the_crisis_message_next_and_marks_the_referral_urgent(app: TestApp) {
        let client = app.new_client();
        let person = Person { national_id: fnr("150590", 1), email: "risk@example.no", item_9: "2", areas: &["low_mood"] };
        start(&app, &client, "").await;
        fill_in(&app, &client, &person).await;
        // The page after PHQ-9 (and every later one) carries the calm message and the numbers.
        let gad7 = page(&app, &client, "/services/demo/refer/questionnaire-gad7").await;
        assert!(gad7.contains("Takk for at du svarte ærlig"));
        assert!(gad7.contains("tel:113"));
        let response = submit(&app, &client).await;
        assert_eq!(location(&response), "/services/demo/received", "never blocked");
        let id = latest_referral(&app).await;
        assert_eq!(referral_field::<i64>(&app, id, "urgent").await, 1);
        let reason: Option<String> = referral_field(&app, id, "urgent_reason").await;
        assert_eq!(reason.as_deref(), Some("phq9 item 9 = 2"));
    }

    async fn a_second_open_referral_from_the_same_person_is_linked_as_a_possible_duplicate(app: TestApp) {
        let national_id = fnr("020385", 0);
        let first = refer(&app, &app.new_client(), &Person { national_id: national_id.clone(), email: "ola@example.no", item_9: "0", areas: &["stress"] }).await;
        let other = refer(&app, &app.new_client(), &Person { national_id: fnr("020385", 1), email: "per@example.no", item_9: "0", areas: &["stress"] }).await;
        let second = refer(&app, &app.new_client(), &Person { national_id, email: "ola@example.no", item_9: "0", areas: &["anxiety"] }).await;
        assert_eq!(referral_field::<Option<i64>>(&app, other, "duplicate_of").await, None);
        assert_eq!(referral_field::<Option<i64>>(&app, second, "duplicate_of").await, Some(first));
    }

    async fn leaving_and_resuming_from_the_emailed_link_works_once_on_another_device(app: TestApp) {
        let phone = app.new_client();
        start(&app, &phone, "").await;
        expect_next(&app, &phone, "consent", &[("consent", "yes")], "about").await;
        let response = app.post_form_with(&phone, "/api/referral/later", "/services/demo/later", &[("slug", "demo"), ("email", "later@example.no")]).await;
        assert_eq!(location(&response), "/services/demo/later/sent", "{:?}", form_error(&response));
        let mail = app.mail_to("later@example.no");
        let token = mail[0].token_in("/referral/resume?token=").expect("a link");

        let laptop = app.new_client();
        let response = app.post_form_with(&laptop, "/api/referral/resume", "/referral/resume", &[("token", &token)]).await;
        assert_eq!(location(&response), "/services/demo/refer/about", "continues where it was left");
        let about = page(&app, &laptop, "/services/demo/refer/about").await;
        assert!(about.contains("Steg 2 av 8"));
        // The link is used up, and the old device has handed the draft over.
        let again = app.post_form_with(&app.new_client(), "/api/referral/resume", "/referral/resume", &[("token", &token)]).await;
        assert!(form_error(&again).is_some_and(|e| e.contains("LinkInvalid")));
        let old = page(&app, &phone, "/services/demo/refer/about").await;
        assert!(old.contains("Vi fant ikke en påbegynt henvisning"));
    }
}

/// The person opens their referral from My page and withdraws it, ticking a box to say
/// they mean it: closed as withdrawn, on the timeline, out of the board's waiting count;
/// once only, and only their own.
#[tokio::test]
async fn a_person_withdraws_their_own_referral_once_and_it_leaves_the_waiting_count() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.new_client();
    let person = Person {
        national_id: fnr("150590", 30),
        email: "trekk@example.no",
        item_9: "0",
        areas: &["sleep"],
    };
    let id = refer(&app, &client, &person).await;
    let reference: String = referral_field(&app, id, "reference").await;
    let mail = app.mail_to("trekk@example.no");
    let token = mail[0]
        .token_in("/referral/follow?token=")
        .expect("a link to follow the referral");
    app.post_form_with(
        &client,
        "/api/referral/follow",
        "/referral/follow",
        &[("token", &token), ("password", "et langt og godt passord")],
    )
    .await;
    let page_html = page(&app, &client, &format!("/account/referrals/{reference}")).await;
    assert!(page_html.contains("Trekk henvisningen"), "{page_html}");

    let intake = app.signed_in(DEMO_INTAKE).await;
    let waiting = |board: serde_json::Value| board["waiting"].as_i64().unwrap();
    let before = waiting(
        app.call(&intake, "/api/board/load", &[])
            .await
            .json()
            .await
            .unwrap(),
    );

    let from = format!("/account/referrals/{reference}");
    let unticked = app
        .post_form_with(
            &client,
            "/api/referral/withdraw",
            &from,
            &[("reference", &reference)],
        )
        .await;
    assert!(
        form_error(&unticked).is_some_and(|e| e.contains("ConfirmMissing")),
        "{:?}",
        form_error(&unticked)
    );
    let someone_else = app
        .post_form_with(
            &app.signed_in(crate::helpers::DEMO_CITIZEN).await,
            "/api/referral/withdraw",
            &from,
            &[("reference", &reference), ("confirm", "yes")],
        )
        .await;
    assert!(form_error(&someone_else).is_some_and(|e| e.contains("Forbidden")));
    assert_eq!(referral_field::<String>(&app, id, "status").await, "new");

    let done = app
        .post_form_with(
            &client,
            "/api/referral/withdraw",
            &from,
            &[("reference", &reference), ("confirm", "yes")],
        )
        .await;
    assert_eq!(
        location(&done),
        "/account?withdrawn=1",
        "{:?}",
        form_error(&done)
    );
    assert_eq!(referral_field::<String>(&app, id, "status").await, "closed");
    assert_eq!(
        referral_field::<Option<String>>(&app, id, "outcome")
            .await
            .as_deref(),
        Some("withdrawn")
    );
    assert_eq!(
        app.count_where(
            "referral_event",
            &format!("referral_id = {id} and kind = 'withdrawn'")
        )
        .await,
        1
    );
    let after = waiting(
        app.call(&intake, "/api/board/load", &[])
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(after, before - 1);
    let again = app
        .post_form_with(
            &client,
            "/api/referral/withdraw",
            &from,
            &[("reference", &reference), ("confirm", "yes")],
        )
        .await;
    assert!(form_error(&again).is_some_and(|e| e.contains("NotNow")));
    assert!(page(&app, &client, "/account").await.contains("Trukket"));
}

/// "Continue later" is the step form's second button: it keeps what is on the page,
/// finished (the step is done) or half done (kept as typed), before asking for the
/// address. It was a plain link that dropped the step.
#[tokio::test]
async fn continuing_later_keeps_what_is_on_the_page_finished_or_not() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.new_client();
    start(&app, &client, "").await;
    let later = |fields: &[(&str, &str)]| {
        let mut all = fields.to_vec();
        all.push(("_later", "yes"));
        all.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    // Consent given and "later" chosen: the step counts as done.
    let fields = later(&[("consent", "yes")]);
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = save(&app, &client, "consent", &refs).await;
    assert_eq!(
        location(&response),
        "/services/demo/later",
        "{:?}",
        form_error(&response)
    );
    // Half of "about", no email yet: kept as typed, without an error.
    let fields = later(&[
        ("name", "Kari Halvveis"),
        ("national_id", &fnr("150590", 7)),
        ("municipality", "9901"),
        ("phone", "912 34 567"),
    ]);
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = save(&app, &client, "about", &refs).await;
    assert_eq!(
        location(&response),
        "/services/demo/later",
        "{:?}",
        form_error(&response)
    );

    let about = page(&app, &client, "/services/demo/refer/about").await;
    assert!(
        about.contains("Steg 2 av 8"),
        "consent was saved: the draft is at step 2"
    );
    assert!(about.contains("Kari Halvveis") && about.contains("912 34 567"));
    assert!(
        !about.contains("error-summary"),
        "no errors until the person sends the step"
    );
}

/// After a risk answer the referral can be sent at once, from the questionnaire's page
/// or a later one, without the remaining steps; never without a risk answer.
#[tokio::test]
async fn after_a_risk_answer_the_referral_can_be_sent_now_without_the_remaining_steps() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let answers_before = app.count("questionnaire_response").await;
    let to_phq9 = |client: reqwest::Client, n: usize| {
        let app = &app;
        async move {
            start(app, &client, "").await;
            expect_next(app, &client, "consent", &[("consent", "yes")], "about").await;
            let id = fnr("150590", 20 + n);
            let email = format!("now{n}@example.no");
            expect_next(
                app,
                &client,
                "about",
                &[
                    ("name", "Kari Nå"),
                    ("national_id", &id),
                    ("municipality", "9901"),
                    ("phone", "912 34 567"),
                    ("email", &email),
                    ("contact_sms", "on"),
                    ("time_morning", "on"),
                    ("interpreter", "no"),
                ],
                "help",
            )
            .await;
            expect_next(
                app,
                &client,
                "help",
                &[("area_low_mood", "on")],
                "questionnaire-phq9",
            )
            .await;
            client
        }
    };
    let phq9 = |item_9: &'static str| {
        let mut fields: Vec<(String, &str)> = (1..=8).map(|i| (format!("item_{i}"), "1")).collect();
        fields.push(("item_9".into(), item_9));
        fields.push(("_send".into(), "yes"));
        fields
    };

    // Without a risk answer "send now" is only "next".
    let calm = to_phq9(app.new_client(), 0).await;
    let fields = phq9("0");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        location(&save(&app, &calm, "questionnaire-phq9", &refs).await),
        "/services/demo/refer/questionnaire-gad7"
    );
    let early = app
        .post_form_with(
            &calm,
            "/api/referral/submit",
            "/services/demo/refer/questionnaire-gad7",
            &[("slug", "demo"), ("early", "yes")],
        )
        .await;
    assert_eq!(
        location(&early),
        "/services/demo/refer/questionnaire-gad7",
        "not sent"
    );

    // With one, from the questionnaire's page: sent, with the one instrument answered.
    let client = to_phq9(app.new_client(), 1).await;
    let fields = phq9("3");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let response = save(&app, &client, "questionnaire-phq9", &refs).await;
    assert_eq!(
        location(&response),
        "/services/demo/received",
        "{:?}",
        form_error(&response)
    );
    let id = latest_referral(&app).await;
    assert_eq!(referral_field::<i64>(&app, id, "urgent").await, 1);
    assert_eq!(
        app.count("questionnaire_response").await,
        answers_before + 1
    );
}

#[tokio::test]
async fn wrong_input_is_named_and_kept_on_the_server_not_in_the_address() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.new_client();
    start(&app, &client, "").await;
    let response = save(&app, &client, "consent", &[]).await;
    assert!(form_error(&response).unwrap().contains("ConsentMissing"));
    expect_next(&app, &client, "consent", &[("consent", "yes")], "about").await;
    let response = save(
        &app,
        &client,
        "about",
        &[
            ("name", "Kari Tastefeil"),
            ("national_id", "15059012345"),
            ("municipality", "9903"),
            ("phone", "12"),
            ("email", "kari@"),
        ],
    )
    .await;
    let error = form_error(&response).expect("an error");
    for problem in [
        "NationalIdCheck",
        "NotServed",
        "PhoneInvalid",
        "EmailInvalid",
        "ChooseAtLeastOne",
        "ChooseOne",
    ] {
        assert!(error.contains(problem), "{problem} missing from {error}");
    }
    assert!(
        !location(&response).contains("Tastefeil"),
        "typed text stays out of the address"
    );
    assert!(!error.contains("Tastefeil"));
    // The page shows what was typed, and whom to contact in Fjell.
    let about = page(&app, &client, "/services/demo/refer/about").await;
    assert!(about.contains("Kari Tastefeil"));
    assert!(about.contains("15059012345"));
    assert!(about.contains("href=\"/services/fjell\""));
    // Steps cannot be skipped.
    let skip = save(
        &app,
        &client,
        "preferences",
        &[
            ("format", "group"),
            ("mode", "video"),
            ("pref_evening", "on"),
        ],
    )
    .await;
    assert!(form_error(&skip).unwrap().contains("NotFound"));
    // Alcohol and fears bring in the AUDIT and the phobia scales.
    let id = refer(
        &app,
        &app.new_client(),
        &Person {
            national_id: fnr("150590", 2),
            email: "mer@example.no",
            item_9: "0",
            areas: &["alcohol_drugs", "fears"],
        },
    )
    .await;
    let instruments: Vec<String> = sqlx::query(
        "select instrument from questionnaire_response where referral_id = $1 order by instrument",
    )
    .bind(id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("instrument").unwrap())
    .collect();
    assert_eq!(instruments, vec!["audit", "gad7", "phobia", "phq9", "wsas"]);
}

#[tokio::test]
async fn staff_register_a_referral_on_someones_behalf_with_its_source() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Not for anyone else.
    let anonymous = start(&app, &app.new_client(), "phone").await;
    assert!(form_error(&anonymous).unwrap().contains("Unauthenticated"));
    let citizen = app.signed_in(DEMO_CITIZEN).await;
    assert!(form_error(&start(&app, &citizen, "phone").await)
        .unwrap()
        .contains("Forbidden"));

    let intake = app.signed_in(DEMO_INTAKE).await;
    let response = start(&app, &intake, "gp_letter").await;
    assert_eq!(location(&response), "/services/demo/refer/consent");
    let consent = page(&app, &intake, "/services/demo/refer/consent").await;
    assert!(consent.contains("Personen har samtykket"));
    fill_in(
        &app,
        &intake,
        &Person {
            national_id: fnr("101080", 0),
            email: "fra-lege@example.no",
            item_9: "0",
            areas: &["anxiety"],
        },
    )
    .await;
    let response = submit(&app, &intake).await;
    assert_eq!(location(&response), "/services/demo/received");
    let id = latest_referral(&app).await;
    assert_eq!(
        referral_field::<String>(&app, id, "source").await,
        "gp_letter"
    );
    assert!(referral_field::<Option<i64>>(&app, id, "registered_by")
        .await
        .is_some());
    let sources: Vec<String> =
        sqlx::query("select source from questionnaire_response where referral_id = $1")
            .bind(id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("source").unwrap())
            .collect();
    assert_eq!(sources, vec!["gp_letter"; 3]);
    // Writing someone's data is in their access log.
    let logged: i64 = sqlx::query("select count(*) as n from access_log where record_kind = 'referral' and action = 'changed'")
        .fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap();
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn a_signed_in_citizen_is_not_asked_again_while_answers_are_fresh() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let citizen = app.signed_in(DEMO_CITIZEN).await;
    refer(
        &app,
        &citizen,
        &Person {
            national_id: fnr("010170", 0),
            email: "innbygger@demo.example",
            item_9: "0",
            areas: &["sleep"],
        },
    )
    .await;
    // A new referral a week later: PHQ-9 is offered for reuse.
    app.execute("update questionnaire_response set answered_at = answered_at - 7 * 86400")
        .await;
    start(&app, &citizen, "").await;
    expect_next(&app, &citizen, "consent", &[("consent", "yes")], "about").await;
    expect_next(
        &app,
        &citizen,
        "about",
        &[
            ("name", "Inger"),
            ("national_id", &fnr("010170", 0)),
            ("municipality", "9902"),
            ("phone", "91234567"),
            ("email", "innbygger@demo.example"),
            ("contact_phone", "on"),
            ("time_midday", "on"),
            ("interpreter", "no"),
        ],
        "help",
    )
    .await;
    expect_next(
        &app,
        &citizen,
        "help",
        &[("area_sleep", "on")],
        "questionnaire-phq9",
    )
    .await;
    let phq9 = page(&app, &citizen, "/services/demo/refer/questionnaire-phq9").await;
    assert!(phq9.contains("Du svarte på dette skjemaet"));
    let response = app
        .post_form_with(
            &citizen,
            "/api/referral/reuse",
            "/services/demo/refer/questionnaire-phq9",
            &[("slug", "demo"), ("instrument", "phq9")],
        )
        .await;
    assert_eq!(
        location(&response),
        "/services/demo/refer/questionnaire-gad7",
        "{:?}",
        form_error(&response)
    );
    // Older than the service's 14 days: asked again.
    app.execute("update questionnaire_response set answered_at = answered_at - 8 * 86400")
        .await;
    let gad7 = page(&app, &citizen, "/services/demo/refer/questionnaire-gad7").await;
    assert!(!gad7.contains("Du svarte på dette skjemaet"));
    // Someone not signed in is never offered anyone's answers.
    let anonymous = app.new_client();
    start(&app, &anonymous, "").await;
    assert!(
        !page(&app, &anonymous, "/services/demo/refer/questionnaire-phq9")
            .await
            .contains("Du svarte på dette skjemaet")
    );
}

/// Validates a FHIR R4 resource with Python's fhir.resources; its summary.
pub(crate) fn validate_fhir(app: &TestApp, resource: &str, json: &str) -> serde_json::Value {
    let file = app.dir.join(format!("{resource}.json"));
    std::fs::write(&file, json).unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&crate::helpers::parse_with_python("read_fhir.py", &file)).unwrap();
    assert_eq!(summary["resourceType"], resource);
    summary
}

#[tokio::test]
async fn instruments_and_answers_export_as_valid_fhir_r4_to_staff_only() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = refer(
        &app,
        &app.new_client(),
        &Person {
            national_id: fnr("150590", 3),
            email: "fhir@example.no",
            item_9: "1",
            areas: &["alcohol_drugs", "fears"],
        },
    )
    .await;
    let intake = app.signed_in(DEMO_INTAKE).await;
    for instrument in ["phq9", "gad7", "wsas", "audit", "phobia"] {
        let response = intake
            .get(app.url(&format!("/fhir/Questionnaire/{instrument}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json"));
        validate_fhir(&app, "Questionnaire", &response.text().await.unwrap());
    }
    let responses: Vec<(i64, String)> = sqlx::query("select questionnaire_response_id, instrument from questionnaire_response where referral_id = $1")
        .bind(id).fetch_all(&app.state.db.pool).await.unwrap()
        .iter().map(|r| (r.try_get("questionnaire_response_id").unwrap(), r.try_get("instrument").unwrap())).collect();
    assert_eq!(responses.len(), 5);
    for (response_id, instrument) in &responses {
        let response = intake
            .get(app.url(&format!("/fhir/QuestionnaireResponse/{response_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        // Personal data: no browser or proxy keeps a copy.
        assert_eq!(response.headers()["cache-control"], "no-store");
        let text = response.text().await.unwrap();
        validate_fhir(&app, "QuestionnaireResponse", &text);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            json["subject"]["identifier"]["value"],
            fnr("150590", 3).as_str()
        );
        if instrument == "phq9" {
            assert!(json["questionnaire"]
                .as_str()
                .unwrap()
                .ends_with("/fhir/Questionnaire/phq9|1"));
            let total = json["item"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["linkId"] == "total")
                .unwrap();
            assert_eq!(total["answer"][0]["valueDecimal"], 9.0);
        }
    }
    let phq9 = responses.iter().find(|(_, i)| i == "phq9").unwrap().0;
    let questionnaire: serde_json::Value = intake
        .get(app.url("/fhir/Questionnaire/phq9"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(questionnaire["code"][0]["code"], "44249-1");
    assert_eq!(questionnaire["item"][8]["code"][0]["code"], "44260-8");
    // Every export of someone's answers is in their access log.
    let exported: i64 =
        sqlx::query("select count(*) as n from access_log where action = 'exported'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
    assert_eq!(exported, 5);
    // Not for anyone else.
    let path = format!("/fhir/QuestionnaireResponse/{phq9}");
    assert_eq!(
        app.new_client()
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let citizen = app.signed_in(DEMO_CITIZEN).await;
    assert_eq!(
        citizen.get(app.url(&path)).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        citizen
            .get(app.url("/fhir/Questionnaire/phq9"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let y = app.create_service("y", "Y").await;
    app.create_account(
        "inntak@y.example",
        "Y",
        "staff",
        "yngve sitt lange passord",
        Some((y, "intake")),
    )
    .await;
    let other = app
        .signed_in(("inntak@y.example", "yngve sitt lange passord", None))
        .await;
    assert_eq!(
        other.get(app.url(&path)).send().await.unwrap().status(),
        404
    );
}

#[tokio::test]
async fn an_invalid_questionnaire_stops_the_server_naming_the_file_and_field() {
    let dir = crate::helpers::scratch_dir("questionnaires");
    let extra = dir.join("questionnaires");
    std::fs::create_dir_all(&extra).unwrap();
    let broken = app::server::instruments::SHIPPED[1]
        .1
        .replace("id = \"gad7\"", "id = \"isi\"")
        .replace("caseness = 8", "caseness = 99");
    std::fs::write(extra.join("isi.toml"), broken).unwrap();
    let url = crate::helpers::fresh_database(Backend::Sqlite, &dir).await;
    let settings = server::config::Settings::from_vars(vec![
        ("RPH_BIND".to_owned(), "127.0.0.1:0".to_owned()),
        ("DATABASE_URL".to_owned(), url),
        (
            "RPH_QUESTIONNAIRES_DIR".to_owned(),
            extra.display().to_string(),
        ),
    ])
    .unwrap();
    let error = server::startup::Application::build(settings)
        .await
        .err()
        .expect("refused to start");
    let message = format!("{error:#}");
    assert!(message.contains("isi.toml"), "{message}");
    assert!(message.contains("scoring.caseness"), "{message}");
}
