//! One admitted participant's peer connection: it receives their camera and microphone
//! and sends them everyone else's tracks. A single task owns the connection and does
//! one negotiation at a time; every later offer comes from the server, so browser and
//! server never offer at once.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::media_stream::MediaStreamTrack;
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCIceCandidateInit, RTCIceGatheringState, RTCPeerConnectionState, RTCSessionDescription,
};
use webrtc::rtp_transceiver::RtpSender;

use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodingParameters, RTCRtpEncodingParameters};
use rtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};

use super::downlink::Downlink;
use super::feedback::{self, Feedback};
use super::forward::{self, Publication, PublicationId, Rewrite, Sink};
use super::layers::{self, SharedQuality};
use super::ports::PortLease;
use super::signal::{Candidate, ParticipantId, Quality, ServerMessage};
use super::stats::TaskGuard;
use super::Shared;

/// How long the first answer waits for the server's own candidates.
const GATHER_WAIT: Duration = Duration::from_secs(2);
/// How long a stopped track's packets already handed to the connection may take to go
/// out before the track is removed (removing it first logs an error per packet).
const DRAIN_WAIT: Duration = Duration::from_millis(100);
/// How often the peer task looks at the time (ends of video pauses and trials).
const TICK: Duration = Duration::from_millis(250);

/// What a peer task is asked to do, by the room or by its own connection.
pub enum PeerCommand {
    /// The browser's one offer.
    Offer(String),
    /// The browser's answer to the server's latest offer.
    Answer(String),
    Candidate(Candidate),
    /// Send this track to the participant.
    Subscribe(Arc<Publication>),
    /// Stop sending this track.
    Unsubscribe(PublicationId),
    Close,
    // From the connection itself.
    Track(Arc<dyn TrackRemote>),
    State(RTCPeerConnectionState),
    Gathered,
    /// RTCP from the participant about a track sent to them.
    Feedback(Feedback),
}

/// The room's grip on a peer task.
pub struct PeerHandle {
    commands: mpsc::UnboundedSender<PeerCommand>,
    task: JoinHandle<()>,
    /// Counts the connection among the SFU's peers for as long as the room holds it.
    _counted: TaskGuard,
}

impl PeerHandle {
    pub fn send(&self, command: PeerCommand) {
        let _ = self.commands.send(command);
    }

    /// Closes the connection. It leaves the peer count at once, so the count is exact
    /// when the leave is acknowledged; its sockets and task go in the background (the
    /// task stays among the SFU's tasks until they have), so the room never waits for
    /// a closing connection, however slow the machine.
    pub fn close(self) {
        let PeerHandle {
            commands,
            mut task,
            _counted,
        } = self;
        drop(_counted);
        let _ = commands.send(PeerCommand::Close);
        tokio::spawn(async move {
            if tokio::time::timeout(CLOSE_WAIT, &mut task).await.is_err() {
                tracing::warn!("a peer task did not close in time; aborting it");
                task.abort();
            }
        });
    }
}

/// How long a closing connection may take before its task is aborted.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

struct Handler {
    commands: mpsc::UnboundedSender<PeerCommand>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.commands.send(PeerCommand::Track(track));
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.commands.send(PeerCommand::State(state));
    }

    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.commands.send(PeerCommand::Gathered);
        }
    }
}

/// What a peer task tells its room.
pub enum PeerReport {
    /// The participant's camera or microphone arrived.
    Published {
        from: ParticipantId,
        publication: Arc<Publication>,
    },
    /// The connection failed for good.
    Failed { from: ParticipantId },
}

/// Everything a peer task needs from its room.
pub struct PeerContext {
    pub shared: Arc<Shared>,
    pub me: ParticipantId,
    /// Hands a report to the room (never blocks).
    pub report: Box<dyn Fn(PeerReport) + Send + Sync>,
    pub out: mpsc::Sender<ServerMessage>,
}

