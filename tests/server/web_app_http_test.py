#!/usr/bin/env python3
"""What the web app asks of the server, against the real server on loopback: a location's
crimes over a month range in one request (/api/location-crimes, the same crimes as
crimes-at-location month by month, 400s naming from or to), the neighbourhood at a point with
its name in one request (/api/neighbourhood-at), the team editor's fields as the PUTs check them
(/api/team-fields), /auth/session's null when signed out, and the
pages' files: HTML gzipped when accepted and naming versioned URLs, which answer with
`public, max-age=31536000, immutable`, gzipped, and a modulepreload link for every module the
page's script imports; the list view gzipped and naming the versioned style sheet; a meta
description on every page.

Usage: web_app_http_test.py CRIMEMAP_BINARY
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, sql, sql_value, start_server  # noqa: E402

WEB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "web")
IMMUTABLE = "public, max-age=31536000, immutable"


def get(port, path, gzip_ok=False):
    return call(port, "GET", path, headers={"Accept-Encoding": "gzip"} if gzip_ok else None, origin=False)


def body_text(raw, headers):
    return (gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw).decode()


def message(parsed):
    return (parsed or {}).get("message", "")


def check_location_crimes(port, store):
    months = [m for m, in sql(store, "SELECT DISTINCT month FROM import_files WHERE kind = 'street' ORDER BY month")]
    first, last = "%04d-%02d" % divmod(months[0], 100), "%04d-%02d" % divmod(months[-1], 100)
    busiest = sql_value(store, "SELECT location FROM crimes WHERE location IS NOT NULL GROUP BY location "
                               "ORDER BY count(*) DESC, location LIMIT 1")
    one_by_one = []
    for month in (first, last):
        status, crimes, _, _ = get(port, "/api/crimes-at-location?location_id=%d&date=%s" % (busiest, month))
        check(status == 200, "crimes-at-location %s: %s" % (month, status))
        one_by_one += crimes or []
    status, ranged, _, headers = get(port, "/api/location-crimes?location_id=%d&from=%s&to=%s" % (busiest, first, last))
    check(status == 200 and isinstance(ranged, list), "location-crimes over the range: %s" % status)
    ranged = ranged or []
    key = lambda c: (c["month"], c["id"])  # noqa: E731
    check(sorted(map(key, ranged)) == sorted(map(key, one_by_one)) and len(ranged) > 0,
          "location-crimes over %s..%s is crimes-at-location month by month (%d against %d)"
          % (first, last, len(ranged), len(one_by_one)))
    check({c["month"] for c in ranged} == {first, last}, "both months are in the range's answer")
    check(ranged == [c for c in one_by_one if True] or sorted(ranged, key=lambda c: c["id"]) == ranged,
          "the range's crimes are ordered by id")
    check(headers.get("cache-control", "").startswith("public"), "location-crimes is cacheable like the API")
    # One month each way, and the default: the latest month, as crimes-at-location without date.
    status, only_first, _, _ = get(port, "/api/location-crimes?location_id=%d&from=%s&to=%s" % (busiest, first, first))
    check(sorted(map(key, only_first or [])) == sorted(key(c) for c in one_by_one if c["month"] == first),
          "a range of one month is that month's crimes")
    _, latest, _, _ = get(port, "/api/location-crimes?location_id=%d" % busiest)
    _, plain, _, _ = get(port, "/api/crimes-at-location?location_id=%d" % busiest)
    check(latest == plain, "without from and to: the latest month, as crimes-at-location's default")
    # Bad input: a 400 naming the parameter.
    for query, name in (("from=2024-13", "from:"), ("to=soon", "to:"), ("from=%s&to=1999-01" % last, "to:")):
        status, parsed, _, _ = get(port, "/api/location-crimes?location_id=%d&%s" % (busiest, query))
        check(status == 400 and message(parsed).startswith(name), "%s: 400 naming %s (%s %r)" % (query, name, status, message(parsed)))
    status, parsed, _, _ = get(port, "/api/location-crimes?location_id=x")
    check(status == 400 and message(parsed).startswith("location_id:"), "a bad location_id: 400 naming it")
    status, _, _, _ = get(port, "/api/location-crimes?location_id=999999999")
    check(status == 404, "an unknown location: 404 (%s)" % status)


def check_neighbourhood_at(port, store):
    for force, hood in sql(store, "SELECT force, id FROM neighbourhoods ORDER BY force, id LIMIT 3"):
        _, boundary, _, _ = get(port, "/api/%s/%s/boundary" % (force, hood))
        # A point inside: the crime location nearest the boundary's average that locate-neighbourhood puts there.
        _, summary, _, _ = get(port, "/api/summary/%s/%s" % (force, hood))
        places = (summary or {}).get("busiest_locations") or []
        if not places:
            continue
        lat, lng = places[0]["latitude"], places[0]["longitude"]
        _, located, _, _ = get(port, "/api/locate-neighbourhood?q=%s,%s" % (lat, lng))
        _, details, _, _ = get(port, "/api/%s/%s" % (located["force"], located["neighbourhood"]))
        status, found, _, headers = get(port, "/api/neighbourhood-at?lat=%s&lng=%s" % (lat, lng))
        check(status == 200 and found == {"force": located["force"], "neighbourhood": located["neighbourhood"],
                                          "name": details["name"]},
              "neighbourhood-at is locate-neighbourhood with /api/{force}/{id}'s name: %r" % (found,))
        check(boundary is not None and headers.get("cache-control", "").startswith("public"), "neighbourhood-at is cacheable")
    status, found, _, _ = get(port, "/api/neighbourhood-at?lat=0&lng=0")
    check(status == 200 and found == {"force": None, "neighbourhood": None, "name": None},
          "outside every boundary: 200 with nulls, not an error (%s %r)" % (status, found))
    for query, name in (("lat=x&lng=0", "lat:"), ("lat=0", "lng:"), ("lat=91&lng=0", "lat:")):
        status, parsed, _, _ = get(port, "/api/neighbourhood-at?" + query)
        check(status == 400 and message(parsed).startswith(name), "%s: 400 naming %s (%r)" % (query, name, message(parsed)))


def check_team_fields(binary, store, port):
    """/api/team-fields is what the PUTs check: every field it lists is taken, any other refused,
    the required ones required, the lengths it gives enforced."""
    (force, hood), = sql(store, "SELECT force, id FROM neighbourhoods ORDER BY force, id LIMIT 1")
    subprocess.run([binary, "user", "add", "--db", store, "--email", "team@example.org", "--password-stdin", "--role", "team",
                    "--force", force, "--neighbourhood", hood], input="a long enough password 1", text=True, check=True,
                   capture_output=True)
    status, fields, _, headers = get(port, "/api/team-fields")
    check(status == 200 and headers.get("cache-control", "").startswith("public"), "team-fields is public (%s)" % status)
    fields = fields or {}
    check([f["key"] for f in fields.get("people", [])] == ["name", "rank", "bio", "contact_details"],
          "people's fields in form order: %r" % fields.get("people"))
    check(len(fields.get("contact_details", [])) == 16 and {"key": "telephone", "max_length": 400} in fields["contact_details"],
          "the contact detail keys data.police.uk knows: %r" % fields.get("contact_details"))
    status, me, _, got = call(port, "POST", "/auth/login", body={"email": "team@example.org", "password": "a long enough password 1"})
    cookie, csrf = (got.get("set-cookie") or "").split(";")[0], (me or {}).get("csrf_token")
    check(status == 200, "the team signs in (%s)" % status)
    put = lambda part, value: call(port, "PUT", "/api/%s/%s/%s" % (force, hood, part), body=value, cookie=cookie, csrf=csrf)  # noqa: E731
    samples = {"one-line": "Text", "many-lines": "Line one\nline two", "date": "2024-09-01T10:00:00",
               "contact-details": {"telephone": "101"}}
    for part in ("people", "priorities", "events"):
        item = {f["key"]: samples[f["kind"]] for f in fields.get(part, [])}
        status, _, raw, _ = put(part, [item])
        check(status == 200, "%s: an item with every listed field is taken (%s %s)" % (part, status, raw[:200]))
        status, parsed, _, _ = put(part, [dict(item, unlisted="x")])
        check(status == 400 and "%s[0].unlisted" % part in (parsed or {}).get("fields", {}), "%s: a field not listed is refused" % part)
        for f in fields.get(part, []):
            if f["required"]:
                status, parsed, _, _ = put(part, [{k: v for k, v in item.items() if k != f["key"]}])
                check(status == 400 and (parsed or {}).get("fields", {}).get("%s[0].%s" % (part, f["key"])) == "is required",
                      "%s.%s is required, as listed" % (part, f["key"]))
            if f["max_length"]:
                status, parsed, _, _ = put(part, [dict(item, **{f["key"]: "x" * (f["max_length"] + 1)})])
                check(status == 400 and "at most %d" % f["max_length"] in (parsed or {}).get("fields", {}).get("%s[0].%s" % (part, f["key"]), ""),
                      "%s.%s: at most %d characters, as listed" % (part, f["key"], f["max_length"]))


def check_static_files(port):
    pages = ["/"] + ["/" + name[:-5] for name in sorted(os.listdir(WEB))
                     if name.endswith(".html") and not name.startswith("_") and name != "index.html"]
    version = None
    for page in pages:
        status, _, raw, headers = get(port, page, gzip_ok=True)
        check(status == 200 and headers.get("content-encoding") == "gzip", "%s is gzipped when accepted (%s)" % (page, status))
        check(headers.get("cache-control") == "public, max-age=300", "%s is revalidated after five minutes" % page)
        html = body_text(raw, headers)
        check(re.search(r'<meta name="description" content="[^"]{40,}">', html) is not None, "%s has a meta description" % page)
        urls = re.findall(r'(?:src|href)="(/(?:static|vendor/maplibre-gl)/[^"]+)"', html)
        check(urls and all(re.match(r"^/(?:static|vendor/maplibre-gl)/[0-9a-f]{16}/[\w.-]+$", u) for u in urls),
              "%s names only versioned files: %r" % (page, [u for u in urls if not re.search(r"/[0-9a-f]{16}/", u)]))
        for url in urls:
            version = version or url.split("/")[-2]
            check(url.split("/")[-2] == version, "one version for every file: %s" % url)
            status, _, raw, headers = get(port, url, gzip_ok=True)
            check(status == 200 and headers.get("cache-control") == IMMUTABLE, "%s: %s %r" % (url, status, headers.get("cache-control")))
            check(headers.get("content-encoding") == "gzip", "%s is gzipped" % url)
            plain_url = url.replace("/" + version + "/", "/")
            _, _, plain, plain_headers = get(port, plain_url)
            check(body_text(raw, headers).encode() == plain and plain_headers.get("cache-control") == "public, max-age=300",
                  "%s is %s, which is still served and revalidated" % (url, plain_url))
            status, _, _, _ = call(port, "GET", url, headers={"If-None-Match": headers.get("etag", ""), "Accept-Encoding": "gzip"},
                                   origin=False)
            check(status == 304 or headers.get("etag") is None, "%s: 304 for its ETag" % url)
        # Every module the page's script imports, however deep, is preloaded.
        script = re.search(r'<script type="module" src="/static/[0-9a-f]{16}/([\w.-]+\.js)"', html)
        if script:
            wanted, todo = set(), [script.group(1)]
            while todo:
                with open(os.path.join(WEB, todo.pop()), encoding="utf-8") as f:
                    for target in re.findall(r"^\s*(?:import|export)\b[^'\";]*?['\"]\./([\w.-]+\.js)['\"]", f.read(), re.M):
                        if target not in wanted and target != script.group(1):
                            wanted.add(target)
                            todo.append(target)
            preloaded = set(re.findall(r'<link rel="modulepreload" href="/static/[0-9a-f]{16}/([\w.-]+\.js)">', html))
            check(preloaded == wanted, "%s preloads every module its script imports: missing %r, extra %r"
                  % (page, sorted(wanted - preloaded), sorted(preloaded - wanted)))
    status, _, raw, headers = get(port, "/list", gzip_ok=True)
    check(status == 200 and headers.get("content-encoding") == "gzip", "the list view is gzipped when accepted")
    html = body_text(raw, headers)
    check('href="/static/%s/style.css"' % version in html and 'src="/static/%s/exit.js"' % version in html,
          "the list view names the versioned style sheet and script")
    check('<meta name="description"' in html, "the list view has a meta description")
    _, _, plain, plain_headers = get(port, "/list")
    check("content-encoding" not in plain_headers and plain.decode() == html, "the list view is plain without Accept-Encoding")


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 8)
        server, port, lines = start_server(binary, store, "--web", WEB, "--insecure-cookies")
        try:
            check_location_crimes(port, store)
            check_neighbourhood_at(port, store)
            check_team_fields(binary, store, port)
            status, parsed, raw, headers = call(port, "GET", "/auth/session", origin=False)
            check(status == 200 and raw == b"null" and headers.get("cache-control") == "no-store",
                  "signed out, /auth/session is 200 null, never cached (%s %r)" % (status, raw))
            check_static_files(port)
        finally:
            server.terminate()
            server.wait(timeout=30)
            if server.returncode not in (0, -15):
                print("".join(lines))
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
