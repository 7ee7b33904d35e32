//! Test and benchmark support, not part of the product. A synthetic participant
//! written with the same WebRTC crate: it signs in through the
//! room's WebSocket like a browser, publishes generated audio and video at a chosen
//! bitrate, and counts what it receives. Tests use it to prove what reaches whom; the
//! benchmark uses it to load the SFU harder than browsers on two cores could.
//!
//! Every payload starts with two bytes a VP8 depacketiser reads (RFC 7741's payload
//! descriptor, and the frame header's keyframe bit on a frame's first packet), so the
//! SFU sees keyframes as in a browser's stream; then the send time (microseconds since
//! the Unix epoch), so the receiver can measure the delay across the SFU. Video payloads
//! then say which frame they belong to and whether it is a keyframe, so the receiver
//! can model a decoder:
//! a frame decodes when all its packets arrived and the decoder has a keyframe since
//! its last loss; after a loss it freezes and asks for a keyframe (PLI) until one
//! arrives, as a browser does. A publisher answers a PLI with a keyframe.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::media_stream::MediaStreamTrack;
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceCandidateInit, RTCIceGatheringState, RTCIceServer,
    RTCIceTransportPolicy, RTCPeerConnectionState, RTCSessionDescription,
};
use webrtc::rtp_transceiver::RtpSender;

use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};

use server::sfu::feedback::{self, Feedback};
use server::sfu::signal::{ClientMessage, Farewell, Member, Quality, ServerMessage};

/// Which way an SDP is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Towards {
    Participant,
    Sfu,
}

/// Rewrites every SDP between the participant and the SFU: how a test puts an
/// impairment relay between them (each side's candidates become the relay's address).
#[derive(Clone)]
pub struct SdpRewrite(pub Arc<RewriteFn>);

pub type RewriteFn = dyn Fn(&str, Towards) -> String + Send + Sync;

impl std::fmt::Debug for SdpRewrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SdpRewrite")
    }
}

/// How a synthetic participant behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// `ws://host:port/rooms/<code>/socket`
    pub url: String,
    /// The session cookie (`name=value`).
    pub cookie: String,
    /// The Origin header a browser on the site would send.
    pub origin: String,
    pub name: String,
    pub audio_only: bool,
    /// Video bitrate in kbit/s; 0 publishes nothing.
    pub video_kbps: u32,
    /// Publish the camera as a browser does, in two simulcast layers: "high" at
    /// `video_kbps` and "low" at a quarter of it (one frame counter for both).
    pub simulcast: bool,
    /// The local address media binds.
    pub bind_ip: IpAddr,
    /// Use the ICE servers the SFU hands out, and only their relays if it says so.
    pub use_offered_ice: bool,
    /// Applied to every SDP both ways (a relay in between), if set.
    pub rewrite_sdp: Option<SdpRewrite>,
}

/// Where the participant is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Connecting,
    Lobby,
    Admitted,
    Connected,
    Gone(Farewell),
    Closed,
}

/// What one received track delivered.
#[derive(Debug, Clone, Default)]
struct TrackCount {
    kind: String,
    packets: u64,
    bytes: u64,
}

/// What a synthetic peer sent and received, shared with its sending and reading tasks.
#[derive(Default)]
pub struct Tally {
    pub sent_packets: AtomicU64,
    pub sent_bytes: AtomicU64,
    /// Keyframe requests that reached this peer's own camera.
    pub keyframe_requests_received: AtomicU64,
    received: Mutex<Received>,
}

#[derive(Default)]
struct Received {
    /// By the sender's stream id (`p<participant>`), then track id.
    tracks: HashMap<(String, String), TrackCount>,
    /// Delays in microseconds, sampled.
    delays: Vec<u64>,
    /// What the modelled decoder made of each sender's video, by stream id.
    decoded: HashMap<String, Decoded>,
}

/// What a modelled video decoder made of one received camera.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    /// Frames decoded.
    pub frames: u64,
    /// Times the picture froze (a frame lost, nothing decodable until a keyframe).
    pub freezes: u64,
    /// How long each freeze lasted, from the loss to the next decoded keyframe.
    pub recoveries: Vec<Duration>,
    /// Keyframe requests sent.
    pub keyframe_requests: u64,
    /// Whether the picture is frozen now.
    pub frozen: bool,
}

impl Tally {
    /// Packets received per sender stream and kind ("video"/"audio").
    pub fn received(&self) -> HashMap<(String, String), u64> {
        let tracks = self
            .received
            .lock()
            .map(|r| r.tracks.clone())
            .unwrap_or_default();
        let mut totals = HashMap::new();
        for ((stream, _), count) in tracks {
            *totals.entry((stream, count.kind)).or_insert(0) += count.packets;
        }
        totals
    }

