// Area summaries and search, on generated data (which has populations and postcodes),
// against counts taken straight from the store.

#include "data/vocabulary/months.hpp"
#include "data/store/store.hpp"
#include "server/router.hpp"
#include "server/server_fixtures.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

const app_state& state() { return generated_app_state(); }

json call(const std::string& target, http::status expected = http::status::ok) {
    request req{http::verb::get, target, 11};
    auto res = handle_request(req, state());
    INFO(target << " → " << res.body().substr(0, 300));
    REQUIRE(res.result() == expected);
    return json::parse(res.body());
}

std::int64_t store_int(const std::string& sql, std::initializer_list<std::string> texts = {}) {
    auto store = data::open_store_for_reading(shared_generated_data().db);
    data::Statement s(store, sql);
    int i = 1;
    for (const auto& t : texts) s.bind(i++, std::string_view(t));
    REQUIRE(s.step());
    return s.column_int(0);
}

// The neighbourhood with the most crimes, and the latest month.
struct busiest_neighbourhood {
    std::string force, id;
    std::int64_t key = 0;
};
busiest_neighbourhood busiest() {
    auto store = data::open_store_for_reading(shared_generated_data().db);
    data::Statement s(store, "SELECT n.force, n.id, n.key FROM crimes c JOIN locations l ON l.id = c.location "
                             "JOIN neighbourhoods n ON n.key = l.neighbourhood GROUP BY n.key ORDER BY count(*) DESC LIMIT 1");
    REQUIRE(s.step());
    return {std::string(s.column_text(0)), std::string(s.column_text(1)), s.column_int(2)};
}

}  // namespace

TEST_CASE("a neighbourhood's summary counts its month by category, trend, outcomes and busiest places") {
    auto n = busiest();
    const int month = shared_generated_data().snapshot->last_updated;
    auto summary = call("/api/summary/" + n.force + "/" + n.id);
    CHECK(summary["month"] == data::month_text(month));
    CHECK(summary["area"]["neighbourhood"] == n.id);
    auto total = store_int("SELECT count(*) FROM crimes c JOIN locations l ON l.id = c.location WHERE l.neighbourhood = " +
                           std::to_string(n.key) + " AND c.month = " + std::to_string(month));
    REQUIRE(total > 0);
    CHECK(summary["total"] == total);
    std::int64_t by_category = 0;
    for (const auto& c : summary["by_category"]) {
        by_category += c["count"].get<std::int64_t>();
        CHECK(c["count"] == store_int("SELECT count(*) FROM crimes c JOIN locations l ON l.id = c.location "
                                      "JOIN crime_types t ON t.id = c.crime_type WHERE l.neighbourhood = " +
                                          std::to_string(n.key) + " AND c.month = " + std::to_string(month) +
                                          " AND t.slug = ?",
                                      {c["category"].get<std::string>()}));
    }
    CHECK(by_category == total);
    // The trend ends with this month; the generated data has two months, so ten are empty.
    const auto& trend = summary["trend"];
    REQUIRE(trend["months"].size() == 12);
    CHECK(trend["months"][11] == data::month_text(month));
    CHECK(trend["total"][11] == total);
    CHECK(trend["has_data"][10] == true);
    CHECK(trend["has_data"][0] == false);
    CHECK(trend["total"][0].is_null());
    double shares = 0;
    std::int64_t outcome_count = 0;
    for (const auto& o : summary["outcomes"]) {
        shares += o["share"].get<double>();
        outcome_count += o["count"].get<std::int64_t>();
    }
    CHECK(outcome_count == total);
    CHECK(shares == Approx(1.0));
    const auto& places = summary["busiest_locations"];
    REQUIRE_FALSE(places.empty());
    CHECK(places.size() <= 10);
    for (std::size_t i = 1; i < places.size(); ++i) CHECK(places[i - 1]["count"] >= places[i]["count"]);
    CHECK(places[0]["count"] == store_int("SELECT count(*) FROM crimes WHERE month = " + std::to_string(month) +
                                          " AND location = " + std::to_string(places[0]["location_id"].get<std::int64_t>())));
}

TEST_CASE("a neighbourhood's crimes per 1,000 residents are set against its force's") {
    auto n = busiest();
    auto summary = call("/api/summary/" + n.force + "/" + n.id);
    const auto& rate = summary["rate"];
    REQUIRE(rate["population"].is_number());
    // To two places, as docs/api.md shows.
    CHECK(rate["crimes_per_1000"].get<double>() ==
          Approx(summary["total"].get<double>() * 1000 / rate["population"].get<double>()).margin(0.005));
    CHECK(rate["crimes_per_1000"].get<double>() * 100 == Approx(std::round(rate["crimes_per_1000"].get<double>() * 100)));
    const auto& force = rate["force"];
    CHECK(force["id"] == n.force);
    const int month = shared_generated_data().snapshot->last_updated;
    CHECK(force["crimes"] == store_int("SELECT count(*) FROM crimes c JOIN locations l ON l.id = c.location JOIN "
                                       "neighbourhoods n ON n.key = l.neighbourhood WHERE n.force = ? AND c.month = " +
                                           std::to_string(month),
                                       {n.force}));
    CHECK(force["crimes_per_1000"].get<double>() ==
          Approx(force["crimes"].get<double>() * 1000 / force["population"].get<double>()).margin(0.005));
}

