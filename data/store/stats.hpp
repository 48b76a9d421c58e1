#pragma once
// `crimemap stats`: what the store holds, as JSON.

#include "data/store/sqlite.hpp"

#include <nlohmann/json.hpp>

namespace crimemap::data {

/// {"crimes", "outcomes", "stops", "locations", "neighbourhoods", "months": {"YYYY-MM": crimes},
///  "categories": {"slug": crimes}, "forces": {"force-id": crimes}} plus watch_schemes, postcodes,
/// files. One pass over the crimes table per map; linear in crimes.
nlohmann::ordered_json store_stats(Database& db);

}  // namespace crimemap::data
