#include "geo/web_mercator.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

using namespace crimemap::geo;

namespace {

constexpr std::uint64_t world = std::uint64_t{1} << 32;
constexpr std::uint32_t half = std::uint32_t{1} << 31;
constexpr std::uint32_t last_unit = 0xFFFFFFFFu;
// One grid unit is 360 / 2^32 degrees of longitude, about 8.4e-8.
constexpr double one_unit = 360.0 / 4294967296.0;

}  // namespace

TEST_CASE("the world grid puts 0, 0 at its centre and the Mercator corners at its corners") {
    CHECK(to_world(0, 0) == world_point{half, half});
    CHECK(to_world(-180, max_mercator_latitude) == world_point{0, 0});
    CHECK(to_world(180, -max_mercator_latitude) == world_point{last_unit, last_unit});
    auto north_west = to_lonlat(0, 0);
    CHECK(north_west.x() == -180.0);
    CHECK(north_west.y() == Approx(max_mercator_latitude).epsilon(1e-12));
    auto south_east = to_lonlat(static_cast<double>(world), static_cast<double>(world));
    CHECK(south_east.x() == 180.0);
    CHECK(south_east.y() == Approx(-max_mercator_latitude).epsilon(1e-12));
}

TEST_CASE("latitudes beyond ±85.0511 are clamped to the edge of the grid") {
    CHECK(to_world(10, 89.9).y == 0);
    CHECK(to_world(10, 90).y == 0);
    CHECK(to_world(10, -90).y == last_unit);
    CHECK(to_world(10, 85.06).y == to_world(10, max_mercator_latitude).y);
    // Just inside the limit is just inside the grid.
    CHECK(to_world(10, 85.05).y > 0);
    CHECK(to_world(10, -85.05).y < last_unit);
}

TEST_CASE("WGS84 to the grid and back comes within one grid unit") {
    const double places[][2] = {
        {-0.1276, 51.5072},         // London
        {-3.1883, 55.9533},         // Edinburgh
        {151.2093, -33.8688},       // Sydney
        {179.9999999, 0.0},         // just west of the antimeridian
        {-179.9999999, -12.5},      // just east of it
        {12.0, 85.05},              // near the northern limit
        {-70.0, -85.05},            // near the southern limit
    };
    for (const auto& place : places) {
        CAPTURE(place[0], place[1]);
        auto w = to_world(place[0], place[1]);
        auto back = to_lonlat(w.x, w.y);  // the cell's north-west corner
        CHECK(back.x() <= place[0]);
        CHECK(back.x() == Approx(place[0]).margin(one_unit));
        CHECK(back.y() >= place[1]);
        CHECK(back.y() == Approx(place[1]).margin(1e-6));
        // And the cell's centre maps back to the same cell.
        auto centre = to_lonlat(w.x + 0.5, w.y + 0.5);
        CHECK(to_world(centre.x(), centre.y()) == w);
    }
}

TEST_CASE("the antimeridian: -180 is the grid's first column, 180 its last") {
    CHECK(to_world(-180, 0).x == 0);
    CHECK(to_world(180, 0).x == last_unit);
    CHECK(to_world(179.99999, 0).x / (world >> 3) == 7);  // in the last column of tiles at zoom 3
    auto west = tile_bounds_lonlat({3, 0, 3});
    auto east = tile_bounds_lonlat({3, 7, 3});
    CHECK(west.min_corner().x() == -180.0);
    CHECK(east.max_corner().x() == 180.0);
    CHECK(east.min_corner().x() == 135.0);
}

TEST_CASE("Morton codes interleave x in the even bits and y in the odd") {
    CHECK(morton_code({0, 0}) == 0);
    CHECK(morton_code({1, 0}) == 1);
    CHECK(morton_code({0, 1}) == 2);
    CHECK(morton_code({3, 3}) == 15);
    CHECK(morton_code({0b101, 0}) == 0b10001);
    CHECK(morton_code({last_unit, last_unit}) == ~std::uint64_t{0});
    CHECK(morton_code({last_unit, 0}) == 0x5555555555555555ull);
}

