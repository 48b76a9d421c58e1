#!/usr/bin/env python3
"""The server's life: /readyz, SIGHUP reloading the store while requests keep coming (none may
fail), SIGTERM draining, security headers, the connection cap's 503, and SIGKILL in the middle of a burst of Watch
messages: every message that got a 201 is in the store afterwards, which passes
PRAGMA integrity_check, and the server starts again on it. On PostgreSQL (CRIMEMAP_TEST_POSTGRES)
the SQLite file's own checks (integrity_check, crimemap backup) say that they skip.

Usage: lifecycle_test.py CRIMEMAP_BINARY
"""
import http.client
import json
import math
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import (check, finish, generated_store, import_new_month, index_file, on_postgres, serving,  # noqa: E402
                      skip, sql, sql_value, start_server)


def start(binary, store, *options):
    return start_server(binary, store, "--insecure-cookies", *options)


def serve(binary, store, *options):
    return serving(binary, store, "--insecure-cookies", *options)


def get(port, path, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    conn.request("GET", path)
    res = conn.getresponse()
    body = res.read()
    headers = dict(res.getheaders())
    conn.close()
    return res.status, body, headers


def post_json(port, path, body, headers, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    h = {"Content-Type": "application/json", "Origin": "http://127.0.0.1:%d" % port}
    h.update(headers)
    conn.request("POST", path, body=json.dumps(body), headers=h)
    res = conn.getresponse()
    answer = res.read()
    conn.close()
    return res.status, answer


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 4)

        access = os.path.join(work, "access.log")
        server, port, lines = start(binary, store, "--access-log", access)
        try:
            status, body, headers = get(port, "/readyz")
            ready = json.loads(body)
            check(status == 200 and ready["ready"] and ready["crimes"] > 0, "/readyz says what is loaded")
            deadline = time.time() + 30
            while json.loads(get(port, "/readyz")[1])["integrity"] == "checking" and time.time() < deadline:
                time.sleep(0.1)
            if on_postgres():
                check(json.loads(get(port, "/readyz")[1])["integrity"] == "not checked",
                      "a PostgreSQL store is not read for integrity_check (its own page checksums are its check)")
            else:
                check(json.loads(get(port, "/readyz")[1])["integrity"] == "ok", "integrity_check runs at start and passes")
            for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
                check(name in headers, "every answer carries " + name)
            check("frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), "the CSP forbids framing")
            check("Server" not in headers, "no version banner")
            status, _, headers = get(port, "/api/nowhere")
            check(status == 404 and "Content-Security-Policy" in headers, "error answers carry the headers too")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("DELETE", "/api/forces")
            res = conn.getresponse()
            res.read()
            check(res.status == 405 and res.getheader("Allow") == "GET, HEAD", "a wrong method is a 405 with Allow")
            conn.close()
            status, _ = post_json(port, "/api/watch/schemes/x/messages", {"text": "x" * 17000}, {})
            check(status == 413, "a form body over 16 KB is a 413")
            # A POSTed polygon may take 64 KB (a long boundary: this one is 18 KB, past the forms' 16 KB); past that, 413.
            # It may have 1,000 points; past that, 400 naming poly.
            ring = ":".join("%.5f,%.5f" % (54.0 + 0.01 * math.sin(i / 500.0 * math.pi), -1.5 + 0.01 * math.cos(i / 500.0 * math.pi))
                            for i in range(1000))
            for size, want in ((len(ring), 200), (70000, 413)):
                body = "date=&poly=" + (ring if size == len(ring) else ring + ":" + "1" * (size - len(ring)))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/crimes-street/all-crime", body=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
                res = conn.getresponse()
                res.read()
                check(res.status == want, "a POSTed polygon of %d bytes: %d, want %d" % (len(body), res.status, want))
                conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/api/crimes-street/all-crime", body="date=&poly=" + ring + ":54.0,-1.5",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            res = conn.getresponse()
            answer = json.loads(res.read())
            message = answer.get("message", "") if isinstance(answer, dict) else ""
            check(res.status == 400 and message.startswith("poly: more than 1000 points"),
                  "a polygon of 1,001 points is a 400 naming poly (%d %s)" % (res.status, message))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/forces", headers={"X-Padding": "x" * 9000})
            res = conn.getresponse()
            check(res.status == 431 and json.loads(res.read())["error"] == "header-too-large",
                  "headers over 8 KB are a 431 (%s)" % res.status)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/forces", headers={"X-Padding": "x" * 7000})
            res = conn.getresponse()
            res.read()
            check(res.status == 200, "headers under 8 KB are fine (%s)" % res.status)
            conn.close()

            # Pipelined requests are answered one at a time, in order: 100 sent in one write get
            # 100 answers, and the server never holds more than one answer per connection.
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            paths = ["/healthz", "/api/forces"] * 50
            s.sendall(b"".join(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % p.encode() for p in paths))
            reader = s.makefile("rb")
            answered = []
            for _ in paths:
                status_line, length = reader.readline(), 0
                while (line := reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = reader.read(length)
                answered.append("forces" if b" 200 " in status_line and body.startswith(b"[") else
                                "health" if b" 200 " in status_line else status_line)
            reader.close()
            s.close()
            check(answered == ["health", "forces"] * 50, "100 pipelined requests get 100 answers, in order")

            # A thousand slow clients (headers never finished) do not keep others out.
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            slow = []
            for i in range(1000):  # from 8 addresses: one may hold 256 connections
                s = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.%d" % (20 + i % 8), 0))
                s.sendall(b"GET /api/forces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                slow.append(s)
            t0 = time.time()
            status, _, _ = get(port, "/api/forces")
            check(status == 200 and time.time() - t0 < 2, "a client is served while 1,000 slow connections are open")
            for s in slow:
                s.close()

            # A new month arrives while requests keep coming; SIGHUP swaps it in.
            point = json.loads(get(port, "/api/crimes-street-dates")[1])[0]["date"]
            import_new_month(binary, store, work)
            errors, done = [], threading.Event()

            def hammer():
                while not done.is_set():
                    for path in ("/api/crimes-street-dates", "/tiles/crimes/10/510/330.mvt", "/api/forces", "/readyz"):
                        try:
                            status = get(port, path)[0]
                            if status not in (200, 204):
                                errors.append((path, status))
                        except Exception as error:  # noqa: BLE001 - any failure counts
                            errors.append((path, repr(error)))

            workers = [threading.Thread(target=hammer, daemon=True) for _ in range(3)]
            for w in workers:
                w.start()
            time.sleep(0.5)
            server.send_signal(signal.SIGHUP)
            deadline = time.time() + 60
            while time.time() < deadline and json.loads(get(port, "/readyz")[1])["data_version"] == ready["data_version"]:
                time.sleep(0.1)
            time.sleep(0.5)
            done.set()
            for w in workers:
                w.join()
            check(not errors, "no request failed during the reload: %r" % errors[:3])
            dates = [d["date"] for d in json.loads(get(port, "/api/crimes-street-dates")[1])]
            check(dates[0] == "2031-01" and point in dates, "after SIGHUP the new month is served")
            check(any("reloaded" in line for line in lines), "the reload is logged")
            # The import changed the data, so the reload built new indexes, in a child process
            # (the server never holds a build beside what it serves), and mapped them.
            check(any("reloaded" in line and "in a child process" in line and "other data" in line for line in lines),
                  "the reload built the index file in a child process: %r" % [l for l in lines if "reloaded" in l])
            # The old indexes go with their last request: only the new file stays mapped.
            time.sleep(0.5)
            with open("/proc/%d/maps" % server.pid) as f:
                mapped = [line.strip() for line in f if index_file(store) in line]
            check(mapped and not any("(deleted)" in line for line in mapped),
                  "after the reload only the new index file is mapped: %r" % mapped)

            # Metrics and the access log.
            get(port, "/api/search?q=AB1%201CD")
            status, body, headers = get(port, "/metrics")
            text = body.decode()
            check(status == 200 and headers.get("Content-Type", "").startswith("text/plain"), "/metrics is Prometheus text")
            for needle in ('crimemap_requests_total{route="api_reference",status="200"}',
                           'crimemap_request_seconds_bucket{route="tiles",le="+Inf"}', "crimemap_tile_bytes_count",
                           "crimemap_open_connections", "crimemap_store_writes_total",
                           "crimemap_rate_limited_total", "crimemap_response_bytes_total"):
                check(needle in text, "/metrics has " + needle)
            # One reload for the SIGHUP; on PostgreSQL the import's NOTIFY may have made another first.
            reloads = re.search(r"^crimemap_reloads_total (\d+)$", text, re.M)
            count = int(reloads.group(1)) if reloads else 0
            check(count in ((1, 2) if on_postgres() else (1,)), "/metrics counts the reload: %r" % (reloads and reloads.group(0)))
            with open(access) as f:
                entries = [json.loads(line) for line in f]
            check(len(entries) > 20 and all(set(e) == {"time", "method", "path", "route", "status", "bytes", "ms", "client"}
                                            for e in entries), "the access log is JSON lines of known fields")
            check(any(e["path"] == "/api/search" for e in entries) and not any("?" in e["path"] or "AB1" in e["path"]
                                                                               for e in entries),
                  "the access log keeps no query string (a postcode stays out)")

            # SIGTERM while requests are in flight: every answer that starts is whole.
            results = []

            def one():
                try:
                    status, body, _ = get(port, "/api/crimes-street-dates")
                    results.append(("ok", status, len(json.loads(body))))
                except (ConnectionError, OSError, http.client.HTTPException) as error:
                    results.append(("refused", type(error).__name__, 0))

            threads = [threading.Thread(target=one) for _ in range(40)]
            for i, t in enumerate(threads):
                t.start()
                if i == 20:
                    server.send_signal(signal.SIGTERM)
            for t in threads:
                t.join()
            code = server.wait(timeout=30)
            check(code == 0, "SIGTERM stops the server cleanly (exit %s)" % code)
            check(all(r[0] == "refused" or (r[1] == 200 and r[2] > 0) for r in results),
                  "every answer given while draining is whole: %r" % [r for r in results if r[0] != "ok"][:3])
            check(any(r[0] == "ok" for r in results), "requests before the signal were answered: %r" % results)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()

        # SIGKILL in the middle of a burst of Watch messages.
        schemes = [r[0] for r in sql(store, "SELECT id FROM watch_schemes ORDER BY id LIMIT 8")]
        server, port, _ = start(binary, store)
        acknowledged, lock = [], threading.Lock()
        tokens = {s: json.loads(get(port, "/api/watch/schemes/" + s)[1])["csrf_token"] for s in schemes}

        def sender(n):
            source = "127.0.0.%d" % (10 + n)
            for i in range(40):
                scheme = schemes[(n + i) % len(schemes)]
                try:
                    status, answer = post_json(port, "/api/watch/schemes/%s/messages" % scheme,
                                               {"kind": "message", "name": "Sender %d" % n,
                                                "email": "s%d.%d@example.net" % (n, i), "text": "hello %d" % i},
                                               {"X-CSRF-Token": tokens[scheme]}, source)
                except (ConnectionError, OSError, http.client.HTTPException):
                    return
                if status == 201:
                    with lock:
                        acknowledged.append(json.loads(answer)["id"])

        senders = [threading.Thread(target=sender, args=(n,)) for n in range(8)]
        for t in senders:
            t.start()
        while True:
            with lock:
                if len(acknowledged) >= 25:
                    break
            time.sleep(0.005)
        server.kill()
        server.wait()
        for t in senders:
            t.join()
        stored = {r[0] for r in sql(store, "SELECT id FROM watch_messages")}
        check(len(acknowledged) >= 25 and set(acknowledged) <= stored,
              "every message that got a 201 survives SIGKILL (%d acknowledged, %d missing)" %
              (len(acknowledged), len(set(acknowledged) - stored)))
        if on_postgres():
            skip("integrity_check after SIGKILL, and crimemap backup while serving",
                 "they are the SQLite file's own; PostgreSQL's store is dumped with pg_dump (postgres_cli_test checks "
                 "that backup says so)")
            with serve(binary, store) as (_, port, _):
                check(get(port, "/readyz")[0] == 200, "the server starts again on the store")
        else:
            check(sql_value(store, "PRAGMA integrity_check") == "ok", "the store passes integrity_check after SIGKILL")
            # A backup taken while the server writes is whole, and says so.
            server, port, _ = start(binary, store)
            copy = os.path.join(work, "copy.sqlite")
            backed = subprocess.run([binary, "backup", "--db", store, copy], capture_output=True, text=True)
            check(backed.returncode == 0 and "integrity_check ok" in backed.stdout, "crimemap backup while serving")
            beside = sorted(name for name in os.listdir(work) if name.startswith("copy.sqlite"))
            check(beside == ["copy.sqlite"], "a backup is one file, no -wal or -shm beside it (%s)" % beside)
            check(sql_value(copy, "SELECT count(*) FROM watch_messages") >= len(acknowledged), "the backup holds the messages")
            check(sql_value(copy, "PRAGMA integrity_check") == "ok", "the backup passes integrity_check")
            again = subprocess.run([binary, "backup", "--db", store, copy], capture_output=True, text=True)
            check(again.returncode == 2 and "already exists" in again.stderr, "a backup never overwrites a file")
            server.terminate()
            server.wait(timeout=30)
            with serve(binary, store) as (_, port, _):
                check(get(port, "/readyz")[0] == 200, "the server starts again on the store")
            # Restored as docs/operations.md says, the backup serves.
            with serve(binary, copy) as (_, port, _):
                check(get(port, "/readyz")[0] == 200, "the server starts on the restored backup")

        # Past --max-connections a new connection gets a whole 503, and is served again once
        # connections close; refusals are counted in /metrics.
        with serve(binary, store, "--max-connections", "8", "--request-timeout", "2") as (_, port, _):
            held = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
            time.sleep(0.3)  # accepted
            status, body, headers = get(port, "/api/forces")
            check(status == 503 and headers.get("Retry-After") == "5" and json.loads(body)["error"] == "unavailable",
                  "past the connection cap a client gets a 503 with Retry-After (%s)" % status)
            check("Content-Security-Policy" in headers, "the 503 carries the security headers")
            for s in held:
                s.close()
            time.sleep(0.3)
            check(get(port, "/api/forces")[0] == 200, "once connections close, clients are served again")
            refused = [line for line in get(port, "/metrics")[1].decode().splitlines()
                       if line.startswith("crimemap_refused_connections_total ")]
            check(refused == ["crimemap_refused_connections_total 1"], "/metrics counts the refusal: %r" % refused)
            # A client that sends its headers a byte at a time is cut off at --request-timeout, and
            # so is one that keeps a connection open without asking anything.
            slow, idle = socket.create_connection(("127.0.0.1", port)), socket.create_connection(("127.0.0.1", port))
            slow.settimeout(10)
            idle.settimeout(10)
            t0, cut = time.time(), None
            for byte in b"GET /api/forces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 100:
                try:
                    slow.send(bytes([byte]))
                except OSError:
                    cut = time.time() - t0
                    break
                time.sleep(0.1)
                if time.time() - t0 > 6:
                    break
            if cut is None:
                try:
                    cut = time.time() - t0 if slow.recv(1) == b"" else None
                except OSError:
                    cut = time.time() - t0
            check(cut is not None and cut < 4, "a slowloris client is cut off after --request-timeout (%s s)" % cut)
            check(idle.recv(1) == b"", "an idle connection is closed too")
            slow.close()
            idle.close()
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