    /// Payload bytes received of one kind ("video"/"audio") from everyone.
    pub fn received_bytes(&self, kind: &str) -> u64 {
        self.received
            .lock()
            .map(|r| {
                r.tracks
                    .values()
                    .filter(|t| t.kind == kind)
                    .map(|t| t.bytes)
                    .sum()
            })
            .unwrap_or(0)
    }

    /// How many distinct tracks have delivered packets.
    pub fn tracks_receiving(&self) -> usize {
        self.received
            .lock()
            .map(|r| r.tracks.values().filter(|t| t.packets > 0).count())
            .unwrap_or(0)
    }

    /// Packets and payload bytes received in all.
    pub fn received_totals(&self) -> (u64, u64) {
        self.received
            .lock()
            .map(|r| {
                r.tracks
                    .values()
                    .fold((0, 0), |(p, b), t| (p + t.packets, b + t.bytes))
            })
            .unwrap_or((0, 0))
    }

    /// What the decoder made of each sender's video, by stream id (`p<participant>`).
    pub fn decoded(&self) -> HashMap<String, Decoded> {
        self.received
            .lock()
            .map(|r| r.decoded.clone())
            .unwrap_or_default()
    }

    /// Takes the delay samples gathered so far.
    pub fn take_delays(&self) -> Vec<u64> {
        self.received
            .lock()
            .map(|mut r| std::mem::take(&mut r.delays))
            .unwrap_or_default()
    }
}

#[derive(Default)]
struct Inbox {
    roster: Vec<Member>,
    lobby: Vec<u32>,
    lobby_enrolled: Vec<Option<bool>>,
    refusals: Vec<String>,
    mute_requests: u32,
    signalling_received: Vec<String>,
    /// Every video quality the SFU told of.
    video_quality: Vec<Quality>,
}

/// A running synthetic participant.
pub struct Participant {
    pub phase: watch::Receiver<Phase>,
    commands: mpsc::UnboundedSender<Command>,
    inbox: Arc<Mutex<Inbox>>,
    pub tally: Arc<Tally>,
    task: tokio::task::JoinHandle<()>,
}

enum Command {
    Send(ClientMessage),
    /// Ask every camera received for a keyframe, as a frozen browser would.
    RequestKeyframes,
    Leave,
}

impl Participant {
    /// Connects and says hello; the participant then waits in the lobby or is let in.
    pub async fn join(options: Options) -> anyhow::Result<Participant> {
        let mut request = options.url.as_str().into_client_request()?;
        request
            .headers_mut()
            .insert("cookie", options.cookie.parse()?);
        request
            .headers_mut()
            .insert("origin", options.origin.parse()?);
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        let (phase_tx, phase) = watch::channel(Phase::Connecting);
        let (commands, command_rx) = mpsc::unbounded_channel();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let tally = Arc::new(Tally::default());
        let task = tokio::spawn(run(
            options,
            socket,
            phase_tx,
            command_rx,
            Arc::clone(&inbox),
            Arc::clone(&tally),
        ));
        Ok(Participant {
            phase,
            commands,
            inbox,
            tally,
            task,
        })
    }

    pub fn send(&self, message: ClientMessage) {
        let _ = self.commands.send(Command::Send(message));
    }

    /// Sends a keyframe request (PLI) for every video track received.
    pub fn request_keyframes(&self) {
        let _ = self.commands.send(Command::RequestKeyframes);
    }

    /// Waits until the phase satisfies `done`, or fails after `limit`.
    pub async fn wait_for(
        &mut self,
        limit: Duration,
        done: impl Fn(&Phase) -> bool,
    ) -> anyhow::Result<Phase> {
        let waited = tokio::time::timeout(limit, self.phase.wait_for(|p| done(p)))
            .await
            .map(|result| result.map(|phase| phase.clone()));
        match waited {
            Ok(Ok(phase)) => Ok(phase),
            Ok(Err(_)) => Ok(self.phase.borrow().clone()),
            Err(_) => anyhow::bail!("still {:?} after {limit:?}", *self.phase.borrow()),
        }
    }

    /// Packets received per sender (`p<id>`) and kind ("video"/"audio").
    pub fn received(&self) -> HashMap<(String, String), u64> {
        self.tally.received()
    }

    pub fn packets_received(&self) -> u64 {
        self.tally.received_totals().0
    }

    pub fn roster(&self) -> Vec<Member> {
        self.inbox
            .lock()
            .map(|i| i.roster.clone())
            .unwrap_or_default()
    }

    /// The lobby as a host sees it.
    pub fn lobby(&self) -> Vec<u32> {
        self.inbox
            .lock()
            .map(|i| i.lobby.clone())
            .unwrap_or_default()
    }

    /// Whether each waiting person holds a seat, in the lobby's order, as a host sees it.
    pub fn lobby_enrolled(&self) -> Vec<Option<bool>> {
        self.inbox
            .lock()
            .map(|i| i.lobby_enrolled.clone())
            .unwrap_or_default()
    }

