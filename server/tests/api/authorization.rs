//! The authorisation matrix: every server function and page that returns personal
//! data, called as every kind of person, allowed or refused as the table says.
//! Each new server function adds its row here.

use crate::helpers::{location, TestApp, DEMO_CITIZEN, DEMO_INTAKE, DEMO_LEAD, DEMO_THERAPIST};
use crate::on_both_backends;
use sqlx::Row as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    CitizenA,
    CitizenB,
    IntakeX,
    IntakeY,
    TherapistX,
    LeadX,
    SpecialistGuest,
}

use Who::*;

const EVERYONE_SIGNED_IN: &[Who] = &[
    CitizenA,
    CitizenB,
    IntakeX,
    IntakeY,
    TherapistX,
    LeadX,
    SpecialistGuest,
];
const LEAD_OF_X: &[Who] = &[LeadX];
const BOARD_OF_X: &[Who] = &[IntakeX, LeadX];
const ROOM_LEADERS_OF_X: &[Who] = &[TherapistX, LeadX];

/// A server function (called as the hydrated app does) and who may call it.
struct Row {
    path: &'static str,
    /// Form fields; `{target}` is replaced by the id of a member of staff of service X.
    fields: &'static [(&'static str, &'static str)],
    allowed: &'static [Who],
}

const SERVER_FUNCTIONS: &[Row] = &[
    Row {
        path: "/api/auth/me",
        fields: &[],
        allowed: EVERYONE_SIGNED_IN,
    },
    Row {
        path: "/api/account/access-log",
        fields: &[],
        allowed: EVERYONE_SIGNED_IN,
    },
    Row {
        path: "/api/staff/list",
        fields: &[],
        allowed: LEAD_OF_X,
    },
    Row {
        path: "/api/staff/role",
        fields: &[("account_id", "{target}"), ("role", "therapist")],
        allowed: LEAD_OF_X,
    },
    Row {
        path: "/api/staff/deactivate",
        fields: &[("account_id", "{target}"), ("confirm", "yes")],
        allowed: LEAD_OF_X,
    },
    Row {
        path: "/api/staff/reopen",
        fields: &[("account_id", "{target}")],
        allowed: LEAD_OF_X,
    },
    Row {
        path: "/api/staff/invite",
        fields: &[
            ("name", "Ny"),
            ("email", "ny-{target}@demo.example"),
            ("role", "intake"),
        ],
        allowed: LEAD_OF_X,
    },
    Row {
        path: "/api/referral/mine",
        fields: &[],
        allowed: EVERYONE_SIGNED_IN,
    },
    // Registering a referral on someone's behalf: staff of the service who meet people.
    Row {
        path: "/api/referral/start",
        fields: &[("slug", "demo"), ("source", "phone")],
        allowed: &[IntakeX, TherapistX, LeadX],
    },
    // The triage board: intake and leads of the service; `{referral}` is a fresh
    // referral of service X for each call, `{assessed}` one already in assessment.
    Row {
        path: "/api/board/load",
        fields: &[],
        // Each intake sees their own service's board (another service's referrals
        // never appear on it: see board.rs).
        allowed: &[IntakeX, IntakeY, LeadX],
    },
    Row {
        path: "/api/board/open",
        fields: &[("reference", "{referral}")],
        allowed: BOARD_OF_X,
    },
    Row {
        path: "/api/board/claim",
        fields: &[("reference", "{referral}")],
        allowed: BOARD_OF_X,
    },
    Row {
        path: "/api/board/release",
        fields: &[("reference", "{referral}")],
        allowed: BOARD_OF_X,
    },
    Row {
        path: "/api/board/move",
        fields: &[("reference", "{referral}"), ("to", "in_assessment")],
        allowed: BOARD_OF_X,
    },
    Row {
        path: "/api/board/decide",
        fields: &[
            ("reference", "{assessed}"),
            ("decision", "guided_self_help"),
            ("reason", "Passer."),
        ],
        allowed: BOARD_OF_X,
    },
    Row {
        path: "/api/board/note",
        fields: &[("reference", "{referral}"), ("note", "Ringte, ikke svar.")],
        allowed: BOARD_OF_X,
    },
    Row {
        path: "/api/board/share",
        fields: &[("reference", "{referral}"), ("guest", "{guest}")],
        allowed: BOARD_OF_X,
    },
    // Only the specialist guest, and only for referrals shared with them.
    Row {
        path: "/api/board/shared",
        fields: &[],
        allowed: &[SpecialistGuest],
    },
    // Whoever works a board (in any service) keeps their own search.
    Row {
        path: "/api/board/filter",
        fields: &[("q", "Kari")],
        allowed: &[IntakeX, IntakeY, LeadX],
    },
    Row {
        path: "/api/board/assess",
        fields: &[("reference", "{referral}"), ("assessment", "Vurdert.")],
        allowed: &[],
    },
    // Whoever has no second factor yet may start one; whoever has one must first
    // confirm it is them (the demo's intake, therapist and lead have one).
    Row {
        path: "/api/auth/second-factor/begin",
        fields: &[],
        allowed: &[CitizenA, CitizenB, IntakeY, SpecialistGuest],
    },
    // A wrong password is refused to everyone; the right one is in second_factor.rs.
    Row {
        path: "/api/auth/confirm-identity",
        fields: &[("password", "not the password"), ("code", "123456")],
        allowed: &[],
    },
    Row {
        path: "/api/rooms/list",
        fields: &[],
        allowed: ROOM_LEADERS_OF_X,
    },
    Row {
        path: "/api/rooms/create",
        fields: &[("title", "Kurs i mestring")],
        allowed: ROOM_LEADERS_OF_X,
    },
    // Anyone signed in may open a room's link (and then waits in its lobby).
    Row {
        path: "/api/rooms/info",
        fields: &[("code", "demo-kurs-i-mestring")],
        allowed: EVERYONE_SIGNED_IN,
    },
    // Last: an allowed call ends the caller's own sessions.
    Row {
        path: "/api/auth/logout-everywhere",
        fields: &[],
        allowed: EVERYONE_SIGNED_IN,
    },
];

