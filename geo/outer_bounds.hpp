#pragma once
// The box that bounds a multi-polygon's outer rings.

#include "geo/lonlat.hpp"

#include <algorithm>
#include <limits>

namespace crimemap::geo {

/// The smallest box holding every point of `shape`'s outer rings (inner rings lie within them),
/// in whatever units its points are in (WGS84 degrees, world pixels). Linear in the number of
/// points. An empty shape gives an empty box at the origin.
/// (bg::envelope would do, but trips GCC 12's maybe-uninitialized warning inside Boost 1.74
/// at -O2.)
inline box outer_bounds(const multi_polygon& shape) {
    if (shape.empty()) return {lonlat(0, 0), lonlat(0, 0)};
    double min_x = std::numeric_limits<double>::max(), min_y = min_x;
    double max_x = std::numeric_limits<double>::lowest(), max_y = max_x;
    for (const auto& part : shape)
        for (const auto& p : part.outer()) {
            min_x = std::min(min_x, p.x());
            min_y = std::min(min_y, p.y());
            max_x = std::max(max_x, p.x());
            max_y = std::max(max_y, p.y());
        }
    return {lonlat(min_x, min_y), lonlat(max_x, max_y)};
}

}  // namespace crimemap::geo
