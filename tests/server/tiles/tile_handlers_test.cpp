// Vector tiles decoded with GDAL's MVT driver: every crime counted exactly once at every
// zoom and filter, polygons valid with MVT winding, golden tiles for a small dataset.

#include "generator/generate.hpp"
#include "data/snapshot/map_snapshot.hpp"
#include "data/vocabulary/outcome_groups.hpp"
#include "mvt_decoder.hpp"
#include "server/server_fixtures.hpp"
#include "server/tiles/tile_handlers.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <protozero/pbf_reader.hpp>

#include <algorithm>
#include <set>
#include <sstream>

using namespace crimemap;
using namespace crimemap::test;

namespace {

struct crime_row {
    geo::world_point where;
    int month;
    std::string slug;
    std::uint8_t group;
};

// The real City of London and Essex samples in one store, loaded once for the file.
struct real_data {
    temp_dir dir;
    std::string db = dir.file("store.sqlite");
    std::shared_ptr<const data::map_snapshot> snapshot;
    std::vector<crime_row> crimes;

    real_data() {
        import_paths(db, {shared_data("police-uk/city-of-london"), shared_data("police-uk/essex")});
        snapshot = data::load_snapshot(db);
        auto store = data::open_store_for_reading(db);
        data::Statement s(store, "SELECT l.longitude, l.latitude, c.month, t.slug, coalesce(o.label, '') FROM crimes c "
                                 "JOIN locations l ON l.id = c.location JOIN crime_types t ON t.id = c.crime_type "
                                 "LEFT JOIN outcome_types o ON o.id = c.last_outcome");
        while (s.step())
            crimes.push_back({geo::to_world(s.column_double(0), s.column_double(1)), static_cast<int>(s.column_int(2)),
                              std::string(s.column_text(3)), data::outcome_group_of(s.column_text(4))});
    }
};

real_data& shared_real_data() {
    static real_data data;
    return data;
}

struct filter_case {
    std::string query;
    int from, to;
    std::set<std::string> slugs;  // empty: all
    std::set<std::string> groups; // empty: all
};

bool matches(const crime_row& c, const filter_case& f) {
    if (c.month < f.from || c.month > f.to) return false;
    if (!f.slugs.empty() && !f.slugs.count(c.slug)) return false;
    if (!f.groups.empty() && !f.groups.count(std::string(data::outcome_groups()[c.group].slug))) return false;
    return true;
}

// The tile column or row of a world coordinate at zoom z (a 32-bit shift is undefined).
std::uint32_t tile_of(std::uint32_t world, std::uint32_t z) {
    return static_cast<std::uint32_t>(std::uint64_t{world} >> (32 - z));
}

bool in_tile(const geo::world_point& p, const geo::tile_id& t) {
    return tile_of(p.x, t.z) == t.x && tile_of(p.y, t.z) == t.y;
}

}  // namespace

