#include "geo/polygon_index.hpp"

#include <boost/geometry/algorithms/covered_by.hpp>

#include <algorithm>
#include <limits>

namespace crimemap::geo {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

// Outer rings bound a polygon. (bg::envelope trips GCC 12's maybe-uninitialized
// warning inside Boost 1.74 at -O2, and this loop is all it needs to do.)
box bounds_of(const multi_polygon& shape) {
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

}  // namespace

polygon_index::polygon_index(std::vector<multi_polygon> polygons) : polygons_(std::move(polygons)) {
    std::vector<entry> entries;
    entries.reserve(polygons_.size());
    for (std::uint32_t id = 0; id < polygons_.size(); ++id) {
        if (polygons_[id].empty()) continue;
        entries.emplace_back(bounds_of(polygons_[id]), id);
    }
    tree_ = decltype(tree_)(entries.begin(), entries.end());  // the range constructor packs
}

std::optional<std::uint32_t> polygon_index::find(const lonlat& point) const {
    std::optional<std::uint32_t> best;
    for (auto it = tree_.qbegin(bgi::covers(point)); it != tree_.qend(); ++it) {
        std::uint32_t id = it->second;
        if (best && *best < id) continue;
        if (bg::covered_by(point, polygons_[id])) best = id;
    }
    return best;
}

}  // namespace crimemap::geo
