"""Reads the calendar file of an email with Python's icalendar, an independent parser,
and prints what the tests check as JSON: the method and, per event, its UID, SEQUENCE,
status, summary, start and end (as UTC instants and as the zone they were given in)."""

import email
import json
import sys

import icalendar

message = email.message_from_binary_file(open(sys.argv[1], "rb"))
parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
assert len(parts) == 1, f"{len(parts)} calendar parts"
part = parts[0]
raw = part.get_payload(decode=True)
# RFC 5545: CRLF line ends and no line over 75 octets.
lines = raw.split(b"\r\n")
assert all(len(line) <= 75 for line in lines), max(lines, key=len)
assert b"\n" not in raw.replace(b"\r\n", b""), "a bare line feed"
calendar = icalendar.Calendar.from_ical(raw)
zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
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
        "tzid": event["DTSTART"].params.get("TZID"),
        "start": int(start.timestamp()),
        "end": int(end.timestamp()),
        "local_start": start.strftime("%Y-%m-%d %H:%M"),
    })
print(json.dumps({
    "method": str(calendar["METHOD"]),
    "content_type_method": part.get_param("method"),
    "zones": zones,
    "events": events,
    "text": raw.decode("utf-8"),
}))
