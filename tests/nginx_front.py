"""A real nginx (Debian's) in front of crimemap on loopback, run with a block of
docs/operations.md as an operator would paste it, made to run unprivileged in a test's folder:
the `listen 443 ssl` line becomes a loopback port, the certificate lines go, and nginx's
temporary and cache folders live in the test's folder.

    with nginx_front.running(work, block) as front:   # front: nginx's loopback port
"""
import contextlib
import os
import re
import shutil
import socket
import subprocess
import time

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")


def binary():
    """nginx's path, or None when it is not installed."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def documented_block(first_line=None):
    """The first ```nginx block of docs/operations.md, or the one whose first line is `first_line`."""
    with open(os.path.join(DOCS, "operations.md")) as f:
        blocks = re.findall(r"```nginx\n(.*?)```", f.read(), re.S)
    if first_line is None:
        return blocks[0]
    return next(b for b in blocks if b.startswith(first_line + "\n"))


def config(work, block, port):
    """A whole nginx.conf around `block` listening on loopback `port`, its files in `work`."""
    block = block.replace("listen 443 ssl http2;", "listen 127.0.0.1:%d;" % port)
    block = "\n".join(line for line in block.splitlines() if "ssl_certificate" not in line)
    block = block.replace("/var/cache/nginx/crimemap", os.path.join(work, "cache"))
    temp = os.path.join(work, "temp")
    for folder in ("cache", "temp"):
        os.makedirs(os.path.join(work, folder), exist_ok=True)
        os.chmod(os.path.join(work, folder), 0o777)
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(work, block):
    """nginx with `block` on a free loopback port, for a `with` block: yields the port; stops
    nginx however the block ends and prints what it wrote to its error stream."""
    port = free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(config(work, block, port))
    proxy = subprocess.Popen([binary(), "-p", work, "-c", conf, "-e", os.path.join(work, "error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while time.time() < deadline and proxy.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        if proxy.poll() is not None:
            raise RuntimeError("nginx did not start: %s" % proxy.stderr.read().decode()[:500])
        yield port
    finally:
        proxy.terminate()
        try:
            proxy.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proxy.kill()
        errors = proxy.stderr.read().decode()
        if errors.strip():
            print("nginx:", errors[:500])
