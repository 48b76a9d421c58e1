#include "geo/polygon_index.hpp"

#include "geo/outer_bounds.hpp"

#include <boost/geometry/algorithms/covered_by.hpp>


namespace crimemap::geo {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

polygon_index::polygon_index(std::vector<multi_polygon> polygons) : polygons_(std::move(polygons)) {
    std::vector<entry> entries;
    entries.reserve(polygons_.size());
    for (std::uint32_t id = 0; id < polygons_.size(); ++id) {
        if (polygons_[id].empty()) continue;
        entries.emplace_back(outer_bounds(polygons_[id]), id);
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
