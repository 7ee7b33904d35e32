//! The authorisation matrix: every server function, route and page that returns
//! personal data, called as every kind of person, allowed or refused as the table says.
//! Each new server function and route adds its row here (a test fails until it does).

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
    /// Another therapist of service X: leads none of its groups.
    OtherTherapistX,
    LeadX,
    /// A therapist and a lead of service Y: they lead and run Y's groups, never X's.
    TherapistY,
    LeadY,
    SpecialistGuest,
}

use Who::*;

const EVERYONE_SIGNED_IN: &[Who] = &[
    CitizenA,
    CitizenB,
    IntakeX,
    IntakeY,
    TherapistX,
    OtherTherapistX,
    LeadX,
    TherapistY,
    LeadY,
    SpecialistGuest,
];
const LEAD_OF_X: &[Who] = &[LeadX];
/// Each service's lead, for their own service (what service X's lead gets is Y's lead's
/// for service Y).
const LEADS: &[Who] = &[LeadX, LeadY];
const BOARD_OF_X: &[Who] = &[IntakeX, LeadX];
/// A group of service X's: its leader (the demo therapist leads cohort 1 and every fresh
/// group) and the service's lead; not another therapist of X's, nor anyone of Y's.
const LEADERS_OF_THE_GROUP: &[Who] = &[TherapistX, LeadX];
/// Whoever hosts video rooms in service X: its therapists and its lead.
const ROOM_HOSTS_OF_X: &[Who] = &[TherapistX, OtherTherapistX, LeadX];
/// Whoever hosts rooms and leads groups, each in their own service.
const HOSTS_AND_LEADERS: &[Who] = &[TherapistX, OtherTherapistX, LeadX, TherapistY, LeadY];

