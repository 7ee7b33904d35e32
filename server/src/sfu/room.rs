//! One room's state machine: who waits in the lobby, who is admitted, which tracks are
//! published. A single task owns it, fed by a channel from the authenticated sockets
//! and from the peer tasks, so no lock guards the media state.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::door::{Door, Effect, Guest, Knock};
use super::forward::{Publication, PublicationId};
use super::peer::{self, PeerCommand, PeerContext, PeerHandle, PeerReport};
use super::signal::{ClientMessage, Farewell, Member, ParticipantId, ServerMessage, Waiting};
use super::{RoomEvent, Shared, TaskGuard, Visit};

/// Who is knocking: established by the socket from the session, never by the browser.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub account_id: i64,
    pub name: String,
    pub host: bool,
    pub audio_only: bool,
    /// For a course session's room: whether they hold a seat in its cohort.
    pub enrolled: Option<bool>,
}

impl Visitor {
    fn guest(&self) -> Guest {
        Guest {
            account_id: self.account_id,
            host: self.host,
            enrolled: self.enrolled,
        }
    }
}

/// What came of a knock on the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    Joined(ParticipantId),
    Refused(Farewell),
    /// The room closed as the knock arrived; knock on the new one.
    Closed,
}

/// What the room's task receives.
pub enum RoomInput {
    Join {
        visitor: Visitor,
        out: mpsc::Sender<ServerMessage>,
        reply: oneshot::Sender<JoinOutcome>,
    },
    Message {
        from: ParticipantId,
        message: ClientMessage,
    },
    /// The socket closed.
    Gone { from: ParticipantId },
    /// What a participant's connection reports.
    Peer(PeerReport),
}

enum Presence {
    Lobby,
    Admitted { peer: PeerHandle },
}

struct Participant {
    visitor: Visitor,
    out: mpsc::Sender<ServerMessage>,
    since: i64,
    camera: bool,
    microphone: bool,
    presence: Presence,
}

impl Participant {
    fn admitted(&self) -> bool {
        matches!(self.presence, Presence::Admitted { .. })
    }

    fn say(&self, message: ServerMessage) {
        // A browser too slow to read its signalling is dropped by its socket; the room
        // never waits for it.
        let _ = self.out.try_send(message);
    }

    fn peer(&self) -> Option<&PeerHandle> {
        match &self.presence {
            Presence::Admitted { peer, .. } => Some(peer),
            Presence::Lobby => None,
        }
    }
}

pub struct Room {
    room_id: i64,
    generation: u64,
    shared: Arc<Shared>,
    inputs: mpsc::UnboundedSender<RoomInput>,
    door: Door,
    participants: BTreeMap<ParticipantId, Participant>,
    publications: HashMap<PublicationId, Arc<Publication>>,
}

impl Room {
    pub fn new(
        room_id: i64,
        generation: u64,
        shared: Arc<Shared>,
        inputs: mpsc::UnboundedSender<RoomInput>,
    ) -> Room {
        Room {
            room_id,
            generation,
            shared,
            inputs,
            door: Door::new(),
            participants: BTreeMap::new(),
            publications: HashMap::new(),
        }
    }

    /// Runs until the room is empty or ended; then nothing of it remains.
    pub async fn run(mut self, mut inputs: mpsc::UnboundedReceiver<RoomInput>, _guard: TaskGuard) {
        while let Some(input) = inputs.recv().await {
            let keep_going = self.handle(input).await;
            if !keep_going || self.participants.is_empty() {
                break;
            }
        }
        // Out of the registry first, so new knocks start a fresh room; then answer
        // whatever knocked in between.
        self.shared.forget_room(self.room_id, self.generation);
        inputs.close();
        while let Ok(input) = inputs.try_recv() {
            if let RoomInput::Join { reply, .. } = input {
                let _ = reply.send(JoinOutcome::Closed);
            }
        }
        let everyone: Vec<ParticipantId> = self.participants.keys().copied().collect();
        for id in everyone {
            self.remove(id, None);
        }
    }

    /// Handles one input; false when the room has ended.
    async fn handle(&mut self, input: RoomInput) -> bool {
        match input {
            RoomInput::Join {
                visitor,
                out,
                reply,
            } => {
                let outcome = self.join(visitor, out).await;
                let _ = reply.send(outcome);
            }
            RoomInput::Message { from, message } => return self.message(from, message).await,
            RoomInput::Gone { from } => self.remove(from, None),
            RoomInput::Peer(PeerReport::Failed { from }) => {
                self.remove(from, Some(Farewell::Dropped))
            }
            RoomInput::Peer(PeerReport::Published { from, publication }) => {
                self.published(from, publication)
            }
        }
        true
    }

