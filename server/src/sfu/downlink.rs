//! How much video one receiver's connection can take, decided from the loss its own
//! reception reports show: smaller pictures, then the automatic audio-only fallback.
//!
//! A receiver whose reports show loss of the video sent to it has too little bandwidth:
//! every camera it receives stutters and its sound suffers with them. Its video drops
//! to the low simulcast layer (a quarter of the picture, a fraction of the bits), and
//! if even that does not fit, it is paused (sound continues). It is told each time.
//! After a pause the SFU tries the low layer again; after a while on the low layer it
//! tries the full one. A trial that brings the loss back goes down again and waits
//! twice as long before the next (up to a limit); a trial that holds stays. Moderate
//! loss — the kind a mobile network has, and NACK and keyframe requests repair — keeps
//! full video.
//!
//! Pure state, fed with the time: the peer task owns one per receiver.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::signal::Quality;

/// Mean loss (in 256ths, as RTCP reports it) at or above which full video does not
/// fit: a quarter of the packets. At 15 % random loss (which retransmission mostly
/// repairs before the report counts it) video stays full.
const LOSSY: u32 = 64;
/// Mean loss at or above which even the low layer does not fit: half the packets. A
/// browser short of CPU reports bursts of loss that a pause would only make worse to
/// watch (seen in the video test at 30 %); a link capped far below what it is sent
/// loses more than half.
const WEAK_LOSS: u32 = 128;
/// Reports older than this no longer count. The window is judged in two halves, and
/// both must show the loss: a weak link loses all the time, while the first reports
/// after a short outage (a stalled laptop, a tunnel) show one burst and then none.
const WINDOW: Duration = Duration::from_secs(3);
/// The first pause, and the longest.
const FIRST_PAUSE: Duration = Duration::from_secs(4);
const LONGEST_PAUSE: Duration = Duration::from_secs(16);
/// The first stay on the low layer before full video is tried, and the longest.
const FIRST_STAY: Duration = Duration::from_secs(8);
const LONGEST_STAY: Duration = Duration::from_secs(32);
/// A trial that lasts this long without the loss coming back has succeeded.
const TRIAL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Full,
    /// Full video again after a stay on the low layer.
    FullTrial {
        since: Instant,
    },
    Low {
        since: Instant,
    },
    /// The low layer again after a pause.
    LowTrial {
        since: Instant,
    },
    Paused {
        until: Instant,
    },
}

#[derive(Debug)]
pub struct Downlink {
    state: State,
    /// Whether some camera this receiver gets has a low layer to drop to. Without one
    /// (no publisher sends simulcast), full video goes straight to a pause, as before
    /// simulcast, and a pause ends in full video.
    layered: bool,
    reports: VecDeque<(Instant, u8)>,
    pause: Duration,
    stay: Duration,
}

impl Default for Downlink {
    fn default() -> Downlink {
        Downlink {
            state: State::Full,
            layered: true,
            reports: VecDeque::new(),
            pause: FIRST_PAUSE,
            stay: FIRST_STAY,
        }
    }
}

impl Downlink {
    /// The quality this receiver gets now.
    pub fn quality(&self) -> Quality {
        match self.state {
            State::Full | State::FullTrial { .. } => Quality::Full,
            State::Low { .. } | State::LowTrial { .. } => Quality::Low,
            State::Paused { .. } => Quality::Paused,
        }
    }

    /// Whether some camera this receiver gets has a low layer.
    pub fn set_layered(&mut self, layered: bool) {
        self.layered = layered;
    }

