#include "data/import/neighbourhood_lookup.hpp"

#include "data/import/wkb.hpp"
#include "data/store/postgres.hpp"
#include "data/store/store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace crimemap::data::detail {

namespace {
constexpr std::size_t max_cells_a_side = 512;
}

neighbourhood_lookup::neighbourhood_lookup(Database& db) {
    Statement select(db, "SELECT key, " + sql::wkb_of(db, "boundary") +
                             " FROM neighbourhoods WHERE boundary IS NOT NULL ORDER BY key");
    extent_ = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
               std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    while (select.step()) {
        auto shape = multi_polygon_from_wkb(select.column_blob(1));
        // The outer rings bound a boundary, as geo::polygon_index's boxes.
        bounds box{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
        for (const auto& part : shape)
            for (const auto& p : part.outer()) {
                box.west = std::min(box.west, p.x()), box.south = std::min(box.south, p.y());
                box.east = std::max(box.east, p.x()), box.north = std::max(box.north, p.y());
            }
        if (shape.empty() || box.west > box.east) continue;  // covers nothing
        keys_.push_back(select.column_int(0));
        boxes_.push_back(box);
        auto& prepared = parts_.emplace_back();
        for (const auto& part : shape) prepared.emplace_back(part, geo::prepared_polygon::band_axis::x);
        extent_.west = std::min(extent_.west, box.west), extent_.south = std::min(extent_.south, box.south);
        extent_.east = std::max(extent_.east, box.east), extent_.north = std::max(extent_.north, box.north);
    }
    if (keys_.empty()) return;
    // About as many cells as boundaries, so that a cell lists a few.
    const auto side = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::sqrt(static_cast<double>(keys_.size()))) * 2, 1, max_cells_a_side);
    columns_ = rows_ = side;
    const double width = extent_.east - extent_.west, height = extent_.north - extent_.south;
    columns_per_degree_ = width > 0 ? static_cast<double>(columns_) / width : 0;
    rows_per_degree_ = height > 0 ? static_cast<double>(rows_) / height : 0;
    std::vector<std::vector<std::uint32_t>> cells(columns_ * rows_);
    for (std::uint32_t i = 0; i < boxes_.size(); ++i)
        for (auto r = row_of(boxes_[i].south); r <= row_of(boxes_[i].north); ++r)
            for (auto c = column_of(boxes_[i].west); c <= column_of(boxes_[i].east); ++c)
                cells[r * columns_ + c].push_back(i);  // ascending i, so ascending key
    cell_first_.push_back(0);
    for (const auto& cell : cells) {
        cell_boundaries_.insert(cell_boundaries_.end(), cell.begin(), cell.end());
        cell_first_.push_back(static_cast<std::uint32_t>(cell_boundaries_.size()));
    }
}

// The same monotonic function for boxes and points: a box that holds a point is listed in the
// point's cell.
std::size_t neighbourhood_lookup::column_of(double longitude) const {
    const double c = std::floor((longitude - extent_.west) * columns_per_degree_);
    return c > 0 ? std::min(columns_ - 1, static_cast<std::size_t>(c)) : 0;
}
std::size_t neighbourhood_lookup::row_of(double latitude) const {
    const double r = std::floor((latitude - extent_.south) * rows_per_degree_);
    return r > 0 ? std::min(rows_ - 1, static_cast<std::size_t>(r)) : 0;
}

std::optional<std::int64_t> neighbourhood_lookup::find(double longitude, double latitude) const {
    if (keys_.empty() || !(longitude >= extent_.west && longitude <= extent_.east && latitude >= extent_.south &&
                           latitude <= extent_.north))
        return std::nullopt;
    const auto cell = row_of(latitude) * columns_ + column_of(longitude);
    const geo::lonlat point(longitude, latitude);
    for (auto k = cell_first_[cell]; k < cell_first_[cell + 1]; ++k) {
        const auto i = cell_boundaries_[k];
        const auto& box = boxes_[i];
        if (longitude < box.west || longitude > box.east || latitude < box.south || latitude > box.north) continue;
        for (const auto& part : parts_[i])
            if (part.covers(point)) return keys_[i];
    }
    return std::nullopt;
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
    if (db.is_postgresql()) {
        // Every location at once after a first boundary import: one COPY and one UPDATE, not
        // a round trip to the server for each.
        db.exec("CREATE TEMPORARY TABLE location_changes(location bigint PRIMARY KEY, neighbourhood bigint) "
                "ON COMMIT DROP");
        {
            pg::Connection::copy_in copy(db.postgresql_connection(), "COPY location_changes FROM STDIN");
            std::string text;
            for (const auto& c : changes) {
                text += std::to_string(c.location);
                text += '\t';
                text += c.neighbourhood ? std::to_string(*c.neighbourhood) : std::string("\\N");
                text += '\n';
                if (text.size() >= (1 << 18)) {
                    copy.write(text);
                    text.clear();
                }
            }
            copy.write(text);
            copy.finish();
        }
        db.exec("UPDATE locations l SET neighbourhood = c.neighbourhood FROM location_changes c WHERE l.id = c.location");
        bump_map_version(db);
        tx.commit();
        return assigned;
    }
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
