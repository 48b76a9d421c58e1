#pragma once
// Well-known binary to Boost.Geometry, for boundaries read back from SpatiaLite.

#include "geo/lonlat.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace crimemap::data::detail {

/// Polygons and multipolygons become a multi_polygon, corrected to Boost.Geometry's
/// ring order; other geometry types give an empty one. Throws std::runtime_error on bad WKB.
geo::multi_polygon multi_polygon_from_wkb(std::string_view wkb);

}  // namespace crimemap::data::detail

namespace crimemap::data::detail {

/// The position of a Point geometry; nullopt for any other type. Throws std::runtime_error on bad WKB.
std::optional<geo::lonlat> point_from_wkb(std::string_view wkb);

}  // namespace crimemap::data::detail