TEST_CASE("summing count over a tile's features gives every matching crime in it once, at zooms 0 to 16") {
    auto& real = shared_real_data();
    REQUIRE(real.crimes.size() > 30000);
    const std::vector<filter_case> filters{
        {"", 202212, 202212, {}, {}},
        {"from=2014-09&to=2017-08", 201409, 201708, {}, {}},
        {"from=2014-01&to=2023-12&category=burglary,violent-crime", 201401, 202312, {"burglary", "violent-crime"}, {}},
        {"from=2016-01&to=2016-06&outcome=no-suspect,no-outcome", 201601, 201606, {}, {"no-suspect", "no-outcome"}},
        {"from=2015-03&to=2022-12&category=anti-social-behaviour,shoplifting&outcome=no-outcome,charged", 201503,
         202212, {"anti-social-behaviour", "shoplifting"}, {"no-outcome", "charged"}},
    };
    std::uint64_t tiles_checked = 0, buffered_features = 0;
    for (std::uint32_t z = 0; z <= 16; ++z) {
        // The busiest tiles and an even sample of the rest.
        std::map<std::pair<std::uint32_t, std::uint32_t>, int> busy;
        for (const auto& c : real.crimes) ++busy[{tile_of(c.where.x, z), tile_of(c.where.y, z)}];
        std::vector<std::pair<int, geo::tile_id>> ranked;
        for (const auto& [xy, n] : busy) ranked.push_back({n, geo::tile_id{z, xy.first, xy.second}});
        std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::vector<geo::tile_id> tiles;
        for (std::size_t i = 0; i < ranked.size() && i < 8; ++i) tiles.push_back(ranked[i].second);
        for (std::size_t i = 8; i < ranked.size(); i += std::max<std::size_t>(1, ranked.size() / 12))
            tiles.push_back(ranked[i].second);
        if (z >= 1) tiles.push_back({z, 0, 0});  // far from the data: empty

        for (const auto& f : filters) {
            server::query_parameters query(f.query);
            auto filter = server::parse_crime_filter(query, *real.snapshot);
            for (const auto& tile : tiles) {
                INFO("tile " << tile.z << "/" << tile.x << "/" << tile.y << " filter '" << f.query << "'");
                std::uint64_t expected = 0;
                for (const auto& c : real.crimes) expected += in_tile(c.where, tile) && matches(c, f);
                auto bytes = server::crimes_tile(*real.snapshot, tile, filter);
                CHECK(bytes.size() < 500 * 1024);
                std::uint64_t counted = 0;
                if (!bytes.empty()) {
                    decoded_tile decoded(bytes);
                    for (const auto& feature : decoded.features) {
                        auto count = std::stoull(feature.properties.at("count"));
                        CHECK(count > 0);
                        CHECK(feature.properties.at("kind") == (z >= 14 ? "location" : "cluster"));
                        bool inside = feature.x >= 0 && feature.x < 4096 && feature.y >= 0 && feature.y < 4096;
                        if (inside) {
                            counted += count;
                        } else {
                            ++buffered_features;
                            CHECK(feature.x >= -64);
                            CHECK(feature.x < 4096 + 64);
                            CHECK(feature.y >= -64);
                            CHECK(feature.y < 4096 + 64);
                        }
                    }
                }
                CHECK(counted == expected);
                ++tiles_checked;
            }
        }
    }
    CHECK(tiles_checked > 500);
    CHECK(buffered_features > 0);  // detail tiles carry copies of their neighbours' edges
}

TEST_CASE("a location feature carries its location id, street and per-category counts") {
    auto& real = shared_real_data();
    // The busiest City of London location of 2016-06.
    auto store = data::open_store_for_reading(real.db);
    data::Statement s(store, "SELECT l.id, l.longitude, l.latitude, l.street, count(*) FROM crimes c "
                             "JOIN locations l ON l.id = c.location WHERE c.month = 201606 "
                             "GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1");
    REQUIRE(s.step());
    auto id = s.column_int(0);
    auto where = geo::to_world(s.column_double(1), s.column_double(2));
    std::string street(s.column_text(3));
    auto n = s.column_int(4);
    geo::tile_id tile{15, where.x >> 17, where.y >> 17};
    server::query_parameters query("from=2016-06&to=2016-06");
    decoded_tile decoded(server::crimes_tile(*real.snapshot, tile, server::parse_crime_filter(query, *real.snapshot)));
    auto it = std::find_if(decoded.features.begin(), decoded.features.end(), [&](const auto& f) {
        return f.properties.count("location_id") && f.properties.at("location_id") == std::to_string(id);
    });
    REQUIRE(it != decoded.features.end());
    CHECK(it->properties.at("street") == street);
    CHECK(it->properties.at("count") == std::to_string(n));
    std::uint64_t per_category = 0;
    for (const auto& [key, value] : it->properties)
        if (key != "count" && key != "location_id" && key != "street" && key != "kind" && key != "mvt_id")
            per_category += std::stoull(value);
    CHECK(per_category == static_cast<std::uint64_t>(n));
    // Its position is the location's, in tile units (y down).
    CHECK(it->x == Approx((where.x - (tile.x << 17)) >> 5).margin(1));
    CHECK(it->y == Approx((where.y - (tile.y << 17)) >> 5).margin(1));
}

TEST_CASE("unknown or malformed filter values are refused naming the parameter") {
    auto& real = shared_real_data();
    auto refuse = [&](const std::string& q, const std::string& words) {
        server::query_parameters query(q);
        CHECK_THROWS_WITH(server::parse_crime_filter(query, *real.snapshot), Catch::Contains(words));
    };
    refuse("from=2016-13", "from: '2016-13' is not a month");
    refuse("to=June", "to: 'June' is not a month");
    refuse("from=2017-01&to=2016-01", "from: 2017-01 is after to: 2016-01");
    refuse("category=burglary,arson", "category: unknown category 'arson'");
    refuse("outcome=jailed", "outcome: unknown outcome group 'jailed'");
    server::query_parameters all("category=all-crime");
    CHECK(server::parse_crime_filter(all, *real.snapshot).categories == ~std::uint64_t{0});
}

