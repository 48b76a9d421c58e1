// generator/geometry.hpp: micro-degree rings, the force's flat frame, and directions without libm.

#include "generator/geometry.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace crimemap::generator;

namespace {

/// A counter-clockwise square from (0, 0) to (100, 100) micro-degrees.
const ring square{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}};

}  // namespace

TEST_CASE("a ring holds the points inside it and none outside", "[generate]") {
    CHECK(ring_contains(square, {50, 50}));
    CHECK(ring_contains(square, {1, 99}));
    CHECK_FALSE(ring_contains(square, {150, 50}));
    CHECK_FALSE(ring_contains(square, {50, -1}));
    const ring notch{{0, 0}, {100, 0}, {100, 100}, {50, 10}, {0, 100}, {0, 0}};
    CHECK_FALSE(ring_contains(notch, {50, 50}));  // in the notch
    CHECK(ring_contains(notch, {10, 50}));
}

TEST_CASE("a ring's signed area is positive counter-clockwise, and its distance is to the nearest edge",
          "[generate]") {
    CHECK(twice_signed_area(square) == 2 * 100 * 100);
    const ring clockwise(square.rbegin(), square.rend());
    CHECK(twice_signed_area(clockwise) == -2 * 100 * 100);
    CHECK(distance_to_ring(square, {50, 10}) == Approx(10.0));
    CHECK(distance_to_ring(square, {130, 140}) == Approx(50.0));  // to the corner (100, 100)
}

TEST_CASE("unit vectors and the cosine series agree with the maths library", "[generate]") {
    for (double angle = -10.0; angle <= 10.0; angle += 0.37) {
        INFO("angle " << angle);
        const auto [c, s] = unit_at(angle);
        CHECK(c == Approx(std::cos(angle)).margin(1e-12));
        CHECK(s == Approx(std::sin(angle)).margin(1e-7));  // from sqrt(1 - c²): less exact near ±1
        CHECK(c * c + s * s == Approx(1.0));
    }
    CHECK(series_cos(0.0) == 1.0);
    CHECK(series_cos(pi / 3) == Approx(0.5).margin(1e-15));
}

TEST_CASE("compass names the eight directions", "[generate]") {
    CHECK(compass(1, 0) == "East");
    CHECK(compass(-1, 0.1) == "West");
    CHECK(compass(0, 1) == "North");
    CHECK(compass(0.1, -1) == "South");
    CHECK(compass(1, 1) == "North East");
    CHECK(compass(-1, 1) == "North West");
    CHECK(compass(1, -1) == "South East");
    CHECK(compass(-1, -1) == "South West");
}

TEST_CASE("a polyline's length and its points along it, clamped to its ends", "[generate]") {
    const std::vector<frame_point> line{{0, 0}, {30, 40}, {30, 50}};
    CHECK(line_length(line) == Approx(60.0));
    const frame_point half = point_along(line, 25.0);
    CHECK(half.x == Approx(15.0));
    CHECK(half.y == Approx(20.0));
    const frame_point bend = point_along(line, 55.0);
    CHECK(bend.x == Approx(30.0));
    CHECK(bend.y == Approx(45.0));
    CHECK(point_along(line, -5.0).x == 0.0);
    CHECK(point_along(line, 500.0).y == 50.0);
}

TEST_CASE("a force's flat frame puts its south-west corner at the origin, in metres", "[generate]") {
    const local_frame frame(-1.0, 51.0, 51.5);
    const micro_point corner = frame.to_micro(0.0, 0.0);
    CHECK(corner.lon == -1000000);
    CHECK(corner.lat == 51000000);
    CHECK(frame.height_of(52.0) == Approx(local_frame::metres_per_degree_latitude));
    CHECK(frame.width_of(0.0) == Approx(111200.0 * std::cos(51.5 * pi / 180.0)));
    const micro_point north = frame.to_micro(0.0, local_frame::metres_per_degree_latitude);
    CHECK(north.lat == 52000000);
}
