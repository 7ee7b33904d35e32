//! Forwarding: one publisher's track fanned out to its subscribers, written straight
//! into each subscriber's connection from the task that reads the publisher; of a
//! camera published in simulcast layers, each subscriber gets the layer their
//! connection takes ([`super::layers`]).
//!
//! A write that cannot go at once (the subscriber's connection has 256 packets queued
//! already) is dropped, not awaited: a slow subscriber loses packets (and asks for a
//! keyframe to recover); it never makes the others wait, and nothing piles up in
//! memory. Writing directly, rather than through a queue and a task per subscriber,
//! saves a task wake-up and a hand-over per forwarded packet.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};

use super::layers::{self, Decision, Keyframes, SharedQuality, Switch, LAYERS, TOP};
use super::signal::{ParticipantId, Quality};
use super::stats::{Stats, TaskGuard};

/// Keyframe requests to one layer of a publisher are sent at most this often.
const KEYFRAME_INTERVAL: Duration = Duration::from_millis(500);

/// A publication's id, unique in the process.
pub type PublicationId = u64;

/// One subscriber's copy of a publication.
pub struct Sink {
    pub subscriber: ParticipantId,
    /// The track on the subscriber's connection.
    pub track: Arc<TrackLocalStaticRTP>,
    pub rewrite: Rewrite,
    /// How much video the subscriber's connection takes now: the layer they get, or
    /// none (their audio flows regardless).
    pub quality: Arc<SharedQuality>,
    switch: Switch,
}

impl Sink {
    pub fn new(
        subscriber: ParticipantId,
        track: Arc<TrackLocalStaticRTP>,
        rewrite: Rewrite,
        quality: Arc<SharedQuality>,
    ) -> Sink {
        Sink {
            subscriber,
            track,
            rewrite,
            quality,
            switch: Switch::default(),
        }
    }
}

/// What a publication's layer has: the SSRC it arrives under, and when it last sent.
#[derive(Debug, Clone, Copy, Default)]
struct Layer {
    ssrc: Option<u32>,
    last: Option<Instant>,
}

/// The subscribers and the layers, behind one lock taken once per packet.
#[derive(Default)]
struct Fanout {
    sinks: Vec<Sink>,
    layers: [Layer; LAYERS],
}

impl Fanout {
    fn flowing(&self, now: Instant) -> [bool; LAYERS] {
        self.layers.map(|layer| {
            layer
                .last
                .is_some_and(|at| now.duration_since(at) < layers::ACTIVE)
        })
    }
}

/// One track a participant publishes (their camera or their microphone); a camera may
/// arrive as several simulcast layers.
pub struct Publication {
    pub id: PublicationId,
    pub owner: ParticipantId,
    pub kind: RtpCodecKind,
    pub codec: RTCRtpCodec,
    keyframes_in: Keyframes,
    remote: Arc<dyn TrackRemote>,
    fanout: Mutex<Fanout>,
    keyframes: Mutex<[KeyframeRequests; LAYERS]>,
    stats: Arc<Stats>,
}

/// When a layer's publisher was last asked for a keyframe, and whether another request
/// waits.
#[derive(Default, Clone, Copy)]
struct KeyframeRequests {
    last: Option<Instant>,
    pending: bool,
}

impl Publication {
    /// `first_ssrc` is the SSRC the track arrived with, in `first_layer`.
    pub fn new(
        id: PublicationId,
        owner: ParticipantId,
        kind: RtpCodecKind,
        codec: RTCRtpCodec,
        remote: Arc<dyn TrackRemote>,
        (first_ssrc, first_layer): (u32, usize),
        stats: Arc<Stats>,
    ) -> Publication {
        let mut fanout = Fanout::default();
        fanout.layers[first_layer].ssrc = Some(first_ssrc);
        Publication {
            id,
            owner,
            kind,
            keyframes_in: Keyframes::of(&codec.mime_type),
            codec,
            remote,
            fanout: Mutex::new(fanout),
            keyframes: Mutex::new([KeyframeRequests::default(); LAYERS]),
            stats,
        }
    }

    pub fn is_video(&self) -> bool {
        self.kind == RtpCodecKind::Video
    }

    /// Whether this camera arrives in more than one layer now (simulcast, with its low
    /// layer and another flowing).
    pub fn layered(&self) -> bool {
        let now = Instant::now();
        self.fanout
            .lock()
            .is_ok_and(|fanout| fanout.flowing(now).iter().filter(|f| **f).count() > 1)
    }

    /// Starts writing packets to a subscriber's track (video in the layer their quality
    /// allows).
    pub fn attach(&self, sink: Sink) {
        if let Ok(mut fanout) = self.fanout.lock() {
            fanout.sinks.retain(|s| s.subscriber != sink.subscriber);
            fanout.sinks.push(sink);
        }
    }

