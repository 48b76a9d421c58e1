#!/usr/bin/env python3
"""The measurements of tools/bench/national (see there). Usage: national.py CRIMEMAP WORK_FOLDER"""
import atexit
import http.client
import json
import math
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

binary, work = sys.argv[1], sys.argv[2]
store = os.path.join(work, "store.sqlite")
index = store + ".index"


def say(message):
    print("national: " + message, file=sys.stderr, flush=True)


def rss_kib(pid, field="VmRSS"):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def timed(command):
    """Runs command under /usr/bin/time: (seconds, peak KiB, stderr)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (" ".join(command), result.stderr[-2000:]))
    seconds, peak = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(peak), result.stderr


def get(port, path, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, body


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


started = []


@atexit.register
def stop_all():
    for server in started:
        if server.poll() is None:
            server.kill()


def start_serve():
    """Starts serve; returns (process, port, seconds until /readyz answered 200, log lines)."""
    port = free_port()
    t0 = time.time()
    server = subprocess.Popen([binary, "serve", "--db", store, "--listen", "127.0.0.1:%d" % port, "--threads", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started.append(server)
    lines = []
    threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True).start()
    while True:
        if server.poll() is not None:
            raise SystemExit("serve stopped: %s" % "".join(lines[-5:]))
        try:
            if get(port, "/readyz", timeout=5)[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.02)
    return server, port, time.time() - t0, lines


def stop(server):
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)


def page_in(path):
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


# Busy places (by crimes), spread over the country: the warm-up's centres.
db = sqlite3.connect(store)
crimes_total = db.execute("SELECT count(*) FROM crimes").fetchone()[0]
located = db.execute("SELECT count(*) FROM crimes WHERE location IS NOT NULL").fetchone()[0]
points = db.execute("SELECT count(DISTINCT location) FROM crimes").fetchone()[0]
sample = db.execute("SELECT l.latitude, l.longitude FROM crimes c JOIN locations l ON l.id = c.location "
                    "WHERE c.id IN (SELECT abs(random()) % (SELECT max(id) FROM crimes) FROM crimes LIMIT 400) "
                    "LIMIT 200").fetchall()
forces = [r[0] for r in db.execute("SELECT DISTINCT force FROM import_files WHERE kind = 'street'")]
# The new month copies the latest street file of one force (an earlier run's copy counts too).
latest_file = db.execute("SELECT force, month FROM import_files WHERE kind = 'street' ORDER BY month DESC, force "
                         "LIMIT 1").fetchone()
months = [r[0] for r in db.execute("SELECT DISTINCT month FROM crimes ORDER BY month")]
neighbourhoods = db.execute("SELECT force, id FROM neighbourhoods LIMIT 200").fetchall()
db.close()
first_month, last_month = months[0], months[-1]
month_text = lambda m: "%04d-%02d" % (m // 100, m % 100)  # noqa: E731


def warm_paths():
    paths = []
    for lat, lng in sample:
        for z in range(0, 17):
            n = 2 ** z
            x = int((lng + 180) / 360 * n)
            y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
            paths.append("/tiles/crimes/%d/%d/%d.mvt" % (z, x, y))
            paths.append("/tiles/crimes/%d/%d/%d.mvt?from=%s&to=%s&category=burglary,violent-crime" %
                         (z, x, y, month_text(first_month), month_text(last_month)))
            if z in (8, 12):
                paths.append("/tiles/neighbourhoods/%d/%d/%d.mvt" % (z, x, y))
        q = "lat=%.6f&lng=%.6f" % (lat, lng)
        paths += ["/api/crimes-street/all-crime?" + q, "/api/outcomes-at-location?" + q, "/api/stops-street?" + q,
                  "/api/summary?" + q, "/api/crimes-at-location?" + q, "/api/locate-neighbourhood?q=%.6f,%.6f" % (lat, lng)]
    for force in forces:
        paths.append("/api/crimes-no-location?force=%s&category=all-crime" % force)
    for force, nid in neighbourhoods[:50]:
        paths.append("/api/summary/%s/%s" % (force, urllib.parse.quote(nid)))
    for word in ("high street", "station", "park", "church", "market"):
        paths.append("/api/search?q=" + urllib.parse.quote(word))
    return paths


def run_paths(port, paths):
    failures = 0
    for path in paths:
        try:
            status, _ = get(port, path)
            failures += status not in (200, 204, 503)  # 503: a circle past 10,000 crimes, as the original
        except OSError:
            failures += 1
    return failures


out = []
machine = "%s, %d cores, %.0f GiB, %s" % (platform.processor() or platform.machine(), os.cpu_count(),
                                           os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30,
                                           time.strftime("%Y-%m-%d"))
out.append("Machine: %s. Data: %d crimes (%d with a location) on %d distinct map points, %d months." %
           (machine, crimes_total, located, points, len(months)))

say("crimemap index")
if os.path.exists(index):
    os.remove(index)
index_seconds, index_peak, _ = timed([binary, "index", "--db", store])
index_bytes = os.path.getsize(index)
out.append("")
out.append("| step | seconds | peak memory | notes |")
out.append("|---|---|---|---|")
out.append("| `crimemap index` (build the file) | %.1f | %d MiB | file %d MiB (%.0f bytes a crime) |" %
           (index_seconds, index_peak // 1024, index_bytes >> 20, index_bytes / crimes_total))

say("serve with the file in the page cache")
page_in(index)
page_in(store)
server, port, ready, lines = start_serve()
paths = warm_paths()
say("warm-up: %d requests" % len(paths))
t0 = time.time()
failures = run_paths(port, paths)
warm_seconds = time.time() - t0
steady = rss_kib(server.pid)
out.append("| `serve` ready (file mapped) | %.2f | | %s |" %
           (ready, next((l.strip() for l in lines if l.startswith("loaded")), "")[-120:].replace("|", "/")))
out.append("| warm-up: %d requests, every zoom, filters, API | %.1f | resident %d MiB = %.0f bytes a crime "
           "(heap %d MiB, tile cache included; mapped file %d MiB) | %d failed |" %
           (len(paths), warm_seconds, steady // 1024, steady * 1024 / crimes_total, rss_kib(server.pid, "RssAnon") // 1024,
            rss_kib(server.pid, "RssFile") // 1024, failures))

# A new month of one force: its latest street file, one month on.
say("importing a new month, then SIGHUP under load")
force, source_month = latest_file
latest = month_text(source_month)
source = os.path.join(work, "data", latest, "%s-%s-street.csv" % (latest, force))
if not os.path.exists(source):
    source = os.path.join(work, "extra-" + latest, "%s-%s-street.csv" % (latest, force))
y, m = divmod(source_month, 100)
y, m = (y + 1, 1) if m == 12 else (y, m + 1)
new_month = "%04d-%02d" % (y, m)
extra = os.path.join(work, "extra-" + new_month)
os.makedirs(extra, exist_ok=True)
with open(source) as f, open(os.path.join(extra, "%s-%s-street.csv" % (new_month, force)), "w") as g:
    for number, line in enumerate(f):
        g.write(line if number == 0 else line.replace("," + latest + ",", "," + new_month + ",", 1))
import_seconds, _, _ = timed([binary, "import", "--db", store, extra])
errors, slow, done = [], [], threading.Event()


def hammer(seed):
    r = random.Random(seed)
    while not done.is_set():
        path = r.choice(paths)
        t = time.time()
        try:
            status, _ = get(port, path, timeout=30)
            if status not in (200, 204, 503):
                errors.append((path, status))
        except OSError as error:
            errors.append((path, repr(error)))
        if time.time() - t > 2:
            slow.append(path)


workers = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
for w in workers:
    w.start()
time.sleep(1)
before_version = json.loads(get(port, "/readyz")[1])["data_version"]
steady = rss_kib(server.pid)  # after the warm-up and a second of this load
peak_server, peak_child = steady, 0
t0 = time.time()
server.send_signal(signal.SIGHUP)
while time.time() - t0 < 900:
    peak_server = max(peak_server, rss_kib(server.pid))
    for child in os.popen("pgrep -P %d" % server.pid).read().split():
        peak_child = max(peak_child, rss_kib(int(child), "VmHWM"))
    if json.loads(get(port, "/readyz")[1])["data_version"] != before_version:
        break
    time.sleep(0.05)
reload_seconds = time.time() - t0
for _ in range(40):  # the old mapping goes with its last request
    peak_server = max(peak_server, rss_kib(server.pid))
    time.sleep(0.05)
done.set()
for w in workers:
    w.join()
after = rss_kib(server.pid)
reload_line = next((l.strip() for l in lines if l.startswith("reloaded")), "")
out.append("| import of a new month (%s, one force) | %.1f | | |" % (new_month, import_seconds))
out.append("| SIGHUP reload under 4 clients | %.1f | server peak %d MiB = %.2f× the %d MiB before; builder child %d MiB | "
           "%d failed, %d over 2 s; after: %d MiB (heap %d, mapped %d) |" %
           (reload_seconds, peak_server // 1024, peak_server / steady, steady // 1024, peak_child // 1024, len(errors),
            len(slow), after // 1024, rss_kib(server.pid, "RssAnon") // 1024, rss_kib(server.pid, "RssFile") // 1024))
stop(server)

say("a first start: no index file")
os.remove(index)
server, port, first_ready, lines = start_serve()
first_peak = rss_kib(server.pid, "VmHWM")
stop(server)
out.append("| `serve` ready, first start (builds the file) | %.1f | %d MiB | |" % (first_ready, first_peak // 1024))
if reload_line:
    out.append("")
    out.append("Reload: " + reload_line)
print("\n".join(out))
