#!/usr/bin/env python3
"""Helpers for tools/bench/api: the point sample, URL lists, warm-up and answer checks.

  api.py sample STORE COUNT SEED LISTS
      Picks COUNT crimes with a map location at random (random ids in 1..max(id),
      seeded, so the same store gives the same lists) and writes in LISTS:
        points.txt                "latitude longitude" per line, six decimals
        crimes-street.txt         /api/crimes-street/all-crime?lat=..&lng=..&date=LATEST
        locate-neighbourhood.txt  /api/locate-neighbourhood?q=lat,lng
        summary-point.txt         /api/summary?lat=..&lng=..
      where LATEST is the store's latest crime month. Prints
      "points=N date=YYYY-MM month=YYYYMM".

  api.py neighbourhoods BASE_URL OUT_FILE
      Asks the server for /api/forces and each force's /api/{force}/neighbourhoods
      and writes /api/summary/{force}/{neighbourhood} for each to OUT_FILE. Prints
      "forces=F neighbourhoods=N".

  api.py fetch BASE_URL LIST_FILE [SAVE_DIR SAVE_COUNT]
      Requests each distinct path of LIST_FILE once (keep-alive, no compression,
      as wrk sends them) and prints "ok=N statuses=CODE:COUNT,...
      mean_bytes=B share_503=S" over the list, repeats counted: B is the mean body
      size of the 2xx answers, S the share of 503 answers. With SAVE_DIR, the
      answers to the first SAVE_COUNT lines are kept there as LINE.STATUS.json.

  api.py check SAVE_DIR < "line<TAB>bytes<TAB>answer" lines
      Reads PostGIS's answers, one per line of the points list (an empty answer
      is NULL: more than 10,000 crimes), prints "answers=N too_many=M
      share_too_many=S mean_bytes=B compared=K same=E": B over the non-NULL
      answers, and E of the K answers kept by fetch that PostGIS answered alike
      (the same JSON value for a 200, NULL for a 503). The first difference goes
      to stderr.
"""

import collections
import http.client
import json
import os
import random
import sqlite3
import sys
import urllib.parse


def month_text(month):
    return f"{month // 100:04d}-{month % 100:02d}"


def sample(store, count, seed, lists_dir):
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    max_id = db.execute("SELECT max(id) FROM crimes").fetchone()[0] or 0
    latest = db.execute("SELECT max(month) FROM crimes").fetchone()[0]
    rng = random.Random(seed)
    points = []
    for _ in range(100 * count):  # a crime without a location, or a gap in the ids: draw again
        if len(points) == count or max_id == 0:
            break
        row = db.execute(
            "SELECT l.latitude, l.longitude FROM crimes c JOIN locations l ON l.id = c.location WHERE c.id = ?",
            (rng.randint(1, max_id),)).fetchone()
        if row:
            points.append((f"{row[0]:.6f}", f"{row[1]:.6f}"))
    if len(points) < count:
        sys.exit(f"api.py: found {len(points)} located crimes of the {count} wanted")
    date = month_text(latest)
    os.makedirs(lists_dir, exist_ok=True)
    lists = {
        "points.txt": "{0} {1}",
        "crimes-street.txt": "/api/crimes-street/all-crime?lat={0}&lng={1}&date=" + date,
        "locate-neighbourhood.txt": "/api/locate-neighbourhood?q={0},{1}",
        "summary-point.txt": "/api/summary?lat={0}&lng={1}",
    }
    for name, pattern in lists.items():
        with open(os.path.join(lists_dir, name), "w") as out:
            out.writelines(pattern.format(lat, lng) + "\n" for lat, lng in points)
    print(f"points={len(points)} date={date} month={latest}")


class Client:
    """One keep-alive connection, opened again when the server closed it."""

    def __init__(self, base_url):
        url = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def get(self, path):
        for attempt in (1, 2):
            try:
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise

    def close(self):
        self.connection.close()


def neighbourhoods(base_url, out_file):
    client = Client(base_url)

    def answer(path):
        status, body = client.get(path)
        if status != 200:
            sys.exit(f"api.py: {path} answered {status}")
        return json.loads(body)

    forces = answer("/api/forces")
    paths = []
    for force in forces:
        quoted = urllib.parse.quote(force["id"], safe="")
        for n in answer(f"/api/{quoted}/neighbourhoods"):
            paths.append(f"/api/summary/{quoted}/{urllib.parse.quote(n['id'], safe='')}")
    client.close()
    with open(out_file, "w") as out:
        out.writelines(p + "\n" for p in paths)
    print(f"forces={len(forces)} neighbourhoods={len(paths)}")


