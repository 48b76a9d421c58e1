#pragma once
// The data.police.uk-compatible JSON API under /api/: same paths, parameters and shapes.

#include "data/map_snapshot.hpp"
#include "server/http.hpp"
#include "server/query_string.hpp"

#include <string_view>

namespace crimemap::server {

/// Answers GET /api/... from the snapshot. `path` starts with "/api/".
/// Throws http_error for bad parameters (400) and unknown forces or neighbourhoods (404).
response handle_api(const request& req, std::string_view path, const query_parameters& query,
                    const data::map_snapshot& snapshot);

}  // namespace crimemap::server