    pub fn refusals(&self) -> Vec<String> {
        self.inbox
            .lock()
            .map(|i| i.refusals.clone())
            .unwrap_or_default()
    }

    /// Every video quality told so far ("low", "paused", "full" again).
    pub fn video_quality(&self) -> Vec<Quality> {
        self.inbox
            .lock()
            .map(|i| i.video_quality.clone())
            .unwrap_or_default()
    }

    pub fn mute_requests(&self) -> u32 {
        self.inbox.lock().map(|i| i.mute_requests).unwrap_or(0)
    }

    /// The types of every signalling message received, in order.
    pub fn signalling_received(&self) -> Vec<String> {
        self.inbox
            .lock()
            .map(|i| i.signalling_received.clone())
            .unwrap_or_default()
    }

    /// Leaves the room and waits until the connection is closed.
    pub async fn leave(self) {
        let _ = self.commands.send(Command::Leave);
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }

    /// Drops off without saying goodbye, as a closed laptop would.
    pub fn vanish(self) {
        self.task.abort();
    }
}

/// What a synthetic peer connection reports.
pub enum Event {
    Track(Arc<dyn TrackRemote>),
    State(RTCPeerConnectionState),
    Gathered,
    /// RTCP from the other side about a track this peer sends.
    Feedback(Feedback),
}

struct Handler {
    events: mpsc::UnboundedSender<Event>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.events.send(Event::Track(track));
    }
    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.events.send(Event::State(state));
    }
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.events.send(Event::Gathered);
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Media {
    connection: Arc<dyn PeerConnection>,
    senders: Vec<tokio::task::JoinHandle<()>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
    tracks: Vec<LocalTrack>,
    received: Vec<Arc<dyn TrackRemote>>,
}

/// A track this peer publishes, or one simulcast layer of its camera.
#[derive(Clone)]
pub struct LocalTrack {
    pub track: Arc<TrackLocalStaticRTP>,
    pub kind: RtpCodecKind,
    pub ssrc: u32,
    /// Set by a keyframe request: the next frame is a keyframe.
    pub keyframe: Arc<AtomicBool>,
    /// The simulcast layer's name, sent in the `rid` header extension.
    pub rid: Option<&'static str>,
    /// Set by the first reception report naming this SSRC: from then on the `mid` and
    /// `rid` extensions are left out, as a browser does (the receiver must remember
    /// which layer the SSRC is, across renegotiations too).
    pub acknowledged: Arc<AtomicBool>,
    sender: Arc<dyn RtpSender>,
}

/// Answers a keyframe request for one of `tracks`; true if it named one of them. A
/// reception report acknowledges the SSRC it names.
pub fn on_feedback(tracks: &[LocalTrack], found: Feedback) -> bool {
    let ssrc = match found {
        Feedback::Keyframe { ssrc } => ssrc,
        Feedback::Loss { ssrc, .. } => {
            for local in tracks.iter().filter(|t| t.ssrc == ssrc) {
                local.acknowledged.store(true, Ordering::Relaxed);
            }
            return false;
        }
    };
    let mut named = false;
    for local in tracks.iter().filter(|t| t.ssrc == ssrc) {
        local.keyframe.store(true, Ordering::Relaxed);
        named = true;
    }
    named
}

