//! Group courses in the database: a service's catalogue (started from the shipped
//! templates), cohorts with their leaders and dated sessions (each video session with
//! its room), and seats: taking one, waiting for one, and handing a freed one on.

use serde::Deserialize;
use sqlx::Row;

use super::db::now;
use super::Db;
use crate::domain::capability::ServiceId;
use crate::domain::course::catalogue::CourseDefinition;
use crate::domain::course::enrolment::{place_in_line, SEAT_OFFER_SECONDS};
use crate::domain::course::{
    CohortError, CohortId, CohortState, CourseId, EnrolmentStatus, Format, Placement, WeeklyPlan,
};

const TEMPLATES: &str = include_str!("../../../seeds/courses.toml");

/// A course as the product ships it, for a service to start from.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseTemplate {
    pub template: String,
    pub name: String,
    pub description: String,
    pub suits: String,
    pub weekly_sessions: u32,
    pub follow_ups: u32,
    pub follow_up_weeks: u32,
    pub session_minutes: u32,
    pub format: String,
    pub measures: Vec<String>,
    pub capacity: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Templates {
    course: Vec<CourseTemplate>,
}

/// A shipped template that does not read.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("seeds/courses.toml does not parse")]
    Parse(#[from] toml::de::Error),
    #[error("course template {0}: {1}")]
    Invalid(String, &'static str),
}

/// The shipped templates (`seeds/courses.toml`), checked when they are read.
pub fn templates() -> Result<Vec<CourseTemplate>, TemplateError> {
    let templates: Templates = toml::from_str(TEMPLATES)?;
    for t in &templates.course {
        if Format::parse(&t.format).is_none() {
            return Err(TemplateError::Invalid(t.template.clone(), "unknown format"));
        }
        crate::domain::course::cohort::check_capacity(t.capacity, 0)
            .map_err(|e| TemplateError::Invalid(t.template.clone(), e.key()))?;
    }
    Ok(templates.course)
}

/// Gives a service every course of these templates it does not have yet. A course
/// made from a template and edited since is left as it is.
pub async fn add_templates(
    db: &Db,
    service: ServiceId,
    templates: &[CourseTemplate],
) -> Result<(), sqlx::Error> {
    let t = now();
    for c in templates {
        sqlx::query(
            "insert into course (service_id, template, name, description, suits, weekly_sessions,
                 follow_ups, follow_up_weeks, session_minutes, format, measures, capacity, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             on conflict (service_id, template) do nothing",
        )
        .bind(service.0)
        .bind(&c.template)
        .bind(&c.name)
        .bind(&c.description)
        .bind(&c.suits)
        .bind(i64::from(c.weekly_sessions))
        .bind(i64::from(c.follow_ups))
        .bind(i64::from(c.follow_up_weeks))
        .bind(i64::from(c.session_minutes))
        .bind(&c.format)
        .bind(c.measures.join(","))
        .bind(c.capacity)
        .bind(t)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// A course as its pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseRow {
    pub course_id: CourseId,
    pub service_id: ServiceId,
    pub template: Option<String>,
    pub name: String,
    pub description: String,
    pub suits: String,
    pub weekly_sessions: u32,
    pub follow_ups: u32,
    pub follow_up_weeks: u32,
    pub session_minutes: u32,
    pub format: Format,
    pub measures: Vec<String>,
    pub capacity: i64,
}

const COURSE_COLUMNS: &str = "course_id, service_id, template, name, description, suits,
    weekly_sessions, follow_ups, follow_up_weeks, session_minutes, format, measures, capacity";

fn u32_of(row: &sqlx::any::AnyRow, column: &str) -> Result<u32, sqlx::Error> {
    let v: i64 = row.try_get(column)?;
    u32::try_from(v).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn course_from(row: &sqlx::any::AnyRow) -> Result<CourseRow, sqlx::Error> {
    let format: String = row.try_get("format")?;
    let measures: String = row.try_get("measures")?;
    Ok(CourseRow {
        course_id: CourseId(row.try_get("course_id")?),
        service_id: ServiceId(row.try_get("service_id")?),
        template: row.try_get("template")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        suits: row.try_get("suits")?,
        weekly_sessions: u32_of(row, "weekly_sessions")?,
        follow_ups: u32_of(row, "follow_ups")?,
        follow_up_weeks: u32_of(row, "follow_up_weeks")?,
        session_minutes: u32_of(row, "session_minutes")?,
        format: Format::parse(&format).unwrap_or(Format::Video),
        measures: measures
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        capacity: row.try_get("capacity")?,
    })
}

/// A service's courses, by name.
pub async fn courses_of(db: &Db, service: ServiceId) -> Result<Vec<CourseRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select {COURSE_COLUMNS} from course where service_id = $1 order by name, course_id"
    ))
    .bind(service.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(course_from).collect()
}

pub async fn course(db: &Db, course: CourseId) -> Result<Option<CourseRow>, sqlx::Error> {
    sqlx::query(&format!(
        "select {COURSE_COLUMNS} from course where course_id = $1"
    ))
    .bind(course.0)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(course_from)
    .transpose()
}

/// Adds a course a lead defined to the service's catalogue.
pub async fn create_course(
    db: &Db,
    service: ServiceId,
    course: &CourseDefinition,
) -> Result<CourseId, sqlx::Error> {
    let id: i64 = sqlx::query(
        "insert into course (service_id, name, description, suits, weekly_sessions, follow_ups,
             follow_up_weeks, session_minutes, format, measures, capacity, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning course_id",
    )
    .bind(service.0)
    .bind(&course.name)
    .bind(&course.description)
    .bind(&course.suits)
    .bind(i64::from(course.weekly_sessions))
    .bind(i64::from(course.follow_ups))
    .bind(i64::from(course.follow_up_weeks))
    .bind(i64::from(course.session_minutes))
    .bind(course.format.key())
    .bind(course.measures.join(","))
    .bind(course.capacity)
    .bind(now())
    .fetch_one(&db.pool)
    .await?
    .try_get("course_id")?;
    Ok(CourseId(id))
}

/// Changes a course of the catalogue. Groups already made keep their dates and seats;
/// the next one is made from the course as it is now. Its shipped template, if any,
/// stays its key, so loading the templates again leaves the lead's changes alone.
pub async fn update_course(
    db: &Db,
    id: CourseId,
    course: &CourseDefinition,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update course set name = $1, description = $2, suits = $3, weekly_sessions = $4,
             follow_ups = $5, follow_up_weeks = $6, session_minutes = $7, format = $8,
             measures = $9, capacity = $10
         where course_id = $11",
    )
    .bind(&course.name)
    .bind(&course.description)
    .bind(&course.suits)
    .bind(i64::from(course.weekly_sessions))
    .bind(i64::from(course.follow_ups))
    .bind(i64::from(course.follow_up_weeks))
    .bind(i64::from(course.session_minutes))
    .bind(course.format.key())
    .bind(course.measures.join(","))
    .bind(course.capacity)
    .bind(id.0)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A course in the public catalogue, with the start of its next cohort that takes
/// enrolment, if one is planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub course: CourseRow,
    pub next_start: Option<i64>,
}

