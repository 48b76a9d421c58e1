#pragma once
// Point → neighbourhood key, over the boundaries held in the store.

#include "data/store/sqlite.hpp"
#include "geo/prepared_polygon.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace crimemap::data::detail {

/// An import asks once for every new map location (hundreds of thousands a month at
/// data.police.uk's density), so the boundaries are made ready for it: a grid over their
/// extent lists in each cell, by ascending key, the boundaries whose bounding box meets the
/// cell, and each boundary's polygons are geo::prepared_polygon with bands along x, which answer
/// exactly as boost::geometry::covered_by (the same answers as geo::polygon_index).
class neighbourhood_lookup {
public:
    /// Loads every neighbourhood boundary from the store. Linear in their vertices.
    explicit neighbourhood_lookup(Database& db);
    /// neighbourhoods.key of the boundary covering the point (boundary included), if any; of
    /// several (a point on an edge two neighbourhoods share), the lowest key every time.
    [[nodiscard]] std::optional<std::int64_t> find(double longitude, double latitude) const;
    [[nodiscard]] std::size_t size() const { return keys_.size(); }

private:
    struct bounds {
        double west, south, east, north;
    };
    [[nodiscard]] std::size_t column_of(double longitude) const;
    [[nodiscard]] std::size_t row_of(double latitude) const;

    std::vector<std::int64_t> keys_;                          // ascending
    std::vector<bounds> boxes_;                               // by position in keys_
    std::vector<std::vector<geo::prepared_polygon>> parts_;  // by position in keys_
    bounds extent_{};
    std::size_t columns_ = 0, rows_ = 0;
    double columns_per_degree_ = 0, rows_per_degree_ = 0;
    std::vector<std::uint32_t> cell_first_;  // into cell_boundaries_, one per cell and one more
    std::vector<std::uint32_t> cell_boundaries_;
};

/// Gives every map location the neighbourhood whose boundary covers it (NULL when none).
/// Used after boundaries change. Returns how many locations have a neighbourhood.
std::uint64_t assign_all_locations(Database& db, const neighbourhood_lookup& lookup);

}  // namespace crimemap::data::detail
