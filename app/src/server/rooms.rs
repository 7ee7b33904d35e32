//! Video rooms in the database: the room and its link, and attendance (who was admitted,
//! when they joined and left). The media itself is never stored.

use sqlx::Row;

use super::db::now;
use super::Db;

/// A room as its pages see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomRow {
    pub room_id: i64,
    pub code: String,
    pub service_id: i64,
    pub title: String,
    pub created_by: i64,
    pub created_at: i64,
    pub ended_at: Option<i64>,
}

/// One stretch of a person's presence in a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendanceRow {
    pub account_id: i64,
    pub shown_name: String,
    pub host: bool,
    pub joined_at: i64,
    pub left_at: Option<i64>,
}

const ROOM_COLUMNS: &str = "room_id, code, service_id, title, created_by, created_at, ended_at";

fn room_from(row: &sqlx::any::AnyRow) -> Result<RoomRow, sqlx::Error> {
    Ok(RoomRow {
        room_id: row.try_get("room_id")?,
        code: row.try_get("code")?,
        service_id: row.try_get("service_id")?,
        title: row.try_get("title")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        ended_at: row.try_get("ended_at")?,
    })
}

/// A room's code: 128 random bits, as 32 hex digits (easy to read aloud if need be).
pub fn new_code() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    super::digest::hex(&bytes)
}

/// Creates a room with a fresh unguessable code.
pub async fn create(
    db: &Db,
    service_id: i64,
    title: &str,
    created_by: i64,
) -> Result<RoomRow, sqlx::Error> {
    let code = new_code();
    let row = sqlx::query(&format!(
        "insert into room (code, service_id, title, created_by, created_at)
         values ($1, $2, $3, $4, $5)
         returning {ROOM_COLUMNS}"
    ))
    .bind(&code)
    .bind(service_id)
    .bind(title)
    .bind(created_by)
    .bind(now())
    .fetch_one(&db.pool)
    .await?;
    room_from(&row)
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<RoomRow>, sqlx::Error> {
    let row = sqlx::query(&format!("select {ROOM_COLUMNS} from room where code = $1"))
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(room_from).transpose()
}

/// A service's rooms, newest first.
pub async fn of_service(db: &Db, service_id: i64) -> Result<Vec<RoomRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        // A course session's room is listed with its group (`/groups/…`), not here.
        "select {ROOM_COLUMNS} from room where service_id = $1
             and room_id not in (select room_id from cohort_session where room_id is not null)
         order by created_at desc, room_id desc limit 100"
    ))
    .bind(service_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(room_from).collect()
}

pub async fn mark_ended(db: &Db, room_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update room set ended_at = $1 where room_id = $2 and ended_at is null")
        .bind(now())
        .bind(room_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A person was admitted (or a host came in); returns the attendance row's id.
pub async fn attendance_joined(
    db: &Db,
    room_id: i64,
    account_id: i64,
    shown_name: &str,
    host: bool,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "insert into room_attendance (room_id, account_id, shown_name, host, joined_at)
         values ($1, $2, $3, $4, $5)
         returning room_attendance_id",
    )
    .bind(room_id)
    .bind(account_id)
    .bind(shown_name)
    .bind(i64::from(host))
    .bind(now())
    .fetch_one(&db.pool)
    .await?;
    row.try_get("room_attendance_id")
}

pub async fn attendance_left(db: &Db, attendance_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update room_attendance set left_at = $1
         where room_attendance_id = $2 and left_at is null",
    )
    .bind(now())
    .bind(attendance_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Everyone who was in a room, in the order they came.
pub async fn attendance(db: &Db, room_id: i64) -> Result<Vec<AttendanceRow>, sqlx::Error> {
    let rows = sqlx::query(
        "select room_id, account_id, shown_name, host, joined_at, left_at from room_attendance
         where room_id = $1 order by joined_at, room_attendance_id",
    )
    .bind(room_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| attendance_from(row).map(|(_, a)| a))
        .collect()
}

/// The attendance of every room of a service, by room, in one query.
pub async fn attendance_of_service(
    db: &Db,
    service_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<AttendanceRow>>, sqlx::Error> {
    let rows = sqlx::query(
        "select a.room_id, a.account_id, a.shown_name, a.host, a.joined_at, a.left_at
         from room_attendance a join room r on r.room_id = a.room_id
         where r.service_id = $1 order by a.joined_at, a.room_attendance_id",
    )
    .bind(service_id)
    .fetch_all(&db.pool)
    .await?;
    let mut by_room: std::collections::HashMap<i64, Vec<AttendanceRow>> = Default::default();
    for row in &rows {
        let (room_id, attendance) = attendance_from(row)?;
        by_room.entry(room_id).or_default().push(attendance);
    }
    Ok(by_room)
}

fn attendance_from(row: &sqlx::any::AnyRow) -> Result<(i64, AttendanceRow), sqlx::Error> {
    Ok((
        row.try_get("room_id")?,
        AttendanceRow {
            account_id: row.try_get("account_id")?,
            shown_name: row.try_get("shown_name")?,
            host: row.try_get::<i64, _>("host")? != 0,
            joined_at: row.try_get("joined_at")?,
            left_at: row.try_get("left_at")?,
        },
    ))
}

/// Closes attendance left open by a crash or restart, so nobody seems to be in a room
/// that no longer runs. Called at start-up.
pub async fn close_open_attendance(db: &Db) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("update room_attendance set left_at = $1 where left_at is null")
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}
