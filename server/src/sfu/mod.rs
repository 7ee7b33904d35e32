//! The product's own selective forwarding unit: video rooms whose media never leaves
//! the service's server, is never stored, and reaches nobody the host has not admitted.
//!
//! [`Sfu`] is the handle the rest of the server holds. Each room is a task owning its
//! state ([`room`]); each admitted participant has a task owning their peer connection
//! ([`peer`]); each published track fans out through bounded queues ([`forward`]).

pub mod door;
pub mod downlink;
pub mod feedback;
pub mod forward;
pub mod layers;
pub mod peer;
pub mod ports;
pub mod room;
pub mod signal;
pub mod stats;

use std::collections::HashMap;
use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use self::ports::PortPool;
use self::room::{JoinOutcome, Room, RoomInput, Visitor};
use self::signal::{IceServer, ServerMessage};
pub use self::stats::{Snapshot, Stats, TaskGuard};

/// Where media flows, from the configuration.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// The address media sockets bind: the host's public address in production,
    /// loopback in tests. (Binding 0.0.0.0 would skip loopback.)
    pub ip: IpAddr,
    /// UDP ports for media, one per peer connection.
    pub ports: RangeInclusive<u16>,
    /// STUN/TURN servers handed to browsers.
    pub ice_servers: Vec<IceServer>,
    /// "all", or "relay" to make browsers use the TURN relay only.
    pub ice_policy: String,
}

impl Default for MediaConfig {
    fn default() -> MediaConfig {
        MediaConfig {
            ip: IpAddr::from([127, 0, 0, 1]),
            ports: 40000..=40999,
            ice_servers: Vec::new(),
            ice_policy: "all".to_owned(),
        }
    }
}

struct RoomEntry {
    generation: u64,
    inputs: mpsc::UnboundedSender<RoomInput>,
}

/// One person's stay in one run of a room: the key the server records attendance by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Visit {
    pub room_id: i64,
    pub generation: u64,
    pub participant: signal::ParticipantId,
}

/// What happened in a room, for the server to record: the SFU itself keeps nothing and
/// holds no database. Events come in the order they happened.
#[derive(Debug)]
pub enum RoomEvent {
    /// Let in (or a host came in).
    Joined {
        visit: Visit,
        account_id: i64,
        name: String,
        host: bool,
    },
    Left {
        visit: Visit,
    },
    /// A host ended the session. The room waits for `recorded` before letting the
    /// others go, so nobody knocks their way back in before the end is on record.
    Ended {
        room_id: i64,
        recorded: oneshot::Sender<()>,
    },
}

/// What rooms and peers share.
pub struct Shared {
    pub config: MediaConfig,
    pub ports: PortPool,
    pub stats: Arc<Stats>,
    pub events: mpsc::UnboundedSender<RoomEvent>,
    rooms: Mutex<HashMap<i64, RoomEntry>>,
    generations: AtomicU64,
    publications: AtomicU64,
}

impl Shared {
    pub fn next_publication(&self) -> u64 {
        self.publications.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A room that ended or emptied takes itself out of the registry.
    fn forget_room(&self, room_id: i64, generation: u64) {
        if let Ok(mut rooms) = self.rooms.lock() {
            if rooms
                .get(&room_id)
                .is_some_and(|entry| entry.generation == generation)
            {
                rooms.remove(&room_id);
            }
        }
    }
}

/// The SFU's handle.
#[derive(Clone)]
pub struct Sfu {
    shared: Arc<Shared>,
}

/// A person's place in a room, held by their socket.
pub struct Seat {
    pub id: signal::ParticipantId,
    inputs: mpsc::UnboundedSender<RoomInput>,
}

impl Seat {
    pub fn send(&self, message: signal::ClientMessage) {
        let _ = self.inputs.send(RoomInput::Message {
            from: self.id,
            message,
        });
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let _ = self.inputs.send(RoomInput::Gone { from: self.id });
    }
}

impl Sfu {
    /// The SFU, and the events its rooms send for the server to record.
    pub fn new(config: MediaConfig) -> (Sfu, mpsc::UnboundedReceiver<RoomEvent>) {
        let (events, happened) = mpsc::unbounded_channel();
        let sfu = Sfu {
            shared: Arc::new(Shared {
                ports: PortPool::new(config.ports.clone()),
                config,
                stats: Arc::new(Stats::default()),
                events,
                rooms: Mutex::new(HashMap::new()),
                generations: AtomicU64::new(0),
                publications: AtomicU64::new(0),
            }),
        };
        (sfu, happened)
    }

    /// Knocks on a room's door (starting the room if nobody is in it). The visitor lands
    /// in the lobby, or straight in if they host.
    pub async fn join(
        &self,
        room_id: i64,
        visitor: Visitor,
        out: mpsc::Sender<ServerMessage>,
    ) -> Result<Seat, signal::Farewell> {
        // A room closing just as we knock answers `Closed`; knock again on a new one.
        for _ in 0..3 {
            let inputs = self.room_inputs(room_id);
            let (reply, outcome) = oneshot::channel();
            let sent = inputs.send(RoomInput::Join {
                visitor: visitor.clone(),
                out: out.clone(),
                reply,
            });
            if sent.is_err() {
                continue;
            }
            match outcome.await {
                Ok(JoinOutcome::Joined(id)) => return Ok(Seat { id, inputs }),
                Ok(JoinOutcome::Refused(farewell)) => return Err(farewell),
                Ok(JoinOutcome::Closed) | Err(_) => continue,
            }
        }
        Err(signal::Farewell::Dropped)
    }

    fn room_inputs(&self, room_id: i64) -> mpsc::UnboundedSender<RoomInput> {
        let Ok(mut rooms) = self.shared.rooms.lock() else {
            // A poisoned registry cannot hold rooms; hand out a closed channel.
            return mpsc::unbounded_channel().0;
        };
        if let Some(entry) = rooms.get(&room_id) {
            if !entry.inputs.is_closed() {
                return entry.inputs.clone();
            }
        }
        let generation = self.shared.generations.fetch_add(1, Ordering::Relaxed);
        let (inputs, receiver) = mpsc::unbounded_channel();
        let room = Room::new(
            room_id,
            generation,
            Arc::clone(&self.shared),
            inputs.clone(),
        );
        tokio::spawn(room.run(receiver, TaskGuard::task(&self.shared.stats)));
        rooms.insert(
            room_id,
            RoomEntry {
                generation,
                inputs: inputs.clone(),
            },
        );
        inputs
    }

    /// What the SFU holds and has forwarded, now.
    pub fn snapshot(&self) -> Snapshot {
        let rooms = self.shared.rooms.lock().map(|r| r.len()).unwrap_or(0);
        self.shared
            .stats
            .snapshot(rooms, self.shared.ports.in_use())
    }
}
