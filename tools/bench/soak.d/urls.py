#!/usr/bin/env python3
"""Writes the soak's mixed list of requests, one per line (tools/bench/urls.lua's format):
tiles at every zoom around random crimes, the API's queries, the web app's files, and Watch
messages (about one request in a hundred).

Usage: urls.py STORE BASE_URL OUT_FILE [COUNT]
"""
import json
import math
import random
import sqlite3
import sys
import urllib.request


def tile(lat, lng, z):
    n = 2 ** z
    x = int((lng + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def main(store, base, out, count=20000):
    rng = random.Random(17)
    db = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
    top = db.execute("SELECT max(id) FROM crimes").fetchone()[0]
    points = []
    while len(points) < 500:
        row = db.execute("SELECT l.latitude, l.longitude FROM crimes c JOIN locations l ON l.id = c.location "
                         "WHERE c.id = ?", (rng.randint(1, top),)).fetchone()
        if row:
            points.append(row)
    hoods = db.execute("SELECT force, id, name FROM neighbourhoods").fetchall()
    schemes = [r[0] for r in db.execute("SELECT id FROM watch_schemes WHERE visibility = 'public' LIMIT 20")]
    months = [r[0] for r in db.execute("SELECT DISTINCT month FROM import_files WHERE kind = 'street' ORDER BY month")]
    month = "%04d-%02d" % (months[-1] // 100, months[-1] % 100)
    first = "%04d-%02d" % (months[0] // 100, months[0] % 100)
    tokens = {}
    for s in schemes:
        with urllib.request.urlopen("%s/api/watch/schemes/%s" % (base, s)) as answer:
            tokens[s] = json.load(answer)["csrf_token"]
    statics = ["/", "/static/app.js", "/static/style.css", "/vendor/maplibre-gl/maplibre-gl.js", "/tiles/crimes.json",
               "/tiles/neighbourhoods.json", "/config.json"]
    lines = []
    for i in range(count):
        lat, lng = rng.choice(points)
        kind = rng.random()
        if kind < 0.55:
            z = rng.choice([6, 8, 10, 11, 12, 13, 14, 15, 16])
            layer = rng.choice(["crimes", "crimes", "crimes", "neighbourhoods", "watch"])
            x, y = tile(lat, lng, z)
            query = "?from=%s&to=%s&category=burglary,violent-crime" % (first, month) if rng.random() < 0.2 else ""
            lines.append("/tiles/%s/%d/%d/%d.mvt%s" % (layer, z, x, y, query if layer == "crimes" else ""))
        elif kind < 0.85:
            f, n, name = rng.choice(hoods)
            lines.append(rng.choice([
                "/api/crimes-street/burglary?lat=%.6f&lng=%.6f&date=%s" % (lat, lng, month),
                "/api/crimes-at-location?lat=%.6f&lng=%.6f&date=%s" % (lat, lng, month),
                "/api/locate-neighbourhood?q=%.6f,%.6f" % (lat, lng),
                "/api/summary/%s/%s" % (f, n),
                "/api/summary?lat=%.6f&lng=%.6f" % (lat, lng),
                "/api/search?q=%s" % urllib.request.quote(name[:5]),
                "/api/%s/%s" % (f, n),
                "/api/%s/neighbourhoods" % f,
                "/api/watch/schemes?lat=%.6f&lng=%.6f" % (lat, lng),
                "/list?bbox=%.4f,%.4f,%.4f,%.4f" % (lng - 0.005, lat - 0.005, lng + 0.005, lat + 0.005),
            ]))
        elif kind < 0.99:
            lines.append(rng.choice(statics))
        else:
            s = rng.choice(schemes)
            body = json.dumps({"kind": "message", "name": "Soak Test", "email": "soak@example.net",
                               "text": "a message from the soak test %d" % i})
            lines.append("POST\t/api/watch/schemes/%s/messages\t%s\t%s\t%s" % (s, base, tokens[s], body))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], *(int(a) for a in sys.argv[4:]))