/// What the service page lists: every course, with its next cohort's first session.
pub async fn catalogue(db: &Db, service: ServiceId) -> Result<Vec<CatalogueEntry>, sqlx::Error> {
    let courses = courses_of(db, service).await?;
    let starts = sqlx::query(
        "select c.course_id, min(s.starts_at) as next_start
         from cohort c join cohort_session s on s.cohort_id = c.cohort_id
         where c.service_id = $1 and c.state in ('planned', 'open') and s.number = 1
           and s.starts_at > $2
         group by c.course_id",
    )
    .bind(service.0)
    .bind(now())
    .fetch_all(&db.pool)
    .await?;
    let mut next = std::collections::HashMap::new();
    for row in starts {
        next.insert(
            row.try_get::<i64, _>("course_id")?,
            row.try_get::<i64, _>("next_start")?,
        );
    }
    Ok(courses
        .into_iter()
        .map(|course| CatalogueEntry {
            next_start: next.get(&course.course_id.0).copied(),
            course,
        })
        .collect())
}

/// A new cohort: which course, who leads it, how many seats, and its dates.
#[derive(Clone, Debug)]
pub struct NewCohort {
    pub course: CourseId,
    pub service: ServiceId,
    pub leaders: Vec<i64>,
    pub capacity: i64,
    pub plan: WeeklyPlan,
    /// How every session meets; a course of format "both" starts all by video.
    pub format: Format,
    pub place: String,
    pub state: CohortState,
}

/// Creates a cohort with its leaders and sessions (each video session with its room),
/// in one transaction. Refuses a session that overlaps another session of a leader.
pub async fn create_cohort(
    db: &Db,
    new: &NewCohort,
) -> Result<Result<CohortId, CohortError>, sqlx::Error> {
    if let Err(e) = crate::domain::course::cohort::check_leaders(&new.leaders)
        .and_then(|()| crate::domain::course::cohort::check_capacity(new.capacity, 0).map(|_| ()))
    {
        return Ok(Err(e));
    }
    let sessions = new.plan.sessions();
    let t = now();
    let mut tx = db.begin_write().await?;
    let leaders = lock_leaders(db, &mut tx, &new.leaders).await?;
    for s in &sessions {
        if leader_clash(
            &mut tx,
            &leaders,
            (s.starts_at, s.ends_at),
            Besides::Nothing,
        )
        .await?
        {
            return Ok(Err(CohortError::LeaderOverlap));
        }
    }
    let cohort_id: i64 = sqlx::query(
        "insert into cohort (course_id, service_id, state, capacity, place, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning cohort_id",
    )
    .bind(new.course.0)
    .bind(new.service.0)
    .bind(new.state.key())
    .bind(new.capacity)
    .bind(&new.place)
    .bind(t)
    .fetch_one(&mut *tx)
    .await?
    .try_get("cohort_id")?;
    for leader in &new.leaders {
        sqlx::query("insert into cohort_leader (cohort_id, account_id) values ($1, $2)")
            .bind(cohort_id)
            .bind(leader)
            .execute(&mut *tx)
            .await?;
    }
    let session_format = match new.format {
        Format::InPerson => Format::InPerson,
        Format::Video | Format::Both => Format::Video,
    };
    for s in &sessions {
        let room_id: Option<i64> = if session_format == Format::Video {
            Some(session_room(&mut tx, new.service, s.number, new.leaders[0], t).await?)
        } else {
            None
        };
        sqlx::query(
            "insert into cohort_session (cohort_id, number, starts_at, ends_at, format, follow_up,
                 room_id)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(cohort_id)
        .bind(i64::from(s.number))
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(session_format.key())
        .bind(i64::from(s.follow_up))
        .bind(room_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(CohortId(cohort_id)))
}

/// Makes the video room of a cohort's session `number`, for its leader to open.
async fn session_room(
    conn: &mut sqlx::AnyConnection,
    service: ServiceId,
    number: u32,
    leader: i64,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "insert into room (code, service_id, title, created_by, created_at)
         values ($1, $2, $3, $4, $5) returning room_id",
    )
    .bind(super::rooms::new_code())
    .bind(service.0)
    // Neutral: a room's title is seen by everyone in it.
    .bind(format!("Samling {number}"))
    .bind(leader)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?
    .try_get("room_id")
}

/// Sessions a clash check leaves out: the one being moved, or the cohort whose leaders
/// change (its own sessions are theirs to lead).
#[derive(Clone, Copy, Debug)]
enum Besides {
    Nothing,
    Session(i64),
    Cohort(CohortId),
}

/// Leaders whose schedules this transaction holds until it ends, so a check for clashes
/// and the write that follows it are one step: two groups started at once for one leader
/// cannot both find the hour free. SQLite's write lock already holds everything;
/// PostgreSQL takes a transaction-scoped advisory lock per leader, in id order.
struct LeadersLocked<'a>(&'a [i64]);

async fn lock_leaders<'a>(
    db: &Db,
    conn: &mut sqlx::AnyConnection,
    leaders: &'a [i64],
) -> Result<LeadersLocked<'a>, sqlx::Error> {
    if db.backend == super::Backend::Postgres {
        let mut ids = leaders.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            sqlx::query("select pg_advisory_xact_lock($1, $2)")
                .bind(LEADER_LOCK_CLASS)
                .bind(i32::try_from(id).unwrap_or(i32::MAX))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(LeadersLocked(leaders))
}

/// The first key of a leader's advisory lock ("RPHL" in ASCII); the second is the account.
const LEADER_LOCK_CLASS: i32 = 0x5250_484c;

/// Whether one of the locked leaders leads another session, not cancelled, that
/// overlaps `[starts, ends)`.
async fn leader_clash(
    conn: &mut sqlx::AnyConnection,
    LeadersLocked(leaders): &LeadersLocked<'_>,
    (starts, ends): (i64, i64),
    besides: Besides,
) -> Result<bool, sqlx::Error> {
    let (session, cohort) = match besides {
        Besides::Nothing => (-1, -1),
        Besides::Session(id) => (id, -1),
        Besides::Cohort(id) => (-1, id.0),
    };
    for leader in *leaders {
        let clash = sqlx::query(
            "select 1 as one from cohort_session s
             join cohort_leader l on l.cohort_id = s.cohort_id
             join cohort c on c.cohort_id = s.cohort_id
             where l.account_id = $1 and s.cancelled_at is null and c.state <> 'cancelled'
               and s.starts_at < $3 and $2 < s.ends_at
               and s.cohort_session_id <> $4 and s.cohort_id <> $5
             limit 1",
        )
        .bind(leader)
        .bind(starts)
        .bind(ends)
        .bind(session)
        .bind(cohort)
        .fetch_optional(&mut *conn)
        .await?;
        if clash.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A cohort's counts and state, as enrolment sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CohortSeats {
    pub service: ServiceId,
    pub state: CohortState,
    pub capacity: i64,
    pub seats_held: i64,
}

pub async fn seats(db: &Db, cohort: CohortId) -> Result<Option<CohortSeats>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select service_id, state, capacity, seats_held from cohort where cohort_id = $1",
    )
    .bind(cohort.0)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let state: String = row.try_get("state")?;
    Ok(Some(CohortSeats {
        service: ServiceId(row.try_get("service_id")?),
        state: CohortState::parse(&state).unwrap_or(CohortState::Cancelled),
        capacity: row.try_get("capacity")?,
        seats_held: row.try_get("seats_held")?,
    }))
}

