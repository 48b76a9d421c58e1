#!/usr/bin/env python3
"""HTTP at the edge, against the real server on loopback: text that is not UTF-8 anywhere a
request carries text is a 400 naming where, and every request however malformed is logged and
counted; the per-address connection cap; a large body sent whole before the answer is read gets
its 413; Date on every answer; 304 and 204 framing; TileJSON's links never from the Host
header; tile Cache-Control as docs/operations.md says; the latency histogram's buckets, checked
by Prometheus's promtool; small things a client trips on (a form body ending in a line end,
summary figures to two places).

Usage: http_edge_test.py CRIMEMAP_BINARY
"""
import email.utils
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, finish, generated_store, send, serving, sql_value  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs")


def raw(port, data, source="127.0.0.1", timeout=30):
    """Sends bytes as they are; the whole answer (until the server closes, or one answer's length)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    s.sendall(data)
    reader = s.makefile("rb")
    status_line = reader.readline()
    headers = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = reader.read(length) if length else b""
    reader.close()
    s.close()
    status = int(status_line.split()[1]) if status_line else 0
    return status, headers, body


def message(body):
    try:
        return json.loads(body).get("message", "")
    except ValueError:
        return ""


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 6)
        scheme = sql_value(store, "SELECT id FROM watch_schemes WHERE visibility != 'hidden' ORDER BY id LIMIT 1")
        messages_before = sql_value(store, "SELECT count(*) FROM watch_messages")
        access = os.path.join(work, "access.log")
        with serving(binary, store, "--insecure-cookies", "--access-log", access) as (server, port, lines):
            origin = "http://127.0.0.1:%d" % port
            # --- Text that is not UTF-8 is refused where it enters, naming where ---------------
            sent = 0
            for path, name in (("/api/crimes-street/all-crime?lat=54&lng=-1.5&date=%FF", "date"),
                               ("/tiles/crimes/10/510/330.mvt?category=%FF", "category"),
                               ("/api/crimes-street/all-crime?lat=54&lng=-1.5&date=2031-01&x%C3=1", "a parameter name"),
                               ("/api/search?q=Caf%E9", "q")):
                status, _, body = send(port, "GET", path)
                sent += 1
                check(status == 400 and name in message(body) and "UTF-8" in message(body),
                      "%s: 400 naming %s (%s %r)" % (path, name, status, body[:120]))
            token = json.loads(send(port, "GET", "/api/watch/schemes/" + scheme)[2])["csrf_token"]
            sent += 1
            for field in ("text", "name", "email"):
                form = {"kind": "message", "name": "Ann", "email": "ann@example.net", "text": "hello"}
                encoded = "&".join("%s=%s" % (k, v + ("%FF" if k == field else "")) for k, v in form.items())
                status, _, body = send(port, "POST", "/api/watch/schemes/%s/messages" % scheme, encoded,
                                          {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                                           "X-CSRF-Token": token})
                sent += 1
                fields = json.loads(body).get("fields", {}) if body.startswith(b"{") else {}
                check(status == 400 and field in fields, "a Watch form with %s=...%%FF: 400 naming %s (%s %r)" %
                      (field, field, status, body[:160]))
                js = b'{"kind": "message", "name": "Ann", "email": "ann@example.net", "text": "hello"}'
                js = js.replace(b'"%s": "' % field.encode(), b'"%s": "\xff' % field.encode())
                status, _, body = send(port, "POST", "/api/watch/schemes/%s/messages" % scheme, js,
                                          {"Content-Type": "application/json", "Origin": origin, "X-CSRF-Token": token})
                sent += 1
                fields = json.loads(body).get("fields", {}) if body.startswith(b"{") else {}
                check(status == 400 and field in fields, "a Watch message as JSON with a bad byte in %s: 400 naming it "
                      "(%s %r)" % (field, status, body[:160]))
            check(sql_value(store, "SELECT count(*) FROM watch_messages") == messages_before,
                  "nothing of those messages is stored")
            status, _, body = raw(port, b"GET /api/\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            sent += 1
            check(status == 400 and "UTF-8" in message(body), "a raw path that is not UTF-8: 400 (%s %r)" % (status, body))
            status, _, body = raw(port, b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://\xff.example\r\n"
                                  b"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            sent += 1
            check(status == 400 and "Origin" in message(body), "an Origin that is not UTF-8: 400 naming it (%s %r)" %
                  (status, body))
            check(not any("internal error" in line for line in lines), "none of that is an internal error: %r" %
                  [line for line in lines if "internal" in line][:2])

            # Answers the server gives before a request is whole are logged and counted as well.
            status, _, _ = raw(port, b"GET /api/forces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"x" * 9000 +
                               b"\r\n\r\n")
            sent += 1
            check(status == 431, "headers over 8 KB: 431 (%s)" % status)
            status, _, _ = raw(port, b"GET /api/forces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n")
            sent += 1
            check(status == 400, "a malformed request: 400 (%s)" % status)

            # --- A large body sent whole before the answer is read: 413, not a reset ---------
            big = b"poly=" + b"1" * (1 << 20)
            try:
                req = urllib.request.Request("http://127.0.0.1:%d/api/crimes-street/all-crime" % port, data=big,
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
                urllib.request.urlopen(req, timeout=30)
                got = "no error"
            except urllib.error.HTTPError as error:
                got = error.code
                error.read()
            except OSError as error:
                got = repr(error)
            sent += 1
            check(got == 413, "a 1 MB POST through urllib gets a 413 (%s)" % got)
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(b"POST /api/watch/schemes/%s/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                      b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % (scheme.encode(), len(big)) + big)
            time.sleep(0.3)
            try:
                answer = s.recv(65536)
            except OSError as error:
                answer = repr(error).encode()
            s.close()
            sent += 1
            check(answer.startswith(b"HTTP/1.1 413"), "a 1 MB body sent whole on a raw socket: 413 (%r)" % answer[:40])

            # --- Every answer carries Date; 304 and 204 framing ------------------------------
            for path in ("/healthz", "/api/forces", "/api/nowhere", "/tiles/crimes.json", "/"):
                status, headers, _ = send(port, "GET", path)
                sent += 1
                when = email.utils.parsedate_to_datetime(headers["date"]).timestamp() if "date" in headers else 0
                check(abs(when - time.time()) < 10 and headers.get("date", "").endswith(" GMT"),
                      "%s (%d) carries a Date header (%r)" % (path, status, headers.get("date")))
            for path in ("/tiles/crimes/10/510/330.mvt", "/tiles/crimes.json", "/static/app.js", "/api/forces"):
                status, headers, body = send(port, "GET", path, headers={"Accept-Encoding": "gzip"})
                sent += 1
                if "etag" not in headers:
                    continue
                status2, headers2, _ = send(port, "GET", path, headers={"Accept-Encoding": "gzip",
                                                                          "If-None-Match": headers["etag"]})
                sent += 1
                check(status2 == 304 and headers2.get("content-length") in (None, headers.get("content-length")),
                      "%s: a 304 carries no Content-Length or the 200's (%s, %r, the 200's %r)" %
                      (path, status2, headers2.get("content-length"), headers.get("content-length")))
                check("date" in headers2, "%s: the 304 carries Date" % path)
            status, headers, _ = send(port, "POST", "/auth/logout", b"", {"Origin": origin})
            sent += 1
            check(status == 204 and "content-type" not in headers and "content-length" not in headers,
                  "a 204 carries no Content-Type nor Content-Length (%s, %r)" % (status, headers))

            # --- TileJSON's links: never from the Host header --------------------------------
            status, _, body = send(port, "GET", "/tiles/crimes.json", headers={"Host": "attacker.example"})
            sent += 1
            tiles = json.loads(body)["tiles"][0] if status == 200 else ""
            check(tiles.startswith("http://127.0.0.1:%d/tiles/crimes/" % port),
                  "Host: attacker.example does not make TileJSON's links (%s)" % tiles)
            status, headers, body = raw(port, b"GET /tiles/crimes.json HTTP/1.0\r\n\r\n")
            sent += 1
            tiles = json.loads(body)["tiles"][0] if status == 200 else ""
            check(tiles.startswith("http://127.0.0.1:%d/tiles/crimes/{z}/{x}/{y}.mvt" % port),
                  "an HTTP/1.0 request without Host gets absolute URLs (%s %s)" % (status, tiles))
            status, _, body = send(port, "GET", "/tiles/crimes.json", headers={"X-Forwarded-Host": "attacker.example"})
            sent += 1
            check(status == 200 and "attacker" not in json.loads(body)["tiles"][0],
                  "X-Forwarded-Host from a client that is no trusted proxy is ignored")

            # --- Tile Cache-Control as the operations guide says -----------------------------
            with open(os.path.join(DOCS, "operations.md")) as f:
                guide = f.read()
            said = re.findall(r"[Tt]iles[^\n]*max-age=(\d+)", guide)
            status, headers, _ = send(port, "GET", "/tiles/crimes/10/510/330.mvt")
            sent += 1
            served = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
            check(said and served and set(said) == {served.group(1)},
                  "tiles' max-age is what docs/operations.md says (docs %r, served %r)" %
                  (said, headers.get("cache-control")))
            with open(os.path.join(DOCS, "tiles.md")) as f:
                tiles_md = re.findall(r"max-age=(\d+)` for tiles", f.read())
            check(served and tiles_md == [served.group(1)], "and what docs/tiles.md says (%r)" % tiles_md)

            # --- Small things ------------------------------------------------------------------
            poly = "54.2,-1.7:54.2,-1.3:53.8,-1.3:53.8,-1.7"
            status, _, body = send(port, "POST", "/api/crimes-street/all-crime", "poly=%s\n" % poly,
                                      {"Content-Type": "application/x-www-form-urlencoded"})
            sent += 1
            check(status == 200, "a form body ending in a line end is accepted (%s %r)" % (status, body[:100]))
            status, _, body = send(port, "GET", "/api/summary?poly=" + poly)
            sent += 1
            summary = json.loads(body) if status == 200 else {}
            figures = [o["share"] for o in summary.get("outcomes", [])]
            rate = summary.get("rate", {})
            figures += [v for v in (rate.get("crimes_per_1000"), (rate.get("force") or {}).get("crimes_per_1000")) if v]
            check(figures and all(round(v, 2) == v for v in figures),
                  "summary shares and rates have two places, as docs/api.md shows (%r)" % figures[:6])

            # --- Metrics: buckets from 50 µs, and Prometheus reads the text --------------------
            for _ in range(20):
                send(port, "GET", "/healthz")
                sent += 1
            status, _, body = send(port, "GET", "/metrics")
            sent += 1
            text = body.decode()
            check('crimemap_request_seconds_bucket{route="health",le="5e-05"}' in text,
                  "the latency histogram starts at 50 µs")
            check(text.count('route="health",le=') == 16, "15 latency buckets and +Inf")
            promtool = shutil.which("promtool")
            check(promtool is not None, "promtool is installed (tools/setup installs Debian's prometheus)")
            if promtool:
                lint = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True)
                check(lint.returncode == 0 and not lint.stdout.strip() and not lint.stderr.strip(),
                      "promtool check metrics is clean: %r %r" % (lint.stdout[:300], lint.stderr[:300]))
            for status_text in ('status="400"', 'status="413"', 'status="431"'):
                check(status_text in text, "/metrics counts the %s answers" % status_text)

            # Every request above has its access-log line.
            time.sleep(0.2)
            with open(access) as f:
                entries = [json.loads(line) for line in f]
            check(len(entries) == sent, "every request has its access-log line (%d lines, %d requests)" %
                  (len(entries), sent))
            check(all(e.get("client") and re.fullmatch(r"[0-9a-f]{16}", e["client"]) for e in entries),
                  "each line has an anonymised client key")
            check(any(e["status"] == 431 for e in entries) and any(e["status"] == 413 for e in entries),
                  "the 413s and 431s the server gives itself are logged")
            check(any(e["path"].startswith("/api/\ufffd") for e in entries), "a raw path is logged with U+FFFD")

        # --- The per-address connection cap ---------------------------------------------------
        with serving(binary, store, "--max-connections-per-address", "20", "--request-timeout", "5") as (server, port, _):
            held = [socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0)) for _ in range(20)]
            time.sleep(0.3)
            status, headers, body = raw(port, b"GET /api/forces HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.0.2")
            check(status == 503 and headers.get("retry-after") == "5" and json.loads(body)["error"] == "unavailable"
                  and "date" in headers, "past 20 connections from one address, the 21st gets the whole 503 (%s)" % status)
            check(send(port, "GET", "/api/forces", source="127.0.0.3")[0] == 200, "another address is served")
            for s in held:
                s.close()
            time.sleep(0.3)
            check(send(port, "GET", "/api/forces", source="127.0.0.2")[0] == 200,
                  "once they close, the address is served again")
        with serving(binary, store) as (server, port, _):
            held = [socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.4", 0)) for _ in range(256)]
            time.sleep(0.5)
            status, _, _ = raw(port, b"GET /api/forces HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.0.4")
            check(status == 503, "by default one address may hold 256 connections (%s)" % status)
            for s in held:
                s.close()

        # --- TileJSON with --public-url, and a wildcard listen address -----------------------
        with serving(binary, store, "--public-url", "https://crime.example.org/") as (server, port, _):
            status, _, body = send(port, "GET", "/tiles/crimes.json", headers={"Host": "attacker.example"})
            check(json.loads(body)["tiles"][0].startswith("https://crime.example.org/tiles/crimes/"),
                  "with --public-url TileJSON's links name it")
        wildcard = subprocess.Popen([binary, "serve", "--db", store, "--listen", "0.0.0.0:0"], stderr=subprocess.PIPE,
                                    text=True)
        said = []
        for line in wildcard.stderr:
            said.append(line)
            if line.startswith("serving "):
                break
        wildcard.terminate()
        wildcard.wait(timeout=30)
        check(any("--public-url" in line and "wildcard" in line for line in said),
              "listening on 0.0.0.0 without --public-url says that --public-url is needed")
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
