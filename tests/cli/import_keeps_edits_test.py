#!/usr/bin/env python3
"""What a team and a coordinator edit through the HTTP API survives the monthly import: the
same files imported again, then files whose values changed upstream. Edited fields stay as
edited and a changed upstream value is recorded as a conflict (stats, audit log); fields
nobody edited take the file's new value; a hidden scheme stays hidden.

Usage: import_keeps_edits_test.py CRIMEMAP_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import call, check, finish, generated_store, serving, sql, sql_value  # noqa: E402

PASSWORD = "correct horse battery staple"


class Session:
    """A signed-in account: its cookie and CSRF token on every call."""

    def __init__(self, port):
        self.port, self.cookie, self.csrf = port, None, None

    def call(self, method, path, body=None):
        status, parsed, _, _ = call(self.port, method, path, body, cookie=self.cookie, csrf=self.csrf)
        return status, parsed

    def login(self, email):
        status, body, _, headers = call(self.port, "POST", "/auth/login", {"email": email, "password": PASSWORD})
        assert status == 200, (status, body)
        self.cookie, self.csrf = headers["set-cookie"].split(";")[0], body["csrf_token"]


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        store = generated_store(binary, work, 11)
        data = os.path.join(work, "data")
        (force, hood), = sql(store, "SELECT force, id FROM neighbourhoods WHERE details IS NOT NULL ORDER BY key LIMIT 1")
        scheme = sql_value(store, "SELECT id FROM watch_schemes ORDER BY id LIMIT 1")
        for email, options in (("team@example.org", ["--role", "team", "--force", force, "--neighbourhood", hood]),
                               ("coord@example.org", ["--role", "coordinator", "--scheme", scheme])):
            subprocess.run([binary, "user", "add", "--db", store, "--email", email, "--password-stdin"] + options,
                           input=PASSWORD, text=True, check=True, capture_output=True)

        contact = {"email": "team.edited@example.org", "telephone": "0300 000 1111"}
        people = [{"name": "PC Edited Person", "rank": "PC", "bio": "Edited through the app"}]
        with serving(binary, store, "--insecure-cookies", stop_seconds=20) as (server, port, _):
            team = Session(port)
            team.login("team@example.org")
            check(team.call("PUT", "/api/%s/%s/contact_details" % (force, hood), contact)[0] == 200, "the team edits its contact details")
            check(team.call("PUT", "/api/%s/%s/people" % (force, hood), people)[0] == 200, "the team edits its people")
            coord = Session(port)
            coord.login("coord@example.org")
            status, _ = coord.call("PUT", "/api/watch/schemes/" + scheme,
                                      {"description": "Edited by the coordinator", "visibility": "hidden"})
            check(status == 200, "the coordinator edits and hides the scheme")

        def import_all():
            return subprocess.run([binary, "import", "--db", store, data], text=True, capture_output=True)

        def stored():
            details = json.loads(sql_value(store, "SELECT details FROM neighbourhoods WHERE force = ? AND id = ?", (force, hood)))
            row, = sql(store, "SELECT name, description, visibility FROM watch_schemes WHERE id = ?", (scheme,))
            return details, row

        # 1. The same files again: nothing edited is undone, nothing is a conflict.
        again = import_all()
        check(again.returncode == 0, "the same files import again: " + again.stderr[-300:])
        details, (name, description, visibility) = stored()
        check(details.get("contact_details") == contact, "contact details as the team edited them after the same import")
        check(details.get("people") == people, "people as the team edited them after the same import")
        check(description == "Edited by the coordinator", "the scheme's description as edited after the same import")
        check(visibility == "hidden", "a hidden scheme stays hidden after an import")
        check("edited fields kept" not in again.stderr, "the same files are no conflict")

        # 2. Files changed upstream: the edited fields stay; the others take the new values.
        path = os.path.join(data, "neighbourhoods", force, hood + ".json")
        published = json.load(open(path))
        published["contact_details"] = {"email": "upstream.changed@example.org"}
        published["description"] = "<p>Changed upstream</p>"
        json.dump(published, open(path, "w"))
        watch_path = os.path.join(data, "watch", "schemes.geojson")
        watch = json.load(open(watch_path))
        for feature in watch["features"]:
            if feature["properties"]["id"] == scheme:
                feature["properties"]["description"] = "Changed upstream"
                feature["properties"]["name"] = "Renamed upstream"
        json.dump(watch, open(watch_path, "w"))
        changed = import_all()
        check(changed.returncode == 0, "the changed files import: " + changed.stderr[-300:])
        check("edited fields kept although their files changed them: 2" in changed.stderr,
              "the import summary counts the two conflicts: " + changed.stderr[-400:])
        details, (name, description, visibility) = stored()
        check(details.get("contact_details") == contact, "contact details stay as edited when the file changes them")
        check(details.get("people") == people, "people stay as edited")
        check(details.get("description") == "<p>Changed upstream</p>", "an unedited member takes the file's new value")
        check(description == "Edited by the coordinator", "the scheme's edited description stays")
        check(name == "Renamed upstream", "the scheme's unedited name takes the file's new value")
        check(visibility == "hidden", "the scheme stays hidden")

        stats = json.loads(subprocess.run([binary, "stats", "--db", store], text=True, capture_output=True, check=True).stdout)
        conflicts = {(c["record"], c["field"]): c for c in stats["import_conflicts"]}
        check(set(conflicts) == {("neighbourhood %s/%s" % (force, hood), "contact_details"), ("watch-scheme " + scheme, "description")},
              "stats lists both conflicts: %s" % list(conflicts))
        c = conflicts.get(("neighbourhood %s/%s" % (force, hood), "contact_details"))
        check(c and c["file_value"] == {"email": "upstream.changed@example.org"} and c["file"].endswith(hood + ".json"),
              "a conflict names the file and its value")
        audited = sql_value(store, "SELECT count(*) FROM audit_log WHERE outcome = 'kept' AND action LIKE 'import kept an edited %'")
        check(audited == 2, "each conflict is in the audit log once (got %d)" % audited)

        # 3. The changed files once more: no new conflict, nothing logged twice.
        once_more = import_all()
        audited = sql_value(store, "SELECT count(*) FROM audit_log WHERE outcome = 'kept'")
        check(once_more.returncode == 0 and audited == 2, "the same changed files again log nothing new")

        # 4. The server serves the edits after all of this.
        with serving(binary, store, stop_seconds=20) as (server, port, _):
            status, body = Session(port).call("GET", "/api/%s/%s" % (force, hood))
            check(status == 200 and body["contact_details"] == contact, "the API shows the team's contact details")
            status, _ = Session(port).call("GET", "/api/watch/schemes/" + scheme)
            check(status == 404, "the hidden scheme's public page is a 404 (got %d)" % status)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