/// Someone's current place in a cohort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentRow {
    pub enrolment_id: i64,
    pub cohort_id: CohortId,
    pub referral_id: i64,
    pub status: EnrolmentStatus,
    pub wait_number: Option<i64>,
    pub seat_offered_at: Option<i64>,
}

fn enrolment_from(row: &sqlx::any::AnyRow) -> Result<EnrolmentRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(EnrolmentRow {
        enrolment_id: row.try_get("enrolment_id")?,
        cohort_id: CohortId(row.try_get("cohort_id")?),
        referral_id: row.try_get("referral_id")?,
        status: EnrolmentStatus::parse(&status).unwrap_or(EnrolmentStatus::Withdrawn),
        wait_number: row.try_get("wait_number")?,
        seat_offered_at: row.try_get("seat_offered_at")?,
    })
}

const ENROLMENT_COLUMNS: &str =
    "enrolment_id, cohort_id, referral_id, status, wait_number, seat_offered_at";

pub async fn enrolments_of_cohort(
    db: &Db,
    cohort: CohortId,
) -> Result<Vec<EnrolmentRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select {ENROLMENT_COLUMNS} from enrolment where cohort_id = $1
         order by case when wait_number is null then 0 else 1 end, wait_number, enrolment_id"
    ))
    .bind(cohort.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(enrolment_from).collect()
}

/// A referral's enrolment in a cohort, whatever its status.
async fn enrolment_of(
    conn: &mut sqlx::AnyConnection,
    cohort: CohortId,
    referral_id: i64,
) -> Result<Option<EnrolmentRow>, sqlx::Error> {
    sqlx::query(&format!(
        "select {ENROLMENT_COLUMNS} from enrolment where cohort_id = $1 and referral_id = $2"
    ))
    .bind(cohort.0)
    .bind(referral_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(enrolment_from)
    .transpose()
}

/// Where a person stands now.
async fn placement_of(
    conn: &mut sqlx::AnyConnection,
    cohort: CohortId,
    e: &EnrolmentRow,
) -> Result<Placement, sqlx::Error> {
    if e.status.holds_seat() {
        return Ok(Placement::Seat);
    }
    let queue: Vec<i64> = sqlx::query(
        "select wait_number from enrolment where cohort_id = $1 and status = 'waiting'",
    )
    .bind(cohort.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("wait_number"))
    .collect::<Result<_, _>>()?;
    Ok(Placement::WaitList(place_in_line(
        e.wait_number.unwrap_or(i64::MAX),
        &queue,
    )))
}

/// Takes the cohort's row lock (PostgreSQL; SQLite's write lock is already held), so
/// the seats and the wait list of one cohort change one transaction at a time.
async fn lock_cohort(
    conn: &mut sqlx::AnyConnection,
    cohort: CohortId,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("update cohort set updated_at = $2 where cohort_id = $1")
        .bind(cohort.0)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A person accepts a seat in a cohort: a seat while one is free, else a place on the
/// wait list in order of acceptance. Accepting again answers where they stand; a held
/// seat is taken. A seat is taken by one conditional update of the cohort's count under
/// the cohort's lock, so however many accept at once, no more than its capacity do.
pub async fn accept(
    db: &Db,
    cohort: CohortId,
    referral_id: i64,
) -> Result<Result<Placement, CohortError>, sqlx::Error> {
    let t = now();
    let mut tx = db.begin_write().await?;
    lock_cohort(&mut tx, cohort, t).await?;
    let existing = enrolment_of(&mut tx, cohort, referral_id).await?;
    if let Some(e) = existing.as_ref().filter(|e| e.status.is_current()) {
        if e.status == EnrolmentStatus::SeatOffered
            && e.seat_offered_at
                .is_some_and(|at| crate::domain::course::enrolment::offer_lapsed(at, t))
        {
            // Its deadline went by: the next pass hands it on.
            tx.commit().await?;
            return Ok(Err(CohortError::SeatLapsed));
        }
        if e.status == EnrolmentStatus::SeatOffered {
            // Taking the seat held for them.
            sqlx::query(
                "update enrolment set status = 'enrolled', updated_at = $2 where enrolment_id = $1",
            )
            .bind(e.enrolment_id)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        }
        let placement = placement_of(&mut tx, cohort, e).await?;
        super::episodes::touch(&mut tx, referral_id).await?;
        tx.commit().await?;
        return Ok(Ok(placement));
    }
    let seat = sqlx::query(
        "update cohort set seats_held = seats_held + 1, updated_at = $2
         where cohort_id = $1 and seats_held < capacity and state = 'open'
         returning seats_held",
    )
    .bind(cohort.0)
    .bind(t)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, wait_number) = if seat.is_some() {
        (EnrolmentStatus::Enrolled, None)
    } else {
        let Some(row) = sqlx::query(
            "update cohort set wait_next = wait_next + 1, updated_at = $2
             where cohort_id = $1 and state = 'open'
             returning wait_next",
        )
        .bind(cohort.0)
        .bind(t)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Err(CohortError::NotTakingEnrolment));
        };
        let next: i64 = row.try_get("wait_next")?;
        (EnrolmentStatus::Waiting, Some(next - 1))
    };
    let row = sqlx::query(&format!(
        "insert into enrolment (cohort_id, referral_id, status, wait_number, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $5)
         on conflict (cohort_id, referral_id) do update set status = excluded.status,
             wait_number = excluded.wait_number, seat_offered_at = null, reason = null,
             updated_at = excluded.updated_at
         returning {ENROLMENT_COLUMNS}"
    ))
    .bind(cohort.0)
    .bind(referral_id)
    .bind(status.key())
    .bind(wait_number)
    .bind(t)
    .fetch_one(&mut *tx)
    .await?;
    let enrolment = enrolment_from(&row)?;
    let placement = placement_of(&mut tx, cohort, &enrolment).await?;
    super::episodes::touch(&mut tx, referral_id).await?;
    tx.commit().await?;
    Ok(Ok(placement))
}

/// How someone leaves a cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaving {
    /// They withdraw themselves.
    Withdraw,
    /// Staff remove them (the reason is kept).
    Remove,
    /// They let a held seat pass, or its deadline went by.
    Pass,
}

/// Takes a person out of a cohort; a seat they held is held for the first on the wait
/// list, who has `SEAT_OFFER_SECONDS` to take it. Returns the referral the freed seat
/// was offered to, if any. Leaving twice changes nothing.
pub async fn leave(
    db: &Db,
    cohort: CohortId,
    referral_id: i64,
    how: Leaving,
    reason: Option<&str>,
) -> Result<Option<i64>, sqlx::Error> {
    Ok(leave_at(db, cohort, referral_id, how, reason, now())
        .await?
        .offered_to)
}

