// prepared_polygon against boost::geometry::covered_by by brute force: random polygons
// (simple, self-intersecting, zigzags both ways, stars, with holes), tested at random points,
// at every vertex, on edges and on the lines through vertices.
#include "geo/prepared_polygon.hpp"

#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/strategies/strategies.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <sstream>

using namespace crimemap::geo;

namespace {

// Coordinates on a grid of 1/1024 degree near Britain: sums, midpoints and the products in
// Boost.Geometry's side test are exact there, so a point on an edge is exactly on it.
double grid(std::mt19937_64& random, double from, double to) {
    std::uniform_int_distribution<long> steps(0, static_cast<long>((to - from) * 1024));
    return from + static_cast<double>(steps(random)) / 1024;
}

polygon from_points(std::vector<lonlat> points) {
    polygon p;
    p.outer().assign(points.begin(), points.end());
    boost::geometry::correct(p);
    return p;
}

// Points to try: random ones over (and a little beyond) the polygon's box, its vertices,
// midpoints of its edges, points along edges (not exactly on them), and points on the
// vertical and horizontal lines through each vertex.
std::vector<lonlat> probes(const polygon& p, std::mt19937_64& random, std::size_t count) {
    std::vector<const polygon::ring_type*> rings{&p.outer()};
    for (const auto& hole : p.inners()) rings.push_back(&hole);
    double west = 1e9, east = -1e9, south = 1e9, north = -1e9;
    for (const auto* ring : rings)
        for (const auto& v : *ring)
            west = std::min(west, v.x()), east = std::max(east, v.x()), south = std::min(south, v.y()), north = std::max(north, v.y());
    std::vector<lonlat> out;
    std::uniform_real_distribution<double> unit(0, 1);
    for (std::size_t i = 0; i < count; ++i) {
        out.emplace_back(west - 0.1 + unit(random) * (east - west + 0.2), south - 0.1 + unit(random) * (north - south + 0.2));
        out.emplace_back(grid(random, west - 0.1, east + 0.1), grid(random, south - 0.1, north + 0.1));
    }
    for (const auto* ring : rings)
        for (std::size_t i = 0; i + 1 < ring->size(); ++i) {
            const auto& a = (*ring)[i];
            const auto& b = (*ring)[i + 1];
            out.push_back(a);
            out.emplace_back((a.x() + b.x()) / 2, (a.y() + b.y()) / 2);
            double t = unit(random);
            out.emplace_back(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y()));
            out.emplace_back(a.x(), grid(random, south - 0.1, north + 0.1));
            out.emplace_back(grid(random, west - 0.1, east + 0.1), a.y());
            out.emplace_back(a.x(), b.y());
        }
    return out;
}

// Every probe answered alike, or the first that is not.
std::string differences(const polygon& p, std::mt19937_64& random, std::size_t count = 2000) {
    prepared_polygon prepared(p);
    std::size_t wrong = 0, tried = 0;
    std::ostringstream first;
    first.precision(17);
    for (const auto& q : probes(p, random, count)) {
        ++tried;
        bool want = boost::geometry::covered_by(q, p);
        if (prepared.covers(q) != want && wrong++ == 0)
            first << "at " << q.x() << "," << q.y() << " covered_by says " << want
                  << (prepared.banded_along_y() ? " (bands along y)" : " (bands along x)");
    }
    if (wrong == 0) return {};
    return std::to_string(wrong) + " of " + std::to_string(tried) + " differ, first " + first.str();
}

polygon random_star_shaped(std::mt19937_64& random, std::size_t n) {
    std::uniform_real_distribution<double> angle(0, 2 * std::numbers::pi);
    std::vector<double> angles(n);
    for (auto& a : angles) a = angle(random);
    std::sort(angles.begin(), angles.end());
    std::vector<lonlat> points;
    for (double a : angles) {
        double r = grid(random, 0.05, 1);
        points.emplace_back(-1.5 + std::round(r * std::cos(a) * 1024) / 1024, 53 + std::round(r * std::sin(a) * 1024) / 1024);
    }
    return from_points(points);
}

