//! Records what the SFU's rooms report: attendance in the room (joined, left), a
//! course session attended by someone holding a seat, and a room ended by its host.
//! The SFU holds no database; this task is the one place its events reach one.

use std::collections::HashMap;

use tokio::sync::mpsc;

use app::server::{course_attendance, rooms, Db};

use crate::sfu::{RoomEvent, Visit};

/// Runs until the SFU is gone, one event at a time, in the order they happened.
pub async fn record(db: Db, mut events: mpsc::UnboundedReceiver<RoomEvent>) {
    let mut open: HashMap<Visit, i64> = HashMap::new();
    while let Some(event) = events.recv().await {
        match event {
            RoomEvent::Joined {
                visit,
                account_id,
                name,
                host,
            } => {
                match rooms::attendance_joined(&db, visit.room_id, account_id, &name, host).await {
                    Ok(attendance) => {
                        open.insert(visit, attendance);
                    }
                    Err(error) => tracing::error!(error = ?error, "could not record attendance"),
                }
                if !host {
                    if let Err(error) =
                        course_attendance::came_to_room(&db, visit.room_id, account_id).await
                    {
                        tracing::error!(error = ?error, "could not record course attendance");
                    }
                }
            }
            RoomEvent::Left { visit } => {
                if let Some(attendance) = open.remove(&visit) {
                    if let Err(error) = rooms::attendance_left(&db, attendance).await {
                        tracing::error!(error = ?error, "could not record leaving");
                    }
                }
            }
            RoomEvent::Ended { room_id, recorded } => {
                if let Err(error) = rooms::mark_ended(&db, room_id).await {
                    tracing::error!(error = ?error, "could not mark a room ended");
                }
                let _ = recorded.send(());
            }
        }
    }
}