/// What leaving did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Left {
    /// They were in the cohort or its line and are not now.
    pub left: bool,
    /// The referral a freed seat is now held for.
    pub offered_to: Option<i64>,
}

/// [`leave`] at a given moment (a lapsed seat is judged by it).
pub async fn leave_at(
    db: &Db,
    cohort: CohortId,
    referral_id: i64,
    how: Leaving,
    reason: Option<&str>,
    t: i64,
) -> Result<Left, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    lock_cohort(&mut tx, cohort, t).await?;
    let status = match how {
        Leaving::Withdraw => EnrolmentStatus::Withdrawn,
        Leaving::Remove => EnrolmentStatus::Removed,
        Leaving::Pass => EnrolmentStatus::Passed,
    };
    // A held seat passes on only while it is still held and its deadline has gone by
    // (checked under the cohort's lock: the person may have just taken it).
    let current = match how {
        Leaving::Pass => format!(
            "status = 'seat_offered' and seat_offered_at <= {}",
            t - SEAT_OFFER_SECONDS
        ),
        Leaving::Withdraw | Leaving::Remove => {
            "status in ('enrolled', 'waiting', 'seat_offered')".to_owned()
        }
    };
    let Some(row) = sqlx::query(&format!(
        "update enrolment set status = $3, reason = $4, updated_at = $5
         where cohort_id = $1 and referral_id = $2 and {current}
         returning enrolment_id"
    ))
    .bind(cohort.0)
    .bind(referral_id)
    .bind(status.key())
    .bind(reason)
    .bind(t)
    .fetch_optional(&mut *tx)
    .await?
    else {
        tx.commit().await?;
        return Ok(Left {
            left: false,
            offered_to: None,
        });
    };
    let _: i64 = row.try_get("enrolment_id")?;
    super::episodes::touch(&mut tx, referral_id).await?;
    if how == Leaving::Pass {
        let event = super::board::actions::Event::new("course_seat_passed");
        super::board::actions::record(&mut *tx, referral_id, None, t, event).await?;
    }
    // Whether a seat was freed: the holders now fall short of the seats counted.
    let holding: i64 = sqlx::query(
        "select count(*) as n from enrolment where cohort_id = $1 and status in ('enrolled', 'seat_offered')",
    )
    .bind(cohort.0)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let held: i64 = sqlx::query("select seats_held from cohort where cohort_id = $1")
        .bind(cohort.0)
        .fetch_one(&mut *tx)
        .await?
        .try_get("seats_held")?;
    let mut offered_to = None;
    if holding < held {
        // A seat was freed: hold it for the first in line, or give it back.
        // Only a group that still meets hands a seat on.
        let next = sqlx::query(
            "select e.enrolment_id, e.referral_id from enrolment e
             join cohort c on c.cohort_id = e.cohort_id
             where e.cohort_id = $1 and e.status = 'waiting' and c.state in ('open', 'running')
             order by e.wait_number limit 1",
        )
        .bind(cohort.0)
        .fetch_optional(&mut *tx)
        .await?;
        match next {
            Some(next) => {
                sqlx::query(
                    "update enrolment set status = 'seat_offered', seat_offered_at = $2, updated_at = $2
                     where enrolment_id = $1",
                )
                .bind(next.try_get::<i64, _>("enrolment_id")?)
                .bind(t)
                .execute(&mut *tx)
                .await?;
                let next: i64 = next.try_get("referral_id")?;
                let event = super::board::actions::Event::new("course_seat_held");
                super::board::actions::record(&mut *tx, next, None, t, event).await?;
                offered_to = Some(next);
            }
            None => {
                sqlx::query(
                    "update cohort set seats_held = seats_held - 1, updated_at = $2 where cohort_id = $1",
                )
                .bind(cohort.0)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(Left {
        left: true,
        offered_to,
    })
}

/// Takes a referral out of every cohort it holds a seat in or waits for (the person
/// withdrew the referral, or it was closed).
/// Returns the referrals a freed seat is now held for, to tell them.
pub async fn leave_every_cohort(db: &Db, referral_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let cohorts = sqlx::query(
        "select cohort_id from enrolment
         where referral_id = $1 and status in ('enrolled', 'waiting', 'seat_offered')",
    )
    .bind(referral_id)
    .fetch_all(&db.pool)
    .await?;
    let mut held_for = Vec::new();
    for row in cohorts {
        let cohort = CohortId(row.try_get("cohort_id")?);
        held_for.extend(leave(db, cohort, referral_id, Leaving::Withdraw, None).await?);
    }
    Ok(held_for)
}

/// Passes on every held seat whose deadline has gone by, and tells each next person in
/// line that a seat is held for them; returns how many lapsed.
pub async fn lapse_seat_offers_and_tell(
    state: &super::AppState,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let (passed, held_for) = lapse(&state.db, at).await?;
    for next in held_for {
        tell_seat_held(state, next, at).await?;
    }
    Ok(passed)
}

/// Tells a person that a seat came free and is held for them, with the deadline, in the
/// language they wrote in; the course is not named (an email may be seen by others). A
/// failed send is logged: My page says it too.
pub async fn tell_seat_held(
    state: &super::AppState,
    referral_id: i64,
    held_at: i64,
) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query(
        "select a.email, r.lang from referral r join account a on a.account_id = r.account_id
         where r.referral_id = $1",
    )
    .bind(referral_id)
    .fetch_optional(&state.db.pool)
    .await?
    else {
        return Ok(());
    };
    let lang: String = row.try_get("lang")?;
    let c = crate::i18n::texts(crate::i18n::Lang::from_code(&lang).unwrap_or_default()).course;
    let deadline = crate::domain::clock::format_oslo(held_at + SEAT_OFFER_SECONDS);
    let mail = super::OutgoingMail {
        to: row.try_get("email")?,
        subject: c.mail_seat_held_subject.to_owned(),
        text: c
            .mail_seat_held_body
            .replace("{deadline}", &deadline)
            .replace("{link}", &format!("{}/account", state.site.public_url)),
    };
    if let Err(error) = state.mailer.send(mail).await {
        tracing::error!(error = ?error, referral_id, "could not tell a person their held seat");
    }
    Ok(())
}

/// Passes on every held seat whose deadline has gone by; returns how many lapsed.
pub async fn lapse_seat_offers(db: &Db, at: i64) -> Result<u64, sqlx::Error> {
    Ok(lapse(db, at).await?.0)
}

/// The lapsing itself: how many passed on, and the referrals the seats are now held for.
async fn lapse(db: &Db, at: i64) -> Result<(u64, Vec<i64>), sqlx::Error> {
    let lapsed = sqlx::query(
        "select e.cohort_id, e.referral_id from enrolment e
         join cohort c on c.cohort_id = e.cohort_id
         where e.status = 'seat_offered' and e.seat_offered_at <= $1
           and c.state in ('open', 'running')",
    )
    .bind(at - SEAT_OFFER_SECONDS)
    .fetch_all(&db.pool)
    .await?;
    let mut passed = 0;
    let mut held_for = Vec::new();
    for row in &lapsed {
        let cohort = CohortId(row.try_get("cohort_id")?);
        let referral: i64 = row.try_get("referral_id")?;
        let left = leave_at(db, cohort, referral, Leaving::Pass, None, at).await?;
        if left.left {
            passed += 1;
        }
        held_for.extend(left.offered_to);
    }
    Ok((passed, held_for))
}

/// A cohort as intake chooses one to offer: its course, first session and free seats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortChoice {
    pub cohort_id: CohortId,
    pub course_name: String,
    pub first_start: Option<i64>,
    pub capacity: i64,
    pub seats_held: i64,
}

