#!/usr/bin/env python3
"""Helpers for tools/bench/tiles: tile lists and tile files.

  tiles.py list ZOOMS PER_ZOOM QUERY LISTS < lon-lat lines
      Turns random crime locations (one "longitude latitude" line each, WGS84
      degrees) into PER_ZOOM tiles for each zoom in ZOOMS (comma separated), with
      the Web Mercator slippy-map formula. Writes in LISTS, for each zoom Z:
        tiles-zZ.txt             "z x y" per line, the list itself
        crimemap-zZ.txt          /tiles/crimes/z/x/y.mvt
        crimemap-zZ-filtered.txt the same paths with ?QUERY

  tiles.py fetch BASE_URL LIST_FILE OUT_DIR
      Requests each distinct path of LIST_FILE once from BASE_URL (keep-alive,
      Accept-Encoding: gzip like wrk), stores each 2xx body in OUT_DIR as
      z/x/y.mvt, or z/x/y.mvt.gz when the server sent it gzip-encoded, and prints
      "ok=N statuses=CODE:COUNT,... mean_bytes=B" where B is the mean body size
      over the list as written (repeats counted), as sent on the wire.

  tiles.py write-hex OUT_DIR TILES_FILE < "z/x/y hex" lines
      Stores tiles rendered by PostGIS (hex bytea) gzip-compressed in OUT_DIR as
      z/x/y.mvt.gz and prints "ok=N mean_bytes=B mean_gzip_bytes=G" over the
      list TILES_FILE ("z x y" lines, repeats counted).
"""

import collections
import gzip
import http.client
import math
import os
import sys
import urllib.parse


def tile_of(lon, lat, zoom):
    """The slippy-map tile holding a WGS84 point, clamped to the Web Mercator square."""
    n = 1 << zoom
    lat = max(min(lat, 85.05112878), -85.05112878)
    x = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return zoom, min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def write_lists(zooms, per_zoom, query, lists_dir):
    points = [tuple(map(float, line.split())) for line in sys.stdin if line.strip()]
    if len(points) < per_zoom * len(zooms):
        sys.exit(f"tiles.py: {len(points)} locations, {per_zoom * len(zooms)} needed")
    os.makedirs(lists_dir, exist_ok=True)
    for i, zoom in enumerate(zooms):
        tiles = [tile_of(lon, lat, zoom) for lon, lat in points[i * per_zoom:(i + 1) * per_zoom]]
        paths = [f"/tiles/crimes/{z}/{x}/{y}.mvt" for z, x, y in tiles]
        with open(os.path.join(lists_dir, f"tiles-z{zoom}.txt"), "w") as out:
            out.writelines(f"{z} {x} {y}\n" for z, x, y in tiles)
        with open(os.path.join(lists_dir, f"crimemap-z{zoom}.txt"), "w") as out:
            out.writelines(p + "\n" for p in paths)
        with open(os.path.join(lists_dir, f"crimemap-z{zoom}-filtered.txt"), "w") as out:
            out.writelines(f"{p}?{query}\n" for p in paths)


def tile_name(path):
    """'/tiles/crimes/10/511/340.mvt?from=...' -> '10/511/340'"""
    parts = urllib.parse.urlsplit(path).path.split("/")
    return "/".join(parts[-3:-1] + [parts[-1].removesuffix(".mvt")])


def fetch(base_url, list_file, out_dir):
    with open(list_file) as f:
        paths = [line.strip() for line in f if line.strip()]
    url = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    sizes, statuses = {}, collections.Counter()
    for path in dict.fromkeys(paths):  # distinct, in order
        for attempt in (1, 2):  # once more on a fresh connection if the server closed it
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                body = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                if attempt == 2:
                    raise
        statuses[response.status] += 1
        if not 200 <= response.status < 300:
            continue
        sizes[path] = len(body)
        name = os.path.join(out_dir, tile_name(path) + ".mvt")
        if response.getheader("Content-Encoding", "").lower() == "gzip":
            name += ".gz"
        os.makedirs(os.path.dirname(name), exist_ok=True)
        with open(name, "wb") as out:
            out.write(body)
    connection.close()
    served = [sizes[p] for p in paths if p in sizes]
    mean = sum(served) / len(served) if served else 0
    codes = ",".join(f"{code}:{count}" for code, count in sorted(statuses.items()))
    print(f"ok={len(sizes)} statuses={codes} mean_bytes={mean:.0f}")


def write_hex(out_dir, tiles_file):
    raw, packed = {}, {}
    for line in sys.stdin:
        fields = line.split()
        if not fields:
            continue
        name, tile = fields[0], bytes.fromhex(fields[1] if len(fields) > 1 else "")
        body = gzip.compress(tile, compresslevel=6, mtime=0)
        raw[name], packed[name] = len(tile), len(body)
        path = os.path.join(out_dir, name + ".mvt.gz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(body)
    with open(tiles_file) as f:
        names = ["/".join(line.split()) for line in f if line.strip()]
    missing = [n for n in names if n not in raw]
    if missing:
        sys.exit(f"tiles.py: no PostGIS tile for {missing[0]} (and {len(missing) - 1} more)")
    mean_raw = sum(raw[n] for n in names) / len(names)
    mean_packed = sum(packed[n] for n in names) / len(names)
    print(f"ok={len(raw)} mean_bytes={mean_raw:.0f} mean_gzip_bytes={mean_packed:.0f}")


def main(argv):
    command, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if command == "list" and len(args) == 4:
        write_lists([int(z) for z in args[0].split(",")], int(args[1]), args[2], args[3])
    elif command == "fetch" and len(args) == 3:
        fetch(*args)
    elif command == "write-hex" and len(args) == 2:
        write_hex(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
