#pragma once
// Small RAII helpers over OGR for the vector-format importers.

#include "data/import/csv_reader.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

namespace crimemap::data::detail {

/// Opens a vector dataset read-only. Throws input_error with GDAL's reason.
inline GDALDatasetUniquePtr open_vector(const std::string& vsi_path, const std::string& display_path) {
    configure_gdal();
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(vsi_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!dataset) throw input_error(display_path + ": GDAL cannot read it as vector data: " + CPLGetLastErrorMsg());
    return dataset;
}

/// Converts a layer's features to WGS84 longitude/latitude; a no-op when the layer
/// has no CRS (taken as WGS84, as GeoJSON and KML are) or is WGS84 already.
class wgs84_transform {
public:
    wgs84_transform(const OGRLayer& layer, const std::string& display_path) {
        const OGRSpatialReference* source = const_cast<OGRLayer&>(layer).GetSpatialRef();
        if (!source) return;
        OGRSpatialReference wgs84;
        wgs84.SetWellKnownGeogCS("WGS84");
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (source->IsSame(&wgs84)) return;
        OGRSpatialReference from(*source);
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        transform_.reset(OGRCreateCoordinateTransformation(&from, &wgs84));
        if (!transform_)
            throw input_error(display_path + ": cannot convert its coordinate system to WGS84: " + CPLGetLastErrorMsg());
    }
    /// Returns false when a point could not be converted.
    bool apply(OGRGeometry& geometry) const { return !transform_ || geometry.transform(transform_.get()) == OGRERR_NONE; }

private:
    struct deleter {
        void operator()(OGRCoordinateTransformation* t) const noexcept { OGRCoordinateTransformation::DestroyCT(t); }
    };
    std::unique_ptr<OGRCoordinateTransformation, deleter> transform_;
};

/// A field's value as text, or "" when the layer has no such field or it is unset.
inline std::string field_text(const OGRFeature& feature, const char* name) {
    int index = feature.GetFieldIndex(name);
    if (index < 0 || !feature.IsFieldSetAndNotNull(index)) return {};
    return feature.GetFieldAsString(index);
}

/// The geometry as 2D ISO well-known binary, as SpatiaLite's GeomFromWKB reads it.
inline std::string to_wkb(OGRGeometry& geometry) {
    geometry.flattenTo2D();
    std::string wkb(static_cast<std::size_t>(geometry.WkbSize()), '\0');
    geometry.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    return wkb;
}

}  // namespace crimemap::data::detail
