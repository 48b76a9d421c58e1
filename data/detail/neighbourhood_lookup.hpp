#pragma once
// Point → neighbourhood key, over the boundaries held in the store.

#include "data/sqlite.hpp"
#include "geo/polygon_index.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace crimemap::data::detail {

class neighbourhood_lookup {
public:
    /// Loads every neighbourhood boundary from the store. Linear in their vertices.
    explicit neighbourhood_lookup(Database& db);
    /// neighbourhoods.key of the boundary covering the point, if any.
    [[nodiscard]] std::optional<std::int64_t> find(double longitude, double latitude) const;
    [[nodiscard]] std::size_t size() const { return keys_.size(); }

private:
    geo::polygon_index index_;
    std::vector<std::int64_t> keys_;
};

/// Gives every map location the neighbourhood whose boundary covers it (NULL when none).
/// Used after boundaries change. Returns how many locations have a neighbourhood.
std::uint64_t assign_all_locations(Database& db, const neighbourhood_lookup& lookup);

}  // namespace crimemap::data::detail
