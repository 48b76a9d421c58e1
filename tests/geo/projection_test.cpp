#include "geo/projection.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::geo;

TEST_CASE("British National Grid converts to WGS84 within metres") {
    to_wgs84 grid("EPSG:27700");
    // SW1A 1AA, Buckingham Palace: published as E 529090, N 179645 and 51.501009, -0.141588.
    auto palace = grid.convert(529090, 179645);
    CHECK(palace.x() == Approx(-0.141588).margin(5e-5));  // 5e-5 degrees is under 6 m here
    CHECK(palace.y() == Approx(51.501009).margin(5e-5));
}

TEST_CASE("an unknown coordinate system is refused by name") {
    CHECK_THROWS_WITH(to_wgs84("EPSG:999999"), Catch::Contains("EPSG:999999"));
}