    async fn join(&mut self, visitor: Visitor, out: mpsc::Sender<ServerMessage>) -> JoinOutcome {
        let (id, replaced, admit) = match self.door.knock(visitor.guest()) {
            Knock::Refused(farewell) => return JoinOutcome::Refused(farewell),
            Knock::Entered {
                id,
                replaced,
                admit,
            } => (id, replaced, admit),
        };
        // The same person in a second window replaces the first.
        for earlier in replaced {
            self.remove(earlier, Some(Farewell::Replaced));
        }
        self.participants.insert(
            id,
            Participant {
                visitor,
                out,
                since: app::server::db::now(),
                camera: true,
                microphone: true,
                presence: Presence::Lobby,
            },
        );
        if admit {
            self.admit(id).await;
        } else if let Some(participant) = self.participants.get(&id) {
            participant.say(ServerMessage::Lobby { you: id });
            self.roster();
        }
        JoinOutcome::Joined(id)
    }

    async fn message(&mut self, from: ParticipantId, message: ClientMessage) -> bool {
        let Some(participant) = self.participants.get(&from) else {
            return true;
        };
        let refuse = |code: &str| {
            participant.say(ServerMessage::Refused {
                code: code.to_owned(),
            })
        };
        match message {
            // Media signalling exists only for the admitted: a person in the lobby has no
            // peer connection, and crafted messages cannot make one.
            ClientMessage::Offer { .. }
            | ClientMessage::Answer { .. }
            | ClientMessage::Candidate { .. }
                if !participant.admitted() =>
            {
                refuse("not_admitted");
            }
            ClientMessage::Offer { sdp } => self.to_peer(from, PeerCommand::Offer(sdp)),
            ClientMessage::Answer { sdp } => self.to_peer(from, PeerCommand::Answer(sdp)),
            ClientMessage::Candidate { candidate } => {
                self.to_peer(from, PeerCommand::Candidate(candidate))
            }
            ClientMessage::Media { camera, microphone } => {
                if let Some(participant) = self.participants.get_mut(&from) {
                    participant.camera = camera;
                    participant.microphone = microphone;
                }
                self.roster();
            }
            ClientMessage::AudioOnly { on } => self.set_audio_only(from, on),
            ClientMessage::Leave => self.remove(from, None),
            ClientMessage::Hello { .. } => refuse("bad_message"),
            order => match self.door.order(from, &order) {
                Effect::Refuse(code) => refuse(code),
                Effect::Admit(ids) => {
                    for id in ids {
                        self.admit(id).await;
                    }
                }
                Effect::SendAway(ids, farewell) => {
                    for id in ids {
                        self.remove(id, Some(farewell));
                    }
                }
                Effect::AskMute(id) => {
                    if let Some(target) = self.participants.get(&id) {
                        target.say(ServerMessage::MuteRequest);
                    }
                }
                Effect::Locked(_) => self.roster(),
                Effect::End => {
                    // Ended on record first, so nobody gets back in while the others
                    // are let go.
                    let (recorded, done) = oneshot::channel();
                    let ended = RoomEvent::Ended {
                        room_id: self.room_id,
                        recorded,
                    };
                    if self.shared.events.send(ended).is_ok() {
                        let _ = done.await;
                    }
                    let everyone: Vec<ParticipantId> = self.participants.keys().copied().collect();
                    for id in everyone {
                        self.remove(id, Some(Farewell::Ended));
                    }
                    return false;
                }
                Effect::Nothing => {}
            },
        }
        true
    }

    fn visit(&self, participant: ParticipantId) -> Visit {
        Visit {
            room_id: self.room_id,
            generation: self.generation,
            participant,
        }
    }

    fn to_peer(&self, id: ParticipantId, command: PeerCommand) {
        if let Some(peer) = self.participants.get(&id).and_then(Participant::peer) {
            peer.send(command);
        }
    }

