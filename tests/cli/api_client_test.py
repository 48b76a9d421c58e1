#!/usr/bin/env python3
"""A client of the documented API paths, written with Python's standard library only, as
police-api-client and similar clients call data.police.uk: generated data is imported,
crimemap serve runs on loopback, and each call's shape is checked.

Usage: api_client_test.py CRIMEMAP_BINARY
"""
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, finish, generated_store, serving  # noqa: E402


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        with serving(binary, generated_store(binary, work, 3), stop_seconds=10) as (server, port, _):
            base = "http://127.0.0.1:%d/api/" % port

            def get(path, params=None):
                url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
                with urllib.request.urlopen(url, timeout=10) as response:
                    return json.load(response)

            forces = get("forces")
            check(isinstance(forces, list) and forces and set(forces[0]) == {"id", "name"}, "forces")
            force = get("forces/" + forces[0]["id"])
            check(force["id"] == forces[0]["id"], "a force")
            dates = get("crimes-street-dates")
            check(dates and re.fullmatch(r"\d{4}-\d\d", dates[0]["date"]) and isinstance(dates[0]["stop-and-search"], list),
                  "crimes-street-dates")
            categories = get("crime-categories", {"date": dates[0]["date"]})
            check(categories[0] == {"url": "all-crime", "name": "All crime"}, "crime-categories")
            neighbourhoods = get(forces[0]["id"] + "/neighbourhoods")
            check(neighbourhoods and set(neighbourhoods[0]) == {"id", "name"}, "neighbourhoods")
            hood = neighbourhoods[0]["id"]
            boundary = get("%s/%s/boundary" % (forces[0]["id"], hood))
            check(boundary and isinstance(boundary[0]["latitude"], str), "boundary")
            # The middle of the boundary's box lies in the neighbourhood or a neighbour of the same force.
            lats = [float(p["latitude"]) for p in boundary]
            lngs = [float(p["longitude"]) for p in boundary]
            lat, lng = (min(lats) + max(lats)) / 2, (min(lngs) + max(lngs)) / 2
            located = get("locate-neighbourhood", {"q": "%f,%f" % (lat, lng)})
            check(located["force"] == forces[0]["id"], "locate-neighbourhood")
            crimes = get("crimes-street/all-crime", {"lat": lat, "lng": lng, "date": dates[0]["date"]})
            check(isinstance(crimes, list), "crimes-street by point")
            for crime in crimes[:50]:
                check(set(crime) >= {"category", "location_type", "location", "context", "outcome_status",
                                     "persistent_id", "id", "location_subtype", "month"}, "a crime's members")
            poly = ":".join("%s,%s" % (p["latitude"], p["longitude"]) for p in boundary)
            by_get = get("crimes-street/all-crime", {"poly": poly, "date": dates[0]["date"]})
            body = urllib.parse.urlencode({"poly": poly, "date": dates[0]["date"]}).encode()
            with urllib.request.urlopen(base + "crimes-street/all-crime", data=body, timeout=10) as response:
                by_post = json.load(response)
            check(by_get == by_post, "crimes-street by polygon, GET and POST agree")
            if crimes:
                at = get("crimes-at-location", {"location_id": crimes[0]["location"]["street"]["id"],
                                                "date": dates[0]["date"]})
                check(at and all(c["location"]["street"]["id"] == crimes[0]["location"]["street"]["id"] for c in at),
                      "crimes-at-location")
            with_id = [c for c in crimes if c["persistent_id"]]
            if with_id:
                history = get("outcomes-for-crime/" + with_id[0]["persistent_id"])
                check(set(history) == {"outcomes", "crime"} and history["crime"]["id"] == with_id[0]["id"],
                      "outcomes-for-crime")
            outcomes = get("outcomes-at-location", {"lat": lat, "lng": lng, "date": dates[0]["date"]})
            check(isinstance(outcomes, list) and all(set(o) >= {"category", "date", "person_id", "crime"}
                                                     for o in outcomes), "outcomes-at-location")
            stops = get("stops-street", {"lat": lat, "lng": lng, "date": dates[0]["date"]})
            check(isinstance(stops, list) and all("outcome_object" in s and "involved_person" in s for s in stops),
                  "stops-street")
            by_force = get("stops-force", {"force": forces[0]["id"], "date": dates[0]["date"]})
            check(isinstance(by_force, list), "stops-force")
            summary = get("summary/%s/%s" % (forces[0]["id"], hood))
            check(summary["area"]["neighbourhood"] == hood and len(summary["trend"]["months"]) == 12, "summary")
            found = get("search", {"q": neighbourhoods[0]["name"]})
            check(found and found[0]["label"] == neighbourhoods[0]["name"], "search by neighbourhood name")
            try:
                get("crimes-street/all-crime", {"lat": "north", "lng": 0})
                check(False, "a bad lat is refused")
            except urllib.error.HTTPError as error:
                check(error.code == 400 and json.load(error)["message"].startswith("lat:"), "a bad lat is a 400")
            try:
                get("nowhere/neighbourhoods")
                check(False, "an unknown force is refused")
            except urllib.error.HTTPError as error:
                check(error.code == 404, "an unknown force is a 404")
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
