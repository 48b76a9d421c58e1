#include "geo/projection.hpp"

#include <proj.h>

#include <cmath>

namespace crimemap::geo {

void to_wgs84::context_deleter::operator()(pj_ctx* ctx) const noexcept { proj_context_destroy(ctx); }
void to_wgs84::pj_deleter::operator()(PJconsts* pj) const noexcept { proj_destroy(pj); }

to_wgs84::to_wgs84(const std::string& source_crs) : context_(proj_context_create()) {
    PJ* raw = proj_create_crs_to_crs(context_.get(), source_crs.c_str(), "EPSG:4326", nullptr);
    if (!raw) throw projection_error("PROJ does not know the coordinate system '" + source_crs + "'");
    // Traditional GIS order on both sides: easting/northing in, longitude/latitude out.
    PJ* normalised = proj_normalize_for_visualization(context_.get(), raw);
    proj_destroy(raw);
    if (!normalised) throw projection_error("PROJ cannot normalise the axis order of '" + source_crs + "'");
    transform_.reset(normalised);
}

lonlat to_wgs84::convert(double x, double y) const {
    PJ_COORD result = proj_trans(transform_.get(), PJ_FWD, proj_coord(x, y, 0, 0));
    if (!std::isfinite(result.xy.x) || !std::isfinite(result.xy.y))
        throw projection_error("cannot convert (" + std::to_string(x) + ", " + std::to_string(y) + ") to WGS84");
    return {result.xy.x, result.xy.y};
}

}  // namespace crimemap::geo