def fetch(base_url, list_file, save_dir=None, save_count=0):
    with open(list_file) as f:
        paths = [line.strip() for line in f if line.strip()]
    kept = collections.defaultdict(list)  # path -> its line numbers among the first save_count
    for line, path in enumerate(paths[:save_count] if save_dir else [], 1):
        kept[path].append(line)
    if kept:
        os.makedirs(save_dir, exist_ok=True)
    client = Client(base_url)
    answers = {}
    for path in dict.fromkeys(paths):  # distinct, in order
        status, body = client.get(path)
        answers[path] = (status, len(body))
        for line in kept.get(path, []):
            with open(os.path.join(save_dir, f"{line}.{status}.json"), "wb") as out:
                out.write(body)
    client.close()
    statuses = collections.Counter(answers[p][0] for p in paths)
    served = [answers[p][1] for p in paths if 200 <= answers[p][0] < 300]
    mean = sum(served) / len(served) if served else 0
    codes = ",".join(f"{code}:{count}" for code, count in sorted(statuses.items()))
    ok = sum(1 for status, _ in answers.values() if 200 <= status < 300)
    print(f"ok={ok} statuses={codes} mean_bytes={mean:.0f} share_503={statuses[503] / len(paths):.2f}")


def describe_difference(ours, theirs, where="answer"):
    if type(ours) is not type(theirs):
        return f"{where}: {json.dumps(ours)[:200]} vs {json.dumps(theirs)[:200]}"
    if isinstance(ours, list):
        if len(ours) != len(theirs):
            return f"{where}: {len(ours)} items vs {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            if a != b:
                return describe_difference(a, b, f"{where}[{i}]")
    if isinstance(ours, dict):
        if list(ours) != list(theirs):
            return f"{where}: keys {list(ours)} vs {list(theirs)}"
        for key in ours:
            if ours[key] != theirs[key]:
                return describe_difference(ours[key], theirs[key], f"{where}.{key}")
    return f"{where}: {json.dumps(ours)[:200]} vs {json.dumps(theirs)[:200]}"


def check(save_dir):
    postgis = {}
    for line in sys.stdin:
        fields = line.rstrip("\n").split("\t")
        if len(fields) == 3:
            postgis[int(fields[0])] = (int(fields[1]) if fields[1] else None, fields[2])
    sizes = [size for size, _ in postgis.values() if size is not None]
    too_many = len(postgis) - len(sizes)
    compared = same = 0
    reported = False
    names = os.listdir(save_dir) if os.path.isdir(save_dir) else []
    for name in sorted(names, key=lambda n: int(n.split(".")[0])):
        line, status, _ = name.split(".")
        if int(line) not in postgis:
            continue
        compared += 1
        with open(os.path.join(save_dir, name), "rb") as f:
            ours = f.read()
        theirs = postgis[int(line)][1]
        if status == "503":
            alike, why = theirs == "", "crimemap 503, PostGIS answered"
        elif status == "200" and theirs:
            alike = json.loads(ours) == json.loads(theirs)
            why = "" if alike else describe_difference(json.loads(ours), json.loads(theirs))
        else:
            alike, why = False, f"crimemap {status}, PostGIS {'NULL' if not theirs else 'answered'}"
        same += alike
        if not alike and not reported:
            print(f"api.py check: point {line} differs (crimemap vs PostGIS): {why}", file=sys.stderr)
            reported = True
    mean = sum(sizes) / len(sizes) if sizes else 0
    share = too_many / len(postgis) if postgis else 0
    print(f"answers={len(postgis)} too_many={too_many} share_too_many={share:.2f} mean_bytes={mean:.0f} "
          f"compared={compared} same={same}")


def main(argv):
    command, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if command == "sample" and len(args) == 4:
        sample(args[0], int(args[1]), int(args[2]), args[3])
    elif command == "neighbourhoods" and len(args) == 2:
        neighbourhoods(*args)
    elif command == "fetch" and len(args) in (2, 4):
        fetch(args[0], args[1], *(args[2:3] + [int(a) for a in args[3:]]))
    elif command == "check" and len(args) == 1:
        check(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
