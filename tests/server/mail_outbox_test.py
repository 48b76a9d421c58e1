#!/usr/bin/env python3
"""The outbox and its sender against a real SMTP server on loopback (Debian's aiosmtpd): mail
queued by another process is sent; while the relay is down mail waits and goes, once each, when
it is back; SIGKILL of the server while a mail is being sent loses nothing (the mail in flight
may go twice, with the same Message-ID); --smtp-require-tls sends nothing over plain SMTP;
/metrics counts it all.

Usage: mail_outbox_test.py CRIMEMAP_BINARY   (under a Python that has aiosmtpd)
"""
import os
import re
import secrets
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, sql, sql_value, start_server  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402


def queue(store, to, subject, text="Hello.\n"):
    """Puts a mail in the outbox as `crimemap user add` would: another process's write."""
    now = int(time.time())
    sql(store, "INSERT INTO outbox(kind, recipient, subject, text_body, html_body, headers, message_token, created_at, "
               "next_attempt_at) VALUES ('test', ?, ?, ?, ?, '[]', ?, ?, ?)",
               (to, subject, text, "<!DOCTYPE html><html lang=\"en\"><body><p>%s</p></body></html>" % text,
                secrets.token_urlsafe(32), now, now))


def outbox_rows(store, where="TRUE"):
    return sql_value(store, "SELECT count(*) FROM outbox WHERE " + where)


def metric(port, name):
    _, _, raw, _ = call(port, "GET", "/metrics")
    match = re.search(r"^%s (\S+)$" % re.escape(name), raw.decode(), re.M)
    return float(match.group(1)) if match else None


def serve(binary, store, sink, *more):
    return start_server(binary, store, "--smtp-url", "smtp://127.0.0.1:%d" % sink.port,
                        "--mail-from", "crimemap@example.org", "--mail-retry-seconds", "1", *more)


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 11)
        sink = SmtpSink()
        sink.start()

        # Mail queued before the server starts (by another process) goes once it runs.
        for i in range(3):
            queue(store, "r%d@example.org" % i, "Straße %d – ✓" % i)
        server, port, lines = serve(binary, store, sink)
        got = sink.wait_for(3)
        check(len(got) == 3, "the 3 queued mails arrive: %d" % len(got))
        check(sorted(m["headers"]["Subject"] for m in got) == ["Straße %d – ✓" % i for i in range(3)],
              "non-ASCII subjects read as written: %s" % [m["headers"]["Subject"] for m in got])
        ids = [m["headers"].get("Message-ID", "") for m in got]
        check(all(re.fullmatch(r"<crimemap\.\d+\.[A-Za-z0-9_-]+@example\.org>", i) for i in ids), "Message-IDs: %s" % ids)
        check(len(set(ids)) == 3, "each mail its own Message-ID")
        check(all(m["headers"].get("Date", "").endswith("+0000") for m in got), "RFC 5322 dates in UTC")
        time.sleep(0.5)
        check(outbox_rows(store) == 0, "a sent mail leaves the outbox")
        check(metric(port, "crimemap_mail_sent_total") == 3, "/metrics counts 3 sent")
        check(metric(port, "crimemap_mail_queued") == 0, "/metrics: nothing queued")

        # The relay goes down: mail waits, is retried, and goes once each when it is back.
        sink.stop()
        for i in range(2):
            queue(store, "down%d@example.org" % i, "while the relay is down %d" % i)
        time.sleep(3.5)
        check(metric(port, "crimemap_mail_queued") == 2, "/metrics: 2 queued while the relay is down")
        check((metric(port, "crimemap_mail_retried_total") or 0) >= 2, "/metrics counts the failed tries as retried")
        check((metric(port, "crimemap_mail_oldest_queued_seconds") or 0) >= 2, "/metrics: the oldest queued mail's age")
        check(any("not sent, try" in line for line in lines), "the log says a mail is to be retried")
        check(not any("down0@example.org" in line for line in lines), "the log never names a recipient")
        sink.start()
        got = sink.wait_for(2 + 3, seconds=40)
        down = [m for m in got if m["rcpt_tos"][0].startswith("down")]
        check(len(down) == 2, "both mails arrive once the relay is back, once each: %d" % len(down))
        time.sleep(0.5)
        check(outbox_rows(store) == 0, "the outbox is empty again")

        # SIGKILL while the relay holds a mail's DATA: after a restart it goes again, same Message-ID.
        sink.delay = 3
        queue(store, "inflight@example.org", "in flight")
        for i in range(4):
            queue(store, "after%d@example.org" % i, "queued behind it %d" % i)
        time.sleep(1.8)
        server.send_signal(signal.SIGKILL)
        server.wait()
        sink.delay = 0
        server, port, lines = serve(binary, store, sink)
        got = sink.wait_for(5 + 5, seconds=40)
        time.sleep(2)
        with sink.lock:
            got = list(sink.messages)
        inflight = [m for m in got if m["rcpt_tos"] == ["inflight@example.org"]]
        check(1 <= len(inflight) <= 2, "the mail in flight at SIGKILL arrives, at most twice: %d" % len(inflight))
        check(len({m["headers"]["Message-ID"] for m in inflight}) == 1, "with the same Message-ID each time")
        after = {m["rcpt_tos"][0] for m in got if m["rcpt_tos"][0].startswith("after")}
        check(after == {"after%d@example.org" % i for i in range(4)}, "every mail queued behind it arrives: %s" % after)
        check(outbox_rows(store) == 0, "nothing is left in the outbox")
        server.send_signal(signal.SIGTERM)
        server.wait()

        # --smtp-require-tls against a relay without STARTTLS: nothing goes, the mail waits.
        before = len(sink.messages)
        queue(store, "tls@example.org", "only over TLS")
        server, port, lines = serve(binary, store, sink, "--smtp-require-tls")
        time.sleep(2.5)
        check(len(sink.messages) == before, "nothing is sent without TLS")
        check(outbox_rows(store, "status = 'queued'") == 1, "the mail waits in the outbox")
        server.send_signal(signal.SIGTERM)
        server.wait()

        # Options that cannot work are refused, naming the option.
        import subprocess
        bad = subprocess.run([binary, "serve", "--db", store, "--smtp-url", "smtp://127.0.0.1:1"], capture_output=True, text=True)
        check(bad.returncode != 0 and "--mail-from" in bad.stderr, "--smtp-url without --mail-from: %s" % bad.stderr.strip())
        bad = subprocess.run([binary, "serve", "--db", store, "--smtp-url", "smtp://u:p@127.0.0.1:1", "--mail-from", "a@b.org"],
                             capture_output=True, text=True)
        check(bad.returncode != 0 and "--smtp-user" in bad.stderr, "a password in the URL is refused: %s" % bad.stderr.strip())
        sink.stop()
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
