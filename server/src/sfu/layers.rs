//! Simulcast: a camera published as several layers (a small picture and a full one),
//! and, for each subscriber, the one layer their connection can take.
//!
//! A browser publishing simulcast sends each layer as an RTP stream of its own (its own
//! SSRC, named by a `rid`), all through one track. A subscriber still receives one
//! stream per camera, under one SSRC: the SFU forwards one layer at a time and moves to
//! another only at a keyframe of that layer, renumbering sequence numbers and
//! timestamps so that the subscriber's decoder sees one continuous stream. A layer the
//! publisher stopped sending (a browser drops its top layer when its own uplink is
//! short) is not chosen; a subscriber on it moves to one still flowing.
//!
//! Pure state, fed with the time: forwarding holds one [`Switch`] per subscriber.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use rtc::rtp;

use super::signal::Quality;

/// Layers a publication can have: 0 is the smallest picture. A camera published without
/// simulcast is one layer, the top one.
pub const LAYERS: usize = 3;
pub const TOP: usize = LAYERS - 1;

/// A layer that sent nothing for this long is not flowing (the publisher stopped it).
pub const ACTIVE: Duration = Duration::from_secs(1);

/// How long a subscriber waits for a keyframe of the layer it should move to before it
/// moves anyway (for a codec whose keyframes this module cannot see; the decoder then
/// asks for one itself).
pub const SWITCH_WAIT: Duration = Duration::from_secs(2);

/// A layer's place, from the `rid` the publisher named it by: the browser client
/// publishes "low" and "high"; other common names are understood too.
pub fn rank(rid: Option<&str>) -> usize {
    match rid.map(str::to_ascii_lowercase).as_deref() {
        Some("low" | "l" | "q" | "quarter") => 0,
        Some("mid" | "m" | "half") => 1,
        _ => TOP,
    }
}

/// The layer a subscriber should get, given how much video their connection takes and
/// which layers are flowing: the top flowing layer for full quality, the lowest for low,
/// none while paused.
pub fn target(quality: Quality, flowing: [bool; LAYERS]) -> Option<usize> {
    match quality {
        Quality::Paused => None,
        Quality::Low => (0..LAYERS).find(|&layer| flowing[layer]),
        Quality::Full => (0..LAYERS).rev().find(|&layer| flowing[layer]),
    }
}

/// One receiver's video quality, shared by every publication it receives and set by its
/// peer task.
#[derive(Debug)]
pub struct SharedQuality(AtomicU8);

impl Default for SharedQuality {
    fn default() -> SharedQuality {
        SharedQuality(AtomicU8::new(Quality::Full as u8))
    }
}

impl SharedQuality {
    pub fn get(&self) -> Quality {
        match self.0.load(Ordering::Relaxed) {
            0 => Quality::Paused,
            1 => Quality::Low,
            _ => Quality::Full,
        }
    }

    pub fn set(&self, quality: Quality) {
        self.0.store(quality as u8, Ordering::Relaxed);
    }
}

/// Where a video codec's packets say "this starts a keyframe".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyframes {
    Vp8,
    Vp9,
    H264,
    /// A codec this module does not read (moves wait for `SWITCH_WAIT`).
    Unknown,
}

impl Keyframes {
    pub fn of(mime_type: &str) -> Keyframes {
        match mime_type.to_ascii_lowercase().as_str() {
            "video/vp8" => Keyframes::Vp8,
            "video/vp9" => Keyframes::Vp9,
            "video/h264" => Keyframes::H264,
            _ => Keyframes::Unknown,
        }
    }

    /// Whether this packet's payload is the first packet of a keyframe.
    pub fn starts_keyframe(self, payload: &[u8]) -> bool {
        match self {
            Keyframes::Vp8 => vp8_starts_keyframe(payload),
            Keyframes::Vp9 => vp9_starts_keyframe(payload),
            Keyframes::H264 => h264_starts_keyframe(payload),
            Keyframes::Unknown => false,
        }
    }
}

/// RFC 7741: the payload descriptor (S bit set, partition 0), then the VP8 frame
/// header, whose lowest bit is 0 for a keyframe.
fn vp8_starts_keyframe(payload: &[u8]) -> bool {
    let Some(&first) = payload.first() else {
        return false;
    };
    if first & 0x10 == 0 || first & 0x0f != 0 {
        return false;
    }
    let mut at = 1;
    if first & 0x80 != 0 {
        let Some(&extensions) = payload.get(at) else {
            return false;
        };
        at += 1;
        if extensions & 0x80 != 0 {
            // The picture id, one byte or two (its M bit).
            let Some(&picture) = payload.get(at) else {
                return false;
            };
            at += if picture & 0x80 != 0 { 2 } else { 1 };
        }
        if extensions & 0x40 != 0 {
            at += 1;
        }
        if extensions & 0x30 != 0 {
            at += 1;
        }
    }
    payload.get(at).is_some_and(|header| header & 0x01 == 0)
}