/// The service's cohorts that take enrolment, the soonest first.
pub async fn offerable(db: &Db, service: ServiceId) -> Result<Vec<CohortChoice>, sqlx::Error> {
    let rows = sqlx::query(
        "select c.cohort_id, k.name, c.capacity, c.seats_held,
             (select min(s.starts_at) from cohort_session s
              where s.cohort_id = c.cohort_id and s.cancelled_at is null) as first_start
         from cohort c join course k on k.course_id = c.course_id
         where c.service_id = $1 and c.state = 'open'
         order by first_start, c.cohort_id",
    )
    .bind(service.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CohortChoice {
                cohort_id: CohortId(row.try_get("cohort_id")?),
                course_name: row.try_get("name")?,
                first_start: row.try_get("first_start")?,
                capacity: row.try_get("capacity")?,
                seats_held: row.try_get("seats_held")?,
            })
        })
        .collect()
}

/// One dated session of a cohort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub session_id: i64,
    pub number: u32,
    pub starts_at: i64,
    pub ends_at: i64,
    pub format: Format,
    pub follow_up: bool,
    pub room_code: Option<String>,
    pub cancelled: bool,
    /// Raised on every change: the calendar's SEQUENCE.
    pub sequence: u32,
}

pub async fn sessions(db: &Db, cohort: CohortId) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "select s.cohort_session_id, s.number, s.starts_at, s.ends_at, s.format, s.follow_up,
             r.code, s.cancelled_at, s.sequence
         from cohort_session s
         -- An in-person session's room (kept from when it met by video) is no way in.
         left join room r on r.room_id = s.room_id and s.format = 'video'
         where s.cohort_id = $1 order by s.number",
    )
    .bind(cohort.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let format: String = row.try_get("format")?;
            Ok(SessionRow {
                session_id: row.try_get("cohort_session_id")?,
                number: u32_of(row, "number")?,
                starts_at: row.try_get("starts_at")?,
                ends_at: row.try_get("ends_at")?,
                format: Format::parse(&format).unwrap_or(Format::Video),
                follow_up: row.try_get::<i64, _>("follow_up")? != 0,
                room_code: row.try_get("code")?,
                cancelled: row.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
                sequence: u32_of(row, "sequence")?,
            })
        })
        .collect()
}

/// A group-course offer made to a person: which cohort, and where they stand in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseOffer {
    /// None when staff enrolled the person without an offer.
    pub offer_id: Option<i64>,
    /// `open` until answered, then `accepted` or `declined`.
    pub status: String,
    pub cohort: CohortId,
    pub cohort_state: CohortState,
    /// Where in-person sessions meet.
    pub place: String,
    pub course: CourseRow,
    pub enrolment: Option<EnrolmentRow>,
}

/// The course of a referral: its latest group-course offer that names a cohort, or,
/// when staff enrolled the person without one, its latest enrolment.
pub async fn offer_of_referral(
    db: &Db,
    referral_id: i64,
) -> Result<Option<CourseOffer>, sqlx::Error> {
    let offered = sqlx::query(
        "select offer_id, status, cohort_id from offer
         where referral_id = $1 and kind = 'group_course' and cohort_id is not null
         order by offer_id desc limit 1",
    )
    .bind(referral_id)
    .fetch_optional(&db.pool)
    .await?;
    let (offer_id, status, cohort) = match offered {
        Some(row) => (
            Some(row.try_get::<i64, _>("offer_id")?),
            row.try_get::<String, _>("status")?,
            CohortId(row.try_get("cohort_id")?),
        ),
        None => {
            let Some(row) = sqlx::query(
                "select cohort_id from enrolment where referral_id = $1
                 order by enrolment_id desc limit 1",
            )
            .bind(referral_id)
            .fetch_optional(&db.pool)
            .await?
            else {
                return Ok(None);
            };
            (
                None,
                "accepted".to_owned(),
                CohortId(row.try_get("cohort_id")?),
            )
        }
    };
    let row = sqlx::query("select state, course_id, place from cohort where cohort_id = $1")
        .bind(cohort.0)
        .fetch_one(&db.pool)
        .await?;
    let state: String = row.try_get("state")?;
    let Some(course) = course(db, CourseId(row.try_get("course_id")?)).await? else {
        return Ok(None);
    };
    let enrolment = {
        let mut conn = db.pool.acquire().await?;
        enrolment_of(&mut conn, cohort, referral_id).await?
    };
    Ok(Some(CourseOffer {
        offer_id,
        status,
        place: row.try_get("place")?,
        cohort,
        cohort_state: CohortState::parse(&state).unwrap_or(CohortState::Cancelled),
        course,
        enrolment,
    }))
}

/// Where a person on a cohort's wait list stands now (1 is next).
pub async fn place_of(db: &Db, e: &EnrolmentRow) -> Result<Placement, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    placement_of(&mut conn, e.cohort_id, e).await
}

