// The crime pyramid's packed tree (box search, nearest location) against brute force, and a
// pyramid viewed over another's arrays (as from a mapped index file) answering the same.

#include "geo/crime_pyramid.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

using namespace crimemap::geo;

namespace {

// Clustered points (towns), with repeats, so boxes and ties are as in real data.
std::vector<world_point> some_points(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<world_point> centres;
    for (int i = 0; i < 20; ++i)
        centres.push_back({static_cast<std::uint32_t>(random() >> 33) + 0x40000000u,
                           static_cast<std::uint32_t>(random() >> 33) + 0x40000000u});
    std::vector<world_point> points;
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0 && random() % 10 == 0) {
            points.push_back(points[random() % points.size()]);
            continue;
        }
        const auto& c = centres[random() % centres.size()];
        points.push_back({c.x + static_cast<std::uint32_t>(random() % 2000000), c.y + static_cast<std::uint32_t>(random() % 2000000)});
    }
    return points;
}

std::vector<crime_entry> some_crimes(std::size_t locations, std::size_t n, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<crime_entry> crimes;
    for (std::size_t i = 0; i < n; ++i)
        crimes.push_back({static_cast<std::uint32_t>(random() % locations), static_cast<std::uint16_t>(random() % 12),
                          static_cast<std::uint8_t>(random() % 14), static_cast<std::uint8_t>(random() % 4)});
    return crimes;
}

double distance2(world_point a, world_point b) {
    double dx = double(a.x) - double(b.x), dy = double(a.y) - double(b.y);
    return dx * dx + dy * dy;
}

}  // namespace

TEST_CASE("the pyramid's packed tree finds exactly the locations in a box, and the nearest one") {
    auto points = some_points(5000, 1);
    crime_pyramid pyramid(points, some_crimes(points.size(), 20000, 2));
    std::mt19937_64 random(3);
    for (int trial = 0; trial < 300; ++trial) {
        const auto& a = points[random() % points.size()];
        auto w = static_cast<std::uint32_t>(random() % 3000000), h = static_cast<std::uint32_t>(random() % 3000000);
        world_point min{a.x - std::min(a.x, w / 2), a.y - std::min(a.y, h / 2)}, max{min.x + w, min.y + h};
        std::multiset<std::uint32_t> want, got;
        for (std::uint32_t i = 0; i < points.size(); ++i)
            if (points[i].x >= min.x && points[i].x <= max.x && points[i].y >= min.y && points[i].y <= max.y) want.insert(i);
        pyramid.locations_in(min, max, [&](std::uint32_t l) { got.insert(l); });
        REQUIRE(got == want);

        world_point probe{static_cast<std::uint32_t>(random() >> 32), static_cast<std::uint32_t>(random() >> 32)};
        if (trial % 2) probe = {a.x + 1000, a.y - 1000};
        auto nearest = pyramid.nearest_location(probe);
        REQUIRE(nearest);
        double best = distance2(points[0], probe);
        for (const auto& p : points) best = std::min(best, distance2(p, probe));
        REQUIRE(distance2(points[*nearest], probe) == best);
    }
    crime_pyramid empty;
    CHECK_FALSE(empty.nearest_location({1, 1}));
    std::size_t found = 0;
    empty.locations_in({0, 0}, {~0u, ~0u}, [&](std::uint32_t) { ++found; });
    CHECK(found == 0);
}