async fn run(
    options: Options,
    socket: Socket,
    phase: watch::Sender<Phase>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    inbox: Arc<Mutex<Inbox>>,
    tally: Arc<Tally>,
) {
    let (mut write, mut read) = socket.split();
    let hello = ClientMessage::Hello {
        name: options.name.clone(),
        audio_only: options.audio_only,
    };
    if send(&mut write, &hello).await.is_err() {
        let _ = phase.send(Phase::Closed);
        return;
    }
    let (event_tx, mut events) = mpsc::unbounded_channel();
    let mut media: Option<Media> = None;
    let mut offer_pending = false;
    loop {
        tokio::select! {
            frame = read.next() => {
                let Some(Ok(frame)) = frame else { break };
                let Message::Text(text) = frame else { continue };
                let Ok(message) = serde_json::from_str::<ServerMessage>(text.as_str()) else { continue };
                if let Ok(mut inbox) = inbox.lock() {
                    let kind = serde_json::to_value(&message)
                        .ok()
                        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
                        .unwrap_or_default();
                    inbox.signalling_received.push(kind);
                }
                match message {
                    ServerMessage::Lobby { .. } => { let _ = phase.send(Phase::Lobby); }
                    ServerMessage::Admitted { ice_servers, ice_policy, .. } => {
                        let _ = phase.send(Phase::Admitted);
                        match start_media(&options, &ice_servers, &ice_policy, event_tx.clone()).await {
                            Ok(started) => {
                                media = Some(started);
                                offer_pending = true;
                            }
                            Err(error) => {
                                tracing::warn!(error = %error, "synthetic participant could not start media");
                                break;
                            }
                        }
                    }
                    ServerMessage::Answer { sdp } => {
                        let sdp = rewrite(&options, sdp, Towards::Participant);
                        if let Some(media) = &media {
                            if let Ok(answer) = RTCSessionDescription::answer(sdp) {
                                let _ = media.connection.set_remote_description(answer).await;
                            }
                        }
                    }
                    ServerMessage::Offer { sdp } => {
                        let sdp = rewrite(&options, sdp, Towards::Participant);
                        if let Some(media) = &media {
                            if let Ok(answer) = answer_offer(media.connection.as_ref(), sdp).await {
                                let answer = rewrite(&options, answer, Towards::Sfu);
                                let _ = send(&mut write, &ClientMessage::Answer { sdp: answer }).await;
                            }
                        }
                    }
                    ServerMessage::Candidate { candidate } => {
                        if let Some(media) = &media {
                            let _ = media.connection.add_ice_candidate(RTCIceCandidateInit {
                                candidate: candidate.candidate,
                                sdp_mid: candidate.sdp_mid,
                                sdp_mline_index: candidate.sdp_mline_index,
                                username_fragment: candidate.username_fragment,
                                ..Default::default()
                            }).await;
                        }
                    }
                    ServerMessage::Roster { members, lobby, .. } => {
                        if let Ok(mut inbox) = inbox.lock() {
                            inbox.roster = members;
                            inbox.lobby = lobby.iter().map(|w| w.id).collect();
                            inbox.lobby_enrolled = lobby.iter().map(|w| w.enrolled).collect();
                        }
                    }
                    ServerMessage::MuteRequest => {
                        if let Ok(mut inbox) = inbox.lock() { inbox.mute_requests += 1; }
                    }
                    ServerMessage::VideoQuality { quality } => {
                        if let Ok(mut inbox) = inbox.lock() { inbox.video_quality.push(quality); }
                    }
                    ServerMessage::Refused { code } => {
                        if let Ok(mut inbox) = inbox.lock() { inbox.refusals.push(code); }
                    }
                    ServerMessage::Goodbye { reason } => {
                        let _ = phase.send(Phase::Gone(reason));
                        break;
                    }
                }
            }
            event = events.recv() => {
                let Some(event) = event else { continue };
                match event {
                    Event::Gathered if offer_pending => {
                        offer_pending = false;
                        if let Some(media) = &media {
                            if let Some(local) = media.connection.local_description().await {
                                let sdp = rewrite(&options, local.sdp, Towards::Sfu);
                                let _ = send(&mut write, &ClientMessage::Offer { sdp }).await;
                            }
                        }
                    }
                    Event::Gathered => {}
                    Event::Feedback(found) => {
                        if let Some(media) = &media {
                            if on_feedback(&media.tracks, found) {
                                tally.keyframe_requests_received.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    Event::Track(track) => {
                        if let Some(media) = &mut media {
                            media.received.push(Arc::clone(&track));
                            media.readers.push(tokio::spawn(read_track(track, Arc::clone(&tally))));
                        }
                    }
                    Event::State(RTCPeerConnectionState::Connected) => {
                        let _ = phase.send(Phase::Connected);
                        if let Some(media) = &mut media {
                            if media.senders.is_empty() {
                                media.senders = publish(&media.tracks, options.video_kbps, &tally);
                            }
                        }
                    }
                    Event::State(_) => {}
                }
            }
            command = commands.recv() => {
                match command {
                    Some(Command::Send(message)) => { let _ = send(&mut write, &message).await; }
                    Some(Command::RequestKeyframes) => {
                        if let Some(media) = &media {
                            for track in &media.received {
                                if track.kind().await != RtpCodecKind::Video {
                                    continue;
                                }
                                for ssrc in track.ssrcs().await {
                                    let pli = PictureLossIndication { sender_ssrc: 0, media_ssrc: ssrc };
                                    let _ = track.write_rtcp(vec![Box::new(pli)]).await;
                                }
                            }
                        }
                    }
                    Some(Command::Leave) | None => {
                        let _ = send(&mut write, &ClientMessage::Leave).await;
                        break;
                    }
                }
            }
        }
    }
    if let Some(media) = media {
        for task in media.senders.into_iter().chain(media.readers) {
            task.abort();
        }
        let _ = media.connection.close().await;
    }
    let _ = write.close().await;
    phase.send_if_modified(|p| {
        if matches!(p, Phase::Gone(_)) {
            false
        } else {
            *p = Phase::Closed;
            true
        }
    });
}

fn rewrite(options: &Options, sdp: String, towards: Towards) -> String {
    match &options.rewrite_sdp {
        Some(SdpRewrite(rewrite)) => rewrite(&sdp, towards),
        None => sdp,
    }
}

async fn send(
    write: &mut futures::stream::SplitSink<Socket, Message>,
    message: &ClientMessage,
) -> anyhow::Result<()> {
    let text = serde_json::to_string(message)?;
    write.send(Message::text(text)).await?;
    Ok(())
}

async fn start_media(
    options: &Options,
    ice_servers: &[server::sfu::signal::IceServer],
    ice_policy: &str,
    events: mpsc::UnboundedSender<Event>,
) -> anyhow::Result<Media> {
    let mut configuration = RTCConfigurationBuilder::new();
    if options.use_offered_ice {
        configuration = configuration.with_ice_servers(
            ice_servers
                .iter()
                .map(|server| RTCIceServer {
                    urls: server.urls.clone(),
                    username: server.username.clone(),
                    credential: server.credential.clone(),
                })
                .collect(),
        );
        if ice_policy == "relay" {
            configuration = configuration.with_ice_transport_policy(RTCIceTransportPolicy::Relay);
        }
    }
    let connection = connect(options.bind_ip, configuration, events).await?;
    let tracks = if options.video_kbps > 0 {
        add_publishing_tracks(connection.as_ref(), options.simulcast).await?
    } else {
        receive_only(connection.as_ref()).await?;
        Vec::new()
    };
    let offer = connection.create_offer(None).await?;
    connection.set_local_description(offer).await?;
    Ok(Media {
        connection,
        senders: Vec::new(),
        readers: Vec::new(),
        tracks,
        received: Vec::new(),
    })
}

/// A peer connection bound to `bind_ip` that reports to `events`.
pub async fn connect(
    bind_ip: IpAddr,
    configuration: RTCConfigurationBuilder,
    events: mpsc::UnboundedSender<Event>,
) -> anyhow::Result<Arc<dyn PeerConnection>> {
    let mut engine = MediaEngine::default();
    engine.register_default_codecs()?;
    let feedback_to = events.clone();
    let interceptors = feedback::interceptors(
        &mut engine,
        Box::new(move |found| {
            let _ = feedback_to.send(Event::Feedback(found));
        }),
    )?;
    Ok(Arc::new(
        PeerConnectionBuilder::new()
            .with_configuration(configuration.build())
            .with_media_engine(engine)
            .with_setting_engine(feedback::settings())
            .with_interceptor_registry(interceptors)
            .with_handler(Arc::new(Handler { events }))
            .with_udp_addrs(vec![std::net::SocketAddr::new(bind_ip, 0)])
            .build()
            .await?,
    ))
}

/// Adds a VP8 camera (in two simulcast layers if asked) and an Opus microphone track
/// to send.
pub async fn add_publishing_tracks(
    connection: &dyn PeerConnection,
    simulcast: bool,
) -> anyhow::Result<Vec<LocalTrack>> {
    let mut tracks = Vec::new();
    for (kind, codec) in [(RtpCodecKind::Video, vp8()), (RtpCodecKind::Audio, opus())] {
        let rids: Vec<Option<&'static str>> = if simulcast && kind == RtpCodecKind::Video {
            vec![Some("low"), Some("high")]
        } else {
            vec![None]
        };
        let layers: Vec<(Option<&'static str>, u32)> =
            rids.into_iter().map(|rid| (rid, rand::random())).collect();
        let id = layers[0].1;
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            format!("synthetic-{id}"),
            format!("track-{id}"),
            format!("track-{id}"),
            kind,
            layers
                .iter()
                .map(|(rid, ssrc)| RTCRtpEncodingParameters {
                    rtp_coding_parameters: RTCRtpCodingParameters {
                        rid: rid.unwrap_or_default().to_owned(),
                        ssrc: Some(*ssrc),
                        ..Default::default()
                    },
                    codec: codec.clone(),
                    ..Default::default()
                })
                .collect(),
        )));
        let sender = connection
            .add_track(Arc::clone(&track) as Arc<dyn TrackLocal>)
            .await?;
        for (rid, ssrc) in layers {
            tracks.push(LocalTrack {
                track: Arc::clone(&track),
                kind,
                ssrc,
                keyframe: Arc::new(AtomicBool::new(true)),
                rid,
                acknowledged: Arc::new(AtomicBool::new(false)),
                sender: Arc::clone(&sender),
            });
        }
    }
    Ok(tracks)
}

