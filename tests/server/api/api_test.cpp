// The data.police.uk-compatible API: shapes against the real responses in
// ../shared/data/police-uk/api-examples, and each edge behaviour on its own.

#include "data/store/store.hpp"
#include "server/api/api_fixtures.hpp"
#include "server/http/query_string.hpp"

#include <boost/beast/http.hpp>
#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/strategies/strategies.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;
using json = nlohmann::json;


TEST_CASE("forces and a force have the API's shapes") {
    auto list = get_json("/api/forces");
    // Leicestershire from the fixture's forces.json, and the forces its bulk files are from.
    REQUIRE(list.size() >= 1);
    CHECK(std::count(list.begin(), list.end(), json{{"id", "leicestershire"}, {"name", "Leicestershire Constabulary"}}) == 1);
    for (const auto& f : list) check_same_shape(example("police-force-reference.json"), f, "forces[]");
    auto force = get_json("/api/forces/leicestershire");
    check_same_shape(example("police-force.json"), force, "forces/leicestershire");
    auto people = get_json("/api/forces/leicestershire/people");
    REQUIRE(people.size() == 1);
    check_same_shape(example("police-officer.json"), people[0], "forces/leicestershire/people[0]");
    CHECK(get_json("/api/forces/atlantis", http::status::not_found)["error"] == "not-found");
}

TEST_CASE("a store of bulk files alone lists its forces by their known names, and a force's calls answer") {
    temp_dir dir;
    import_paths(dir.file("store.sqlite"), {shared_data("police-uk/essex"), shared_data("police-uk/city-of-london/2014-09")});
    app_state state;
    state.snapshot = data::load_snapshot(dir.file("store.sqlite"));
    state.store = std::make_shared<data::store_readers>(dir.file("store.sqlite"));
    auto call = [&](const std::string& target, http::status expected = http::status::ok) {
        auto res = handle_request(request{http::verb::get, target, 11}, state);
        INFO(target << ": " << res.body());
        CHECK(res.result() == expected);
        return json::parse(res.body());
    };
    auto list = call("/api/forces");
    CHECK(list == json::parse(R"([{"id": "city-of-london", "name": "City of London Police"},
                                  {"id": "essex", "name": "Essex Police"}])"));
    auto essex = call("/api/forces/essex");
    // The /forces/{id} object's members, empty (null) where no forces.json said more.
    std::set<std::string> keys, expected_keys;
    for (const auto& [key, value] : essex.items()) keys.insert(key);
    const auto published = example("police-force.json");
    for (const auto& [key, value] : published.items()) expected_keys.insert(key);
    CHECK(keys == expected_keys);
    CHECK(essex["engagement_methods"] == json::array());
    CHECK(essex["name"] == "Essex Police");
    CHECK(call("/api/forces/essex/people").empty());
    // A force data.police.uk publishes for is known even before its data arrives.
    CHECK(call("/api/forces/lincolnshire")["name"] == "Lincolnshire Police");
    call("/api/forces/atlantis", http::status::not_found);
    CHECK(call("/api/essex/neighbourhoods").empty());
}

TEST_CASE("a boundary converted from British National Grid is written with six decimals like every coordinate") {
    temp_dir dir;
    write_file(dir.path() / "bng.geojson",
               R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
                   "features":[{"type":"Feature","properties":{"force":"metropolitan","id":"PALACE","name":"Palace"},
                   "geometry":{"type":"Polygon","coordinates":[[[528990,179545],[529190,179545],[529190,179745],
                   [528990,179745],[528990,179545]]]}}]})");
    import_paths(dir.file("store.sqlite"), {dir.file("bng.geojson")});
    app_state state;
    state.snapshot = data::load_snapshot(dir.file("store.sqlite"));
    state.store = std::make_shared<data::store_readers>(dir.file("store.sqlite"));
    auto res = handle_request(request{http::verb::get, "/api/metropolitan/PALACE/boundary", 11}, state);
    REQUIRE(res.result() == http::status::ok);
    auto boundary = json::parse(res.body());
    REQUIRE(boundary.size() >= 4);
    for (const auto& point : boundary)
        for (const char* key : {"latitude", "longitude"}) {
            auto text = point[key].get<std::string>();
            INFO(text);
            CHECK(text.size() - text.find('.') - 1 == 6);
        }
}