// Teeth from one side of a box to the other: along x (each edge long in x and short in y) or y.
polygon zigzag(std::size_t n, bool teeth_along_x) {
    std::vector<lonlat> points;
    const double west = -6, east = 2, south = 50, north = 56;
    for (std::size_t i = 0; i < n; ++i) {
        double across = (i % 2 == 0) ? 0.0 : 1.0;
        double along = static_cast<double>(i / 2) / static_cast<double>(n / 2);
        if (teeth_along_x) points.emplace_back(west + across * (east - west), south + along * (north - south));
        else points.emplace_back(west + along * (east - west), south + across * (north - south));
    }
    // Closing along the far side makes a comb whose teeth alternate in and out.
    if (teeth_along_x) points.emplace_back(west - 0.5, north), points.emplace_back(west - 0.5, south);
    else points.emplace_back(east, south - 0.5), points.emplace_back(west, south - 0.5);
    return from_points(points);
}

}  // namespace

TEST_CASE("a prepared polygon answers as covered_by for random simple polygons, on edges and vertices too") {
    std::mt19937_64 random(12);
    for (int round = 0; round < 200; ++round) {
        auto p = random_star_shaped(random, 3 + static_cast<std::size_t>(round % 40) * 5);
        INFO("round " << round);
        CHECK(differences(p, random) == "");
    }
}

TEST_CASE("a prepared polygon answers as covered_by for self-intersecting polygons") {
    std::mt19937_64 random(13);
    for (int round = 0; round < 200; ++round) {
        std::vector<lonlat> points;
        auto n = 3 + static_cast<std::size_t>(round % 30);
        for (std::size_t i = 0; i < n; ++i) points.emplace_back(grid(random, -2, -1), grid(random, 52.5, 53.5));
        INFO("round " << round);
        CHECK(differences(from_points(points), random) == "");
    }
}

TEST_CASE("a prepared polygon answers as covered_by for zigzags either way and keeps few edges a band") {
    std::mt19937_64 random(14);
    for (bool teeth_along_x : {true, false}) {
        for (std::size_t n : {10u, 101u, 1000u, 3000u}) {
            auto p = zigzag(n, teeth_along_x);
            prepared_polygon prepared(p);
            INFO(n << " vertices, teeth along " << (teeth_along_x ? "x" : "y"));
            CHECK(prepared.banded_along_y() == teeth_along_x);
            CHECK(prepared.fullest_band() <= 8);
            CHECK(differences(p, random, 5000) == "");
        }
    }
}

TEST_CASE("a prepared polygon answers as covered_by with holes, on the holes' edges too") {
    std::mt19937_64 random(15);
    for (int round = 0; round < 100; ++round) {
        polygon p;
        p.outer() = {{-3, 51}, {-3, 55}, {1, 55}, {1, 51}, {-3, 51}};
        for (int h = 0; h < 1 + round % 5; ++h) {
            double x = grid(random, -2.8, 0.5), y = grid(random, 51.2, 54.5), size = grid(random, 0.05, 0.4);
            polygon::ring_type hole;
            if (h % 2 == 0) hole = {{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}};
            else hole = {{x, y}, {x + size, y + size / 2}, {x, y + size}, {x, y}};
            p.inners().push_back(hole);
        }
        boost::geometry::correct(p);
        INFO("round " << round);
        CHECK(differences(p, random) == "");
    }
}

TEST_CASE("a star whose every edge crosses the centre stays correct and within its index bound") {
    std::mt19937_64 random(16);
    std::vector<lonlat> points;
    const std::size_t n = 1000;
    for (std::size_t i = 0; i < n; ++i) {
        double a = 2 * std::numbers::pi * static_cast<double>(i) / n, r = i % 2 == 0 ? 1.0 : 0.01;
        points.emplace_back(-1.5 + r * std::cos(a), 53 + r * std::sin(a));
    }
    auto p = from_points(points);
    prepared_polygon prepared(p);
    CHECK(prepared.index_entries() <= 32 * n + 1024);
    CHECK(differences(p, random, 5000) == "");
}

TEST_CASE("a prepared polygon with too few points covers nothing, as covered_by") {
    polygon line;
    line.outer() = {{0, 0}, {1, 1}, {0, 0}};
    prepared_polygon prepared(line);
    CHECK_FALSE(prepared.covers(lonlat(0.5, 0.5)));
    CHECK_FALSE(boost::geometry::covered_by(lonlat(0.5, 0.5), line));
    CHECK_FALSE(prepared_polygon(polygon{}).covers(lonlat(0, 0)));
}