/// Starts sending every track: one task per kind, so a camera's layers share frames.
pub fn publish(
    tracks: &[LocalTrack],
    kbps: u32,
    tally: &Arc<Tally>,
) -> Vec<tokio::task::JoinHandle<()>> {
    [RtpCodecKind::Video, RtpCodecKind::Audio]
        .into_iter()
        .map(|kind| {
            let layers: Vec<LocalTrack> =
                tracks.iter().filter(|t| t.kind == kind).cloned().collect();
            tokio::spawn(generate(layers, kbps, Arc::clone(tally)))
        })
        .collect()
}

/// Receive only: offers one audio and one video section.
async fn receive_only(connection: &dyn PeerConnection) -> anyhow::Result<()> {
    for kind in [RtpCodecKind::Audio, RtpCodecKind::Video] {
        connection
            .add_transceiver_from_kind(
                kind,
                Some(rtc::rtp_transceiver::RTCRtpTransceiverInit {
                    direction: rtc::rtp_transceiver::RTCRtpTransceiverDirection::Recvonly,
                    ..Default::default()
                }),
            )
            .await?;
    }
    Ok(())
}

/// Answers an offer; returns the answer's SDP.
pub async fn answer_offer(connection: &dyn PeerConnection, sdp: String) -> anyhow::Result<String> {
    connection
        .set_remote_description(RTCSessionDescription::offer(sdp)?)
        .await?;
    let answer = connection.create_answer(None).await?;
    connection.set_local_description(answer).await?;
    let Some(local) = connection.local_description().await else {
        anyhow::bail!("no local description after answering");
    };
    Ok(local.sdp)
}

