#!/usr/bin/env python3
"""Accounts get their links by email, read from a real SMTP server on loopback (Debian's
aiosmtpd): `crimemap user add --send-link` and `crimemap user reset --send-link` queue the
link in the store's outbox and the running serve mails it; "Forgot your password?" mails a reset
link to an account's own address and answers the same for an address without one; its limits
per client address and per asked-for address (an account's or not); every link that arrives works.

Usage: mail_accounts_test.py CRIMEMAP_BINARY   (under a Python that has aiosmtpd)
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, serving  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a different long passphrase"


def link_of(message, port):
    text = message["parts"][0]["content"]
    match = re.search(r"http://127\.0\.0\.1:%d/auth/set-password\?token=([A-Za-z0-9_-]+)" % port, text)
    html = message["parts"][1]["content"]
    return match.group(1) if match and match.group(0) in html else None


def mailed_link(sink, port, count, subject, what):
    """The `count`-th mail to new@example.org, checked to have come with `subject`: (its text,
    the set-password token both its parts link to, or None)."""
    got = sink.wait_for(count, to="new@example.org")
    mail = got[-1] if len(got) == count else None
    check(mail is not None and mail["headers"]["Subject"] == subject, what)
    return (mail["parts"][0]["content"], link_of(mail, port)) if mail else ("", None)


def login(port, email, password, source="127.0.0.1"):
    return call(port, "POST", "/auth/login", {"email": email, "password": password}, source=source)[0]


def use_link(port, token, password):
    status, body, _, _ = call(port, "GET", "/auth/set-password/account?token=" + token)
    if status != 200:
        return status, None
    return call(port, "POST", "/auth/set-password", {"token": token, "password": password})[0], body["email"]


def links_by_mail(binary, store, sink, port):
    """user add and user reset --send-link, and "Forgot your password?", with their limits."""
    url = "http://127.0.0.1:%d" % port

    # user add --send-link: no link printed; the running serve mails it; it works.
    added = subprocess.run([binary, "user", "add", "--db", store, "--email", "new@example.org", "--role", "admin",
                            "--send-link", "--public-url", url], capture_output=True, text=True)
    check(added.returncode == 0 and "outbox" in added.stdout and "token=" not in added.stdout,
          "user add --send-link prints no link: %r %r" % (added.stdout, added.stderr))
    _, token = mailed_link(sink, port, 1, "Set your crimemap password", "the new account's mail arrives")
    check(token is not None, "it holds the set-password link in both parts")
    if token:
        status, email = use_link(port, token, PASSWORD)
        check(status == 200 and email == "new@example.org", "the mailed link sets the password: %s" % status)
    check(login(port, "new@example.org", PASSWORD) == 200, "and the account signs in with it")

    # user reset --send-link: the old password ends; the mailed link sets a new one.
    reset = subprocess.run([binary, "user", "reset", "--db", store, "--email", "new@example.org", "--send-link",
                            "--public-url", url], capture_output=True, text=True)
    check(reset.returncode == 0 and "token=" not in reset.stdout, "user reset --send-link prints no link")
    _, token = mailed_link(sink, port, 2, "Set a new crimemap password", "the reset mail arrives")
    check(login(port, "new@example.org", PASSWORD, "127.0.0.9") == 401, "the old password no longer works")
    check(token is not None and use_link(port, token, NEW_PASSWORD)[0] == 200, "the reset link sets a new password")
    check(login(port, "new@example.org", NEW_PASSWORD) == 200, "which signs in")
    missing = subprocess.run([binary, "user", "reset", "--db", store, "--email", "nobody@example.org", "--send-link"],
                             capture_output=True, text=True)
    check(missing.returncode != 0 and "nobody@example.org" in missing.stderr, "reset of an unknown account is refused")
    check(subprocess.run([binary, "user", "add", "--db", store, "--email", "x@example.org\r\nBcc: v@example.net",
                          "--role", "admin", "--send-link"], capture_output=True).returncode != 0,
          "an address with CR LF is refused")

    # Forgot your password?: the same answer with or without an account; mail only to an account.
    ask = lambda email, source: call(port, "POST", "/auth/forgot-password", {"email": email}, source=source)
    known = ask("NEW@example.org", "127.0.0.2")
    unknown = ask("stranger@example.org", "127.0.0.3")
    check(known[0] == 202 and unknown[0] == 202 and known[2] == unknown[2], "the same answer either way: %s %s" % (known[:2], unknown[:2]))
    text, token = mailed_link(sink, port, 3, "Reset your crimemap password", "the account's reset mail arrives")
    check(login(port, "new@example.org", NEW_PASSWORD, "127.0.0.8") == 200, "asking changes no password")
    check(token is not None and use_link(port, token, PASSWORD)[0] == 200, "the forgotten-password link works")
    check(login(port, "new@example.org", PASSWORD) == 200, "and the new password signs in")
    check(not sink.wait_for(0, to="stranger@example.org"), "nothing goes to an address without an account")
    check("1 hour" in text, "the mail says the link works for 1 hour")

    # Limits: per asked-for address (3 an hour), the same for an address with or without an account.
    for email in ("new@example.org", "stranger@example.org"):
        statuses = [ask(email, "127.0.0.%d" % (10 + i))[0] for i in range(3)]
        check(statuses[-1] == 429 and statuses[0] == 202, "per asked-for address %s: %s" % (email, statuses))
    # Per client address (5 in 15 minutes), whatever the addresses asked for.
    statuses = [ask("someone%d@example.org" % i, "127.0.0.20")[0] for i in range(6)]
    check(statuses[:5] == [202] * 5 and statuses[5] == 429, "per client address: %s" % statuses)
    check(ask("a@example.org\r\nBcc: v@example.net", "127.0.0.21")[0] == 400, "an address with CR LF is refused")
    check(ask("", "127.0.0.21")[0] == 400, "an empty address is refused")
    time.sleep(2)
    count = len(sink.wait_for(0, to="new@example.org"))
    check(count == 5, "3 reset mails in the hour for the account, no more: %d" % count)


def limits_behind_a_proxy(port):
    """Behind a trusted proxy the limit per client address counts the forwarded client, and a
    forwarded address from anyone else counts nothing."""
    forwarded = lambda email, client, source="127.0.0.1": call(
        port, "POST", "/auth/forgot-password", {"email": email}, source=source, headers={"X-Forwarded-For": client})[0]
    statuses = [forwarded("p%d@example.org" % i, "203.0.113.7") for i in range(6)]
    check(statuses == [202] * 5 + [429], "one client behind the proxy is limited: %s" % statuses)
    check(forwarded("q@example.org", "203.0.113.8") == 202, "another client behind the proxy is not")
    statuses = [forwarded("r%d@example.org" % i, "198.51.100.%d" % i, "127.0.0.7") for i in range(6)]
    check(statuses == [202] * 5 + [429], "an untrusted sender's X-Forwarded-For is ignored: %s" % statuses)


def without_a_relay(port):
    """Without --smtp-url the form says so (and nothing is queued)."""
    status, body, _, _ = call(port, "POST", "/auth/forgot-password", {"email": "new@example.org"})
    check(status == 503 and "administrator" in body.get("message", ""), "without a relay the answer says so: %s %s" % (status, body))
    _, _, page, _ = call(port, "GET", "/signin")
    check(b"Forgot your password?" in page and b'id="forgot-form"' in page, "the sign-in page has the form")


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 7)
        with SmtpSink() as sink:
            with serving(binary, store, *sink.relay_options(), "--mail-retry-seconds", "1") as (_, port, _):
                links_by_mail(binary, store, sink, port)
            with serving(binary, store, *sink.relay_options(), "--trusted-proxy", "127.0.0.1/32") as (_, port, _):
                limits_behind_a_proxy(port)
        with serving(binary, store) as (_, port, _):
            without_a_relay(port)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
