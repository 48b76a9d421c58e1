// outcomes-at-location and outcomes-for-crime: shapes against the real responses, and the
// outcomes of an area against brute force over the outcomes file the fixture wrote.

#include "server/api/api_fixtures.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

using namespace crimemap::test;

namespace {

std::multiset<std::string> crime_ids_of(const json& outcomes) {
    std::multiset<std::string> ids;
    for (const auto& o : outcomes) ids.insert(o["crime"]["persistent_id"].get<std::string>());
    return ids;
}

}  // namespace

TEST_CASE("outcomes-at-location has the API's outcome shape, with its crime") {
    const auto& made = shared_api_data().august_outcomes;
    REQUIRE(made.size() > 50);
    char at[96];
    std::snprintf(at, sizeof at, "lat=%.6f&lng=%.6f", made[0].lat, made[0].lng);
    auto list = get_json(std::string("/api/outcomes-at-location?date=2016-08&") + at);
    REQUIRE_FALSE(list.empty());
    auto shape = example("outcome.json");
    for (const auto& o : list) {
        check_same_shape(shape, o, "outcome");
        CHECK(o["date"] == "2016-08");
        CHECK(o["crime"]["month"] == "2016-07");
        CHECK_FALSE(o["crime"].contains("outcome_status"));
        if (o["category"]["name"] == "Under investigation") CHECK(o["category"]["code"] == "under-investigation");
    }
}

TEST_CASE("outcomes-at-location by point, polygon and location id returns exactly the month's outcomes there") {
    const auto& made = shared_api_data().august_outcomes;
    for (auto [lat, lng] : {std::pair{51.5155, -0.0922}, std::pair{51.52, -0.11}}) {
        std::multiset<std::string> expected;
        for (const auto& o : made)
            if (metres_between(lat, lng, o.lat, o.lng) <= 1609.344) expected.insert(o.crime_id);
        REQUIRE_FALSE(expected.empty());
        char at[96];
        std::snprintf(at, sizeof at, "lat=%.6f&lng=%.6f", lat, lng);
        CHECK(crime_ids_of(get_json(std::string("/api/outcomes-at-location?date=2016-08&") + at)) == expected);
        // None in July: the outcomes file is August's.
        CHECK(get_json(std::string("/api/outcomes-at-location?date=2016-07&") + at).empty());
    }
    // A box over the middle of the City.
    std::multiset<std::string> in_box;
    for (const auto& o : made)
        if (o.lat > 51.510 && o.lat < 51.520 && o.lng > -0.100 && o.lng < -0.080) in_box.insert(o.crime_id);
    REQUIRE_FALSE(in_box.empty());
    CHECK(crime_ids_of(get_json("/api/outcomes-at-location?date=2016-08&poly=51.510,-0.100:51.510,-0.080:51.520,-0.080:"
                                "51.520,-0.100")) == in_box);

    // By location id: the ids the crimes of the first outcome are shown at.
    auto first = get_json("/api/outcomes-for-crime/" + made[0].crime_id);
    auto location_id = first["crime"]["location"]["street"]["id"].get<std::int64_t>();
    auto by_id = get_json("/api/outcomes-at-location?date=2016-08&location_id=" + std::to_string(location_id));
    REQUIRE_FALSE(by_id.empty());
    for (const auto& o : by_id) CHECK(o["crime"]["location"]["street"]["id"] == location_id);
    CHECK(crime_ids_of(by_id).count(made[0].crime_id) == 1);
}

TEST_CASE("outcomes-at-location refuses bad parameters by name and unknown locations with a 404") {
    CHECK(get_json("/api/outcomes-at-location?lat=51.5", http::status::bad_request)["message"].get<std::string>().starts_with(
        "lng:"));
    CHECK(get_json("/api/outcomes-at-location?location_id=abc", http::status::bad_request)["message"]
              .get<std::string>()
              .starts_with("location_id:"));
    CHECK(get_json("/api/outcomes-at-location?location_id=99999999", http::status::not_found)["error"] == "not-found");
    CHECK(get_json("/api/outcomes-at-location?date=16-08&lat=51.5&lng=-0.1", http::status::bad_request)["message"]
              .get<std::string>()
              .starts_with("date:"));
}

TEST_CASE("outcomes-for-crime gives a crime's whole outcome history in the API's shape") {
    const auto& data = shared_api_data();
    auto history = get_json("/api/outcomes-for-crime/" + data.outcome_crime_id);
    check_same_shape(example("case-history.json"), history, "case-history");
    REQUIRE(history["outcomes"].size() == 1);
    CHECK(history["outcomes"][0]["category"]["name"] == "Offender given a caution");
    CHECK(history["outcomes"][0]["date"] == "2016-09");
    CHECK(history["outcomes"][0]["person_id"].is_null());
    CHECK(history["crime"]["persistent_id"] == data.outcome_crime_id);
    CHECK(history["crime"]["month"] == "2016-06");

    const auto& made = data.august_outcomes.front();
    auto other = get_json("/api/outcomes-for-crime/" + made.crime_id);
    REQUIRE(other["outcomes"].size() == 1);
    CHECK(other["outcomes"][0]["category"]["name"] == made.type);
    CHECK(other["outcomes"][0]["date"] == "2016-08");
    CHECK(other["crime"]["month"] == "2016-07");
}

TEST_CASE("outcomes-for-crime lists no outcomes for a crime without outcome rows, and an unknown crime is a 404") {
    // A July crime the fixture made no outcome for.
    auto july = get_json("/api/crimes-street/burglary?lat=51.5155&lng=-0.0922&date=2016-07");
    std::set<std::string> with_outcomes;
    for (const auto& o : shared_api_data().august_outcomes) with_outcomes.insert(o.crime_id);
    std::string id;
    for (const auto& c : july)
        if (!with_outcomes.count(c["persistent_id"].get<std::string>())) id = c["persistent_id"].get<std::string>();
    REQUIRE(id.size() == 64);
    auto history = get_json("/api/outcomes-for-crime/" + id);
    CHECK(history["outcomes"].empty());
    CHECK(history["crime"]["persistent_id"] == id);
    CHECK(get_json("/api/outcomes-for-crime/" + std::string(64, 'a'), http::status::not_found)["error"] == "not-found");
    CHECK(get_json("/api/outcomes-for-crime/not-an-id", http::status::not_found)["error"] == "not-found");
}
