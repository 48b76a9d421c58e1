#pragma once
// Parsers of what a request carries in its path and parameters, kept apart from the handlers
// so that each can be fuzzed on its own (tests/fuzz/request_fuzz.cpp).

#include "geo/lonlat.hpp"
#include "geo/web_mercator.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace crimemap::server {

/// Our tile layers, by the name in their paths, their TileJSON and their tiles.
namespace tile_layers {
inline constexpr std::string_view crimes = "crimes", neighbourhoods = "neighbourhoods", watch = "watch";
}  // namespace tile_layers

/// 404 naming our layers unless `layer` is one of them.
void require_tile_layer(std::string_view layer);

struct tile_path {
    std::string_view layer;  ///< one of tile_layers
    geo::tile_id tile;
};

/// "/tiles/{layer}/{z}/{x}/{y}.mvt" → layer and tile. Throws http_error: 400 for a malformed
/// path, 404 for an unknown layer or a tile outside the world.
tile_path parse_tile_path(std::string_view path);

/// A location_id parameter: a whole number, 0 or more. Throws http_error(bad_request) naming
/// `location_id` for anything else.
std::int64_t parse_location_id(std::string_view text);

/// A month parameter's value, "YYYY-MM", as YYYYMM. Throws http_error(bad_request) naming the
/// parameter `name` for anything else.
int parse_month_parameter(std::string_view value, std::string_view name);

/// Decimal degrees with optional spaces and '+'; false for anything else or non-finite.
bool parse_degrees(std::string_view text, double& value);

/// Most points a poly= may have (a last point repeating the first is not counted): a request's
/// cost grows with them.
inline constexpr std::size_t max_poly_points = 1000;

/// poly=lat,lng:lat,lng:... as a closed, correctly oriented polygon (lng as x). Throws
/// http_error(bad_request) naming `poly` for fewer than 3 points, more than max_poly_points
/// (found before reading the rest) or a malformed pair.
geo::polygon parse_poly(std::string_view text);

}  // namespace crimemap::server
