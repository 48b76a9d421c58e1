#pragma once
// Which polygon holds a point: a packed R-tree of polygon bounding boxes over a
// plain array of polygons, answered exactly with covered_by.

#include "geo/lonlat.hpp"

#include <boost/geometry/index/rtree.hpp>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace crimemap::geo {

class polygon_index {
public:
    polygon_index() = default;
    /// Bulk-loads (packs) the tree: O(n log n). Polygons keep their positions as ids.
    explicit polygon_index(std::vector<multi_polygon> polygons);

    /// The lowest id among the polygons that cover `point` (boundary included), so a point
    /// on an edge shared by two neighbourhoods gets the same answer every time.
    [[nodiscard]] std::optional<std::uint32_t> find(const lonlat& point) const;

    [[nodiscard]] std::size_t size() const { return polygons_.size(); }
    [[nodiscard]] const multi_polygon& polygon(std::uint32_t id) const { return polygons_[id]; }

private:
    using entry = std::pair<box, std::uint32_t>;
    std::vector<multi_polygon> polygons_;
    boost::geometry::index::rtree<entry, boost::geometry::index::rstar<16>> tree_;
};

}  // namespace crimemap::geo
