//! Forwarding: one publisher's track fanned out to its subscribers, written straight
//! into each subscriber's connection from the task that reads the publisher.
//!
//! A write that cannot go at once (the subscriber's connection has 256 packets queued
//! already) is dropped, not awaited: a slow subscriber loses packets (and asks for a
//! keyframe to recover); it never makes the others wait, and nothing piles up in
//! memory. Writing directly, rather than through a queue and a task per subscriber,
//! saves a task wake-up and a hand-over per forwarded packet.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};

use super::signal::ParticipantId;
use super::stats::{Stats, TaskGuard};

/// Keyframe requests to one publisher are sent at most this often.
const KEYFRAME_INTERVAL: Duration = Duration::from_millis(500);

/// A publication's id, unique in the process.
pub type PublicationId = u64;

/// One subscriber's copy of a publication.
pub struct Sink {
    pub subscriber: ParticipantId,
    /// The track on the subscriber's connection.
    pub track: Arc<TrackLocalStaticRTP>,
    pub rewrite: Rewrite,
    /// Set while the subscriber's connection is too weak for video: their video
    /// sinks are skipped, their audio flows.
    pub video_paused: Arc<AtomicBool>,
}

/// One track a participant publishes (their camera or their microphone).
pub struct Publication {
    pub id: PublicationId,
    pub owner: ParticipantId,
    pub kind: RtpCodecKind,
    pub codec: RTCRtpCodec,
    remote: Arc<dyn TrackRemote>,
    media_ssrc: u32,
    sinks: Mutex<Vec<Sink>>,
    keyframes: Mutex<Keyframes>,
    stats: Arc<Stats>,
}

/// When the publisher was last asked for a keyframe, and whether another request waits.
#[derive(Default)]
struct Keyframes {
    last: Option<Instant>,
    pending: bool,
}

impl Publication {
    pub fn new(
        id: PublicationId,
        owner: ParticipantId,
        kind: RtpCodecKind,
        codec: RTCRtpCodec,
        remote: Arc<dyn TrackRemote>,
        media_ssrc: u32,
        stats: Arc<Stats>,
    ) -> Publication {
        Publication {
            id,
            owner,
            kind,
            codec,
            remote,
            media_ssrc,
            sinks: Mutex::new(Vec::new()),
            keyframes: Mutex::new(Keyframes::default()),
            stats,
        }
    }

    pub fn is_video(&self) -> bool {
        self.kind == RtpCodecKind::Video
    }

    /// Starts writing packets to a subscriber's track (video only while their
    /// `video_paused` is clear).
    pub fn attach(&self, sink: Sink) {
        if let Ok(mut sinks) = self.sinks.lock() {
            sinks.retain(|s| s.subscriber != sink.subscriber);
            sinks.push(sink);
        }
    }

    /// Stops writing to a subscriber. Once this returns, no write to them is under way.
    pub fn detach(&self, subscriber: ParticipantId) {
        if let Ok(mut sinks) = self.sinks.lock() {
            sinks.retain(|sink| sink.subscriber != subscriber);
        }
    }

    /// Asks the publisher for a keyframe (a newcomer, or a subscriber that lost packets).
    /// Requests closer together than `KEYFRAME_INTERVAL` are merged into one sent when
    /// the interval ends, so a subscriber whose request fell inside it still gets its
    /// keyframe after it started receiving.
    pub async fn request_keyframe(self: &Arc<Self>) {
        if !self.is_video() {
            return;
        }
        let wait = {
            let Ok(mut state) = self.keyframes.lock() else {
                return;
            };
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
            None => self.send_pli().await,
            Some(delay) => {
                let publication = Arc::clone(self);
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    if let Ok(mut state) = publication.keyframes.lock() {
                        state.pending = false;
                        state.last = Some(Instant::now());
                    }
                    publication.send_pli().await;
                });
            }
        }
    }

    async fn send_pli(&self) {
        let pli = PictureLossIndication {
            sender_ssrc: 0,
            media_ssrc: self.media_ssrc,
        };
        if self.remote.write_rtcp(vec![Box::new(pli)]).await.is_ok() {
            self.stats.keyframe_requests.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn fan_out(&self, packet: rtp::Packet) {
        let size = packet.payload.len() as u64 + 12;
        self.stats.packets_in.fetch_add(1, Ordering::Relaxed);
        self.stats.bytes_in.fetch_add(size, Ordering::Relaxed);
        let Ok(sinks) = self.sinks.lock() else {
            return;
        };
        let video = self.is_video();
        let (mut sent, mut dropped) = (0, 0);
        for sink in sinks.iter() {
            if video && sink.video_paused.load(Ordering::Relaxed) {
                continue;
            }
            let mut copy = packet.clone();
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
    }
}

/// Reads a publisher's track until it ends, handing every packet to the subscribers.
pub async fn run_publication(publication: Arc<Publication>, _guard: TaskGuard) {
    while let Some(event) = publication.remote.poll().await {
        match event {
            TrackRemoteEvent::OnRtpPacket(mut packet) => {
                // Once here, so each subscriber's copy carries no extensions to clone.
                packet.header.extension = false;
                packet.header.extensions.clear();
                packet.header.extensions_padding = 0;
                publication.fan_out(packet)
            }
            TrackRemoteEvent::OnEnded => break,
            _ => {}
        }
    }
    if let Ok(mut sinks) = publication.sinks.lock() {
        sinks.clear();
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
