"""What the Python tests of the real server share: counted checks, a generated and imported
store, SQL on that store, `crimemap serve` started on a free loopback port (and stopped), free
ports and requests.

The store is a SQLite file, or, when CRIMEMAP_TEST_POSTGRES holds a database's URI (as
tests/postgres_cluster.py sets it when it runs a test), a new database in that cluster for each
store a test makes: the same test runs against either engine. A part of a test that is about
SQLite itself asks `on_postgres()` and says why it skips (`skip`).

Import it from a test in tests/<folder>/ with
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
"""
import contextlib
import http.client
import itertools
import json
import os
import re
import socket
import sqlite3
import subprocess
import threading
import urllib.parse

# The cluster's database URI (no password: PGPASSWORD holds it) when the tests run on PostgreSQL.
POSTGRES = os.environ.get("CRIMEMAP_TEST_POSTGRES", "")
_databases = itertools.count(1)

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


def skip(what, reason):
    """Says that a part of a test does not run here, and why; it counts as neither passed nor failed."""
    print("SKIPPED: %s: %s" % (what, reason), flush=True)


def on_postgres():
    """Whether the stores of this run are PostgreSQL databases."""
    return bool(POSTGRES)


def is_uri(store):
    return store.startswith(("postgresql://", "postgres://"))


def _database_uri(name):
    base = urllib.parse.urlsplit(POSTGRES)
    return urllib.parse.urlunsplit(base._replace(path="/" + name))


def new_store(work):
    """A store for this test that does not exist yet: work/store.sqlite, or on PostgreSQL a new,
    empty database (one per call, so a test may make several)."""
    if not POSTGRES:
        return os.path.join(work, "store.sqlite")
    name = "store_%d_%d" % (os.getpid(), next(_databases))
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", _database_uri("postgres"),
                    "-c", "CREATE DATABASE " + name], check=True, capture_output=True, text=True)
    return _database_uri(name)


def index_file(store):
    """Where serve keeps the store's serving indexes by default: beside a SQLite file; for a
    PostgreSQL store, in the user's cache, named by an FNV-1a hash of the URI (the server's rule)."""
    if not is_uri(store):
        return store + ".index"
    digest = 1469598103934665603
    for byte in store.encode():
        digest = ((digest ^ byte) * 1099511628211) % (1 << 64)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "crimemap", "postgresql-%016x.index" % digest)


def _psql_statement(statement, params):
    """The statement with each ? outside a quoted literal replaced by a psql variable (quoted by
    psql as a literal: :'pN') or, for a number or None, the value itself; and psql's -v options."""
    out, variables, values, quote = [], [], iter(params), None
    for c in statement:
        if quote:
            quote = None if c == quote else quote
            out.append(c)
        elif c in "'\"":
            quote = c
            out.append(c)
        elif c == "?":
            value = next(values)
            if value is None:
                out.append("NULL")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):  # bool is an int: quote it
                variables += ["-v", "p%d=%s" % (len(variables) // 2 + 1, value)]
                out.append(":'p%d'" % (len(variables) // 2))
            else:
                out.append(repr(value))
        else:
            out.append(c)
    return "".join(out), variables


def sql(store, statement, params=()):
    """Runs one statement with ? placeholders on the store and commits: its rows, as tuples (none
    for a statement without rows). SQLite through Python's sqlite3; PostgreSQL through psql,
    a query's (or RETURNING's) rows read back as JSON, so numbers are numbers and NULL is None on
    both (a whole double precision comes back as an int)."""
    if not is_uri(store):
        db = sqlite3.connect(store)
        try:
            rows = db.execute(statement, tuple(params)).fetchall()
            db.commit()
            return rows
        finally:
            db.close()
    text, variables = _psql_statement(statement, params)
    query = re.match(r"\s*(SELECT|WITH|VALUES)\b", text, re.IGNORECASE)
    returning = not query and re.search(r"\bRETURNING\b", text, re.IGNORECASE)
    if query:
        text = "SELECT row_to_json(q) FROM (%s) q" % text
    elif returning:
        text = "WITH q AS (%s) SELECT row_to_json(q) FROM q" % text
        query = returning
    run = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", store] + variables,
                         input=text + ";\n", capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError("psql: %s: %s" % (statement, run.stderr.strip()))
    if not query:
        return []
    # Each row an object in column order; its values kept in that order, duplicate names too.
    return [json.loads(line, object_pairs_hook=lambda pairs: tuple(v for _, v in pairs))
            for line in run.stdout.splitlines() if line]


def sql_value(store, statement, params=()):
    """The first column of a statement's first row, or None when it has no rows."""
    rows = sql(store, statement, params)
    return rows[0][0] if rows else None


def generated_store(binary, work, seed):
    """Generates 20,000 crimes over 2 months with `seed` into work/data and imports them into a
    new store (new_store): the store's path or URI."""
    data, store = os.path.join(work, "data"), new_store(work)
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
