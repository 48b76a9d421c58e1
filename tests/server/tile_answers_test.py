#!/usr/bin/env python3
"""Cached tiles over real sockets: the server answers a tile it has cached from bytes it
serialised once (server/tiles/tile_cache.hpp); every such answer must be byte for byte the answer it
gives when it builds the tile (Date apart): with gzip and without, to GET, HEAD, a matching
If-None-Match (304), HTTP/1.0, Connection: close and pipelined requests, against the same
server with its cache off. Each answer is counted in /metrics and logged as before.

Usage: tile_answers_test.py CRIMEMAP_BINARY
"""
import json
import os
import re
import socket
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, finish, generated_store, sql, start_server  # noqa: E402


def exchange(port, data):
    """Sends `data` and reads until the server closes: the raw bytes back."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


DATE = re.compile(rb"\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n")


def without_dates(raw):
    """The bytes with each Date line taken out, and how many there were."""
    return DATE.sub(b"\r\n", raw), len(DATE.findall(raw))


def request(method, target, *headers, version="1.1", close=False):
    lines = ["%s %s HTTP/%s" % (method, target, version), "Host: 127.0.0.1"] + list(headers)
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def tiles_of(store):
    """Tiles with crimes (the busiest location's at zooms 6 to 16), a neighbourhoods tile, an empty one."""
    (lon, lat), = sql(store, "SELECT l.longitude, l.latitude FROM crimes c JOIN locations l ON l.id = c.location "
                             "GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1")
    import math
    out = []
    for z in (6, 10, 14, 16):
        n = 2 ** z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
        out.append("/tiles/crimes/%d/%d/%d.mvt" % (z, x, y))
        if z == 10:
            out.append("/tiles/neighbourhoods/%d/%d/%d.mvt" % (z, x, y))
            out.append("/tiles/crimes/%d/%d/%d.mvt?category=burglary,violent-crime" % (z, x, y))
    out.append("/tiles/crimes/14/0/0.mvt")  # nothing there: 204
    return out


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 8)
        tiles = tiles_of(store)
        log = os.path.join(work, "access.log")
        cached, cached_port, _ = start_server(binary, store, "--access-log", log)
        uncached, uncached_port, _ = start_server(binary, store, "--tile-cache-mb", "0")
        try:
            sent = 0
            for tile in tiles:
                for encoding in ("gzip", "identity"):
                    what = "%s (%s)" % (tile, encoding)
                    accept = "Accept-Encoding: " + encoding
                    built = exchange(cached_port, request("GET", tile, accept, close=True))  # fills the cache
                    reference = exchange(uncached_port, request("GET", tile, accept, close=True))
                    etag = re.search(rb"\r\nETag: (\"[^\"]+\")\r\n", built).group(1).decode()
                    status = int(built.split(b" ")[1])
                    check(status in (200, 204), "%s: status %d" % (what, status))
                    # The answers a cached tile gets, one connection each way, with Connection:
                    # close last (so that the server closes): the same bytes from both servers.
                    asks = [
                        request("GET", tile, accept),
                        request("HEAD", tile, accept),
                        request("GET", tile, accept, "If-None-Match: " + etag),
                        request("GET", tile, accept, "If-None-Match: \"other\", W/" + etag),
                        request("HEAD", tile, accept, "If-None-Match: " + etag),
                        request("GET", "/healthz"),
                        request("GET", tile, accept),
                        request("GET", tile, accept, close=True),
                    ]
                    pipelined = b"".join(asks)
                    hits, hit_dates = without_dates(exchange(cached_port, pipelined))
                    builds, build_dates = without_dates(exchange(uncached_port, pipelined))
                    check(hits == builds, "%s: pipelined answers from the cache differ from built ones:\n%r\n%r"
                          % (what, hits[:1500], builds[:1500]))
                    check(hit_dates == len(asks) and build_dates == len(asks),
                          "%s: a Date line on every answer (%d, %d of %d)" % (what, hit_dates, build_dates, len(asks)))
                    check(hits.count(b"HTTP/1.1 304 Not Modified\r\n") == 3, "%s: three 304s" % what)
                    sent += len(asks) + 1
                    # Asked separately, each as its own connection, and the first answer (built).
                    check(without_dates(built)[0] == without_dates(reference)[0],
                          "%s: the first (built) answer differs from the uncached server's" % what)
                    for ask in asks[:5]:
                        one = ask.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
                        a, b = without_dates(exchange(cached_port, one))[0], without_dates(exchange(uncached_port, one))[0]
                        check(a == b, "%s: %r answered differently:\n%r\n%r" % (what, ask[:60], a[:800], b[:800]))
                        sent += 1
                    # HTTP/1.0 is not answered from prepared bytes, and still the same.
                    old = request("GET", tile, accept, version="1.0")
                    a, b = without_dates(exchange(cached_port, old))[0], without_dates(exchange(uncached_port, old))[0]
                    check(a == b and b.startswith(b"HTTP/1.0 "), "%s: HTTP/1.0 answers differ:\n%r\n%r" % (what, a[:600], b[:600]))
                    sent += 1
            # Every answer counted and logged, cached or not.
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % cached_port) as answer:
                metrics = answer.read().decode()
            tile_requests = sum(int(float(m.group(1))) for m in re.finditer(
                r'^crimemap_requests_total\{route="tiles",[^}]*\} (\S+)$', metrics, re.M))
            health = sum(int(float(m.group(1))) for m in re.finditer(
                r'^crimemap_requests_total\{route="health",[^}]*\} (\S+)$', metrics, re.M))
            check(tile_requests + health == sent, "/metrics counts %d tile and %d health requests, %d sent"
                  % (tile_requests, health, sent))
            with open(log) as f:
                logged = [json.loads(line) for line in f]
            check(len([line for line in logged if line["route"] in ("tiles", "health")]) == sent,
                  "the access log has %d lines for %d requests" % (len(logged), sent))
            check(any(line["status"] == 304 and line["method"] == "HEAD" for line in logged), "a HEAD's 304 is logged")
        finally:
            for server in (cached, uncached):
                server.terminate()
                server.wait(timeout=20)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
