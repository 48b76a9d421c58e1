#pragma once
// Vector tiles and TileJSON for the crimes, neighbourhoods and watch layers.

#include "data/snapshot/map_snapshot.hpp"
#include "data/watch/watch.hpp"
#include "geo/crime_pyramid.hpp"
#include "server/http/http.hpp"
#include "server/http/query_string.hpp"
#include "server/tiles/tile_cache.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace crimemap::server {

/// Buffer around each tile, in tile units of a 4096 extent; features there are render copies.
inline constexpr std::uint32_t tile_extent = 4096;
inline constexpr std::uint32_t tile_buffer = 64;
inline constexpr std::uint32_t tilejson_max_zoom = 16;

/// The crimes filter from ?from=&to=&category=&outcome=; throws http_error(bad_request)
/// naming the parameter for an unknown or malformed value.
geo::crime_filter parse_crime_filter(const query_parameters& query, const data::map_snapshot& snapshot);

/// The MVT bytes of one tile; empty when it has no features. @pre geo::is_valid(tile)
std::string crimes_tile(const data::map_snapshot& snapshot, const geo::tile_id& tile, const geo::crime_filter& filter);
std::string neighbourhoods_tile(const data::map_snapshot& snapshot, const geo::tile_id& tile);
/// Leaves out every scheme hidden in `visibility` (the store now) or, without it, in the snapshot.
std::string watch_tile(const data::map_snapshot& snapshot, const geo::tile_id& tile,
                       const data::watch_visibility* visibility = nullptr);

/// GET /tiles/{layer}/{z}/{x}/{y}.mvt. `path` is the request path. A matching
/// If-None-Match is answered before any tile is built; `cache` (may be null) keeps
/// encoded tiles per data version. `visibility` (may be null) is which Watch schemes are hidden
/// now: the watch layer leaves them out, and its ETag follows its data version.
response handle_tile(const request& req, std::string_view path, const query_parameters& query,
                     const data::map_snapshot& snapshot, tile_cache* cache,
                     const data::watch_visibility* visibility = nullptr);

/// The answer to a GET or HEAD of a crimes or neighbourhoods tile when the cache holds it
/// prepared (handle_tile put it there): the 200 (or 204), or the 304 to a matching
/// If-None-Match; nullptr when it is not there, and for every other path, so that handle_tile
/// answers. Builds no tile and no response. Throws http_error for a path or filter that
/// handle_tile would refuse.
std::shared_ptr<const prepared_response> cached_tile_answer(const request& req, std::string_view path,
                                                            std::string_view raw_query,
                                                            const data::map_snapshot& snapshot, tile_cache& cache);

/// GET /tiles/{layer}.json. `base_url` is e.g. http://127.0.0.1:8080 (no trailing slash).
response handle_tilejson(const request& req, std::string_view layer, std::string_view raw_query,
                         const query_parameters& query, const data::map_snapshot& snapshot,
                         const std::string& base_url);

}  // namespace crimemap::server