TEST_CASE("neighbourhoods, a neighbourhood and its team, priorities, events and boundary have the API's shapes") {
    auto list = get_json("/api/leicestershire/neighbourhoods");
    REQUIRE(list.size() == 1);
    check_same_shape(example("neighbourhood-reference.json"), list[0], "neighbourhoods[0]");
    auto n = get_json("/api/leicestershire/NC04");
    check_same_shape(example("neighbourhood.json"), n, "leicestershire/NC04");
    CHECK_FALSE(n.contains("people"));
    check_same_shape(example("police-officer.json"), get_json("/api/leicestershire/NC04/people")[0], "people[0]");
    check_same_shape(example("neighbourhood-priority.json"), get_json("/api/leicestershire/NC04/priorities")[0],
                     "priorities[0]");
    CHECK(get_json("/api/leicestershire/NC04/events")[0]["title"] == "Street surgery");
    auto boundary = get_json("/api/leicestershire/NC04/boundary");
    REQUIRE(boundary.size() >= 4);
    CHECK(boundary[0]["latitude"].is_string());
    CHECK(boundary[0]["longitude"].is_string());
    CHECK(std::stod(boundary[0]["latitude"].get<std::string>()) == Approx(52.62).margin(0.04));
}

TEST_CASE("an unknown force or neighbourhood is a 404 naming it") {
    CHECK(get_json("/api/atlantis/neighbourhoods", http::status::not_found)["message"].get<std::string>().find("atlantis") !=
          std::string::npos);
    auto missing = get_json("/api/leicestershire/NOPE", http::status::not_found);
    CHECK(missing["message"].get<std::string>().find("NOPE") != std::string::npos);
}

TEST_CASE("locate-neighbourhood returns one object, 404 outside every boundary, 400 for a bad q") {
    auto found = get_json("/api/locate-neighbourhood?q=52.63,-1.13");
    check_same_shape(example("neighbourhood-policing-team.json"), found, "locate-neighbourhood");
    CHECK(found == json{{"force", "leicestershire"}, {"neighbourhood", "NC04"}});
    get_json("/api/locate-neighbourhood?q=51.5,-0.1", http::status::not_found);
    for (const char* bad : {"/api/locate-neighbourhood", "/api/locate-neighbourhood?q=52.6", "/api/locate-neighbourhood?q=abc,def",
                            "/api/locate-neighbourhood?q=95,0"}) {
        INFO(bad);
        CHECK(get_json(bad, http::status::bad_request)["message"].get<std::string>().starts_with("q:"));
    }
}

TEST_CASE("crime-categories lists all-crime first and the categories of the month, as url and name") {
    auto list = get_json("/api/crime-categories?date=2016-06");
    check_same_shape(example("crime-category.json"), list[0], "crime-categories[0]");
    CHECK(list[0] == json{{"url", "all-crime"}, {"name", "All crime"}});
    bool has_asb = false;
    for (const auto& c : list) has_asb |= c["url"] == "anti-social-behaviour";
    CHECK(has_asb);
    CHECK(get_json("/api/crime-categories").size() == list.size());  // no date: the latest month
    CHECK(get_json("/api/crime-categories?date=June", http::status::bad_request)["message"].get<std::string>().starts_with(
        "date:"));
}

TEST_CASE("crimes-street-dates lists months newest first with the forces that published stop and search") {
    auto list = get_json("/api/crimes-street-dates");
    REQUIRE(list.size() == 2);
    check_same_shape(example("data-set.json"), list[0], "crimes-street-dates[0]");
    CHECK(list[0]["date"] == "2016-07");
    CHECK(list[1]["date"] == "2016-06");
    CHECK(list[1]["stop-and-search"] == json::array({"metropolitan"}));
    CHECK(get_json("/api/crime-last-updated") == json{{"date", "2016-07-01"}});
}

TEST_CASE("a query string may start with an empty parameter") {
    CHECK(get_json("/api/crime-categories?&date=2016-06").size() > 1);
    auto with_empty = get_json("/api/crimes-street/all-crime?&lat=51.5155&lng=-0.0922&date=2016-06");
    CHECK_FALSE(with_empty.empty());
    CHECK(with_empty == get_json("/api/crimes-street/all-crime?lat=51.5155&lng=-0.0922&date=2016-06"));
}