/// The VP9 payload descriptor (draft-ietf-payload-vp9): not inter-predicted (P clear)
/// and the start of a frame (B set).
fn vp9_starts_keyframe(payload: &[u8]) -> bool {
    payload
        .first()
        .is_some_and(|first| first & 0x40 == 0 && first & 0x08 != 0)
}

/// RFC 6184: an IDR slice or a sequence parameter set, alone, aggregated (STAP-A) or
/// at the start of a fragmented unit (FU-A).
fn h264_starts_keyframe(payload: &[u8]) -> bool {
    let key = |nal: u8| matches!(nal & 0x1f, 5 | 7);
    let Some(&header) = payload.first() else {
        return false;
    };
    match header & 0x1f {
        24 => {
            let mut at = 1;
            while at + 2 < payload.len() {
                let size = usize::from(u16::from_be_bytes([payload[at], payload[at + 1]]));
                if key(payload[at + 2]) {
                    return true;
                }
                at += 2 + size;
            }
            false
        }
        28 => payload.get(1).is_some_and(|fu| fu & 0x80 != 0 && key(*fu)),
        _ => key(header),
    }
}

/// What to do with one packet for one subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send it, renumbered so.
    Forward { sequence: u16, timestamp: u32 },
    /// Not for this subscriber.
    Skip,
    /// Not yet: the subscriber waits for a keyframe of this layer to move to it.
    WantKeyframe(usize),
}

/// One subscriber's place in a publication's layers, and the renumbering that makes the
/// layers it has received one stream.
#[derive(Debug, Default)]
pub struct Switch {
    current: Option<usize>,
    /// The layer it waits for a keyframe of, and since when.
    waiting: Option<(usize, Instant)>,
    /// The publisher's number of the first packet sent since the last move: older
    /// packets of that layer (late, or retransmitted) were never part of this stream.
    start: Option<u16>,
    sequence_offset: u16,
    timestamp_offset: u32,
    /// The newest packet sent: its number, its timestamp, when.
    last: Option<(u16, u32, Instant)>,
}

/// How far past a move the check for packets from before it is kept.
const START_HORIZON: i16 = 1000;

impl Switch {
    /// The layer this subscriber receives now.
    pub fn layer(&self) -> Option<usize> {
        self.current
    }