TEST_CASE("a summary around a point or in a polygon counts what crimes-street returns there") {
    auto n = busiest();
    auto summary = call("/api/summary/" + n.force + "/" + n.id);
    auto lat = summary["busiest_locations"][0]["latitude"].get<double>();
    auto lng = summary["busiest_locations"][0]["longitude"].get<double>();
    char at[96];
    std::snprintf(at, sizeof at, "lat=%.6f&lng=%.6f", lat, lng);
    auto circle = call(std::string("/api/summary?") + at);
    CHECK(circle["area"]["type"] == "circle");
    CHECK(circle["total"] == call(std::string("/api/crimes-street/all-crime?") + at).size());
    CHECK(circle["rate"]["population"].is_null());
    CHECK(circle["rate"]["force"]["id"].is_string());
    std::snprintf(at, sizeof at, "poly=%.6f,%.6f:%.6f,%.6f:%.6f,%.6f", lat - 0.01, lng - 0.01, lat - 0.01, lng + 0.01,
                  lat + 0.01, lng);
    auto triangle = call(std::string("/api/summary?") + at);
    CHECK(triangle["area"]["type"] == "polygon");
    CHECK(triangle["total"] == call(std::string("/api/crimes-street/all-crime?") + at).size());
}

TEST_CASE("summaries refuse bad parameters by name and unknown neighbourhoods with a 404") {
    CHECK(call("/api/summary?lat=52", http::status::bad_request)["message"].get<std::string>().starts_with("lng:"));
    CHECK(call("/api/summary?lat=52&lng=-1&date=2024", http::status::bad_request)["message"].get<std::string>().starts_with(
        "date:"));
    CHECK(call("/api/summary/atlantis/X1", http::status::not_found)["message"].get<std::string>().find("atlantis") !=
          std::string::npos);
    auto n = busiest();
    call("/api/summary/" + n.force + "/NOPE", http::status::not_found);
    // A month without data is an empty summary that says so.
    auto empty = call("/api/summary/" + n.force + "/" + n.id + "?date=1999-01");
    CHECK(empty["month_has_data"] == false);
    CHECK(empty["total"] == 0);
}

TEST_CASE("search finds a postcode in any case and spacing, and says when a postcode is unknown") {
    auto store = data::open_store_for_reading(shared_generated_data().db);
    data::Statement s(store, "SELECT postcode, label, latitude, longitude FROM postcodes ORDER BY postcode LIMIT 1");
    REQUIRE(s.step());
    std::string compact(s.column_text(0)), label(s.column_text(1));
    double lat = s.column_double(2), lng = s.column_double(3);
    std::string lower = compact;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string spaced = compact.substr(0, compact.size() - 3) + "%20%20" + compact.substr(compact.size() - 3);
    for (const auto& q : {lower, spaced, compact}) {
        auto results = call("/api/search?q=" + q);
        REQUIRE(results.size() == 1);
        CHECK(results[0]["type"] == "postcode");
        CHECK(results[0]["label"] == label);
        CHECK(results[0]["latitude"].get<double>() == Approx(lat).margin(1e-6));
        CHECK(results[0]["longitude"].get<double>() == Approx(lng).margin(1e-6));
        CHECK(results[0].contains("force"));
        CHECK(results[0].contains("neighbourhood"));
    }
    auto unknown = call("/api/search?q=ZZ99%209ZZ", http::status::not_found);
    CHECK(unknown["message"].get<std::string>().find("ZZ99 9ZZ") != std::string::npos);
}

TEST_CASE("search finds neighbourhoods, towns and streets by name, best match first, at most ten") {
    const auto& s = *shared_generated_data().snapshot;
    const auto& n = s.neighbourhoods.front();
    auto by_name = call("/api/search?q=" + [&] {
        std::string q;
        for (char c : n.name) q += c == ' ' ? std::string("%20") : std::string(1, static_cast<char>(std::toupper(c)));
        return q;
    }());
    REQUIRE_FALSE(by_name.empty());
    CHECK(by_name[0]["label"] == n.name);
    CHECK(by_name[0]["type"] == "neighbourhood");
    CHECK(by_name[0]["force"] == n.force);
    CHECK(by_name[0]["neighbourhood"] == n.id);

    // A street as published ("On or near ...") finds the street.
    std::string street(s.streets[s.location_streets[0]]);
    REQUIRE(street.starts_with("On or near "));
    std::string q;
    for (char c : street) q += c == ' ' ? std::string("%20") : std::string(1, c);
    auto streets = call("/api/search?q=" + q);
    REQUIRE_FALSE(streets.empty());
    CHECK(streets[0]["type"] == "street");
    CHECK(streets[0]["label"].get<std::string>().starts_with(street.substr(11)));

    auto common = call("/api/search?q=e");  // matches nearly everything
    CHECK(common.size() == 10);
    // A town, named as its LSOAs are ("Quillwell 014B").
    auto store = data::open_store_for_reading(shared_generated_data().db);
    data::Statement lsoa(store, "SELECT name FROM lsoas ORDER BY id LIMIT 1");
    REQUIRE(lsoa.step());
    std::string town(lsoa.column_text(0));
    town = town.substr(0, town.rfind(' '));
    auto towns = call("/api/search?q=" + town);
    REQUIRE_FALSE(towns.empty());
    CHECK(towns[0]["type"] == "town");
    CHECK(towns[0]["label"] == town);
    CHECK(call("/api/search?q=", http::status::bad_request)["message"].get<std::string>().starts_with("q:"));
    CHECK(call("/api/search?q=qqqqqqqqqx").empty());
}