    /// Stops writing to a subscriber. Once this returns, no write to them is under way.
    pub fn detach(&self, subscriber: ParticipantId) {
        if let Ok(mut fanout) = self.fanout.lock() {
            fanout.sinks.retain(|sink| sink.subscriber != subscriber);
        }
    }

    /// Asks for a keyframe of the layer a subscriber gets (a newcomer, a subscriber that
    /// lost packets, or one whose video resumes).
    pub async fn request_keyframe_for(self: &Arc<Self>, subscriber: ParticipantId) {
        if !self.is_video() {
            return;
        }
        let layer = {
            let Ok(fanout) = self.fanout.lock() else {
                return;
            };
            let now = Instant::now();
            let flowing = fanout.flowing(now);
            fanout
                .sinks
                .iter()
                .find(|sink| sink.subscriber == subscriber)
                .and_then(|sink| {
                    layers::target(sink.quality.get(), flowing).or(sink.switch.layer())
                })
                .unwrap_or(TOP)
        };
        self.request_keyframe(layer).await;
    }

    /// Asks the publisher for a keyframe of one layer (or the nearest one whose SSRC is
    /// known). Requests closer together than `KEYFRAME_INTERVAL` are merged into one sent
    /// when the interval ends, so a subscriber whose request fell inside it still gets
    /// its keyframe after it started receiving.
    async fn request_keyframe(self: &Arc<Self>, layer: usize) {
        let Some(layer) = self.known_layer_near(layer) else {
            // Nothing has arrived yet: the first packets will start a keyframe anyway.
            return;
        };
        let wait = {
            let Ok(mut requests) = self.keyframes.lock() else {
                return;
            };
            let state = &mut requests[layer];
            match state.last {
                Some(at) if at.elapsed() < KEYFRAME_INTERVAL => {
                    if state.pending {
                        return;
                    }
                    state.pending = true;
                    Some(KEYFRAME_INTERVAL - at.elapsed())
                }
                _ => {
                    state.last = Some(Instant::now());
                    None
                }
            }
        };
        match wait {
            None => self.send_pli(layer).await,
            Some(delay) => {
                let publication = Arc::clone(self);
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    if let Ok(mut requests) = publication.keyframes.lock() {
                        requests[layer].pending = false;
                        requests[layer].last = Some(Instant::now());
                    }
                    publication.send_pli(layer).await;
                });
            }
        }
    }

    /// `layer` if its SSRC is known, else the nearest layer whose SSRC is.
    fn known_layer_near(&self, layer: usize) -> Option<usize> {
        let fanout = self.fanout.lock().ok()?;
        (0..LAYERS)
            .filter(|l| fanout.layers[*l].ssrc.is_some())
            .min_by_key(|l| l.abs_diff(layer))
    }

    async fn send_pli(&self, layer: usize) {
        let ssrc = self
            .fanout
            .lock()
            .ok()
            .and_then(|fanout| fanout.layers[layer].ssrc);
        let Some(media_ssrc) = ssrc else {
            return;
        };
        let pli = PictureLossIndication {
            sender_ssrc: 0,
            media_ssrc,
        };
        if self.remote.write_rtcp(vec![Box::new(pli)]).await.is_ok() {
            self.stats.keyframe_requests.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Hands one packet of `layer` to every subscriber that should get it. Returns the
    /// layers (as bits) some subscriber waits for a keyframe of.
    fn fan_out(&self, packet: rtp::Packet, layer: usize, now: Instant) -> u8 {
        let size = packet.payload.len() as u64 + 12;
        self.stats.packets_in.fetch_add(1, Ordering::Relaxed);
        self.stats.bytes_in.fetch_add(size, Ordering::Relaxed);
        let Ok(mut fanout) = self.fanout.lock() else {
            return 0;
        };
        let fanout = &mut *fanout;
        fanout.layers[layer].last = Some(now);
        let flowing = fanout.flowing(now);
        let video = self.is_video();
        let starts_keyframe = video && self.keyframes_in.starts_keyframe(&packet.payload);
        let (mut sent, mut dropped, mut wanted) = (0, 0, 0u8);
        for sink in fanout.sinks.iter_mut() {
            let quality = if video {
                sink.quality.get()
            } else {
                Quality::Full
            };
            let target = layers::target(quality, flowing);
            let before = sink.switch.layer();
            let decision = sink.switch.decide(
                now,
                layer,
                target,
                starts_keyframe,
                self.keyframes_in != Keyframes::Unknown,
                &packet.header,
                self.codec.clock_rate,
            );
            if sink.switch.layer() != before {
                tracing::debug!(publication = self.id, subscriber = sink.subscriber, from = ?before, to = layer, "a subscriber moves to a layer");
            }
            let (sequence, timestamp) = match decision {
                Decision::Forward {
                    sequence,
                    timestamp,
                } => (sequence, timestamp),
                Decision::Skip => continue,
                Decision::WantKeyframe(layer) => {
                    wanted |= 1 << layer;
                    continue;
                }
            };
            let mut copy = packet.clone();
            copy.header.sequence_number = sequence;
            copy.header.timestamp = timestamp;
            sink.rewrite.apply(&mut copy);
            // Ready at once unless the connection's queue is full (or it is closing).
            match sink.track.write_rtp(copy).now_or_never() {
                Some(Ok(())) => sent += 1,
                _ => dropped += 1,
            }
        }
        self.stats.packets_out.fetch_add(sent, Ordering::Relaxed);
        self.stats
            .bytes_out
            .fetch_add(sent * size, Ordering::Relaxed);
        self.stats
            .packets_dropped
            .fetch_add(dropped, Ordering::Relaxed);
        wanted
    }

    /// The layer packets of `ssrc` belong to, learning it from the track's `rid`.
    async fn layer_of(&self, ssrc: u32, rid: Option<&str>) -> usize {
        if let Ok(fanout) = self.fanout.lock() {
            if rid.is_none() {
                if let Some(layer) = fanout.layers.iter().position(|l| l.ssrc == Some(ssrc)) {
                    return layer;
                }
            }
        }
        let rid = match rid {
            Some(rid) => Some(rid.to_owned()),
            None => self.remote.rid(ssrc).await,
        };
        let layer = layers::rank(rid.as_deref());
        tracing::debug!(
            publication = self.id,
            ssrc,
            ?rid,
            layer,
            "a layer of a publication"
        );
        if let Ok(mut fanout) = self.fanout.lock() {
            fanout.layers[layer].ssrc = Some(ssrc);
        }
        layer
    }
}

/// Reads a publisher's track until it ends, handing every packet to the subscribers.
pub async fn run_publication(publication: Arc<Publication>, _guard: TaskGuard) {
    // The last SSRC seen and its layer: packets come in runs of one layer.
    let mut last: Option<(u32, usize)> = None;
    while let Some(event) = publication.remote.poll().await {
        match event {
            TrackRemoteEvent::OnOpen(init) => {
                let layer = publication
                    .layer_of(init.ssrc, Some(init.rid.as_deref().unwrap_or("")))
                    .await;
                last = Some((init.ssrc, layer));
            }
            TrackRemoteEvent::OnRtpPacket(mut packet) => {
                let ssrc = packet.header.ssrc;
                let layer = match last {
                    Some((known, layer)) if known == ssrc => layer,
                    _ => publication.layer_of(ssrc, None).await,
                };
                last = Some((ssrc, layer));
                // Once here, so each subscriber's copy carries no extensions to clone.
                packet.header.extension = false;
                packet.header.extensions.clear();
                packet.header.extensions_padding = 0;
                let wanted = publication.fan_out(packet, layer, Instant::now());
                if wanted != 0 {
                    // Not awaited here: sending RTCP must never hold up forwarding.
                    let publication = Arc::clone(&publication);
                    tokio::spawn(async move {
                        for layer in 0..LAYERS {
                            if wanted & (1 << layer) != 0 {
                                publication.request_keyframe(layer).await;
                            }
                        }
                    });
                }
            }
            TrackRemoteEvent::OnEnded => break,
            _ => {}
        }
    }
    if let Ok(mut fanout) = publication.fanout.lock() {
        fanout.sinks.clear();
    }
}

/// How a forwarded packet must look to the subscriber's connection: the SSRC and payload
/// type it negotiated. Header extensions are dropped, because their ids are negotiated
/// per connection and a wrong id makes the packet vanish silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rewrite {
    pub ssrc: u32,
    pub payload_type: u8,
}

impl Rewrite {
    pub fn apply(&self, packet: &mut rtp::Packet) {
        packet.header.ssrc = self.ssrc;
        packet.header.payload_type = self.payload_type;
        packet.header.extension = false;
        packet.header.extensions.clear();
        packet.header.extensions_padding = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_sets_the_subscribers_ssrc_and_payload_type_and_drops_extensions() {
        let mut packet = rtp::Packet::default();
        packet.header.ssrc = 1;
        packet.header.payload_type = 100;
        packet.header.extension = true;
        packet.header.extensions.push(rtp::header::Extension {
            id: 3,
            payload: bytes::Bytes::from_static(&[1, 2]),
        });
        Rewrite {
            ssrc: 42,
            payload_type: 96,
        }
        .apply(&mut packet);
        assert_eq!(packet.header.ssrc, 42);
        assert_eq!(packet.header.payload_type, 96);
        assert!(!packet.header.extension);
        assert!(packet.header.extensions.is_empty());
    }
}
