//! Calendar files (RFC 5545, iTIP methods of RFC 5546) for a cohort's sessions: one
//! event per session with a stable UID and its SEQUENCE, in Norwegian time with the
//! zone's own definition, so any calendar shows the right hour across summer time.
//! The text names the course neutrally: calendars get shared.

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike, EventStatus};

use crate::domain::clock::{oslo_date, oslo_time};

/// Europe/Oslo as the EU rule has it since 1996: the same rule `domain::clock` applies.
/// Written as it stands: the crate gives every component it writes a DTSTAMP and a UID,
/// which a VTIMEZONE may not have, so the zone is placed in the crate's output instead.
const OSLO: &str = "BEGIN:VTIMEZONE\r
TZID:Europe/Oslo\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
";

/// What a calendar message asks of the receiving calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Add or update these events.
    Request,
    /// Remove these events.
    Cancel,
}

impl Method {
    pub fn key(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One session as a calendar event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarSession {
    /// Stable for the session's life: `session-42@host`.
    pub uid: String,
    pub sequence: u32,
    pub starts_at: i64,
    pub ends_at: i64,
    /// "Samling 3 av 10".
    pub summary: String,
    /// The join link of a video session, or where an in-person one meets.
    pub location: String,
    pub description: String,
}

/// The sender and the person the events are for.
#[derive(Clone, Debug)]
pub struct Parties<'a> {
    pub organizer: &'a str,
    pub attendee: &'a str,
}

fn oslo_local(unix: i64) -> Option<CalendarDateTime> {
    let (year, month, day) = oslo_date(unix);
    let (hour, minute) = oslo_time(unix);
    let date_time = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, 0)?;
    Some(CalendarDateTime::WithTimezone {
        date_time,
        tzid: "Europe/Oslo".to_owned(),
    })
}

/// A calendar file: every session, asked to be added (or updated) or removed.
pub fn calendar(
    method: Method,
    title: &str,
    parties: &Parties<'_>,
    sessions: &[CalendarSession],
    now: i64,
) -> String {
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar.append_property(("PRODID", "-//Rask psykisk helsehjelp//Kurs//NO"));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", method.key()));
    calendar.name(title);
    let stamp = DateTime::<Utc>::from_timestamp(now, 0).unwrap_or_default();
    for s in sessions {
        let (Some(starts), Some(ends)) = (oslo_local(s.starts_at), oslo_local(s.ends_at)) else {
            continue;
        };
        let mut event = icalendar::Event::new();
        event
            .uid(&s.uid)
            .sequence(s.sequence)
            .timestamp(stamp)
            .starts(starts)
            .ends(ends)
            .summary(&format!("{title}: {}", s.summary))
            .description(&s.description)
            .location(&s.location)
            .add_property("ORGANIZER", format!("mailto:{}", parties.organizer))
            // No reply is asked for: a course place is answered on My page.
            .append_property(
                icalendar::Property::new("ATTENDEE", format!("mailto:{}", parties.attendee))
                    .add_parameter("RSVP", "FALSE")
                    .done(),
            )
            .status(match method {
                Method::Request => EventStatus::Confirmed,
                Method::Cancel => EventStatus::Cancelled,
            });
        calendar.push(event.done());
    }
    let text = calendar.done().to_string();
    // The zone goes before the first event (or the end): components follow properties.
    let at = text
        .find("BEGIN:VEVENT\r\n")
        .or_else(|| text.find("END:VCALENDAR"))
        .unwrap_or(text.len());
    format!("{}{OSLO}{}", &text[..at], &text[at..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::oslo_to_utc;

    fn session(n: u32, starts_at: i64) -> CalendarSession {
        CalendarSession {
            uid: format!("session-{n}@rph.example"),
            sequence: 0,
            starts_at,
            ends_at: starts_at + 150 * 60,
            summary: format!("Samling {n} av 10"),
            location: "https://rph.example/rooms/abc".into(),
            description: "Bli med fra mobil eller PC; lenken åpner 15 minutter før. Ingen opptak, ingen diagnose i kalenderen; bare kursets navn, med komma, semikolon; og \\ skråstrek.".into(),
        }
    }

    fn write(method: Method) -> String {
        let parties = Parties {
            organizer: "kurs@rph.example",
            attendee: "kari@example.no",
        };
        calendar(
            method,
            "Kurs – Demo kommune",
            &parties,
            &[
                session(1, oslo_to_utc(2026, 10, 19, 18, 0)),
                session(2, oslo_to_utc(2026, 10, 26, 18, 0)),
            ],
            oslo_to_utc(2026, 10, 1, 12, 0),
        )
    }

    #[test]
    fn an_invitation_has_crlf_lines_of_at_most_75_octets_and_local_times_with_their_zone() {
        let text = write(Method::Request);
        assert!(text.contains("METHOD:REQUEST\r\n"), "{text}");
        assert!(
            text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo\r\n"),
            "{text}"
        );
        // The same wall-clock time on both sides of the October change.
        assert!(
            text.contains("DTSTART;TZID=Europe/Oslo:20261019T180000\r\n"),
            "{text}"
        );
        assert!(
            text.contains("DTSTART;TZID=Europe/Oslo:20261026T180000\r\n"),
            "{text}"
        );
        assert!(text.contains("UID:session-1@rph.example\r\n"));
        assert!(
            text.contains("ATTENDEE;RSVP=FALSE:mailto:kari@example.no\r\n"),
            "{text}"
        );
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
            assert!(!line.contains('\n'), "a bare LF in {line:?}");
        }
        // Commas and semicolons in text are escaped (unfolded first).
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains("med komma\\, semikolon\\; og \\\\ skråstrek."),
            "{unfolded}"
        );
        assert!(
            unfolded.contains("SUMMARY:Kurs – Demo kommune: Samling 1 av 10\r\n"),
            "{unfolded}"
        );
    }

    #[test]
    fn a_cancellation_keeps_the_uids_and_says_cancelled() {
        let text = write(Method::Cancel);
        assert!(text.contains("METHOD:CANCEL\r\n"));
        assert!(text.contains("UID:session-2@rph.example\r\n"));
        assert_eq!(text.matches("STATUS:CANCELLED\r\n").count(), 2);
    }
}
