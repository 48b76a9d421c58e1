#!/usr/bin/env python3
"""Writes a vector MBTiles archive of SIDE x SIDE zoom 14 tiles of BYTES bytes each (gzip of
random bytes, so as big as stored) and PATHS, one tile path per line, shuffled (seed 1).

    archive.py ARCHIVE PATHS BYTES [SIDE]
"""
import gzip
import json
import os
import random
import sqlite3
import sys

archive, paths_file, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
side = int(sys.argv[4]) if len(sys.argv) > 4 else 174
if os.path.exists(archive):
    os.remove(archive)
db = sqlite3.connect(archive)
db.executescript("""
CREATE TABLE metadata (name TEXT, value TEXT);
CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
""")
db.executemany("INSERT INTO metadata VALUES (?, ?)", [
    ("name", "tools/bench/basemap"), ("format", "pbf"), ("minzoom", "0"), ("maxzoom", "14"),
    ("json", json.dumps({"vector_layers": [{"id": "transportation", "fields": {}}]}))])
rng = random.Random(1)
paths = []
x0, y0 = 8000, 5300  # over England
for x in range(x0, x0 + side):
    for y in range(y0, y0 + side):
        body = gzip.compress(rng.randbytes(size - 20), 1)
        db.execute("INSERT INTO tiles VALUES (14, ?, ?, ?)", (x, (1 << 14) - 1 - y, body))
        paths.append(f"/tiles/basemap/14/{x}/{y}.mvt")
db.commit()
rng.shuffle(paths)
with open(paths_file, "w") as out:
    out.write("\n".join(paths[:5000]) + "\n")
