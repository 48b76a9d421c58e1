#!/usr/bin/env python3
"""crimemap behind a real nginx (Debian's), configured with the very config in
docs/operations.md (only the port, the certificate and the cache folder changed), both started
on loopback by this test: each client behind the proxy has its own rate-limit bucket and
access-log key (from X-Forwarded-For, believed only from --trusted-proxy), a client cannot
choose its address by sending X-Forwarded-For itself (through nginx or directly), TileJSON's
links do not follow the Host header, and /metrics is refused to other addresses.

Usage: proxy_test.py CRIMEMAP_BINARY
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, finish, free_port, generated_store, send, start_server  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs")


def nginx_config(work, nginx_port, crimemap_port):
    """The server block of docs/operations.md, made to run unprivileged on loopback."""
    with open(os.path.join(DOCS, "operations.md")) as f:
        block = re.search(r"```nginx\n(.*?)```", f.read(), re.S).group(1)
    block = block.replace("listen 443 ssl http2;", "listen 127.0.0.1:%d;" % nginx_port)
    block = "\n".join(line for line in block.splitlines() if "ssl_certificate" not in line)
    block = block.replace("http://127.0.0.1:8080", "http://127.0.0.1:%d" % crimemap_port)
    block = block.replace("/var/cache/nginx/crimemap", os.path.join(work, "cache"))
    temp = os.path.join(work, "temp")
    return """
%s
daemon off;
pid %s/nginx.pid;
error_log %s/error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %s/body;
    proxy_temp_path %s/proxy;
    fastcgi_temp_path %s/fastcgi;
    uwsgi_temp_path %s/uwsgi;
    scgi_temp_path %s/scgi;
%s
}
""" % ("user nobody nogroup;" if os.geteuid() == 0 else "", work, work, temp, temp, temp, temp, temp, block)


def main(binary):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    check(nginx is not None, "nginx is installed (tools/setup installs Debian's)")
    if not nginx:
        return finish()
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        for folder in ("cache", "temp"):
            os.makedirs(os.path.join(work, folder))
            os.chmod(os.path.join(work, folder), 0o777)
        store = generated_store(binary, work, 8)
        with open(os.path.join(DOCS, "operations.md")) as f:
            check("--trusted-proxy 127.0.0.1" in f.read(), "docs/operations.md runs crimemap with --trusted-proxy")
        access = os.path.join(work, "access.log")
        server, port, _ = start_server(binary, store, "--insecure-cookies", "--trusted-proxy", "127.0.0.1",
                                       "--access-log", access)
        front = free_port()
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_config(work, front, port))
        proxy = subprocess.Popen([nginx, "-p", work, "-c", conf, "-e", os.path.join(work, "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", front), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            check(proxy.poll() is None, "nginx runs the documented config")
            origin = {"Origin": "http://127.0.0.1:%d" % front, "Content-Type": "application/json"}

            def sign_in(source, n, via=front, extra=None):
                h = dict(origin)
                h.update(extra or {})
                body = json.dumps({"email": "nobody%d.%s@example.net" % (n, source), "password": "wrong password"})
                return send(via, "POST", "/auth/login", body, h, source)[0]

            # Twenty failed sign-ins from one client behind nginx lock that client out, not everyone.
            statuses = [sign_in("127.0.0.2", n) for n in range(21)]
            check(statuses[:20] == [401] * 20 and statuses[20] == 429,
                  "through nginx, the 21st failed sign-in of one client is a 429 (%r)" % statuses[-3:])
            status = sign_in("127.0.0.3", 0)
            check(status == 401, "another client through the same nginx is not locked out (%s)" % status)
            # Sending X-Forwarded-For does not give a client a new bucket: nginx appends the address
            # it saw, and crimemap takes the right-most address that is not a trusted proxy.
            statuses = [sign_in("127.0.0.4", n, extra={"X-Forwarded-For": "10.0.0.%d" % n}) for n in range(21)]
            check(statuses[20] == 429, "a client's own X-Forwarded-For through nginx changes nothing (%r)" % statuses[-2:])
            # Nor directly: a connection that is no trusted proxy has its X-Forwarded-For ignored.
            statuses = [sign_in("127.0.0.5", n, via=port,
                                extra={"X-Forwarded-For": "10.1.0.%d" % n, "Origin": "http://127.0.0.1:%d" % port})
                        for n in range(21)]
            check(statuses[20] == 429, "X-Forwarded-For sent straight to crimemap is ignored (%r)" % statuses[-2:])

            # TileJSON's links: the server's configured name through nginx, whatever Host says.
            for host in ("attacker.example", "127.0.0.1:%d" % front):
                status, _, body = send(front, "GET", "/tiles/crimes.json", headers={"Host": host})
                tiles = json.loads(body)["tiles"][0] if status == 200 else ""
                check(tiles.startswith("http://crime.example.org:%d/tiles/crimes/" % front),
                      "TileJSON through nginx with Host %s names the proxy's own name and port (%s)" % (host, tiles))

            # nginx still caches tiles by ETag, and revalidates.
            first, _, first_body = send(front, "GET", "/tiles/crimes/10/510/330.mvt")
            again, _, again_body = send(front, "GET", "/tiles/crimes/10/510/330.mvt")
            check(first in (200, 204) and (again, again_body) == (first, first_body),
                  "tiles come through nginx's cache unchanged")

            # /metrics through nginx: loopback only.
            check(send(front, "GET", "/metrics", source="127.0.0.2")[0] == 403, "/metrics through nginx is refused to others")
            check(send(front, "GET", "/metrics", source="127.0.0.1")[0] == 200, "and answered to loopback")

            time.sleep(0.2)
            with open(access) as f:
                entries = [json.loads(line) for line in f]
            logins = [e for e in entries if e["path"] == "/auth/login"]
            keys = [e["client"] for e in logins]
            check(len(logins) == 64, "every sign-in is logged (%d)" % len(logins))
            if len(keys) == 64:
                check(len(set(keys[:21])) == 1 and keys[21] not in keys[:21] and len(set(keys[22:43])) == 1
                      and keys[22] not in keys[:22], "the access log's client key is the client behind nginx, not nginx")
        finally:
            proxy.terminate()
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy.kill()
            errors = proxy.stderr.read().decode()
            if errors.strip():
                print("nginx:", errors[:500])
            server.terminate()
            server.wait(timeout=30)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
