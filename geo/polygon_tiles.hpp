#pragma once
// Polygons cut into vector tiles: simplified for the zoom, clipped to the tile and its
// buffer, in tile coordinates with MVT's winding (exterior rings positive area, y down).

#include "geo/lonlat.hpp"
#include "geo/mvt_writer.hpp"
#include "geo/web_mercator.hpp"

#include <boost/geometry/index/rtree.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace crimemap::geo {

class polygon_tiles {
public:
    polygon_tiles() = default;
    /// Projects the shapes (WGS84) to the world grid and simplifies them once per zoom
    /// bucket. Linear in vertices per bucket. Shapes keep their positions as ids.
    explicit polygon_tiles(std::span<const multi_polygon> shapes);

    /// For each shape that overlaps the tile plus `buffer` (in tile units of `extent`),
    /// its rings ready for mvt_layer::add_polygon. Shapes that vanish at this zoom are skipped.
    /// @pre is_valid(tile)
    void query(const tile_id& tile, std::uint32_t extent, std::uint32_t buffer,
               const std::function<void(std::uint32_t id, std::span<const std::vector<tile_point>> rings)>& emit) const;

    [[nodiscard]] std::size_t size() const { return boxes_.size(); }

private:
    using world_xy = boost::geometry::model::d2::point_xy<double>;
    using world_polygon = boost::geometry::model::polygon<world_xy>;
    using world_shape = boost::geometry::model::multi_polygon<world_polygon>;
    using world_box = boost::geometry::model::box<world_xy>;
    struct version {
        std::uint32_t max_zoom;  // used for requests at zooms up to this one
        std::vector<world_shape> shapes;
    };
    std::vector<version> versions_;  // by ascending max_zoom; the last is unsimplified
    std::vector<world_box> boxes_;
    boost::geometry::index::rtree<std::pair<world_box, std::uint32_t>, boost::geometry::index::rstar<16>> tree_;
};

}  // namespace crimemap::geo
