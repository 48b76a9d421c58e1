#!/usr/bin/env python3
"""A neighbourhood's events as an iCalendar file (/api/{force}/{id}/events.ics, RFC 5545),
read back with Debian's python3-icalendar (an independent parser): every event with a start,
its times, text with the characters RFC 5545 escapes, markup left out, lines folded at 75
octets and ended with CRLF, UIDs stable between requests; the neighbourhood page links it.

Usage: calendar_http_test.py CRIMEMAP_BINARY   (under a Python that has icalendar)
"""
import datetime
import json
import os
import sys
import tempfile

import icalendar

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, sql, start_server  # noqa: E402

LONG = "A walk round the estate with the neighbourhood team, then tea and questions at the hall " * 3
EVENTS = [
    {"title": "Street surgery; bring questions, please", "description": "<p>Meet the team\nat the hall</p>",
     "address": "Village Hall, Ælfrēd's Green", "type": "meeting",
     "start_date": "2030-05-17T10:00:00", "end_date": "2030-05-17T12:00:00"},
    {"title": LONG.strip(), "description": "Ünïcödé " * 20, "start_date": "2030-06-01", "end_date": "2030-06-02"},
    {"title": "No date, so not in the calendar"},
]


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 13)
        force, hood, details = sql(store, "SELECT force, id, details FROM neighbourhoods ORDER BY key LIMIT 1")[0]
        details = json.loads(details) if details else {}
        details["events"] = EVENTS
        sql(store, "UPDATE neighbourhoods SET details = ? WHERE force = ? AND id = ?", (json.dumps(details), force, hood))
        server, port, lines = start_server(binary, store)
        path = "/api/%s/%s/events.ics" % (force, hood)
        status, _, raw, headers = call(port, "GET", path)
        check(status == 200 and headers.get("content-type") == "text/calendar; charset=utf-8",
              "the calendar is served as text/calendar: %s %s" % (status, headers.get("content-type")))
        lines_ = raw.split(b"\r\n")
        check(raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""), "every line ends with CRLF")
        check(all(len(l) <= 75 for l in lines_), "no line longer than 75 octets: %d" % max(len(l) for l in lines_))
        for l in lines_:
            try:
                l.decode("utf-8")
            except UnicodeDecodeError:
                check(False, "a folded line holds a cut UTF-8 character: %r" % l)
        cal = icalendar.Calendar.from_ical(raw.decode("utf-8"))
        events = [c for c in cal.walk("VEVENT")]
        check(cal.get("VERSION") == "2.0" and cal.get("PRODID"), "VERSION and PRODID")
        check(len(events) == 2, "one VEVENT per event with a start: %d" % len(events))
        if len(events) == 2:
            first, second = events
            check(str(first.get("SUMMARY")) == EVENTS[0]["title"], "the title as written: %r" % str(first.get("SUMMARY")))
            check(first.decoded("DTSTART") == datetime.datetime(2030, 5, 17, 10, 0), "the start: %r" % first.decoded("DTSTART"))
            check(first.decoded("DTEND") == datetime.datetime(2030, 5, 17, 12, 0), "the end")
            check(str(first.get("LOCATION")) == EVENTS[0]["address"], "the address, non-ASCII and a comma")
            check(str(first.get("DESCRIPTION")) == "Meet the team\nat the hall", "the description without markup: %r"
                  % str(first.get("DESCRIPTION")))
            check(second.decoded("DTSTART") == datetime.date(2030, 6, 1), "a date alone is a whole day")
            check(str(second.get("SUMMARY")) == LONG.strip(), "a long title unfolds as written")
            check(str(second.get("DESCRIPTION")) == EVENTS[1]["description"], "non-ASCII text folded and unfolded whole")
            check(all(e.get("UID") and e.get("DTSTAMP") for e in events), "UID and DTSTAMP on every event")
        _, _, again, _ = call(port, "GET", path)
        uids = lambda text: [str(e.get("UID")) for e in icalendar.Calendar.from_ical(text.decode()).walk("VEVENT")]
        check(uids(raw) == uids(again), "UIDs are stable between requests")
        check(call(port, "GET", "/api/%s/no-such-place/events.ics" % force)[0] == 404, "404 for an unknown neighbourhood")
        _, _, page, _ = call(port, "GET", "/neighbourhood")
        _, _, script, _ = call(port, "GET", "/static/neighbourhood.js")
        check(b'id="events-calendar"' in page and b"/events.ics" in script, "the neighbourhood page links the calendar")
        server.terminate()
        server.wait()
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
