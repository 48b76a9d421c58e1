// libFuzzer target for boundary and Watch files (GeoJSON, KML): the bytes are read by GDAL's
// drivers as the import reads them, then go through crimemap's own steps on each feature:
// conversion to WGS84, field reading, well-known binary and back to Boost.Geometry. Any bytes
// must give features or an input_error, never a crash. The first byte picks the format.

#include "data/import/csv_reader.hpp"
#include "data/import/ogr.hpp"
#include "data/import/wkb.hpp"

#include <cpl_error.h>
#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    CPLSetErrorHandler(CPLQuietErrorHandler);
    GDALAllRegister();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string path = (data[0] & 1) ? "/vsimem/fuzz.kml" : "/vsimem/fuzz.geojson";
    VSILFILE* file = VSIFileFromMemBuffer(path.c_str(), const_cast<GByte*>(data + 1), size - 1, FALSE);
    if (!file) return 0;
    VSIFCloseL(file);
    using namespace crimemap::data;
    try {
        auto dataset = detail::open_vector(path, "fuzz");
        for (auto* layer : dataset->GetLayers()) {
            detail::wgs84_transform transform(*layer, "fuzz");
            int features = 0;
            for (auto& feature : *layer) {
                if (++features > 1000) break;
                (void)detail::field_text(*feature, "id");
                (void)detail::field_text(*feature, "name");
                OGRGeometry* geometry = feature->GetGeometryRef();
                if (!geometry || !transform.apply(*geometry)) continue;
                auto wkb = detail::to_wkb(*geometry);
                try {
                    (void)detail::multi_polygon_from_wkb(wkb);
                    (void)detail::point_from_wkb(wkb);
                } catch (const std::runtime_error&) {
                }
            }
        }
    } catch (const input_error&) {
    }
    VSIUnlink(path.c_str());
    return 0;
}
