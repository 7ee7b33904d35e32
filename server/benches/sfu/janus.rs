//! The same load through Janus's video room (Debian's `janus`, on loopback), driven
//! over its HTTP API: each participant publishes on one peer connection and receives
//! every other publisher on a second (one multistream subscription).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use webrtc::peer_connection::{
    PeerConnection, RTCConfigurationBuilder, RTCPeerConnectionState, RTCSessionDescription,
};

use crate::synthetic::{self, Event, LocalTrack, Tally};

use super::{measure, Figures, VIDEO_KBPS};

const PLUGIN_DIR: &str = "/usr/lib/x86_64-linux-gnu/janus";
const WAIT: Duration = Duration::from_secs(30);

pub struct Janus {
    child: Child,
    url: String,
    http: reqwest::Client,
}

impl Drop for Janus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config(dir: &Path, port: u16) -> anyhow::Result<()> {
    for sub in ["conf", "plugins", "transports", "events", "loggers"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    // Only the video room and the HTTP transport are loaded.
    std::os::unix::fs::symlink(
        format!("{PLUGIN_DIR}/plugins/libjanus_videoroom.so"),
        dir.join("plugins/libjanus_videoroom.so"),
    )?;
    std::os::unix::fs::symlink(
        format!("{PLUGIN_DIR}/transports/libjanus_http.so"),
        dir.join("transports/libjanus_http.so"),
    )?;
    let d = dir.display();
    let ip = super::local_ip();
    std::fs::write(
        dir.join("conf/janus.jcfg"),
        format!(
            "general: {{\n configs_folder = \"{d}/conf\"\n plugins_folder = \"{d}/plugins\"\n transports_folder = \"{d}/transports\"\n events_folder = \"{d}/events\"\n loggers_folder = \"{d}/loggers\"\n debug_level = 2\n session_timeout = 120\n}}\nmedia: {{\n rtp_port_range = \"42000-42999\"\n}}\nnat: {{\n ice_enforce_list = \"{ip}\"\n ignore_mdns = true\n}}\n"
        ),
    )?;
    std::fs::write(
        dir.join("conf/janus.transport.http.jcfg"),
        format!("general: {{\n json = \"plain\"\n base_path = \"/janus\"\n http = true\n port = {port}\n ip = \"127.0.0.1\"\n https = false\n}}\nadmin: {{\n admin_http = false\n}}\n"),
    )?;
    std::fs::write(
        dir.join("conf/janus.plugin.videoroom.jcfg"),
        "general: {\n}\n",
    )?;
    Ok(())
}

/// One Janus session with its event long-poll, events handed out by handle.
struct Session {
    url: String,
    http: reqwest::Client,
    events: tokio::sync::Mutex<HashMap<u64, mpsc::UnboundedReceiver<Value>>>,
    poller: tokio::task::JoinHandle<()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.poller.abort();
    }
}

fn transaction() -> String {
    format!("t{}", rand::random::<u64>())
}

async fn post(http: &reqwest::Client, url: &str, body: Value) -> anyhow::Result<Value> {
    let reply: Value = http.post(url).json(&body).send().await?.json().await?;
    if reply["janus"] == "error" {
        anyhow::bail!("janus refused {body}: {reply}");
    }
    Ok(reply)
}

impl Session {
    async fn open(janus: &Janus, handles: usize) -> anyhow::Result<(Arc<Session>, Vec<u64>)> {
        let reply = post(
            &janus.http,
            &janus.url,
            json!({"janus": "create", "transaction": transaction()}),
        )
        .await?;
        let id = reply["data"]["id"].as_u64().context("session id")?;
        let url = format!("{}/{id}", janus.url);
        let mut ids = Vec::new();
        let mut senders = HashMap::new();
        let mut receivers = HashMap::new();
        for _ in 0..handles {
            let reply = post(
                &janus.http,
                &url,
                json!({"janus": "attach", "plugin": "janus.plugin.videoroom", "transaction": transaction()}),
            )
            .await?;
            let handle = reply["data"]["id"].as_u64().context("handle id")?;
            let (tx, rx) = mpsc::unbounded_channel();
            senders.insert(handle, tx);
            receivers.insert(handle, rx);
            ids.push(handle);
        }
        let poll_url = format!("{url}?maxev=10");
        let http = janus.http.clone();
        let poller = tokio::spawn(async move {
            loop {
                let Ok(response) = http.get(&poll_url).send().await else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                let Ok(value) = response.json::<Value>().await else {
                    continue;
                };
                let list = match value {
                    Value::Array(list) => list,
                    single => vec![single],
                };
                for event in list {
                    if let Some(sender) = event["sender"].as_u64().and_then(|h| senders.get(&h)) {
                        let _ = sender.send(event);
                    }
                }
            }
        });
        Ok((
            Arc::new(Session {
                url,
                http: janus.http.clone(),
                events: tokio::sync::Mutex::new(receivers),
                poller,
            }),
            ids,
        ))
    }