TEST_CASE("a pyramid viewed over another's arrays answers every query the same") {
    auto points = some_points(3000, 4);
    crime_pyramid built(points, some_crimes(points.size(), 30000, 5));
    // Views of the built pyramid's arrays, as a mapped file gives them.
    auto view_of = [](const auto& array) { return std::remove_cvref_t<decltype(array)>::view(array.data(), array.size()); };
    const auto& p = built.parts();
    crime_pyramid::arrays parts;
    parts.location_codes = view_of(p.location_codes);
    parts.location_points = view_of(p.location_points);
    parts.location_ids = view_of(p.location_ids);
    parts.location_first = view_of(p.location_first);
    parts.location_tallies = view_of(p.location_tallies);
    parts.nodes = view_of(p.nodes);
    for (std::size_t z = 0; z < p.levels.size(); ++z) {
        parts.levels[z].codes = view_of(p.levels[z].codes);
        parts.levels[z].first = view_of(p.levels[z].first);
        parts.levels[z].centres = view_of(p.levels[z].centres);
        parts.levels[z].tallies = view_of(p.levels[z].tallies);
    }
    crime_pyramid viewed(parts);
    CHECK(viewed.memory_bytes() == 0);
    CHECK(viewed.tally_count() == built.tally_count());
    crime_filter filter;
    filter.from = 2;
    filter.to = 9;
    filter.categories = 0x0f0f;
    auto features = [&](const crime_pyramid& pyramid, const tile_id& tile) {
        std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, std::uint64_t>> out;
        auto add = [&](const crime_feature& f) { out.emplace_back(f.where.x, f.where.y, f.location, f.total, f.categories); };
        pyramid.query(tile, filter, add);
        pyramid.query_margin(tile, tile_size(tile) / 16, filter, add);
        return out;
    };
    std::size_t non_empty = 0;
    for (std::uint32_t z : {0u, 5u, 10u, 13u, 14u, 16u}) {
        for (int i = 0; i < 40; ++i) {
            const auto& q = points[static_cast<std::size_t>(i) * 37 % points.size()];
            tile_id tile{z, static_cast<std::uint32_t>(std::uint64_t{q.x} >> (32 - z)),
                         static_cast<std::uint32_t>(std::uint64_t{q.y} >> (32 - z))};
            if (z == 0) tile = {0, 0, 0};
            auto want = features(built, tile);
            non_empty += !want.empty();
            REQUIRE(features(viewed, tile) == want);
        }
    }
    CHECK(non_empty > 200);

    // Arrays that do not fit together are refused, not trusted.
    auto broken = parts;
    broken.location_ids = mapped_array<std::uint32_t>::view(p.location_ids.data(), p.location_ids.size() - 1);
    CHECK_THROWS_AS(crime_pyramid(broken), std::invalid_argument);
    broken = parts;
    broken.nodes = mapped_array<grid_box>::view(p.nodes.data(), p.nodes.size() - 1);
    CHECK_THROWS_AS(crime_pyramid(broken), std::invalid_argument);
    broken = parts;
    broken.levels[3].first = mapped_array<std::uint32_t>::view(p.levels[3].first.data(), p.levels[3].first.size() - 1);
    CHECK_THROWS_AS(crime_pyramid(broken), std::invalid_argument);
}

TEST_CASE("locations with a matching crime in a box are found exactly, skipping cells without one, until told to stop") {
    auto points = some_points(6000, 7);
    // Sparse crimes, as a month of one force or a rare category: most locations hold none of
    // those asked for, so whole cells are skipped.
    auto crimes = some_crimes(points.size(), 9000, 8);
    const auto entries = crimes;
    crime_pyramid pyramid(points, std::move(crimes));
    std::mt19937_64 random(9);
    for (int trial = 0; trial < 300; ++trial) {
        crime_filter filter;
        filter.from = filter.to = static_cast<std::uint16_t>(random() % 12);
        if (trial % 3) filter.categories = std::uint64_t{1} << (random() % 14);
        if (trial % 5 == 0) filter.groups = 1u << (random() % 4);
        grid_box area{0, 0, ~0u, ~0u};
        if (trial % 4) {
            const auto& a = points[random() % points.size()];
            auto w = static_cast<std::uint32_t>(random() % 6000000), h = static_cast<std::uint32_t>(random() % 6000000);
            area = {a.x - std::min(a.x, w / 2), a.y - std::min(a.y, h / 2), a.x + w / 2, a.y + h / 2};
        }
        std::set<std::uint32_t> want;
        for (const auto& c : entries) {
            const auto& p = points[c.location];
            if (c.month == filter.from && ((filter.categories >> c.category) & 1u) && ((filter.groups >> c.group) & 1u) &&
                p.x >= area.min_x && p.x <= area.max_x && p.y >= area.min_y && p.y <= area.max_y)
                want.insert(c.location);
        }
        std::vector<std::uint32_t> got;
        pyramid.locations_matching(area, filter, [&](std::uint32_t l) {
            got.push_back(l);
            return true;
        });
        REQUIRE(std::set<std::uint32_t>(got.begin(), got.end()) == want);
        REQUIRE(got.size() == want.size());  // each once
        if (want.size() > 3) {
            std::size_t calls = 0;
            pyramid.locations_matching(area, filter, [&](std::uint32_t) { return ++calls < 3; });
            REQUIRE(calls == 3);
        }
    }
    crime_pyramid empty;
    std::size_t found = 0;
    empty.locations_matching({0, 0, ~0u, ~0u}, crime_filter{}, [&](std::uint32_t) { return ++found > 0; });
    CHECK(found == 0);
}
