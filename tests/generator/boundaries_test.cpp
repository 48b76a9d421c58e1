// generator/boundaries.cpp: the neighbourhoods tile their force, and every located crime lies in one.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("every located crime lies in exactly one neighbourhood of its force", "[generate]") {
    const fs::path& root = sample().folder.path();
    for (const std::string& force : force_ids(root)) {
        const std::vector<boundary> boundaries = read_boundaries(root, force);
        REQUIRE(boundaries.size() >= 10);
        REQUIRE(boundaries.size() <= 40);
        for (const std::string& month : sample_month_names) {
            for (const std::vector<std::string>& f : data_rows(monthly_file(root, month, force, "street"), 12)) {
                if (f[4].empty()) {
                    continue;
                }
                const micro point{to_micro(f[4]), to_micro(f[5])};
                int holders = 0;
                for (const boundary& area : boundaries) {
                    holders += contains(area.ring, point) ? 1 : 0;
                }
                INFO(force << " " << f[4] << "," << f[5]);
                CHECK(holders == 1);
            }
        }
    }
}

TEST_CASE("neighbourhood boundaries are simple counter-clockwise rings that tile their force", "[generate]") {
    const fs::path& root = sample().folder.path();
    for (const std::string& force : force_ids(root)) {
        const std::vector<boundary> boundaries = read_boundaries(root, force);
        micro low{INT64_MAX, INT64_MAX};
        micro high{INT64_MIN, INT64_MIN};
        for (const boundary& area : boundaries) {
            INFO(force << " " << area.id);
            const std::vector<micro>& ring = area.ring;
            REQUIRE(ring.size() >= 4);
            CHECK(ring.front().lon == ring.back().lon);
            CHECK(ring.front().lat == ring.back().lat);
            std::int64_t twice_area = 0;
            for (std::size_t i = 1; i < ring.size(); ++i) {
                twice_area += ring[i - 1].lon * ring[i].lat - ring[i].lon * ring[i - 1].lat;
                low.lon = std::min(low.lon, ring[i].lon);
                low.lat = std::min(low.lat, ring[i].lat);
                high.lon = std::max(high.lon, ring[i].lon);
                high.lat = std::max(high.lat, ring[i].lat);
            }
            CHECK(twice_area > 0);
            const std::size_t edges = ring.size() - 1;
            for (std::size_t a = 0; a < edges; ++a) {
                for (std::size_t b = a + 2; b < edges; ++b) {
                    if (a == 0 && b == edges - 1) {
                        continue;  // neighbours across the closing vertex
                    }
                    CHECK_FALSE(segments_touch(ring[a], ring[a + 1], ring[b], ring[b + 1]));
                }
            }
        }
        // No gaps and no overlaps: probe a grid over the inner part of the force.
        const std::int64_t step_lon = (high.lon - low.lon) / 40;
        const std::int64_t step_lat = (high.lat - low.lat) / 40;
        for (int i = 3; i <= 37; ++i) {
            for (int j = 3; j <= 37; ++j) {
                const micro probe{low.lon + i * step_lon + 7, low.lat + j * step_lat + 3};
                int holders = 0;
                bool on_an_edge = false;
                for (const boundary& area : boundaries) {
                    holders += contains(area.ring, probe) ? 1 : 0;
                    on_an_edge = on_an_edge || distance_to_edges(area.ring, probe) < 1.0;
                }
                if (!on_an_edge) {
                    INFO(force << " probe " << probe.lon << "," << probe.lat);
                    CHECK(holders == 1);
                }
            }
        }
    }
}
