#pragma once
// The API tests' store: the api-examples imported as a force's published data, real City of
// London crimes, Metropolitan stop and search, and made-up outcomes for real crimes; with
// helpers to call the API and compare shapes.

#include "server/router.hpp"
#include "test_support.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace crimemap::test {

namespace http = boost::beast::http;
using json = nlohmann::json;
using server::app_state;
using server::request;
using server::response;
using server::handle_request;


inline json example(const std::string& name) {
    std::ifstream in(shared_data("police-uk/api-examples/" + name));
    REQUIRE(in);
    return json::parse(in);
}

// Every member of `expected` is present in `actual` with the same JSON type, recursively
// (arrays: their first elements); null in the example accepts any type.
inline void check_same_shape(const json& expected, const json& actual, const std::string& where) {
    INFO(where);
    if (expected.is_null()) return;
    REQUIRE(actual.type_name() == std::string(expected.type_name()));
    if (expected.is_object()) {
        for (const auto& [key, value] : expected.items()) {
            INFO("member " << key);
            REQUIRE(actual.contains(key));
            check_same_shape(value, actual[key], where + "." + key);
        }
    } else if (expected.is_array() && !expected.empty() && !actual.empty()) {
        check_same_shape(expected[0], actual[0], where + "[0]");
    }
}

// The examples themselves imported as a force's published data, plus real crimes.
struct api_data {
    temp_dir dir;
    app_state state;
    std::string outcome_crime_id;
    /// Outcomes made up for 2016-08, for every fourth 2016-07 crime with a Crime ID, at its location.
    struct made_outcome {
        std::string crime_id, type;
        double lat, lng;
    };
    std::vector<made_outcome> august_outcomes;
    api_data() {
        json forces = json::array({example("police-force.json")});
        forces[0]["id"] = "leicestershire";
        forces[0]["people"] = json::array({example("police-officer.json")});
        write_file(dir.path() / "data" / "forces.json", forces.dump());
        json details = example("neighbourhood.json");
        details["id"] = "NC04";
        details["people"] = json::array({example("police-officer.json")});
        details["priorities"] = json::array({example("neighbourhood-priority.json")});
        details["events"] = json::array({{{"title", "Street surgery"}, {"type", "meeting"}, {"description", "Come along"},
                                          {"address", "Clock Tower"}, {"start_date", "2024-09-01T10:00:00"},
                                          {"end_date", "2024-09-01T12:00:00"}, {"contact_details", json::object()}}});
        write_file(dir.path() / "data" / "neighbourhoods" / "leicestershire" / "NC04.json", details.dump());
        write_file(dir.path() / "data" / "boundaries" / "leicestershire" / "NC04.kml",
                   "<?xml version=\"1.0\"?><kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark>"
                   "<Polygon><outerBoundaryIs><LinearRing><coordinates>-1.15,52.62 -1.12,52.62 -1.12,52.65 -1.15,52.65 "
                   "-1.15,52.62</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>\n");
        // 10,001 crimes at one point, far from the others: more than a crimes-street answer may hold.
        std::string crowd = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                            "Crime type,Last outcome category,Context\n";
        for (int i = 0; i < 10001; ++i) crowd += ",2016-06,T,T,-2.000000,54.000000,On or near Crowd Lane,E1,X,Anti-social behaviour,,\n";
        write_file(dir.path() / "data" / "2016-06-crowdshire-street.csv", crowd);
        // A later outcome for the first City of London crime of 2016-06 that has a Crime ID.
        std::ifstream street(shared_data("police-uk/city-of-london/2016-06/2016-06-city-of-london-street.csv"));
        std::string line;
        std::getline(street, line);
        while (std::getline(street, line) && line.front() == ',') {
        }
        outcome_crime_id = line.substr(0, line.find(','));
        write_file(dir.path() / "data" / "2016-09-city-of-london-outcomes.csv",
                   "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n" +
                       outcome_crime_id + ",2016-09,C,C,,,No Location,,,Offender given a caution\n");
        std::ifstream july(shared_data("police-uk/city-of-london/2016-07/2016-07-city-of-london-street.csv"));
        std::getline(july, line);
        std::string august = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                             "Outcome type\n";
        for (int row = 0; std::getline(july, line);) {
            if (line.front() == ',' || line.find('"') != std::string::npos || row++ % 4 != 0) continue;
            std::vector<std::string> f;
            for (std::size_t at = 0;;) {
                auto comma = line.find(',', at);
                f.push_back(line.substr(at, comma - at));
                if (comma == std::string::npos) break;
                at = comma + 1;
            }
            if (f.size() < 9 || f[4].empty()) continue;
            std::string type = row % 3 ? "Under investigation" : "Offender given a caution";
            august += f[0] + ",2016-08," + f[2] + "," + f[3] + "," + f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8] +
                      "," + type + "\n";
            august_outcomes.push_back({f[0], type, std::stod(f[5]), std::stod(f[4])});
        }
        write_file(dir.path() / "data" / "2016-08-city-of-london-outcomes.csv", august);
        import_paths(dir.file("store.sqlite"),
                     {(dir.path() / "data").string(), shared_data("police-uk/city-of-london/2016-06"),
                      shared_data("police-uk/city-of-london/2016-07"),
                      shared_data("police-uk/metropolitan/2016-06/2016-06-metropolitan-stop-and-search.csv")});
        state.snapshot = data::load_snapshot(dir.file("store.sqlite"));
        state.store = std::make_shared<data::store_readers>(dir.file("store.sqlite"));
    }
};

inline api_data& shared_api_data() {
    static api_data data;
    return data;
}

inline response get(const std::string& target) {
    request req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:8080");
    return handle_request(req, shared_api_data().state);
}

inline json get_json(const std::string& target, http::status expected = http::status::ok) {
    auto res = get(target);
    INFO(target << " → " << res.body());
    REQUIRE(res.result() == expected);
    CHECK(res[http::field::content_type] == "application/json");
    return json::parse(res.body());
}


inline // Haversine on a sphere of the mean Earth radius, as docs/api.md says the server measures.
double metres_between(double lat1, double lng1, double lat2, double lng2) {
    const double r = 6371008.8, rad = 3.14159265358979323846 / 180;
    double a = std::pow(std::sin((lat2 - lat1) * rad / 2), 2) +
               std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::pow(std::sin((lng2 - lng1) * rad / 2), 2);
    return 2 * r * std::asin(std::sqrt(a));
}

}  // namespace crimemap::test