TEST_CASE("a tile's first and last codes are those of its north-west and south-east grid units") {
    CHECK(tile_first_code({0, 0, 0}) == 0);
    CHECK(tile_last_code({0, 0, 0}) == ~std::uint64_t{0});
    CHECK(tile_first_code({1, 1, 0}) == std::uint64_t{1} << 62);
    CHECK(tile_last_code({1, 1, 0}) == (std::uint64_t{2} << 62) - 1);
    CHECK(tile_first_code({1, 0, 1}) == std::uint64_t{2} << 62);
    CHECK(tile_last_code({1, 1, 1}) == ~std::uint64_t{0});
    const tile_id tiles[] = {{1, 1, 0}, {5, 17, 9}, {12, 2047, 1362}, {20, 523787, 348562}, {20, 0, 1048575}};
    for (const auto& tile : tiles) {
        CAPTURE(tile.z, tile.x, tile.y);
        auto origin = tile_origin(tile);
        auto last = static_cast<std::uint32_t>(tile_size(tile) - 1);
        CHECK(tile_first_code(tile) == morton_code(origin));
        CHECK(tile_last_code(tile) == morton_code({origin.x + last, origin.y + last}));
        // The other two corners fall inside, the units beside the tile outside.
        auto ne = morton_code({origin.x + last, origin.y});
        auto sw = morton_code({origin.x, origin.y + last});
        CHECK(ne > tile_first_code(tile));
        CHECK(ne < tile_last_code(tile));
        CHECK(sw > tile_first_code(tile));
        CHECK(sw < tile_last_code(tile));
        if (origin.x > 0) {
            auto west = morton_code({origin.x - 1, origin.y});
            CHECK((west < tile_first_code(tile) || west > tile_last_code(tile)));
        }
        if (origin.y + last < last_unit) {
            auto south = morton_code({origin.x, origin.y + last + 1});
            CHECK((south < tile_first_code(tile) || south > tile_last_code(tile)));
        }
    }
}

TEST_CASE("a tile's origin and side on the world grid") {
    CHECK(tile_origin({0, 0, 0}) == world_point{0, 0});
    CHECK(tile_size({0, 0, 0}) == world);
    CHECK(tile_origin({1, 1, 1}) == world_point{half, half});
    CHECK(tile_size({1, 1, 1}) == half);
    CHECK(tile_origin({20, 3, 5}) == world_point{3u << 12, 5u << 12});
    CHECK(tile_size({20, 3, 5}) == 4096);
    CHECK(tile_origin({20, 1048575, 1048575}) == world_point{last_unit - 4095, last_unit - 4095});
}

TEST_CASE("tile bounds in degrees match hand-computed values") {
    auto whole = tile_bounds_lonlat({0, 0, 0});
    CHECK(whole.min_corner().x() == -180.0);
    CHECK(whole.max_corner().x() == 180.0);
    CHECK(whole.min_corner().y() == Approx(-max_mercator_latitude).epsilon(1e-12));
    CHECK(whole.max_corner().y() == Approx(max_mercator_latitude).epsilon(1e-12));

    auto north_east = tile_bounds_lonlat({1, 1, 0});
    CHECK(north_east.min_corner().x() == 0.0);
    CHECK(north_east.min_corner().y() == Approx(0.0).margin(1e-12));
    CHECK(north_east.max_corner().x() == 180.0);

    // Zoom 2, x 1, y 1: north edge at a quarter of the world, atan(sinh(pi / 2)).
    auto z2 = tile_bounds_lonlat({2, 1, 1});
    CHECK(z2.min_corner().x() == -90.0);
    CHECK(z2.max_corner().x() == 0.0);
    CHECK(z2.min_corner().y() == Approx(0.0).margin(1e-12));
    CHECK(z2.max_corner().y() == Approx(66.51326044311186).epsilon(1e-12));

    // Zoom 10, x 511, y 340: central London, west of Greenwich.
    auto london = tile_bounds_lonlat({10, 511, 340});
    CHECK(london.min_corner().x() == -0.3515625);
    CHECK(london.max_corner().x() == Approx(0.0).margin(1e-12));
    CHECK(london.max_corner().y() == Approx(51.6180165487737).epsilon(1e-12));
    CHECK(london.min_corner().y() == Approx(51.39920565355377).epsilon(1e-12));
}

TEST_CASE("a tile is valid up to zoom 20 and inside its zoom's grid") {
    CHECK(is_valid({0, 0, 0}));
    CHECK_FALSE(is_valid({0, 1, 0}));
    CHECK(is_valid({20, 1048575, 1048575}));
    CHECK_FALSE(is_valid({20, 1048576, 0}));
    CHECK_FALSE(is_valid({21, 0, 0}));
    CHECK_FALSE(is_valid({3, 0, 8}));
}