/// Marks an offer answered (nothing to mark when there was none).
pub async fn answer_offer(db: &Db, offer_id: Option<i64>, status: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update offer set status = $2 where offer_id = $1")
        .bind(offer_id)
        .bind(status)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The neutral name calendars show: "Kurs – Demo kommune" (the service's first
/// municipality), never the course's own name, which may name a diagnosis.
pub async fn calendar_title(db: &Db, cohort: CohortId) -> Result<String, sqlx::Error> {
    let row = sqlx::query(
        "select m.name from cohort c
         join service_municipality sm on sm.service_id = c.service_id
         join municipality m on m.municipality_id = sm.municipality_id
         where c.cohort_id = $1 order by m.number limit 1",
    )
    .bind(cohort.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(match row {
        Some(row) => format!("Kurs – {}", row.try_get::<String, _>("name")?),
        None => "Kurs".to_owned(),
    })
}

/// A cohort's sessions as calendar events: the join link of a video session, the
/// place of an in-person one; cancelled sessions only in a cancellation.
pub fn calendar_sessions(
    sessions: &[SessionRow],
    public_url: &str,
    place: &str,
    texts: &crate::i18n::course::CourseTexts,
    cancelling: bool,
) -> Vec<super::calendar::CalendarSession> {
    let host = public_url
        .split("://")
        .nth(1)
        .unwrap_or(public_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("rph");
    let total = sessions.len();
    sessions
        .iter()
        .filter(|s| cancelling || !s.cancelled)
        .map(|s| {
            let link = s
                .room_code
                .as_ref()
                .map(|code| format!("{public_url}/rooms/{code}"));
            let (location, description) = match (&link, s.format) {
                (Some(link), Format::Video) => {
                    (link.clone(), texts.calendar_video.replace("{link}", link))
                }
                _ => (
                    place.to_owned(),
                    texts.calendar_in_person.replace("{place}", place),
                ),
            };
            super::calendar::CalendarSession {
                uid: format!("session-{}@{host}", s.session_id),
                sequence: s.sequence,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                summary: texts
                    .calendar_session
                    .replace("{n}", &s.number.to_string())
                    .replace("{total}", &total.to_string()),
                location,
                description,
            }
        })
        .collect()
}

/// The course a cohort runs.
pub async fn course_of_cohort(db: &Db, cohort: CohortId) -> Result<CourseRow, sqlx::Error> {
    sqlx::query(&format!(
        "select {COURSE_COLUMNS} from course
         where course_id = (select course_id from cohort where cohort_id = $1)"
    ))
    .bind(cohort.0)
    .fetch_one(&db.pool)
    .await
    .and_then(|row| course_from(&row))
}

/// A cohort as a leader's list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub cohort_id: CohortId,
    pub service: ServiceId,
    pub course_name: String,
    pub state: CohortState,
    pub capacity: i64,
    pub seats_held: i64,
    pub waiting: i64,
    pub first_start: Option<i64>,
    pub last_end: Option<i64>,
    /// The asking person leads it.
    pub led_by_me: bool,
}

const GROUP_SELECT: &str = "select c.cohort_id, c.service_id, k.name, c.state, c.capacity,
        c.seats_held,
        (select count(*) from enrolment e
         where e.cohort_id = c.cohort_id and e.status = 'waiting') as waiting,
        (select min(s.starts_at) from cohort_session s
         where s.cohort_id = c.cohort_id and s.cancelled_at is null) as first_start,
        (select max(s.ends_at) from cohort_session s
         where s.cohort_id = c.cohort_id and s.cancelled_at is null) as last_end,
        (select count(*) from cohort_leader l
         where l.cohort_id = c.cohort_id and l.account_id = $2) as mine
    from cohort c join course k on k.course_id = c.course_id";

fn group_from(row: &sqlx::any::AnyRow) -> Result<GroupRow, sqlx::Error> {
    let state: String = row.try_get("state")?;
    Ok(GroupRow {
        cohort_id: CohortId(row.try_get("cohort_id")?),
        service: ServiceId(row.try_get("service_id")?),
        course_name: row.try_get("name")?,
        state: CohortState::parse(&state).unwrap_or(CohortState::Cancelled),
        capacity: row.try_get("capacity")?,
        seats_held: row.try_get("seats_held")?,
        waiting: row.try_get("waiting")?,
        first_start: row.try_get("first_start")?,
        last_end: row.try_get("last_end")?,
        led_by_me: row.try_get::<i64, _>("mine")? > 0,
    })
}

/// The cohorts of these services, the asking person's first, then the soonest.
pub async fn groups(
    db: &Db,
    services: &[ServiceId],
    me: i64,
) -> Result<Vec<GroupRow>, sqlx::Error> {
    let mut out = Vec::new();
    for service in services {
        let rows = sqlx::query(&format!("{GROUP_SELECT} where c.service_id = $1"))
            .bind(service.0)
            .bind(me)
            .fetch_all(&db.pool)
            .await?;
        for row in &rows {
            out.push(group_from(row)?);
        }
    }
    out.sort_by_key(|g| (!g.led_by_me, g.state.is_closed(), g.first_start));
    Ok(out)
}

/// One cohort as the leaders' list shows it, seen by `me`.
pub async fn group(db: &Db, cohort: CohortId, me: i64) -> Result<Option<GroupRow>, sqlx::Error> {
    sqlx::query(&format!("{GROUP_SELECT} where c.cohort_id = $1"))
        .bind(cohort.0)
        .bind(me)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(group_from)
        .transpose()
}

/// One person on a cohort's roster (their name is read under an access-log grant).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterRow {
    pub enrolment: EnrolmentRow,
    pub account_id: i64,
    pub reference: String,
    /// Finishing the group closed the referral as completed and nothing has happened
    /// to it since: its lead may still open it again.
    pub closed_at_finish: bool,
}

/// The timeline's last word on a referral was the group's finish closing it: the
/// condition under which the lead may open it again.
const CLOSED_AT_FINISH: &str = "r.status = 'closed' and r.outcome = 'completed'
    and (select v.kind from referral_event v where v.referral_id = r.referral_id
         order by v.at desc, v.referral_event_id desc limit 1) = 'course_finished'";

/// Who holds a seat or waits for one, seats first, then the wait list in order.
pub async fn roster(db: &Db, cohort: CohortId) -> Result<Vec<RosterRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select e.enrolment_id, e.cohort_id, e.referral_id, e.status, e.wait_number,
                 e.seat_offered_at, r.account_id, r.reference,
                 case when {CLOSED_AT_FINISH} then 1 else 0 end as closed_at_finish
             from enrolment e join referral r on r.referral_id = e.referral_id
             where e.cohort_id = $1 and e.status in ('enrolled', 'seat_offered', 'waiting')
             order by case when e.status = 'waiting' then 1 else 0 end, e.wait_number,
                 e.enrolment_id"
    ))
    .bind(cohort.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RosterRow {
                enrolment: enrolment_from(row)?,
                account_id: row.try_get("account_id")?,
                reference: row.try_get("reference")?,
                closed_at_finish: row.try_get::<i64, _>("closed_at_finish")? == 1,
            })
        })
        .collect()
}

