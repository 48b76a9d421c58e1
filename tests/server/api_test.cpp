// The data.police.uk-compatible API: shapes against the real responses in
// ../shared/data/police-uk/api-examples, and each edge behaviour on its own.

#include "server/handlers.hpp"
#include "test_support.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

json example(const std::string& name) {
    std::ifstream in(shared_data("police-uk/api-examples/" + name));
    REQUIRE(in);
    return json::parse(in);
}

// Every member of `expected` is present in `actual` with the same JSON type, recursively
// (arrays: their first elements); null in the example accepts any type.
void check_same_shape(const json& expected, const json& actual, const std::string& where) {
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
        import_paths(dir.file("store.sqlite"),
                     {(dir.path() / "data").string(), shared_data("police-uk/city-of-london/2016-06"),
                      shared_data("police-uk/city-of-london/2016-07"),
                      shared_data("police-uk/metropolitan/2016-06/2016-06-metropolitan-stop-and-search.csv")});
        state.snapshot = data::load_snapshot(dir.file("store.sqlite"));
    }
};

api_data& shared_api_data() {
    static api_data data;
    return data;
}

response get(const std::string& target) {
    request req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:8080");
    return handle_request(req, shared_api_data().state);
}

json get_json(const std::string& target, http::status expected = http::status::ok) {
    auto res = get(target);
    INFO(target << " → " << res.body());
    REQUIRE(res.result() == expected);
    CHECK(res[http::field::content_type] == "application/json");
    return json::parse(res.body());
}

}  // namespace

TEST_CASE("forces and a force have the API's shapes") {
    auto list = get_json("/api/forces");
    REQUIRE(list.size() == 1);
    check_same_shape(example("police-force-reference.json"), list[0], "forces[0]");
    auto force = get_json("/api/forces/leicestershire");
    check_same_shape(example("police-force.json"), force, "forces/leicestershire");
    auto people = get_json("/api/forces/leicestershire/people");
    REQUIRE(people.size() == 1);
    check_same_shape(example("police-officer.json"), people[0], "forces/leicestershire/people[0]");
    CHECK(get_json("/api/forces/atlantis", http::status::not_found)["error"] == "not-found");
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
}

TEST_CASE("a GET URL longer than 4,094 characters is a 400") {
    std::string target = "/api/crime-categories?date=2016-06&pad=" + std::string(4100, 'x');
    CHECK(get_json(target, http::status::bad_request)["message"].get<std::string>().find("4,094") != std::string::npos);
}
