#include "data/store/stats.hpp"

#include "data/vocabulary/months.hpp"

#include <cstdio>

namespace crimemap::data {

namespace {

nlohmann::ordered_json count_map(Database& db, const char* sql, bool month_keys) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    Statement select(db, sql);
    while (select.step()) {
        std::string key;
        if (month_keys) {
            key = month_text(static_cast<int>(select.column_int(0)));
        } else {
            key = std::string(select.column_text(0));
        }
        out[key] = select.column_int(1);
    }
    return out;
}

}  // namespace

nlohmann::ordered_json store_stats(Database& db) {
    nlohmann::ordered_json out;
    out["crimes"] = db.query_int("SELECT count(*) FROM crimes");
    out["outcomes"] = db.query_int("SELECT count(*) FROM outcomes");
    out["stops"] = db.query_int("SELECT count(*) FROM stops");
    out["locations"] = db.query_int("SELECT count(*) FROM locations");
    out["neighbourhoods"] = db.query_int("SELECT count(*) FROM neighbourhoods");
    out["months"] = count_map(db, "SELECT month, count(*) FROM crimes GROUP BY month ORDER BY month", true);
    out["categories"] = count_map(db,
                                  "SELECT t.slug, sum(n) FROM (SELECT crime_type, count(*) AS n FROM crimes "
                                  "GROUP BY crime_type) c JOIN crime_types t ON t.id = c.crime_type "
                                  "GROUP BY t.slug ORDER BY t.slug",
                                  false);
    out["forces"] = count_map(db,
                              "SELECT f.force, sum(n) FROM (SELECT file, count(*) AS n FROM crimes GROUP BY file) c "
                              "JOIN import_files f ON f.id = c.file GROUP BY f.force ORDER BY f.force",
                              false);
    out["crimes_without_location"] = db.query_int("SELECT count(*) FROM crimes WHERE location IS NULL");
    out["locations_in_a_neighbourhood"] = db.query_int("SELECT count(*) FROM locations WHERE neighbourhood IS NOT NULL");
    out["watch_schemes"] = db.query_int("SELECT count(*) FROM watch_schemes");
    out["postcodes"] = db.query_int("SELECT count(*) FROM postcodes");
    // The monthly files whose rows the store holds, by kind (a re-imported month counts once).
    out["monthly_files"] = count_map(db, "SELECT kind, count(*) FROM import_files GROUP BY kind ORDER BY kind", false);
    // Fields edited through the app whose newer imported value was not applied (docs/data-formats.md).
    nlohmann::ordered_json conflicts = nlohmann::ordered_json::array();
    Statement select(db, "SELECT c.entity, c.key, c.field, c.source, c.at, c.upstream FROM import_conflicts c "
                         "ORDER BY c.entity, c.key, c.field");
    while (select.step()) {
        conflicts.push_back({{"record", std::string(select.column_text(0)) + " " + std::string(select.column_text(1))},
                             {"field", select.column_text(2)},
                             {"file", select.column_text(3)},
                             {"at", select.column_text(4)},
                             {"file_value", nlohmann::ordered_json::parse(select.column_text(5), nullptr, false)}});
    }
    out["import_conflicts"] = std::move(conflicts);
    return out;
}

}  // namespace crimemap::data