/// Starts a peer task. No connection exists until this is called, which only happens
/// for admitted participants.
pub async fn start(context: PeerContext) -> anyhow::Result<PeerHandle> {
    let (commands, receiver) = mpsc::unbounded_channel();
    let (connection, lease) = connect(&context.shared, commands.clone()).await?;
    let counted = TaskGuard::peer(&context.shared.stats);
    let guard = TaskGuard::task(&context.shared.stats);
    let peer = Peer {
        context,
        connection,
        _lease: lease,
        _guard: guard,
        first: First::WaitingForOffer,
        awaiting_answer: false,
        again: false,
        connected: false,
        waiting: Vec::new(),
        subscriptions: HashMap::new(),
        downlink: Downlink::default(),
        quality: Arc::new(SharedQuality::default()),
    };
    let task = tokio::spawn(peer.run(receiver));
    Ok(PeerHandle {
        commands,
        task,
        _counted: counted,
    })
}

async fn connect(
    shared: &Shared,
    commands: mpsc::UnboundedSender<PeerCommand>,
) -> anyhow::Result<(Arc<dyn PeerConnection>, PortLease)> {
    let mut last_error = None;
    // Another process (or another server in the same test run) may hold a port.
    for _ in 0..16 {
        let Some(lease) = shared.ports.lease() else {
            anyhow::bail!("no free media port in the configured range");
        };
        let mut media = MediaEngine::default();
        media.register_default_codecs()?;
        let feedback_to = commands.clone();
        let interceptors = feedback::interceptors(
            &mut media,
            Box::new(move |found| {
                let _ = feedback_to.send(PeerCommand::Feedback(found));
            }),
        )?;
        let built = PeerConnectionBuilder::new()
            .with_media_engine(media)
            .with_setting_engine(feedback::settings())
            .with_interceptor_registry(interceptors)
            .with_handler(Arc::new(Handler {
                commands: commands.clone(),
            }))
            .with_udp_addrs(vec![SocketAddr::new(shared.config.ip, lease.port())])
            .build()
            .await;
        match built {
            Ok(connection) => return Ok((Arc::new(connection), lease)),
            // Someone else holds this port: try the next one.
            Err(error) => last_error = Some(error),
        }
    }
    Err(anyhow::anyhow!(
        "could not bind a media port: {last_error:?}"
    ))
}

#[derive(Debug, PartialEq, Eq)]
enum First {
    WaitingForOffer,
    Gathering,
    Answered,
}

struct Subscription {
    publication: Arc<Publication>,
    track: Arc<TrackLocalStaticRTP>,
    sender: Arc<dyn RtpSender>,
    ssrc: u32,
    /// Part of an offer the browser has answered.
    negotiated: bool,
    /// Part of the offer waiting for an answer.
    offered: bool,
    /// Its publication writes to it.
    forwarding: bool,
}

struct Peer {
    context: PeerContext,
    connection: Arc<dyn PeerConnection>,
    _lease: PortLease,
    _guard: TaskGuard,
    first: First,
    awaiting_answer: bool,
    /// Something changed while an offer was out: offer again after the answer.
    again: bool,
    connected: bool,
    /// Subscriptions asked for before the first answer.
    waiting: Vec<Arc<Publication>>,
    subscriptions: HashMap<PublicationId, Subscription>,
    /// Whether this participant's connection can take video now.
    downlink: Downlink,
    /// Shared with every publication this participant receives: the layer of each
    /// camera they get, or none.
    quality: Arc<SharedQuality>,
}