TEST_CASE("a missing or empty date means the latest month, for every dated method") {
    const std::string at = "lat=51.5155&lng=-0.0922";
    auto latest = get_json("/api/crimes-street/all-crime?" + at + "&date=2016-07");
    REQUIRE_FALSE(latest.empty());
    CHECK(get_json("/api/crimes-street/all-crime?" + at) == latest);
    CHECK(get_json("/api/crimes-street/all-crime?" + at + "&date=") == latest);
    CHECK(get_json("/api/crimes-at-location?" + at) == get_json("/api/crimes-at-location?" + at + "&date=2016-07"));
    CHECK(get_json("/api/stops-force?force=metropolitan").empty());  // its only month is not the latest
    CHECK(get_json("/api/summary?" + at)["month"] == "2016-07");
}

TEST_CASE("a GET URL longer than 4,094 characters is a 400") {
    std::string target = "/api/crime-categories?date=2016-06&pad=" + std::string(4100, 'x');
    CHECK(get_json(target, http::status::bad_request)["message"].get<std::string>().find("4,094") != std::string::npos);
}

namespace {

struct street_crime {
    std::int64_t id;
    double lat, lng;
    std::string slug;
};

std::vector<street_crime> crimes_of_month(int month) {
    auto store = data::open_store_for_reading(shared_api_data().dir.file("store.sqlite"));
    data::Statement s(store, "SELECT c.id, l.latitude, l.longitude, t.slug FROM crimes c JOIN locations l ON l.id = c.location "
                             "JOIN crime_types t ON t.id = c.crime_type WHERE c.month = ?");
    s.bind(1, static_cast<std::int64_t>(month));
    std::vector<street_crime> out;
    while (s.step()) out.push_back({s.column_int(0), s.column_double(1), s.column_double(2), std::string(s.column_text(3))});
    return out;
}

std::set<std::int64_t> ids_of(const json& list) {
    std::set<std::int64_t> ids;
    for (const auto& c : list) ids.insert(c["id"].get<std::int64_t>());
    return ids;
}

}  // namespace

TEST_CASE("crimes-street answers with the API's crime shape: ASB without an ID and outcome") {
    auto list = get_json("/api/crimes-street/all-crime?lat=51.5155&lng=-0.0922&date=2016-06");
    REQUIRE_FALSE(list.empty());
    auto example_crime = example("crime.json");
    bool saw_asb = false;
    for (const auto& c : list) {
        if (c["category"] == "anti-social-behaviour") {
            saw_asb = true;
            CHECK(c["persistent_id"] == "");
            CHECK(c["outcome_status"].is_null());
        } else {
            check_same_shape(example_crime, c, "crime");
            if (!c["outcome_status"].is_null())
                check_same_shape(example("outcome-status.json"), c["outcome_status"], "crime.outcome_status");
        }
        CHECK(c["month"] == "2016-06");
        CHECK(c["location"]["latitude"].is_string());
    }
    CHECK(saw_asb);
    // The real answer of data.police.uk: every member its crimes have, ours have, ASB and others.
    auto real = example("crimes-street-all-crime-2014-08.json");
    REQUIRE(real.size() > 1);
    for (const auto& r : real) {
        auto same_kind = std::find_if(list.begin(), list.end(), [&](const json& c) {
            return (c["category"] == "anti-social-behaviour") == (r["category"] == "anti-social-behaviour") &&
                   c["outcome_status"].is_null() == r["outcome_status"].is_null();
        });
        if (same_kind != list.end()) check_same_shape(r, *same_kind, "crimes-street-all-crime-2014-08");
    }
}

TEST_CASE("crimes-street by point returns exactly the crimes within one mile, by brute force") {
    auto month = crimes_of_month(201606);
    for (auto [lat, lng] : {std::pair{51.5155, -0.0922}, std::pair{51.52, -0.11}, std::pair{51.505, -0.075}}) {
        std::set<std::int64_t> expected, expected_burglary;
        for (const auto& c : month)
            if (metres_between(lat, lng, c.lat, c.lng) <= 1609.344) {
                expected.insert(c.id);
                if (c.slug == "burglary") expected_burglary.insert(c.id);
            }
        auto at = "lat=" + std::to_string(lat) + "&lng=" + std::to_string(lng) + "&date=2016-06";
        INFO(at);
        REQUIRE_FALSE(expected.empty());
        CHECK(ids_of(get_json("/api/crimes-street/all-crime?" + at)) == expected);
        CHECK(ids_of(get_json("/api/crimes-street/burglary?" + at)) == expected_burglary);
        // An unknown category is all crime, as the original's.
        CHECK(ids_of(get_json("/api/crimes-street/outcomes-at-location?" + at)) == expected);
    }
}