fn vp8() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: "video/VP8".to_owned(),
        clock_rate: 90000,
        channels: 0,
        sdp_fmtp_line: String::new(),
        rtcp_feedback: vec![],
    }
}

fn opus() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: "audio/opus".to_owned(),
        clock_rate: 48000,
        channels: 2,
        sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
        rtcp_feedback: vec![],
    }
}

fn micros_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// Where a payload says what it is: two bytes for a VP8 depacketiser, the 8-byte send
/// stamp, then (video) the frame, whether it is a keyframe, and the packet's place.
const VP8_DESCRIPTOR: usize = 0;
const VP8_HEADER: usize = 1;
const STAMP: usize = 2;
const FLAGS: usize = 10;
const FRAME: usize = 11;
const INDEX: usize = 15;
const COUNT: usize = 16;
const HEADER: usize = 17;
const KEYFRAME: u8 = 1;
/// A keyframe is this many times the packets of a delta frame.
const KEYFRAME_SIZE: usize = 3;
const RID_URI: &str = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
const MID_URI: &str = "urn:ietf:params:rtp-hdrext:sdes:mid";

/// One layer's stream: its track, packet numbering and size.
struct Stream {
    local: LocalTrack,
    sequence: u16,
    timestamp: u32,
    packets_per_frame: usize,
    payload: Vec<u8>,
    extensions: Vec<(u8, bytes::Bytes)>,
}

/// Sends generated packets of one kind: video at `kbps` in 30 frames a second (a
/// keyframe first and whenever one is asked for; a "low" simulcast layer at a quarter of
/// it, with the same frames), audio as 50 packets of 80 bytes a second (32 kbit/s).
/// Counts what it sent in `tally`.
pub async fn generate(layers: Vec<LocalTrack>, kbps: u32, tally: Arc<Tally>) {
    let Some(kind) = layers.first().map(|l| l.kind) else {
        return;
    };
    let video = kind == RtpCodecKind::Video;
    let mut streams = Vec::new();
    for local in layers {
        let (packets_per_frame, size) = if video {
            let kbps = if local.rid == Some("low") {
                kbps / 4
            } else {
                kbps
            };
            let frame_bytes = (kbps as usize * 1000 / 8) / 30;
            let packets = frame_bytes.div_ceil(1100).max(1);
            (packets, (frame_bytes / packets).max(HEADER))
        } else {
            (1, 80)
        };
        // A simulcast layer's SSRC is not in the SDP: the receiver learns it from the
        // `mid` and `rid` header extensions, sent (as a browser does) until a reception
        // report acknowledges the SSRC. The camera is the first section, so its mid is "0".
        let mut extensions = Vec::new();
        if let (Some(rid), Ok(parameters)) = (local.rid, local.sender.get_parameters().await) {
            for (uri, value) in [(MID_URI, "0"), (RID_URI, rid)] {
                let id = parameters
                    .rtp_parameters
                    .header_extensions
                    .iter()
                    .find(|e| e.uri == uri)
                    .map(|e| e.id as u8);
                if let Some(id) = id {
                    extensions.push((id, bytes::Bytes::from_static(value.as_bytes())));
                }
            }
        }
        streams.push(Stream {
            local,
            sequence: rand::random(),
            timestamp: rand::random(),
            packets_per_frame,
            payload: vec![0u8; size.max(STAMP + 8)],
            extensions,
        });
    }
    let period = if video {
        Duration::from_micros(33_333)
    } else {
        Duration::from_millis(20)
    };
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let step = if video { 3000 } else { 960 };
    let mut frame: u32 = 0;
    loop {
        ticker.tick().await;
        for stream in streams.iter_mut() {
            stream.timestamp = stream.timestamp.wrapping_add(step);
            let keyframe = video && stream.local.keyframe.swap(false, Ordering::Relaxed);
            let count = if keyframe {
                stream.packets_per_frame * KEYFRAME_SIZE
            } else {
                stream.packets_per_frame
            };
            for index in 0..count {
                let payload = &mut stream.payload;
                payload[STAMP..STAMP + 8].copy_from_slice(&micros_now().to_be_bytes());
                if video {
                    payload[VP8_DESCRIPTOR] = if index == 0 { 0x10 } else { 0 };
                    payload[VP8_HEADER] = u8::from(!keyframe);
                    payload[FLAGS] = if keyframe { KEYFRAME } else { 0 };
                    payload[FRAME..INDEX].copy_from_slice(&frame.to_be_bytes());
                    payload[INDEX] = index as u8;
                    payload[COUNT] = count as u8;
                }
                let mut packet = rtp::Packet {
                    header: rtp::header::Header {
                        version: 2,
                        marker: index + 1 == count,
                        payload_type: if video { 96 } else { 111 },
                        sequence_number: stream.sequence,
                        timestamp: stream.timestamp,
                        ssrc: stream.local.ssrc,
                        ..Default::default()
                    },
                    payload: bytes::Bytes::copy_from_slice(payload),
                };
                if !stream.local.acknowledged.load(Ordering::Relaxed) {
                    for (id, value) in &stream.extensions {
                        let _ = packet.header.set_extension(*id, value.clone());
                    }
                }
                stream.sequence = stream.sequence.wrapping_add(1);
                if stream.local.track.write_rtp(packet).await.is_err() {
                    return;
                }
                tally.sent_packets.fetch_add(1, Ordering::Relaxed);
                tally
                    .sent_bytes
                    .fetch_add(payload.len() as u64, Ordering::Relaxed);
            }
        }
        frame = frame.wrapping_add(1);
    }
}