impl Peer {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<PeerCommand>) {
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            let command = if self.first == First::Gathering {
                match tokio::time::timeout(GATHER_WAIT, commands.recv()).await {
                    Ok(command) => command,
                    Err(_) => Some(PeerCommand::Gathered),
                }
            } else {
                tokio::select! {
                    command = commands.recv() => command,
                    _ = ticker.tick() => {
                        let change = self.downlink.tick(Instant::now());
                        self.apply(change).await;
                        continue;
                    }
                }
            };
            let Some(command) = command else { break };
            let result = match command {
                PeerCommand::Close => break,
                command => self.handle(command).await,
            };
            if let Err(error) = result {
                tracing::warn!(participant = self.context.me, error = %error, "signalling failed");
                self.refuse("negotiation_failed");
            }
        }
        self.shut_down().await;
    }

    async fn handle(&mut self, command: PeerCommand) -> anyhow::Result<()> {
        match command {
            PeerCommand::Offer(sdp) => {
                if self.first != First::WaitingForOffer {
                    // The browser offers once; later offers come from the server.
                    self.refuse("unexpected_offer");
                    return Ok(());
                }
                self.connection
                    .set_remote_description(RTCSessionDescription::offer(sdp)?)
                    .await?;
                let answer = self.connection.create_answer(None).await?;
                self.connection.set_local_description(answer).await?;
                self.first = First::Gathering;
            }
            PeerCommand::Gathered => {
                if self.first == First::Gathering {
                    self.first = First::Answered;
                    if let Some(answer) = self.connection.local_description().await {
                        self.say(ServerMessage::Answer { sdp: answer.sdp });
                    }
                    for publication in std::mem::take(&mut self.waiting) {
                        self.subscribe(publication).await?;
                    }
                }
            }
            PeerCommand::Answer(sdp) => {
                if !self.awaiting_answer {
                    self.refuse("unexpected_answer");
                    return Ok(());
                }
                self.connection
                    .set_remote_description(RTCSessionDescription::answer(sdp)?)
                    .await?;
                self.awaiting_answer = false;
                for subscription in self.subscriptions.values_mut() {
                    if subscription.offered {
                        subscription.offered = false;
                        subscription.negotiated = true;
                    }
                }
                self.start_forwarding().await;
                if self.again {
                    self.offer().await?;
                }
            }
            PeerCommand::Candidate(candidate) => {
                self.connection
                    .add_ice_candidate(RTCIceCandidateInit {
                        candidate: candidate.candidate,
                        sdp_mid: candidate.sdp_mid,
                        sdp_mline_index: candidate.sdp_mline_index,
                        username_fragment: candidate.username_fragment,
                        ..Default::default()
                    })
                    .await?;
            }
            PeerCommand::Subscribe(publication) => {
                if self.first == First::Answered {
                    self.subscribe(publication).await?;
                } else {
                    self.waiting.push(publication);
                }
            }
            PeerCommand::Unsubscribe(id) => {
                self.waiting.retain(|publication| publication.id != id);
                if let Some(subscription) = self.subscriptions.remove(&id) {
                    self.stop(subscription).await;
                    self.offer().await?;
                }
            }
            PeerCommand::Track(remote) => self.publish(remote).await,
            PeerCommand::State(state) => match state {
                RTCPeerConnectionState::Connected => {
                    self.connected = true;
                    self.start_forwarding().await;
                }
                RTCPeerConnectionState::Failed => {
                    (self.context.report)(PeerReport::Failed {
                        from: self.context.me,
                    });
                }
                _ => {}
            },
            PeerCommand::Feedback(found) => self.feedback(found).await,
            PeerCommand::Close => {}
        }
        Ok(())
    }

    /// The participant's keyframe requests go to the publisher of the track they name;
    /// their loss reports on video decide whether their connection can take video.
    async fn feedback(&mut self, found: Feedback) {
        match found {
            Feedback::Keyframe { ssrc } => {
                if let Some(subscription) = self.subscription_by_ssrc(ssrc) {
                    let publication = Arc::clone(&subscription.publication);
                    publication.request_keyframe_for(self.context.me).await;
                }
            }
            Feedback::Loss {
                ssrc,
                fraction_lost,
            } => {
                let video = self
                    .subscription_by_ssrc(ssrc)
                    .is_some_and(|s| s.publication.is_video() && s.forwarding);
                if video {
                    let layered = self.subscriptions.values().any(|s| {
                        s.forwarding && s.publication.is_video() && s.publication.layered()
                    });
                    self.downlink.set_layered(layered);
                    let change = self.downlink.report(Instant::now(), fraction_lost);
                    self.apply(change).await;
                }
            }
        }
    }

    fn subscription_by_ssrc(&self, ssrc: u32) -> Option<&Subscription> {
        self.subscriptions.values().find(|s| s.ssrc == ssrc)
    }

    /// Lowers, pauses, raises or resumes the video sent to this participant, and tells
    /// them.
    async fn apply(&mut self, change: Option<Quality>) {
        let Some(quality) = change else { return };
        self.quality.set(quality);
        let stats = &self.context.shared.stats;
        match quality {
            Quality::Paused => stats.video_pauses.fetch_add(1, Ordering::Relaxed),
            Quality::Low => stats.video_lowered.fetch_add(1, Ordering::Relaxed),
            Quality::Full => 0,
        };
        tracing::info!(
            participant = self.context.me,
            ?quality,
            "video quality for this connection"
        );
        self.say(ServerMessage::VideoQuality { quality });
        if quality != Quality::Paused {
            // Every camera starts again, or moves to its other layer, at a keyframe.
            for subscription in self.subscriptions.values() {
                if subscription.forwarding {
                    subscription
                        .publication
                        .request_keyframe_for(self.context.me)
                        .await;
                }
            }
        }
    }

    fn say(&self, message: ServerMessage) {
        let _ = self.context.out.try_send(message);
    }

    fn refuse(&self, code: &str) {
        self.say(ServerMessage::Refused {
            code: code.to_owned(),
        });
    }

    /// The participant's camera or microphone arrived: the room hands it to the others.
    async fn publish(&mut self, remote: Arc<dyn TrackRemote>) {
        let Some(ssrc) = remote.ssrcs().await.first().copied() else {
            tracing::warn!(
                participant = self.context.me,
                "a track arrived without an SSRC"
            );
            return;
        };
        // A camera in simulcast arrives as one track whose layers each have an SSRC.
        let layer = layers::rank(remote.rid(ssrc).await.as_deref());
        let Some(codec) = remote.codec(ssrc).await else {
            tracing::warn!(
                participant = self.context.me,
                ssrc,
                "a track arrived without a codec"
            );
            return;
        };
        let kind = remote.kind().await;
        tracing::debug!(
            participant = self.context.me,
            ssrc,
            ?kind,
            "a track arrived"
        );
        let shared = &self.context.shared;
        let publication = Arc::new(Publication::new(
            shared.next_publication(),
            self.context.me,
            kind,
            codec,
            remote,
            (ssrc, layer),
            Arc::clone(&shared.stats),
        ));
        tokio::spawn(forward::run_publication(
            Arc::clone(&publication),
            TaskGuard::task(&shared.stats),
        ));
        (self.context.report)(PeerReport::Published {
            from: self.context.me,
            publication,
        });
    }

    async fn subscribe(&mut self, publication: Arc<Publication>) -> anyhow::Result<()> {
        if self.subscriptions.contains_key(&publication.id) {
            return Ok(());
        }
        let ssrc = rand::random::<u32>();
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            format!("p{}", publication.owner),
            format!("t{}", publication.id),
            format!("t{}", publication.id),
            publication.kind,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                codec: publication.codec.clone(),
                ..Default::default()
            }],
        )));
        // A section of its own, sending only: never the section the participant publishes
        // on (`add_track` would reuse that one, and a browser's camera section carries
        // its simulcast layers, by which a receiver then reads what arrives there).
        let transceiver = self
            .connection
            .add_transceiver_from_track(
                Arc::clone(&track) as Arc<dyn TrackLocal>,
                Some(RTCRtpTransceiverInit {
                    direction: RTCRtpTransceiverDirection::Sendonly,
                    streams: Vec::new(),
                    send_encodings: Vec::new(),
                }),
            )
            .await?;
        let Some(sender) = transceiver.sender().await? else {
            anyhow::bail!("a sending transceiver without a sender");
        };
        self.subscriptions.insert(
            publication.id,
            Subscription {
                publication,
                track,
                sender,
                ssrc,
                negotiated: false,
                offered: false,
                forwarding: false,
            },
        );
        self.offer().await
    }

    /// Offers the current set of tracks, unless an offer is already out.
    async fn offer(&mut self) -> anyhow::Result<()> {
        if self.first != First::Answered || self.awaiting_answer {
            self.again = true;
            return Ok(());
        }
        self.again = false;
        let offer = self.connection.create_offer(None).await?;
        self.connection.set_local_description(offer).await?;
        let Some(local) = self.connection.local_description().await else {
            anyhow::bail!("no local description after an offer");
        };
        for subscription in self.subscriptions.values_mut() {
            if !subscription.negotiated {
                subscription.offered = true;
            }
        }
        self.awaiting_answer = true;
        self.say(ServerMessage::Offer { sdp: local.sdp });
        Ok(())
    }

    /// Forwards every negotiated track once the connection is up; writing earlier only
    /// floods the log.
    async fn start_forwarding(&mut self) {
        if !self.connected {
            return;
        }
        let me = self.context.me;
        for subscription in self.subscriptions.values_mut() {
            if !subscription.negotiated || subscription.forwarding {
                continue;
            }
            let payload_type = negotiated_payload_type(subscription).await;
            subscription.publication.attach(Sink::new(
                me,
                Arc::clone(&subscription.track),
                Rewrite {
                    ssrc: subscription.ssrc,
                    payload_type,
                },
                Arc::clone(&self.quality),
            ));
            subscription.forwarding = true;
            subscription.publication.request_keyframe_for(me).await;
        }
    }

    /// Stops writing to a track, lets what was written go out, then removes it.
    async fn stop(&mut self, subscription: Subscription) {
        subscription.publication.detach(self.context.me);
        if subscription.forwarding {
            tokio::time::sleep(DRAIN_WAIT).await;
        }
        if let Err(error) = self.connection.remove_track(&subscription.sender).await {
            tracing::debug!(error = %error, "removing a track");
        }
    }

    async fn shut_down(mut self) {
        let subscriptions: Vec<Subscription> = self.subscriptions.drain().map(|(_, s)| s).collect();
        for subscription in subscriptions {
            subscription.publication.detach(self.context.me);
        }
        if let Err(error) = self.connection.close().await {
            tracing::debug!(error = %error, "closing a peer connection");
        }
    }
}

