//! The RTCP feedback a media sender must act on — keyframe requests and loss reports
//! from the receiver — tapped from a connection's interceptor chain.
//!
//! webrtc-rs ends inbound RTCP at the end of its interceptor chain: unless an interceptor
//! marks a packet for the application, `TrackLocal::poll` never sees it. Without this
//! tap a browser's PLI (its "I cannot decode, send a keyframe") never reached the SFU,
//! so a subscriber that lost its keyframe stayed without a picture until somebody else
//! joined. The tap reads every inbound RTCP packet by the SSRC it names, rather than by
//! the track the crate would route the whole compound packet to (the first packet's),
//! and hands what it found to the connection's owner. It passes everything on unchanged.

use std::collections::VecDeque;
use std::time::Instant;

use rtc::interceptor::{
    Interceptor, NackGeneratorBuilder, NackResponderBuilder, Packet, Registry, Slot, StreamInfo,
    TaggedPacket,
};
use rtc::peer_connection::configuration::interceptor_registry::{
    configure_rtcp_reports, configure_simulcast_extension_headers, configure_twcc_receiver_only,
};
use rtc::peer_connection::configuration::media_engine::MediaEngine;
use rtc::peer_connection::configuration::setting_engine::{SettingEngine, SettingEngineBuilder};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtcp::receiver_report::ReceiverReport;
use rtc::rtcp::reception_report::ReceptionReport;
use rtc::rtcp::sender_report::SenderReport;
use rtc::rtp_transceiver::rtp_sender::{RTCPFeedback, RtpCodecKind};
use rtc::sansio::Protocol;
use rtc::shared::error::Error;

/// Feedback from the remote about a stream this side sends, named by its SSRC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feedback {
    /// The remote cannot decode this stream until it gets a keyframe (PLI or FIR).
    Keyframe { ssrc: u32 },
    /// The remote's reception report: the fraction of packets lost since its last
    /// report, in 256ths (RFC 3550 §6.4.1).
    Loss { ssrc: u32, fraction_lost: u8 },
}

/// Where the tap delivers. Called on the connection's driver, so it must not block.
pub type Sink = Box<dyn Fn(Feedback) + Send + Sync>;

/// The interceptor: reads inbound RTCP, passes every packet on.
pub struct FeedbackTap {
    sink: Sink,
    reads: VecDeque<TaggedPacket>,
    writes: VecDeque<TaggedPacket>,
}

impl FeedbackTap {
    pub fn new(sink: Sink) -> FeedbackTap {
        FeedbackTap {
            sink,
            reads: VecDeque::new(),
            writes: VecDeque::new(),
        }
    }
}

