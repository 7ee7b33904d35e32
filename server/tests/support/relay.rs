//! A seeded impairment relay: a UDP proxy between one synthetic participant and the SFU
//! that drops, delays (with jitter, so packets reorder), caps the rate of, or freezes
//! the traffic in each direction. It replaces `netem`, which this machine's kernel
//! lacks, and needs no root, so it runs on any CI machine.
//!
//! The participant and the SFU each learn only the relay's address: the relay rewrites
//! the candidates in the SDP each side sends the other, so no direct path exists for
//! ICE to find around it.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::net::UdpSocket;
use tokio::time::Instant;

use crate::synthetic::{SdpRewrite, Towards};

/// What happens to the packets going one way.
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditions {
    /// The share of packets dropped at random (0.05 = 5 %).
    pub loss: f64,
    /// Added to every packet.
    pub delay: Duration,
    /// Each packet's delay varies by up to this much either way.
    pub jitter: Duration,
    /// A rate cap in kbit/s, as `tbf` would: packets queue behind it, and are dropped
    /// when they would wait longer than `QUEUE_LIMIT`.
    pub kbps: Option<u32>,
    /// Nothing gets through, as with a stopped process or a dead link.
    pub frozen: bool,
}

/// How long a packet may queue behind the rate cap before it is dropped.
const QUEUE_LIMIT: Duration = Duration::from_millis(100);

struct Direction {
    conditions: Conditions,
    rng: StdRng,
    /// When the capped link is free again.
    free_at: Instant,
}

impl Direction {
    fn new(seed: u64) -> Direction {
        Direction {
            conditions: Conditions::default(),
            rng: StdRng::seed_from_u64(seed),
            free_at: Instant::now(),
        }
    }

    /// How long this packet waits before it is sent, or `None` to drop it.
    fn admit(&mut self, now: Instant, bytes: usize) -> Option<Duration> {
        let c = self.conditions;
        if c.frozen || (c.loss > 0.0 && self.rng.gen::<f64>() < c.loss) {
            return None;
        }
        let mut wait = Duration::ZERO;
        if let Some(kbps) = c.kbps {
            let departs = self.free_at.max(now);
            wait = departs - now;
            if wait > QUEUE_LIMIT {
                return None;
            }
            let on_the_wire =
                Duration::from_micros(bytes as u64 * 8 * 1000 / u64::from(kbps.max(1)));
            self.free_at = departs + on_the_wire;
        }
        let jitter = if c.jitter.is_zero() {
            0.0
        } else {
            self.rng.gen_range(-1.0..1.0) * c.jitter.as_secs_f64()
        };
        let delay = (c.delay.as_secs_f64() + jitter).max(0.0);
        Some(wait + Duration::from_secs_f64(delay))
    }
}

struct Shared {
    /// Towards the participant (what it receives), and towards the SFU.
    down: Mutex<Direction>,
    up: Mutex<Direction>,
    /// The SFU's media address, from its SDP.
    sfu: Mutex<Option<SocketAddr>>,
    /// The participant's media address, from its packets.
    participant: Mutex<Option<SocketAddr>>,
}

