"""crimemap's commands given a PostgreSQL store (--db postgresql://...), against the tests' own
PostgreSQL 15 cluster (tests/postgres_cluster.py): what works on it says so, what does not
yet refuses before opening anything, and no message shows a password."""
import os
import subprocess
import sys
import time

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

    for command in (["import", "--db", pg.uri, "/nonexistent.csv"],):
        r = run(*command, env=env)
        check(r.returncode == 2, "%s on PostgreSQL exits 2: %d %s" % (command[0], r.returncode, r.stderr))
        check("--db: crimemap %s works on a SQLite store only" % command[0] in r.stderr,
              "%s names --db and why: %s" % (command[0], r.stderr))

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

    copy = os.path.join(pg.folder, "copy.dump")
    r = run("backup", "--db", with_password, copy, env=dict(os.environ))
    check(r.returncode == 1 and "pg_dump --format=custom --file='%s'" % copy in r.stderr,
          "backup on PostgreSQL shows the pg_dump command: %s" % r.stderr)
    check(postgres_cluster.PASSWORD not in r.stderr and "***" not in r.stderr and " '%s' " % pg.uri in r.stderr,
          "the command names the database without a password or a mask pg_dump would take for one: %s" % r.stderr)
    check(not os.path.exists(copy), "and writes nothing")

sys.exit(loopback.finish())
