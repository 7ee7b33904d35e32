//! The signalling messages between a browser and the SFU, as JSON over the room's WebSocket.

use serde::{Deserialize, Serialize};

/// A participant's number within one room; never an account id, so nothing about the
/// person leaks to the others.
pub type ParticipantId = u32;

/// What a browser may send.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// The first message: the name to show (first name or an alias) and whether the
    /// person wants audio only.
    Hello {
        name: String,
        #[serde(default)]
        audio_only: bool,
    },
    /// The browser's one offer, publishing its camera and microphone (admitted only).
    Offer {
        sdp: String,
    },
    /// The browser's answer to an offer from the server.
    Answer {
        sdp: String,
    },
    /// A trickled ICE candidate from the browser.
    Candidate {
        candidate: Candidate,
    },
    /// Camera and microphone switched on or off, for the others' tiles.
    Media {
        camera: bool,
        microphone: bool,
    },
    /// Audio only: receive no video, to save bandwidth.
    AudioOnly {
        on: bool,
    },
    Leave,
    // The host's controls.
    Admit {
        id: ParticipantId,
    },
    AdmitAll,
    /// A course session's room: let in everyone waiting who holds a seat in its cohort.
    AdmitEnrolled,
    Deny {
        id: ParticipantId,
    },
    DenyAll,
    AskMute {
        id: ParticipantId,
    },
    Remove {
        id: ParticipantId,
    },
    Lock {
        locked: bool,
    },
    End,
}

/// An ICE candidate as browsers write it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Candidate {
    pub candidate: String,
    #[serde(default, rename = "sdpMid")]
    pub sdp_mid: Option<String>,
    #[serde(default, rename = "sdpMLineIndex")]
    pub sdp_mline_index: Option<u16>,
    #[serde(default, rename = "usernameFragment")]
    pub username_fragment: Option<String>,
}

/// A STUN or TURN server handed to browsers.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub username: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub credential: String,
}

/// One person in the room, as the others see them.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Member {
    pub id: ParticipantId,
    pub name: String,
    pub host: bool,
    pub camera: bool,
    pub microphone: bool,
    pub audio_only: bool,
}

/// One person waiting in the lobby, as the host sees them.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Waiting {
    pub id: ParticipantId,
    pub name: String,
    /// Unix seconds.
    pub since: i64,
    /// In a course session's room, whether they hold a seat in its cohort; absent in a
    /// room without a roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled: Option<bool>,
}

/// Why a person is not (or no longer) in the room.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Farewell {
    /// The host did not let them in.
    Denied,
    /// The host removed them.
    Removed,
    /// The host ended the session for everyone.
    Ended,
    /// The room is locked; nobody new may wait.
    Locked,
    /// They joined again from another window.
    Replaced,
    /// Their connection failed or stayed silent.
    Dropped,
}

/// How much of the others' video a receiver's connection takes: the SFU lowers it when
/// the receiver's reports show loss, and raises it again when the loss has gone.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// Video paused, sound continues.
    Paused = 0,
    /// The smallest picture each camera publishes.
    Low = 1,
    /// The largest picture each camera publishes.
    Full = 2,
}

/// What the server sends.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// You are waiting for the host.
    Lobby {
        you: ParticipantId,
    },
    /// You are in: make your offer.
    Admitted {
        you: ParticipantId,
        ice_servers: Vec<IceServer>,
        /// "all" or "relay" (RTCIceTransportPolicy).
        ice_policy: String,
    },
    /// Who is in the room; `lobby` is filled for hosts only.
    Roster {
        members: Vec<Member>,
        lobby: Vec<Waiting>,
        locked: bool,
    },
    Answer {
        sdp: String,
    },
    Offer {
        sdp: String,
    },
    Candidate {
        candidate: Candidate,
    },
    /// The host asks you to turn your microphone off.
    MuteRequest,
    /// How much of the others' video your connection takes now: all of it, a smaller
    /// picture (it is weak), or none, with sound continuing (too weak for video).
    VideoQuality {
        quality: Quality,
    },
    /// You are out of the room, and why.
    Goodbye {
        reason: Farewell,
    },
    /// A message that was refused, with a code the page translates.
    Refused {
        code: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One message of every kind the server sends. The match has no wildcard, so a new
    /// kind does not compile until it is listed here, and so checked below.
    fn one_of_each() -> Vec<ServerMessage> {
        let all = vec![
            ServerMessage::Lobby { you: 1 },
            ServerMessage::Admitted {
                you: 1,
                ice_servers: Vec::new(),
                ice_policy: "all".into(),
            },
            ServerMessage::Roster {
                members: Vec::new(),
                lobby: Vec::new(),
                locked: false,
            },
            ServerMessage::Answer { sdp: String::new() },
            ServerMessage::Offer { sdp: String::new() },
            ServerMessage::Candidate {
                candidate: Candidate {
                    candidate: String::new(),
                    sdp_mid: None,
                    sdp_mline_index: None,
                    username_fragment: None,
                },
            },
            ServerMessage::MuteRequest,
            ServerMessage::VideoQuality {
                quality: Quality::Low,
            },
            ServerMessage::Goodbye {
                reason: Farewell::Dropped,
            },
            ServerMessage::Refused {
                code: String::new(),
            },
        ];
        for message in &all {
            match message {
                ServerMessage::Lobby { .. }
                | ServerMessage::Admitted { .. }
                | ServerMessage::Roster { .. }
                | ServerMessage::Answer { .. }
                | ServerMessage::Offer { .. }
                | ServerMessage::Candidate { .. }
                | ServerMessage::MuteRequest
                | ServerMessage::VideoQuality { .. }
                | ServerMessage::Goodbye { .. }
                | ServerMessage::Refused { .. } => {}
            }
        }
        all
    }

    #[test]
    fn the_browsers_client_handles_every_message_the_server_sends() {
        let client = include_str!("../../../public/room.js");
        for message in one_of_each() {
            let value = serde_json::to_value(&message).unwrap_or_default();
            let kind = value["type"].as_str().unwrap_or_default().to_owned();
            assert!(
                client.contains(&format!("case '{kind}'")),
                "public/room.js does not handle the server's '{kind}' message"
            );
        }
    }
}