/// Pages with personal data: who gets the page, and who is sent to the login.
struct PageRow {
    path: &'static str,
    /// Text that only an allowed viewer may see.
    secret: &'static str,
    allowed: &'static [Who],
}

const PAGES: &[PageRow] = &[
    PageRow {
        path: "/account",
        secret: "@",
        allowed: EVERYONE_SIGNED_IN,
    },
    PageRow {
        path: "/board",
        // A referral of service X, on its board.
        secret: "Hemmelig P.",
        allowed: BOARD_OF_X,
    },
    PageRow {
        path: "/rooms",
        // The demo room and its link, in the list of service X's rooms.
        secret: "demo-kurs-i-mestring",
        allowed: ROOM_LEADERS_OF_X,
    },
    PageRow {
        path: "/admin/staff",
        secret: "terapeut@demo.example",
        allowed: LEAD_OF_X,
    },
];

async fn clients(app: &TestApp) -> Vec<(Who, reqwest::Client)> {
    let y = app
        .create_service("y", "Rask psykisk helsehjelp, Y kommune")
        .await;
    let x = 1;
    app.create_account(
        "b@example.no",
        "Borghild B",
        "citizen",
        "borghild sitt passord",
        None,
    )
    .await;
    app.create_account(
        "inntak@y.example",
        "Yngve Y",
        "staff",
        "yngve sitt lange passord",
        Some((y, "intake")),
    )
    .await;
    app.create_account(
        "gjest@sykehus.example",
        "Gjest",
        "staff",
        "gjesten sitt passord",
        Some((x, "specialist_guest")),
    )
    .await;
    vec![
        (Anonymous, app.new_client()),
        (CitizenA, app.signed_in(DEMO_CITIZEN).await),
        (
            CitizenB,
            app.signed_in(("b@example.no", "borghild sitt passord", None))
                .await,
        ),
        (IntakeX, app.signed_in(DEMO_INTAKE).await),
        (
            IntakeY,
            app.signed_in(("inntak@y.example", "yngve sitt lange passord", None))
                .await,
        ),
        (TherapistX, app.signed_in(DEMO_THERAPIST).await),
        (LeadX, app.signed_in(DEMO_LEAD).await),
        (
            SpecialistGuest,
            app.signed_in(("gjest@sykehus.example", "gjesten sitt passord", None))
                .await,
        ),
    ]
}