/// A running relay; stops when dropped.
pub struct Relay {
    /// The participant sends here.
    front: SocketAddr,
    /// The SFU sends here.
    back: SocketAddr,
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Relay {
    pub async fn start(ip: IpAddr, seed: u64) -> Relay {
        let front = Arc::new(UdpSocket::bind((ip, 0)).await.expect("relay front socket"));
        let back = Arc::new(UdpSocket::bind((ip, 0)).await.expect("relay back socket"));
        let shared = Arc::new(Shared {
            down: Mutex::new(Direction::new(seed)),
            up: Mutex::new(Direction::new(seed.wrapping_add(1))),
            sfu: Mutex::new(None),
            participant: Mutex::new(None),
        });
        Relay {
            front: front.local_addr().expect("front address"),
            back: back.local_addr().expect("back address"),
            shared: Arc::clone(&shared),
            tasks: vec![
                tokio::spawn(pump(
                    Arc::clone(&front),
                    Arc::clone(&back),
                    Arc::clone(&shared),
                    true,
                )),
                tokio::spawn(pump(back, front, shared, false)),
            ],
        }
    }

    /// What the participant receives, from now on.
    pub fn set_down(&self, conditions: Conditions) {
        if let Ok(mut down) = self.shared.down.lock() {
            down.conditions = conditions;
        }
    }

    /// What the participant sends, from now on.
    pub fn set_up(&self, conditions: Conditions) {
        if let Ok(mut up) = self.shared.up.lock() {
            up.conditions = conditions;
        }
    }

    /// Both ways at once.
    pub fn set(&self, conditions: Conditions) {
        self.set_down(conditions);
        self.set_up(conditions);
    }

    /// The SDP rewrite to give the participant: each side sees the relay's address in
    /// place of the other's candidates.
    pub fn rewrite(&self) -> SdpRewrite {
        let (front, back, shared) = (self.front, self.back, Arc::clone(&self.shared));
        SdpRewrite(Arc::new(move |sdp: &str, towards: Towards| match towards {
            Towards::Participant => swap_candidates(sdp, front, |sfu| {
                if let Ok(mut known) = shared.sfu.lock() {
                    known.get_or_insert(sfu);
                }
            }),
            Towards::Sfu => swap_candidates(sdp, back, |participant| {
                if let Ok(mut known) = shared.participant.lock() {
                    known.get_or_insert(participant);
                }
            }),
        }))
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Reads from `from` and sends through `to`, under the conditions of its direction.
async fn pump(from: Arc<UdpSocket>, to: Arc<UdpSocket>, shared: Arc<Shared>, upward: bool) {
    let mut buffer = vec![0u8; 2048];
    loop {
        let Ok((length, source)) = from.recv_from(&mut buffer).await else {
            return;
        };
        let destination = if upward {
            if let Ok(mut participant) = shared.participant.lock() {
                *participant = Some(source);
            }
            shared.sfu.lock().ok().and_then(|s| *s)
        } else {
            shared.participant.lock().ok().and_then(|p| *p)
        };
        let Some(destination) = destination else {
            continue;
        };
        let direction = if upward { &shared.up } else { &shared.down };
        let wait = match direction.lock() {
            Ok(mut direction) => direction.admit(Instant::now(), length),
            Err(_) => None,
        };
        let Some(wait) = wait else { continue };
        let packet = buffer[..length].to_vec();
        if wait.is_zero() {
            let _ = to.send_to(&packet, destination).await;
        } else {
            let to = Arc::clone(&to);
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                let _ = to.send_to(&packet, destination).await;
            });
        }
    }
}

/// Replaces the address of every UDP candidate in `sdp` with `with`, telling `found`
/// the address it replaced.
fn swap_candidates(sdp: &str, with: SocketAddr, mut found: impl FnMut(SocketAddr)) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in sdp.split("\r\n") {
        let mut fields: Vec<String> = line.split(' ').map(str::to_owned).collect();
        let udp = fields.get(2).is_some_and(|t| t.eq_ignore_ascii_case("udp"));
        if line.starts_with("a=candidate:") && udp && fields.len() > 5 {
            if let (Ok(ip), Ok(port)) = (fields[4].parse::<IpAddr>(), fields[5].parse::<u16>()) {
                found(SocketAddr::new(ip, port));
                fields[4] = with.ip().to_string();
                fields[5] = with.port().to_string();
            }
            lines.push(fields.join(" "));
        } else {
            lines.push(line.to_owned());
        }
    }
    lines.join("\r\n")
}

#[test]
fn candidates_are_swapped_for_the_relay_and_the_old_address_reported() {
    let sdp = "v=0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 40123 typ host\r\na=end\r\n";
    let mut seen = Vec::new();
    let out = swap_candidates(sdp, "127.0.0.1:5000".parse().unwrap(), |a| seen.push(a));
    assert_eq!(
        out,
        "v=0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\na=end\r\n"
    );
    assert_eq!(seen, ["127.0.0.1:40123".parse::<SocketAddr>().unwrap()]);
}

#[test]
fn the_rate_cap_queues_then_drops_and_loss_is_seeded() {
    let mut capped = Direction::new(1);
    capped.conditions.kbps = Some(80); // 10 bytes a millisecond
                                       // After the direction's clock starts, as every packet is.
    let now = Instant::now();
    let waits: Vec<Option<Duration>> = (0..4).map(|_| capped.admit(now, 500)).collect();
    // 500 bytes take 50 ms: the third waits 100 ms, the fourth would wait 150 ms.
    assert_eq!(
        waits,
        [
            Some(Duration::ZERO),
            Some(Duration::from_millis(50)),
            Some(Duration::from_millis(100)),
            None
        ]
    );
    let run = |seed| {
        let mut lossy = Direction::new(seed);
        lossy.conditions.loss = 0.15;
        (0..1000)
            .filter(|_| lossy.admit(now, 100).is_none())
            .count()
    };
    assert_eq!(run(7), run(7), "the same seed drops the same packets");
    assert!(
        (100..200).contains(&run(7)),
        "about 15 % dropped: {}",
        run(7)
    );
}
