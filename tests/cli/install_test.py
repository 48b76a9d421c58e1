"""A real install: `cmake --install BUILD --prefix P` into a temporary prefix puts the binary in
P/bin and the web app (with MapLibre GL) in P/share/crimemap/web; P/bin/crimemap serve, without
--web, serves the installed files (not the source tree's); build/crimemap still serves the
source tree's web/; and docs/operations.md's systemd unit, pointed at the prefix, passes
`systemd-analyze verify`. The binary is then moved with its prefix, as a package would be unpacked
elsewhere, and still finds its files.

Usage: install_test.py BUILD_DIR SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, finish, generated_store, serving  # noqa: E402

MARKER = "<!-- installed copy, changed by install_test.py -->"


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


def serve_and_read(binary, store, paths):
    """Starts `binary serve` on the store, without --web: {path: (status, body)}."""
    with serving(binary, store) as (server, port, _):
        return {path: get(port, path) for path in paths}


def main():
    build, source = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="crimemap-install-")
    try:
        prefix = os.path.join(work, "prefix")
        done = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True, text=True)
        check(done.returncode == 0, "cmake --install failed: %s%s" % (done.stdout, done.stderr))
        binary = os.path.join(prefix, "bin", "crimemap")
        web = os.path.join(prefix, "share", "crimemap", "web")
        check(os.access(binary, os.X_OK), "no executable %s" % binary)
        for name in ["index.html", "app.js", "style.css", "neighbourhood.html", "_site-header.html",
                     "node_modules/maplibre-gl/dist/maplibre-gl.js", "node_modules/maplibre-gl/dist/maplibre-gl.js.map",
                     "node_modules/maplibre-gl/dist/maplibre-gl.css",
                     "node_modules/maplibre-gl/dist/LICENSE.txt"]:
            check(os.path.isfile(os.path.join(web, name)), "the install lacks share/crimemap/web/%s" % name)
        check(not os.path.exists(os.path.join(web, "package.json")), "package.json is installed")
        if not os.access(binary, os.X_OK):
            return finish()
        # Mark the installed page so that it cannot be mistaken for the source tree's.
        with open(os.path.join(web, "index.html"), "a", encoding="utf-8") as page:
            page.write(MARKER + "\n")

        store = generated_store(binary, work, 11)
        paths = ["/", "/static/app.js", "/vendor/maplibre-gl/maplibre-gl.js", "/vendor/maplibre-gl/maplibre-gl.js.map",
                 "/neighbourhood"]
        answers = serve_and_read(binary, store, paths)
        for path in paths:
            check(answers[path][0] == 200, "installed: %s answered %s" % (path, answers[path][0]))
        check(MARKER in answers["/"][1], "the installed binary does not serve the installed index.html")
        check("Exit this page" in answers["/neighbourhood"][1], "the installed pages lack their shared parts")

        # Moved elsewhere with its prefix, it still finds its own files.
        moved = os.path.join(work, "elsewhere")
        shutil.move(prefix, moved)
        answers = serve_and_read(os.path.join(moved, "bin", "crimemap"), store, ["/", "/vendor/maplibre-gl/maplibre-gl.js"])
        check(MARKER in answers["/"][1], "a moved install does not serve its own index.html")
        check(answers["/vendor/maplibre-gl/maplibre-gl.js"][0] == 200, "a moved install lacks MapLibre GL")

        # The build tree's binary keeps serving the source tree's web/.
        answers = serve_and_read(os.path.join(build, "crimemap"), store, ["/", "/vendor/maplibre-gl/maplibre-gl.js"])
        check(answers["/"][0] == 200 and MARKER not in answers["/"][1], "build/crimemap does not serve the source tree's web/")
        check(answers["/vendor/maplibre-gl/maplibre-gl.js"][0] == 200, "build/crimemap lacks MapLibre GL")

        # docs/operations.md's unit, pointed at this prefix, as systemd reads it.
        if shutil.which("systemd-analyze"):
            with open(os.path.join(source, "docs", "operations.md"), encoding="utf-8") as page:
                unit = re.search(r"```ini\n(# /etc/systemd/system/crimemap.service\n.*?)```", page.read(), re.S)
            check(unit is not None, "docs/operations.md has no crimemap.service block")
            if unit:
                text = unit.group(1)
                for setting in ["StateDirectory=crimemap", "LogsDirectory=crimemap", "ExecStart=/usr/local/bin/crimemap serve"]:
                    check(setting in text, "the unit lacks %s" % setting)
                path = os.path.join(work, "crimemap.service")
                with open(path, "w", encoding="utf-8") as out:
                    out.write(text.replace("/usr/local/bin/crimemap", os.path.join(moved, "bin", "crimemap")))
                verified = subprocess.run(["systemd-analyze", "verify", "--man=no", path], capture_output=True, text=True)
                problems = [line for line in (verified.stdout + verified.stderr).splitlines() if "crimemap.service" in line]
                check(verified.returncode == 0 and not problems, "systemd-analyze verify: %s%s" % (verified.stdout, verified.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