on_both_backends! {
    async fn every_server_function_allows_exactly_whom_the_matrix_says(app: TestApp) {
        let clients = clients(&app).await;
        let guest: i64 = sqlx::query("select account_id from account where email = 'gjest@sykehus.example'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("account_id").unwrap();
        for (index, row) in SERVER_FUNCTIONS.iter().enumerate() {
            // Each row acts on a fresh invited member of staff, so allowed calls change nothing else.
            let target = app
                .create_account(&format!("maal-{index}@demo.example"), "Mål", "staff", "et langt passord her", Some((1, "intake")))
                .await
                .to_string();
            // The allowed principal goes last: an allowed change must not affect the refusals.
            let mut order: Vec<&(Who, reqwest::Client)> = clients.iter().filter(|(w, _)| !row.allowed.contains(w)).collect();
            order.extend(clients.iter().filter(|(w, _)| row.allowed.contains(w)));
            for (who, client) in order {
                // A fresh referral for each call, so one allowed call cannot stand in another's way.
                let referral = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
                let assessed = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
                app.execute(&format!("update referral set status = 'in_assessment' where referral_id = {}", assessed.id)).await;
                let fields: Vec<(&str, String)> = row
                    .fields
                    .iter()
                    .map(|(k, v)| {
                        let v = v
                            .replace("{target}", &target)
                            .replace("{referral}", &referral.reference)
                            .replace("{assessed}", &assessed.reference)
                            .replace("{guest}", &guest.to_string());
                        (*k, v)
                    })
                    .collect();
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let status = app.call(client, row.path, &fields).await.status().as_u16();
                let allowed = row.allowed.contains(who);
                if allowed {
                    assert_eq!(status, 200, "{who:?} must be allowed {}", row.path);
                } else {
                    assert!(matches!(status, 400 | 401 | 403), "{who:?} must be refused {} (got {status})", row.path);
                }
            }
        }
    }

    async fn every_page_with_personal_data_shows_it_only_to_whom_the_matrix_says(app: TestApp) {
        let clients = clients(&app).await;
        crate::board::referral_in(&app, 1, "Hemmelig Person", "9901", 1, 0).await;
        for page in PAGES {
            for (who, client) in &clients {
                let response = client.get(app.url(page.path)).header("accept", "text/html").send().await.unwrap();
                let redirected = location(&response) == "/login";
                let html = response.text().await.unwrap();
                let main = html.split("<main").nth(1).unwrap_or_default().split("</main>").next().unwrap_or_default();
                if page.allowed.contains(who) {
                    assert!(main.contains(page.secret), "{who:?} must see {}", page.path);
                } else {
                    assert!(redirected || !main.contains(page.secret), "{who:?} must not see {}", page.path);
                }
            }
        }
    }

    async fn a_citizen_sees_only_their_own_account(app: TestApp) {
        let clients = clients(&app).await;
        let (_, b) = clients.iter().find(|(w, _)| *w == CitizenB).unwrap();
        let me: serde_json::Value = app.call(b, "/api/auth/me", &[]).await.json().await.unwrap();
        assert_eq!(me["email"], "b@example.no");
        let log: serde_json::Value = app.call(b, "/api/account/access-log", &[]).await.json().await.unwrap();
        assert_eq!(log, serde_json::json!([]));
    }
}
