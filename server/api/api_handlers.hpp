#pragma once
// The data.police.uk-compatible JSON API under /api/: same paths, parameters and shapes.

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/store_readers.hpp"
#include "server/http/http.hpp"
#include "server/http/query_string.hpp"

#include <string_view>

namespace crimemap::server {

/// Answers GET /api/... from the snapshot, and from the store for what it does not hold
/// (stop and search rows, postcodes). `path` starts with "/api/".
/// Throws http_error for bad parameters (400) and unknown forces or neighbourhoods (404).
response handle_api(const request& req, std::string_view path, const query_parameters& query,
                    const data::map_snapshot& snapshot, data::store_readers& store);

}  // namespace crimemap::server
