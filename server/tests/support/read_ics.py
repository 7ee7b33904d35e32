"""Reads the calendar files of an email with Python's icalendar, an independent parser,
and prints what the tests check as JSON: per file its method and zones, and per event
its UID, SEQUENCE, status, summary, attendee's RSVP, start and end (as UTC instants and
as the wall-clock time they were given in)."""

import email
import json
import sys

import icalendar

message = email.message_from_binary_file(open(sys.argv[1], "rb"))
files = []
for part in message.walk():
    if part.get_content_type() != "text/calendar":
        continue
    raw = part.get_payload(decode=True)
    # RFC 5545: CRLF line ends and no line over 75 octets.
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    assert b"\n" not in raw.replace(b"\r\n", b""), "a bare line feed"
    calendar = icalendar.Calendar.from_ical(raw)
    events = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        events.append({
            "uid": str(event["UID"]),
            "sequence": int(event["SEQUENCE"]),
            "status": str(event.get("STATUS", "")),
            "summary": str(event["SUMMARY"]),
            "location": str(event.get("LOCATION", "")),
            "rsvp": event["ATTENDEE"].params.get("RSVP"),
            "tzid": event["DTSTART"].params.get("TZID"),
            "start": int(start.timestamp()),
            "end": int(end.timestamp()),
            "local_start": start.strftime("%Y-%m-%d %H:%M"),
        })
    files.append({
        "name": part.get_filename(),
        "method": str(calendar["METHOD"]),
        "content_type_method": part.get_param("method"),
        "zones": [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")],
        "events": events,
        "text": raw.decode("utf-8"),
    })
print(json.dumps(files))
