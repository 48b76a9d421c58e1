#include "data/import/ogr.hpp"
#include "data/import/source_imports.hpp"
#include "data/store/store.hpp"
#include "data/vocabulary/text.hpp"

#include <vector>

namespace crimemap::data::detail {

namespace {

// Polygons of a feature, flattened to 2D and gathered into one multipolygon.
void collect_polygons(const OGRGeometry& geometry, OGRMultiPolygon& out) {
    switch (wkbFlatten(geometry.getGeometryType())) {
    case wkbPolygon: out.addGeometry(&geometry); break;
    case wkbMultiPolygon:
    case wkbGeometryCollection:
        for (const auto* part : *geometry.toGeometryCollection()) collect_polygons(*part, out);
        break;
    default: break;
    }
}


}  // namespace

file_result import_boundaries(Database& db, const import_source& source, import_observer& observer, bool strict) {
    auto dataset = open_vector(source.vsi_path, source.display_path);
    const bool one_per_file = !source.neighbourhood.empty();  // <force>/<id>.kml

    struct boundary {
        std::string force, id, name, wkb;
    };
    std::vector<boundary> boundaries;
    OGRMultiPolygon whole_file;
    std::uint64_t feature_number = 0, skipped = 0;

    for (auto* layer : dataset->GetLayers()) {
        wgs84_transform transform(*layer, source.display_path);
        for (auto& feature : *layer) {
            ++feature_number;
            auto where = source.display_path + ": feature " + std::to_string(feature_number) + ": ";
            OGRGeometry* geometry = feature->GetGeometryRef();
            if (!geometry) continue;  // KML folders may hold features without geometry
            if (!transform.apply(*geometry)) {
                observer.problem(where + "coordinates cannot be converted to WGS84");
                ++skipped;
                continue;
            }
            OGRMultiPolygon polygons;
            collect_polygons(*geometry, polygons);
            if (polygons.IsEmpty()) continue;  // points and lines in a boundary file are not boundaries
            if (one_per_file) {
                for (const auto* polygon : polygons) whole_file.addGeometry(polygon);
                continue;
            }
            boundary b;
            b.force = field_text(*feature, "force");
            if (b.force.empty()) b.force = source.force;
            b.id = field_text(*feature, "id");
            if (b.id.empty()) b.id = field_text(*feature, "neighbourhood");
            b.name = field_text(*feature, "name");
            if (invalid_utf8_at(b.force) || invalid_utf8_at(b.id) || invalid_utf8_at(b.name)) {
                observer.problem(where + "its 'force', 'id' or 'name' is not UTF-8 text");
                ++skipped;
                continue;
            }
            if (b.id.empty() || b.force.empty()) {
                observer.problem(where + "needs an 'id' (or 'neighbourhood') field, and a 'force' field unless "
                                         "the file sits in a folder named after its force");
                ++skipped;
                continue;
            }
            b.wkb = to_wkb(polygons);
            boundaries.push_back(std::move(b));
        }
    }
    if (one_per_file) {
        if (whole_file.IsEmpty()) throw input_error(source.display_path + ": holds no polygon");
        boundaries.push_back({source.force, source.neighbourhood, {}, to_wkb(whole_file)});
    }

    if (strict && skipped > 0) throw input_error(source.display_path + ": malformed features (--strict)");
    Transaction tx(db);
    Statement upsert(db,
                     "INSERT INTO neighbourhoods(force, id, name, boundary, boundary_source) "
                     "VALUES (?1, ?2, NULLIF(?3, ''), " + sql::geometry_from_wkb(db, "?4", true) + ", ?5) "
                     "ON CONFLICT(force, id) DO UPDATE SET boundary = excluded.boundary, "
                     "boundary_source = excluded.boundary_source, name = coalesce(neighbourhoods.name, excluded.name)");
    file_result result;
    for (const auto& b : boundaries) {
        upsert.bind(1, b.force).bind(2, b.id).bind(3, b.name).bind_blob(4, b.wkb.data(), b.wkb.size());
        upsert.bind(5, source.display_path).run();
        ++result.rows;
    }
    bump_map_version(db);
    tx.commit();
    result.skipped = skipped;
    return result;
}

}  // namespace crimemap::data::detail
