//! A room's door: who may knock, who waits in the lobby, whom a host's order lets in or
//! sends away. Pure — fed knocks, orders and leavings, it answers with what should
//! happen, and the room does it (starts or closes peer connections, tells browsers). So
//! the rules (a locked room, one window per person, "let in everyone enrolled" never
//! letting in someone who is not) are tested here without sockets, media or a database.

use std::collections::BTreeMap;

use super::signal::{ClientMessage, Farewell, ParticipantId};

/// Who knocks, as far as the door cares: established by the socket from the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guest {
    pub account_id: i64,
    pub host: bool,
    /// For a course session's room: whether the person holds a seat in its cohort.
    /// `None` for a room without a roster.
    pub enrolled: Option<bool>,
}

/// What came of a knock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Knock {
    /// In the door: `replaced` are the same person's earlier windows, to be sent away
    /// first; `admit` when they go straight in (hosts), else they wait.
    Entered {
        id: ParticipantId,
        replaced: Vec<ParticipantId>,
        admit: bool,
    },
    Refused(Farewell),
}

/// What a host's order (or a refused one) comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Admit(Vec<ParticipantId>),
    SendAway(Vec<ParticipantId>, Farewell),
    AskMute(ParticipantId),
    Locked(bool),
    End,
    /// Not this person's to order.
    Refuse(&'static str),
    Nothing,
}

#[derive(Debug, Default)]
pub struct Door {
    locked: bool,
    next_id: ParticipantId,
    people: BTreeMap<ParticipantId, Place>,
}

#[derive(Debug, Clone, Copy)]
struct Place {
    guest: Guest,
    inside: bool,
}

impl Door {
    pub fn new() -> Door {
        Door {
            locked: false,
            next_id: 1,
            people: BTreeMap::new(),
        }
    }

    pub fn locked(&self) -> bool {
        self.locked
    }