/// How long a missing packet may take (NACK and retransmission) before its frame is
/// given up, as a browser's jitter buffer would.
const FRAME_DEADLINE: Duration = Duration::from_millis(250);
/// How often a frozen decoder asks for a keyframe.
const KEYFRAME_REQUEST_INTERVAL: Duration = Duration::from_millis(300);

struct Frame {
    got: Vec<bool>,
    keyframe: bool,
    /// When its first packet arrived.
    first: Instant,
}

/// A model of a video decoder: frames decode in order, a frame needs all its packets,
/// and after a lost frame nothing decodes until a keyframe.
#[derive(Default)]
pub struct Decoder {
    next: Option<u32>,
    frames: BTreeMap<u32, Frame>,
    synced: bool,
    frozen_since: Option<Instant>,
    last_request: Option<Instant>,
    decoded: Decoded,
}

impl Decoder {
    /// Takes one video payload; true when a keyframe should be asked for now.
    pub fn packet(&mut self, now: Instant, payload: &[u8]) -> bool {
        if payload.len() < HEADER {
            return false;
        }
        let mut number = [0u8; 4];
        number.copy_from_slice(&payload[FRAME..INDEX]);
        let number = u32::from_be_bytes(number);
        let (index, count) = (payload[INDEX] as usize, payload[COUNT] as usize);
        if count == 0 || index >= count || self.next.is_some_and(|next| number < next) {
            return self.wants_keyframe(now);
        }
        let frame = self.frames.entry(number).or_insert_with(|| Frame {
            got: vec![false; count],
            keyframe: payload[FLAGS] & KEYFRAME != 0,
            first: now,
        });
        if let Some(slot) = frame.got.get_mut(index) {
            *slot = true;
        }
        self.decode(now);
        self.wants_keyframe(now)
    }

    fn decode(&mut self, now: Instant) {
        loop {
            let Some(next) = self.next.or_else(|| self.frames.keys().next().copied()) else {
                return;
            };
            self.next = Some(next);
            let complete = self
                .frames
                .get(&next)
                .is_some_and(|f| f.got.iter().all(|g| *g));
            if complete {
                let Some(frame) = self.frames.remove(&next) else {
                    return;
                };
                if frame.keyframe {
                    self.synced = true;
                    if let Some(since) = self.frozen_since.take() {
                        self.decoded.recoveries.push(now.duration_since(since));
                    }
                }
                if self.synced {
                    self.decoded.frames += 1;
                }
                self.next = Some(next.wrapping_add(1));
                continue;
            }
            // Frame `next` is incomplete or missing: give it up once a later frame has
            // waited past the deadline.
            let overdue = self
                .frames
                .range(next.wrapping_add(1)..)
                .any(|(_, f)| now.duration_since(f.first) > FRAME_DEADLINE);
            if !overdue {
                return;
            }
            self.frames.remove(&next);
            self.next = Some(next.wrapping_add(1));
            if self.synced {
                self.synced = false;
                self.decoded.freezes += 1;
                self.frozen_since = Some(now);
            }
        }
    }