TEST_CASE("crimes-street by polygon returns exactly the crimes inside it, by GET and by POSTed form") {
    auto month = crimes_of_month(201606);
    // A quadrilateral over the middle of the City.
    const std::vector<std::pair<double, double>> corners{{51.510, -0.100}, {51.510, -0.080}, {51.520, -0.078}, {51.521, -0.098}};
    auto inside = [&](double lat, double lng) {  // ray casting, independent of the server's geometry
        bool in = false;
        for (std::size_t i = 0, j = corners.size() - 1; i < corners.size(); j = i++) {
            auto [yi, xi] = corners[i];
            auto [yj, xj] = corners[j];
            if ((yi > lat) != (yj > lat) && lng < (xj - xi) * (lat - yi) / (yj - yi) + xi) in = !in;
        }
        return in;
    };
    std::set<std::int64_t> expected;
    for (const auto& c : month)
        if (inside(c.lat, c.lng)) expected.insert(c.id);
    REQUIRE(expected.size() > 20);
    std::string poly;
    for (auto [lat, lng] : corners) poly += (poly.empty() ? "" : ":") + std::to_string(lat) + "," + std::to_string(lng);
    CHECK(ids_of(get_json("/api/crimes-street/all-crime?poly=" + poly + "&date=2016-06")) == expected);

    request post{http::verb::post, "/api/crimes-street/all-crime", 11};
    post.set(http::field::content_type, "application/x-www-form-urlencoded");
    post.body() = "poly=" + poly + "&date=2016-06";
    post.prepare_payload();
    auto res = handle_request(post, shared_api_data().state);
    REQUIRE(res.result() == http::status::ok);
    CHECK(ids_of(json::parse(res.body())) == expected);
}

namespace {

response post_form(const std::string& path, const std::string& body) {
    request post{http::verb::post, path, 11};
    post.set(http::field::content_type, "application/x-www-form-urlencoded");
    post.body() = body;
    post.prepare_payload();
    return handle_request(post, shared_api_data().state);
}

// A zigzag of `points` points whose teeth run west-east across the box, as poly= text.
std::string zigzag_poly(std::size_t points, double south, double west, double north, double east) {
    std::string poly;
    char pair[64];
    for (std::size_t i = 0; i < points; ++i) {
        double lat = south + (north - south) * static_cast<double>(i / 2) / static_cast<double>(points / 2);
        double lng = i % 2 == 0 ? west : east;
        if (i + 2 >= points) lat = i + 2 == points ? north : south, lng = west - 0.01;  // close along the west side
        std::snprintf(pair, sizeof pair, "%.6f,%.6f", lat, lng);
        poly += (poly.empty() ? "" : ":") + std::string(pair);
    }
    return poly;
}

}  // namespace

TEST_CASE("crimes-street by a 1,000-point zigzag returns exactly the crimes covered by it, edges included") {
    auto month = crimes_of_month(201606);
    auto poly = zigzag_poly(1000, 51.49, -0.14, 51.54, -0.06);
    // The expectation from Boost.Geometry's covered_by on the same numbers, point by point.
    geo::polygon shape;
    for (auto pair : split_nonempty(poly, ':')) {
        auto comma = pair.find(',');
        shape.outer().emplace_back(std::stod(std::string(pair.substr(comma + 1))), std::stod(std::string(pair.substr(0, comma))));
    }
    boost::geometry::correct(shape);
    std::set<std::int64_t> expected;
    for (const auto& c : month)
        if (boost::geometry::covered_by(geo::lonlat(c.lng, c.lat), shape)) expected.insert(c.id);
    REQUIRE(expected.size() > 20);
    auto res = post_form("/api/crimes-street/all-crime", "date=2016-06&poly=" + poly);
    REQUIRE(res.result() == http::status::ok);
    CHECK(ids_of(json::parse(res.body())) == expected);
}

TEST_CASE("a poly of more than 1,000 points is a 400 naming poly; 1,000 and a closing repeat are taken") {
    auto poly = zigzag_poly(1000, 51.49, -0.14, 51.54, -0.06);
    CHECK(post_form("/api/crimes-street/all-crime", "date=2016-06&poly=" + poly).result() == http::status::ok);
    auto first = poly.substr(0, poly.find(':'));
    CHECK(post_form("/api/crimes-street/all-crime", "date=2016-06&poly=" + poly + ":" + first).result() == http::status::ok);
    for (const auto& body : {"date=2016-06&poly=" + poly + ":51.5,-0.1", "date=2016-06&poly=" + poly + ":51.5,-0.1:" + first,
                             "poly=" + zigzag_poly(3000, 51.49, -0.14, 51.54, -0.06)}) {
        auto res = post_form("/api/crimes-street/all-crime", body);
        REQUIRE(res.result() == http::status::bad_request);
        CHECK(json::parse(res.body())["message"].get<std::string>().starts_with("poly: more than 1000 points"));
    }
}