/// What one RTCP packet says about the streams this side sends.
pub fn read(packet: &dyn rtc::rtcp::Packet) -> Vec<Feedback> {
    let any = packet.as_any();
    if let Some(pli) = any.downcast_ref::<PictureLossIndication>() {
        return vec![Feedback::Keyframe {
            ssrc: pli.media_ssrc,
        }];
    }
    if let Some(fir) = any.downcast_ref::<FullIntraRequest>() {
        return fir
            .fir
            .iter()
            .map(|entry| Feedback::Keyframe { ssrc: entry.ssrc })
            .collect();
    }
    let reports: &[ReceptionReport] = if let Some(rr) = any.downcast_ref::<ReceiverReport>() {
        &rr.reports
    } else if let Some(sr) = any.downcast_ref::<SenderReport>() {
        &sr.reports
    } else {
        &[]
    };
    reports
        .iter()
        .map(|report| Feedback::Loss {
            ssrc: report.ssrc,
            fraction_lost: report.fraction_lost,
        })
        .collect()
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for FeedbackTap {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = Error;
    type Time = Instant;

    fn handle_read(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtcp(packets) = &msg.message.packet {
            for packet in packets {
                for feedback in read(packet.as_ref()) {
                    (self.sink)(feedback);
                }
            }
        }
        self.reads.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<Self::Rout> {
        self.reads.pop_front()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        self.writes.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<Self::Wout> {
        self.writes.pop_front()
    }
}

impl Interceptor for FeedbackTap {
    fn bind_local_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _info: &StreamInfo) {}
    fn bind_remote_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _info: &StreamInfo) {}
}

/// How often one missing packet is asked for again (NACK) before it is given up, as
/// browsers do. Unbounded (the crate's default), a packet that cannot come back is asked
/// for every 100 ms until 512 newer ones have passed: after a stall that was seconds of
/// retransmission storm, on a machine already short of CPU.
pub const NACK_RETRIES: u16 = 10;

/// How many sent packets per stream are kept for retransmission: about two seconds of
/// video. Older ones are no use to a receiver (its picture needs a keyframe by then),
/// and resending seconds of them after a stall only floods a connection that is
/// catching up.
pub const NACK_HISTORY: u16 = 128;

/// How far back a retransmitted packet is still accepted. The crate's default (64
/// packets, about a second of video) made retransmissions after a longer gap look like
/// replays: dropped, asked for again, dropped again. It covers the NACK history.
pub const REPLAY_WINDOW: usize = 1024;

/// The interceptors a media connection needs — NACK both ways with bounded retries,
/// reception and sender reports, transport-wide feedback for what it receives — with
/// the tap after them, so it reads what they have already seen. The same set as the
/// crate's `register_default_interceptors`, but for the retry bound.
pub fn interceptors(media: &mut MediaEngine, sink: Sink) -> rtc::shared::error::Result<Registry> {
    for parameter in ["", "pli"] {
        media.register_feedback(
            RTCPFeedback {
                typ: "nack".to_owned(),
                parameter: parameter.to_owned(),
            },
            RtpCodecKind::Video,
        );
    }
    configure_simulcast_extension_headers(media)?;
    let registry = Registry::new()
        .with(
            Slot::NackResponder,
            NackResponderBuilder::new().with_size(NACK_HISTORY).build(),
        )
        .with(
            Slot::NackGenerator,
            NackGeneratorBuilder::new()
                .with_max_nacks_per_packet(NACK_RETRIES)
                .build(),
        );
    let registry = configure_twcc_receiver_only(registry, media)?;
    let registry = configure_rtcp_reports(registry);
    Ok(registry.with(Slot::from(14_000), FeedbackTap::new(sink)))
}

/// Settings every media connection shares: the replay window above.
pub fn settings() -> SettingEngine {
    SettingEngineBuilder::new()
        .with_srtp_replay_protection_window(REPLAY_WINDOW)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_loss_indication_asks_for_a_keyframe_of_the_stream_it_names() {
        let pli = PictureLossIndication {
            sender_ssrc: 1,
            media_ssrc: 42,
        };
        assert_eq!(read(&pli), [Feedback::Keyframe { ssrc: 42 }]);
    }

    #[test]
    fn a_full_intra_request_asks_for_each_stream_it_lists() {
        let fir = FullIntraRequest {
            sender_ssrc: 1,
            media_ssrc: 0,
            fir: vec![
                rtc::rtcp::payload_feedbacks::full_intra_request::FirEntry {
                    ssrc: 7,
                    sequence_number: 1,
                },
                rtc::rtcp::payload_feedbacks::full_intra_request::FirEntry {
                    ssrc: 8,
                    sequence_number: 1,
                },
            ],
        };
        assert_eq!(
            read(&fir),
            [
                Feedback::Keyframe { ssrc: 7 },
                Feedback::Keyframe { ssrc: 8 }
            ]
        );
    }

    #[test]
    fn a_receiver_report_gives_the_loss_of_every_stream_it_covers() {
        let rr = ReceiverReport {
            ssrc: 1,
            reports: vec![
                ReceptionReport {
                    ssrc: 5,
                    fraction_lost: 64,
                    ..Default::default()
                },
                ReceptionReport {
                    ssrc: 6,
                    fraction_lost: 0,
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(
            read(&rr),
            [
                Feedback::Loss {
                    ssrc: 5,
                    fraction_lost: 64
                },
                Feedback::Loss {
                    ssrc: 6,
                    fraction_lost: 0
                }
            ]
        );
    }

    #[test]
    fn the_tap_passes_every_packet_on() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = std::sync::Arc::clone(&seen);
        let mut tap = FeedbackTap::new(Box::new(move |f| store.lock().unwrap().push(f)));
        let packet = TaggedPacket {
            now: Instant::now(),
            transport: Default::default(),
            message: rtc::interceptor::AttributedPacket::new(Packet::Rtcp(vec![Box::new(
                PictureLossIndication {
                    sender_ssrc: 1,
                    media_ssrc: 9,
                },
            )])),
        };
        tap.handle_read(packet).unwrap();
        assert!(tap.poll_read().is_some(), "the packet went on");
        assert_eq!(*seen.lock().unwrap(), [Feedback::Keyframe { ssrc: 9 }]);
    }
}