/// A server function (called as the hydrated app does) and who may call it.
struct Row {
    path: &'static str,
    /// Form fields; `{target}` is replaced by the id of a member of staff of service X,
    /// `{call}` by a number of its own for each call.
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
    // Each lead lists their own service's staff (Y's lead never sees X's: staff.rs).
    Row {
        path: "/api/staff/list",
        fields: &[],
        allowed: LEADS,
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
            ("email", "ny-{target}-{call}@demo.example"),
            ("role", "intake"),
        ],
        // Each lead invites to their own service.
        allowed: LEADS,
    },
    Row {
        path: "/api/referral/mine",
        fields: &[],
        allowed: EVERYONE_SIGNED_IN,
    },
    // `{own_referral}`: a fresh referral of citizen A's.
    Row {
        path: "/api/referral/withdraw",
        fields: &[("reference", "{own_referral}"), ("confirm", "yes")],
        allowed: &[CitizenA],
    },
    // A person's courses: their own offers only. `{offered_referral}`: a fresh referral
    // of citizen A's with a group course offered in the demo service's open cohort.
    Row {
        path: "/api/course/mine",
        fields: &[],
        allowed: EVERYONE_SIGNED_IN,
    },
    Row {
        path: "/api/course/accept",
        fields: &[("reference", "{offered_referral}")],
        allowed: &[CitizenA],
    },
    Row {
        path: "/api/course/decline",
        fields: &[("reference", "{offered_referral}")],
        allowed: &[CitizenA],
    },
    // Measures before a session: the person holding the seat. `{seated_referral}`: a
    // referral of citizen A's with a seat in the open cohort, its first session a day away.
    Row {
        path: "/api/course/measure",
        fields: &[("reference", "{seated_referral}"), ("instrument", "phq9")],
        allowed: &[CitizenA],
    },
    Row {
        path: "/api/course/answer-measure",
        fields: &[
            ("reference", "{seated_referral}"),
            ("instrument", "gad7"),
            ("fields[item_1]", "0"),
            ("fields[item_2]", "0"),
            ("fields[item_3]", "0"),
            ("fields[item_4]", "0"),
            ("fields[item_5]", "0"),
            ("fields[item_6]", "0"),
            ("fields[item_7]", "0"),
        ],
        allowed: &[CitizenA],
    },
    // Running groups. `{course}`: one of service X's courses; `{far_date}` a date a year
    // ahead; `{therapist}` the demo therapist; `{fresh_cohort}` and `{fresh_session}` a
    // new planned group the therapist leads (a new one for each call) and its first session;
    // `{fresh_next_day}` the day after that session. A group's own functions are its
    // leaders' (LEADERS_OF_THE_GROUP); everyone else is refused, 403 (see GROUP_COURSE):
    // another therapist of X, Y's therapist and lead, citizens with no seat in it.
    // Each lead gets their own service's courses and staff to choose from (Y's lead
    // never X's: see a_group_is_listed_and_offered_only_within_its_service below).
    Row {
        path: "/api/course/group-form",
        fields: &[],
        allowed: LEADS,
    },
    Row {
        path: "/api/course/create-group",
        fields: &[
            ("course", "{course}"),
            ("first", "{far_date}"),
            ("time", "07:00"),
            ("leader", "{therapist}"),
            ("capacity", "8"),
            ("format", "video"),
        ],
        allowed: LEAD_OF_X,
    },
    // Each lead keeps their own service's catalogue.
    Row {
        path: "/api/course/catalogue",
        fields: &[],
        allowed: LEADS,
    },
    // The shipped courses: each lead adds them to their own service's catalogue.
    Row {
        path: "/api/course/templates",
        fields: &[],
        allowed: LEADS,
    },
    Row {
        path: "/api/course/add-template",
        fields: &[("template", "worry")],
        allowed: LEADS,
    },
    // When reminders go out: each lead, for their own service.
    Row {
        path: "/api/course/reminder-hours",
        fields: &[],
        allowed: LEADS,
    },
    Row {
        path: "/api/course/save-reminder-hours",
        fields: &[("hours", "30")],
        allowed: LEADS,
    },
    Row {
        path: "/api/course/editor",
        fields: &[("course", "{course}")],
        allowed: LEAD_OF_X,
    },
    Row {
        path: "/api/course/save",
        fields: &[
            ("course", "0"),
            ("name", "Kurs i søvn"),
            ("description", "Fire samlinger om søvn."),
            ("suits", "Deg som sover dårlig."),
            ("weekly", "4"),
            ("follow_ups", "0"),
            ("follow_up_weeks", "4"),
            ("minutes", "90"),
            ("format", "video"),
            ("capacity", "10"),
        ],
        // A new course (`course` 0), in the lead's own service.
        allowed: LEADS,
    },
    Row {
        path: "/api/course/group-state",
        fields: &[("cohort", "{fresh_cohort}"), ("state", "cancelled")],
        allowed: LEADERS_OF_THE_GROUP,
    },
    Row {
        path: "/api/course/cancel-session",
        fields: &[("cohort", "{fresh_cohort}"), ("session", "{fresh_session}")],
        allowed: LEADERS_OF_THE_GROUP,
    },
    Row {
        path: "/api/course/change-session",
        fields: &[
            ("cohort", "{fresh_cohort}"),
            ("session", "{fresh_session}"),
            ("date", "{fresh_next_day}"),
            ("time", "02:00"),
            ("format", "video"),
        ],
        allowed: LEADERS_OF_THE_GROUP,
    },
    Row {
        path: "/api/course/change-group",
        fields: &[
            ("cohort", "{fresh_cohort}"),
            ("capacity", "9"),
            ("leader", "{therapist}"),
            ("place", "Rådhuset"),
        ],
        allowed: LEADERS_OF_THE_GROUP,
    },
    // Enrolling `{referral}` (a fresh referral of service X), and removing `{fresh_seat}`
    // (that referral, given a seat in the fresh group).
    Row {
        path: "/api/course/enrol",
        fields: &[("cohort", "{fresh_cohort}"), ("reference", "{referral}")],
        allowed: LEADERS_OF_THE_GROUP,
    },
    Row {
        path: "/api/course/remove",
        fields: &[
            ("cohort", "{fresh_cohort}"),
            ("referral", "{fresh_seat}"),
            ("reason", "Flyttet fra kommunen."),
        ],
        allowed: LEADERS_OF_THE_GROUP,
    },
    // Opening again a referral a group's finish closed: the service's lead only, not
    // the group's leader. `{finished_cohort}`: a fresh group, run and finished, which
    // closed `{fresh_seat}` (its seat holder's referral) as completed.
    Row {
        path: "/api/course/reopen",
        fields: &[
            ("cohort", "{finished_cohort}"),
            ("referral", "{fresh_seat}"),
        ],
        allowed: LEAD_OF_X,
    },
    // Course groups: their leaders (the demo therapist leads cohort 1, the running KiD)
    // and the service's lead. Whoever may lead groups gets a list: only their own (see
    // a_group_is_listed_and_offered_only_within_its_service below).
    Row {
        path: "/api/course/groups",
        fields: &[],
        allowed: HOSTS_AND_LEADERS,
    },
    Row {
        path: "/api/course/group",
        fields: &[("cohort", "1")],
        allowed: LEADERS_OF_THE_GROUP,
    },
    // The service's figures: its leads; one group's: its leaders and the leads.
    Row {
        path: "/api/outcome/figures",
        fields: &[],
        allowed: LEADS,
    },
    Row {
        path: "/api/outcome/figures",
        fields: &[("cohort", "1")],
        allowed: LEADERS_OF_THE_GROUP,
    },
    // A seated referral's scores: its owner, the board, and its group's leaders.
    Row {
        path: "/api/outcome/trajectory",
        fields: &[("reference", "{seated_referral}")],
        allowed: &[CitizenA, IntakeX, TherapistX, LeadX],
    },
    // Ticking attendance: `{kid_session}` is cohort 1's first session, made in-person,
    // and `{kid_participant}` a demo participant's referral with a seat in it.
    Row {
        path: "/api/course/attendance",
        fields: &[
            ("cohort", "1"),
            ("session", "{kid_session}"),
            ("referral", "{kid_participant}"),
            ("present", "true"),
        ],
        allowed: LEADERS_OF_THE_GROUP,
    },
    // Registering a referral on someone's behalf: staff of the service who meet people.
    Row {
        path: "/api/referral/start",
        fields: &[("slug", "demo"), ("source", "phone")],
        allowed: &[IntakeX, TherapistX, OtherTherapistX, LeadX],
    },
    // The triage board: intake and leads of the service; `{referral}` is a fresh
    // referral of service X for each call, `{assessed}` one already in assessment.
    Row {
        path: "/api/board/load",
        fields: &[],
        // Each intake sees their own service's board (another service's referrals
        // never appear on it: see board.rs).
        allowed: &[IntakeX, IntakeY, LeadX, LeadY],
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
        allowed: &[IntakeX, IntakeY, LeadX, LeadY],
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
        allowed: &[
            CitizenA,
            CitizenB,
            IntakeY,
            OtherTherapistX,
            TherapistY,
            LeadY,
            SpecialistGuest,
        ],
    },
    // A wrong password is refused to everyone; the right one is in second_factor.rs.
    Row {
        path: "/api/auth/confirm-identity",
        fields: &[("password", "not the password"), ("code", "123456")],
        allowed: &[],
    },
    // Whoever hosts rooms, in their own service.
    Row {
        path: "/api/rooms/list",
        fields: &[],
        allowed: HOSTS_AND_LEADERS,
    },
    Row {
        path: "/api/rooms/create",
        fields: &[("title", "Kurs i mestring")],
        allowed: HOSTS_AND_LEADERS,
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

/// The group-course server functions: a group's page and its changes, and starting one.
/// Whoever may not run the group is refused as the code answers: 401 when not signed
/// in, else 403, the same whether the group exists or not (never a check of what was
/// sent, which would tell).
const GROUP_COURSE: &[&str] = &[
    "/api/course/group-form",
    "/api/course/create-group",
    "/api/course/group",
    "/api/course/attendance",
    "/api/course/enrol",
    "/api/course/remove",
    "/api/course/change-group",
    "/api/course/cancel-session",
    "/api/course/change-session",
    "/api/course/group-state",
    "/api/course/reopen",
];

/// The status a refused call must get, and text its answer must hold, where the matrix
/// says exactly (any other refusal: 400, 401 or 403).
fn refused_as(path: &str, who: Who) -> Option<(u16, &'static str)> {
    Some(match (path, who) {
        // A lead of Y may start groups and edit courses, but only their own service's:
        // service X's course is not among their choices (and X's therapist not among
        // the leaders they may give a group), as if it did not exist.
        ("/api/course/create-group", LeadY) => (422, r#"{"field":"course","#),
        ("/api/course/editor", LeadY) => (404, "NotFound"),
        (path, _) if !GROUP_COURSE.contains(&path) => return None,
        (_, Anonymous) => (401, ""),
        _ => (403, "Forbidden"),
    })
}

/// Server functions anyone may call, signed in or not: each decides from what it is
/// given (a draft cookie, an emailed token, the session at its stage), and its own
/// tests say so. Every other server function has a row above.
const OPEN_TO_ANYONE: &[&str] = &[
    "/api/auth/login",
    "/api/auth/logout",
    "/api/auth/session",
    // The password is done, the second factor not: the session at that stage.
    "/api/auth/second-factor",
    "/api/auth/second-factor/confirm",
    "/api/account/register",
    "/api/account/verify-email",
    "/api/account/forgot-password",
    "/api/account/reset-password",
    "/api/staff/accept-invitation",
    "/api/site/services",
    // Self-referral works without an account; a draft is this browser's, by its cookie.
    "/api/referral/service",
    "/api/referral/step",
    "/api/referral/save",
    "/api/referral/later",
    "/api/referral/resume",
    "/api/referral/reuse",
    "/api/referral/submit",
    "/api/referral/receipt",
    "/api/referral/follow",
    "/api/referral/confirm",
];

/// A route outside the server functions and who may use it. `{response}` is replaced
/// by the id of a questionnaire response sent to service X, `{reference}` by the
/// reference of citizen A's referral to it.
struct RouteRow {
    path: &'static str,
    allowed: &'static [Who],
    /// Opened as a WebSocket (allowed: 101 Switching Protocols).
    socket: bool,
}

const ROUTES: &[RouteRow] = &[
    // Live changes of the boards they work.
    RouteRow {
        path: "/board/events",
        allowed: &[IntakeX, IntakeY, LeadX, LeadY],
        socket: false,
    },
    // Anyone signed in may open a room's socket (and then waits in its lobby).
    RouteRow {
        path: "/rooms/demo-kurs-i-mestring/socket",
        allowed: EVERYONE_SIGNED_IN,
        socket: true,
    },
    // The instruments hold no personal data; they are for staff systems.
    RouteRow {
        path: "/fhir/Questionnaire/phq9",
        allowed: &[
            IntakeX,
            IntakeY,
            TherapistX,
            OtherTherapistX,
            LeadX,
            TherapistY,
            LeadY,
            SpecialistGuest,
        ],
        socket: false,
    },
    // The service's episodes for analysis (pseudonymised): its leads (each lead gets
    // their own service's).
    RouteRow {
        path: "/figures/episodes.csv",
        allowed: LEADS,
        socket: false,
    },
    // The register extract (identifiable, a row per contact): its leads (each their
    // own service's; `rph-contacts-1` is the format).
    RouteRow {
        path: "/figures/register/rph-contacts-1",
        allowed: LEADS,
        socket: false,
    },
    // A referral's answers and scores as files: the person (citizen A) and staff of
    // the service who may export answers.
    RouteRow {
        path: "/trajectory/{reference}/answers.json",
        allowed: &[CitizenA, IntakeX, TherapistX, OtherTherapistX, LeadX],
        socket: false,
    },
    RouteRow {
        path: "/trajectory/{reference}/scores.csv",
        allowed: &[CitizenA, IntakeX, TherapistX, OtherTherapistX, LeadX],
        socket: false,
    },
    // Someone's answers: staff of the service they were sent to, except guests.
    RouteRow {
        path: "/fhir/QuestionnaireResponse/{response}",
        allowed: &[IntakeX, TherapistX, OtherTherapistX, LeadX],
        socket: false,
    },
];

/// Routes anyone may use.
const OPEN_ROUTES: &[&str] = &["/healthz", "/language/{code}"];

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
        allowed: ROOM_HOSTS_OF_X,
    },
    PageRow {
        path: "/groups/1",
        // A participant of the running demo course.
        secret: "Ola Hansen",
        allowed: LEADERS_OF_THE_GROUP,
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
        "terapeut2@demo.example",
        "Tora To",
        "staff",
        "tora sitt lange passord",
        Some((x, "therapist")),
    )
    .await;
    app.create_account(
        "terapeut@y.example",
        "Yrja Y",
        "staff",
        "yrja sitt lange passord",
        Some((y, "therapist")),
    )
    .await;
    app.create_account(
        "leder@y.example",
        "Ylva Y",
        "staff",
        "ylva sitt lange passord",
        Some((y, "lead")),
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
        (
            OtherTherapistX,
            app.signed_in(("terapeut2@demo.example", "tora sitt lange passord", None))
                .await,
        ),
        (LeadX, app.signed_in(DEMO_LEAD).await),
        (
            TherapistY,
            app.signed_in(("terapeut@y.example", "yrja sitt lange passord", None))
                .await,
        ),
        (
            LeadY,
            app.signed_in(("leder@y.example", "ylva sitt lange passord", None))
                .await,
        ),
        (
            SpecialistGuest,
            app.signed_in(("gjest@sykehus.example", "gjesten sitt passord", None))
                .await,
        ),
    ]
}

