// Stop and search: shapes against the real response, and counts against the imported
// Metropolitan Police file.

#include "data/store/store.hpp"
#include "server/api/api_fixtures.hpp"

#include <cmath>
#include <cstdio>
#include <set>

using namespace crimemap;
using namespace crimemap::test;

namespace {

struct stop_row {
    std::int64_t id, location;
    double lat, lng;
};

// Every Metropolitan stop of 2016-06 with a location, from the store.
std::vector<stop_row> located_stops() {
    auto store = data::open_store_for_reading(shared_api_data().dir.file("store.sqlite"));
    data::Statement s(store, "SELECT s.id, l.id, l.latitude, l.longitude FROM stops s JOIN locations l ON l.id = s.location");
    std::vector<stop_row> out;
    while (s.step()) out.push_back({s.column_int(0), s.column_int(1), s.column_double(2), s.column_double(3)});
    return out;
}

std::size_t csv_rows(bool without_location_only) {
    std::ifstream in(shared_data("police-uk/metropolitan/2016-06/2016-06-metropolitan-stop-and-search.csv"));
    std::string line;
    std::getline(in, line);
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        // Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,...
        std::size_t fourth = 0;
        for (int i = 0; i < 4; ++i) fourth = line.find(',', fourth + (i > 0));
        bool no_location = line.compare(fourth + 1, 1, ",") == 0;
        if (!without_location_only || no_location) ++rows;
    }
    return rows;
}

}  // namespace

TEST_CASE("stops-force gives every stop of the force's month in the API's shape") {
    auto list = get_json("/api/stops-force?force=metropolitan&date=2016-06");
    CHECK(list.size() == csv_rows(false));
    auto shape = example("stop-and-search.json");
    std::size_t located = 0;
    for (const auto& s : list) {
        // A cell left empty in the file is null, as in the original.
        auto expected = shape;
        for (const char* nullable : {"age_range", "outcome", "self_defined_ethnicity", "gender", "legislation",
                                     "officer_defined_ethnicity", "object_of_search", "outcome_object", "location"})
            if (s.contains(nullable) && s[nullable].is_null()) expected[nullable] = nullptr;
        check_same_shape(expected, s, "stop");
        CHECK(s["datetime"].get<std::string>().starts_with("2016-"));
        if (!s["location"].is_null()) {
            ++located;
            check_same_shape(shape["location"], s["location"], "stop.location");
        }
        if (s["outcome"].is_string()) CHECK(s["outcome_object"]["id"].get<std::string>().starts_with("bu-"));
    }
    CHECK(located == located_stops().size());
    CHECK(get_json("/api/stops-force?force=metropolitan&date=2016-07").empty());
    CHECK(get_json("/api/stops-force?date=2016-06", http::status::bad_request)["message"].get<std::string>().starts_with("force:"));
    CHECK(get_json("/api/stops-force?force=atlantis", http::status::not_found)["error"] == "not-found");
}

TEST_CASE("stops-no-location gives the force's stops without a location") {
    auto list = get_json("/api/stops-no-location?force=metropolitan&date=2016-06");
    CHECK(list.size() == csv_rows(true));
    REQUIRE_FALSE(list.empty());
    for (const auto& s : list) CHECK(s["location"].is_null());
}

TEST_CASE("stops-street by point and polygon returns exactly the month's stops there, by brute force") {
    auto stops = located_stops();
    REQUIRE(stops.size() > 1000);
    for (const auto& centre : {stops[0], stops[stops.size() / 2]}) {
        std::set<std::string> expected;
        for (const auto& s : stops)
            if (metres_between(centre.lat, centre.lng, s.lat, s.lng) <= 1609.344) expected.insert(std::to_string(s.id));
        char at[96];
        std::snprintf(at, sizeof at, "lat=%.7f&lng=%.7f", centre.lat, centre.lng);
        auto list = get_json(std::string("/api/stops-street?date=2016-06&") + at);
        CHECK(list.size() == expected.size());
        for (const auto& s : list) {
            auto lat = std::stod(s["location"]["latitude"].get<std::string>());
            auto lng = std::stod(s["location"]["longitude"].get<std::string>());
            CHECK(metres_between(centre.lat, centre.lng, lat, lng) <= 1609.344 + 0.2);  // shown to six decimals
        }
    }
    std::size_t in_box = 0;
    for (const auto& s : stops) in_box += s.lat > 51.50 && s.lat < 51.53 && s.lng > -0.15 && s.lng < -0.10;
    REQUIRE(in_box > 0);
    CHECK(get_json("/api/stops-street?date=2016-06&poly=51.50,-0.15:51.50,-0.10:51.53,-0.10:51.53,-0.15").size() == in_box);
    CHECK(get_json("/api/stops-street?date=2016-06&lat=91&lng=0", http::status::bad_request)["message"]
              .get<std::string>()
              .starts_with("lat:"));
}

TEST_CASE("stops-at-location gives the stops at a location id") {
    auto stops = located_stops();
    std::map<std::int64_t, std::size_t> per_location;
    for (const auto& s : stops) ++per_location[s.location];
    auto busiest = std::max_element(per_location.begin(), per_location.end(),
                                    [](const auto& a, const auto& b) { return a.second < b.second; });
    // A stop at a crime location's point is shown at that location, so look it up by what the API shows.
    auto first = std::find_if(stops.begin(), stops.end(), [&](const auto& s) { return s.location == busiest->first; });
    char at[96];
    std::snprintf(at, sizeof at, "lat=%.7f&lng=%.7f", first->lat, first->lng);
    auto nearby = get_json(std::string("/api/stops-street?date=2016-06&") + at);
    std::int64_t shown_id = -1;
    for (const auto& s : nearby)
        if (std::abs(std::stod(s["location"]["latitude"].get<std::string>()) - first->lat) < 1e-6 &&
            std::abs(std::stod(s["location"]["longitude"].get<std::string>()) - first->lng) < 1e-6)
            shown_id = s["location"]["street"]["id"].get<std::int64_t>();
    REQUIRE(shown_id >= 0);
    auto list = get_json("/api/stops-at-location?date=2016-06&location_id=" + std::to_string(shown_id));
    CHECK(list.size() == busiest->second);
    for (const auto& s : list) CHECK(s["location"]["street"]["id"] == shown_id);
    CHECK(get_json("/api/stops-at-location?date=2016-06&location_id=987654321", http::status::not_found)["error"] ==
          "not-found");
    CHECK(get_json("/api/stops-at-location?date=2016-06", http::status::bad_request)["message"]
              .get<std::string>()
              .starts_with("location_id:"));
}
