#!/usr/bin/env python3
"""An operator's own basemap style, served from here: `crimemap serve --basemap FILE.mbtiles
--basemap-style STYLE.json --basemap-assets DIR` on loopback, with a small style, archive and
assets folder this test writes. The rewritten style's vector source, glyphs and sprite name our
origin; the sprite files and an assets glyph range are served as stored, other ranges from the
installed fonts; the page's Content-Security-Policy stays 'self'. A bad style file,
--basemap-style FILE without --basemap and --basemap-assets without a style file stop the start
with a message naming what is wrong (exit 1 for a file, 2 for flags that do not go together); a --basemap-style URL is still passed to the page as it is.

Usage: basemap_style_test.py CRIMEMAP_BINARY
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, start_server  # noqa: E402

STYLE = {
    "version": 8,
    "name": "Operator's roads",
    "sources": {
        "roads": {"type": "vector", "url": "https://tiles.example.org/roads.json"},
        "more": {"type": "vector", "tiles": ["https://tiles.example.org/{z}/{x}/{y}.pbf"], "maxzoom": 12},
        "pins": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}},
    },
    "sprite": "https://tiles.example.org/sprites/roads",
    "glyphs": "https://tiles.example.org/fonts/{fontstack}/{range}.pbf",
    "layers": [
        {"id": "background", "type": "background", "paint": {"background-color": "#f4f4f0"}},
        {"id": "roads", "type": "line", "source": "roads", "source-layer": "roads"},
        {"id": "names", "type": "symbol", "source": "roads", "source-layer": "names",
         "layout": {"text-field": "{name}", "text-font": ["Custom Sans Regular"], "icon-image": "dot"}},
    ],
}


def write_archive(path):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    for row in [("name", "roads"), ("format", "pbf"), ("minzoom", "0"), ("maxzoom", "14"),
                ("json", json.dumps({"vector_layers": [{"id": "roads", "fields": {}}, {"id": "names", "fields": {}}]}))]:
        db.execute("INSERT INTO metadata VALUES (?, ?)", row)
    db.execute("INSERT INTO tiles VALUES (0, 0, 0, ?)", (b"\x1a\x00",))
    db.commit()
    db.close()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def refused(binary, store, *options):
    """Runs serve with options that must stop it at start: (exit status, what it wrote)."""
    run = subprocess.run([binary, "serve", "--db", store, "--listen", "127.0.0.1:0"] + list(options),
                         capture_output=True, text=True, timeout=120)
    return run.returncode, run.stderr


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 31)
        archive = os.path.join(work, "roads.mbtiles")
        write_archive(archive)
        style = os.path.join(work, "style.json")
        write(style, json.dumps(STYLE))
        assets = os.path.join(work, "assets")
        sprites = {
            "sprite.json": json.dumps({"dot": {"x": 0, "y": 0, "width": 8, "height": 8, "pixelRatio": 1}}).encode(),
            "sprite.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            "sprite@2x.json": json.dumps({"dot": {"x": 0, "y": 0, "width": 16, "height": 16, "pixelRatio": 2}}).encode(),
            "sprite@2x.png": b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 8,
        }
        for name, data in sprites.items():
            write(os.path.join(assets, name), data)
        stored_range = b"\n\x1d\n\x13Custom Sans Regular\x12\x050-255" + bytes(40)
        write(os.path.join(assets, "fonts", "Custom Sans Regular", "0-255.pbf"), stored_range)
        write(os.path.join(assets, "fonts", "Custom Sans Regular", "not-a-range.pbf"), b"x")
        write(os.path.join(assets, "fonts", "Custom Sans Regular", "notes.txt"), b"x")

        server, port, lines = start_server(binary, store, "--basemap", archive, "--basemap-style", style,
                                           "--basemap-assets", assets)
        try:
            origin = "http://127.0.0.1:%d" % port
            status, config, _, _ = call(port, "GET", "/config.json")
            check(status == 200 and config == {"basemap_style": "/basemap/style.json",
                                               "basemap_tiles": "/tiles/basemap.json"},
                  "/config.json names our own style: %s" % config)

            status, got, _, headers = call(port, "GET", "/basemap/style.json")
            check(status == 200 and headers.get("content-type") == "application/json", "the style: %s" % status)
            got = got or {}
            ours = {"type": "vector", "url": origin + "/tiles/basemap.json"}
            check(got.get("sources", {}).get("roads") == ours, "a vector source's url is ours: %s" % got.get("sources"))
            check(got.get("sources", {}).get("more") == ours, "a vector source's tiles are replaced by our url")
            check(got.get("sources", {}).get("pins") == STYLE["sources"]["pins"], "a geojson source is kept as it is")
            check(got.get("glyphs") == origin + "/fonts/{fontstack}/{range}.pbf", "glyphs: %s" % got.get("glyphs"))
            check(got.get("sprite") == origin + "/basemap/sprite", "sprite: %s" % got.get("sprite"))
            check(got.get("layers") == STYLE["layers"] and got.get("name") == STYLE["name"], "the layers are kept")
            status, tilejson, _, _ = call(port, "GET", "/tiles/basemap.json")
            check(status == 200 and tilejson["tiles"] == [origin + "/tiles/basemap/{z}/{x}/{y}.mvt"],
                  "the source's TileJSON is served")

            for name, data in sprites.items():
                status, _, raw, headers = call(port, "GET", "/basemap/" + name)
                check(status == 200 and raw == data, "/basemap/%s is served byte for byte (%s)" % (name, status))
                want_type = "image/png" if name.endswith(".png") else "application/json"
                check(headers.get("content-type") == want_type, "%s's type: %s" % (name, headers.get("content-type")))
                etag = headers.get("etag")
                status, _, _, _ = call(port, "GET", "/basemap/" + name, headers={"If-None-Match": etag or ""})
                check(status == 304, "%s revalidates with 304: %s" % (name, status))
            for path in ["/basemap/sprite@3x.png", "/basemap/sprite", "/basemap/sprite.json/../style.json",
                         "/basemap/sprite%2ejson", "/basemap/fonts/Custom%20Sans%20Regular/0-255.pbf"]:
                status, _, _, _ = call(port, "GET", path)
                check(status in (400, 404), "%s is not served: %s" % (path, status))

            status, _, raw, headers = call(port, "GET", "/fonts/Custom%20Sans%20Regular/0-255.pbf")
            check(status == 200 and raw == stored_range, "the assets' glyph range is served as stored: %s" % status)
            check(headers.get("content-type") == "application/x-protobuf", "its type")
            status, _, raw, _ = call(port, "GET", "/fonts/Custom%20Sans%20Regular,Arial%20Unicode%20MS%20Regular/0-255.pbf")
            check(status == 200 and raw == stored_range, "a stack beginning with the assets' font gets its range")
            status, _, raw, _ = call(port, "GET", "/fonts/Custom%20Sans%20Regular/256-511.pbf")
            check(status == 200 and len(raw) > 1000 and raw != stored_range,
                  "a range the assets lack is drawn from the installed fonts (%d bytes)" % len(raw))
            status, _, raw, _ = call(port, "GET", "/fonts/Noto%20Sans%20Regular/0-255.pbf")
            check(status == 200 and len(raw) > 1000 and raw != stored_range, "another stack from the installed fonts")

            status, _, _, headers = call(port, "GET", "/")
            csp = headers.get("content-security-policy", "")
            check("'self'" in csp and "https:" not in csp and "example.org" not in csp,
                  "the Content-Security-Policy stays 'self': %s" % csp)
        finally:
            server.terminate()
            server.wait()

        # Without assets, the style keeps no sprite of another origin (the page may not ask it).
        server, port, lines = start_server(binary, store, "--basemap", archive, "--basemap-style", style)
        try:
            status, got, _, _ = call(port, "GET", "/basemap/style.json")
            check(status == 200 and "sprite" not in got and got["glyphs"].startswith("http://127.0.0.1:%d/" % port),
                  "without --basemap-assets: no sprite, our glyphs: %s" % (got or {}).get("sprite"))
            status, _, _, _ = call(port, "GET", "/basemap/sprite.json")
            check(status == 404, "no sprite served without assets: %s" % status)
        finally:
            server.terminate()
            server.wait()

        # A style hosted elsewhere is passed to the page as before, its origin allowed.
        server, port, lines = start_server(binary, store, "--basemap-style", "https://tiles.example.org/style.json")
        try:
            status, config, _, _ = call(port, "GET", "/config.json")
            check(config == {"basemap_style": "https://tiles.example.org/style.json", "basemap_tiles": None},
                  "a style URL is named in /config.json: %s" % config)
            status, _, _, _ = call(port, "GET", "/basemap/style.json")
            check(status == 404, "no /basemap/style.json for a style URL: %s" % status)
            status, _, _, headers = call(port, "GET", "/")
            check("https://tiles.example.org" in headers.get("content-security-policy", ""), "its origin is allowed")
        finally:
            server.terminate()
            server.wait()

        bad = {
            "not-json.json": ("{\"version\": 8,", "not JSON: "),
            "array.json": ("[1, 2]", "not a MapLibre style: a JSON object is wanted"),
            "v7.json": (json.dumps({"version": 7, "sources": {}, "layers": []}), "'version' is 7, want 8"),
            "no-version.json": (json.dumps({"sources": {}, "layers": []}), "it has no 'version' (want 8)"),
            "no-sources.json": (json.dumps({"version": 8, "layers": []}), "it has no 'sources' object"),
            "no-layers.json": (json.dumps({"version": 8, "sources": {}, "layers": {}}), "it has no 'layers' array"),
            "bad-source.json": (json.dumps({"version": 8, "sources": {"a": {"url": "x"}}, "layers": []}),
                                "source 'a' is not an object with a 'type'"),
        }
        for name, (text, why) in bad.items():
            path = os.path.join(work, name)
            write(path, text)
            status, err = refused(binary, store, "--basemap", archive, "--basemap-style", path)
            check(status == 1 and ("crimemap serve: %s: " % path) in err and why in err,
                  "%s is refused at start: %s %r" % (name, status, err))
        missing = os.path.join(work, "missing.json")
        status, err = refused(binary, store, "--basemap", archive, "--basemap-style", missing)
        check(status == 1 and "crimemap serve: %s: no such file" % missing in err, "a missing style file: %r" % err)
        status, err = refused(binary, store, "--basemap-style", style)
        check(status == 2 and "--basemap-style %s is a style file" % style in err and "give --basemap too" in err,
              "a style file without --basemap is refused: %r" % err)
        status, err = refused(binary, store, "--basemap", archive, "--basemap-assets", assets)
        check(status == 2 and "--basemap-assets goes with --basemap-style FILE" in err, "assets without a style: %r" % err)
        status, err = refused(binary, store, "--basemap", archive, "--basemap-style", style,
                              "--basemap-assets", os.path.join(work, "nowhere"))
        check(status == 1 and "nowhere: not a folder (--basemap-assets)" in err, "a missing assets folder: %r" % err)
        status, err = refused(binary, store, "--basemap", archive, "--basemap-style", "https://tiles.example.org/s.json")
        check(status == 2 and "not both" in err, "--basemap with a style URL is still refused: %r" % err)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
