#!/usr/bin/env python3
"""What one stranger must not be able to do to accounts and Watch, and what the public must
not see, against the real server on loopback with a real store:

- the honeypot and one sender cannot use up a scheme's form; the scheme-wide ceiling shows
  in the coordinator's inbox notices and in /metrics;
- set-password checks its token before hashing (server CPU time) and is limited by address;
  sign-ins hash off the I/O threads (tiles stay fast during a sign-in flood; a full pool is a 503);
- the per-account sign-in limit holds for 40 parallel tries;
- a hidden scheme is out of tiles (also after SIGHUP), the finder, its page and search;
- the form token's secret survives a restart and a reload, rotates, and the previous is accepted;
- every link field refuses javascript:; one-line fields refuse control and separator characters;
  a team edit reports every bad field;
- another scheme's message is a plain 404; set-password's Referrer-Policy is no-referrer;
- `crimemap user reset` prints a new link and ends the account's password and sessions;
- message ids are never used twice.

Usage: accounts_abuse_test.py CRIMEMAP_BINARY
"""
import concurrent.futures
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, sql, sql_value, start_server  # noqa: E402

PASSWORD = "correct horse battery staple"


class Account:
    def __init__(self, port, email, password=PASSWORD, source="127.0.0.1"):
        self.port, self.email = port, email
        status, body, _, headers = call(port, "POST", "/auth/login", {"email": email, "password": password}, source=source)
        self.status = status
        self.cookie = headers.get("set-cookie", "").split(";")[0] if status == 200 else None
        self.csrf = body["csrf_token"] if status == 200 else None

    def call(self, method, path, body=None):
        return call(self.port, method, path, body, cookie=self.cookie, csrf=self.csrf)


def fields_of(body):
    """The per-field messages of a 400's body; {} for any other answer."""
    return body.get("fields", {}) if isinstance(body, dict) else {}


