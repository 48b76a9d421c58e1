#include "data/store/published_details.hpp"

#include "data/vocabulary/forces.hpp"

namespace crimemap::data {

namespace {

std::int64_t data_version(Database& db) {
    return db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'");
}

nlohmann::json parse_or_empty(const Statement& row, int column) {
    if (row.is_null(column)) return nlohmann::json::object();
    auto parsed = nlohmann::json::parse(row.column_text(column), nullptr, false);
    return parsed.is_object() ? parsed : nlohmann::json::object();
}

}  // namespace

std::optional<published_details> read_force_details(Database& db, std::string_view force) {
    published_details out;
    out.data_version = data_version(db);
    Statement select(db, "SELECT name, details FROM forces WHERE id = ?");
    select.bind(1, force);
    if (select.step()) {
        out.name = std::string(select.column_text(0));
        out.details = parse_or_empty(select, 1);
    } else if (const auto* known = find_known_force(force)) {
        // Bulk downloads carry no forces.json: a force is still known by its id and name.
        out.name = std::string(known->name);
        out.details = nlohmann::json::object();
    } else {
        return std::nullopt;
    }
    // The /forces/{id} object's members, empty where nothing was imported.
    for (const char* key : {"description", "url", "telephone"})
        if (!out.details.contains(key)) out.details[key] = nullptr;
    if (!out.details.contains("engagement_methods")) out.details["engagement_methods"] = nlohmann::json::array();
    return out;
}

std::optional<published_details> read_neighbourhood_details(Database& db, std::string_view force, std::string_view id) {
    published_details out;
    out.data_version = data_version(db);
    Statement select(db, "SELECT coalesce(name, id), details FROM neighbourhoods WHERE force = ? AND id = ?");
    select.bind(1, force).bind(2, id);
    if (!select.step()) return std::nullopt;
    out.name = std::string(select.column_text(0));
    out.details = parse_or_empty(select, 1);
    return out;
}

nlohmann::json read_support_services(Database& db, std::string_view force) {
    Statement select(db, "SELECT services FROM force_support WHERE force = ?");
    select.bind(1, force);
    if (!select.step()) return nlohmann::json::array();
    auto parsed = nlohmann::json::parse(select.column_text(0), nullptr, false);
    return parsed.is_array() ? parsed : nlohmann::json::array();
}

}  // namespace crimemap::data