/// The group form as `client` gets it: the ids of the courses and of the leaders offered.
async fn group_form(app: &TestApp, client: &reqwest::Client) -> (Vec<i64>, Vec<i64>) {
    let form: serde_json::Value = app
        .call(client, "/api/course/group-form", &[])
        .await
        .json()
        .await
        .unwrap();
    let ids = |key: &str| {
        let mut ids: Vec<i64> = form[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[0].as_i64().unwrap())
            .collect();
        ids.sort();
        ids
    };
    (ids("courses"), ids("leaders"))
}

/// The ids of a service's courses.
async fn course_ids(app: &TestApp, service: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = app::server::courses::courses_of(
        &app.state.db,
        app::domain::capability::ServiceId(service),
    )
    .await
    .unwrap()
    .iter()
    .map(|c| c.course_id.0)
    .collect();
    ids.sort();
    ids
}

/// A fresh referral of citizen A's, offered a seat in the demo service's open cohort.
async fn offered_referral(app: &TestApp) -> String {
    let own = crate::board::referral_in(app, 1, "Kari Nordmann", "9901", 1, 0).await;
    app.execute(&format!(
        "update referral set status = 'offered', account_id = (select account_id from account where email = '{}') where referral_id = {}",
        DEMO_CITIZEN.0, own.id
    ))
    .await;
    app.execute(&format!(
        "insert into referral_decision (referral_id, decision, reason, decided_by, decided_at)
         values ({}, 'group_course', 'Passer.', (select account_id from account where email = '{}'), 1)",
        own.id, DEMO_LEAD.0
    ))
    .await;
    app.execute(&format!(
        "insert into offer (referral_id, referral_decision_id, kind, created_at, cohort_id)
         values ({0}, (select max(referral_decision_id) from referral_decision where referral_id = {0}), 'group_course', 1,
             (select min(cohort_id) from cohort where state = 'open'))",
        own.id
    ))
    .await;
    own.reference
}

