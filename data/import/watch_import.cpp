#include "data/import/ogr.hpp"
#include "data/import/source_imports.hpp"
#include "data/store/local_edits.hpp"
#include "data/vocabulary/text.hpp"
#include "data/watch/watch.hpp"
#include "data/store/store.hpp"

#include <array>
#include <charconv>
#include <initializer_list>
#include <utility>
#include <vector>

namespace crimemap::data::detail {

namespace {

// The columns an import and the app's edits both write, in the order of the update's flags.
constexpr std::array<std::string_view, 7> scheme_fields{"name", "description", "status", "households",
                                                        "website", "meetings", "area"};

// The name of the first property whose text is not UTF-8, or nullptr.
const char* not_utf8(std::initializer_list<std::pair<const char*, const std::string*>> properties) {
    for (const auto& [name, text] : properties)
        if (invalid_utf8_at(*text)) return name;
    return nullptr;
}

}  // namespace

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
            if (const char* bad = not_utf8({{"id", &s.id}, {"name", &s.name}, {"status", &s.status},
                                            {"description", &s.description}, {"website", &s.website},
                                            {"meetings", &s.meetings}})) {
                reject(std::string("property '") + bad + "' is not UTF-8 text");
                continue;
            }
            if (s.id.empty()) {
                reject("no 'id' property");
                continue;
            }
            if (s.name.empty()) {
                reject("scheme '" + s.id + "' has no 'name'");
                continue;
            }
            if (!is_scheme_status(s.status)) {
                reject("scheme '" + s.id + "' has status '" + s.status + "'; want " + std::string(scheme_status_choices));
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
    // A new scheme is inserted whole. A known one takes the file's value for each field but
    // those edited through the app (data/store/local_edits.hpp), and keeps its visibility, which
    // only the app sets: a scheme its coordinator hid stays hidden.
    local_edits edits(db, watch_scheme_entity);
    Statement insert(db, "INSERT INTO watch_schemes(id, name, description, status, households, website, meetings, source, "
                         "area) VALUES (?, ?, NULLIF(?, ''), ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, " +
                             sql::geometry_from_wkb(db, "?") + ") ON CONFLICT(id) DO NOTHING");
    Statement update(db, "UPDATE watch_schemes SET source = ?8, "
                         "name = CASE WHEN ?10 THEN name ELSE ?2 END, "
                         "description = CASE WHEN ?11 THEN description ELSE NULLIF(?3, '') END, "
                         "status = CASE WHEN ?12 THEN status ELSE ?4 END, "
                         "households = CASE WHEN ?13 THEN households ELSE ?5 END, "
                         "website = CASE WHEN ?14 THEN website ELSE NULLIF(?6, '') END, "
                         "meetings = CASE WHEN ?15 THEN meetings ELSE NULLIF(?7, '') END, "
                         "area = CASE WHEN ?16 THEN area ELSE " + sql::geometry_from_wkb(db, "?9") + " END WHERE id = ?1");
    // A field's value as the app's edit recorded it: json_quote of the column, the area as hex WKB.
    Statement quote(db, "SELECT " + sql::json_quote(db, "CAST(? AS TEXT)"));
    Statement quote_number(db, "SELECT " + sql::json_quote(db, "CAST(? AS BIGINT)"));
    Statement quote_area(db, "SELECT " + sql::json_quote(db, sql::hex(db, sql::wkb_of(db, sql::geometry_from_wkb(db, "?")))));
    auto as_json = [&](const scheme& s, std::size_t field) {
        Statement& q = field == 6 ? quote_area : field == 3 ? quote_number : quote;
        const std::string* text[] = {&s.name, &s.description, &s.status, nullptr, &s.website, &s.meetings};
        if (field == 6) {
            q.bind_blob(1, s.wkb.data(), s.wkb.size());
        } else if (field == 3) {
            if (s.households) {
                q.bind(1, *s.households);
            } else {
                q.bind_null(1);
            }
        } else if (text[field]->empty() && field != 0 && field != 2) {
            q.bind_null(1);  // stored as NULL, as the insert's NULLIF does
        } else {
            q.bind(1, *text[field]);
        }
        q.step();
        std::string out(q.column_text(0));
        q.reset();
        return out;
    };
    file_result result;
    for (const auto& s : schemes) {
        auto bind_row = [&](Statement& statement) {
            statement.bind(1, s.id).bind(2, s.name).bind(3, s.description).bind(4, s.status);
            if (s.households) {
                statement.bind(5, *s.households);
            } else {
                statement.bind_null(5);
            }
            statement.bind(6, s.website).bind(7, s.meetings).bind(8, source.display_path);
            statement.bind_blob(9, s.wkb.data(), s.wkb.size());
        };
        bind_row(insert);
        insert.run();
        ++result.rows;
        if (db.changes() > 0) continue;
        // Each field the app edited keeps its value (parameters 10..16 say which); the file's
        // value for it is compared with the one edited, as JSON text, for the conflict record.
        for (std::size_t i = 0; i < scheme_fields.size(); ++i) {
            bool edited = edits.edited(s.id, scheme_fields[i]);
            update.bind(static_cast<int>(10 + i), std::int64_t{edited});
            if (edited && edits.keep_edited(s.id, scheme_fields[i], as_json(s, i), source.display_path)) ++result.kept_edits;
        }
        bind_row(update);
        update.run();
    }
    bump_data_version(db);
    tx.commit();
    result.skipped = skipped;
    return result;
}

}  // namespace crimemap::data::detail
