#pragma once
// The few pieces of SQL that SQLite (with SpatiaLite) and PostgreSQL spell differently, each
// said once here; every other statement is written in SQL both engines take.

#include "data/store/sqlite.hpp"

#include <string>
#include <string_view>

namespace crimemap::data::dialect {

/// A geometry column as WKB: SpatiaLite keeps its own blob format, PostgreSQL the WKB itself.
inline std::string wkb(const Database& db, std::string_view column) {
    return db.is_postgresql() ? std::string(column) : "AsBinary(" + std::string(column) + ")";
}

/// WKB bound as `parameter` (a `?`), stored in a geometry column in WGS84.
inline std::string geometry_from_wkb(const Database& db, std::string_view parameter) {
    return db.is_postgresql() ? std::string(parameter) : "GeomFromWKB(" + std::string(parameter) + ", 4326)";
}

/// `expression` as a JSON value in text ("null" for NULL, a string quoted).
inline std::string json_text(const Database& db, std::string_view expression) {
    return db.is_postgresql() ? "coalesce(to_json(" + std::string(expression) + ")::text, 'null')"
                              : "json_quote(" + std::string(expression) + ")";
}

/// Bytes as upper-case hexadecimal text.
inline std::string hex(const Database& db, std::string_view expression) {
    return db.is_postgresql() ? "upper(encode(" + std::string(expression) + ", 'hex'))" : "hex(" + std::string(expression) + ")";
}

/// The non-null values of `expression` joined with commas, ordered by `order`: SQLite joins them
/// in the order the rows come, so the rows must come ordered so (a sorted subquery).
inline std::string comma_list(const Database& db, std::string_view expression, std::string_view order) {
    if (db.is_postgresql()) return "string_agg(" + std::string(expression) + ", ',' ORDER BY " + std::string(order) + ")";
    return "group_concat(" + std::string(expression) + ", ',')";
}

}  // namespace crimemap::data::dialect
