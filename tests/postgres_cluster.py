"""A PostgreSQL 15 cluster of the tests' own: Debian's postgresql-15 binaries, `initdb` (done once
and copied) into a temporary folder, run as an unprivileged user on a free loopback port with password
(SCRAM) authentication, stopped and removed at the end. Nothing of a system cluster is used,
so a clean machine and CI run the same.

As a module: `with postgres_cluster.Cluster() as pg:` gives `pg.uri` (without the password) and
`pg.environment()` (PGPASSWORD set, as libpq takes it).
As a command: `python3 tests/postgres_cluster.py COMMAND [ARG...]` runs COMMAND with
CRIMEMAP_TEST_POSTGRES set to a new database's URI, PGPASSWORD set and XDG_CACHE_HOME in the
cluster's folder, and exits with its status.
"""
import fcntl
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile

BIN = "/usr/lib/postgresql/15/bin"
USER = "crimemap"          # the cluster's superuser, whom the tests connect as
PASSWORD = "test-only-password"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch():
    """Where clusters live: memory (/dev/shm) where there is one, as the clusters are thrown away
    (fsync is off) and a disk makes their start and each CREATE DATABASE seconds slower."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()


def _template(cluster, password_file):
    """A cluster's data folder as initdb leaves it, made once per user and PostgreSQL version and
    copied for each cluster (a copy takes a tenth of initdb's seconds): the folder's path. Made
    under a lock, in a folder of its own first, so tests starting at once share one whole copy."""
    version = subprocess.run([BIN + "/initdb", "--version"], check=True, capture_output=True, text=True).stdout
    parent = os.path.join(_scratch(), "crimemap-pg-template-%d" % os.geteuid())
    template = os.path.join(parent, "".join(c if c.isalnum() else "-" for c in version.strip()))
    os.makedirs(parent, mode=0o755, exist_ok=True)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(parent, nobody.pw_uid, nobody.pw_gid)
    with open(os.path.join(parent, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(template, "PG_VERSION")):
            building = template + ".new"
            shutil.rmtree(building, ignore_errors=True)
            cluster._as_owner([BIN + "/initdb", "-D", building, "-U", USER, "--pwfile", password_file,
                               "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
                               "--locale=C.UTF-8", "--no-sync"])
            shutil.rmtree(template, ignore_errors=True)
            os.rename(building, template)
    return template


class Cluster:
    def __init__(self, database="crimemap"):
        self.database = database
        self.port = None
        self.folder = None
        self.uri = None

    def _as_owner(self, command, **kwargs):
        # PostgreSQL refuses to run as root: as root, run its binaries as `nobody`.
        if os.geteuid() == 0:
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + command
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def __enter__(self):
        if not os.path.exists(os.path.join(BIN, "initdb")):
            raise RuntimeError("postgres_cluster: %s/initdb is missing: install postgresql-15 (tools/setup does)" % BIN)
        self.folder = tempfile.mkdtemp(prefix="crimemap-pg-", dir=_scratch())
        os.chmod(self.folder, 0o755)
        data, sockets, password_file = (os.path.join(self.folder, n) for n in ("data", "sockets", "password"))
        os.makedirs(sockets)
        with open(password_file, "w") as f:
            f.write(PASSWORD + "\n")
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in (self.folder, sockets, password_file):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        self._as_owner(["cp", "-a", _template(self, password_file), data])
        self.port = _free_port()
        options = "-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s " \
                  "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" % (self.port, sockets)
        self._as_owner([BIN + "/pg_ctl", "-D", data, "-o", options, "-l", os.path.join(self.folder, "log"),
                        "-w", "-t", "60", "start"])
        self.data = data
        self.uri = "postgresql://%s@127.0.0.1:%d/%s" % (USER, self.port, self.database)
        subprocess.run(["psql", "postgresql://%s@127.0.0.1:%d/postgres" % (USER, self.port), "-q", "-v",
                        "ON_ERROR_STOP=1", "-c", "CREATE DATABASE %s" % self.database],
                       check=True, capture_output=True, env=self.environment())
        return self

    def environment(self):
        env = dict(os.environ)
        env["PGPASSWORD"] = PASSWORD
        return env

    def stop(self):
        """Stops the server (fast shutdown); start() brings it back on the same port and data."""
        self._as_owner([BIN + "/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])

    def start(self):
        options = "-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s " \
                  "-c fsync=off" % (self.port, os.path.join(self.folder, "sockets"))
        self._as_owner([BIN + "/pg_ctl", "-D", self.data, "-o", options, "-l", os.path.join(self.folder, "log"),
                        "-w", "-t", "60", "start"])

    def __exit__(self, *exc):
        try:
            self._as_owner([BIN + "/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
        except (subprocess.CalledProcessError, AttributeError):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)
        return False


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with Cluster() as cluster:
        env = cluster.environment()
        env["CRIMEMAP_TEST_POSTGRES"] = cluster.uri
        # Serve keeps a PostgreSQL store's index file in the user's cache: here, it goes with the cluster.
        env["XDG_CACHE_HOME"] = os.path.join(cluster.folder, "cache")
        sys.exit(subprocess.run(sys.argv[1:], env=env).returncode)
