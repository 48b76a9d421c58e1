#!/usr/bin/env python3
"""Three `crimemap serve` replicas on one PostgreSQL 15 (the tests' own cluster,
tests/postgres_cluster.py) behind a real nginx run with docs/operations.md's replicas block:
a sign-in through one replica is valid on the others and a sign-out ends it everywhere; a
team's edit shows through every replica at once with a new ETag; a burst of Watch messages
through nginx while one replica is killed with SIGKILL loses none that got a 201 and stores
none twice; a new month imported into PostgreSQL reaches every replica with no failed request
under load; a client spread over the replicas gets no more sign-in tries than from one;
with PostgreSQL stopped, or hanging, reads go on, writes are a quick 503 with Retry-After, and
everything comes back by itself when it starts again.

Usage: replicas_test.py CRIMEMAP_BINARY
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import nginx_front  # noqa: E402
import postgres_cluster  # noqa: E402
from loopback import check, finish, free_port, import_new_month, send  # noqa: E402

PASSWORD = "correct horse battery staple"
SCHEMES = 8


class Replica:
    """One `crimemap serve --db URI` on a port of its own, which it keeps across restarts."""

    def __init__(self, binary, uri, work, name, *options):
        self.binary, self.uri, self.name, self.options = binary, uri, name, list(options)
        self.port = free_port()
        self.index = os.path.join(work, "serving.index")  # one index file for the replicas of one machine
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "serve", "--db", self.uri, "--listen", "127.0.0.1:%d" % self.port, "--insecure-cookies",
             "--trusted-proxy", "127.0.0.1", "--index-file", self.index] + self.options,
            stderr=subprocess.PIPE, text=True)
        for line in self.process.stderr:
            if "serving http://" in line:
                threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()
                return
        raise RuntimeError("replica %s did not start (exit %s)" % (self.name, self.process.wait()))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Client:
    """One browser talking to `port` (a replica or nginx): its cookie, CSRF token, source address."""

    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source = port, source
        self.cookie = self.csrf = None

    def call(self, method, path, body=None, headers=None, port=None, timeout=30):
        port = port or self.port
        h = {"Origin": "http://127.0.0.1:%d" % port}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data, h["Content-Type"] = json.dumps(body), "application/json"
        h.update(headers or {})
        status, got, raw = send(port, method, path, data, h, self.source, timeout=timeout)
        parsed = json.loads(raw) if raw and got.get("content-type", "").startswith("application/json") else None
        return status, parsed, got

    def login(self, email, port=None):
        status, body, got = self.call("POST", "/auth/login", {"email": email, "password": PASSWORD}, port=port)
        if status == 200:
            self.cookie = got["set-cookie"].split(";")[0]
            self.csrf = body["csrf_token"]
        return status


def psql(pg, statement):
    """One statement on the cluster's database: its rows as lists of text."""
    out = subprocess.run(["psql", pg.uri, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", statement],
                         check=True, capture_output=True, text=True, env=pg.environment()).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def metric(port, name, labels):
    """A counter's value on one replica's /metrics (0 when absent)."""
    text = send(port, "GET", "/metrics")[2].decode()
    pattern = r"^%s\{%s\} (\S+)$" % (re.escape(name), re.escape(labels))
    found = re.search(pattern, text, re.M)
    return float(found.group(1)) if found else 0.0


def main(binary):
    check(nginx_front.binary() is not None, "nginx is installed (tools/setup installs Debian's)")
    if not nginx_front.binary():
        return finish()
    with tempfile.TemporaryDirectory() as work, postgres_cluster.Cluster() as pg:
        os.chmod(work, 0o755)
        os.environ.update(pg.environment())  # PGPASSWORD for every crimemap command, as libpq takes it
        data = os.path.join(work, "data")
        subprocess.run([binary, "generate", "--out", data, "--rows", "20000", "--months", "2", "--seed", "12"],
                       check=True, capture_output=True)
        subprocess.run([binary, "import", "--db", pg.uri, data], check=True, capture_output=True)
        (force, hood), = psql(pg, "SELECT force, id FROM neighbourhoods ORDER BY force, id LIMIT 1")
        schemes = [r[0] for r in psql(pg, "SELECT id FROM watch_schemes ORDER BY id LIMIT %d" % SCHEMES)]
        psql(pg, "UPDATE watch_schemes SET status = 'verified-by-police' WHERE id IN (%s)" %
             ",".join("'%s'" % s for s in schemes))
        accounts = {"team@example.org": ["--role", "team", "--force", force, "--neighbourhood", hood],
                    "coordinator@example.org": ["--role", "coordinator"] + sum((["--scheme", s] for s in schemes), [])}
        for email, options in accounts.items():
            subprocess.run([binary, "user", "add", "--db", pg.uri, "--email", email, "--password-stdin"] + options,
                           input=PASSWORD, text=True, check=True, capture_output=True)

        # Replica 1 polls the store only once an hour: new data reaches it by NOTIFY alone.
        replicas = [Replica(binary, pg.uri, work, "1", "--store-poll-seconds", "3600"),
                    Replica(binary, pg.uri, work, "2"), Replica(binary, pg.uri, work, "3")]
        block = nginx_front.documented_block("# crimemap replicas")
        upstreams = re.findall(r"server 10\.0\.0\.\d+:8081", block)
        check(len(upstreams) == 3, "docs/operations.md's upstream names three replicas (%d)" % len(upstreams))
        for upstream, replica in zip(upstreams, replicas):
            block = block.replace(upstream, "server 127.0.0.1:%d" % replica.port)
        try:
            for replica in replicas:
                replica.start()
            with nginx_front.running(work, block) as front:
                run_checks(binary, pg, work, replicas, front, force, hood, schemes)
        finally:
            for replica in replicas:
                replica.stop()
    return finish()


def signed_in_again(replicas, subnet):
    """The replicas (by name) where the team could sign in again within 30 s, each from its own
    address 127.0.`subnet`.N: those that found the store again by themselves."""
    back = {}
    deadline = time.monotonic() + 30
    while len(back) < len(replicas) and time.monotonic() < deadline:
        for replica in replicas:
            source = "127.0.%d.%s" % (subnet, replica.name)
            if replica.name not in back and Client(replica.port, source).login("team@example.org") == 200:
                back[replica.name] = True
        time.sleep(0.5)
    return back


def run_checks(binary, pg, work, replicas, front, force, hood, schemes):
    ports = [r.port for r in replicas]

    # --- sessions: one sign-in for every replica; one sign-out ends it everywhere ----------------------
    team = Client(ports[0])
    check(team.login("team@example.org") == 200, "a team signs in through replica 1")
    check(all(team.call("GET", "/auth/me", port=p)[0] == 200 for p in ports),
          "the session is valid on every replica: %r" % [team.call("GET", "/auth/me", port=p)[0] for p in ports])
    other = Client(ports[1])
    check(other.login("team@example.org") == 200, "the same team signs in again through replica 2")
    status = other.call("POST", "/auth/logout", port=ports[1])[0]
    check(status == 204, "signs out through replica 2 (%d)" % status)
    check([other.call("GET", "/auth/me", port=p)[0] for p in ports] == [401] * 3,
          "that session has ended on every replica")
    check(team.call("GET", "/auth/me", port=ports[2])[0] == 200, "and the first session goes on")

    # --- a team's edit is read by the next request on any replica, with a new ETag ------------------------
    path = "/api/%s/%s" % (force, hood)
    before = [Client(p).call("GET", path) for p in ports]
    old_etags = {b[2].get("etag") for b in before}
    check(all(b[0] == 200 for b in before) and len(old_etags) == 1 and None not in old_etags,
          "every replica answers the neighbourhood with one ETag: %r" % old_etags)
    contact = {"telephone": "0300 123 4567", "email": "replicas.team@example.org"}
    status = team.call("PUT", path + "/contact_details", contact, port=ports[0])[0]
    check(status == 200, "the team edits its contact details through replica 1 (%d)" % status)
    after = [Client(p).call("GET", path, headers={"If-None-Match": next(iter(old_etags))}) for p in ports]
    check(all(a[0] == 200 and a[1]["contact_details"] == contact for a in after),
          "the edit shows at once through every replica: %r" % [(a[0], a[1] and a[1].get("contact_details")) for a in after])
    new_etags = {a[2].get("etag") for a in after}
    check(len(new_etags) == 1 and not (new_etags & old_etags), "with one new ETag on all three: %r" % new_etags)
    via = Client(front).call("GET", path)
    check(via[0] == 200 and via[1]["contact_details"] == contact, "and through nginx")

    # --- a burst of Watch messages through nginx; one replica killed with SIGKILL in the middle ------------
    tokens = {s: Client(front).call("GET", "/api/watch/schemes/" + s)[1]["csrf_token"] for s in schemes}
    acknowledged, failures, lock = [], [], threading.Lock()

    def sender(n):
        client = Client(front, "127.0.1.%d" % (n + 1))
        for i in range(10):  # each address's limit: 10 messages in 10 minutes, at most 2 to one scheme here
            scheme = schemes[(n + i) % len(schemes)]
            try:
                status, answer, _ = client.call("POST", "/api/watch/schemes/%s/messages" % scheme,
                                                {"kind": "message", "name": "Sender %d" % n,
                                                 "email": "s%d.%d@example.net" % (n, i), "text": "hello %d" % i},
                                                headers={"X-CSRF-Token": tokens[scheme]})
            except (OSError, http.client.HTTPException) as e:
                status, answer = repr(e), None
            with lock:
                if status == 201:
                    acknowledged.append(answer["id"])
                else:
                    failures.append(status)

    senders = [threading.Thread(target=sender, args=(n,)) for n in range(8)]
    for t in senders:
        t.start()
    while True:
        with lock:
            if len(acknowledged) >= 20 or not any(t.is_alive() for t in senders):
                break
        time.sleep(0.002)
    replicas[1].process.send_signal(signal.SIGKILL)
    replicas[1].process.wait()
    for t in senders:
        t.join()
    print("burst: %d messages acknowledged, refused: %r" % (len(acknowledged), sorted(set(map(str, failures)))))
    check(len(acknowledged) >= 40, "most messages of the burst are taken (%d, refused: %r)" % (len(acknowledged), failures[:5]))
    coordinator = Client(front)
    check(coordinator.login("coordinator@example.org") == 200, "the coordinator signs in through nginx")
    status, inbox, _ = coordinator.call("GET", "/api/watch/inbox")
    inbox = inbox if status == 200 else []
    stored = {m["id"] for m in inbox}
    check(status == 200 and set(acknowledged) <= stored,
          "every message that got a 201 is in the coordinator's inbox (%d acknowledged, %d missing)"
          % (len(acknowledged), len(set(acknowledged) - stored)))
    emails = [m["email"] for m in inbox]
    check(len(emails) == len(set(emails)), "no message is stored twice (nginx sends no POST twice)")

    # A replica started again is serving within seconds (it maps the shared index file).
    started = time.monotonic()
    replicas[1].start()
    seconds = time.monotonic() - started
    check(send(ports[1], "GET", "/readyz")[0] == 200 and seconds < 10, "a restarted replica is ready in %.1f s" % seconds)

    # --- a new month imported into PostgreSQL reaches every replica, with no failed request under load -------
    month = "2031-01"
    stop, answers = threading.Event(), []

    def reader(n):
        paths = ["/api/crimes-street-dates", "/tiles/crimes/10/510/330.mvt", "/api/forces", path]
        while not stop.is_set():
            for p in paths:
                try:
                    status = send(front, "GET", p, source="127.0.2.%d" % (n + 1))[0]
                except (OSError, http.client.HTTPException) as e:
                    status = repr(e)
                answers.append((p, status))

    readers = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for t in readers:
        t.start()
    time.sleep(1)
    import_new_month(binary, pg.uri, work)
    imported = time.monotonic()
    arrived = {}
    while len(arrived) < 3 and time.monotonic() - imported < 60:
        for replica in replicas:
            if replica.name not in arrived:
                dates = json.loads(send(replica.port, "GET", "/api/crimes-street-dates")[2])
                if any(d["date"] == month for d in dates):
                    arrived[replica.name] = round(time.monotonic() - imported, 1)
        time.sleep(0.2)
    time.sleep(1)
    stop.set()
    for t in readers:
        t.join()
    print("the new month reached the replicas after (s): %r; %d requests under load" % (arrived, len(answers)))
    check(len(arrived) == 3, "the new month reached every replica within 60 s of the import (seconds: %r)" % arrived)
    failed = [a for a in answers if a[1] not in (200, 204)]
    check(len(answers) > 100 and not failed,
          "no request failed under load during the import and reloads (%d requests, failed: %r)" % (len(answers), failed[:5]))

    # --- rate limits hold across replicas ---------------------------------------------------------------------
    def failed_sign_ins():
        return sum(metric(p, "crimemap_requests_total", 'route="auth",status="401"') for p in ports)

    counted = failed_sign_ins()
    spread = Client(front, "127.0.3.1")
    statuses = [spread.call("POST", "/auth/login", {"email": "guess%d@example.net" % i, "password": "wrong password"})[0]
                for i in range(40)]
    per_replica = failed_sign_ins() - counted
    allowed = statuses.count(401)
    print("failed sign-ins spread over the replicas: %d allowed of 40" % allowed)
    check(20 <= allowed <= 23 and statuses[-1] == 429,
          "a client spread over three replicas gets the one limit of 20 failed sign-ins, give or take one a "
          "replica (%d allowed, last %s)" % (allowed, statuses[-1]))
    check(per_replica == allowed, "the tries went through the replicas (%d counted on them)" % per_replica)
    busy = [metric(p, "crimemap_requests_total", 'route="auth",status="429"') > 0 for p in ports]
    check(sum(busy) >= 2, "and nginx spread them: replicas that refused some: %r" % busy)

    # --- PostgreSQL stopped: reads go on, writes are a quick 503, and all comes back -----------------------------
    pg.stop()
    try:
        for replica in replicas:
            for p in ("/api/crimes-street-dates", "/tiles/crimes/10/510/330.mvt", "/api/forces"):
                status = send(replica.port, "GET", p)[0]
                check(status in (200, 204), "with PostgreSQL down, replica %s still answers %s (%s)" % (replica.name, p, status))
            status, got, body = send(replica.port, "GET", "/readyz")
            check(status == 200 and b"unreachable" in body,
                  "replica %s's /readyz says the store is unreachable: %s" % (replica.name, body[:200]))
        started = time.monotonic()
        status, _, got = Client(front, "127.0.3.2").call("POST", "/auth/login",
                                                          {"email": "team@example.org", "password": PASSWORD})
        check(status == 503 and got.get("retry-after") and time.monotonic() - started < 5,
              "a sign-in is a 503 with Retry-After within 5 s (%s in %.1f s)" % (status, time.monotonic() - started))
        started = time.monotonic()
        status, _, got = Client(front, "127.0.3.3").call(
            "POST", "/api/watch/schemes/%s/messages" % schemes[0],
            {"kind": "message", "name": "Down", "email": "down@example.net", "text": "while down"},
            headers={"X-CSRF-Token": tokens[schemes[0]]})
        check(status == 503 and got.get("retry-after") and time.monotonic() - started < 5,
              "a Watch message is a 503 with Retry-After within 5 s (%s in %.1f s)" % (status, time.monotonic() - started))
    finally:
        pg.start()
    back = signed_in_again(replicas, 4)
    check(len(back) == 3, "once PostgreSQL is back, every replica signs in again by itself: %r" % sorted(back))
    status = Client(front, "127.0.3.4").call(
        "POST", "/api/watch/schemes/%s/messages" % schemes[1],
        {"kind": "message", "name": "Back", "email": "back@example.net", "text": "after"},
        headers={"X-CSRF-Token": tokens[schemes[1]]})[0]
    check(status == 201, "and takes messages again (%s)" % status)
    ready = [b"unreachable" not in send(p, "GET", "/readyz")[2] for p in ports]
    check(all(ready), "and /readyz no longer says unreachable: %r" % ready)

    # --- PostgreSQL hangs (every process stopped: as a host that freezes or a network that drops
    # every packet; TCP alone would wait for minutes): a sign-in is still a 503 within 5 s ---------
    master = open(os.path.join(pg.data, "postmaster.pid")).readline().strip()
    frozen = [master] + subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
    for pid in frozen:
        os.kill(int(pid), signal.SIGSTOP)
    try:
        for n in range(3):
            started = time.monotonic()
            try:
                status, _, got = Client(front, "127.0.3.%d" % (10 + n)).call(
                    "POST", "/auth/login", {"email": "team@example.org", "password": PASSWORD}, timeout=20)
            except (OSError, http.client.HTTPException) as e:
                status, got = repr(e), {}
            seconds = time.monotonic() - started
            check(status == 503 and got.get("retry-after") and seconds < 5,
                  "with PostgreSQL hanging, sign-in %d is a 503 with Retry-After within 5 s (%s in %.1f s)"
                  % (n + 1, status, seconds))
        status = send(front, "GET", "/api/forces")[0]
        check(status == 200, "and reads go on (%s)" % status)
    finally:
        for pid in frozen:
            os.kill(int(pid), signal.SIGCONT)
    back = signed_in_again(replicas, 5)
    check(len(back) == 3, "once PostgreSQL goes on, every replica signs in again by itself: %r" % sorted(back))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