TEST_CASE("crimes-street refuses a polygon holding more than 10,000 crimes with a 503") {
    auto res = post_form("/api/crimes-street/all-crime", "date=2016-06&poly=" + zigzag_poly(1000, 53, -3, 55, -1));
    REQUIRE(res.result() == http::status::service_unavailable);
    CHECK(json::parse(res.body())["error"] == "too-many-results");
}

TEST_CASE("crimes-street refuses bad lat, lng and poly by name, and more than 10,000 crimes with a 503") {
    CHECK(get_json("/api/crimes-street/all-crime?lng=-0.09", http::status::bad_request)["message"].get<std::string>().starts_with("lat:"));
    CHECK(get_json("/api/crimes-street/all-crime?lat=51.5&lng=east", http::status::bad_request)["message"].get<std::string>().starts_with("lng:"));
    CHECK(get_json("/api/crimes-street/all-crime?poly=51.5,-0.1:51.6", http::status::bad_request)["message"].get<std::string>().starts_with("poly:"));
    CHECK(get_json("/api/crimes-street/all-crime?poly=51.5,-0.1:51.6,-0.1", http::status::bad_request)["message"].get<std::string>().starts_with("poly:"));
    // Closed already but only a line (found by the request fuzzer), and three points in a row.
    CHECK(get_json("/api/crimes-street/all-crime?poly=52.130,0.:52.794,0.238:52.130,0.", http::status::bad_request)["message"].get<std::string>().starts_with("poly: the points enclose no area"));
    CHECK(get_json("/api/crimes-street/all-crime?poly=51.5,-0.1:51.6,-0.1:51.7,-0.1", http::status::bad_request)["message"].get<std::string>().starts_with("poly: the points enclose no area"));
    CHECK(get_json("/api/crimes-street/all-crime?lat=51.5&lng=-0.1&date=2016-6", http::status::bad_request)["message"].get<std::string>().starts_with("date:"));
    auto crowded = get_json("/api/crimes-street/all-crime?lat=54&lng=-2&date=2016-06", http::status::service_unavailable);
    CHECK(crowded["error"] == "too-many-results");
    CHECK(get_json("/api/crimes-street/all-crime?lat=51.5155&lng=-0.0922&date=2001-01").empty());
}

TEST_CASE("a crime's outcome date is the month of its latest outcomes-file row") {
    const auto& id = shared_api_data().outcome_crime_id;
    REQUIRE(id.size() == 64);
    auto list = get_json("/api/crimes-street/all-crime?poly=51.49,-0.14:51.49,-0.06:51.54,-0.06:51.54,-0.14&date=2016-06");
    int with_outcome_file = 0;
    for (const auto& c : list) {
        if (c["persistent_id"] == id) {
            ++with_outcome_file;
            CHECK(c["outcome_status"]["date"] == "2016-09");
        } else if (!c["outcome_status"].is_null()) {
            CHECK(c["outcome_status"]["date"] == "2016-06");  // no outcomes row: its own month
        }
    }
    CHECK(with_outcome_file == 1);
}

TEST_CASE("crimes-at-location gives the month's crimes at a location id, or at the location nearest a point") {
    auto store = data::open_store_for_reading(shared_api_data().dir.file("store.sqlite"));
    data::Statement busiest(store, "SELECT l.id, l.latitude, l.longitude, count(*) FROM crimes c JOIN locations l "
                                   "ON l.id = c.location WHERE c.month = 201606 AND l.street <> 'On or near Crowd Lane' "
                                   "GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1");
    REQUIRE(busiest.step());
    auto id = busiest.column_int(0);
    auto lat = busiest.column_double(1), lng = busiest.column_double(2);
    auto n = static_cast<std::size_t>(busiest.column_int(3));
    auto by_id = get_json("/api/crimes-at-location?date=2016-06&location_id=" + std::to_string(id));
    CHECK(by_id.size() == n);
    for (const auto& c : by_id) CHECK(c["location"]["street"]["id"] == id);
    char point[96];
    std::snprintf(point, sizeof point, "lat=%.6f&lng=%.6f", lat, lng);
    CHECK(get_json(std::string("/api/crimes-at-location?date=2016-06&") + point) == by_id);
    CHECK(get_json("/api/crimes-at-location?date=2016-06&location_id=999999999", http::status::not_found)["error"] ==
          "not-found");
    CHECK(get_json("/api/crimes-at-location?location_id=x1", http::status::bad_request)["message"].get<std::string>().starts_with(
        "location_id:"));
}

