//! Video rooms: the lobby, the host's controls, media reaching whom it should (and
//! nobody else), attendance, clean-up, and a call through a TURN relay. The
//! participants are synthetic WebRTC clients from `tests/support/synthetic.rs`, talking
//! to the real server over its WebSocket and to its SFU over UDP.

use std::time::Duration;

use crate::synthetic::{Options, Participant, Phase};
use server::sfu::signal::{ClientMessage, Farewell};
use server::sfu::Snapshot;

use crate::helpers::{TestApp, DEMO_THERAPIST};

pub const WAIT: Duration = Duration::from_secs(15);

/// A media port range of its own for each test, so socket counts are this test's.
fn port_range() -> (u16, u16) {
    let base = 20000 + (rand::random::<u16>() % 150) * 100;
    (base, base + 99)
}

pub struct Scene {
    pub app: TestApp,
    pub room_code: String,
    pub room_id: i64,
    ports: (u16, u16),
}

impl Scene {
    pub async fn new(backend: app::server::Backend, extra: &[(&str, &str)]) -> Scene {
        let ports = port_range();
        let range = format!("{}-{}", ports.0, ports.1);
        let mut settings = vec![("RPH_MEDIA_PORTS", range.as_str())];
        settings.extend_from_slice(extra);
        let app = TestApp::spawn_with(backend, &settings).await;
        let room = app.demo_room("KiD, økt 1").await;
        Scene {
            app,
            room_code: room.code,
            room_id: room.room_id,
            ports,
        }
    }

    pub fn options(&self, cookie: &str, name: &str) -> Options {
        Options {
            url: format!(
                "{}/rooms/{}/socket",
                self.app.address.replacen("http://", "ws://", 1),
                self.room_code
            ),
            cookie: cookie.to_owned(),
            origin: self.app.address.clone(),
            name: name.to_owned(),
            audio_only: false,
            video_kbps: 300,
            simulcast: true,
            bind_ip: [127, 0, 0, 1].into(),
            use_offered_ice: false,
            rewrite_sdp: None,
        }
    }

    pub async fn host(&self) -> Participant {
        let (_, cookie) = self.app.session_cookie(DEMO_THERAPIST).await;
        let mut host = Participant::join(self.options(&cookie, "Terapeut"))
            .await
            .unwrap();
        host.wait_for(WAIT, |p| *p == Phase::Connected)
            .await
            .unwrap();
        host
    }

    pub async fn citizen_cookie(&self, name: &str) -> String {
        let email = format!(
            "{}-{}@example.test",
            name.to_lowercase(),
            rand::random::<u32>()
        );
        self.app
            .create_account(
                &email,
                &format!("{name} Nordmann"),
                "citizen",
                "et langt passord 123",
                None,
            )
            .await;
        let (_, cookie) = self
            .app
            .session_cookie((&email, "et langt passord 123", None))
            .await;
        cookie
    }

    pub async fn citizen(&self, name: &str, audio_only: bool) -> Participant {
        let cookie = self.citizen_cookie(name).await;
        let mut options = self.options(&cookie, name);
        options.audio_only = audio_only;
        let mut participant = Participant::join(options).await.unwrap();
        participant
            .wait_for(WAIT, |p| *p == Phase::Lobby)
            .await
            .unwrap();
        participant
    }

    /// UDP sockets bound in this test's media port range, from the kernel's table.
    fn media_sockets(&self) -> usize {
        let table = std::fs::read_to_string("/proc/net/udp").unwrap_or_default();
        table
            .lines()
            .skip(1)
            .filter_map(|line| {
                let local = line.split_whitespace().nth(1)?;
                let port = u16::from_str_radix(local.split(':').nth(1)?, 16).ok()?;
                Some(port)
            })
            .filter(|port| (self.ports.0..=self.ports.1).contains(port))
            .count()
    }

