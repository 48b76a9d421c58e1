#include "geo/polygon_index.hpp"

#include <boost/geometry/algorithms/correct.hpp>
#include <catch2/catch.hpp>

using namespace crimemap::geo;

namespace {

multi_polygon square(double west, double south, double east, double north) {
    polygon p;
    p.outer() = {{west, south}, {west, north}, {east, north}, {east, south}, {west, south}};
    boost::geometry::correct(p);
    return {p};
}

}  // namespace

TEST_CASE("a point finds the polygon that holds it, and none outside all of them") {
    polygon_index index({square(0, 0, 1, 1), square(1, 0, 2, 1), square(5, 5, 6, 6)});
    CHECK(index.find(lonlat(0.5, 0.5)) == 0u);
    CHECK(index.find(lonlat(1.5, 0.5)) == 1u);
    CHECK(index.find(lonlat(5.5, 5.9)) == 2u);
    CHECK_FALSE(index.find(lonlat(3, 3)));
}

TEST_CASE("a point on an edge two polygons share always gets the lower id") {
    polygon_index index({square(1, 0, 2, 1), square(0, 0, 1, 1)});
    CHECK(index.find(lonlat(1, 0.5)) == 0u);
}

TEST_CASE("a hole in a polygon is outside it") {
    polygon with_hole;
    with_hole.outer() = {{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}};
    with_hole.inners().push_back({{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}});
    boost::geometry::correct(with_hole);
    polygon_index index({multi_polygon{with_hole}});
    CHECK(index.find(lonlat(0.5, 0.5)) == 0u);
    CHECK_FALSE(index.find(lonlat(2, 2)));
}
