#include "data/detail/ogr.hpp"
#include "data/detail/source_imports.hpp"
#include "data/store.hpp"

#include <charconv>
#include <vector>

namespace crimemap::data::detail {

file_result import_watch_schemes(Database& db, const import_source& source, import_observer& observer, bool strict) {
    auto dataset = open_vector(source.vsi_path, source.display_path);
    struct scheme {
        std::string id, name, description, status, website, meetings, wkb;
        std::optional<std::int64_t> households;
    };
    std::vector<scheme> schemes;
    std::uint64_t feature_number = 0, skipped = 0;
    for (auto* layer : dataset->GetLayers()) {
        wgs84_transform transform(*layer, source.display_path);
        for (auto& feature : *layer) {
            ++feature_number;
            auto reject = [&](const std::string& reason) {
                observer.problem(source.display_path + ": feature " + std::to_string(feature_number) + ": " + reason);
                ++skipped;
            };
            scheme s;
            s.id = field_text(*feature, "id");
            s.name = field_text(*feature, "name");
            s.status = field_text(*feature, "status");
            s.description = field_text(*feature, "description");
            s.website = field_text(*feature, "website");
            s.meetings = field_text(*feature, "meetings");
            if (s.id.empty()) {
                reject("no 'id' property");
                continue;
            }
            if (s.name.empty()) {
                reject("scheme '" + s.id + "' has no 'name'");
                continue;
            }
            if (s.status != "self-declared" && s.status != "verified-by-volunteer" && s.status != "verified-by-police") {
                reject("scheme '" + s.id + "' has status '" + s.status +
                       "'; want self-declared, verified-by-volunteer or verified-by-police");
                continue;
            }
            if (auto text = field_text(*feature, "households"); !text.empty()) {
                std::int64_t value = 0;
                auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
                if (error != std::errc() || end != text.data() + text.size() || value < 0) {
                    reject("scheme '" + s.id + "' has households '" + text + "'; want a whole number");
                    continue;
                }
                s.households = value;
            }
            OGRGeometry* geometry = feature->GetGeometryRef();
            auto type = geometry ? wkbFlatten(geometry->getGeometryType()) : wkbUnknown;
            if (type != wkbPoint && type != wkbPolygon && type != wkbMultiPolygon) {
                reject("scheme '" + s.id + "' needs a Point, Polygon or MultiPolygon geometry");
                continue;
            }
            if (!transform.apply(*geometry)) {
                reject("scheme '" + s.id + "' has coordinates that cannot be converted to WGS84");
                continue;
            }
            s.wkb = to_wkb(*geometry);
            schemes.push_back(std::move(s));
        }
    }
    if (strict && skipped > 0) throw input_error(source.display_path + ": malformed schemes (--strict)");
    Transaction tx(db);
    Statement upsert(db, "INSERT OR REPLACE INTO watch_schemes(id, name, description, status, households, website, "
                         "meetings, source, area) VALUES (?, ?, NULLIF(?, ''), ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, "
                         "GeomFromWKB(?, 4326))");
    file_result result;
    for (const auto& s : schemes) {
        upsert.bind(1, s.id).bind(2, s.name).bind(3, s.description).bind(4, s.status);
        if (s.households) {
            upsert.bind(5, *s.households);
        } else {
            upsert.bind_null(5);
        }
        upsert.bind(6, s.website).bind(7, s.meetings).bind(8, source.display_path);
        upsert.bind_blob(9, s.wkb.data(), s.wkb.size()).run();
        ++result.rows;
    }
    bump_data_version(db);
    tx.commit();
    result.skipped = skipped;
    return result;
}

}  // namespace crimemap::data::detail
