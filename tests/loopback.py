"""What the Python tests of the real server share: counted checks, a generated and imported
store, `crimemap serve` started on a free loopback port (and stopped), free ports and requests.

Import it from a test in tests/<folder>/ with
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
"""
import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import threading
import urllib.parse

passed = failed = 0


def check(condition, what):
    """Counts a check; prints it when it fails. Every check runs, so one run shows every failure."""
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what, flush=True)


def finish():
    """Prints the count and gives the exit status."""
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def generated_store(binary, work, seed):
    """Generates 20,000 crimes over 2 months with `seed` into work/data and imports them: the store's path."""
    data, store = os.path.join(work, "data"), os.path.join(work, "store.sqlite")
    subprocess.run([binary, "generate", "--out", data, "--rows", "20000", "--months", "2", "--seed", str(seed)],
                   check=True, capture_output=True)
    subprocess.run([binary, "import", "--db", store, data], check=True, capture_output=True)
    return store


def import_new_month(binary, store, work):
    """Imports one crime of 2031-01 (a month after any generated one) into the store."""
    extra = os.path.join(work, "extra-2031-01")
    os.makedirs(extra, exist_ok=True)
    with open(os.path.join(extra, "2031-01-testshire-street.csv"), "w") as f:
        f.write("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                "Crime type,Last outcome category,Context\n")
        f.write(",2031-01,T,T,-1.5,54.0,On or near Test Street,E1,X 001A,Anti-social behaviour,,\n")
    subprocess.run([binary, "import", "--db", store, extra], check=True, capture_output=True)


def start_server(binary, store, *options):
    """`crimemap serve` on a free port: (process, port, lines it writes to stderr from then on)."""
    server = subprocess.Popen([binary, "serve", "--db", store, "--listen", "127.0.0.1:0"] + list(options),
                              stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if match:
            lines = []
            threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True).start()
            return server, int(match.group(1)), lines
    server.wait()
    raise RuntimeError("crimemap serve did not start (exit %s)" % server.returncode)


@contextlib.contextmanager
def serving(binary, store, *options, stop_seconds=30):
    """start_server's (process, port, lines) for a `with` block, which stops the server (SIGTERM,
    then waiting up to `stop_seconds` for it to exit) however the block ends."""
    server, port, lines = start_server(binary, store, *options)
    try:
        yield server, port, lines
    finally:
        server.terminate()
        server.wait(timeout=stop_seconds)


def free_port():
    """A loopback port no one listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port, method, path, body=None, headers=None, source="127.0.0.1", timeout=60):
    """One request with the body and headers exactly as given (http.client adds Host and
    Content-Length): (status, headers as a dict of lower-case names, raw body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    raw = res.read()
    got = {k.lower(): v for k, v in res.getheaders()}
    conn.close()
    return res.status, got, raw


def call(port, method, path, body=None, form=None, headers=None, source="127.0.0.1", cookie=None, csrf=None,
         origin=True):
    """One request: (status, parsed JSON or None, raw body, headers as a dict of lower-case names).
    `origin`: True sends the server's own Origin, a string sends that one, a false value none."""
    h = {"Host": "127.0.0.1:%d" % port}
    if origin:
        h["Origin"] = "http://127.0.0.1:%d" % port if origin is True else origin
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        h["Content-Type"] = "application/x-www-form-urlencoded"
    h.update(headers or {})
    status, got, raw = send(port, method, path, data, h, source)
    parsed = json.loads(raw) if raw and got.get("content-type", "").startswith("application/json") else None
    return status, parsed, raw, got
