#pragma once
// Coordinate conversion with PROJ, e.g. British National Grid (EPSG:27700) to WGS84.

#include "geo/lonlat.hpp"

#include <memory>
#include <stdexcept>
#include <string>

struct pj_ctx;
struct PJconsts;

namespace crimemap::geo {

class projection_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Converts from a source CRS to WGS84 longitude/latitude in degrees (x = longitude,
/// whatever the CRS's official axis order). One object per thread: PROJ contexts are not shared.
class to_wgs84 {
public:
    /// @param source_crs anything PROJ accepts: "EPSG:27700", a WKT or PROJJSON string.
    /// Throws projection_error when PROJ does not know it.
    explicit to_wgs84(const std::string& source_crs);
    /// x, y in the source CRS's units and traditional GIS order (easting, northing).
    /// Throws projection_error when the point cannot be converted.
    [[nodiscard]] lonlat convert(double x, double y) const;

private:
    struct context_deleter {
        void operator()(pj_ctx* ctx) const noexcept;
    };
    struct pj_deleter {
        void operator()(PJconsts* pj) const noexcept;
    };
    std::unique_ptr<pj_ctx, context_deleter> context_;
    std::unique_ptr<PJconsts, pj_deleter> transform_;
};

}  // namespace crimemap::geo
