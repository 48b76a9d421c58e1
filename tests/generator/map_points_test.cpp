// generator/map_points.cpp: the map points, on their streets, inside one neighbourhood, weighed.

#include "generator/force_builder.hpp"
#include "generator/text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace crimemap::generator;

TEST_CASE("every map point lies well inside its neighbourhood and is listed by its street", "[generate]") {
    const std::vector<force_world> worlds = build_worlds(4, world_scale_of(20000, 12));
    for (const force_world& world : worlds) {
        INFO(world.spec->id);
        REQUIRE_FALSE(world.points.empty());
        double weights = 0.0;
        for (std::uint32_t p = 0; p < world.points.size(); ++p) {
            const map_point& point = world.points[p];
            REQUIRE(point.neighbourhood < world.neighbourhoods.size());
            const neighbourhood& cell = world.neighbourhoods[point.neighbourhood];
            REQUIRE(ring_contains(cell.boundary, point.at));
            REQUIRE(distance_to_ring(cell.boundary, point.at) >= boundary_margin_micro);
            REQUIRE(point.lsoa_index < world.lsoas.size());
            REQUIRE(point.weight > 0.0);
            REQUIRE(point.location.starts_with("On or near "));
            weights += point.weight;
            if (point.street_index != no_street) {
                const street& road = world.streets.at(point.street_index);
                CHECK(point.rural == road.rural);
                if (point.location != "On or near ") CHECK(point.location == "On or near " + road.name);
                CHECK(std::count(road.points.begin(), road.points.end(), p) == 1);
            } else {
                CHECK_FALSE(point.rural);  // a hot spot, in a place
            }
        }
        CHECK(world.crime_weight == Approx(weights));
    }
}

TEST_CASE("a map point's published text is its coordinates, street and LSOA", "[generate]") {
    const std::vector<force_world> worlds = build_worlds(4, world_scale_of(20000, 12));
    const force_world& world = worlds.front();
    for (std::uint32_t p = 0; p < world.points.size(); p += 97) {
        const map_point& point = world.points[p];
        const lsoa& area = world.lsoas[point.lsoa_index];
        CHECK(world.crime_block(p) == degrees_text(point.at.lon) + "," + degrees_text(point.at.lat) + "," +
                                          point.location + "," + area.code + "," + area.name);
        CHECK(world.stop_block(p) == degrees_text(point.at.lat) + "," + degrees_text(point.at.lon));
        CHECK(area.code.starts_with("E010"));
        CHECK(area.code.size() == 9);
    }
    CHECK(world.crime_block(no_location) == ",,No Location,,");
    CHECK(world.stop_block(no_location) == ",");
}
