#pragma once
// Coordinate types shared by the geometry code.

#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>

namespace crimemap::geo {

/// A WGS84 position in degrees: x is longitude, y is latitude.
using lonlat = boost::geometry::model::d2::point_xy<double>;
/// Rings are closed, outer rings clockwise in Boost.Geometry's default sense
/// (call boost::geometry::correct after building one by hand).
using polygon = boost::geometry::model::polygon<lonlat>;
using multi_polygon = boost::geometry::model::multi_polygon<polygon>;
using box = boost::geometry::model::box<lonlat>;

}  // namespace crimemap::geo
