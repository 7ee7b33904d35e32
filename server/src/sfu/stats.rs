//! Counters of what the SFU holds and forwards, for tests (does everything go away?)
//! and for the benchmark (packets and bits per second).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug, Default)]
pub struct Stats {
    pub peers: AtomicUsize,
    pub tasks: AtomicUsize,
    pub packets_in: AtomicU64,
    pub packets_out: AtomicU64,
    pub bytes_in: AtomicU64,
    pub bytes_out: AtomicU64,
    pub packets_dropped: AtomicU64,
    pub keyframe_requests: AtomicU64,
    /// How often a receiver's video was paused for a weak connection.
    pub video_pauses: AtomicU64,
    /// How often a receiver's video was lowered to the small simulcast layer.
    pub video_lowered: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    pub rooms: usize,
    pub peers: usize,
    pub tasks: usize,
    pub ports_in_use: usize,
    pub packets_in: u64,
    pub packets_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub packets_dropped: u64,
    pub keyframe_requests: u64,
    pub video_pauses: u64,
    pub video_lowered: u64,
}

impl Stats {
    pub fn snapshot(&self, rooms: usize, ports_in_use: usize) -> Snapshot {
        Snapshot {
            rooms,
            peers: self.peers.load(Ordering::Relaxed),
            tasks: self.tasks.load(Ordering::Relaxed),
            ports_in_use,
            packets_in: self.packets_in.load(Ordering::Relaxed),
            packets_out: self.packets_out.load(Ordering::Relaxed),
            bytes_in: self.bytes_in.load(Ordering::Relaxed),
            bytes_out: self.bytes_out.load(Ordering::Relaxed),
            packets_dropped: self.packets_dropped.load(Ordering::Relaxed),
            keyframe_requests: self.keyframe_requests.load(Ordering::Relaxed),
            video_pauses: self.video_pauses.load(Ordering::Relaxed),
            video_lowered: self.video_lowered.load(Ordering::Relaxed),
        }
    }
}

/// Counts a live task (or peer connection) for as long as it is held.
#[derive(Debug)]
pub struct TaskGuard {
    stats: Arc<Stats>,
    peer: bool,
}

impl TaskGuard {
    pub fn task(stats: &Arc<Stats>) -> TaskGuard {
        stats.tasks.fetch_add(1, Ordering::Relaxed);
        TaskGuard {
            stats: Arc::clone(stats),
            peer: false,
        }
    }

    pub fn peer(stats: &Arc<Stats>) -> TaskGuard {
        stats.peers.fetch_add(1, Ordering::Relaxed);
        TaskGuard {
            stats: Arc::clone(stats),
            peer: true,
        }
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        let counter = if self.peer {
            &self.stats.peers
        } else {
            &self.stats.tasks
        };
        counter.fetch_sub(1, Ordering::Relaxed);
    }
}
