#include "data/import/csv_reader.hpp"
#include "data/import/source_imports.hpp"
#include "data/vocabulary/postcodes.hpp"
#include "data/vocabulary/text.hpp"
#include "data/store/store.hpp"
#include "geo/projection.hpp"

#include <cctype>
#include <charconv>

namespace crimemap::data::detail {

namespace {

constexpr std::uint64_t problems_shown = 20;

bool parse_metres(std::string_view text, double& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

file_result import_postcodes(Database& db, const import_source& source, import_observer& observer, bool strict) {
    csv_reader reader(open_vsi(source.vsi_path, source.display_path), source.display_path);
    std::size_t postcode_column = 0, eastings_column = 2, northings_column = 3;  // Code-Point Open
    bool has_header = false;
    if (!reader.next()) return {};
    {
        const auto& fields = reader.fields();
        std::optional<std::size_t> p, e, n;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            auto name = lower(fields[i]);
            if (name == "postcode" || name == "pcd" || name == "pcds") p = p.value_or(i);
            if (name == "eastings" || name == "easting") e = i;
            if (name == "northings" || name == "northing") n = i;
        }
        if (p && e && n) {
            has_header = true;
            postcode_column = *p;
            eastings_column = *e;
            northings_column = *n;
        }
    }
    geo::to_wgs84 grid("EPSG:27700");
    Transaction tx(db);
    Statement upsert(db, "INSERT INTO postcodes(postcode, label, eastings, northings, longitude, latitude) "
                         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(postcode) DO UPDATE SET label = excluded.label, "
                         "eastings = excluded.eastings, northings = excluded.northings, "
                         "longitude = excluded.longitude, latitude = excluded.latitude");
    file_result result;
    std::uint64_t shown = 0;
    auto skip = [&](const std::string& reason) {
        if (strict)
            throw input_error(source.display_path + ":" + std::to_string(reader.line()) + ": " + reason + " (--strict)");
        ++result.skipped;
        if (shown++ < problems_shown)
            observer.problem(source.display_path + ":" + std::to_string(reader.line()) + ": " + reason);
    };
    std::size_t needed = std::max({postcode_column, eastings_column, northings_column}) + 1;
    bool first = true;
    do {
        if (first && has_header) {
            first = false;
            continue;
        }
        first = false;
        const auto& fields = reader.fields();
        if (fields.size() == 1 && fields[0].empty()) continue;
        if (fields.size() < needed) {
            skip("expected at least " + std::to_string(needed) + " columns, found " + std::to_string(fields.size()));
            continue;
        }
        std::string postcode = normalise_postcode(fields[postcode_column]);
        if (postcode.empty()) {
            skip("'" + std::string(fields[postcode_column]) + "' is not a postcode");
            continue;
        }
        double eastings = 0, northings = 0;
        if (!parse_metres(fields[eastings_column], eastings) || !parse_metres(fields[northings_column], northings) ||
            eastings < 0 || eastings > 800000 || northings < 0 || northings > 1400000) {
            skip("bad eastings/northings '" + std::string(fields[eastings_column]) + "', '" +
                 std::string(fields[northings_column]) + "' (want metres on the British National Grid)");
            continue;
        }
        if (eastings == 0 && northings == 0) {
            skip("postcode " + postcode + " has no grid reference");
            continue;
        }
        auto position = grid.convert(eastings, northings);
        std::string label = postcode.substr(0, postcode.size() - 3) + " " + postcode.substr(postcode.size() - 3);
        upsert.bind(1, postcode).bind(2, label);
        upsert.bind(3, static_cast<std::int64_t>(eastings)).bind(4, static_cast<std::int64_t>(northings));
        upsert.bind(5, position.x()).bind(6, position.y()).run();
        ++result.rows;
    } while (reader.next());
    if (shown > problems_shown)
        observer.problem(source.display_path + ": ... and " + std::to_string(shown - problems_shown) + " more");
    bump_data_version(db);
    tx.commit();
    return result;
}

}  // namespace crimemap::data::detail
