#!/usr/bin/env python3
"""The serving indexes' file beside the store (for a PostgreSQL store, in the user's cache): the first serve builds it, the next maps it and
answers the same; a file of other data (after an import), a truncated one and an altered one are
refused with a message naming the file and why, and rebuilt; `crimemap index` builds it ahead.

Usage: index_file_test.py CRIMEMAP_BINARY
"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, finish, generated_store, import_new_month, index_file, is_uri, sql  # noqa: E402

# Answers that touch every part of the indexes: tiles at both kinds of zoom, street crimes with
# outcomes and Crime IDs, crimes without a location, outcomes, stops, neighbourhoods and search.
PATHS = ["/tiles/crimes/0/0/0.mvt", "/tiles/crimes/8/127/82.mvt", "/api/crimes-street-dates", "/api/forces",
         "/api/crimes-no-location?force=%s", "/api/search?q=on%%20or%%20near", "/api/summary?lat=%s&lng=%s",
         "/api/crimes-street/all-crime?lat=%s&lng=%s", "/api/outcomes-at-location?lat=%s&lng=%s",
         "/api/stops-street?lat=%s&lng=%s", "/api/locate-neighbourhood?q=%s,%s"]


def serve(binary, store):
    """Starts serve, returns (process, port, the lines written before it listened)."""
    server = subprocess.Popen([binary, "serve", "--db", store, "--listen", "127.0.0.1:0", "--insecure-cookies"],
                              stderr=subprocess.PIPE, text=True)
    before = []
    for line in server.stderr:
        before.append(line)
        match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if match:
            return server, int(match.group(1)), before
    server.wait()
    raise RuntimeError("crimemap serve did not start (exit %s): %s" % (server.returncode, "".join(before)))


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, body


def answers(binary, store, where, force):
    """(log lines before listening, {path: (status, body)}) of one serve run."""
    server, port, before = serve(binary, store)
    try:
        out = {}
        for path in PATHS:
            if "force=" in path:
                path = path % force
            elif "%s" in path:
                path = path % where
            out[path] = get(port, path)
        return before, out
    finally:
        server.terminate()
        server.wait(timeout=30)


def loaded_line(lines):
    return next((line for line in lines if line.startswith("loaded ")), "")


def replaced(line, index):
    """Whether the load made `index` anew: built it, or (a store in PostgreSQL) fetched the
    store's copy of it."""
    return ("built " + index) in line or ("fetched %s from the store's copy" % index) in line


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 9)
        index = index_file(store)
        (lat, lng), = sql(store, "SELECT l.latitude, l.longitude FROM crimes c JOIN locations l ON l.id = c.location "
                                 "GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1")
        force = sql(store, "SELECT force FROM import_files LIMIT 1")[0][0]
        where = ("%.6f" % lat, "%.6f" % lng)

        check(not os.path.exists(index), "no index file before the first serve")
        lines, first = answers(binary, store, where, force)
        line = loaded_line(lines)
        check(os.path.exists(index), "the first serve writes the index file beside the store (%s)" % index)
        check("built " + index in line and "does not exist yet" in line,
              "the first serve says it built the file, and why: %r" % line)
        check(all(status == 200 for status, _ in first.values()),
              "every answer is a 200: %r" % {p: s for p, (s, _) in first.items() if s != 200})
        check(sum(len(body) for _, body in first.values()) > 10000, "the answers hold data")

        lines, second = answers(binary, store, where, force)
        line = loaded_line(lines)
        check("mapped " + index in line, "the next serve maps the file: %r" % line)
        check(second == first, "answers from the mapped file are byte for byte those of the first serve")

        # Altered: one byte in the middle of the file. Refused (the checksum), rebuilt, same answers.
        size = os.path.getsize(index)
        with open(index, "r+b") as f:
            f.seek(size // 2)
            byte = f.read(1)
            f.seek(size // 2)
            f.write(bytes([byte[0] ^ 0x5A]))
        lines, third = answers(binary, store, where, force)
        line = loaded_line(lines)
        check("is damaged: its checksum does not match" in line and replaced(line, index),
              "an altered file is refused by its checksum and rebuilt: %r" % line)
        check(third == first, "answers after the rebuild are the same")
        check(os.path.getsize(index) == size, "the rebuilt file is whole again")

        # Truncated: refused by its size.
        with open(index, "r+b") as f:
            f.truncate(size - 4096)
        lines, fourth = answers(binary, store, where, force)
        line = loaded_line(lines)
        check("truncated" in line and replaced(line, index), "a truncated file is refused and rebuilt: %r" % line)
        check(fourth == first, "answers after that rebuild are the same")

        # Not an index file at all.
        with open(index, "wb") as f:
            f.write(b"hello")
        lines, _ = answers(binary, store, where, force)
        check("not a crimemap index file" in loaded_line(lines), "a foreign file is refused: %r" % loaded_line(lines))

        # Another import: the file is of other data, so it is rebuilt and the new month is served.
        import_new_month(binary, store, work)
        lines, fifth = answers(binary, store, where, force)
        line = loaded_line(lines)
        check("was built from other data" in line and "built " + index in line,
              "after an import the file is of other data and is rebuilt: %r" % line)
        dates = json.loads(fifth["/api/crimes-street-dates"][1])
        check(dates[0]["date"] == "2031-01", "the rebuilt indexes hold the new month")

        # `crimemap index` builds it ahead of serve (as after each import, to start in seconds).
        os.remove(index)
        result = subprocess.run([binary, "index", "--db", store], capture_output=True, text=True)
        check(result.returncode == 0 and os.path.exists(index) and "wrote " + index in result.stderr,
              "crimemap index writes the file: %r" % result.stderr)
        lines, sixth = answers(binary, store, where, force)
        check("mapped " + index in loaded_line(lines), "serve maps what crimemap index wrote")
        check(sixth == fifth, "and answers as it would have after building the file itself")
        missing = store.rsplit("/", 1)[0] + "/missing_store" if is_uri(store) else os.path.join(work, "missing.sqlite")
        result = subprocess.run([binary, "index", "--db", missing], capture_output=True, text=True)
        check(result.returncode != 0 and os.path.basename(missing) in result.stderr,
              "a missing store is named: %r" % result.stderr)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
