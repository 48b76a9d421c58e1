#include "geo/web_mercator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace crimemap::geo {

namespace {

constexpr double world_size = 4294967296.0;  // 2^32

// Spreads the 32 bits of v to the even bit positions of a 64-bit word.
std::uint64_t spread_bits(std::uint32_t v) {
    std::uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x << 2)) & 0x3333333333333333ull;
    x = (x | (x << 1)) & 0x5555555555555555ull;
    return x;
}

std::uint32_t to_grid(double unit) {
    double scaled = std::floor(unit * world_size);
    return static_cast<std::uint32_t>(std::clamp(scaled, 0.0, world_size - 1));
}

}  // namespace

world_point to_world(double longitude, double latitude) {
    double lat = std::clamp(latitude, -max_mercator_latitude, max_mercator_latitude) * std::numbers::pi / 180.0;
    double x = (longitude + 180.0) / 360.0;
    double y = (1.0 - std::log(std::tan(lat) + 1.0 / std::cos(lat)) / std::numbers::pi) / 2.0;
    return {to_grid(x), to_grid(y)};
}

lonlat to_lonlat(double world_x, double world_y) {
    double lon = world_x / world_size * 360.0 - 180.0;
    double n = std::numbers::pi * (1.0 - 2.0 * world_y / world_size);
    double lat = std::atan(std::sinh(n)) * 180.0 / std::numbers::pi;
    return {lon, lat};
}

std::uint64_t morton_code(world_point p) { return spread_bits(p.x) | (spread_bits(p.y) << 1); }

bool is_valid(const tile_id& tile) {
    if (tile.z > max_tile_zoom) return false;
    std::uint64_t n = std::uint64_t{1} << tile.z;
    return tile.x < n && tile.y < n;
}

std::uint64_t tile_first_code(const tile_id& tile) {
    if (tile.z == 0) return 0;
    std::uint64_t prefix = spread_bits(tile.x) | (spread_bits(tile.y) << 1);
    return prefix << (64 - 2 * tile.z);
}

std::uint64_t tile_last_code(const tile_id& tile) {
    if (tile.z == 0) return ~std::uint64_t{0};
    return tile_first_code(tile) | ((std::uint64_t{1} << (64 - 2 * tile.z)) - 1);
}

world_point tile_origin(const tile_id& tile) {
    int shift = 32 - static_cast<int>(tile.z);
    return {static_cast<std::uint32_t>(std::uint64_t{tile.x} << shift),
            static_cast<std::uint32_t>(std::uint64_t{tile.y} << shift)};
}

std::uint64_t tile_size(const tile_id& tile) { return std::uint64_t{1} << (32 - tile.z); }

box tile_bounds_lonlat(const tile_id& tile) {
    auto origin = tile_origin(tile);
    double size = static_cast<double>(tile_size(tile));
    auto north_west = to_lonlat(origin.x, origin.y);
    auto south_east = to_lonlat(origin.x + size, origin.y + size);
    return {lonlat(north_west.x(), south_east.y()), lonlat(south_east.x(), north_west.y())};
}

}  // namespace crimemap::geo
