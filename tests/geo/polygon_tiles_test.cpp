#include "geo/polygon_tiles.hpp"
#include "mvt_decoder.hpp"

#include <boost/geometry/algorithms/correct.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

using namespace crimemap::geo;

namespace {

using ring = std::vector<tile_point>;

// A WGS84 rectangle, west, south, east, north, with the rectangles in `holes` cut out.
polygon rectangle(double west, double south, double east, double north,
                  const std::vector<std::vector<double>>& holes = {}) {
    polygon p;
    p.outer() = {{west, south}, {west, north}, {east, north}, {east, south}, {west, south}};
    for (const auto& h : holes) p.inners().push_back({{h[0], h[1]}, {h[2], h[1]}, {h[2], h[3]}, {h[0], h[3]}, {h[0], h[1]}});
    boost::geometry::correct(p);
    return p;
}

multi_polygon shape(polygon p) { return multi_polygon{std::move(p)}; }

// What one query emits, by shape id.
std::map<std::uint32_t, std::vector<ring>> query(const polygon_tiles& tiles, tile_id tile, std::uint32_t buffer = 0) {
    std::map<std::uint32_t, std::vector<ring>> out;
    tiles.query(tile, 4096, buffer, [&](std::uint32_t id, std::span<const ring> rings) {
        CHECK(out.count(id) == 0);
        out[id].assign(rings.begin(), rings.end());
    });
    return out;
}

// Twice the surveyor's area, y down: positive for MVT's exterior rings.
std::int64_t doubled_area(const ring& r) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const auto& a = r[i];
        const auto& b = r[(i + 1) % r.size()];
        sum += std::int64_t{a.x} * b.y - std::int64_t{b.x} * a.y;
    }
    return sum;
}

// The corners of an axis-aligned ring, sorted, to compare rings whatever their start.
std::vector<std::pair<int, int>> corners(const ring& r) {
    std::vector<std::pair<int, int>> out;
    for (const auto& p : r) out.emplace_back(p.x, p.y);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::pair<int, int>> box_corners(int x0, int y0, int x1, int y1) {
    return corners({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}});
}

}  // namespace

// The square of ±10 degrees about 0, 0 lies from 3868.44 to 4323.56 tile units across and from
// 3867.28 to 4324.72 down at zoom 1 (x = (lon + 180) / 360, y from the Mercator formula, times 2 × 4096).
TEST_CASE("a polygon across tile edges is cut to each tile it touches") {
    const multi_polygon shapes[] = {shape(rectangle(-10, -10, 10, 10))};
    polygon_tiles tiles(shapes);
    REQUIRE(tiles.size() == 1);

    auto north_west = query(tiles, {1, 0, 0});
    REQUIRE(north_west.size() == 1);
    REQUIRE(north_west.at(0).size() == 1);
    CHECK(corners(north_west.at(0)[0]) == box_corners(3868, 3867, 4096, 4096));
    CHECK(doubled_area(north_west.at(0)[0]) > 0);

    auto south_east = query(tiles, {1, 1, 1});
    REQUIRE(south_east.size() == 1);
    CHECK(corners(south_east.at(0)[0]) == box_corners(0, 0, 228, 229));
    CHECK(doubled_area(south_east.at(0)[0]) > 0);

    CHECK(query(tiles, {1, 1, 0}).size() == 1);
    CHECK(query(tiles, {1, 0, 1}).size() == 1);

    // With a buffer the cut is at the buffer's edge instead of the tile's.
    auto buffered = query(tiles, {1, 0, 0}, 64);
    CHECK(corners(buffered.at(0)[0]) == box_corners(3868, 3867, 4160, 4160));

    // The rings as written decode to the same rectangle.
    mvt_layer layer("neighbourhoods");
    layer.add_polygon({}, north_west.at(0));
    std::string bytes;
    layer.finish_into(bytes);
    crimemap::test::decoded_tile decoded(bytes);
    REQUIRE(decoded.features.size() == 1);
    REQUIRE(wkbFlatten(decoded.features[0].geometry->getGeometryType()) == wkbPolygon);
    CHECK(decoded.features[0].geometry->toPolygon()->get_Area() == Approx(228.0 * 229.0));
}