/// The payload type the subscriber's connection agreed for this track's codec.
async fn negotiated_payload_type(subscription: &Subscription) -> u8 {
    let wanted = &subscription.publication.codec;
    if let Ok(parameters) = subscription.sender.get_parameters().await {
        let codecs = &parameters.rtp_parameters.codecs;
        let matching = codecs.iter().find(|codec| {
            codec
                .rtp_codec
                .mime_type
                .eq_ignore_ascii_case(&wanted.mime_type)
        });
        if let Some(codec) = matching.or(codecs.first()) {
            return codec.payload_type;
        }
    }
    if subscription.publication.is_video() {
        96
    } else {
        111
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::sfu::stats::Stats;
    use rtc::peer_connection::configuration::media_engine::MediaEngine as CoreMediaEngine;
    use rtc::peer_connection::{RTCPeerConnection, RTCPeerConnectionBuilder};
    use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};

    fn core_connection() -> RTCPeerConnection {
        let mut media = CoreMediaEngine::default();
        media.register_default_codecs().unwrap();
        RTCPeerConnectionBuilder::new()
            .with_media_engine(media)
            .build(Instant::now())
            .unwrap()
    }

    fn opus() -> RTCRtpCodec {
        RTCRtpCodec {
            mime_type: "audio/opus".to_owned(),
            clock_rate: 48000,
            channels: 2,
            ..Default::default()
        }
    }

    /// An audio track sent from a fixed SSRC, as a browser declares it in its offer.
    fn audio_track(stream: &str, id: &str, ssrc: u32) -> rtc::media_stream::MediaStreamTrack {
        rtc::media_stream::MediaStreamTrack::new(
            stream.to_owned(),
            id.to_owned(),
            id.to_owned(),
            RtpCodecKind::Audio,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                codec: opus(),
                ..Default::default()
            }],
        )
    }

    /// One offer from `offerer` and its answer from `answerer`, both applied.
    fn negotiate(offerer: &mut RTCPeerConnection, answerer: &mut RTCPeerConnection) {
        let offer = offerer.create_offer(None).unwrap();
        offerer
            .set_local_description(Instant::now(), offer.clone())
            .unwrap();
        answerer
            .set_remote_description(Instant::now(), offer)
            .unwrap();
        let answer = answerer.create_answer(None).unwrap();
        answerer
            .set_local_description(Instant::now(), answer.clone())
            .unwrap();
        offerer
            .set_remote_description(Instant::now(), answer)
            .unwrap();
    }

    /// The label of every track the connection receives: the crate gives each new one a
    /// random label, so an unchanged label is the same track.
    fn received_labels(connection: &mut RTCPeerConnection) -> Vec<String> {
        let receivers: Vec<_> = connection.get_receivers().collect();
        let mut labels = Vec::new();
        for id in receivers {
            if let Some(receiver) = connection.rtp_receiver(id) {
                labels.push(receiver.track().label().clone());
            }
        }
        labels
    }

    /// The SFU offers again to a publisher each time someone joins. webrtc-rs replaced
    /// the track the publisher sends on each such answer, forgetting the codec its first
    /// packet had bound; when that fell between the first packet and `on_track`, the
    /// track arrived without a codec and nobody received it (a benchmark room of 13 once
    /// had one person whom no one saw). `vendor/rtc` keeps a track described again with
    /// the same SSRC.
    #[test]
    fn a_renegotiation_keeps_the_track_a_publisher_already_sends() {
        let mut publisher = core_connection();
        let mut sfu = core_connection();
        publisher
            .add_track(audio_track("p1", "microphone", 4242))
            .unwrap();
        // The browser's one offer.
        negotiate(&mut publisher, &mut sfu);
        let before = received_labels(&mut sfu);
        assert_eq!(before.len(), 1, "the SFU receives the microphone");

        // Someone joins: the server offers a track to the publisher, who answers.
        sfu.add_transceiver_from_track(
            audio_track("p2", "t1", 77),
            Some(RTCRtpTransceiverInit {
                direction: RTCRtpTransceiverDirection::Sendonly,
                streams: Vec::new(),
                send_encodings: Vec::new(),
            }),
        )
        .unwrap();
        negotiate(&mut sfu, &mut publisher);

        let after = received_labels(&mut sfu);
        assert!(
            after.contains(&before[0]),
            "the microphone is the same track after the renegotiation: {before:?} then {after:?}"
        );
    }

    /// On a busy machine a connection can take seconds to close. Its room once waited
    /// for that, and the peer count with it: a removed person was told while still
    /// counted (a browser test saw 4 peers where 3 were left).
    #[tokio::test]
    async fn a_closing_connection_leaves_the_count_at_once_and_its_task_when_it_is_done() {
        let stats = Arc::new(Stats::default());
        let (commands, mut received) = mpsc::unbounded_channel();
        let guard = TaskGuard::task(&stats);
        let task = tokio::spawn(async move {
            let _guard = guard;
            assert!(matches!(received.recv().await, Some(PeerCommand::Close)));
            // Closing its sockets takes a while.
            tokio::time::sleep(Duration::from_millis(500)).await;
        });
        let handle = PeerHandle {
            commands,
            task,
            _counted: TaskGuard::peer(&stats),
        };
        assert_eq!(stats.peers.load(Ordering::Relaxed), 1);
        handle.close();
        assert_eq!(
            stats.peers.load(Ordering::Relaxed),
            0,
            "out of the count at once"
        );
        assert_eq!(stats.tasks.load(Ordering::Relaxed), 1, "still closing");
        let deadline = Instant::now() + Duration::from_secs(5);
        while stats.tasks.load(Ordering::Relaxed) > 0 {
            assert!(Instant::now() < deadline, "the closing task never ended");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