    async fn message(
        &self,
        handle: u64,
        body: Value,
        jsep: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut request = json!({"janus": "message", "transaction": transaction(), "body": body});
        if let Some(jsep) = jsep {
            request["jsep"] = jsep;
        }
        post(&self.http, &format!("{}/{handle}", self.url), request).await
    }

    /// The next plugin event for a handle that carries a JSEP.
    async fn jsep_event(&self, handle: u64) -> anyhow::Result<Value> {
        let mut events = self.events.lock().await;
        let receiver = events.get_mut(&handle).context("unknown handle")?;
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = tokio::time::timeout(left, receiver.recv())
                .await
                .context("no answer from janus")?
                .context("event stream ended")?;
            if event.get("jsep").is_some() {
                return Ok(event);
            }
            if event["plugindata"]["data"]["error"].is_string() {
                anyhow::bail!("janus: {}", event["plugindata"]["data"]["error"]);
            }
        }
    }

    async fn destroy(&self) {
        let _ = post(
            &self.http,
            &self.url,
            json!({"janus": "destroy", "transaction": transaction()}),
        )
        .await;
    }
}

/// A participant: a publishing connection and a subscribing one.
struct Member {
    session: Arc<Session>,
    publisher: Arc<dyn PeerConnection>,
    subscriber: Option<Arc<dyn PeerConnection>>,
    tally: Arc<Tally>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    feed: u64,
    handles: Vec<u64>,
}

/// Drives a connection's events: generators once connected, readers for tracks.
fn drive(
    mut events: mpsc::UnboundedReceiver<Event>,
    tracks: Vec<LocalTrack>,
    tally: Arc<Tally>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tasks = Vec::new();
        let mut started = false;
        while let Some(event) = events.recv().await {
            match event {
                Event::State(RTCPeerConnectionState::Connected) if !started => {
                    started = true;
                    tasks.extend(synthetic::publish(&tracks, VIDEO_KBPS, &tally));
                }
                Event::Feedback(found) => {
                    synthetic::on_feedback(&tracks, found);
                }
                Event::Track(track) => tasks.push(tokio::spawn(synthetic::read_track(
                    track,
                    Arc::clone(&tally),
                ))),
                _ => {}
            }
        }
        for task in tasks {
            task.abort();
        }
    })
}

async fn gathered(events: &mut mpsc::UnboundedReceiver<Event>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, events.recv()).await {
        if matches!(event, Event::Gathered) {
            return;
        }
    }
}

