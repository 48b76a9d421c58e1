"""Every crimemap command in the ```sh blocks of README.md and docs/*.md runs as written against
tools/demo's store: the data `crimemap generate` makes with tools/demo's options, imported.

Each file's commands run in order, in a folder of their own where
- crime.sqlite is a copy of the demo store, and build/crimemap and crimemap (on PATH) are the
  binary under test;
- HOME holds Downloads/ (and downloads/) with the archives the examples name, made from the
  demo data the way data.police.uk lays them out: 2024-09.zip holds 2024-09/<files>,
  police-boundaries.zip holds <force>/<neighbourhood>.kml;
- absolute paths under /var/ are moved into the folder (the examples' deployment paths), where
  /var/lib/crimemap/crime.sqlite is a copy of the demo store too;
- `serve` gets `--listen 127.0.0.1:0` (the examples' port 8080 may be taken) and is stopped once
  it serves.
Lines that are not crimemap commands (tools/demo, systemctl) are left out. A ```sh replicas
block needs a PostgreSQL server: tests/server/replicas_test.py runs it. A command that
fails, or names a neighbourhood, force or scheme the store lacks, fails the test.

Usage: docs_examples_test.py CRIMEMAP_BINARY SOURCE_DIR
"""
import glob
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, finish  # noqa: E402


def demo_options(source):
    """tools/demo's `generate` options: (rows, months, seed)."""
    with open(os.path.join(source, "tools", "demo"), encoding="utf-8") as script:
        text = script.read()
    rows = re.search(r"rows=\$\{CRIMEMAP_DEMO_ROWS:-(\d+)\}", text)
    generate = re.search(r"crimemap generate .*--months (\d+) --seed (\d+)", text)
    if not rows or not generate:
        raise RuntimeError("tools/demo's generate command was not found")
    return rows.group(1), generate.group(1), generate.group(2)


def commands(path):
    """The crimemap commands of a Markdown file's ```sh blocks, continuation lines joined."""
    found, block, pending = [], False, ""
    with open(path, encoding="utf-8") as markdown:
        for number, line in enumerate(markdown, 1):
            if line.startswith("```"):
                block = line.strip() == "```sh" if not block else False
                continue
            if not block:
                continue
            line = pending + line.rstrip("\n")
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            pending = ""
            command = re.sub(r"\s+#.*$", "", line).strip()
            if re.match(r"(build/)?crimemap ", command):
                found.append((number, command))
    return found


def zip_folder(archive, folder, under):
    """Zips `folder`'s files as under/<relative path>, deflate-compressed as data.police.uk's archives are."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                full = os.path.join(root, name)
                out.write(full, os.path.join(under, os.path.relpath(full, folder)))


def run_file(binary, store, data, markdown, work):
    here = os.path.join(work, os.path.basename(markdown).replace(".", "-"))
    home = os.path.join(here, "home")
    for name in ["build", "bin", os.path.join("home", "Downloads")]:
        os.makedirs(os.path.join(here, name))
    os.symlink(binary, os.path.join(here, "build", "crimemap"))
    os.symlink(binary, os.path.join(here, "bin", "crimemap"))
    os.symlink("Downloads", os.path.join(home, "downloads"))
    shutil.copy(store, os.path.join(here, "crime.sqlite"))
    os.makedirs(os.path.join(here, "var", "lib", "crimemap"))
    shutil.copy(store, os.path.join(here, "var", "lib", "crimemap", "crime.sqlite"))
    months = sorted(os.path.basename(m) for m in glob.glob(os.path.join(data, "20??-??")))
    for month in months:
        zip_folder(os.path.join(home, "Downloads", month + ".zip"), os.path.join(data, month), month)
    zip_folder(os.path.join(home, "Downloads", "police-boundaries.zip"), os.path.join(data, "boundaries"), "")
    env = dict(os.environ, HOME=home, PATH=os.path.join(here, "bin") + os.pathsep + os.environ["PATH"])
    where = os.path.relpath(markdown, os.path.dirname(os.path.dirname(markdown)))
    for number, command in commands(markdown):
        line = command.replace(" /var/", " " + os.path.join(here, "var") + "/")
        for target in re.findall(r"\s(%s/\S+)" % re.escape(os.path.join(here, "var")), line):
            os.makedirs(os.path.dirname(target), exist_ok=True)
        label = "%s:%d: %s" % (where, number, command)
        if re.match(r"(build/)?crimemap serve ", line):
            server = subprocess.Popen(["bash", "-c", "exec " + line + " --listen 127.0.0.1:0"], cwd=here, env=env,
                                      stderr=subprocess.PIPE, text=True)
            log = ""
            for text in server.stderr:
                log += text
                if "serving http://" in text:
                    break
            server.terminate()
            server.wait(timeout=30)
            check("serving http://" in log, "%s did not start serving:\n%s" % (label, log))
            continue
        done = subprocess.run(["bash", "-c", line], cwd=here, env=env, capture_output=True, text=True, timeout=300)
        check(done.returncode == 0, "%s failed (%d):\n%s%s" % (label, done.returncode, done.stdout, done.stderr))
        if done.returncode == 0:
            print("ran", label)


def main():
    binary, source = os.path.abspath(sys.argv[1]), sys.argv[2]
    rows, months, seed = demo_options(source)
    work = tempfile.mkdtemp(prefix="crimemap-docs-")
    try:
        data, store = os.path.join(work, "demo-data"), os.path.join(work, "demo.sqlite")
        subprocess.run([binary, "generate", "--out", data, "--rows", rows, "--months", months, "--seed", seed],
                       check=True, capture_output=True)
        subprocess.run([binary, "import", "--db", store, data], check=True, capture_output=True)
        # What the account examples name must be in the demo store.
        db = sqlite3.connect(store)
        check(db.execute("SELECT count(*) FROM neighbourhoods WHERE force = 'downland' AND id = 'DW01'").fetchone()[0] == 1,
              "the demo store has no neighbourhood downland/DW01")
        db.close()
        files = [os.path.join(source, "README.md")] + sorted(glob.glob(os.path.join(source, "docs", "*.md")))
        total = 0
        for markdown in files:
            total += len(commands(markdown))
            run_file(binary, store, data, markdown, work)
        check(total >= 10, "only %d documented commands were found" % total)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
