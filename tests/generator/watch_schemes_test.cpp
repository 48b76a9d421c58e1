// generator/watch_schemes.cpp: watch/schemes.geojson.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("watch schemes are features with unique ids and a known status", "[generate]") {
    const nlohmann::json schemes =
        nlohmann::json::parse(read_file(sample().folder.path() / "watch" / "schemes.geojson"));
    CHECK(schemes.at("type") == "FeatureCollection");
    const std::set<std::string> statuses{"self-declared", "verified-by-volunteer", "verified-by-police"};
    std::set<std::string> ids;
    std::size_t polygons = 0;
    for (const auto& feature : schemes.at("features")) {
        const auto& properties = feature.at("properties");
        ids.insert(properties.at("id").get<std::string>());
        CHECK(statuses.count(properties.at("status").get<std::string>()) == 1);
        CHECK(properties.at("households").is_number_integer());
        for (const char* key : {"name", "description", "website", "meetings"}) {
            CHECK(properties.at(key).is_string());
        }
        const auto& geometry = feature.at("geometry");
        if (geometry.at("type") == "Polygon") {
            ++polygons;
            const auto& ring = geometry.at("coordinates").at(0);
            REQUIRE(ring.size() >= 4);
            CHECK(ring.front() == ring.back());
        } else {
            CHECK(geometry.at("type") == "Point");
            CHECK(geometry.at("coordinates").size() == 2);
        }
    }
    CHECK(ids.size() == schemes.at("features").size());
    CHECK(ids.size() == sample().summary.schemes);
    CHECK(polygons > 0);
    CHECK(polygons < ids.size());
}