impl Janus {
    pub async fn start(dir: &Path) -> anyhow::Result<Janus> {
        let _ = std::fs::remove_dir_all(dir);
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        config(dir, port)?;
        let log = std::fs::File::create(dir.join("janus.log"))?;
        let child = Command::new("janus")
            .arg("-F")
            .arg(dir.join("conf"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("starting janus")?;
        let janus = Janus {
            child,
            url: format!("http://127.0.0.1:{port}/janus"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(40))
                .build()?,
        };
        let deadline = Instant::now() + WAIT;
        loop {
            if janus
                .http
                .get(format!("{}/info", janus.url))
                .send()
                .await
                .is_ok()
            {
                return Ok(janus);
            }
            anyhow::ensure!(Instant::now() < deadline, "janus did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn run(&self, n: usize) -> anyhow::Result<Figures> {
        let room: u64 = 1000 + n as u64;
        let mut members = Vec::new();
        for i in 0..n {
            let (session, handles) = Session::open(self, 2).await?;
            if i == 0 {
                session
                    .message(
                        handles[0],
                        json!({"request": "create", "room": room, "publishers": 20, "bitrate": 0,
                               "videocodec": "vp8", "audiocodec": "opus", "fir_freq": 0}),
                        None,
                    )
                    .await?;
            }
            let tally = Arc::new(Tally::default());
            let (tx, mut events) = mpsc::unbounded_channel();
            let publisher =
                synthetic::connect(super::local_ip(), RTCConfigurationBuilder::new(), tx).await?;
            let tracks = synthetic::add_publishing_tracks(publisher.as_ref(), false).await?;
            let offer = publisher.create_offer(None).await?;
            publisher.set_local_description(offer).await?;
            gathered(&mut events).await;
            let sdp = publisher.local_description().await.context("offer")?.sdp;
            session
                .message(
                    handles[0],
                    json!({"request": "joinandconfigure", "room": room, "ptype": "publisher",
                           "display": format!("P{i}"), "audio": true, "video": true}),
                    Some(json!({"type": "offer", "sdp": sdp})),
                )
                .await?;
            let event = session.jsep_event(handles[0]).await?;
            let feed = event["plugindata"]["data"]["id"]
                .as_u64()
                .context("feed id")?;
            let answer = event["jsep"]["sdp"]
                .as_str()
                .context("answer sdp")?
                .to_owned();
            publisher
                .set_remote_description(RTCSessionDescription::answer(answer)?)
                .await?;
            let task = drive(events, tracks, Arc::clone(&tally));
            members.push(Member {
                session,
                publisher,
                subscriber: None,
                tally,
                tasks: vec![task],
                feed,
                handles,
            });
        }
        // A feed can be subscribed to once its publisher's connection is up (sending).
        let deadline = Instant::now() + WAIT;
        while !members.iter().all(|m| {
            m.tally
                .sent_packets
                .load(std::sync::atomic::Ordering::Relaxed)
                > 0
        }) {
            anyhow::ensure!(
                Instant::now() < deadline,
                "janus: publishers did not connect"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Everyone subscribes to every other publisher.
        let feeds: Vec<u64> = members.iter().map(|m| m.feed).collect();
        for member in &mut members {
            let streams: Vec<Value> = feeds
                .iter()
                .filter(|f| **f != member.feed)
                .map(|f| json!({"feed": f}))
                .collect();
            if streams.is_empty() {
                continue;
            }
            let handle = member.handles[1];
            member
                .session
                .message(handle, json!({"request": "join", "room": room, "ptype": "subscriber", "streams": streams}), None)
                .await?;
            let event = member.session.jsep_event(handle).await?;
            let offer = event["jsep"]["sdp"]
                .as_str()
                .context("subscriber offer")?
                .to_owned();
            let (tx, mut events) = mpsc::unbounded_channel();
            let subscriber =
                synthetic::connect(super::local_ip(), RTCConfigurationBuilder::new(), tx).await?;
            subscriber
                .set_remote_description(RTCSessionDescription::offer(offer)?)
                .await?;
            let answer = subscriber.create_answer(None).await?;
            subscriber.set_local_description(answer).await?;
            gathered(&mut events).await;
            let sdp = subscriber.local_description().await.context("answer")?.sdp;
            member
                .session
                .message(
                    handle,
                    json!({"request": "start", "room": room}),
                    Some(json!({"type": "answer", "sdp": sdp})),
                )
                .await?;
            member
                .tasks
                .push(drive(events, Vec::new(), Arc::clone(&member.tally)));
            member.subscriber = Some(subscriber);
        }
        let deadline = Instant::now() + WAIT;
        while !members
            .iter()
            .all(|m| m.tally.tracks_receiving() == 2 * (n - 1))
        {
            anyhow::ensure!(
                Instant::now() < deadline,
                "janus: not everyone receives everyone"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let tallies: Vec<Arc<Tally>> = members.iter().map(|m| Arc::clone(&m.tally)).collect();
        let figures = measure(n, self.child.id(), &tallies, n).await;
        for member in members {
            for task in &member.tasks {
                task.abort();
            }
            let _ = member.publisher.close().await;
            if let Some(subscriber) = &member.subscriber {
                let _ = subscriber.close().await;
            }
            member.session.destroy().await;
        }
        Ok(figures)
    }
}
