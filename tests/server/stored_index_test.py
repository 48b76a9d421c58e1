#!/usr/bin/env python3
"""Replicas of a store in PostgreSQL on several machines: the first to need the serving indexes
builds the index file and keeps a copy in the store; a replica with an index file path of its own
(as on another machine, where no file is) fetches that copy instead of building, and answers the
same. A copy of other data (after an import) is not used; neither is a damaged one. On a new
import, replicas reloading together build once: one builds, the other fetches.

Against the tests' own PostgreSQL 15 cluster (tests/postgres_cluster.py).

Usage: stored_index_test.py CRIMEMAP_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import loopback  # noqa: E402
import postgres_cluster  # noqa: E402
from loopback import check  # noqa: E402

binary = sys.argv[1]

# Answers that read every part of the indexes: tiles at both kinds of zoom, street crimes with
# Crime IDs, crimes without a location, outcomes, stops, neighbourhoods and search.
PATHS = ["/tiles/crimes/0/0/0.mvt", "/tiles/crimes/8/127/82.mvt", "/api/crimes-street-dates", "/api/forces",
         "/api/crimes-no-location?force=%(force)s", "/api/search?q=on%%20or%%20near",
         "/api/summary?lat=%(lat)s&lng=%(lng)s", "/api/crimes-street/all-crime?lat=%(lat)s&lng=%(lng)s",
         "/api/outcomes-at-location?lat=%(lat)s&lng=%(lng)s", "/api/stops-street?lat=%(lat)s&lng=%(lng)s"]


def psql(pg, sql):
    r = subprocess.run(["psql", pg.uri, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True,
                       env=pg.environment(), timeout=60)
    if r.returncode != 0:
        raise RuntimeError("psql %s: %s" % (sql, r.stderr))
    return r.stdout.strip()


def start(pg, index_file):
    """serve --db URI with its own index file: (process, port, every line it wrote to stderr)."""
    server = subprocess.Popen([binary, "serve", "--db", pg.uri, "--index-file", index_file, "--listen", "127.0.0.1:0",
                               "--insecure-cookies", "--store-poll-seconds", "2"],
                              stderr=subprocess.PIPE, text=True, env=pg.environment())
    lines = []
    for line in server.stderr:
        lines.append(line)
        match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if match:
            threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True).start()
            return server, int(match.group(1)), lines
    server.wait()
    raise RuntimeError("crimemap serve did not start (exit %s): %s" % (server.returncode, "".join(lines)))


def stop(server):
    server.terminate()
    server.wait(timeout=30)


def loaded(lines, word="loaded "):
    return next((line for line in lines if line.startswith(word)), "")


def answers(port, where):
    out = {}
    for path in PATHS:
        path = path % where
        status, _, body = loopback.send(port, "GET", path)
        out[path] = (status, body)
    return out


def stored_keys(pg):
    return psql(pg, "SELECT count(DISTINCT key) FROM index_file_chunks")


with postgres_cluster.Cluster() as pg, tempfile.TemporaryDirectory() as work:
    env = pg.environment()
    data = os.path.join(work, "data")
    subprocess.run([binary, "generate", "--out", data, "--rows", "20000", "--months", "2", "--seed", "11"],
                   check=True, capture_output=True)
    subprocess.run([binary, "import", "--db", pg.uri, data], check=True, capture_output=True, env=env)
    lat, lng = psql(pg, "SELECT l.latitude, l.longitude FROM crimes c JOIN locations l ON l.id = c.location "
                        "GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1").split("|")
    where = {"lat": "%.6f" % float(lat), "lng": "%.6f" % float(lng),
             "force": psql(pg, "SELECT force FROM import_files ORDER BY id LIMIT 1")}
    check(psql(pg, "SELECT to_regclass('index_file_chunks') IS NULL") == "t", "no copy of an index before a build")

    # Replica A, on "machine A": nothing stored, so it builds, and keeps a copy in the store.
    a_file = os.path.join(work, "machine-a", "store.index")
    os.makedirs(os.path.dirname(a_file))
    server_a, port_a, lines_a = start(pg, a_file)
    line = loaded(lines_a)
    check("built " + a_file in line and "the store keeps no copy" in line,
          "replica A builds the file, as the store keeps no copy: %r" % line)
    check(any("kept a copy in the store" in l for l in lines_a),
          "and its build keeps a copy in the store: %r" % "".join(lines_a))
    first = answers(port_a, where)
    check(all(status == 200 for status, _ in first.values()),
          "A answers 200 to every path: %r" % {p: s for p, (s, _) in first.items() if s != 200})
    check(sum(len(body) for _, body in first.values()) > 10000, "and its answers hold data")
    check(stored_keys(pg) == "1", "the store keeps one copy")
    stored_bytes = int(psql(pg, "SELECT sum(size) FROM index_file_chunks"))
    check(stored_bytes == os.path.getsize(a_file), "of the whole file: %d against %d bytes" %
          (stored_bytes, os.path.getsize(a_file)))
    deflated = int(psql(pg, "SELECT sum(length(bytes)) FROM index_file_chunks"))
    check(deflated < stored_bytes * 0.8, "deflated: %d bytes" % deflated)

    # Replica B, on "machine B": an empty folder of its own. It fetches, and answers the same.
    b_file = os.path.join(work, "machine-b", "cache", "store.index")
    os.makedirs(os.path.dirname(b_file))
    started = time.monotonic()
    server_b, port_b, lines_b = start(pg, b_file)
    line = loaded(lines_b)
    check("; fetched " + b_file + " from the store's copy" in line and "; built" not in line,
          "replica B fetches the file rather than building it: %r" % line)
    check(not any("kept a copy" in l for l in lines_b), "and builds nothing to keep")
    check(time.monotonic() - started < 30, "B is ready within seconds")
    with open(a_file, "rb") as fa, open(b_file, "rb") as fb:
        check(fa.read() == fb.read(), "B's file is A's, byte for byte")
    check(answers(port_b, where) == first, "B's answers are A's, byte for byte")
    stop(server_b)

    # A damaged copy (one byte changed in the store) fails to inflate, or else the CRC: B builds instead.
    psql(pg, "UPDATE index_file_chunks SET bytes = set_byte(bytes, 100, (get_byte(bytes, 100) + 1) % 256) "
             "WHERE chunk = 0")
    os.remove(b_file)
    server_b, port_b, lines_b = start(pg, b_file)
    line = loaded(lines_b)
    check("built " + b_file in line and ("store's copy is damaged" in line or "checksum does not match" in line or
                                          (b_file + " is damaged") in line),
          "a damaged copy is refused, and the file built: %r" % line)
    check(answers(port_b, where) == first, "answers after that build are the same")
    stop(server_b)

    # A new import: the copy is of other data. A replica started now builds, not fetches.
    stop(server_a)
    extra = os.path.join(work, "extra-2031-01")
    os.makedirs(extra)
    with open(os.path.join(extra, "2031-01-testshire-street.csv"), "w") as f:
        f.write("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                "Crime type,Last outcome category,Context\n")
        f.write(",2031-01,T,T,-1.5,54.0,On or near Test Street,E1,X 001A,Anti-social behaviour,,\n")
    subprocess.run([binary, "import", "--db", pg.uri, extra], check=True, capture_output=True, env=env)
    c_file = os.path.join(work, "machine-c", "store.index")
    os.makedirs(os.path.dirname(c_file))
    server_c, port_c, lines_c = start(pg, c_file)
    line = loaded(lines_c)
    check("built " + c_file in line and "built from other data" in line,
          "after an import the store's copy is of other data and not used: %r" % line)
    status, _, body = loopback.send(port_c, "GET", "/api/crimes-street-dates")
    check(status == 200 and b"2031-01" in body, "the new replica serves the new month: %r" % body[:200])
    check(stored_keys(pg) == "1", "the store keeps only the new copy")

    # Two replicas on two machines reload on the next import together: one builds, one fetches.
    d_file = os.path.join(work, "machine-d", "store.index")
    os.makedirs(os.path.dirname(d_file))
    server_d, port_d, lines_d = start(pg, d_file)
    check("fetched" in loaded(lines_d), "replica D fetches the new copy: %r" % loaded(lines_d))
    with open(os.path.join(extra, "2031-01-testshire-street.csv"), "a") as f:
        f.write(",2031-01,T,T,-1.6,54.1,On or near Other Street,E1,X 001A,Burglary,,\n")
    subprocess.run([binary, "import", "--db", pg.uri, extra], check=True, capture_output=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (loaded(lines_c, "reloaded ") and loaded(lines_d, "reloaded ")):
        time.sleep(0.2)
    reloads = [loaded(lines_c, "reloaded "), loaded(lines_d, "reloaded ")]
    check(all(reloads), "both replicas reload after the import: %r" % reloads)
    check(sum("s; built " in r for r in reloads) == 1 and sum("s; fetched " in r for r in reloads) == 1,
          "one of them builds the new file, the other fetches its copy: %r" % reloads)
    replies = [loopback.send(port, "GET", "/api/crimes-street/burglary?lat=54.1&lng=-1.6&date=2031-01")
               for port in (port_c, port_d)]
    check(replies[0][0] == 200 and replies[0][2] == replies[1][2] and b"Other Street" in replies[0][2],
          "and both serve the new crime alike: %r" % [r[2][:200] for r in replies])
    stop(server_c)
    stop(server_d)

sys.exit(loopback.finish())
