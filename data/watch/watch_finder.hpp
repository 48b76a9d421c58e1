#pragma once
// Watch schemes around a point: those whose area covers it, then the nearest others
// (k-nearest on the snapshot's R-tree of scheme boxes, refined by true distance).

#include "data/snapshot/map_snapshot.hpp"

#include <cstdint>
#include <vector>

namespace crimemap::data {

struct scheme_hit {
    std::uint32_t scheme = 0;  ///< index into map_snapshot::schemes
    bool covers = false;       ///< the point is inside (or on the edge of) the scheme's area
    double distance_m = 0;     ///< 0 when it covers; else to the nearest edge or the point scheme
};

/// Every covering scheme, then up to `nearest` others by distance; hidden schemes left out.
std::vector<scheme_hit> find_watch_schemes(const map_snapshot& snapshot, geo::lonlat where, std::size_t nearest = 10);

}  // namespace crimemap::data