    /// One reception report about a video stream sent to this receiver.
    pub fn report(&mut self, now: Instant, fraction_lost: u8) -> Option<Quality> {
        let limit = match self.quality() {
            // Nothing video is sent while paused, so its reports say nothing.
            Quality::Paused => return None,
            Quality::Full if self.layered => LOSSY,
            Quality::Low | Quality::Full => WEAK_LOSS,
        };
        self.reports.push_back((now, fraction_lost));
        while self
            .reports
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > WINDOW)
        {
            self.reports.pop_front();
        }
        let half = now - WINDOW / 2;
        let mean = |newer: bool| {
            let (sum, count) = self
                .reports
                .iter()
                .filter(|(at, _)| (*at >= half) == newer)
                .fold((0u32, 0u32), |(sum, count), (_, lost)| {
                    (sum + u32::from(*lost), count + 1)
                });
            (count > 0).then(|| sum / count)
        };
        let lossy =
            matches!((mean(false), mean(true)), (Some(o), Some(n)) if o >= limit && n >= limit);
        if !lossy {
            return None;
        }
        self.reports.clear();
        self.state = match self.state {
            State::Full if !self.layered => State::Paused {
                until: now + self.pause,
            },
            State::FullTrial { .. } if !self.layered => {
                self.pause = (self.pause * 2).min(LONGEST_PAUSE);
                State::Paused {
                    until: now + self.pause,
                }
            }
            State::Full => State::Low { since: now },
            State::FullTrial { .. } => {
                // The trial failed: stay longer this time.
                self.stay = (self.stay * 2).min(LONGEST_STAY);
                State::Low { since: now }
            }
            State::Low { .. } => State::Paused {
                until: now + self.pause,
            },
            State::LowTrial { .. } => {
                self.pause = (self.pause * 2).min(LONGEST_PAUSE);
                State::Paused {
                    until: now + self.pause,
                }
            }
            State::Paused { until } => State::Paused { until },
        };
        Some(self.quality())
    }

    /// The passing of time: a pause that has lasted its time becomes a trial of the low
    /// layer, a stay on the low layer a trial of full video, and a trial that held
    /// becomes the quality for good.
    pub fn tick(&mut self, now: Instant) -> Option<Quality> {
        let (state, change) = match self.state {
            State::Paused { until } if now >= until && !self.layered => {
                (State::FullTrial { since: now }, Some(Quality::Full))
            }
            State::Paused { until } if now >= until => {
                (State::LowTrial { since: now }, Some(Quality::Low))
            }
            State::LowTrial { since } if now.duration_since(since) >= TRIAL => {
                self.pause = FIRST_PAUSE;
                (State::Low { since: now }, None)
            }
            State::Low { since } if now.duration_since(since) >= self.stay => {
                (State::FullTrial { since: now }, Some(Quality::Full))
            }
            State::FullTrial { since } if now.duration_since(since) >= TRIAL => {
                self.stay = FIRST_STAY;
                self.pause = FIRST_PAUSE;
                (State::Full, None)
            }
            state => (state, None),
        };
        if state != self.state {
            self.reports.clear();
        }
        self.state = state;
        change
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAVY: u8 = 200;
    const LOSSY_LINK: u8 = 90; // 35 %
    const MODERATE: u8 = 38; // 15 %

    fn reports(link: &mut Downlink, start: Instant, lost: u8, seconds: u64) -> Vec<Quality> {
        (0..seconds)
            .filter_map(|s| link.report(start + Duration::from_secs(s), lost))
            .collect()
    }

    #[test]
    fn moderate_loss_keeps_full_video() {
        let mut link = Downlink::default();
        let start = Instant::now();
        assert!(reports(&mut link, start, MODERATE, 30).is_empty());
        assert_eq!(link.quality(), Quality::Full);
    }

    #[test]
    fn one_bad_report_is_not_enough_but_two_a_second_and_a_half_apart_are() {
        let mut link = Downlink::default();
        let start = Instant::now();
        assert_eq!(link.report(start, HEAVY), None);
        // Several streams reporting at once are still one moment.
        assert_eq!(link.report(start, HEAVY), None);
        assert_eq!(link.report(start + Duration::from_secs(1), HEAVY), None);
        assert_eq!(
            link.report(start + Duration::from_millis(1600), HEAVY),
            Some(Quality::Low)
        );
    }

    #[test]
    fn loss_lowers_video_a_step_at_a_time_and_sound_only_comes_last() {
        let mut link = Downlink::default();
        let start = Instant::now();
        // A third lost: the low layer, where the same loss is borne.
        assert_eq!(reports(&mut link, start, LOSSY_LINK, 3), [Quality::Low]);
        assert!(reports(&mut link, start + Duration::from_secs(3), LOSSY_LINK, 3).is_empty());
        assert_eq!(link.quality(), Quality::Low);
        // Half lost even there: paused.
        assert_eq!(
            reports(&mut link, start + Duration::from_secs(6), HEAVY, 3),
            [Quality::Paused]
        );
    }

    #[test]
    fn the_burst_of_loss_after_a_short_outage_does_not_lower_video() {
        let mut link = Downlink::default();
        let start = Instant::now();
        // Three streams report the outage's loss at once, then a clean second.
        for _ in 0..3 {
            assert_eq!(link.report(start, 255), None);
        }
        for s in 1..4 {
            for _ in 0..3 {
                assert_eq!(link.report(start + Duration::from_secs(s), 0), None);
            }
        }
        assert_eq!(link.quality(), Quality::Full);
    }

    /// Heavy loss until paused; returns when.
    fn pause(link: &mut Downlink, start: Instant) -> Instant {
        assert_eq!(reports(link, start, HEAVY, 3), [Quality::Low]);
        let later = start + Duration::from_secs(3);
        assert_eq!(reports(link, later, HEAVY, 3), [Quality::Paused]);
        later + Duration::from_secs(2)
    }

    #[test]
    fn a_pause_ends_in_a_trial_of_the_low_layer_then_of_full_video() {
        let mut link = Downlink::default();
        let paused = pause(&mut link, Instant::now());
        assert_eq!(link.tick(paused + Duration::from_secs(1)), None);
        let resumed = paused + FIRST_PAUSE;
        assert_eq!(link.tick(resumed), Some(Quality::Low));
        assert!(reports(&mut link, resumed, 0, 6).is_empty());
        let held = resumed + TRIAL;
        assert_eq!(link.tick(held), None);
        assert_eq!(link.state, State::Low { since: held });
        assert_eq!(link.tick(held + FIRST_STAY), Some(Quality::Full));
        assert!(reports(&mut link, held + FIRST_STAY, 0, 6).is_empty());
        assert_eq!(link.tick(held + FIRST_STAY + TRIAL), None);
        assert_eq!(link.state, State::Full);
    }

    #[test]
    fn a_failed_trial_waits_twice_as_long_up_to_a_limit() {
        let mut link = Downlink::default();
        let mut now = pause(&mut link, Instant::now());
        let mut pauses = Vec::new();
        for _ in 0..4 {
            let State::Paused { until } = link.state else {
                panic!("not paused")
            };
            pauses.push(until.duration_since(now).as_secs());
            now = until;
            assert_eq!(link.tick(now), Some(Quality::Low));
            assert_eq!(reports(&mut link, now, HEAVY, 3), [Quality::Paused]);
            now += Duration::from_secs(2);
        }
        assert_eq!(pauses, [4, 8, 16, 16]);

        // On the low layer, full video is tried after a stay that doubles when it fails.
        let mut link = Downlink::default();
        let mut now = Instant::now();
        assert_eq!(reports(&mut link, now, LOSSY_LINK, 3), [Quality::Low]);
        now += Duration::from_secs(2);
        let mut stays = Vec::new();
        for _ in 0..4 {
            let State::Low { since } = link.state else {
                panic!("not on the low layer")
            };
            let mut at = since;
            while link.tick(at).is_none() {
                at += Duration::from_secs(1);
            }
            stays.push(at.duration_since(since).as_secs());
            assert_eq!(reports(&mut link, at, LOSSY_LINK, 3), [Quality::Low]);
            now = at + Duration::from_secs(2);
        }
        let _ = now;
        assert_eq!(stays, [8, 16, 32, 32]);
    }

    #[test]
    fn without_a_low_layer_heavy_loss_pauses_at_once_and_a_pause_ends_in_full_video() {
        let mut link = Downlink::default();
        link.set_layered(false);
        let start = Instant::now();
        // A third lost: no layer to drop to, and not enough to pause.
        assert!(reports(&mut link, start, LOSSY_LINK, 6).is_empty());
        let later = start + Duration::from_secs(6);
        assert_eq!(reports(&mut link, later, HEAVY, 3), [Quality::Paused]);
        let paused = later + Duration::from_secs(2);
        assert_eq!(link.tick(paused + FIRST_PAUSE), Some(Quality::Full));
        // That trial fails: a pause twice as long.
        let trial = paused + FIRST_PAUSE;
        assert_eq!(reports(&mut link, trial, HEAVY, 3), [Quality::Paused]);
        let State::Paused { until } = link.state else {
            panic!("not paused")
        };
        assert_eq!(
            until.duration_since(trial + Duration::from_secs(2)),
            FIRST_PAUSE * 2
        );
    }

    #[test]
    fn reports_while_paused_are_ignored_and_old_reports_expire() {
        let mut link = Downlink::default();
        let start = Instant::now();
        assert_eq!(link.report(start, HEAVY), None);
        // Ten seconds later the old report no longer counts.
        assert_eq!(link.report(start + Duration::from_secs(10), HEAVY), None);
        assert_eq!(link.report(start + Duration::from_secs(11), HEAVY), None);
        assert_eq!(
            link.report(start + Duration::from_secs(12), HEAVY),
            Some(Quality::Low)
        );
        let later = start + Duration::from_secs(20);
        assert_eq!(reports(&mut link, later, HEAVY, 3), [Quality::Paused]);
        assert_eq!(link.report(later + Duration::from_secs(3), HEAVY), None);
        assert_eq!(link.quality(), Quality::Paused);
    }
}
