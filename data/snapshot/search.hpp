#pragma once
// The search box: postcodes from the imported postcode table, places from the snapshot.

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/sqlite.hpp"
#include "data/vocabulary/postcodes.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::data {

struct postcode_hit {
    std::string label;  ///< as imported, e.g. "SO23 1AA"
    geo::lonlat where;
};

/// Looks a normalised postcode up in the store's postcode table.
std::optional<postcode_hit> find_postcode(Database& db, std::string_view normalised);

/// Up to `limit` places whose name matches `query` (any case), best first: a whole-name match,
/// then a name starting with it, then a word starting with it, then anywhere; within each,
/// towns before neighbourhoods before streets, then busier places first.
std::vector<const place*> search_places(const map_snapshot& snapshot, std::string_view query, std::size_t limit);

}  // namespace crimemap::data
