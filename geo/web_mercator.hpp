#pragma once
// Web Mercator (EPSG:3857) tile maths on a 2^32 × 2^32 integer world grid: the
// pixel grid of zoom 32, so a tile at zoom z spans 2^(32-z) units a side, x east, y south.

#include "geo/lonlat.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace crimemap::geo {

/// A position on the integer world grid.
struct world_point {
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    friend bool operator==(const world_point&, const world_point&) = default;
};

/// The latitude limit of Web Mercator, about ±85.05113 degrees.
inline constexpr double max_mercator_latitude = 85.0511287798066;

/// WGS84 degrees → world grid; latitudes beyond the Mercator limit are clamped.
world_point to_world(double longitude, double latitude);
/// World grid → WGS84 degrees (the south-west corner of the unit cell).
lonlat to_lonlat(double world_x, double world_y);

/// Interleaves x and y bits (x in the even bits): points close on the map are close in
/// this order, and every tile is one contiguous range of codes.
std::uint64_t morton_code(world_point p);

struct tile_id {
    std::uint32_t z = 0, x = 0, y = 0;
    friend bool operator==(const tile_id&, const tile_id&) = default;
};

/// Highest zoom the grid resolves with a 4096 extent (32 - 12).
inline constexpr std::uint32_t max_tile_zoom = 20;

/// True when z <= max_tile_zoom and x, y < 2^z.
bool is_valid(const tile_id& tile);

/// [first, last] Morton codes of the points inside the tile. @pre is_valid(tile)
std::uint64_t tile_first_code(const tile_id& tile);
std::uint64_t tile_last_code(const tile_id& tile);

/// World grid origin (north-west corner) of a tile and its side in world units. @pre is_valid(tile)
world_point tile_origin(const tile_id& tile);
std::uint64_t tile_size(const tile_id& tile);

/// Bounds of a tile in WGS84 degrees: west, south, east, north.
box tile_bounds_lonlat(const tile_id& tile);

}  // namespace crimemap::geo
