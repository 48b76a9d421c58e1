#!/usr/bin/env python3
"""Spread generated street files' crimes over about POINTS distinct map points.

    densify.py DATA_FOLDER POINTS

`crimemap generate` puts its crimes on a few tens of thousands of map points, where
data.police.uk has about 750,000 nationally (about 570,000 for two million rows). This
rewrites the Longitude and Latitude of every *-street.csv row under DATA_FOLDER in place
so that the rows fall on about POINTS points, each new point a copy of a generated one
moved by up to about 150 m and kept in the same neighbourhood boundary (the generated
KML files under DATA_FOLDER/boundaries): a generated point of c rows becomes about
c * POINTS / rows points, its rows dealt to them in turn (file order, then row order).
Street names, LSOAs and every other column stay as generated; so do outcomes and stop
and search files. Deterministic: the same input and POINTS give the same files.
"""
import csv
import hashlib
import pathlib
import re
import sys

MAX_OFFSET = 1500  # micro-degrees: about 100 m of longitude, 170 m of latitude in England


def read_boundaries(folder):
    """[(min_x, min_y, max_x, max_y, [(x, y), ...]), ...] in micro-degrees, sorted by path."""
    polygons = []
    for path in sorted(folder.glob('boundaries/**/*.kml')):
        text = path.read_text()
        for ring in re.findall(r'<outerBoundaryIs>.*?<coordinates>(.*?)</coordinates>', text, re.S):
            points = []
            for pair in ring.split():
                x, y = pair.split(',')[:2]
                points.append((round(float(x) * 1e6), round(float(y) * 1e6)))
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            polygons.append((min(xs), min(ys), max(xs), max(ys), points))
    return polygons


def inside(ring, x, y):
    crossings = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:]):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            crossings = not crossings
    return crossings


def polygon_of(polygons, x, y):
    for i, (x0, y0, x1, y1, ring) in enumerate(polygons):
        if x0 <= x <= x1 and y0 <= y <= y1 and inside(ring, x, y):
            return i
    return None


def micro(text):
    return round(float(text) * 1e6)


def main():
    folder = pathlib.Path(sys.argv[1])
    wanted = int(sys.argv[2])
    files = sorted(folder.glob('**/*-street.csv'))
    polygons = read_boundaries(folder)

    counts = {}
    for path in files:
        with path.open(newline='') as f:
            for row in csv.DictReader(f):
                if row['Longitude']:
                    key = (row['Longitude'], row['Latitude'], row['Location'])
                    counts[key] = counts.get(key, 0) + 1
    total = sum(counts.values())

    # Each point's share of `wanted`, by cumulative rounding so that the shares add up.
    shares, before = {}, 0
    for key in sorted(counts):
        after = before + counts[key]
        shares[key] = max(1, after * wanted // total - before * wanted // total)
        before = after

    used = set((micro(k[0]), micro(k[1])) for k in counts)
    variants = {}  # key -> [(lon text, lat text), ...]; the first is the generated point

    def variant(key, k):
        points = variants.setdefault(key, [(key[0], key[1])])
        while len(points) <= k:
            x, y = micro(key[0]), micro(key[1])
            home = polygon_of(polygons, x, y)
            for attempt in range(64):
                digest = hashlib.blake2b(f'{key}|{len(points)}|{attempt}'.encode(), digest_size=8).digest()
                dx = int.from_bytes(digest[:4], 'little') % (2 * MAX_OFFSET + 1) - MAX_OFFSET
                dy = int.from_bytes(digest[4:], 'little') % (2 * MAX_OFFSET + 1) - MAX_OFFSET
                p = (x + dx, y + dy)
                if p not in used and polygon_of(polygons, *p) == home:
                    break
            else:
                p = (x, y)  # no room near it: the row stays on the generated point
            used.add(p)
            points.append((f'{p[0] / 1e6:.6f}', f'{p[1] / 1e6:.6f}'))
        return points[k]

    dealt = {}
    for path in files:
        with path.open(newline='') as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
        lon, lat, street = header.index('Longitude'), header.index('Latitude'), header.index('Location')
        for row in rows:
            if not row[lon]:
                continue
            key = (row[lon], row[lat], row[street])
            turn = dealt.get(key, 0)
            dealt[key] = turn + 1
            row[lon], row[lat] = variant(key, turn % shares[key])
        with path.open('w', newline='') as f:
            writer = csv.writer(f, lineterminator='\n')
            writer.writerow(header)
            writer.writerows(rows)

    distinct = len(set((p, k[2]) for k, points in variants.items() for p in points))
    print(f'densify: {total} located rows of {len(files)} street files on {distinct} distinct map points '
          f'(generated: {len(counts)})')


if __name__ == '__main__':
    main()