    pub async fn settled(&self) -> Snapshot {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let snapshot = self.app.sfu.snapshot();
            let empty = snapshot.rooms == 0
                && snapshot.peers == 0
                && snapshot.tasks == 0
                && snapshot.ports_in_use == 0
                && self.media_sockets() == 0;
            if empty || tokio::time::Instant::now() > deadline {
                return snapshot;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The host lets in everyone waiting, once all of them have knocked, and waits until
/// each of them is connected.
pub async fn admit_all(host: &Participant, people: &mut [&mut Participant]) {
    let waiting = people.len();
    eventually("everyone knocks", || host.lobby().len() == waiting).await;
    host.send(ClientMessage::AdmitAll);
    for person in people.iter_mut() {
        person
            .wait_for(WAIT, |p| *p == Phase::Connected)
            .await
            .unwrap();
    }
}

/// Waits until `check` holds, polling; fails with `what` after the limit.
pub async fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn got(participant: &Participant, from: u32, kind: &str) -> u64 {
    participant
        .received()
        .get(&(format!("p{from}"), kind.to_owned()))
        .copied()
        .unwrap_or(0)
}

pub fn id_of(participant: &Participant, name: &str) -> u32 {
    participant
        .roster()
        .iter()
        .find(|m| m.name == name)
        .map(|m| m.id)
        .unwrap_or(0)
}

/// Runs a room test on SQLite and on PostgreSQL, on a runtime with two worker threads
/// (the SFU and its clients share the process).
macro_rules! room_tests {
    ($(async fn $name:ident($backend:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($backend: app::server::Backend) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run(app::server::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run(app::server::Backend::Postgres).await
                }
            }
        )*
    };
}

room_tests! {
    async fn a_person_in_the_lobby_has_no_connection_and_crafted_signalling_gets_no_media(app_backend) {
        let scene = Scene::new(app_backend, &[]).await;
        let host = scene.host().await;
        let waiting = scene.citizen("Kari", false).await;
        eventually("the host sees Kari in the lobby", || host.lobby().len() == 1).await;

        // Crafted media signalling from the lobby: every message is refused.
        waiting.send(ClientMessage::Offer { sdp: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n".into() });
        waiting.send(ClientMessage::Answer { sdp: "v=0\r\n".into() });
        waiting.send(ClientMessage::Candidate { candidate: server::sfu::signal::Candidate {
            candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(), sdp_mid: Some("0".into()),
            sdp_mline_index: Some(0), username_fragment: None } });
        // Nor can someone in the lobby let themselves (or anyone) in.
        waiting.send(ClientMessage::AdmitAll);
        waiting.send(ClientMessage::Admit { id: 2 });
        eventually("five refusals", || waiting.refusals().len() == 5).await;
        assert_eq!(
            waiting.refusals(),
            ["not_admitted", "not_admitted", "not_admitted", "not_host", "not_host"]
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(scene.app.sfu.snapshot().peers, 1, "only the host has a peer connection");
        assert_eq!(waiting.packets_received(), 0);
        let kinds = waiting.signalling_received();
        assert!(
            !kinds.iter().any(|k| k == "answer" || k == "offer" || k == "roster" || k == "admitted"),
            "the lobby got media signalling or the roster: {kinds:?}"
        );
        assert!(got(&host, 2, "video") == 0);
        host.leave().await;
        waiting.leave().await;
    }

    async fn everyone_admitted_receives_everyone_else_and_audio_only_receives_no_video(app_backend) {
        let scene = Scene::new(app_backend, &[]).await;
        let host = scene.host().await;
        let mut kari = scene.citizen("Kari", false).await;
        let mut ola = scene.citizen("Ola", false).await;
        let mut lyd = scene.citizen("Lyd", true).await;
        admit_all(&host, &mut [&mut kari, &mut ola, &mut lyd]).await;
        eventually("four members", || host.roster().len() == 4).await;
        let ids: Vec<u32> = ["Terapeut", "Kari", "Ola", "Lyd"].iter().map(|n| id_of(&host, n)).collect();
        let everyone = [&host, &kari, &ola, &lyd];
        eventually("everyone gets everyone else's audio and video", || {
            everyone.iter().enumerate().all(|(i, receiver)| {
                ids.iter().enumerate().filter(|(j, _)| *j != i).all(|(_, from)| {
                    let audio = got(receiver, *from, "audio") > 5;
                    let video = got(receiver, *from, "video") > 5;
                    // Lyd (index 3) chose audio only.
                    audio && (video || i == 3)
                })
            })
        })
        .await;
        for from in &ids[..3] {
            assert_eq!(got(&lyd, *from, "video"), 0, "audio only received video");
        }
        assert!(
            ids.iter().all(|id| got(&host, *id, "audio") == 0 || *id != ids[0]),
            "nobody receives their own tracks"
        );
        let snapshot = scene.app.sfu.snapshot();
        assert_eq!(snapshot.peers, 4);
        // Each newcomer's first frames need a keyframe: the SFU asked the publishers.
        assert!(snapshot.keyframe_requests >= 3, "{snapshot:?}");

        // Attendance: four admitted people, with join times and nobody left yet.
        let attendance = app::server::rooms::attendance(&scene.app.state.db, scene.room_id).await.unwrap();
        let names: Vec<&str> = attendance.iter().map(|a| a.shown_name.as_str()).collect();
        assert_eq!(names, ["Terapeut", "Kari", "Ola", "Lyd"]);
        assert!(attendance.iter().all(|a| a.joined_at > 0 && a.left_at.is_none()));
        assert!(attendance[0].host && !attendance[1].host);

        for person in [host, kari, ola, lyd] {
            person.leave().await;
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let attendance = app::server::rooms::attendance(&scene.app.state.db, scene.room_id).await.unwrap();
            if attendance.iter().all(|a| a.left_at.is_some_and(|left| left >= a.joined_at)) {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "leaving is not recorded: {attendance:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn the_host_removes_mutes_locks_and_ends_and_the_server_returns_to_its_baseline(app_backend) {
        let scene = Scene::new(app_backend, &[]).await;
        assert_eq!(scene.media_sockets(), 0);
        let host = scene.host().await;
        let mut kari = scene.citizen("Kari", false).await;
        let mut ola = scene.citizen("Ola", false).await;
        admit_all(&host, &mut [&mut kari, &mut ola]).await;
        eventually("three members", || host.roster().len() == 3).await;
        let (kari_id, ola_id) = (id_of(&host, "Kari"), id_of(&host, "Ola"));
        eventually("Ola gets Kari's video", || got(&ola, kari_id, "video") > 5).await;

        // A participant cannot use the host's controls.
        kari.send(ClientMessage::Remove { id: ola_id });
        eventually("refused", || kari.refusals() == ["not_host"]).await;

        host.send(ClientMessage::AskMute { id: kari_id });
        eventually("Kari is asked to mute", || kari.mute_requests() == 1).await;

        host.send(ClientMessage::Remove { id: kari_id });
        let phase = kari.wait_for(WAIT, |p| matches!(p, Phase::Gone(_))).await.unwrap();
        assert_eq!(phase, Phase::Gone(Farewell::Removed));
        // Out of the count as soon as she is told, while her connection still closes.
        assert_eq!(scene.app.sfu.snapshot().peers, 2, "the count lags the removal");
        eventually("Kari is off the roster", || host.roster().len() == 2).await;
        // Her video stops reaching Ola.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = got(&ola, kari_id, "video");
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(got(&ola, kari_id, "video"), before, "a removed person's video still flows");
        assert_eq!(scene.app.sfu.snapshot().peers, 2);

        host.send(ClientMessage::Lock { locked: true });
        eventually("locked", || true).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let cookie = scene.citizen_cookie("Sen").await;
        let mut late = Participant::join(scene.options(&cookie, "Sen")).await.unwrap();
        let phase = late.wait_for(WAIT, |p| matches!(p, Phase::Gone(_))).await.unwrap();
        assert_eq!(phase, Phase::Gone(Farewell::Locked));

        host.send(ClientMessage::End);
        let phase = ola.wait_for(WAIT, |p| matches!(p, Phase::Gone(_))).await.unwrap();
        assert_eq!(phase, Phase::Gone(Farewell::Ended));
        kari.leave().await;
        ola.leave().await;
        host.leave().await;
        late.leave().await;

        let room = app::server::rooms::by_code(&scene.app.state.db, &scene.room_code).await.unwrap().unwrap();
        assert!(room.ended_at.is_some(), "the room is marked ended");
        let snapshot = scene.settled().await;
        assert_eq!(
            (snapshot.rooms, snapshot.peers, snapshot.tasks, snapshot.ports_in_use, scene.media_sockets()),
            (0, 0, 0, 0, 0),
            "something of the room remains: {snapshot:?}"
        );
        // An ended room cannot be entered again.
        let response = scene.app.get(&format!("/rooms/{}/socket", scene.room_code)).await;
        assert_ne!(response.status(), 101);
    }

    async fn a_participant_who_drops_off_is_cleaned_up(app_backend) {
        let scene = Scene::new(app_backend, &[]).await;
        let host = scene.host().await;
        let mut kari = scene.citizen("Kari", false).await;
        admit_all(&host, &mut [&mut kari]).await;
        eventually("two peers", || scene.app.sfu.snapshot().peers == 2).await;
        kari.vanish();
        eventually("Kari's connection is gone", || scene.app.sfu.snapshot().peers == 1).await;
        host.leave().await;
        let snapshot = scene.settled().await;
        assert_eq!((snapshot.rooms, snapshot.peers, snapshot.tasks, scene.media_sockets()), (0, 0, 0, 0), "{snapshot:?}");
    }

    async fn let_in_everyone_enrolled_admits_the_seat_holder_and_not_an_outsider_and_their_attendance_is_recorded(app_backend) {
        let mut scene = Scene::new(app_backend, &[]).await;
        // The first session of the open demo cohort, and a referral of the demo citizen
        // holding a seat in it, offered and not yet active.
        let made = crate::board::referral_in(&scene.app, 1, "Kari Nordmann", "9901", 1, 0).await;
        scene.app.execute(&format!("update referral set status = 'offered', account_id = (select account_id from account where email = '{}') where referral_id = {}", crate::helpers::DEMO_CITIZEN.0, made.id)).await;
        let cohort = app::domain::course::CohortId(crate::board::open_cohort_id(&scene.app).await.parse().unwrap());
        app::server::courses::accept(&scene.app.state.db, cohort, made.id).await.unwrap().unwrap();
        let session = &app::server::courses::sessions(&scene.app.state.db, cohort).await.unwrap()[0];
        scene.room_code = session.room_code.clone().unwrap();
        scene.room_id = app::server::rooms::by_code(&scene.app.state.db, &scene.room_code).await.unwrap().unwrap().room_id;

        let host = scene.host().await;
        let (_, cookie) = scene.app.session_cookie(crate::helpers::DEMO_CITIZEN).await;
        let mut enrolled = Participant::join(scene.options(&cookie, "Kari")).await.unwrap();
        enrolled.wait_for(WAIT, |p| *p == Phase::Lobby).await.unwrap();
        let mut outsider = scene.citizen("Per", false).await;
        eventually("both knock", || host.lobby().len() == 2).await;
        assert_eq!(host.lobby_enrolled(), [Some(true), Some(false)]);

        host.send(ClientMessage::AdmitEnrolled);
        enrolled.wait_for(WAIT, |p| *p == Phase::Connected).await.unwrap();
        eventually("the roster has the host and Kari", || host.roster().len() == 2).await;
        assert_eq!(host.lobby().len(), 1, "the outsider still waits");
        assert!(host.roster().iter().all(|m| m.name != "Per"));

        // Her attendance at the session is recorded, and her referral is active.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let present = app::server::course_attendance::of_cohort(&scene.app.state.db, cohort).await.unwrap();
            if present.iter().any(|p| p.referral_id == made.id && p.session_id == session.session_id && !p.ticked) {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "attendance not recorded: {present:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let status: String = sqlx::Row::try_get(&sqlx::query("select status from referral where referral_id = $1").bind(made.id).fetch_one(&scene.app.state.db.pool).await.unwrap(), "status").unwrap();
        assert_eq!(status, "active");

        // The outsider cannot give the order themselves.
        outsider.send(ClientMessage::AdmitEnrolled);
        eventually("the outsider's order is refused", || outsider.refusals().iter().any(|r| r == "not_host")).await;
        assert_eq!(host.lobby().len(), 1);
        host.send(ClientMessage::DenyAll);
        outsider.wait_for(WAIT, |p| matches!(p, Phase::Gone(Farewell::Denied))).await.unwrap();
        enrolled.leave().await;
        host.leave().await;
    }
}

/// The TURN relay the test scripts start (Debian's coturn on loopback).
fn turn_settings() -> (String, String, String, String) {
    let need = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run the tests with scripts/test, which starts a TURN relay")
        })
    };
    (
        need("TEST_TURN_URL"),
        need("TEST_TURN_USERNAME"),
        need("TEST_TURN_CREDENTIAL"),
        need("TEST_TURN_LOG"),
    )
}

/// Relay allocations coturn has granted so far, from its log.
fn turn_allocations(log_dir: &str) -> usize {
    std::fs::read_dir(log_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("turn"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .map(|log| log.matches("ALLOCATE processed, success").count())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_goes_through_the_turn_relay_when_only_relayed_paths_are_allowed() {
    let (url, username, credential, log) = turn_settings();
    let before = turn_allocations(&log);
    let scene = Scene::new(
        app::server::Backend::Sqlite,
        &[
            ("RPH_ICE_URLS", url.as_str()),
            ("RPH_TURN_USERNAME", username.as_str()),
            ("RPH_TURN_CREDENTIAL", credential.as_str()),
            // Browsers are told to use only the relay: no direct path is tried.
            ("RPH_ICE_POLICY", "relay"),
        ],
    )
    .await;
    let (_, host_cookie) = scene.app.session_cookie(DEMO_THERAPIST).await;
    let mut options = scene.options(&host_cookie, "Terapeut");
    options.use_offered_ice = true;
    let mut host = Participant::join(options).await.unwrap();
    host.wait_for(WAIT, |p| *p == Phase::Connected)
        .await
        .unwrap();

    let cookie = scene.citizen_cookie("Kari").await;
    let mut options = scene.options(&cookie, "Kari");
    options.use_offered_ice = true;
    let mut kari = Participant::join(options).await.unwrap();
    kari.wait_for(WAIT, |p| *p == Phase::Lobby).await.unwrap();
    host.send(ClientMessage::AdmitAll);
    kari.wait_for(WAIT, |p| *p == Phase::Connected)
        .await
        .unwrap();
    eventually("the roster has both", || host.roster().len() == 2).await;
    let (host_id, kari_id) = (id_of(&host, "Terapeut"), id_of(&host, "Kari"));
    eventually("video both ways through the relay", || {
        got(&kari, host_id, "video") > 10 && got(&host, kari_id, "video") > 10
    })
    .await;
    assert!(
        turn_allocations(&log) >= before + 2,
        "both participants allocated a relay"
    );
    host.leave().await;
    kari.leave().await;
}

/// Tries to open the room's socket; the HTTP status of the refusal, or 101.
async fn socket_status(scene: &Scene, code: &str, cookie: Option<&str>, origin: &str) -> u16 {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!(
        "{}/rooms/{code}/socket",
        scene.app.address.replacen("http://", "ws://", 1)
    );
    let mut request = url.into_client_request().unwrap();
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => 101,
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected socket error: {other}"),
    }
}

room_tests! {
    async fn the_room_socket_refuses_strangers_other_sites_and_unknown_rooms(app_backend) {
        let scene = Scene::new(app_backend, &[]).await;
        let cookie = scene.citizen_cookie("Kari").await;
        let own = scene.app.address.clone();
        assert_eq!(socket_status(&scene, &scene.room_code, None, &own).await, 401, "not signed in");
        assert_eq!(
            socket_status(&scene, &scene.room_code, Some(&cookie), "https://evil.example").await,
            403,
            "a page on another site"
        );
        assert_eq!(socket_status(&scene, "finnes-ikke", Some(&cookie), &own).await, 404);
        assert_eq!(socket_status(&scene, &scene.room_code, Some(&cookie), &own).await, 101);
        app::server::rooms::mark_ended(&scene.app.state.db, scene.room_id).await.unwrap();
        assert_eq!(socket_status(&scene, &scene.room_code, Some(&cookie), &own).await, 410, "an ended room");
    }
}

room_tests! {
    async fn a_flood_of_signalling_is_dropped_and_the_room_carries_on(app_backend) {
        let scene = Scene::new(app_backend, &[]).await;
        let host = scene.host().await;
        let mut kari = scene.citizen("Kari", false).await;
        admit_all(&host, &mut [&mut kari]).await;
        eventually("two members", || host.roster().len() == 2).await;
        let rosters = |p: &Participant| p.signalling_received().iter().filter(|k| *k == "roster").count();
        let before = rosters(&host);
        // 500 camera toggles at once: each that passes makes a roster for everyone.
        for i in 0..500 {
            kari.send(ClientMessage::Media { camera: i % 2 == 0, microphone: true });
        }
        eventually("Kari is told she is too fast", || kari.refusals().contains(&"too_many".to_owned())).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let broadcast = rosters(&host) - before;
        assert!(broadcast <= 80, "the host got {broadcast} rosters from a flood of 500");
        // The room still works: the host's controls reach Kari.
        let kari_id = id_of(&host, "Kari");
        host.send(ClientMessage::AskMute { id: kari_id });
        eventually("Kari is asked to mute", || kari.mute_requests() == 1).await;
        host.leave().await;
        kari.leave().await;
    }
}