TEST_CASE("a polygon's holes are kept, wound against the exterior, and cut like it") {
    const multi_polygon shapes[] = {shape(rectangle(-10, -10, 10, 10, {{-5, -5, 5, 5}}))};
    polygon_tiles tiles(shapes);

    // At zoom 0 the whole polygon is inside the tile: 1934.2 to 2161.8 across (1933.6 to
    // 2162.4 down), the hole 1991.1 to 2104.9 (1991.0 to 2105.0 down).
    auto whole = query(tiles, {0, 0, 0});
    REQUIRE(whole.at(0).size() == 2);
    CHECK(doubled_area(whole.at(0)[0]) > 0);
    CHECK(doubled_area(whole.at(0)[1]) < 0);
    CHECK(corners(whole.at(0)[0]) == box_corners(1934, 1934, 2162, 2162));
    CHECK(corners(whole.at(0)[1]) == box_corners(1991, 1991, 2105, 2105));

    // At zoom 1 the hole is cut at the tile edge as well: one corner of it in each tile.
    auto north_west = query(tiles, {1, 0, 0});
    REQUIRE(north_west.at(0).size() == 2);
    CHECK(doubled_area(north_west.at(0)[0]) > 0);
    CHECK(doubled_area(north_west.at(0)[1]) < 0);
    // The hole spans ±5 degrees: 3982.2 to 4209.8 across, 3982.1 to 4209.9 down.
    CHECK(corners(north_west.at(0)[1]) == box_corners(3982, 3982, 4096, 4096));
}

TEST_CASE("a polygon wholly covering a tile gives the tile and its buffer") {
    const multi_polygon shapes[] = {shape(rectangle(-170, -80, 170, 80))};
    polygon_tiles tiles(shapes);
    auto inside = query(tiles, {4, 8, 8}, 64);
    REQUIRE(inside.size() == 1);
    REQUIRE(inside.at(0).size() == 1);
    CHECK(corners(inside.at(0)[0]) == box_corners(-64, -64, 4160, 4160));
    CHECK(doubled_area(inside.at(0)[0]) == 2 * std::int64_t{4224} * 4224);

    auto unbuffered = query(tiles, {12, 2100, 2000});
    REQUIRE(unbuffered.size() == 1);
    CHECK(corners(unbuffered.at(0)[0]) == box_corners(0, 0, 4096, 4096));
}

TEST_CASE("a polygon smaller than a tile unit vanishes at low zooms and shows at high ones") {
    // About 0.0001 degrees a side (8 m) in London: 0.0012 tile units at zoom 0, 1,193 at zoom 20.
    const multi_polygon shapes[] = {shape(rectangle(-0.1, 51.5, -0.0999, 51.50006))};
    polygon_tiles tiles(shapes);
    CHECK(query(tiles, {0, 0, 0}).empty());
    CHECK(query(tiles, {8, 127, 85}).empty());
    auto w = to_world(-0.09995, 51.50003);
    tile_id z20{20, w.x >> 12, w.y >> 12};
    auto close = query(tiles, z20);
    REQUIRE(close.size() == 1);
    REQUIRE(close.at(0).size() == 1);
    CHECK(close.at(0)[0].size() >= 3);
    CHECK(doubled_area(close.at(0)[0]) > 0);
}

TEST_CASE("shapes keep their positions as ids; empty and distant shapes give nothing") {
    polygon reversed = rectangle(-10, -10, 10, 10);
    std::reverse(reversed.outer().begin(), reversed.outer().end());  // wound the wrong way round
    const multi_polygon shapes[] = {multi_polygon{}, shape(rectangle(100, 10, 110, 20)), shape(reversed)};
    polygon_tiles tiles(shapes);
    CHECK(tiles.size() == 3);
    auto found = query(tiles, {1, 0, 0});
    REQUIRE(found.size() == 1);
    REQUIRE(found.count(2) == 1);
    CHECK(doubled_area(found.at(2)[0]) > 0);  // MVT's winding whatever the input's
    CHECK(corners(found.at(2)[0]) == box_corners(3868, 3867, 4096, 4096));
    auto east = query(tiles, {1, 1, 0});
    CHECK(east.size() == 2);
    CHECK(east.count(1) == 1);
}

TEST_CASE("a shape beside a tile is found through the buffer only") {
    // 0.5 to 1 degree east lies 4107.4 to 4118.8 tile units across zoom 1's western tiles.
    const multi_polygon shapes[] = {shape(rectangle(0.5, 10, 1, 20))};
    polygon_tiles tiles(shapes);
    CHECK(query(tiles, {1, 0, 0}).empty());
    auto buffered = query(tiles, {1, 0, 0}, 64);
    REQUIRE(buffered.size() == 1);
    REQUIRE(buffered.at(0).size() == 1);
    for (const auto& p : buffered.at(0)[0]) {
        CHECK(p.x >= 4107);
        CHECK(p.x <= 4119);
    }
}
