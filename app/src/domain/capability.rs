//! Who may do what: a role in a service grants capabilities in that service, by the one
//! table in `granted`. Every check asks for a capability of a resource, never a role.

use serde::{Deserialize, Serialize};

use super::identity::Role;

/// A service (an RPH team) by its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ServiceId(pub i64);

/// Something a member of staff may do, in one service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Triage the service's referrals on its board: open, claim, move, decide, note, share.
    WorkBoard(ServiceId),
    /// Release a claim someone else holds on the service's board.
    OverrideClaim(ServiceId),
    /// Register a referral that came by phone or on paper, on the person's behalf.
    RegisterReferral(ServiceId),
    /// Export the answers a person sent the service (FHIR).
    ExportAnswers(ServiceId),
    /// Run the service's video rooms: create them, admit and moderate participants.
    HostRoom(ServiceId),
    /// Manage the service's staff: invite, change roles, close and reopen access.
    ManageStaff(ServiceId),
    /// Co-assess the referrals the service shares with you (each share is checked too).
    CoAssess(ServiceId),
    /// Lead the service's course groups you are a leader of (each cohort is checked too).
    LeadGroups(ServiceId),
    /// See and run every course group of the service, whoever leads it.
    ManageCourses(ServiceId),
    /// See the service's figures (outcomes, waiting times) and export its episodes.
    ServiceFigures(ServiceId),
}

/// A capability without its service: what `granted` lists and pages ask about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    WorkBoard,
    OverrideClaim,
    RegisterReferral,
    ExportAnswers,
    HostRoom,
    ManageStaff,
    CoAssess,
    LeadGroups,
    ManageCourses,
    ServiceFigures,
}

impl Kind {
    /// This capability in a service.
    pub fn at(self, service: ServiceId) -> Capability {
        match self {
            Kind::WorkBoard => Capability::WorkBoard(service),
            Kind::OverrideClaim => Capability::OverrideClaim(service),
            Kind::RegisterReferral => Capability::RegisterReferral(service),
            Kind::ExportAnswers => Capability::ExportAnswers(service),
            Kind::HostRoom => Capability::HostRoom(service),
            Kind::ManageStaff => Capability::ManageStaff(service),
            Kind::CoAssess => Capability::CoAssess(service),
            Kind::LeadGroups => Capability::LeadGroups(service),
            Kind::ManageCourses => Capability::ManageCourses(service),
            Kind::ServiceFigures => Capability::ServiceFigures(service),
        }
    }
}

impl Capability {
    pub fn kind(self) -> Kind {
        match self {
            Capability::WorkBoard(_) => Kind::WorkBoard,
            Capability::OverrideClaim(_) => Kind::OverrideClaim,
            Capability::RegisterReferral(_) => Kind::RegisterReferral,
            Capability::ExportAnswers(_) => Kind::ExportAnswers,
            Capability::HostRoom(_) => Kind::HostRoom,
            Capability::ManageStaff(_) => Kind::ManageStaff,
            Capability::CoAssess(_) => Kind::CoAssess,
            Capability::LeadGroups(_) => Kind::LeadGroups,
            Capability::ManageCourses(_) => Kind::ManageCourses,
            Capability::ServiceFigures(_) => Kind::ServiceFigures,
        }
    }

    pub fn service(self) -> ServiceId {
        match self {
            Capability::WorkBoard(s)
            | Capability::OverrideClaim(s)
            | Capability::RegisterReferral(s)
            | Capability::ExportAnswers(s)
            | Capability::HostRoom(s)
            | Capability::ManageStaff(s)
            | Capability::CoAssess(s)
            | Capability::LeadGroups(s)
            | Capability::ManageCourses(s)
            | Capability::ServiceFigures(s) => s,
        }
    }
}

