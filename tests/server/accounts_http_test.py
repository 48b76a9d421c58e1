#!/usr/bin/env python3
"""Accounts, sessions, team edits, Watch messages and the coordinator inbox, against the real
server on loopback with a real store: the authorization matrix (every role against every
write and read endpoint, in and out of scope), CSRF and Origin, session expiry, rate limits,
the honeypot, validation messages, retention, and a scan of every public answer for
coordinators' and applicants' email addresses.

Usage: accounts_http_test.py CRIMEMAP_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, serving, sql, sql_value  # noqa: E402

PASSWORD = "correct horse battery staple"




class Client:
    """One browser: its own cookie, Origin and CSRF token; optionally its own source address."""

    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source = port, source
        self.origin = "http://127.0.0.1:%d" % port
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, form=None, headers=None, origin=True, csrf=True):
        token = None
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            token = csrf if isinstance(csrf, str) else self.csrf
        status, parsed, raw, got = call(self.port, method, path, body=body, form=form, headers=headers,
                                        source=self.source, cookie=self.cookie, csrf=token,
                                        origin=origin)
        return status, parsed, raw, got.get("set-cookie")

    def login(self, email, password=PASSWORD):
        status, body, _, cookie = self.call("POST", "/auth/login", {"email": email, "password": password})
        if status == 200:
            self.cookie = cookie.split(";")[0]
            self.csrf = body["csrf_token"]
        return status, body, cookie


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 3)

        hoods = sql(store, "SELECT force, id FROM neighbourhoods ORDER BY force, id LIMIT 2")
        (fa, na), (fb, nb) = hoods
        schemes = [r[0] for r in sql(store, "SELECT id FROM watch_schemes ORDER BY id LIMIT 2")]
        x, y = schemes
        sql(store, "UPDATE watch_schemes SET status = 'verified-by-police' WHERE id = ?", (x,))
        sql(store, "UPDATE watch_schemes SET status = 'self-declared' WHERE id = ?", (y,))

        accounts = {
            "admin": ["--role", "admin"],
            "team-a": ["--role", "team", "--force", fa, "--neighbourhood", na],
            "team-b": ["--role", "team", "--force", fb, "--neighbourhood", nb],
            "coord-x": ["--role", "coordinator", "--scheme", x],
            "coord-y": ["--role", "coordinator", "--scheme", y],
        }
        email = {name: "%s@example.org" % name for name in accounts}
        for name, options in accounts.items():
            subprocess.run([binary, "user", "add", "--db", store, "--email", email[name], "--password-stdin"] + options,
                           input=PASSWORD, text=True, check=True, capture_output=True)
        # The link flow: an account without a password gets a one-time link.
        added = subprocess.run([binary, "user", "add", "--db", store, "--email", "linked@example.org", "--role", "admin"],
                               text=True, check=True, capture_output=True).stdout
        token = re.search(r"token=([A-Za-z0-9_-]+)", added).group(1)
        bad = subprocess.run([binary, "user", "add", "--db", store, "--email", "t@example.org", "--role", "team",
                              "--force", fa, "--neighbourhood", "NOPE"], text=True, capture_output=True)
        check(bad.returncode == 2 and "NOPE" in bad.stderr, "a team of an unknown neighbourhood is refused by name")

        # An applicant's message from two years ago, for retention.
        sql(store, "INSERT INTO watch_messages(scheme_id, kind, name, email, text, created_at, delete_token_hash) "
                   "VALUES (?, 'join', 'Old', 'old.applicant@example.net', 'hello', ?, 'x')", (x, int(time.time()) - 2 * 86400))

        with serving(binary, store, "--insecure-cookies", "--retention-days", "1",
                     "--session-idle-seconds", "3", "--session-max-seconds", "6", stop_seconds=20) as (server, port, _):
            run_checks(port, store, email, fa, na, fb, nb, x, y, token)
    return finish()


def run_checks(port, store, email, fa, na, fb, nb, x, y, token):
    anon = Client(port)
    public_bodies = []  # every answer an anonymous client got

    def public(method, path, **kw):
        status, body, raw, _ = anon.call(method, path, **kw)
        public_bodies.append(raw)
        return status, body

    # --- retention: the old message went at start --------------------------------------
    check(sql_value(store, "SELECT count(*) FROM watch_messages WHERE name = 'Old'") == 0,
          "a message older than --retention-days is deleted at start")

    # --- set-password link ------------------------------------------------------------------
    status, _, raw, _ = anon.call("GET", "/auth/set-password?token=" + token)
    check(status == 200 and b'autocomplete="new-password"' in raw, "the set-password page is a form for password managers")
    status, body, _, _ = anon.call("GET", "/auth/set-password/account?token=" + token)
    check(status == 200 and body == {"email": "linked@example.org"}, "the link's account can be read: %s %r" % (status, body))
    for wrong in ("", "?token=", "?token=" + token[:-2] + "xx"):
        status, _, _, _ = anon.call("GET", "/auth/set-password/account" + wrong)
        check(status == 404, "a wrong link has no account (%r): %s" % (wrong, status))
    status, body, _, _ = anon.call("POST", "/auth/set-password", form={"token": token, "password": "short"})
    check(status == 400 and "password" in body["fields"], "a short password is refused with a field message")
    status, _, _, _ = anon.call("POST", "/auth/set-password", form={"token": token, "password": PASSWORD})
    check(status == 200, "the link sets the password")
    status, _, _, _ = anon.call("POST", "/auth/set-password", form={"token": token, "password": PASSWORD + "!"})
    check(status == 400, "a used link is refused")
    check(anon.call("GET", "/auth/set-password/account?token=" + token)[0] == 404, "a used link has no account")
    check(Client(port).login("linked@example.org")[0] == 200, "the password set by the link signs in")

    # --- Watch messages: the public form -----------------------------------------------------
    status, scheme = public("GET", "/api/watch/schemes/" + x)
    check(status == 200 and scheme["id"] == x and "csrf_token" in scheme, "a scheme's page gives its form token")
    x_lat, x_lng = scheme["latitude"], scheme["longitude"]
    form_token = {s: public("GET", "/api/watch/schemes/" + s)[1]["csrf_token"] for s in (x, y)}

    def send(scheme_id, client=anon, **fields):
        body = {"kind": "join", "name": "Ann Applicant", "email": "ann.applicant@example.net", "text": "I live on the corner."}
        body.update(fields)
        status, answer, raw, _ = client.call("POST", "/api/watch/schemes/%s/messages" % scheme_id, body,
                                             headers={"X-CSRF-Token": form_token[scheme_id]}, csrf=False)
        public_bodies.append(raw)
        return status, answer

    status, answer = send(x, kind="", name="", email="not-an-email", phone="abc", text="")
    check(status == 400 and set(answer["fields"]) == {"kind", "name", "email", "phone", "text"},
          "each bad field gets its own message")
    status, answer = send(x, name="Ann\r\nBcc: victim@example.net")
    check(status == 400 and "name" in answer["fields"], "CR/LF in a name is refused")
    status, answer = send(x, text="x" * 2001)
    check(status == 400 and "text" in answer["fields"], "an overlong message is refused")
    status, _, _, _ = anon.call("POST", "/api/watch/schemes/%s/messages" % x,
                                {"kind": "join", "name": "A", "email": "a@example.net", "text": "hi"})
    check(status == 403, "a message without the form token is refused")
    status, _, _, _ = anon.call("POST", "/api/watch/schemes/%s/messages" % x,
                                {"kind": "join", "name": "A", "email": "a@example.net", "text": "hi"},
                                headers={"X-CSRF-Token": form_token[x]}, origin="http://evil.example")
    check(status == 403, "a message from another origin is refused")
    before = sql_value(store, "SELECT count(*) FROM watch_messages")
    status, answer = send(x, website="http://spam.example")
    check(status == 201 and sql_value(store, "SELECT count(*) FROM watch_messages") == before,
          "a filled honeypot is answered 201 and nothing is stored")
    ids = {}
    for label, scheme_id in (("x1", x), ("x2", x), ("x3", x), ("y1", y), ("own", x)):
        status, answer = send(scheme_id, email="%s.applicant@example.net" % label, phone="01234 567890")
        stored = (sql(store, "SELECT email FROM watch_messages WHERE id = ?", (answer["id"],)) or [None])[0]
        check(status == 201 and stored == ("%s.applicant@example.net" % label,), "a message is stored before its 201")
        ids[label] = answer
    own = ids["own"]
    check(anon.call("DELETE", own["delete_url"].replace("token=", "token=wrong"))[0] == 404, "a wrong delete link is refused")
    check(anon.call("DELETE", own["delete_url"])[0] == 204, "the applicant deletes their message with their link")
    check(anon.call("DELETE", own["delete_url"])[0] == 404, "the link works once")

    # --- sign-in ------------------------------------------------------------------------------
    # Just before the matrix, the inbox and CSRF checks: their sessions last --session-max-seconds.
    clients = {"anonymous": anon}
    for name in email:
        c = Client(port)
        status, body, cookie = c.login(email[name])
        check(status == 200 and body["role"] in ("admin", "team", "coordinator"), "%s signs in" % name)
        check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "the session cookie is HttpOnly and SameSite=Strict")
        clients[name] = c
    check(clients["team-a"].login(email["team-a"])[0] == 200 and
          clients["team-a"].cookie != Client(port).login(email["team-a"])[2].split(";")[0], "each sign-in gets a new token")
    status, me, _, _ = clients["team-a"].call("GET", "/auth/me")
    check(status == 200 and me["scope"] == {"force": fa, "neighbourhood": na} and me["csrf_token"], "/auth/me: role and scope")
    check(clients["coord-x"].call("GET", "/auth/me")[1]["scope"] == {"schemes": [x]}, "a coordinator's scope is its schemes")
    wrong = Client(port).call("POST", "/auth/login", {"email": email["admin"], "password": "wrong password here"})
    unknown = Client(port).call("POST", "/auth/login", {"email": "nobody@example.org", "password": "wrong password here"})
    check(wrong[0] == 401 and unknown[0] == 401 and wrong[1]["message"] == unknown[1]["message"],
          "a wrong password and an unknown account get the same answer")
    t0 = time.perf_counter()
    Client(port).call("POST", "/auth/login", {"email": email["team-b"], "password": "wrong password 2"})
    t1 = time.perf_counter()
    Client(port).call("POST", "/auth/login", {"email": "nobody2@example.org", "password": "wrong password 2"})
    t2 = time.perf_counter()
    check((t1 - t0) > 0.3 * (t2 - t1) and (t2 - t1) > 0.3 * (t1 - t0), "both failures take about the same time")
    check(Client(port).call("POST", "/auth/login", {"email": email["admin"], "password": PASSWORD},
                            origin="http://evil.example")[0] == 403, "a sign-in from another origin is refused")

    # --- the authorization matrix ----------------------------------------------------------------
    roles = ["anonymous", "team-a", "team-b", "coord-x", "coord-y", "admin"]

    def expect(allowed, ok, others=403):
        return {r: ok if r in allowed else (401 if r == "anonymous" else others) for r in roles}

    contact = {"telephone": "0300 000 0000", "email": "team@example.org"}
    people = [{"name": "PC Example", "rank": "Police Constable", "bio": "", "contact_details": {}}]
    priorities = [{"issue": "Parking on pavements", "issue-date": "2024-09-01T00:00:00", "action": "Patrols",
                   "action-date": "2024-09-15T00:00:00"}]
    events = [{"title": "Street meeting", "type": "meeting", "description": "Come along", "address": "The hall",
               "start_date": "2024-10-01T18:00:00", "end_date": "2024-10-01T19:00:00"}]
    matrix = []
    for (force, hood, team) in ((fa, na, "team-a"), (fb, nb, "team-b")):
        for part, value in (("contact_details", contact), ("people", people), ("priorities", priorities), ("events", events)):
            matrix.append(("PUT", "/api/%s/%s/%s" % (force, hood, part), value, expect({team, "admin"}, 200)))
    matrix += [
        ("GET", "/auth/me", None, expect(set(roles) - {"anonymous"}, 200)),
        ("GET", "/api/watch/inbox", None, expect({"coord-x", "coord-y"}, 200)),
        # Another scheme's message is answered as one that does not exist.
        ("POST", "/api/watch/inbox/%d/read" % ids["x1"]["id"], None, expect({"coord-x"}, 204, 404)),
        ("POST", "/api/watch/inbox/%d/read" % ids["y1"]["id"], None, expect({"coord-y"}, 204, 404)),
        ("PUT", "/api/watch/schemes/" + x, {"description": "We meet monthly."}, expect({"coord-x", "admin"}, 200)),
        ("PUT", "/api/watch/schemes/" + y, {"meetings": "Tuesdays"}, expect({"coord-y", "admin"}, 200)),
        ("PUT", "/api/watch/schemes/" + x, {"name": "Renamed scheme"}, expect({"admin"}, 200)),
        ("PUT", "/api/watch/schemes/" + x,
         {"area": {"type": "Point", "coordinates": [-1.5, 52.5]}}, expect({"admin"}, 200)),
        ("GET", "/api/forces", None, {r: 200 for r in roles}),
        ("GET", "/api/watch/schemes/" + x, None, {r: 200 for r in roles}),
    ]
    for method, path, body, expected in matrix:
        for role in roles:
            status = clients[role].call(method, path, body)[0]
            check(status == expected[role], "%s %s as %s: %d, want %d" % (method, path, role, status, expected[role]))
    # Deleting, once per message: only its own coordinator (last, so the others meet it still there).
    for role in [r for r in roles if r != "coord-x"] + ["coord-x"]:
        status = clients[role].call("DELETE", "/api/watch/inbox/%d" % ids["x2"]["id"])[0]
        want = 204 if role == "coord-x" else (401 if role == "anonymous" else 404)
        check(status == want, "DELETE inbox message as %s: %d, want %d" % (role, status, want))
    check(clients["coord-x"].call("DELETE", "/api/watch/inbox/%d" % ids["x2"]["id"])[0] == 404, "a deleted message is gone")
    check(clients["admin"].call("PUT", "/api/watch/schemes/" + x, {"status": "verified-by-police"})[0] == 200,
          "an admin verifies a scheme")
    check(clients["coord-x"].call("PUT", "/api/watch/schemes/" + x, {"status": "verified-by-police"})[0] == 403,
          "a coordinator may not verify their own scheme")

    # --- what the edits did ------------------------------------------------------------------------
    status, hood = public("GET", "/api/%s/%s" % (fa, na))
    check(status == 200 and hood["contact_details"] == contact, "a team's change shows at once in the API")
    check(public("GET", "/api/%s/%s/people" % (fa, na))[1] == people, "people show at once")
    check(public("GET", "/api/%s/%s/events" % (fa, na))[1] == events, "events show at once")
    status, answer, _, _ = clients["team-a"].call("PUT", "/api/%s/%s/priorities" % (fa, na), [{"action": "no issue"}])
    check(status == 400 and "priorities[0].issue" in answer["fields"], "a bad priority names its field")
    for key, value in (("email", "team at example.org"), ("web", "javascript:alert(1)")):
        status, answer, _, _ = clients["team-a"].call("PUT", "/api/%s/%s/contact_details" % (fa, na), dict(contact, **{key: value}))
        check(status == 400 and ("contact_details." + key) in answer["fields"], "a bad %s in contact details is refused" % key)
    check(public("GET", "/api/%s/%s" % (fa, na))[1]["contact_details"] == contact, "a refused edit changes nothing")
    rows = sql(store, "SELECT email, action, target, before, after, outcome FROM audit_log")
    check(any(r[0] == email["team-a"] and r[1] == "PUT contact_details" and r[5] == "allowed" and r[4] for r in rows),
          "a team's change is audited with before and after")
    check(any(r[0] == email["team-b"] and r[2] == "%s/%s" % (fa, na) and r[5] == "denied" for r in rows),
          "a team's try at another neighbourhood is audited as denied")

    # --- the inbox ---------------------------------------------------------------------------------------
    inbox_x = clients["coord-x"].call("GET", "/api/watch/inbox")[1]
    check(any(m["email"] == "x1.applicant@example.net" and m["read"] for m in inbox_x), "a verified scheme's coordinator reads details")
    check(all(m["scheme_id"] == x for m in inbox_x), "a coordinator sees only their own schemes' messages")
    inbox_y = clients["coord-y"].call("GET", "/api/watch/inbox")[1]
    check(inbox_y and all(m["email"] is None and m["name"] is None and m["text"] is None for m in inbox_y),
          "a self-declared scheme's coordinator sees no applicant's details")
    clients["admin"].call("PUT", "/api/watch/schemes/" + y, {"status": "verified-by-volunteer"})
    inbox_y = clients["coord-y"].call("GET", "/api/watch/inbox")[1]
    check(any(m["email"] == "y1.applicant@example.net" for m in inbox_y), "once verified, the details show")

    # --- CSRF and Origin -----------------------------------------------------------------------------------
    team = clients["team-a"]
    path = "/api/%s/%s/contact_details" % (fa, na)
    check(team.call("PUT", path, contact, csrf=False)[0] == 403, "a write without the CSRF token is refused")
    check(team.call("PUT", path, contact, csrf="not-the-token")[0] == 403, "a write with a wrong CSRF token is refused")
    check(team.call("PUT", path, contact, origin="http://evil.example")[0] == 403, "a write from another origin is refused")
    check(team.call("PUT", path, contact, origin=False)[0] == 403, "a write without an Origin is refused")
    check(team.call("PUT", path, contact)[0] == 200, "the same write with both is allowed")

    # --- finder -------------------------------------------------------------------------------------------
    status, found = public("GET", "/api/watch/schemes?lat=%f&lng=%f" % (x_lat, x_lng))
    check(status == 200 and found and set(found[0]) == {"id", "name", "status", "covers", "distance_m"}, "the scheme finder")
    check(any(s["id"] == x and s["distance_m"] < 2000 for s in found), "the finder finds a scheme at its own place")
    check(all(a["covers"] >= b["covers"] for a, b in zip(found, found[1:])), "covering schemes come first")
    check(all(a["distance_m"] <= b["distance_m"] for a, b in zip(found, found[1:]) if not a["covers"]),
          "then the nearest first")
    check(any(s["name"] == "Renamed scheme" for s in found), "the finder shows a scheme's name as it is now")
    check(public("GET", "/api/watch/schemes?lat=north&lng=0")[0] == 400, "a bad lat is a 400")

    # --- sessions: logout, idle and absolute expiry ------------------------------------------------------
    c = Client(port)
    c.login(email["admin"])
    old_cookie = c.cookie
    check(c.call("POST", "/auth/logout")[0] == 204, "logout")
    c.cookie = old_cookie
    check(c.call("GET", "/auth/me")[0] == 401, "a session ends at logout")
    c = Client(port)
    c.login(email["admin"])
    time.sleep(4)
    check(c.call("GET", "/auth/me")[0] == 401, "a session ends after the idle timeout")
    c = Client(port)
    c.login(email["admin"])
    for _ in range(4):
        time.sleep(1.8)
        c.call("GET", "/auth/me")
    check(c.call("GET", "/auth/me")[0] == 401, "a session ends after the absolute timeout, even when busy")

    # --- rate limits ------------------------------------------------------------------------------------
    limited = False
    for i in range(6):
        status = Client(port).call("POST", "/auth/login", {"email": email["coord-y"], "password": "wrong password %d" % i})[0]
        limited = limited or status == 429
    check(limited, "failed sign-ins to one account are limited (429)")
    check(Client(port).login(email["coord-y"])[0] == 429, "even the right password waits out the limit")
    statuses = [Client(port, "127.0.0.50").call("POST", "/auth/login", {"email": "guess%d@example.org" % i,
                                                                         "password": "wrong password here"})[0]
                for i in range(21)]
    check(statuses[:20] == [401] * 20 and statuses[20] == 429, "failed sign-ins from one address are limited (429)")
    check(Client(port, "127.0.0.51").login(email["admin"])[0] == 200, "another address is not held up")
    statuses = [send(y, email="flood%d@example.net" % i)[0] for i in range(12)]
    check(429 in statuses, "messages from one address are limited (429)")
    for source in range(2, 8):
        sender = Client(port, "127.0.0.%d" % source)
        statuses = [send(x, client=sender, email="s%d.%d@example.net" % (source, i))[0] for i in range(8)]
        check(statuses == [201] * 5 + [429] * 3, "one address's messages to one scheme are limited (429): %r" % statuses)

    # --- nothing personal in public answers ---------------------------------------------------------------
    for path in ["/api/watch/schemes?lat=%f&lng=%f" % (x_lat, x_lng), "/api/watch/schemes/" + x, "/api/watch/schemes/" + y,
                 "/api/%s/%s" % (fa, na), "/api/%s/%s/people" % (fa, na), "/api/forces", "/tiles/watch.json"]:
        public("GET", path)
    secrets = [e.encode() for e in (email["coord-x"], email["coord-y"])] + [b"applicant@example.net", b"flood", b"s2.0@"]
    leaks = [(s, raw[:80]) for raw in public_bodies for s in secrets if raw and s in raw]
    check(not leaks, "no coordinator's or applicant's email in any public answer: %r" % leaks[:3])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