    pub fn knock(&mut self, guest: Guest) -> Knock {
        if self.locked && !guest.host {
            return Knock::Refused(Farewell::Locked);
        }
        let replaced: Vec<ParticipantId> = self
            .people
            .iter()
            .filter(|(_, place)| place.guest.account_id == guest.account_id)
            .map(|(id, _)| *id)
            .collect();
        for id in &replaced {
            self.people.remove(id);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.people.insert(
            id,
            Place {
                guest,
                inside: false,
            },
        );
        Knock::Entered {
            id,
            replaced,
            admit: guest.host,
        }
    }

    /// The room let them in (their connection started).
    pub fn came_in(&mut self, id: ParticipantId) {
        if let Some(place) = self.people.get_mut(&id) {
            place.inside = true;
        }
    }

    pub fn left(&mut self, id: ParticipantId) {
        self.people.remove(&id);
    }

    pub fn is_inside(&self, id: ParticipantId) -> bool {
        self.people.get(&id).is_some_and(|place| place.inside)
    }

    pub fn is_host(&self, id: ParticipantId) -> bool {
        self.people.get(&id).is_some_and(|place| place.guest.host)
    }

    fn waiting(&self, which: impl Fn(&Guest) -> bool) -> Vec<ParticipantId> {
        self.people
            .iter()
            .filter(|(_, place)| !place.inside && which(&place.guest))
            .map(|(id, _)| *id)
            .collect()
    }

    fn waits(&self, id: ParticipantId) -> Vec<ParticipantId> {
        self.waiting(|_| true)
            .into_iter()
            .filter(|w| *w == id)
            .collect()
    }

    /// A host's order from `from`; anyone else's is refused.
    pub fn order(&mut self, from: ParticipantId, order: &ClientMessage) -> Effect {
        let host_order = matches!(
            order,
            ClientMessage::Admit { .. }
                | ClientMessage::AdmitAll
                | ClientMessage::AdmitEnrolled
                | ClientMessage::Deny { .. }
                | ClientMessage::DenyAll
                | ClientMessage::AskMute { .. }
                | ClientMessage::Remove { .. }
                | ClientMessage::Lock { .. }
                | ClientMessage::End
        );
        if !host_order {
            return Effect::Nothing;
        }
        if !self.is_host(from) {
            return Effect::Refuse("not_host");
        }
        match *order {
            ClientMessage::Admit { id } => Effect::Admit(self.waits(id)),
            ClientMessage::AdmitAll => Effect::Admit(self.waiting(|_| true)),
            ClientMessage::AdmitEnrolled => {
                Effect::Admit(self.waiting(|guest| guest.enrolled == Some(true)))
            }
            ClientMessage::Deny { id } => Effect::SendAway(self.waits(id), Farewell::Denied),
            ClientMessage::DenyAll => Effect::SendAway(self.waiting(|_| true), Farewell::Denied),
            ClientMessage::AskMute { id } if self.people.contains_key(&id) => Effect::AskMute(id),
            ClientMessage::Remove { id } if id != from && self.people.contains_key(&id) => {
                Effect::SendAway(vec![id], Farewell::Removed)
            }
            ClientMessage::Lock { locked } => {
                self.locked = locked;
                Effect::Locked(locked)
            }
            ClientMessage::End => Effect::End,
            _ => Effect::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(account_id: i64, enrolled: Option<bool>) -> Guest {
        Guest {
            account_id,
            host: false,
            enrolled,
        }
    }

    fn host(account_id: i64) -> Guest {
        Guest {
            account_id,
            host: true,
            enrolled: None,
        }
    }

    fn entered(knock: Knock) -> (ParticipantId, Vec<ParticipantId>, bool) {
        match knock {
            Knock::Entered {
                id,
                replaced,
                admit,
            } => (id, replaced, admit),
            Knock::Refused(farewell) => panic!("refused: {farewell:?}"),
        }
    }

    #[test]
    fn hosts_go_straight_in_and_others_wait() {
        let mut door = Door::new();
        let (leader, _, admit) = entered(door.knock(host(1)));
        assert!(admit);
        door.came_in(leader);
        let (kari, _, admit) = entered(door.knock(guest(2, None)));
        assert!(!admit);
        assert!(!door.is_inside(kari));
        assert_eq!(
            door.order(leader, &ClientMessage::Admit { id: kari }),
            Effect::Admit(vec![kari])
        );
    }

    #[test]
    fn let_in_everyone_enrolled_leaves_the_others_waiting() {
        let mut door = Door::new();
        let (leader, _, _) = entered(door.knock(host(1)));
        door.came_in(leader);
        let (enrolled, _, _) = entered(door.knock(guest(2, Some(true))));
        let (outsider, _, _) = entered(door.knock(guest(3, Some(false))));
        let (also_enrolled, _, _) = entered(door.knock(guest(4, Some(true))));
        let Effect::Admit(admitted) = door.order(leader, &ClientMessage::AdmitEnrolled) else {
            panic!("not an admission");
        };
        assert_eq!(admitted, vec![enrolled, also_enrolled]);
        assert!(!admitted.contains(&outsider));
        for id in admitted {
            door.came_in(id);
        }
        // Asked again, nobody more: the outsider still waits for a host's own choice.
        assert_eq!(
            door.order(leader, &ClientMessage::AdmitEnrolled),
            Effect::Admit(vec![])
        );
        assert_eq!(
            door.order(leader, &ClientMessage::AdmitAll),
            Effect::Admit(vec![outsider])
        );
    }

    #[test]
    fn a_room_without_a_roster_lets_nobody_in_as_enrolled() {
        let mut door = Door::new();
        let (leader, _, _) = entered(door.knock(host(1)));
        door.came_in(leader);
        entered(door.knock(guest(2, None)));
        assert_eq!(
            door.order(leader, &ClientMessage::AdmitEnrolled),
            Effect::Admit(vec![])
        );
    }

    #[test]
    fn only_hosts_give_orders() {
        let mut door = Door::new();
        let (leader, _, _) = entered(door.knock(host(1)));
        door.came_in(leader);
        let (kari, _, _) = entered(door.knock(guest(2, Some(true))));
        let (ola, _, _) = entered(door.knock(guest(3, Some(true))));
        for order in [
            ClientMessage::AdmitEnrolled,
            ClientMessage::Admit { id: ola },
            ClientMessage::Remove { id: leader },
            ClientMessage::Lock { locked: true },
            ClientMessage::End,
        ] {
            assert_eq!(door.order(kari, &order), Effect::Refuse("not_host"));
        }
        assert!(!door.locked());
        // Media and leaving are not orders.
        assert_eq!(door.order(kari, &ClientMessage::Leave), Effect::Nothing);
    }

    #[test]
    fn a_locked_door_refuses_all_but_hosts() {
        let mut door = Door::new();
        let (leader, _, _) = entered(door.knock(host(1)));
        door.came_in(leader);
        door.order(leader, &ClientMessage::Lock { locked: true });
        assert_eq!(
            door.knock(guest(2, Some(true))),
            Knock::Refused(Farewell::Locked)
        );
        let (second_host, _, admit) = entered(door.knock(host(5)));
        assert!(admit);
        assert_ne!(second_host, leader);
    }

    #[test]
    fn a_second_window_replaces_the_first() {
        let mut door = Door::new();
        let (first, _, _) = entered(door.knock(guest(2, Some(true))));
        let (second, replaced, _) = entered(door.knock(guest(2, Some(true))));
        assert_eq!(replaced, vec![first]);
        assert_ne!(first, second);
        let (leader, _, _) = entered(door.knock(host(1)));
        door.came_in(leader);
        assert_eq!(
            door.order(leader, &ClientMessage::AdmitAll),
            Effect::Admit(vec![second])
        );
    }

    #[test]
    fn deny_touches_only_the_waiting_and_remove_never_the_host_themself() {
        let mut door = Door::new();
        let (leader, _, _) = entered(door.knock(host(1)));
        door.came_in(leader);
        let (kari, _, _) = entered(door.knock(guest(2, None)));
        door.came_in(kari);
        let (ola, _, _) = entered(door.knock(guest(3, None)));
        assert_eq!(
            door.order(leader, &ClientMessage::Deny { id: kari }),
            Effect::SendAway(vec![], Farewell::Denied)
        );
        assert_eq!(
            door.order(leader, &ClientMessage::DenyAll),
            Effect::SendAway(vec![ola], Farewell::Denied)
        );
        assert_eq!(
            door.order(leader, &ClientMessage::Remove { id: leader }),
            Effect::Nothing
        );
        assert_eq!(
            door.order(leader, &ClientMessage::Remove { id: kari }),
            Effect::SendAway(vec![kari], Farewell::Removed)
        );
    }
}