def server_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tile_of(lat, lng, z):
    n = 2 ** z
    x = int((lng + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 5)
        (force, hood), = sql(store, "SELECT force, id FROM neighbourhoods ORDER BY force, id LIMIT 1")
        x, y, z = [r[0] for r in sql(store, "SELECT id FROM watch_schemes ORDER BY id LIMIT 3")]
        sql(store, "UPDATE watch_schemes SET status = 'verified-by-police'")
        accounts = {"admin": ["--role", "admin"], "team": ["--role", "team", "--force", force, "--neighbourhood", hood],
                    "coord-x": ["--role", "coordinator", "--scheme", x], "coord-y": ["--role", "coordinator", "--scheme", y],
                    "coord-z": ["--role", "coordinator", "--scheme", z]}
        for name, options in accounts.items():
            subprocess.run([binary, "user", "add", "--db", store, "--email", name + "@example.org", "--password-stdin"] + options,
                           input=PASSWORD, text=True, check=True, capture_output=True)
        added = subprocess.run([binary, "user", "add", "--db", store, "--email", "linked@example.org", "--role", "admin"],
                               text=True, check=True, capture_output=True).stdout
        token = re.search(r"token=([A-Za-z0-9_-]+)", added).group(1)

        server, port, lines = start_server(binary, store, "--insecure-cookies")
        try:
            state = {"server": server, "port": port}
            run_checks(binary, store, state, force, hood, x, y, z, token)
        finally:
            state["server"].terminate()
            state["server"].wait(timeout=20)
    return finish()


def run_checks(binary, store, state, force, hood, x, y, z, token):
    port = state["port"]
    team, admin = Account(port, "team@example.org"), Account(port, "admin@example.org")
    coord = {s: Account(port, "coord-%s@example.org" % n) for s, n in ((x, "x"), (y, "y"), (z, "z"))}
    check(all(a.status == 200 for a in [team, admin] + list(coord.values())), "every account signs in")

    def form_token(scheme):
        return call(state["port"], "GET", "/api/watch/schemes/" + scheme)[1]["csrf_token"]

    def send(scheme, source="127.0.0.1", token_=None, **fields):
        body = {"kind": "join", "name": "Ann Applicant", "email": "ann@example.net", "text": "I live on the corner."}
        body.update(fields)
        return call(state["port"], "POST", "/api/watch/schemes/%s/messages" % scheme, body, source=source,
                    headers={"X-CSRF-Token": token_ or form_token(scheme)})

    # --- set-password: Referrer-Policy, token before hashing, limited by address -----------------
    _, _, _, headers = call(port, "GET", "/auth/set-password?token=" + token)
    check(headers.get("referrer-policy") == "no-referrer",
          "the set-password page keeps Referrer-Policy: no-referrer: %r" % headers.get("referrer-policy"))
    _, _, _, headers = call(port, "GET", "/")
    check(headers.get("referrer-policy") == "strict-origin-when-cross-origin", "other pages keep the global policy")
    cpu = server_cpu_seconds(state["server"].pid)
    statuses = []
    for i in range(30):
        statuses.append(call(port, "POST", "/auth/set-password", form={"token": "bogus%d" % i, "password": PASSWORD + "!"},
                             source="127.0.1.%d" % (1 + i // 5))[0])
    spent = server_cpu_seconds(state["server"].pid) - cpu
    check(statuses == [400] * 30, "a bogus set-password token is a 400: %r" % statuses)
    check(spent < 0.1, "30 bogus set-password posts cost no hashing: %.3f s of server CPU (hashing them: ~0.3 s)" % spent)
    statuses = [call(port, "POST", "/auth/set-password", form={"token": "bogus", "password": PASSWORD},
                     source="127.0.1.99")[0] for _ in range(11)]
    check(statuses[:10] == [400] * 10 and statuses[10] == 429, "set-password is limited by address: %r" % statuses)
    status, body, _, _ = call(port, "POST", "/auth/set-password", form={"token": token, "password": "short"})
    check(status == 400 and "password" in fields_of(body), "a valid link with a short password names the password")

    # --- the per-account sign-in limit holds for parallel tries ----------------------------------
    def try_login(i):
        return call(port, "POST", "/auth/login", {"email": "coord-z@example.org", "password": "wrong password %d" % i},
                    source="127.0.3.%d" % (1 + i))[0]
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(try_login, range(40)))
    check(1 <= statuses.count(401) <= 5 and set(statuses) <= {401, 429, 503},
          "40 parallel tries at one account: at most 5 are checked (%d 401, %d 429, %d 503)" %
          (statuses.count(401), statuses.count(429), statuses.count(503)))

    # --- sign-ins hash off the I/O threads: tiles stay fast during a flood -----------------------
    lat, lng = [call(port, "GET", "/api/watch/schemes/" + x)[1][k] for k in ("latitude", "longitude")]
    tx, ty = tile_of(lat, lng, 12)
    tile_path = "/tiles/crimes/12/%d/%d.mvt" % (tx, ty)
    flood_done = []

    def flood(i):
        status = call(port, "POST", "/auth/login", {"email": "admin@example.org", "password": PASSWORD},
                      source="127.0.4.%d" % (1 + i % 200))[0]
        flood_done.append(status)
        return status
    before = re.search(r'^crimemap_requests_total\{route="auth",status="503"\} (\d+)$', call(port, "GET", "/metrics")[2].decode(),
                       re.M)
    counted_before = int(before.group(1)) if before else 0
    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        futures = [pool.submit(flood, i) for i in range(240)]
        time.sleep(0.3)
        latencies = []
        while not all(f.done() for f in futures) and len(latencies) < 200:
            t0 = time.perf_counter()
            status = call(port, "GET", tile_path + "?n=%d" % len(latencies))[0]
            latencies.append((time.perf_counter() - t0, status))
        statuses = [f.result() for f in futures]
    worst = sorted(t for t, _ in latencies)[int(len(latencies) * 0.99) - 1] if latencies else 0
    check(len(latencies) >= 10 and all(s == 200 for _, s in latencies) and worst < 0.1,
          "tiles during a sign-in flood: %d asked, p99 %.1f ms" % (len(latencies), worst * 1000))
    check(set(statuses) <= {200, 503} and 200 in statuses and 503 in statuses,
          "a full hashing pool answers 503 at once: %d 200, %d 503" % (statuses.count(200), statuses.count(503)))
    counted = re.search(r'^crimemap_requests_total\{route="auth",status="503"\} (\d+)$', call(port, "GET", "/metrics")[2].decode(),
                        re.M)
    check(counted and int(counted.group(1)) == statuses.count(503) + counted_before,
          "each 503 of a full pool is counted in /metrics: %r" % (counted and counted.group(0)))

    # --- the honeypot and one sender cannot switch a scheme's form off ---------------------------
    statuses = [send(x, source="127.0.5.1", website="http://spam.example")[0] for _ in range(40)]
    check(statuses == [201] * 40, "honeypot posts are answered 201")
    status, answer, _, _ = send(x, source="127.0.5.1")
    check(status == 201 and answer["id"] > 0, "40 honeypot posts use up no limit: the same address's real message is stored")
    status, answer, _, _ = send(x, source="127.0.5.2")
    check(status == 201 and answer["id"] > 0, "and another address's is stored too")
    statuses = [send(y, source="127.0.5.3", email="s%d@example.net" % i)[0] for i in range(6)]
    check(statuses == [201] * 5 + [429], "one address may send 5 messages an hour to one scheme: %r" % statuses)
    check(send(y, source="127.0.5.4")[0] == 201, "one sender's limit leaves the scheme open to others")
    check(send(x, source="127.0.5.3")[0] == 201, "and leaves that sender free to write to another scheme")
    check(coord[z].call("GET", "/api/watch/inbox/notices")[1] == [], "no notice while a scheme is under its ceiling")
    # The scheme-wide ceiling: 300 stored messages an hour, from 60 addresses.
    statuses = []
    for a in range(61):
        for i in range(5):
            statuses.append(send(z, source="127.0.6.%d" % (a + 1), email="c%d.%d@example.net" % (a, i))[0])
    check(statuses.count(201) == 300 and statuses[-5:] == [429] * 5,
          "a scheme takes 300 messages an hour (%d stored), then refuses" % statuses.count(201))
    status, notices, _, _ = coord[z].call("GET", "/api/watch/inbox/notices")
    check(status == 200 and len(notices) == 1 and notices[0]["scheme_id"] == z and "refusing" in notices[0]["notice"],
          "the coordinator's inbox says the scheme is at its ceiling: %r" % notices)
    check(coord[x].call("GET", "/api/watch/inbox/notices")[1] == [], "other coordinators see no notice")
    metrics = call(port, "GET", "/metrics")[2].decode()
    match = re.search(r"^crimemap_watch_scheme_ceiling_total (\d+)$", metrics, re.M)
    check(match and int(match.group(1)) == 5, "/metrics counts messages refused at a ceiling: %r" % (match and match.group(0)))

    # --- another scheme's message is a plain 404 --------------------------------------------------
    admin = Account(port, "admin@example.org")  # the flood's sign-ins ended its earlier sessions (ten kept)
    mine = send(x, source="127.0.5.9")[1]["id"]
    none_status, none_body, _, _ = coord[y].call("POST", "/api/watch/inbox/999999/read")
    for method, path in (("POST", "/api/watch/inbox/%d/read" % mine), ("DELETE", "/api/watch/inbox/%d" % mine)):
        for who in (coord[y], admin, team):
            status, body, raw, _ = who.call(method, path)
            check(status == 404 and x.encode() not in raw and body["message"] == "no message %d" % mine,
                  "%s %s of another scheme's message: %d %r" % (method, path, status, raw[:100]))
    check(none_status == 404, "an unknown message is a 404 too")
    check(coord[x].call("POST", "/api/watch/inbox/%d/read" % mine)[0] == 204, "its own coordinator marks it read")

    # --- message ids are never used twice -----------------------------------------------------------
    last = send(x, source="127.0.5.10")[1]["id"]
    check(coord[x].call("DELETE", "/api/watch/inbox/%d" % last)[0] == 204, "the newest message is deleted")
    again = send(x, source="127.0.5.11")[1]["id"]
    check(again > last, "the next message gets a new id, not the deleted one's: %d after %d" % (again, last))

    # --- one-line fields, link fields, every bad field at once ----------------------------------------
    for bad in ("Ann\u2028Smith", "Ann\u0085Smith", "Ann\x00Smith", "Ann\u2029", "Ann\x1bSmith"):
        status, body, _, _ = send(x, source="127.0.5.12", name=bad)
        check(status == 400 and "name" in fields_of(body), "a name with %r is refused by field: %s" % (bad, status))
    status, body, _, _ = send(x, source="127.0.5.12", email="ann\u2028@example.net")
    check(status == 400 and "email" in fields_of(body), "an email address with U+2028 is refused")
    people_path = "/api/%s/%s/people" % (force, hood)
    status, body, _, _ = team.call("PUT", people_path, [{"name": "PC\u2028Example", "rank": "PC\x00"}])
    check(status == 400 and set(fields_of(body)) == {"people[0].name", "people[0].rank"},
          "a team edit reports every bad field: %r" % fields_of(body))
    status, body, _, _ = team.call("PUT", people_path, [{"name": "", "bio": "ok"}, {"name": "B", "rank": "x" * 300},
                                                        {"name": "C", "colour": "red"}])
    check(status == 400 and set(fields_of(body)) == {"people[0].name", "people[1].rank", "people[2].colour"},
          "bad fields of several items are all reported: %r" % fields_of(body))
    check(team.call("PUT", people_path, [{"name": "PC Example", "bio": "Line one.\nLine two."}])[0] == 200,
          "a bio may have line breaks")
    contact_path = "/api/%s/%s/contact_details" % (force, hood)
    links = ("web", "twitter", "facebook", "youtube", "flickr", "forum", "rss", "e-messaging")
    status, body, _, _ = team.call("PUT", contact_path, {k: "javascript:alert(1)" for k in links})
    check(status == 400 and set(fields_of(body)) == {"contact_details." + k for k in links},
          "javascript: is refused in every link field, each by name: %r" % sorted(fields_of(body)))
    for key, value in (("twitter", "JavaScript:alert(1)"), ("facebook", "data:text/html,hi"), ("web", "//evil.example")):
        status, body, _, _ = team.call("PUT", contact_path, {key: value})
        check(status == 400 and "contact_details." + key in fields_of(body), "%s %r is refused" % (key, value))
    status, body, _, _ = team.call("PUT", people_path, [{"name": "PC X", "contact_details": {"twitter": "javascript:x"}}])
    check(status == 400 and "people[0].contact_details.twitter" in fields_of(body), "a person's twitter link is checked too")
    good = {"web": "https://example.org/team", "twitter": "https://twitter.com/team", "e-messaging": "mailto:team@example.org",
            "telephone": "101"}
    check(team.call("PUT", contact_path, good)[0] == 200, "http(s): links, a mailto: address and a number are accepted")
    status, body, _, _ = team.call("PUT", contact_path, {"telephone": "101\u2028"})
    check(status == 400 and "contact_details.telephone" in fields_of(body), "a telephone number is one line")
    status, body, _, _ = coord[x].call("PUT", "/api/watch/schemes/" + x, {"website": "javascript:alert(1)"})
    check(status == 400 and "website" in fields_of(body), "a scheme's website refuses javascript:")
    check(coord[x].call("PUT", "/api/watch/schemes/" + x, {"website": "https://watch.example.org"})[0] == 200,
          "a scheme's https website is accepted")
    status, body, _, _ = admin.call("PUT", "/api/watch/schemes/" + x, {"name": "Oak\u2028Road"})
    check(status == 400 and "name" in fields_of(body), "a scheme's name is one line")

    # --- a hidden scheme is hidden everywhere public ------------------------------------------------
    _, page, _, _ = call(port, "GET", "/api/watch/schemes/" + y)
    y_name, ylat, ylng = page["name"], page["latitude"], page["longitude"]
    watch_tiles = ["/tiles/watch/%d/%d/%d.mvt" % ((zoom,) + tile_of(ylat, ylng, zoom)) for zoom in (8, 10, 12)]
    check(all(y.encode() in call(port, "GET", p)[2] for p in watch_tiles), "a public scheme is in its watch tiles")
    etag = call(port, "GET", watch_tiles[1])[3].get("etag")
    check(coord[y].call("PUT", "/api/watch/schemes/" + y, {"visibility": "hidden"})[0] == 200, "a coordinator hides their scheme")

    def hidden_everywhere(when):
        for p in watch_tiles:
            status, _, raw, _ = call(state["port"], "GET", p)
            check(status in (200, 204) and y.encode() not in raw and y_name.encode() not in raw,
                  "%s: a hidden scheme is not in %s" % (when, p))
        status, found, _, _ = call(state["port"], "GET", "/api/watch/schemes?lat=%f&lng=%f" % (ylat, ylng))
        check(status == 200 and all(s["id"] != y for s in found), "%s: the finder leaves it out" % when)
        check(call(state["port"], "GET", "/api/watch/schemes/" + y)[0] == 404, "%s: its page is a 404" % when)
        status, _, raw, _ = call(state["port"], "GET", "/api/search?q=" + urllib.parse.quote(y_name))
        check(y_name.encode() not in raw, "%s: search does not find it" % when)
    hidden_everywhere("at once")
    check(call(port, "GET", watch_tiles[1], headers={"If-None-Match": etag})[0] != 304,
          "the old ETag of its tile no longer matches")
    before_reload = form_token(x)
    state["server"].send_signal(signal.SIGHUP)
    deadline = time.time() + 30
    while time.time() < deadline:
        if re.search(r"^crimemap_reloads_total [1-9]", call(port, "GET", "/metrics")[2].decode(), re.M):
            break
        time.sleep(0.2)
    hidden_everywhere("after a reload")
    check(coord[y].call("PUT", "/api/watch/schemes/" + y, {"visibility": "public"})[0] == 200, "shown again")
    check(y.encode() in call(port, "GET", watch_tiles[1])[2], "a scheme shown again is back in its tile")

    # --- the form token survives a reload and a restart; its secret rotates -------------------------
    check(send(x, source="127.0.7.1", token_=before_reload)[0] == 201, "a form opened before a reload still sends")
    old = form_token(x)
    check(old == before_reload, "a reload keeps the secret")

    def restart():
        state["server"].terminate()
        state["server"].wait(timeout=20)
        state["server"], state["port"], _ = start_server(binary, store, "--insecure-cookies")
    restart()
    check(send(x, source="127.0.7.2", token_=old)[0] == 201, "a form opened before a restart still sends")
    check(form_token(x) == old, "a restart keeps the secret")
    sql(store, "UPDATE form_secrets SET created_at = created_at - 8 * 86400")
    restart()
    rotated = form_token(x)
    check(rotated != old, "a week-old secret is replaced")
    check(send(x, source="127.0.7.3", token_=old)[0] == 201, "the previous secret's tokens are still accepted")
    check(send(x, source="127.0.7.4", token_=rotated)[0] == 201, "and the new one's")
    sql(store, "UPDATE form_secrets SET created_at = created_at - 8 * 86400")
    restart()
    check(send(x, source="127.0.7.5", token_=old)[0] == 403, "two rotations later the old token is refused")
    check(send(x, source="127.0.7.6", token_=rotated)[0] == 201, "the one before is still accepted")
    check(sql_value(store, "SELECT count(*) FROM form_secrets") == 2, "the store keeps two secrets")
    port = state["port"]

    # --- crimemap user reset ---------------------------------------------------------------------------
    team = Account(port, "team@example.org")
    check(team.call("GET", "/auth/me")[0] == 200, "the team is signed in")
    reset = subprocess.run([binary, "user", "reset", "--db", store, "--email", "team@example.org"],
                           text=True, capture_output=True)
    link = re.search(r"/auth/set-password\?token=([A-Za-z0-9_-]+)", reset.stdout)
    check(reset.returncode == 0 and link, "user reset prints a new set-password link: %r %r" % (reset.stdout, reset.stderr))
    check(team.call("GET", "/auth/me")[0] == 401, "user reset ends the account's sessions in the running server")
    check(Account(port, "team@example.org").status == 401, "the old password no longer signs in")
    if link:
        check(call(port, "GET", "/auth/set-password/account?token=" + link.group(1))[1] == {"email": "team@example.org"},
              "the link is the account's")
        status, _, _, _ = call(port, "POST", "/auth/set-password", form={"token": link.group(1), "password": PASSWORD + "2"})
        check(status == 200, "the link sets a new password")
        check(Account(port, "team@example.org", PASSWORD + "2").status == 200, "which signs in")
    unknown = subprocess.run([binary, "user", "reset", "--db", store, "--email", "nobody@example.org"],
                             text=True, capture_output=True)
    check(unknown.returncode == 2 and "nobody@example.org" in unknown.stderr, "user reset of an unknown account: %r" % unknown.stderr)
    check(sql_value(store, "SELECT count(*) FROM audit_log WHERE action = 'user reset'") == 1, "a reset is audited")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
