#include "data/import/wkb.hpp"

#include <boost/geometry/algorithms/correct.hpp>
#include <ogr_geometry.h>

#include <memory>
#include <stdexcept>

namespace crimemap::data::detail {

namespace {

geo::polygon to_polygon(const OGRPolygon& source) {
    geo::polygon out;
    auto copy_ring = [](const OGRLinearRing& ring, auto& target) {
        target.reserve(static_cast<std::size_t>(ring.getNumPoints()));
        for (int i = 0; i < ring.getNumPoints(); ++i) target.emplace_back(ring.getX(i), ring.getY(i));
    };
    if (const auto* exterior = source.getExteriorRing()) copy_ring(*exterior, out.outer());
    for (int i = 0; i < source.getNumInteriorRings(); ++i) {
        out.inners().emplace_back();
        copy_ring(*source.getInteriorRing(i), out.inners().back());
    }
    return out;
}

}  // namespace

geo::multi_polygon multi_polygon_from_wkb(std::string_view wkb) {
    OGRGeometry* raw = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &raw, wkb.size()) != OGRERR_NONE)
        throw std::runtime_error("boundary geometry is not valid WKB");
    std::unique_ptr<OGRGeometry> geometry(raw);
    geo::multi_polygon out;
    auto type = wkbFlatten(geometry->getGeometryType());
    if (type == wkbPolygon) {
        out.push_back(to_polygon(*geometry->toPolygon()));
    } else if (type == wkbMultiPolygon) {
        for (const auto* part : *geometry->toMultiPolygon()) out.push_back(to_polygon(*part));
    }
    boost::geometry::correct(out);
    return out;
}

}  // namespace crimemap::data::detail

namespace crimemap::data::detail {

std::optional<geo::lonlat> point_from_wkb(std::string_view wkb) {
    OGRGeometry* raw = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &raw, wkb.size()) != OGRERR_NONE)
        throw std::runtime_error("geometry is not valid WKB");
    std::unique_ptr<OGRGeometry> geometry(raw);
    if (wkbFlatten(geometry->getGeometryType()) != wkbPoint) return std::nullopt;
    const auto* point = geometry->toPoint();
    return geo::lonlat(point->getX(), point->getY());
}

}  // namespace crimemap::data::detail