    /// Decides one packet of `layer` for this subscriber, who should get `target` (none:
    /// video paused). `keyframes_visible` says whether `starts_keyframe` can be trusted
    /// (the codec is one this module reads); `clock_rate` turns the time since the last
    /// packet sent into a timestamp step when moving between layers, whose timestamps
    /// start apart.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &mut self,
        now: Instant,
        layer: usize,
        target: Option<usize>,
        starts_keyframe: bool,
        keyframes_visible: bool,
        header: &rtp::header::Header,
        clock_rate: u32,
    ) -> Decision {
        let Some(target) = target else {
            // Paused: video starts again at a keyframe, continuing the numbering.
            self.current = None;
            self.waiting = None;
            return Decision::Skip;
        };
        if self.current == Some(layer) {
            if layer == target {
                self.waiting = None;
            }
            if let Some(start) = self.start {
                let after = header.sequence_number.wrapping_sub(start) as i16;
                if after < 0 {
                    return Decision::Skip;
                }
                if after > START_HORIZON {
                    self.start = None;
                }
            }
            return self.forward(now, header);
        }
        if layer != target {
            return Decision::Skip;
        }
        let since = match self.waiting {
            Some((waited_for, since)) if waited_for == layer => since,
            _ => {
                self.waiting = Some((layer, now));
                now
            }
        };
        let gave_up = !keyframes_visible && now.duration_since(since) >= SWITCH_WAIT;
        let never_sent = self.last.is_none();
        if !never_sent && !starts_keyframe && !gave_up {
            return Decision::WantKeyframe(layer);
        }
        // Move here: the first packet continues the numbering of the last one sent.
        if let Some((sequence, timestamp, at)) = self.last {
            let ticks = now.duration_since(at).as_millis() as u64 * u64::from(clock_rate) / 1000;
            let step = u32::try_from(ticks.max(1)).unwrap_or(u32::MAX);
            self.sequence_offset = sequence
                .wrapping_add(1)
                .wrapping_sub(header.sequence_number);
            self.timestamp_offset = timestamp.wrapping_add(step).wrapping_sub(header.timestamp);
        }
        self.current = Some(layer);
        self.waiting = None;
        self.start = Some(header.sequence_number);
        self.forward(now, header)
    }

    fn forward(&mut self, now: Instant, header: &rtp::header::Header) -> Decision {
        let sequence = header.sequence_number.wrapping_add(self.sequence_offset);
        let timestamp = header.timestamp.wrapping_add(self.timestamp_offset);
        // A retransmission (older than the newest sent) does not move the numbering on.
        let newer = self
            .last
            .is_none_or(|(last, _, _)| (sequence.wrapping_sub(last) as i16) > 0);
        if newer {
            self.last = Some((sequence, timestamp, now));
        }
        Decision::Forward {
            sequence,
            timestamp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(sequence_number: u16, timestamp: u32) -> rtp::header::Header {
        rtp::header::Header {
            sequence_number,
            timestamp,
            ..Default::default()
        }
    }

    #[test]
    fn layers_are_ranked_by_their_rid_and_a_camera_without_simulcast_is_the_top() {
        assert_eq!(rank(Some("low")), 0);
        assert_eq!(rank(Some("q")), 0);
        assert_eq!(rank(Some("mid")), 1);
        assert_eq!(rank(Some("high")), TOP);
        assert_eq!(rank(None), TOP);
    }

    #[test]
    fn full_quality_gets_the_top_flowing_layer_and_low_the_lowest() {
        let both = [true, false, true];
        assert_eq!(target(Quality::Full, both), Some(2));
        assert_eq!(target(Quality::Low, both), Some(0));
        assert_eq!(target(Quality::Paused, both), None);
        // The publisher stopped its top layer: full quality takes what flows.
        assert_eq!(target(Quality::Full, [true, false, false]), Some(0));
        // One layer only: low quality gets it too.
        assert_eq!(target(Quality::Low, [false, false, true]), Some(2));
    }

    #[test]
    fn vp8_keyframes_are_read_past_the_payload_descriptor() {
        // S bit, partition 0, then a keyframe header (lowest bit clear).
        assert!(Keyframes::Vp8.starts_keyframe(&[0x10, 0x00, 0x9d]));
        // An interframe.
        assert!(!Keyframes::Vp8.starts_keyframe(&[0x10, 0x01]));
        // Not the first packet of the frame.
        assert!(!Keyframes::Vp8.starts_keyframe(&[0x00, 0x00]));
        // As Chrome sends it: X, then I with a two-byte picture id, L and T/K.
        assert!(Keyframes::Vp8.starts_keyframe(&[0x90, 0xe0, 0x81, 0x23, 0x05, 0x40, 0x50]));
        assert!(!Keyframes::Vp8.starts_keyframe(&[0x90, 0xe0, 0x81, 0x23, 0x05, 0x40, 0x51]));
        assert!(!Keyframes::Vp8.starts_keyframe(&[0x90, 0xe0]));
    }

    #[test]
    fn h264_and_vp9_keyframes_are_seen() {
        assert!(Keyframes::H264.starts_keyframe(&[0x65]));
        assert!(!Keyframes::H264.starts_keyframe(&[0x41]));
        // STAP-A with an SPS inside.
        assert!(Keyframes::H264.starts_keyframe(&[0x78, 0x00, 0x02, 0x67, 0x42]));
        // FU-A: the start of an IDR slice, then its middle.
        assert!(Keyframes::H264.starts_keyframe(&[0x7c, 0x85]));
        assert!(!Keyframes::H264.starts_keyframe(&[0x7c, 0x05]));
        assert!(Keyframes::Vp9.starts_keyframe(&[0x08]));
        assert!(!Keyframes::Vp9.starts_keyframe(&[0x48]));
        assert!(!Keyframes::Unknown.starts_keyframe(&[0x10, 0x00]));
    }

    #[test]
    fn a_subscriber_moves_to_another_layer_only_at_its_keyframe_in_one_numbering() {
        let start = Instant::now();
        let mut switch = Switch::default();
        // Starts on the top layer at once.
        assert_eq!(
            switch.decide(
                start,
                2,
                Some(2),
                false,
                true,
                &header(1000, 50_000),
                90_000
            ),
            Decision::Forward {
                sequence: 1000,
                timestamp: 50_000
            }
        );
        // Should now get layer 0: its interframes wait, the old layer still flows.
        let later = start + Duration::from_millis(33);
        assert_eq!(
            switch.decide(later, 0, Some(0), false, true, &header(7, 900), 90_000),
            Decision::WantKeyframe(0)
        );
        assert_eq!(
            switch.decide(
                later,
                2,
                Some(0),
                false,
                true,
                &header(1001, 53_000),
                90_000
            ),
            Decision::Forward {
                sequence: 1001,
                timestamp: 53_000
            }
        );
        // Layer 0's keyframe: from here on layer 0, continuing the numbering.
        let moved = later + Duration::from_millis(33);
        assert_eq!(
            switch.decide(moved, 0, Some(0), true, true, &header(9, 6_900), 90_000),
            Decision::Forward {
                sequence: 1002,
                timestamp: 53_000 + 2_970
            }
        );
        assert_eq!(switch.layer(), Some(0));
        assert_eq!(
            switch.decide(moved, 0, Some(0), false, true, &header(10, 6_900), 90_000),
            Decision::Forward {
                sequence: 1003,
                timestamp: 53_000 + 2_970
            }
        );
        // The old layer is no longer sent.
        assert_eq!(
            switch.decide(
                moved,
                2,
                Some(0),
                false,
                true,
                &header(1002, 56_000),
                90_000
            ),
            Decision::Skip
        );
        // Paused: nothing.
        assert_eq!(
            switch.decide(moved, 0, None, false, true, &header(11, 9_900), 90_000),
            Decision::Skip
        );
    }

    #[test]
    fn a_move_without_a_visible_keyframe_happens_after_the_wait() {
        let start = Instant::now();
        let mut switch = Switch::default();
        switch.decide(start, 2, Some(2), false, false, &header(1, 1), 90_000);
        assert_eq!(
            switch.decide(start, 0, Some(0), false, false, &header(500, 1), 90_000),
            Decision::WantKeyframe(0)
        );
        let late = start + SWITCH_WAIT;
        assert_eq!(
            switch.decide(late, 0, Some(0), false, false, &header(501, 1), 90_000),
            Decision::Forward {
                sequence: 2,
                timestamp: 1 + 180_000
            }
        );
    }

    #[test]
    fn a_codec_whose_keyframes_are_read_waits_for_one_however_long_it_takes() {
        let start = Instant::now();
        let mut switch = Switch::default();
        switch.decide(start, 2, Some(2), false, true, &header(1, 1), 90_000);
        let late = start + SWITCH_WAIT * 3;
        assert_eq!(
            switch.decide(late, 0, Some(0), false, true, &header(501, 1), 90_000),
            Decision::WantKeyframe(0)
        );
    }

    #[test]
    fn after_a_pause_video_starts_again_at_a_keyframe_in_the_same_numbering() {
        let start = Instant::now();
        let mut switch = Switch::default();
        switch.decide(start, 2, Some(2), false, true, &header(100, 1_000), 90_000);
        // Paused while the publisher sends on.
        for sequence in 101..200 {
            assert_eq!(
                switch.decide(
                    start,
                    2,
                    None,
                    false,
                    true,
                    &header(sequence, 1_000),
                    90_000
                ),
                Decision::Skip
            );
        }
        let resumed = start + Duration::from_secs(3);
        assert_eq!(
            switch.decide(
                resumed,
                2,
                Some(2),
                false,
                true,
                &header(200, 271_000),
                90_000
            ),
            Decision::WantKeyframe(2)
        );
        // The keyframe follows the last packet sent, with no gap to ask again for.
        assert_eq!(
            switch.decide(
                resumed,
                2,
                Some(2),
                true,
                true,
                &header(201, 271_000),
                90_000
            ),
            Decision::Forward {
                sequence: 101,
                timestamp: 1_000 + 270_000
            }
        );
        // A late packet from before the keyframe is not sent.
        assert_eq!(
            switch.decide(
                resumed,
                2,
                Some(2),
                false,
                true,
                &header(199, 268_000),
                90_000
            ),
            Decision::Skip
        );
    }

    #[test]
    fn a_retransmission_keeps_its_number_and_does_not_move_the_numbering_back() {
        let start = Instant::now();
        let mut switch = Switch::default();
        for sequence in [10, 11, 12] {
            switch.decide(start, 2, Some(2), false, true, &header(sequence, 0), 90_000);
        }
        assert_eq!(
            switch.decide(start, 2, Some(2), false, true, &header(11, 0), 90_000),
            Decision::Forward {
                sequence: 11,
                timestamp: 0
            }
        );
        assert_eq!(switch.last.map(|(s, _, _)| s), Some(12));
    }
}
