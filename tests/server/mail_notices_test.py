#!/usr/bin/env python3
"""Coordinators are told of residents' messages by mail, read from a real SMTP server on
loopback (Debian's aiosmtpd): every coordinator of the scheme, and no one else, gets a notice
that counts what came and links to the inbox, and never holds the applicant's name, email,
phone or text; at most one notice per coordinator per interval, summing what came meanwhile;
nothing for the honeypot nor for a disabled account; a scheme name with CR LF and non-ASCII
letters reaches the Subject as written text, never as a header of its own.

Usage: mail_notices_test.py CRIMEMAP_BINARY   (under a Python that has aiosmtpd)
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, serving, sql, sql_value  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

PASSWORD = "correct horse battery staple"
INTERVAL = 6
APPLICANT = {"name": "Zebedee Quinton", "email": "zq-applicant@example.net", "phone": "07700 900123",
             "text": "SECRET-TEXT-42 about my neighbour"}
NAME_X = "Bürgerwache Straße\r\nBcc: victim@example.net"


def post(port, scheme, kind, source, website=""):
    _, page, _, _ = call(port, "GET", "/api/watch/schemes/" + scheme)
    body = dict(APPLICANT, kind=kind, website=website)
    status, answer, _, _ = call(port, "POST", "/api/watch/schemes/%s/messages" % scheme, body, source=source,
                                headers={"X-CSRF-Token": page["csrf_token"]})
    return status


def leaks(message):
    """The applicant's details found anywhere in a mail, raw or decoded."""
    text = message["raw"] + "".join(p["content"] for p in message["parts"])
    return [v for v in APPLICANT.values() if v in text or v.split()[0] in text]


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 5)
        x, y = [r[0] for r in sql(store, "SELECT id FROM watch_schemes ORDER BY id LIMIT 2")]
        sql(store, "UPDATE watch_schemes SET name = ? WHERE id = ?", (NAME_X, x))
        sql(store, "UPDATE watch_schemes SET name = 'Elm Road Watch' WHERE id = ?", (y,))
        accounts = {"cx1": [x], "cx2": [x, y], "cy": [y], "gone": [x]}
        for name, schemes in accounts.items():
            options = sum((["--scheme", s] for s in schemes), [])
            subprocess.run([binary, "user", "add", "--db", store, "--email", name + "@example.org", "--role", "coordinator",
                            "--password-stdin"] + options, input=PASSWORD, text=True, check=True, capture_output=True)
        subprocess.run([binary, "user", "disable", "--db", store, "--email", "gone@example.org"], check=True,
                       capture_output=True)

        with (SmtpSink() as sink,
              serving(binary, store, *sink.relay_options(), "--mail-retry-seconds", "1",
                      "--notice-interval-seconds", str(INTERVAL)) as (_, port, _)):
            started = time.time()
            check(post(port, x, "message", "127.0.0.2") == 201, "a resident's message is stored")
            first = sink.wait_for(2, seconds=20)
            check(time.time() - started < 20, "the first notices come within seconds")
            check(sorted(m["rcpt_tos"][0] for m in first) == ["cx1@example.org", "cx2@example.org"],
                  "every active coordinator of the scheme gets one, and no one else: %s" % [m["rcpt_tos"] for m in first])
            for m in first:
                check(len(m["rcpt_tos"]) == 1, "one recipient per mail")
                check(m["headers"]["Subject"] == "1 new message for Bürgerwache Straße  Bcc: victim@example.net",
                      "the Subject reads as written, CR LF a space: %r" % m["headers"]["Subject"])
                check("Bcc" not in m["header_names"], "the scheme name's 'Bcc:' never becomes a header")
                head = m["raw"].replace("\r\n", "\n").split("\n\n")[0]
                check("\nBcc" not in head and "victim@example.net" not in head, "no injected header line in the raw message")
                check("\nBcc" not in m["raw"].replace("\r\n", "\n"), "nor a line break from the name in the bodies")
                check(leaks(m) == [], "no applicant detail in the notice: %s" % leaks(m))
                text = m["parts"][0]["content"]
                check("http://127.0.0.1:%d/inbox" % port in text, "the text part links to the inbox")
                check(m["parts"][1]["type"] == "text/html" and 'href="http://127.0.0.1:%d/inbox"' % port in m["parts"][1]["content"],
                      "the HTML part links to the inbox")
                check('<html lang="en">' in m["parts"][1]["content"] and "<title>" in m["parts"][1]["content"],
                      "the HTML part is a whole document with a language and title")
                check("1 message" in text, "the notice counts the message")

            # Within the interval more come: one notice later for each coordinator, summing them.
            check(post(port, x, "join", "127.0.0.3") == 201, "a join request is stored")
            check(post(port, x, "message", "127.0.0.4") == 201, "another message is stored")
            check(post(port, y, "message", "127.0.0.5") == 201, "a message to the second scheme is stored")
            cy = sink.wait_for(1, seconds=10, to="cy@example.org")
            check(len(cy) == 1 and cy[0]["headers"]["Subject"] == "1 new message for Elm Road Watch",
                  "the second scheme's own coordinator is told at once: %s" % [m["headers"]["Subject"] for m in cy])
            time.sleep(1)
            check(len(sink.wait_for(0, to="cx1@example.org")) == 1, "no second notice within the interval")
            later = sink.wait_for(5, seconds=INTERVAL + 15)
            cx1 = [m for m in later if m["rcpt_tos"] == ["cx1@example.org"]]
            cx2 = [m for m in later if m["rcpt_tos"] == ["cx2@example.org"]]
            check(len(cx1) == 2 and len(cx2) == 2, "one more notice each after the interval: %d, %d" % (len(cx1), len(cx2)))
            if len(cx1) == 2 and len(cx2) == 2:
                check(cx1[1]["headers"]["Subject"] == "2 new messages for Bürgerwache Straße  Bcc: victim@example.net",
                      "the later notice sums what came: %r" % cx1[1]["headers"]["Subject"])
                check("1 message, 1 request to join" in cx1[1]["parts"][0]["content"], "by kind")
                check(cx2[1]["headers"]["Subject"] == "3 new messages for your Neighbourhood Watch schemes",
                      "a coordinator of two schemes gets one notice for both: %r" % cx2[1]["headers"]["Subject"])
                check("Elm Road Watch: 1 message" in cx2[1]["parts"][0]["content"], "each scheme counted")
                check(all(leaks(m) == [] for m in later), "no applicant detail in any notice")
            check(not sink.wait_for(0, to="gone@example.org"), "a disabled coordinator is told nothing")

            # The honeypot: a robot's message is stored nowhere and tells no one.
            before = len(sink.messages)
            check(post(port, x, "message", "127.0.0.6", website="http://spam.example") == 201, "the robot is told 201")
            time.sleep(INTERVAL + 3)
            check(len(sink.messages) == before, "no notice for the honeypot")
            check(sql_value(store, "SELECT count(*) FROM outbox") == 0, "nothing waits in the outbox")
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