TEST_CASE("crimes-no-location gives a force's crimes without a location for a month and category") {
    // City of London 2016-06 has no such rows; Essex 2022-12 does, in its own store.
    temp_dir dir;
    import_paths(dir.file("store.sqlite"), {shared_data("police-uk/essex")});
    app_state state;
    state.snapshot = data::load_snapshot(dir.file("store.sqlite"));
    state.store = std::make_shared<data::store_readers>(dir.file("store.sqlite"));
    auto call = [&](const std::string& target, http::status expected = http::status::ok) {
        request req{http::verb::get, target, 11};
        auto res = handle_request(req, state);
        INFO(target << " → " << res.body().substr(0, 300));
        REQUIRE(res.result() == expected);
        return json::parse(res.body());
    };
    auto all = call("/api/crimes-no-location?category=all-crime&force=essex&date=2022-12");
    CHECK(all.size() == 107);
    std::size_t bicycles = 0;
    for (const auto& c : all) {
        CHECK(c["location"].is_null());
        CHECK(c["location_type"].is_null());
        CHECK(c["month"] == "2022-12");
        bicycles += c["category"] == "bicycle-theft";
    }
    CHECK(bicycles > 0);
    CHECK(call("/api/crimes-no-location?category=bicycle-theft&force=essex&date=2022-12").size() == bicycles);
    CHECK(call("/api/crimes-no-location?category=all-crime&force=essex").size() == 107);  // latest month
    CHECK(call("/api/crimes-no-location?category=all-crime", http::status::bad_request)["message"].get<std::string>().starts_with(
        "force:"));
    call("/api/crimes-no-location?category=all-crime&force=atlantis", http::status::not_found);
}

TEST_CASE("a change to a force's or neighbourhood's details in the store shows at once, under a new ETag") {
    temp_dir dir;
    auto details = example("neighbourhood.json");
    details["id"] = "NC04";
    details["people"] = json::array({example("police-officer.json")});
    write_file(dir.path() / "data" / "neighbourhoods" / "leicestershire" / "NC04.json", details.dump());
    json forces = json::array({example("police-force.json")});
    forces[0]["id"] = "leicestershire";
    write_file(dir.path() / "data" / "forces.json", forces.dump());
    import_paths(dir.file("store.sqlite"), {(dir.path() / "data").string()});
    app_state state;
    state.snapshot = data::load_snapshot(dir.file("store.sqlite"));
    state.store = std::make_shared<data::store_readers>(dir.file("store.sqlite"));
    auto call = [&](const std::string& target, const std::string& etag = "") {
        request req{http::verb::get, target, 11};
        if (!etag.empty()) req.set(http::field::if_none_match, etag);
        return handle_request(req, state);
    };
    auto before = call("/api/leicestershire/NC04");
    REQUIRE(before.result() == http::status::ok);
    std::string etag(before[http::field::etag]);
    CHECK(call("/api/leicestershire/NC04", etag).result() == http::status::not_modified);
    CHECK(json::parse(call("/api/leicestershire/NC04/people").body()).size() == 1);
    {
        auto db = data::open_store_for_writing(dir.file("store.sqlite"));
        data::Transaction change(db);
        db.exec("UPDATE neighbourhoods SET details = json_set(details, '$.contact_details.telephone', '0300 123 4567', "
                "'$.people', json('[]'))");
        db.exec("UPDATE forces SET details = json_set(details, '$.telephone', '999 0000')");
        data::bump_data_version(db);
        change.commit();
    }
    auto after = call("/api/leicestershire/NC04", etag);
    REQUIRE(after.result() == http::status::ok);  // not 304: the old ETag no longer matches
    CHECK(json::parse(after.body())["contact_details"]["telephone"] == "0300 123 4567");
    CHECK(json::parse(call("/api/leicestershire/NC04/people").body()).empty());
    CHECK(json::parse(call("/api/forces/leicestershire").body())["telephone"] == "999 0000");
}