/// The lead's override of a finish: opens again, as active, a referral that finishing
/// the group closed as completed, with a timeline entry. False when the referral is
/// not a seat holder of this finished group or something has happened to it since.
pub async fn reopen_after_finish(
    db: &Db,
    cohort: CohortId,
    referral: i64,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(&format!(
        "update referral set status = 'active', outcome = null, changed_at = $1
         where referral_id = $2 and referral_id in (
             select r.referral_id from referral r
             join enrolment e on e.referral_id = r.referral_id
             join cohort c on c.cohort_id = e.cohort_id
             where r.referral_id = $2 and e.cohort_id = $3 and e.status = 'enrolled'
               and c.state = 'finished' and {CLOSED_AT_FINISH})"
    ))
    .bind(at)
    .bind(referral)
    .bind(cohort.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    super::episodes::touch(&mut tx, referral).await?;
    let mut event = super::board::actions::Event::new("course_reopened");
    event.from_state = Some("closed:completed".to_owned());
    event.to_state = Some("active".to_owned());
    super::board::actions::record(&mut *tx, referral, Some(by), at, event).await?;
    tx.commit().await?;
    Ok(true)
}

/// A participant's name, read in the transaction that logged the reading.
pub async fn participant_name(
    conn: &mut sqlx::AnyConnection,
    referral_id: i64,
) -> Result<String, sqlx::Error> {
    sqlx::query("select name from referral where referral_id = $1")
        .bind(referral_id)
        .fetch_one(conn)
        .await?
        .try_get("name")
}

/// Moves a cohort to `to` if its state machine allows it, and returns the sessions it
/// cancelled. Finishing closes the referrals of those holding a seat and active (they
/// attended) as completed, each with a timeline entry. Finishing or cancelling the
/// cohort cancels every session still to come (their calendar sequences raised, for
/// the cancellations the caller sends: a finished course leaves nothing in anyone's
/// calendar); cancelling also puts it on the timeline of everyone offered, seated or
/// waiting.
pub async fn change_state(
    db: &Db,
    cohort: CohortId,
    to: CohortState,
    by: i64,
) -> Result<Result<Vec<i64>, CohortError>, sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query("select state from cohort where cohort_id = $1")
        .bind(cohort.0)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(Err(CohortError::NotAllowed));
    };
    let from: String = row.try_get("state")?;
    let from = CohortState::parse(&from).unwrap_or(CohortState::Cancelled);
    if let Err(e) = from.to(to) {
        return Ok(Err(e));
    }
    sqlx::query("update cohort set state = $1, updated_at = $2 where cohort_id = $3")
        .bind(to.key())
        .bind(at)
        .bind(cohort.0)
        .execute(&mut *tx)
        .await?;
    if to == CohortState::Finished {
        let finished: Vec<i64> = sqlx::query(
            "select r.referral_id from enrolment e join referral r on r.referral_id = e.referral_id
             where e.cohort_id = $1 and e.status = 'enrolled' and r.status = 'active'",
        )
        .bind(cohort.0)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("referral_id"))
        .collect::<Result<_, _>>()?;
        for referral in finished {
            sqlx::query(
                "update referral set status = 'closed', outcome = 'completed', changed_at = $1
                 where referral_id = $2",
            )
            .bind(at)
            .bind(referral)
            .execute(&mut *tx)
            .await?;
            super::episodes::touch(&mut tx, referral).await?;
            let mut event = super::board::actions::Event::new("course_finished");
            event.from_state = Some("active".to_owned());
            event.to_state = Some("closed:completed".to_owned());
            super::board::actions::record(&mut *tx, referral, Some(by), at, event).await?;
        }
    }
    let mut cancelled = Vec::new();
    if to.is_closed() {
        cancelled = sqlx::query(
            "update cohort_session set cancelled_at = $1, sequence = sequence + 1
             where cohort_id = $2 and cancelled_at is null and starts_at > $1
             returning cohort_session_id",
        )
        .bind(at)
        .bind(cohort.0)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("cohort_session_id"))
        .collect::<Result<_, _>>()?;
    }
    if to == CohortState::Cancelled {
        let concerned: Vec<i64> = sqlx::query(
            "select referral_id from enrolment where cohort_id = $1
             and status in ('enrolled', 'waiting', 'seat_offered')
             union select referral_id from offer where cohort_id = $1 and status = 'open'",
        )
        .bind(cohort.0)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("referral_id"))
        .collect::<Result<_, _>>()?;
        for referral in concerned {
            let event = super::board::actions::Event::new("course_cancelled");
            super::board::actions::record(&mut *tx, referral, Some(by), at, event).await?;
        }
    }
    tx.commit().await?;
    Ok(Ok(cancelled))
}

/// Cancels a session still to come: its calendar sequence is raised. None when it is
/// not this cohort's, is over, or was cancelled already.
pub async fn cancel_session(
    db: &Db,
    cohort: CohortId,
    session: i64,
) -> Result<Option<SessionRow>, sqlx::Error> {
    let at = now();
    let done = sqlx::query(
        "update cohort_session set cancelled_at = $1, sequence = sequence + 1
         where cohort_session_id = $2 and cohort_id = $3 and cancelled_at is null
           and starts_at > $1",
    )
    .bind(at)
    .bind(session)
    .bind(cohort.0)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(None);
    }
    Ok(sessions(db, cohort)
        .await?
        .into_iter()
        .find(|s| s.session_id == session))
}

/// What changing a session did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionChange {
    /// Changed: the session as it is now, its sequence raised.
    Changed(SessionRow),
    /// Asked for what it already was: nothing done, nobody to tell.
    Unchanged,
    /// Not changed, for this reason.
    Refused(CohortError),
    /// No session of this cohort still to come by that id.
    NoSuchSession,
}

/// Changes a session still to come: it starts at `starts_at`, its length kept, and
/// meets as `format` says (video in its own room, made now if it had none; in person
/// at the group's place, without a room). Its calendar sequence is raised and its
/// reminders are taken off the table, so the next pass puts them there again for the
/// new time and the new way in. Refuses a start in the past, a closed cohort, a time
/// another session of one of its leaders overlaps, and meeting in person where the
/// group has no place.
pub async fn change_session(
    db: &Db,
    cohort: CohortId,
    session: i64,
    starts_at: i64,
    format: Format,
) -> Result<SessionChange, sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    lock_cohort(&mut tx, cohort, at).await?;
    let Some(row) = sqlx::query(
        "select s.number, s.starts_at, s.ends_at, s.format, s.room_id, c.state, c.place,
             c.service_id
         from cohort_session s
         join cohort c on c.cohort_id = s.cohort_id
         where s.cohort_session_id = $1 and s.cohort_id = $2 and s.cancelled_at is null
           and s.starts_at > $3",
    )
    .bind(session)
    .bind(cohort.0)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(SessionChange::NoSuchSession);
    };
    let state: String = row.try_get("state")?;
    if CohortState::parse(&state).is_none_or(CohortState::is_closed) {
        return Ok(SessionChange::Refused(CohortError::Closed));
    }
    let was_format = Format::parse(&row.try_get::<String, _>("format")?);
    if starts_at == row.try_get::<i64, _>("starts_at")? && was_format == Some(format) {
        return Ok(SessionChange::Unchanged);
    }
    if starts_at <= at {
        return Ok(SessionChange::Refused(CohortError::SessionInPast));
    }
    if format == Format::InPerson && row.try_get::<String, _>("place")?.trim().is_empty() {
        return Ok(SessionChange::Refused(CohortError::NoPlace));
    }
    let length = row.try_get::<i64, _>("ends_at")? - row.try_get::<i64, _>("starts_at")?;
    let ids = leaders_of(&mut tx, cohort).await?;
    let leaders = lock_leaders(db, &mut tx, &ids).await?;
    let span = (starts_at, starts_at + length);
    if leader_clash(&mut tx, &leaders, span, Besides::Session(session)).await? {
        return Ok(SessionChange::Refused(CohortError::LeaderOverlap));
    }
    // A session keeps its room while it meets in person (no page, reminder or calendar
    // gives its address then), so links sent earlier work again if it goes back to
    // video; one made in person gets its room when it first goes to video.
    let room_id: Option<i64> = match (format, row.try_get::<Option<i64>, _>("room_id")?) {
        (_, Some(room)) => Some(room),
        (Format::Video, None) => {
            let number = u32_of(&row, "number")?;
            let service = ServiceId(row.try_get("service_id")?);
            let leader = ids.first().copied().unwrap_or_default();
            Some(session_room(&mut tx, service, number, leader, at).await?)
        }
        _ => None,
    };
    sqlx::query(
        "update cohort_session set starts_at = $1, ends_at = $2, format = $3, room_id = $4,
             sequence = sequence + 1
         where cohort_session_id = $5",
    )
    .bind(span.0)
    .bind(span.1)
    .bind(format.key())
    .bind(room_id)
    .bind(session)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from course_reminder where cohort_session_id = $1")
        .bind(session)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(sessions(db, cohort)
        .await?
        .into_iter()
        .find(|s| s.session_id == session)
        .map_or(SessionChange::NoSuchSession, SessionChange::Changed))
}

