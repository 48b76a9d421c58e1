#!/usr/bin/env python3
"""Helpers for tools/bench/write-path: who writes, and the request lists wrk sends.

  writes.py plan STORE COUNT PLAN
      From the SQLite STORE (both stores hold the same imported data, so the same ids):
      writes PLAN/teams.txt, COUNT "force neighbourhood" lines, the first neighbourhoods
      in id order, one team account each, and PLAN/schemes.txt, the ids of the public
      Watch schemes, one a line.

  writes.py lists BASE_URL PLAN PASSWORD LISTS
      Asks the running server for what the writes need and writes three lists in LISTS
      (tools/bench/urls.lua's format, one request a line):
        messages.txt  Watch messages, POST /api/watch/schemes/{id}/messages, round the
                      public schemes, each with its scheme's form token (csrf_token of
                      GET /api/watch/schemes/{id}) and the server's Origin;
        edits.txt     team edits, PUT /api/{force}/{neighbourhood}/priorities, each team
                      signed in here once (its session cookie and CSRF token), the teams
                      in turn and each edit's text its own, so every PUT changes the row;
        signins.txt   sign-ins, POST /auth/login with the right password, the teams'
                      accounts in turn (a sign-in in flight counts against its account
                      until it is answered, so consecutive requests name other accounts).
      Prints "schemes=N teams=T": N schemes take messages.

Team accounts are team-I@example.org, I from 1, in the order of TEAMS_FILE.
"""
import http.client
import json
import os
import sqlite3
import sys
import urllib.parse

EDITS_PER_TEAM = 16


def plan(store, count, plan_dir):
    os.makedirs(plan_dir, exist_ok=True)
    db = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
    with open(os.path.join(plan_dir, "teams.txt"), "w") as f:
        for force, hood in db.execute("SELECT force, id FROM neighbourhoods ORDER BY force, id LIMIT ?", (count,)):
            f.write("%s %s\n" % (force, hood))
    with open(os.path.join(plan_dir, "schemes.txt"), "w") as f:
        for (scheme,) in db.execute("SELECT id FROM watch_schemes WHERE visibility = 'public' ORDER BY id"):
            f.write(scheme + "\n")


class Server:
    """One kept-alive connection to the server under test."""

    def __init__(self, base_url):
        url = urllib.parse.urlsplit(base_url)
        self.origin = base_url.rstrip("/")
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def call(self, method, path, body=None):
        headers = {"Origin": self.origin}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        answer = self.conn.getresponse()
        raw = answer.read()
        if answer.status != 200:
            raise RuntimeError("%s %s answered %d: %s" % (method, path, answer.status, raw[:200]))
        return json.loads(raw), answer.getheader("Set-Cookie")


def lists(base_url, plan_dir, password, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    server = Server(base_url)
    origin = server.origin
    with open(os.path.join(plan_dir, "teams.txt")) as f:
        hoods = [line.split() for line in f if line.strip()]
    with open(os.path.join(plan_dir, "schemes.txt")) as f:
        ids = [line.strip() for line in f if line.strip()]
    messages = []
    for n, scheme in enumerate(ids):
        token = server.call("GET", "/api/watch/schemes/" + urllib.parse.quote(scheme, safe=""))[0]["csrf_token"]
        body = json.dumps({"kind": "message", "name": "Write Bench", "email": "bench%d@example.net" % n,
                           "text": "A message to scheme %s from the write-path benchmark." % scheme})
        messages.append("POST\t/api/watch/schemes/%s/messages\t%s\t%s\t%s" % (scheme, origin, token, body))

    sessions = []
    for i, (force, hood) in enumerate(hoods):
        signed, cookie = server.call("POST", "/auth/login", {"email": "team-%d@example.org" % (i + 1),
                                                             "password": password})
        sessions.append((force, hood, signed["csrf_token"], cookie.split(";")[0]))
    edits = []
    for variant in range(EDITS_PER_TEAM):
        for force, hood, csrf, cookie in sessions:
            body = json.dumps([{"issue": "Parking on pavements (%d)" % variant, "issue-date": "2024-09-01T00:00:00",
                                "action": "Patrols on foot, week %d" % variant, "action-date": "2024-09-15T00:00:00"}])
            edits.append("PUT\t/api/%s/%s/priorities\t%s\t%s\t%s\t%s" % (force, hood, origin, csrf, body, cookie))

    signins = ["POST\t/auth/login\t%s\t-\t%s" % (origin, json.dumps({"email": "team-%d@example.org" % (i + 1),
                                                                        "password": password}))
               for i in range(len(hoods))]

    for name, lines in (("messages", messages), ("edits", edits), ("signins", signins)):
        with open(os.path.join(out_dir, name + ".txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print("schemes=%d teams=%d" % (len(ids), len(hoods)))


def main(argv):
    if len(argv) == 5 and argv[1] == "plan":
        plan(argv[2], int(argv[3]), argv[4])
    elif len(argv) == 6 and argv[1] == "lists":
        lists(*argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