/// The one table: what each role may do in its service.
pub fn granted(role: Role) -> &'static [Kind] {
    use Kind::*;
    match role {
        Role::Intake => &[WorkBoard, RegisterReferral, ExportAnswers],
        Role::Therapist => &[RegisterReferral, ExportAnswers, HostRoom, LeadGroups],
        Role::Lead => &[
            WorkBoard,
            OverrideClaim,
            RegisterReferral,
            ExportAnswers,
            HostRoom,
            ManageStaff,
            LeadGroups,
            ManageCourses,
            ServiceFigures,
        ],
        Role::SpecialistGuest => &[CoAssess],
    }
}

/// A role in a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub service: ServiceId,
    pub role: Role,
}

/// Everything someone may do, from their memberships.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    memberships: Vec<Membership>,
}

impl Capabilities {
    pub fn new(memberships: Vec<Membership>) -> Capabilities {
        Capabilities { memberships }
    }

    /// Whether they may do this.
    pub fn may(&self, capability: Capability) -> bool {
        self.role_in(capability.service())
            .is_some_and(|role| granted(role).contains(&capability.kind()))
    }

    /// Whether they may do this kind of thing in any service (what a menu offers).
    pub fn anywhere(&self, kind: Kind) -> bool {
        self.services(kind).next().is_some()
    }

    /// The services where they may do this kind of thing, in order of service id.
    pub fn services(&self, kind: Kind) -> impl Iterator<Item = ServiceId> + '_ {
        self.memberships
            .iter()
            .filter(move |m| granted(m.role).contains(&kind))
            .map(|m| m.service)
    }

    /// Their role in a service, for the access log's record of who acted as what.
    pub fn role_in(&self, service: ServiceId) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.service == service)
            .map(|m| m.role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: ServiceId = ServiceId(1);
    const Y: ServiceId = ServiceId(2);

    fn as_role(role: Role) -> Capabilities {
        Capabilities::new(vec![Membership { service: X, role }])
    }

    #[test]
    fn a_capability_holds_only_in_the_service_of_the_role() {
        let lead = as_role(Role::Lead);
        assert!(lead.may(Capability::ManageStaff(X)));
        assert!(!lead.may(Capability::ManageStaff(Y)));
        assert!(!Capabilities::default().may(Capability::WorkBoard(X)));
    }

    #[test]
    fn each_role_may_do_what_its_work_needs_and_nothing_else() {
        let all = [
            Kind::WorkBoard,
            Kind::OverrideClaim,
            Kind::RegisterReferral,
            Kind::ExportAnswers,
            Kind::HostRoom,
            Kind::ManageStaff,
            Kind::CoAssess,
            Kind::LeadGroups,
            Kind::ManageCourses,
            Kind::ServiceFigures,
        ];
        let may = |role| {
            let capabilities = as_role(role);
            all.into_iter()
                .filter(|kind| capabilities.may(kind.at(X)))
                .collect::<Vec<_>>()
        };
        use Kind::*;
        assert_eq!(
            may(Role::Intake),
            [WorkBoard, RegisterReferral, ExportAnswers]
        );
        assert_eq!(
            may(Role::Therapist),
            [RegisterReferral, ExportAnswers, HostRoom, LeadGroups]
        );
        assert_eq!(
            may(Role::Lead),
            [
                WorkBoard,
                OverrideClaim,
                RegisterReferral,
                ExportAnswers,
                HostRoom,
                ManageStaff,
                LeadGroups,
                ManageCourses,
                ServiceFigures
            ]
        );
        assert_eq!(may(Role::SpecialistGuest), [CoAssess]);
    }

    #[test]
    fn services_lists_where_a_kind_of_work_may_be_done() {
        let two = Capabilities::new(vec![
            Membership {
                service: X,
                role: Role::Therapist,
            },
            Membership {
                service: Y,
                role: Role::Intake,
            },
        ]);
        assert_eq!(two.services(Kind::WorkBoard).collect::<Vec<_>>(), [Y]);
        assert_eq!(two.services(Kind::HostRoom).collect::<Vec<_>>(), [X]);
        assert!(two.anywhere(Kind::ExportAnswers));
        assert!(!two.anywhere(Kind::ManageStaff));
        assert_eq!(two.role_in(Y), Some(Role::Intake));
    }
}
