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
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import nginx_front  # noqa: E402
from loopback import check, finish, generated_store, send, start_server  # noqa: E402

DOCS = nginx_front.DOCS


def main(binary):
    check(nginx_front.binary() is not None, "nginx is installed (tools/setup installs Debian's)")
    if not nginx_front.binary():
        return finish()
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        store = generated_store(binary, work, 8)
        with open(os.path.join(DOCS, "operations.md")) as f:
            check("--trusted-proxy 127.0.0.1" in f.read(), "docs/operations.md runs crimemap with --trusted-proxy")
        access = os.path.join(work, "access.log")
        server, port, _ = start_server(binary, store, "--insecure-cookies", "--trusted-proxy", "127.0.0.1",
                                       "--access-log", access)
        # The server block of "Behind nginx", pointed at this server.
        block = nginx_front.documented_block().replace("http://127.0.0.1:8080", "http://127.0.0.1:%d" % port)
        try:
            with nginx_front.running(work, block) as front:
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
            server.terminate()
            server.wait(timeout=30)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