/// The accounts leading a cohort.
async fn leaders_of(
    conn: &mut sqlx::AnyConnection,
    cohort: CohortId,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query("select account_id from cohort_leader where cohort_id = $1 order by account_id")
        .bind(cohort.0)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("account_id"))
        .collect()
}

/// A cohort's leaders, by account, to fill in the form that changes them.
pub async fn leaders(db: &Db, cohort: CohortId) -> Result<Vec<i64>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    leaders_of(&mut conn, cohort).await
}

/// A change to a running or coming cohort: its seats, leaders and meeting place.
#[derive(Clone, Debug)]
pub struct CohortChange {
    pub capacity: i64,
    pub leaders: Vec<i64>,
    pub place: String,
}

/// What changing a cohort did, for the people it concerns to be told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CohortChanged {
    /// Referrals a new seat is now held for (first in line, in order).
    pub seats_held_for: Vec<i64>,
    /// In-person sessions still to come whose place changed (sequence raised).
    pub moved_place: Vec<i64>,
}

/// Changes a cohort's seats, leaders and place under its lock. Capacity may not fall
/// below the seats held; new seats are held for the first on the wait list, each with
/// the usual deadline; a new leader must be free at every session still to come; a new
/// place raises the sequence of the in-person sessions still to come.
pub async fn change_cohort(
    db: &Db,
    cohort: CohortId,
    change: &CohortChange,
) -> Result<Result<CohortChanged, CohortError>, sqlx::Error> {
    use crate::domain::course::cohort::{check_capacity, check_leaders};
    let at = now();
    let mut tx = db.begin_write().await?;
    lock_cohort(&mut tx, cohort, at).await?;
    let Some(row) = sqlx::query("select state, seats_held, place from cohort where cohort_id = $1")
        .bind(cohort.0)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(Err(CohortError::NotAllowed));
    };
    let state: String = row.try_get("state")?;
    let held: i64 = row.try_get("seats_held")?;
    let old_place: String = row.try_get("place")?;
    if CohortState::parse(&state).is_none_or(CohortState::is_closed) {
        return Ok(Err(CohortError::Closed));
    }
    if let Err(e) = check_leaders(&change.leaders).and(check_capacity(change.capacity, held)) {
        return Ok(Err(e));
    }
    let coming: Vec<(i64, i64, i64, String)> = sqlx::query(
        "select cohort_session_id, starts_at, ends_at, format from cohort_session
         where cohort_id = $1 and cancelled_at is null and starts_at > $2",
    )
    .bind(cohort.0)
    .bind(at)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("cohort_session_id")?,
            r.try_get("starts_at")?,
            r.try_get("ends_at")?,
            r.try_get("format")?,
        ))
    })
    .collect::<Result<_, sqlx::Error>>()?;
    // A session still to come that meets in person needs a place to meet.
    let in_person = coming
        .iter()
        .any(|(_, _, _, format)| format == Format::InPerson.key());
    if in_person && change.place.trim().is_empty() {
        return Ok(Err(CohortError::NoPlace));
    }
    let before = leaders_of(&mut tx, cohort).await?;
    let joining: Vec<i64> = change
        .leaders
        .iter()
        .copied()
        .filter(|l| !before.contains(l))
        .collect();
    let joining = lock_leaders(db, &mut tx, &joining).await?;
    for (_, starts, ends, _) in &coming {
        if leader_clash(&mut tx, &joining, (*starts, *ends), Besides::Cohort(cohort)).await? {
            return Ok(Err(CohortError::LeaderOverlap));
        }
    }
    sqlx::query("update cohort set capacity = $1, place = $2 where cohort_id = $3")
        .bind(change.capacity)
        .bind(&change.place)
        .bind(cohort.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from cohort_leader where cohort_id = $1")
        .bind(cohort.0)
        .execute(&mut *tx)
        .await?;
    for leader in &change.leaders {
        sqlx::query("insert into cohort_leader (cohort_id, account_id) values ($1, $2)")
            .bind(cohort.0)
            .bind(leader)
            .execute(&mut *tx)
            .await?;
    }
    let mut changed = CohortChanged::default();
    for _ in held..change.capacity {
        let Some(next) = sqlx::query(
            "select enrolment_id, referral_id from enrolment
             where cohort_id = $1 and status = 'waiting' order by wait_number limit 1",
        )
        .bind(cohort.0)
        .fetch_optional(&mut *tx)
        .await?
        else {
            break;
        };
        sqlx::query(
            "update enrolment set status = 'seat_offered', seat_offered_at = $2, updated_at = $2
             where enrolment_id = $1",
        )
        .bind(next.try_get::<i64, _>("enrolment_id")?)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("update cohort set seats_held = seats_held + 1 where cohort_id = $1")
            .bind(cohort.0)
            .execute(&mut *tx)
            .await?;
        changed.seats_held_for.push(next.try_get("referral_id")?);
    }
    if change.place != old_place {
        for (session, _, _, format) in &coming {
            if format == Format::InPerson.key() {
                sqlx::query(
                    "update cohort_session set sequence = sequence + 1
                     where cohort_session_id = $1",
                )
                .bind(session)
                .execute(&mut *tx)
                .await?;
                changed.moved_place.push(*session);
            }
        }
    }
    tx.commit().await?;
    Ok(Ok(changed))
}

/// Raises the sequence of every session of a cohort not cancelled: one person's
/// sessions are about to leave their calendar, and whatever any of its people are sent
/// next must outrank that (a person who comes back gets a request their calendar
/// takes).
pub async fn raise_sequences(db: &Db, cohort: CohortId) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update cohort_session set sequence = sequence + 1
         where cohort_id = $1 and cancelled_at is null",
    )
    .bind(cohort.0)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Everyone holding a seat: their email and language, for a change to tell.
pub async fn seat_holders(db: &Db, cohort: CohortId) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query(
        "select a.email, r.lang from enrolment e
         join referral r on r.referral_id = e.referral_id
         join account a on a.account_id = r.account_id
         where e.cohort_id = $1 and e.status = 'enrolled' order by e.enrolment_id",
    )
    .bind(cohort.0)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("email")?, r.try_get("lang")?)))
    .collect()
}

/// The place a cohort's in-person sessions meet.
pub async fn place_of_cohort(db: &Db, cohort: CohortId) -> Result<String, sqlx::Error> {
    sqlx::query("select place from cohort where cohort_id = $1")
        .bind(cohort.0)
        .fetch_one(&db.pool)
        .await?
        .try_get("place")
}