namespace {

// Ring areas straight from the geometry commands, so winding is checked as written.
std::vector<std::int64_t> ring_areas(const std::string& tile_bytes) {
    std::vector<std::int64_t> areas;
    protozero::pbf_reader tile(tile_bytes);
    while (tile.next(3)) {
        protozero::pbf_reader layer = tile.get_message();
        while (layer.next(2)) {
            protozero::pbf_reader feature = layer.get_message();
            while (feature.next(4)) {
                auto packed = feature.get_packed_uint32();
                std::vector<std::uint32_t> g(packed.begin(), packed.end());
                std::int64_t x = 0, y = 0;
                std::vector<std::pair<std::int64_t, std::int64_t>> ring;
                auto unzig = [](std::uint32_t v) { return static_cast<std::int64_t>(static_cast<std::int32_t>((v >> 1) ^ (~(v & 1) + 1))); };
                for (std::size_t i = 0; i < g.size();) {
                    std::uint32_t id = g[i] & 7, count = g[i] >> 3;
                    ++i;
                    if (id == 7) {
                        std::int64_t sum = 0;
                        for (std::size_t k = 0; k < ring.size(); ++k) {
                            auto [x1, y1] = ring[k];
                            auto [x2, y2] = ring[(k + 1) % ring.size()];
                            sum += x1 * y2 - x2 * y1;
                        }
                        areas.push_back(sum);
                        ring.clear();
                        continue;
                    }
                    for (std::uint32_t c = 0; c < count; ++c) {
                        x += unzig(g[i++]);
                        y += unzig(g[i++]);
                        ring.emplace_back(x, y);
                    }
                }
            }
        }
    }
    return areas;
}

}  // namespace

TEST_CASE("neighbourhood tiles hold valid polygons, exterior rings first with positive area") {
    auto& gen = shared_generated_data();
    REQUIRE(gen.snapshot->neighbourhoods.size() > 50);
    // Around a crime location, which lies in some neighbourhood.
    geo::world_point centre;
    gen.snapshot->crime_tiles.query({0, 0, 0}, {}, [&](const geo::crime_feature& f) { centre = f.where; });
    std::set<std::string> seen;
    for (std::uint32_t z : {0u, 4u, 6u, 8u, 10u, 12u, 14u}) {
        geo::tile_id tile{z, tile_of(centre.x, z), tile_of(centre.y, z)};
        auto bytes = server::neighbourhoods_tile(*gen.snapshot, tile);
        INFO("zoom " << z);
        REQUIRE_FALSE(bytes.empty());
        decoded_tile decoded(bytes);
        for (const auto& f : decoded.features) {
            CHECK(f.layer == "neighbourhoods");
            CHECK_FALSE(f.properties.at("force").empty());
            CHECK_FALSE(f.properties.at("name").empty());
            REQUIRE(f.geometry);
            CHECK(f.geometry->IsValid());
            seen.insert(f.properties.at("id"));
            OGREnvelope e;
            f.geometry->getEnvelope(&e);
            CHECK(e.MinX >= -64);
            CHECK(e.MaxX <= 4096 + 64);
            CHECK(e.MinY >= -64);
            CHECK(e.MaxY <= 4096 + 64);
        }
        auto areas = ring_areas(bytes);
        REQUIRE_FALSE(areas.empty());
        for (auto a : areas) CHECK(a > 0);  // the generated neighbourhoods have no holes
    }
    CHECK(seen.size() > 10);
}

TEST_CASE("watch tiles show schemes by id, name and status and nothing personal") {
    auto& gen = shared_generated_data();
    REQUIRE_FALSE(gen.snapshot->schemes.empty());
    auto where = gen.snapshot->scheme_points.empty() ? geo::world_point{} : gen.snapshot->scheme_points[0].first;
    REQUIRE_FALSE(gen.snapshot->scheme_points.empty());
    geo::tile_id tile{12, where.x >> 20, where.y >> 20};
    decoded_tile decoded(server::watch_tile(*gen.snapshot, tile));
    REQUIRE_FALSE(decoded.features.empty());
    for (const auto& f : decoded.features) {
        std::set<std::string> keys;
        for (const auto& [k, v] : f.properties)
            if (k != "mvt_id") keys.insert(k);  // GDAL's name for the feature id
        CHECK(keys == std::set<std::string>{"id", "name", "status"});
    }
}
