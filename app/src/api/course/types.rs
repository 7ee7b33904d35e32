//! What crosses the wire for a person's courses.

use serde::{Deserialize, Serialize};

/// Where the person stands with a course offered to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// Offered, not answered yet.
    Offered,
    /// Holds a seat.
    Seat,
    /// On the wait list: 1 is next.
    Waiting(u32),
    /// A seat freed up and is held for them until the deadline.
    SeatHeld,
    /// Declined the offer.
    Declined,
    /// Withdrew from a seat or the wait list, or was taken off the course by staff.
    Left,
    /// A seat held for them passed on when its deadline ran out.
    Passed,
    /// The course stopped taking enrolment before they answered.
    Closed,
    /// The group was cancelled: whatever they held in it is gone.
    Cancelled,
    /// They held a seat and the course is over.
    Finished,
}

/// One session as the person reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLine {
    /// "mandag 19.10.2026, 18:00–20:30"
    pub when: String,
    /// "På video" / "Frammøte", and "Oppfølgingsmøte" for a follow-up.
    pub how: String,
    pub cancelled: bool,
    /// The room's address, for a seat holder from 15 minutes before a video session
    /// until it ends.
    #[serde(default)]
    pub join: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCourse {
    /// The referral it was offered on.
    pub reference: String,
    pub name: String,
    pub description: String,
    /// "8 samlinger + 2 oppfølgingsmøter · 2 t 30 min"
    pub length: String,
    pub standing: Standing,
    /// For a held seat: the last moment to take it, in Norwegian time.
    pub deadline: Option<String>,
    pub sessions: Vec<SessionLine>,
    /// The measures to answer before the next session.
    pub measures_due: Vec<MeasureDue>,
    /// That session, as "mandag 19.10.2026, 18:00–20:30".
    pub measures_for: Option<String>,
    /// The service's number and the sentence that gives it, when it has one.
    pub contact: Option<(String, String)>,
}

/// A questionnaire to answer before a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureDue {
    pub instrument: String,
    pub title: String,
    pub items: usize,
}

/// One measure's page: the questionnaire, for the session it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasurePage {
    pub reference: String,
    pub number: u32,
    pub when: String,
    pub instrument: crate::api::referral::types::InstrumentView,
}

/// A participant's first and latest score on one instrument.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreLine {
    pub instrument: String,
    pub first: Option<f64>,
    pub latest: Option<f64>,
    /// Sessions with an answer.
    pub answers: usize,
}

/// A participant's measures on their leaders' page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParticipantScores {
    pub name: String,
    pub reference: String,
    pub scores: Vec<ScoreLine>,
    /// The latest risk answer, "12.01.2027".
    pub risk_on: Option<String>,
}

/// A cohort in a leader's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub cohort_id: i64,
    pub course: String,
    pub state: String,
    /// "11.11.2026 – 24.02.2027"
    pub dates: String,
    /// "5 av 12 plasser tatt · 2 på venteliste"
    pub seats: String,
    pub led_by_me: bool,
}

/// One person on a roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterLine {
    pub referral_id: i64,
    /// Holds a seat (not waiting, not held).
    pub enrolled: bool,
    pub name: String,
    pub reference: String,
    /// "Har plass", "Nr. 2 på ventelisten", "Plass holdt til …"
    pub standing: String,
    /// Finishing the group closed their referral, and the viewer is the lead who may
    /// open it again.
    pub reopenable: bool,
}

/// A session as its leader sees it: with the room's full address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSession {
    pub session_id: i64,
    pub number: u32,
    pub line: SessionLine,
    pub link: Option<String>,
    /// Still to come and not cancelled: its leaders may cancel or change it.
    pub cancellable: bool,
    /// The first session not cancelled and not over: the one the leaders meet next.
    pub next: bool,
    /// Its date and start in Norway ("2026-12-02", "17:00"), and how it meets
    /// ("video", "in_person"), to change it from.
    pub date: String,
    pub time: String,
    pub format: String,
}

/// What the leaders of a group not yet over may change, as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSettings {
    pub capacity: i64,
    pub leader: Option<i64>,
    pub co_leader: Option<i64>,
    pub place: String,
    /// Therapists and leads of the service: (account id, name).
    pub leaders: Vec<(i64, String)>,
}

/// What the "new course group" form offers a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGroupForm {
    /// (id, name, default capacity)
    pub courses: Vec<(i64, String, i64)>,
    /// Therapists and leads of the service: (account id, name).
    pub leaders: Vec<(i64, String)>,
    /// Today in Norway, "2026-12-02": the earliest first date.
    pub today: String,
}

/// A session's column in the attendance grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceColumn {
    pub session_id: i64,
    pub number: u32,
    /// "12.01."
    pub date: String,
    /// An in-person session that has begun: its leader ticks who came.
    pub tickable: bool,
}

/// One participant's row: a cell per column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRow {
    pub name: String,
    pub referral_id: i64,
    pub cells: Vec<AttendanceCell>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceCell {
    pub present: bool,
    /// Ticked by a leader (so a leader may undo it).
    pub ticked: bool,
    /// Minutes in the room, for a video session.
    pub minutes: Option<i64>,
}

/// A cohort's page for its leaders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub cohort_id: i64,
    pub course: String,
    pub state: String,
    pub seats: String,
    pub roster: Vec<RosterLine>,
    pub sessions: Vec<GroupSession>,
    pub columns: Vec<AttendanceColumn>,
    pub attendance: Vec<AttendanceRow>,
    /// The course's measures, by title, in the order asked.
    pub measures: Vec<String>,
    pub scores: Vec<ParticipantScores>,
    /// The states it may move to, (key, label), for those who manage it.
    pub next_states: Vec<StateStep>,
    /// None once it has finished or was cancelled.
    pub settings: Option<GroupSettings>,
    /// Whether the viewer works the service's board, where a referral opens: a
    /// group's leaders who do not see only their names and scores here.
    pub opens_board: bool,
}

/// A course of the service's catalogue, as its lead lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseLine {
    pub course_id: i64,
    pub name: String,
    /// "8 samlinger + 2 oppfølgingsmøter · 2 t 30 min · På video"
    pub facts: String,
    /// The measures' titles, "PHQ-9, GAD-7", or empty.
    pub measures: String,
}

/// A state a group may move to next: its key, the button, what it does, and the
/// confirming button of a step that cannot be taken back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateStep {
    pub state: String,
    pub action: String,
    pub hint: String,
    pub confirm: Option<String>,
}

/// A course the product ships that the service's catalogue does not have yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateLine {
    /// Its key in `seeds/courses.toml` ("kid").
    pub template: String,
    pub name: String,
    pub facts: String,
    pub description: String,
}

/// The course form: the course as it stands (a new one: the defaults), and the
/// questionnaires it may take before each session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseForm {
    /// None for a new course.
    pub course_id: Option<i64>,
    /// Field name → value, as the form's inputs are named.
    pub values: Vec<(String, String)>,
    pub measures: Vec<String>,
    /// (key, title) of every questionnaire a course may take.
    pub instruments: Vec<(String, String)>,
}