/// A new open group of service X's, led by `leader`, starting `in_days` from now;
/// its id and its first session's.
async fn fresh_group(
    app: &TestApp,
    course: app::domain::course::CourseId,
    leader: i64,
    in_days: i64,
) -> (i64, i64) {
    use app::domain::course::schedule::{LocalDate, LocalTime, WeeklyPlan};
    let c = app::server::courses::course(&app.state.db, course)
        .await
        .unwrap()
        .unwrap();
    let cohort = app::server::courses::create_cohort(
        &app.state.db,
        &app::server::courses::NewCohort {
            course,
            service: app::domain::capability::ServiceId(1),
            leaders: vec![leader],
            capacity: 8,
            plan: WeeklyPlan {
                first: LocalDate::of(app::server::db::now()).plus_days(in_days),
                time: LocalTime::parse("09:00").unwrap(),
                minutes: c.session_minutes,
                weekly: c.weekly_sessions,
                follow_ups: c.follow_ups,
                follow_up_weeks: c.follow_up_weeks,
                skip: Vec::new(),
            },
            format: app::domain::course::Format::Video,
            place: String::new(),
            state: app::domain::course::CohortState::Open,
        },
    )
    .await
    .unwrap()
    .unwrap();
    let session = app::server::courses::sessions(&app.state.db, cohort)
        .await
        .unwrap()[0]
        .session_id;
    (cohort.0, session)
}