    fn wants_keyframe(&mut self, now: Instant) -> bool {
        if self.synced {
            return false;
        }
        if self
            .last_request
            .is_some_and(|at| now.duration_since(at) < KEYFRAME_REQUEST_INTERVAL)
        {
            return false;
        }
        self.last_request = Some(now);
        self.decoded.keyframe_requests += 1;
        true
    }

    pub fn decoded(&self) -> Decoded {
        Decoded {
            frozen: !self.synced,
            ..self.decoded.clone()
        }
    }
}

/// Counts a received track's packets in `tally`, with a delay sample every tenth; video
/// goes through a modelled decoder, which asks the sender for keyframes when frozen.
pub async fn read_track(track: Arc<dyn TrackRemote>, tally: Arc<Tally>) {
    let stream = track.stream_id().await;
    let id = track.track_id().await;
    let video = track.kind().await == RtpCodecKind::Video;
    let kind = if video { "video" } else { "audio" }.to_owned();
    let key = (stream.to_string(), id.to_string());
    let mut decoder = Decoder::default();
    let mut count: u64 = 0;
    while let Some(event) = track.poll().await {
        let TrackRemoteEvent::OnRtpPacket(packet) = event else {
            continue;
        };
        count += 1;
        let wants_keyframe = video && decoder.packet(Instant::now(), &packet.payload);
        {
            let Ok(mut received) = tally.received.lock() else {
                return;
            };
            let entry = received
                .tracks
                .entry(key.clone())
                .or_insert_with(|| TrackCount {
                    kind: kind.clone(),
                    ..Default::default()
                });
            entry.packets += 1;
            entry.bytes += packet.payload.len() as u64;
            if count.is_multiple_of(10) && packet.payload.len() >= STAMP + 8 {
                let mut stamp = [0u8; 8];
                stamp.copy_from_slice(&packet.payload[STAMP..STAMP + 8]);
                let sent = u64::from_be_bytes(stamp);
                received.delays.push(micros_now().saturating_sub(sent));
            }
            if video {
                received
                    .decoded
                    .insert(stream.to_string(), decoder.decoded());
            }
        }
        if wants_keyframe {
            let pli = PictureLossIndication {
                sender_ssrc: 0,
                media_ssrc: packet.header.ssrc,
            };
            let _ = track.write_rtcp(vec![Box::new(pli)]).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(frame: u32, index: u8, count: u8, keyframe: bool) -> Vec<u8> {
        let mut p = vec![0u8; HEADER];
        p[FLAGS] = if keyframe { KEYFRAME } else { 0 };
        p[FRAME..INDEX].copy_from_slice(&frame.to_be_bytes());
        p[INDEX] = index;
        p[COUNT] = count;
        p
    }

    #[test]
    fn the_decoder_needs_a_keyframe_first_and_after_every_loss() {
        let mut decoder = Decoder::default();
        let t = Instant::now();
        let ms = |n| t + Duration::from_millis(n);
        // A delta frame first: nothing decodes, a keyframe is asked for.
        assert!(decoder.packet(ms(0), &payload(0, 0, 1, false)));
        assert_eq!(decoder.decoded().frames, 0);
        // The keyframe (two packets) and a delta frame decode.
        assert!(!decoder.packet(ms(200), &payload(1, 0, 2, true)));
        decoder.packet(ms(201), &payload(1, 1, 2, true));
        decoder.packet(ms(230), &payload(2, 0, 1, false));
        assert_eq!(decoder.decoded().frames, 2);
        // Frame 3 loses its packet; frame 4 arrives and waits past the deadline.
        decoder.packet(ms(300), &payload(4, 0, 1, false));
        assert_eq!(decoder.decoded().frames, 2, "frame 4 waits for frame 3");
        assert!(decoder.packet(ms(600), &payload(5, 0, 1, false)));
        let decoded = decoder.decoded();
        assert_eq!(
            (decoded.frames, decoded.freezes, decoded.frozen),
            (2, 1, true)
        );
        // A keyframe ends the freeze.
        decoder.packet(ms(700), &payload(6, 0, 1, true));
        let decoded = decoder.decoded();
        assert_eq!((decoded.frames, decoded.frozen), (3, false));
        assert_eq!(decoded.recoveries, [Duration::from_millis(100)]);
    }

    #[test]
    fn a_late_packet_within_the_deadline_completes_its_frame() {
        let mut decoder = Decoder::default();
        let t = Instant::now();
        let ms = |n| t + Duration::from_millis(n);
        decoder.packet(ms(0), &payload(0, 0, 1, true));
        decoder.packet(ms(30), &payload(1, 0, 2, false));
        decoder.packet(ms(60), &payload(2, 0, 1, false));
        // The retransmission of frame 1's second packet arrives in time.
        decoder.packet(ms(120), &payload(1, 1, 2, false));
        let decoded = decoder.decoded();
        assert_eq!((decoded.frames, decoded.freezes), (3, 0));
    }
}
