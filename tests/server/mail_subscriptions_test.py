#!/usr/bin/env python3
"""Residents follow their neighbourhood, read from a real SMTP server on loopback (Debian's
aiosmtpd): a subscription asks only to confirm (double opt-in), a GET of the link confirms
nothing, the page's POST does; after an import of a new month and the reload, each confirmed
subscriber (and no one else) gets one mail with the month's figures by category against the
month before and a year earlier, as the store holds them; every mail carries RFC 8058's
List-Unsubscribe headers, and one POST without Origin or cookie unsubscribes and deletes the
address; a neighbourhood name with CR LF and non-ASCII letters stays in the Subject; the same
answer whether an address is subscribed or not; limits per client and per address.

Usage: mail_subscriptions_test.py CRIMEMAP_BINARY   (under a Python that has aiosmtpd)
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, new_store, serving, sql, sql_value  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

NAME = "Ælfrēd's Green\r\nBcc: victim@example.net"


def subscribe(port, email, force, hood, source="127.0.0.1"):
    return call(port, "POST", "/api/subscriptions", {"email": email, "force": force, "neighbourhood": hood}, source=source)


def by_category(store, force, hood, month):
    return dict(sql(store, "SELECT ct.label, count(*) FROM crimes c JOIN locations l ON c.location = l.id "
                           "JOIN neighbourhoods n ON l.neighbourhood = n.key JOIN crime_types ct ON c.crime_type = ct.id "
                           "WHERE n.force = ? AND n.id = ? AND c.month = ? GROUP BY ct.label", (force, hood, month)))


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        data, store = os.path.join(work, "data"), new_store(work)
        subprocess.run([binary, "generate", "--out", data, "--rows", "20000", "--months", "3", "--seed", "9"],
                       check=True, capture_output=True)
        months = sorted(d for d in os.listdir(data) if re.fullmatch(r"\d{4}-\d\d", d))
        older = [os.path.join(data, d) for d in os.listdir(data) if d != months[-1]]
        subprocess.run([binary, "import", "--db", store] + older, check=True, capture_output=True)
        (force, hood), = sql(store, "SELECT n.force, n.id FROM crimes c JOIN locations l ON c.location = l.id "
                                    "JOIN neighbourhoods n ON l.neighbourhood = n.key GROUP BY n.key, n.force, n.id "
                                    "ORDER BY count(*) DESC, n.key LIMIT 1")
        sql(store, "UPDATE neighbourhoods SET name = ? WHERE force = ? AND id = ?", (NAME, force, hood))

        with (SmtpSink() as sink,
              serving(binary, store, *sink.relay_options(), "--mail-retry-seconds", "1") as (server, port, _)):
            url = "http://127.0.0.1:%d" % port

            status, body, raw, _ = subscribe(port, "follower@example.org", force, hood)
            check(status == 202 and "confirm" in body["message"], "a subscription request is accepted: %s %s" % (status, body))
            got = sink.wait_for(1, to="follower@example.org")
            check(len(got) == 1, "the confirmation mail arrives")
            confirm = got[0] if got else {"headers": {}, "parts": [{"content": ""}, {"content": ""}], "header_names": [], "raw": ""}
            check(confirm["headers"].get("Subject") == "Confirm: email me new crime figures for Ælfrēd's Green  Bcc: victim@example.net",
                  "it only asks to confirm; the name stays in the Subject: %r" % confirm["headers"].get("Subject"))
            check("Bcc" not in confirm["header_names"], "the name's 'Bcc:' never becomes a header")
            check(confirm["headers"].get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click", "RFC 8058's List-Unsubscribe-Post")
            link = re.search(re.escape(url) + r"/subscriptions/confirm\?token=([A-Za-z0-9_-]+)", confirm["parts"][0]["content"])
            check(link is not None, "the confirmation link is in the text")
            token = link.group(1) if link else ""

            # The same answer for an address that asked already; a second link replaces the first.
            again = subscribe(port, "follower@example.org", force, hood, "127.0.0.2")
            check(again[0] == 202 and again[2] == raw, "the same answer the second time")
            got = sink.wait_for(2, to="follower@example.org")
            if len(got) == 2:
                token = re.search(r"confirm\?token=([A-Za-z0-9_-]+)", got[1]["parts"][0]["content"]).group(1)
            check(subscribe(port, "other@example.org", force, hood, "127.0.0.3")[0] == 202, "an address that never confirms")
            check(subscribe(port, "x@example.org\r\nBcc: v@example.net", force, hood, "127.0.0.4")[0] == 400,
                  "an address with CR LF is refused")
            check(subscribe(port, "y@example.org", force, "no-such-place", "127.0.0.4")[0] == 400, "an unknown neighbourhood is refused")

            # A GET (a mail scanner) confirms nothing; the page's button (a POST) does.
            status, _, page, _ = call(port, "GET", "/subscriptions/confirm?token=" + token)
            check(status == 200 and b'method="post"' in page and token.encode() in page, "the link opens a page with a button")
            confirmed = lambda: sql_value(store, "SELECT count(*) FROM subscriptions WHERE confirmed_at IS NOT NULL")
            check(confirmed() == 0, "a GET confirms nothing")
            # As a browser posts the page's form under Referrer-Policy no-referrer: Origin null.
            status, _, page, _ = call(port, "POST", "/api/subscriptions/confirm", form={"token": token}, origin="null")
            check(status == 200 and b"Confirmed" in page, "the button confirms: %s" % status)
            check(confirmed() == 1, "one confirmed subscription")
            check(call(port, "POST", "/api/subscriptions/confirm", {"token": token})[0] == 400, "a used link does not confirm again")
            before = len(sink.messages)
            status, _, raw3, _ = subscribe(port, "follower@example.org", force, hood, "127.0.0.5")
            check(status == 202 and raw3 == raw, "the same answer for an address already subscribed")
            _, _, metrics, _ = call(port, "GET", "/metrics")
            check(b'crimemap_subscriptions{state="confirmed"} 1' in metrics and b"follower@" not in metrics,
                  "/metrics counts subscriptions and lists no address")

            # A new month: import and reload. One mail, to the confirmed subscriber only, with the store's figures.
            time.sleep(1.5)
            before = len(sink.messages)
            subprocess.run([binary, "import", "--db", store, os.path.join(data, months[-1])], check=True, capture_output=True)
            server.send_signal(signal.SIGHUP)
            got = sink.wait_for(before + 1, seconds=60)
            alerts = [m for m in got[before:] if m["headers"].get("Subject", "").startswith("New crime figures")]
            check(len(alerts) == 1 and alerts[0]["rcpt_tos"] == ["follower@example.org"] if alerts else False,
                  "one alert, to the confirmed subscriber only: %s" % [m["rcpt_tos"] for m in alerts])
            time.sleep(1)
            check(not any(m["rcpt_tos"] == ["other@example.org"] for m in sink.messages[before:]), "nothing to the unconfirmed address")
            if alerts:
                alert = alerts[0]
                year, month = int(months[-1][:4]), int(months[-1][5:])
                now_month, prev_month = year * 100 + month, int(months[-2][:4]) * 100 + int(months[-2][5:])
                names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                         "November", "December"]
                check(alert["headers"]["Subject"] == "New crime figures for Ælfrēd's Green  Bcc: victim@example.net: %s %d"
                      % (names[month - 1], year), "the alert's Subject: %r" % alert["headers"]["Subject"])
                text = alert["parts"][0]["content"]
                now, prev = by_category(store, force, hood, now_month), by_category(store, force, hood, prev_month)
                for label in set(now) | set(prev):
                    line = "- %s: %d (%s %d: %d; %s %d: no figures)" % (label, now.get(label, 0), names[(prev_month % 100) - 1],
                                                                        prev_month // 100, prev.get(label, 0), names[month - 1], year - 1)
                    check(line in text, "the figures for %s: %r" % (label, line))
                check("%d crimes were recorded" % sum(now.values()) in text, "the month's total")
                check("What happened next" in text and "Upcoming events" in text, "outcomes and events")
                check(url + "/neighbourhood?force=" in text and urllib.parse.quote(hood, safe="") in text, "a link to the neighbourhood page")
                check("<table>" in alert["parts"][1]["content"] and "<caption>" in alert["parts"][1]["content"],
                      "the HTML part has a captioned table")
                unsubscribe = alert["headers"].get("List-Unsubscribe", "")
                check(re.fullmatch(r"<https?://[^>]+/subscriptions/unsubscribe\?token=[A-Za-z0-9_-]+>", unsubscribe) is not None,
                      "List-Unsubscribe names an http(s) URL: %r" % unsubscribe)
                check(alert["headers"].get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click", "and takes the one-click POST")
                target = unsubscribe[1:-1][len(url):]
                status, _, page, _ = call(port, "GET", target)
                check(status == 200 and b'method="post"' in page, "a GET shows a button")
                check(sql_value(store, "SELECT count(*) FROM subscriptions WHERE email = 'follower@example.org'") == 1,
                      "and unsubscribes no one")
                status, _, _, _ = call(port, "POST", target, headers={"Content-Type": "application/x-www-form-urlencoded"},
                                       origin=False, body=None, form={"List-Unsubscribe": "One-Click"})
                check(status == 200, "the one-click POST, without Origin or cookie, is answered 200: %s" % status)
                check(sql_value(store, "SELECT count(*) FROM subscriptions WHERE email = 'follower@example.org'") == 0,
                      "and deletes the address")

            # A reload that sees no new month sends nothing.
            before = len(sink.messages)
            server.send_signal(signal.SIGHUP)
            time.sleep(6)
            check(len(sink.messages) == before, "no alert for a reload without a new month")

            # Limits: three requests a day for one address, five an hour from one client.
            statuses = [subscribe(port, "target@example.org", force, hood, "127.0.0.%d" % (30 + i))[0] for i in range(4)]
            check(statuses == [202, 202, 202, 429], "per address to be mailed: %s" % statuses)
            statuses = [subscribe(port, "p%d@example.org" % i, force, hood, "127.0.0.40")[0] for i in range(6)]
            check(statuses == [202] * 5 + [429], "per client address: %s" % statuses)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
