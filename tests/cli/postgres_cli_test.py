"""crimemap's commands given a PostgreSQL store (--db postgresql://...), against the tests' own
PostgreSQL 15 cluster (tests/postgres_cluster.py): what works on it says so, what does not
yet refuses before opening anything, and no message shows a password."""
import json
import os
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import loopback  # noqa: E402
import postgres_cluster  # noqa: E402
from loopback import check  # noqa: E402

binary = sys.argv[1]


def run(*args, env=None):
    return subprocess.run([binary] + list(args), capture_output=True, text=True, env=env, timeout=60)


with postgres_cluster.Cluster() as pg:
    env = pg.environment()
    with_password = pg.uri.replace("crimemap@", "crimemap:%s@" % postgres_cluster.PASSWORD)

    r = run("stats", "--db", with_password, env=dict(os.environ))
    check(r.returncode == 1, "stats on a database without a store fails: %d" % r.returncode)
    check("no crimemap store in this database" in r.stderr, "and says why: %s" % r.stderr)
    check(postgres_cluster.PASSWORD not in r.stderr and "***" in r.stderr, "the password is not shown: %s" % r.stderr)

    wrong = pg.uri.replace("crimemap@", "crimemap:not-the-password@")
    r = run("stats", "--db", wrong, env=dict(os.environ))
    check(r.returncode == 1 and "password authentication failed" in r.stderr,
          "a wrong password is refused as such: %s" % r.stderr)
    check("not-the-password" not in r.stderr, "the wrong password is not shown either")

    started = time.monotonic()
    r = run("stats", "--db", "postgresql://crimemap@127.0.0.1:1/crimemap", env=env)
    check(r.returncode == 1 and "cannot connect to postgresql://crimemap@127.0.0.1:1/crimemap" in r.stderr,
          "nothing listening is named: %s" % r.stderr)
    check(time.monotonic() - started < 10, "and told within the connect timeout")

    # The real samples in a deflate zip, folders by month as data.police.uk ships them.
    samples = os.environ.get("CRIMEMAP_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))
    samples = os.path.join(samples, "police-uk")
    archive = os.path.join(pg.folder, "police-uk.zip")
    expected = {}
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for force in ("city-of-london", "essex", "metropolitan"):
            for month in sorted(os.listdir(os.path.join(samples, force))):
                for name in os.listdir(os.path.join(samples, force, month)):
                    path = os.path.join(samples, force, month, name)
                    z.write(path, "%s/%s" % (month, name))
                    kind = "stops" if name.endswith("stop-and-search.csv") else "crimes"
                    with open(path, encoding="utf-8", errors="replace") as f:
                        expected[kind] = expected.get(kind, 0) + sum(1 for line in f if line.strip()) - 1
    r = run("import", "--db", pg.uri, archive, env=env)
    check(r.returncode == 0, "import --db URI of a zip of the samples: %d %s" % (r.returncode, r.stderr[-400:]))
    r = run("stats", "--db", pg.uri, env=env)
    check(r.returncode == 0, "stats after the import: %s" % r.stderr)
    stats = json.loads(r.stdout) if r.returncode == 0 else {}
    check(stats.get("crimes") == expected["crimes"] and stats.get("stops") == expected["stops"],
          "stats shows every row of the zip: %s against %s" % ({k: stats.get(k) for k in expected}, expected))
    check(stats.get("forces", {}).get("essex") == 13139, "and the crimes by force: %s" % stats.get("forces"))

    copy = os.path.join(pg.folder, "copy.dump")
    r = run("backup", "--db", with_password, copy, env=dict(os.environ))
    check(r.returncode == 1 and "pg_dump --format=custom --file='%s'" % copy in r.stderr,
          "backup on PostgreSQL shows the pg_dump command: %s" % r.stderr)
    check(postgres_cluster.PASSWORD not in r.stderr and "***" not in r.stderr and " '%s' " % pg.uri in r.stderr,
          "the command names the database without a password or a mask pg_dump would take for one: %s" % r.stderr)
    check(not os.path.exists(copy), "and writes nothing")

sys.exit(loopback.finish())
