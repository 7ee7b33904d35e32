//! The UDP ports media may use, handed out one per peer connection from a configured range.
//!
//! webrtc-rs 0.21 has no port-range setting, so the SFU binds each peer connection to
//! an address it chose itself. Ports go round the range, so a port just freed is the
//! last to be used again (late packets for the old peer then find nobody).

use std::collections::BTreeSet;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex};

#[derive(Debug)]
struct Pool {
    range: RangeInclusive<u16>,
    taken: BTreeSet<u16>,
    next: u16,
}

/// A shared pool of ports.
#[derive(Debug, Clone)]
pub struct PortPool {
    pool: Arc<Mutex<Pool>>,
}

/// A port in use; it goes back to the pool when dropped.
#[derive(Debug)]
pub struct PortLease {
    port: u16,
    pool: Arc<Mutex<Pool>>,
}

impl PortLease {
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for PortLease {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.taken.remove(&self.port);
        }
    }
}

impl PortPool {
    pub fn new(range: RangeInclusive<u16>) -> PortPool {
        PortPool {
            pool: Arc::new(Mutex::new(Pool {
                next: *range.start(),
                range,
                taken: BTreeSet::new(),
            })),
        }
    }

    /// The next free port after the one handed out last, or `None` when all are in use.
    pub fn lease(&self) -> Option<PortLease> {
        let mut pool = self.pool.lock().ok()?;
        let (start, end) = (*pool.range.start(), *pool.range.end());
        let size = u32::from(end - start) + 1;
        let mut candidate = pool.next;
        for _ in 0..size {
            let port = candidate;
            candidate = if candidate >= end {
                start
            } else {
                candidate + 1
            };
            if !pool.taken.contains(&port) {
                pool.taken.insert(port);
                pool.next = candidate;
                return Some(PortLease {
                    port,
                    pool: Arc::clone(&self.pool),
                });
            }
        }
        None
    }

    /// How many ports are leased now.
    pub fn in_use(&self) -> usize {
        self.pool.lock().map(|pool| pool.taken.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_go_round_the_range_and_come_back_when_dropped() {
        let pool = PortPool::new(50000..=50002);
        let a = pool.lease().expect("a port");
        let b = pool.lease().expect("a port");
        let c = pool.lease().expect("a port");
        assert_eq!((a.port(), b.port(), c.port()), (50000, 50001, 50002));
        assert!(pool.lease().is_none(), "the range is used up");
        drop(b);
        assert_eq!(pool.in_use(), 2);
        let again = pool.lease().expect("the freed port");
        assert_eq!(again.port(), 50001);
    }

    #[test]
    fn a_freed_port_is_the_last_to_be_used_again() {
        let pool = PortPool::new(50000..=50003);
        let first = pool.lease().expect("a port");
        drop(first);
        let next = pool.lease().expect("a port");
        assert_eq!(next.port(), 50001, "not the port just freed");
    }
}
