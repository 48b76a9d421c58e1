#include "data/detail/neighbourhood_lookup.hpp"

#include "data/detail/wkb.hpp"
#include "data/store.hpp"

namespace crimemap::data::detail {

neighbourhood_lookup::neighbourhood_lookup(Database& db) {
    std::vector<geo::multi_polygon> polygons;
    Statement select(db, "SELECT key, AsBinary(boundary) FROM neighbourhoods WHERE boundary IS NOT NULL ORDER BY key");
    while (select.step()) {
        keys_.push_back(select.column_int(0));
        polygons.push_back(multi_polygon_from_wkb(select.column_blob(1)));
    }
    index_ = geo::polygon_index(std::move(polygons));
}

std::optional<std::int64_t> neighbourhood_lookup::find(double longitude, double latitude) const {
    auto id = index_.find(geo::lonlat(longitude, latitude));
    if (!id) return std::nullopt;
    return keys_[*id];
}

std::uint64_t assign_all_locations(Database& db, const neighbourhood_lookup& lookup) {
    struct change {
        std::int64_t location;
        std::optional<std::int64_t> neighbourhood;
    };
    std::vector<change> changes;
    std::uint64_t assigned = 0;
    {
        Statement select(db, "SELECT id, longitude, latitude, neighbourhood FROM locations");
        while (select.step()) {
            auto found = lookup.find(select.column_double(1), select.column_double(2));
            assigned += found.has_value();
            std::optional<std::int64_t> current;
            if (!select.is_null(3)) current = select.column_int(3);
            if (found != current) changes.push_back({select.column_int(0), found});
        }
    }
    Transaction tx(db);
    Statement update(db, "UPDATE locations SET neighbourhood = ? WHERE id = ?");
    for (const auto& c : changes) {
        if (c.neighbourhood) {
            update.bind(1, *c.neighbourhood);
        } else {
            update.bind_null(1);
        }
        update.bind(2, c.location);
        update.run();
    }
    bump_map_version(db);
    tx.commit();
    return assigned;
}

}  // namespace crimemap::data::detail