/// A referral of citizen A's holding a seat in the open demo cohort, whose first session
/// is a day away, so its measures are due.
async fn seated_referral(app: &TestApp) -> String {
    let reference = offered_referral(app).await;
    let id: i64 = sqlx::query("select referral_id from referral where reference = $1")
        .bind(&reference)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get("referral_id")
        .unwrap();
    let cohort =
        app::domain::course::CohortId(crate::board::open_cohort_id(app).await.parse().unwrap());
    assert_eq!(
        app::server::courses::accept(&app.state.db, cohort, id)
            .await
            .unwrap()
            .unwrap(),
        app::domain::course::Placement::Seat,
        "a seat, not the wait list"
    );
    let starts = app::server::db::now() + 86_400;
    app.execute(&format!(
        "update cohort_session set starts_at = {starts}, ends_at = {} where cohort_id = {} and number = 1",
        starts + 9000,
        cohort.0
    ))
    .await;
    reference
}

on_both_backends! {
    async fn every_server_function_allows_exactly_whom_the_matrix_says(app: TestApp) {
        let clients = clients(&app).await;
        let guest: i64 = sqlx::query("select account_id from account where email = 'gjest@sykehus.example'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("account_id").unwrap();
        app.execute("update cohort_session set format = 'in_person' where cohort_id = 1 and number = 1").await;
        let kid_session: i64 = sqlx::query("select cohort_session_id from cohort_session where cohort_id = 1 and number = 1")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("cohort_session_id").unwrap();
        let kid_participant: i64 = sqlx::query("select referral_id from enrolment where cohort_id = 1 and status = 'enrolled' order by referral_id")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("referral_id").unwrap();
        let course = app::server::courses::courses_of(&app.state.db, app::domain::capability::ServiceId(1)).await.unwrap()[0].course_id;
        let therapist = app::server::accounts::id_by_email(&app.state.db, "terapeut@demo.example").await.unwrap().unwrap();
        let far_date = app::domain::course::schedule::LocalDate::of(app::server::db::now()).plus_days(365).iso();
        // Seats enough in the open cohort for a seated referral for every call.
        app.execute("update cohort set capacity = 100 where state = 'open'").await;
        let mut fresh_groups = 0;
        let mut calls = 0;
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
                calls += 1;
                // A fresh referral for each call, so one allowed call cannot stand in another's way.
                let referral = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
                let assessed = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
                app.execute(&format!("update referral set status = 'in_assessment' where referral_id = {}", assessed.id)).await;
                let own = if row.fields.iter().any(|(_, v)| v.contains("{own_referral}")) {
                    let own = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
                    app.execute(&format!(
                        "update referral set account_id = (select account_id from account where email = '{}') where referral_id = {}",
                        DEMO_CITIZEN.0, own.id
                    ))
                    .await;
                    own.reference
                } else {
                    String::new()
                };
                let offered = if row.fields.iter().any(|(_, v)| v.contains("{offered_referral}")) {
                    offered_referral(&app).await
                } else {
                    String::new()
                };
                let seated = if row.fields.iter().any(|(_, v)| v.contains("{seated_referral}")) {
                    seated_referral(&app).await
                } else {
                    String::new()
                };
                let (fresh_cohort, fresh_session) = if row.fields.iter().any(|(_, v)| v.contains("{fresh_cohort}")) {
                    fresh_groups += 1;
                    fresh_group(&app, course, therapist, 500 + fresh_groups * 120).await
                } else {
                    (0, 0)
                };
                // The day after the fresh group's first session: free for its leader.
                let fresh_next_day = if fresh_session == 0 {
                    String::new()
                } else {
                    let starts: i64 = sqlx::query("select starts_at from cohort_session where cohort_session_id = $1")
                        .bind(fresh_session).fetch_one(&app.state.db.pool).await.unwrap().try_get("starts_at").unwrap();
                    app::domain::course::LocalDate::of(starts).plus_days(1).iso()
                };
                let finished_cohort = if row.fields.iter().any(|(_, v)| v.contains("{finished_cohort}")) {
                    fresh_groups += 1;
                    fresh_group(&app, course, therapist, 500 + fresh_groups * 120).await.0
                } else {
                    0
                };
                if row.fields.iter().any(|(_, v)| v.contains("{fresh_seat}")) {
                    let seat_in = if finished_cohort == 0 { fresh_cohort } else { finished_cohort };
                    app::server::courses::accept(&app.state.db, app::domain::course::CohortId(seat_in), referral.id).await.unwrap().unwrap();
                }
                if finished_cohort != 0 {
                    // They took part (their referral active); the group ran and finished.
                    app.execute(&format!("update referral set status = 'active' where referral_id = {}", referral.id)).await;
                    app.execute(&format!("update cohort set state = 'running' where cohort_id = {finished_cohort}")).await;
                    app::server::courses::change_state(&app.state.db, app::domain::course::CohortId(finished_cohort), app::domain::course::CohortState::Finished, therapist)
                        .await.unwrap().unwrap();
                }
                let fields: Vec<(&str, String)> = row
                    .fields
                    .iter()
                    .map(|(k, v)| {
                        let v = v
                            .replace("{target}", &target)
                            .replace("{call}", &calls.to_string())
                            .replace("{referral}", &referral.reference)
                            .replace("{own_referral}", &own)
                            .replace("{offered_referral}", &offered)
                            .replace("{seated_referral}", &seated)
                            .replace("{assessed}", &assessed.reference)
                            .replace("{guest}", &guest.to_string())
                            .replace("{kid_session}", &kid_session.to_string())
                            .replace("{course}", &course.0.to_string())
                            .replace("{far_date}", &far_date)
                            .replace("{therapist}", &therapist.to_string())
                            .replace("{fresh_cohort}", &fresh_cohort.to_string())
                            .replace("{finished_cohort}", &finished_cohort.to_string())
                            .replace("{fresh_session}", &fresh_session.to_string())
                            .replace("{fresh_next_day}", &fresh_next_day)
                            .replace("{fresh_seat}", &referral.id.to_string())
                            .replace("{kid_participant}", &kid_participant.to_string());
                        (*k, v)
                    })
                    .collect();
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let response = app.call(client, row.path, &fields).await;
                let status = response.status().as_u16();
                let allowed = row.allowed.contains(who);
                if allowed {
                    assert_eq!(status, 200, "{who:?} must be allowed {}: {}", row.path, response.text().await.unwrap_or_default());
                } else if let Some((expected, says)) = refused_as(row.path, *who) {
                    let body = response.text().await.unwrap_or_default();
                    assert_eq!(status, expected, "{who:?} must be refused {}: {body}", row.path);
                    assert!(body.contains(says), "{who:?} must be refused {} saying {says}: {body}", row.path);
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

    async fn every_route_allows_exactly_whom_the_matrix_says(app: TestApp) {
        let clients = clients(&app).await;
        let referral = crate::board::referral_in(&app, 1, "Kari Nordmann", "9901", 1, 0).await;
        for table in ["referral", "questionnaire_response", "measurement"] {
            app.execute(&format!(
                "update {table} set account_id = (select account_id from account where email = '{}') where referral_id = {}",
                DEMO_CITIZEN.0, referral.id
            ))
            .await;
        }
        let response: i64 = sqlx::query("select questionnaire_response_id from questionnaire_response where referral_id = $1")
            .bind(referral.id)
            .fetch_one(&app.state.db.pool).await.unwrap().try_get(0).unwrap();
        for row in ROUTES {
            let path = row
                .path
                .replace("{response}", &response.to_string())
                .replace("{reference}", &referral.reference);
            for (who, client) in &clients {
                let mut request = client.get(app.url(&path)).header("origin", app.address.clone());
                if row.socket {
                    request = request
                        .header("connection", "upgrade")
                        .header("upgrade", "websocket")
                        .header("sec-websocket-version", "13")
                        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
                }
                let status = request.send().await.unwrap().status().as_u16();
                if row.allowed.contains(who) {
                    let expected = if row.socket { 101 } else { 200 };
                    assert_eq!(status, expected, "{who:?} must be allowed {path}");
                } else {
                    assert!(matches!(status, 401 | 403 | 404), "{who:?} must be refused {path} (got {status})");
                }
            }
        }
    }

    async fn a_group_is_listed_and_offered_only_within_its_service(app: TestApp) {
        let clients = clients(&app).await;
        let client = |who: Who| &clients.iter().find(|(w, _)| *w == who).unwrap().1;
        let account = |email: &'static str| {
            let db = app.state.db.clone();
            async move { app::server::accounts::id_by_email(&db, email).await.unwrap().unwrap() }
        };
        let y: i64 = sqlx::query("select service_id from service where slug = 'y'")
            .fetch_one(&app.state.db.pool).await.unwrap().try_get("service_id").unwrap();
        // Y's lead adds a course to Y's catalogue.
        let saved = app
            .call(client(LeadY), "/api/course/save", &[
                ("course", "0"), ("name", "Kurs i søvn"), ("description", "Fire samlinger om søvn."), ("suits", "Deg som sover dårlig."),
                ("weekly", "4"), ("follow_ups", "0"), ("follow_up_weeks", "4"), ("minutes", "90"), ("format", "video"), ("capacity", "10"),
            ])
            .await;
        assert_eq!(saved.status(), 200);
        // The groups list: X's groups (cohort 1 and the open one, both led by the demo
        // therapist) to their leader and X's lead; none to X's other therapist, or to Y's.
        let open: i64 = crate::board::open_cohort_id(&app).await.parse().unwrap();
        for who in HOSTS_AND_LEADERS {
            let groups: serde_json::Value = app.call(client(*who), "/api/course/groups", &[]).await.json().await.unwrap();
            let mut ids: Vec<i64> = groups.as_array().unwrap().iter().map(|g| g["cohort_id"].as_i64().unwrap()).collect();
            ids.sort();
            if LEADERS_OF_THE_GROUP.contains(who) {
                assert_eq!(ids, [1, open], "{who:?}");
            } else {
                assert!(ids.is_empty(), "{who:?} must see none of X's groups: {ids:?}");
            }
        }
        // The form to start a group: each lead chooses among their own service's courses
        // and therapists and leads only.
        let (y_courses, y_leaders) = group_form(&app, client(LeadY)).await;
        assert!(!y_courses.is_empty());
        assert_eq!(y_courses, course_ids(&app, y).await);
        let mut expected = vec![account("terapeut@y.example").await, account("leder@y.example").await];
        expected.sort();
        assert_eq!(y_leaders, expected);
        let (x_courses, x_leaders) = group_form(&app, client(LeadX)).await;
        assert_eq!(x_courses, course_ids(&app, 1).await);
        assert!(x_courses.iter().all(|c| !y_courses.contains(c)));
        let mut expected = vec![account(DEMO_THERAPIST.0).await, account("terapeut2@demo.example").await, account(DEMO_LEAD.0).await];
        expected.sort();
        assert_eq!(x_leaders, expected);
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

/// Every server function the application registers has a row in the matrix or is
/// listed as open to anyone; so does every route the router adds.
#[test]
fn the_matrix_names_every_server_function_and_route() {
    let mut missing: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| {
            !SERVER_FUNCTIONS.iter().any(|row| row.path == path)
                && !OPEN_TO_ANYONE.contains(&path.as_str())
        })
        .collect();
    let router = include_str!("../../src/startup.rs");
    missing.extend(
        router
            .split(".route(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|path| {
                !ROUTES.iter().any(|row| same_shape(row.path, path)) && !OPEN_ROUTES.contains(path)
            })
            .map(str::to_owned),
    );
    assert!(
        missing.is_empty(),
        "not in the authorisation matrix: {missing:?}"
    );
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    let gone: Vec<&str> = SERVER_FUNCTIONS
        .iter()
        .map(|row| row.path)
        .chain(OPEN_TO_ANYONE.iter().copied())
        .filter(|path| !registered.contains(path))
        .collect();
    assert!(
        gone.is_empty(),
        "listed, but no such server function: {gone:?}"
    );
}

/// Whether a matrix path (with real values) fits a router path (with `{parameters}`).
fn same_shape(concrete: &str, pattern: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (concrete.split('/').collect(), pattern.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x == y || y.starts_with('{'))
}
