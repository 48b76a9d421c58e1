// Stop and search: the snapshot knows each stop's month and place; its row is read from the
// store when it is shown.

#include "data/vocabulary/categories.hpp"
#include "data/vocabulary/months.hpp"
#include "server/api/api_methods.hpp"
#include "server/http/errors.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <tuple>

namespace crimemap::server::api {

namespace {

constexpr const char* stop_columns =
    "SELECT stops.type, stops.datetime, stops.part_of_operation, stops.operation, stops.gender, stops.age_range, "
    "stops.self_defined_ethnicity, stops.officer_defined_ethnicity, stops.legislation, stops.object_of_search, "
    "stops.outcome, stops.outcome_linked_to_object, stops.removal_of_outer_clothing, stops.location, "
    "locations.longitude, locations.latitude FROM stops LEFT JOIN locations ON locations.id = stops.location ";

json text_or_null(const data::Statement& row, int column) {
    if (row.is_null(column) || row.column_text(column).empty()) return nullptr;
    return std::string(row.column_text(column));
}

json flag_or_null(const data::Statement& row, int column) {
    if (row.is_null(column)) return nullptr;
    return row.column_int(column) != 0;
}

// data.police.uk's id for a stop's outcome: "bu-" and a short slug.
std::string outcome_object_id(std::string_view outcome) {
    if (outcome == "A no further action disposal" || outcome.starts_with("Nothing found")) return "bu-no-further-action";
    if (outcome == "Arrest" || outcome.starts_with("Suspect arrested") || outcome.starts_with("Offender arrested"))
        return "bu-arrest";
    if (outcome == "Community resolution") return "bu-community-resolution";
    if (outcome == "Summons / charged by post" || outcome.starts_with("Suspect summonsed")) return "bu-summons";
    if (outcome == "Penalty Notice for Disorder" || outcome.starts_with("Offender given penalty notice"))
        return "bu-penalty-notice";
    if (outcome == "Khat or Cannabis warning" || outcome.starts_with("Offender cautioned")) return "bu-caution";
    auto slug = data::slugify(outcome);
    return slug.empty() ? "bu" : "bu-" + slug;
}

// A stop's location, shown at the crime location at the same point when there is one.
json stop_location(const data::map_snapshot& s, const data::Statement& row) {
    if (row.is_null(13) || row.is_null(14)) return nullptr;
    geo::lonlat where(row.column_double(14), row.column_double(15));
    if (auto nearest = s.crime_tiles.nearest_location(geo::to_world(where.x(), where.y()))) {
        const auto& p = s.location_positions[*nearest];
        if (std::abs(p.x() - where.x()) < 5e-7 && std::abs(p.y() - where.y()) < 5e-7) return location_json(s, *nearest);
    }
    return {{"latitude", six_decimals(where.y())},
            {"street", {{"id", row.column_int(13)}, {"name", ""}}},
            {"longitude", six_decimals(where.x())}};
}

// One stop in the API's shape (api-examples/stop-and-search.json).
json stop_json(const data::map_snapshot& s, const data::Statement& row) {
    auto type = row.column_text(0);
    json outcome = text_or_null(row, 10);
    json outcome_object = nullptr;
    if (outcome.is_string())
        outcome_object = {{"id", outcome_object_id(outcome.get_ref<const std::string&>())}, {"name", outcome}};
    return {{"age_range", text_or_null(row, 5)},
            {"outcome", outcome},
            {"involved_person", type != "Vehicle search"},
            {"self_defined_ethnicity", text_or_null(row, 6)},
            {"gender", text_or_null(row, 4)},
            {"legislation", text_or_null(row, 8)},
            {"outcome_linked_to_object_of_search", flag_or_null(row, 11)},
            {"datetime", std::string(row.column_text(1))},
            {"removal_of_more_than_outer_clothing", flag_or_null(row, 12)},
            {"outcome_object", outcome_object},
            {"location", stop_location(s, row)},
            {"operation", flag_or_null(row, 2)},
            {"officer_defined_ethnicity", text_or_null(row, 7)},
            {"type", std::string(type)},
            {"operation_name", text_or_null(row, 3)},
            {"object_of_search", text_or_null(row, 9)}};
}

// The stops of some rows, read one by one, in row order.
json stops_by_row(const call& c, std::vector<std::int64_t> rows) {
    if (rows.size() > max_results)
        throw http_error(error_kind::too_many_results, "more than 10,000 stops match: ask for a smaller area");
    std::sort(rows.begin(), rows.end());
    auto db = c.store.acquire();
    data::Statement select(*db, std::string(stop_columns) + "WHERE stops.id = ?");
    json list = json::array();
    for (auto row : rows) {
        select.reset();
        select.bind(1, row);
        if (select.step()) list.push_back(stop_json(c.snapshot, select));  // gone: imported again since the load
    }
    return list;
}

// The snapshot's stops of one month.
std::pair<const data::stop_entry*, const data::stop_entry*> stops_in_month(const data::map_snapshot& s, int month) {
    auto first = std::partition_point(s.stops.begin(), s.stops.end(), [&](const auto& e) { return e.month < month; });
    auto last = std::partition_point(first, s.stops.end(), [&](const auto& e) { return e.month == month; });
    return {s.stops.data() + (first - s.stops.begin()), s.stops.data() + (last - s.stops.begin())};
}

// A force's stop and search file for a month: its id and row range; nullopt when it published none.
struct file_rows {
    std::int64_t file, first, last;
};
std::optional<file_rows> force_file_rows(data::Database& db, std::string_view force, int month) {
    data::Statement select(db, "SELECT id, first_row, last_row FROM import_files "
                               "WHERE force = ? AND month = ? AND kind = 'stop-and-search'");
    select.bind(1, force).bind(2, static_cast<std::int64_t>(month));
    if (!select.step() || select.is_null(1)) return std::nullopt;
    return file_rows{select.column_int(0), select.column_int(1), select.column_int(2)};
}

json force_stops(const call& c, bool without_location_only) {
    int date = date_parameter(c);
    auto force = c.query.get("force");
    if (!force || force->empty()) throw http_error(error_kind::bad_request, "force: required, e.g. force=leicestershire");
    require_force(c.snapshot, *force);
    auto db = c.store.acquire();
    json list = json::array();
    auto rows = force_file_rows(*db, *force, date);
    if (!rows) return list;
    data::Statement select(*db, std::string(stop_columns) + "WHERE stops.id BETWEEN ? AND ? AND stops.file = ?" +
                                    (without_location_only ? " AND stops.location IS NULL" : "") + " ORDER BY stops.id");
    select.bind(1, rows->first).bind(2, rows->last).bind(3, rows->file);
    while (select.step()) list.push_back(stop_json(c.snapshot, select));
    return list;
}

}  // namespace

response stops_street(const call& c) {
    int date = date_parameter(c);
    area where(c);
    std::vector<std::int64_t> rows;
    auto [first, last] = stops_in_month(c.snapshot, date);
    const auto box = where.bounds();
    for (auto it = first; it != last; ++it) {
        const auto& p = it->where;
        if (p.x() < box.min_corner().x() || p.x() > box.max_corner().x() || p.y() < box.min_corner().y() ||
            p.y() > box.max_corner().y() || !where.contains(p))
            continue;
        rows.push_back(it->row);
        if (rows.size() > max_results)
            throw http_error(error_kind::too_many_results, "more than 10,000 stops match: ask for a smaller area");
    }
    return c.reply(stops_by_row(c, std::move(rows)));
}

response stops_at_location(const call& c) {
    const auto& s = c.snapshot;
    int date = date_parameter(c);
    auto id_text = c.query.get("location_id");
    if (!id_text) throw http_error(error_kind::bad_request, "location_id: required");
    const std::int64_t id = parse_location_id(*id_text);
    bool known = static_cast<std::size_t>(id) < s.location_index_by_id.size() &&
                 s.location_index_by_id[static_cast<std::size_t>(id)] >= 0;
    if (!known && std::none_of(s.stops.begin(), s.stops.end(), [&](const auto& e) { return e.location_id == id; }))
        throw http_error(error_kind::not_found, "no map location " + clip(*id_text));
    auto [first, last] = stops_in_month(s, date);
    auto at = std::partition_point(first, last, [&](const auto& e) { return e.location_id < id; });
    std::vector<std::int64_t> rows;
    for (; at != last && at->location_id == id; ++at) rows.push_back(at->row);
    return c.reply(stops_by_row(c, std::move(rows)));
}

response stops_no_location(const call& c) { return c.reply(force_stops(c, true)); }

response stops_force(const call& c) { return c.reply(force_stops(c, false)); }

}  // namespace crimemap::server::api
