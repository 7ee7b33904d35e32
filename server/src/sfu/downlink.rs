//! Whether one receiver's connection can take video, decided from the loss its own
//! reception reports show: the automatic audio-only fallback.
//!
//! A receiver whose reports show heavy loss of the video sent to it has too little
//! bandwidth: every camera it receives stutters and its sound suffers with them. Its
//! video is paused (sound continues) and it is told. After a pause the SFU tries video
//! again; a trial that brings the loss back pauses again, for twice as long (up to a
//! limit), and a trial that holds resumes video for good. Moderate loss — the kind a
//! mobile network has, and NACK and keyframe requests repair — keeps video flowing.
//!
//! Pure state, fed with the time: the peer task owns one per receiver.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Mean loss (in 256ths, as RTCP reports it) at or above which video does not fit:
/// half the packets. At 15 % random loss video still moves, and a browser short of
/// CPU reports bursts of loss that a pause would only make worse to watch (seen in the
/// video test at 30 %); a link capped far below what it is sent loses more than half.
const WEAK_LOSS: u32 = 128;
/// Reports older than this no longer count. The window is judged in two halves, and
/// both must show heavy loss: a weak link loses all the time, while the first reports
/// after a short outage (a stalled laptop, a tunnel) show one burst and then none.
const WINDOW: Duration = Duration::from_secs(3);
/// The first pause, and the longest.
const FIRST_PAUSE: Duration = Duration::from_secs(4);
const LONGEST_PAUSE: Duration = Duration::from_secs(16);
/// A trial of video that lasts this long without heavy loss has succeeded.
const TRIAL: Duration = Duration::from_secs(5);

/// What the receiver should be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Video paused: the connection is too weak; sound continues.
    Pause,
    /// Video resumed.
    Resume,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Flowing,
    Paused { until: Instant },
    Trial { since: Instant },
}

#[derive(Debug)]
pub struct Downlink {
    state: State,
    reports: VecDeque<(Instant, u8)>,
    pause: Duration,
}

impl Default for Downlink {
    fn default() -> Downlink {
        Downlink {
            state: State::Flowing,
            reports: VecDeque::new(),
            pause: FIRST_PAUSE,
        }
    }
}

impl Downlink {
    /// Whether video to this receiver is paused now.
    pub fn paused(&self) -> bool {
        matches!(self.state, State::Paused { .. })
    }

    /// One reception report about a video stream sent to this receiver.
    pub fn report(&mut self, now: Instant, fraction_lost: u8) -> Option<Change> {
        if self.paused() {
            // Nothing video is sent while paused, so its reports say nothing.
            return None;
        }
        self.reports.push_back((now, fraction_lost));
        while self
            .reports
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > WINDOW)
        {
            self.reports.pop_front();
        }
        let half = now - WINDOW / 2;
        let mean = |reports: Vec<u8>| {
            let count = reports.len() as u32;
            (count > 0).then(|| reports.into_iter().map(u32::from).sum::<u32>() / count)
        };
        let older = mean(
            self.reports
                .iter()
                .filter(|(at, _)| *at < half)
                .map(|(_, l)| *l)
                .collect(),
        );
        let newer = mean(
            self.reports
                .iter()
                .filter(|(at, _)| *at >= half)
                .map(|(_, l)| *l)
                .collect(),
        );
        let weak = matches!((older, newer), (Some(o), Some(n)) if o >= WEAK_LOSS && n >= WEAK_LOSS);
        if weak {
            self.reports.clear();
            if matches!(self.state, State::Trial { .. }) {
                // The trial failed: wait longer this time.
                self.pause = (self.pause * 2).min(LONGEST_PAUSE);
            }
            self.state = State::Paused {
                until: now + self.pause,
            };
            return Some(Change::Pause);
        }
        None
    }

    /// The passing of time: a pause that has lasted its time becomes a trial, and a
    /// trial that held becomes flowing video.
    pub fn tick(&mut self, now: Instant) -> Option<Change> {
        match self.state {
            State::Paused { until } if now >= until => {
                self.state = State::Trial { since: now };
                self.reports.clear();
                Some(Change::Resume)
            }
            State::Trial { since } if now.duration_since(since) >= TRIAL => {
                self.state = State::Flowing;
                self.pause = FIRST_PAUSE;
                None
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAVY: u8 = 200;
    const MODERATE: u8 = 38; // 15 %

    fn reports(link: &mut Downlink, start: Instant, lost: u8, seconds: u64) -> Vec<Change> {
        (0..seconds)
            .filter_map(|s| link.report(start + Duration::from_secs(s), lost))
            .collect()
    }

    #[test]
    fn moderate_loss_keeps_video_flowing() {
        let mut link = Downlink::default();
        let start = Instant::now();
        assert!(reports(&mut link, start, MODERATE, 30).is_empty());
        assert!(!link.paused());
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
            Some(Change::Pause)
        );
        assert!(link.paused());
    }

    #[test]
    fn the_burst_of_loss_after_a_short_outage_does_not_pause() {
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
        assert!(!link.paused());
    }

    #[test]
    fn a_pause_ends_in_a_trial_and_a_trial_that_holds_resumes_for_good() {
        let mut link = Downlink::default();
        let start = Instant::now();
        assert_eq!(reports(&mut link, start, HEAVY, 3), [Change::Pause]);
        assert_eq!(link.tick(start + Duration::from_secs(3)), None);
        let resumed = start + Duration::from_secs(2) + FIRST_PAUSE;
        assert_eq!(link.tick(resumed), Some(Change::Resume));
        assert!(!link.paused());
        assert!(reports(&mut link, resumed, 0, 6).is_empty());
        assert_eq!(link.tick(resumed + TRIAL), None);
        assert_eq!(link.state, State::Flowing);
    }

    #[test]
    fn a_failed_trial_pauses_twice_as_long_up_to_a_limit() {
        let mut link = Downlink::default();
        let mut now = Instant::now();
        let mut pauses = Vec::new();
        for _ in 0..5 {
            assert_eq!(reports(&mut link, now, HEAVY, 3), [Change::Pause]);
            let State::Paused { until } = link.state else {
                panic!("not paused")
            };
            pauses.push(until.duration_since(now + Duration::from_secs(2)).as_secs());
            now = until;
            assert_eq!(link.tick(now), Some(Change::Resume));
        }
        assert_eq!(pauses, [4, 8, 16, 16, 16]);
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
            Some(Change::Pause)
        );
        assert_eq!(link.report(start + Duration::from_secs(13), HEAVY), None);
        assert!(link.paused());
    }
}