    /// Lets a person in: only now does a peer connection exist for them.
    async fn admit(&mut self, id: ParticipantId) {
        let Some(participant) = self.participants.get(&id) else {
            return;
        };
        let context = PeerContext {
            shared: Arc::clone(&self.shared),
            me: id,
            report: {
                let inputs = self.inputs.clone();
                Box::new(move |report| {
                    let _ = inputs.send(RoomInput::Peer(report));
                })
            },
            out: participant.out.clone(),
        };
        let peer = match peer::start(context).await {
            Ok(peer) => peer,
            Err(error) => {
                tracing::error!(error = ?error, "could not start a peer connection");
                participant.say(ServerMessage::Refused {
                    code: "media_unavailable".to_owned(),
                });
                return;
            }
        };
        let visitor = participant.visitor.clone();
        let _ = self.shared.events.send(RoomEvent::Joined {
            visit: self.visit(id),
            account_id: visitor.account_id,
            name: visitor.name.clone(),
            host: visitor.host,
        });
        self.door.came_in(id);
        for publication in self.publications.values() {
            if publication.owner != id && (!publication.is_video() || !visitor.audio_only) {
                peer.send(PeerCommand::Subscribe(Arc::clone(publication)));
            }
        }
        let Some(participant) = self.participants.get_mut(&id) else {
            return;
        };
        participant.presence = Presence::Admitted { peer };
        participant.say(ServerMessage::Admitted {
            you: id,
            ice_servers: self.shared.config.ice_servers.clone(),
            ice_policy: self.shared.config.ice_policy.clone(),
        });
        self.roster();
    }

    fn published(&mut self, from: ParticipantId, publication: Arc<Publication>) {
        if !self
            .participants
            .get(&from)
            .is_some_and(Participant::admitted)
        {
            return;
        }
        for (id, participant) in &self.participants {
            if *id == from || (publication.is_video() && participant.visitor.audio_only) {
                continue;
            }
            if let Some(peer) = participant.peer() {
                peer.send(PeerCommand::Subscribe(Arc::clone(&publication)));
            }
        }
        self.publications.insert(publication.id, publication);
    }

    fn set_audio_only(&mut self, id: ParticipantId, on: bool) {
        let Some(participant) = self.participants.get_mut(&id) else {
            return;
        };
        participant.visitor.audio_only = on;
        if let Some(peer) = participant.peer() {
            for publication in self.publications.values() {
                if publication.owner == id || !publication.is_video() {
                    continue;
                }
                peer.send(if on {
                    PeerCommand::Unsubscribe(publication.id)
                } else {
                    PeerCommand::Subscribe(Arc::clone(publication))
                });
            }
        }
        self.roster();
    }

    /// Takes a person out of the room: their connection closes (out of the peer count
    /// before they are told, its sockets going in the background), their tracks leave
    /// everyone else's connections, and their attendance gets its end time.
    fn remove(&mut self, id: ParticipantId, farewell: Option<Farewell>) {
        let Some(participant) = self.participants.remove(&id) else {
            return;
        };
        let Participant { presence, out, .. } = participant;
        let admitted = matches!(presence, Presence::Admitted { .. });
        if let Presence::Admitted { peer } = presence {
            peer.close();
        }
        if let Some(reason) = farewell {
            let _ = out.try_send(ServerMessage::Goodbye { reason });
        }
        let theirs: Vec<PublicationId> = self
            .publications
            .values()
            .filter(|publication| publication.owner == id)
            .map(|publication| publication.id)
            .collect();
        for publication in &theirs {
            self.publications.remove(publication);
            for other in self.participants.values() {
                if let Some(peer) = other.peer() {
                    peer.send(PeerCommand::Unsubscribe(*publication));
                }
            }
        }
        self.door.left(id);
        if admitted {
            let _ = self.shared.events.send(RoomEvent::Left {
                visit: self.visit(id),
            });
        }
        self.roster();
    }

    /// Tells everyone who is in the room; hosts also see the lobby.
    fn roster(&self) {
        let members: Vec<Member> = self
            .participants
            .iter()
            .filter(|(_, p)| p.admitted())
            .map(|(id, p)| Member {
                id: *id,
                name: p.visitor.name.clone(),
                host: p.visitor.host,
                camera: p.camera,
                microphone: p.microphone,
                audio_only: p.visitor.audio_only,
            })
            .collect();
        let lobby: Vec<Waiting> = self
            .participants
            .iter()
            .filter(|(_, p)| !p.admitted())
            .map(|(id, p)| Waiting {
                id: *id,
                name: p.visitor.name.clone(),
                since: p.since,
                enrolled: p.visitor.enrolled,
            })
            .collect();
        for participant in self.participants.values() {
            if !participant.admitted() {
                continue;
            }
            participant.say(ServerMessage::Roster {
                members: members.clone(),
                lobby: if participant.visitor.host {
                    lobby.clone()
                } else {
                    Vec::new()
                },
                locked: self.door.locked(),
            });
        }
    }
}
