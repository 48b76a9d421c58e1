// The API's shared pieces: the crimes writer against crime_json, areas at their edges.

#include "server/api/api_common.hpp"
#include "server/api/api_fixtures.hpp"

using namespace crimemap;
using namespace crimemap::test;

TEST_CASE("crimes written from fragments are the same JSON as crime_json builds, crime by crime") {
    const auto& s = *shared_api_data().state.snapshot;
    std::vector<std::uint32_t> everywhere(s.location_ids.size());
    for (std::uint32_t l = 0; l < everywhere.size(); ++l) everywhere[l] = l;
    std::size_t compared = 0;
    for (int month : s.months) {
        std::vector<std::pair<std::uint32_t, std::uint32_t>> hits;
        for (auto l : everywhere)
            for (auto i = s.crime_first[l]; i < s.crime_first[l + 1]; ++i)
                if (s.months[s.crimes_by_location[i].month] == month && s.streets[s.location_streets[l]] != "On or near Crowd Lane")
                    hits.emplace_back(l, i);
        auto written = server::api::crimes_json_text(s, hits);
        server::api::json built = server::api::json::array();
        for (const auto& [l, i] : hits) built.push_back(server::api::crime_json(s, l, i));
        CHECK(written == built.dump());
        compared += hits.size();
    }
    CHECK(compared > 500);
}

TEST_CASE("a point exactly one mile away is inside the circle; a hair further is not") {
    // Due north of the centre by exactly one mile on the mean-radius sphere.
    const double lat = 51.5, lng = -0.1;
    const double mile_degrees = 1609.344 / 6371008.8 * 180 / 3.14159265358979323846;
    CHECK(server::api::distance_m(lat, lng, lat + mile_degrees, lng) == Approx(1609.344).epsilon(1e-12));
    CHECK(server::api::distance_m(lat, lng, lat + mile_degrees * 1.000001, lng) > 1609.344);
}
