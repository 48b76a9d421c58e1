#include "server/api_handlers.hpp"

#include "data/months.hpp"
#include "server/errors.hpp"
#include "server/http_caching.hpp"

#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <tuple>

namespace crimemap::server {

namespace {

using json = nlohmann::ordered_json;
constexpr int api_max_age = 300;

// Shortest text that reads back as the same double, as the API writes coordinates (strings).
std::string coordinate_text(double value) {
    char text[32];
    auto [end, error] = std::to_chars(text, text + sizeof text, value);
    return error == std::errc() ? std::string(text, end) : std::string("0");
}

// ?date=YYYY-MM, defaulting to the latest month; 400 naming the parameter when malformed.
int date_parameter(const query_parameters& query, const data::map_snapshot& snapshot) {
    auto value = query.get("date");
    if (!value || value->empty()) return snapshot.last_updated;
    auto month = data::parse_month(*value);
    if (!month) throw http_error(error_kind::bad_request, "date: '" + value->substr(0, 40) + "' is not a month; want YYYY-MM");
    return *month;
}

bool parse_degrees(std::string_view text, double& value) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty()) return false;
    if (text.front() == '+') text.remove_prefix(1);
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

// The parameters that shape an answer, for its ETag.
std::string query_identity(const query_parameters& query) {
    std::string out;
    for (const auto& [key, value] : query.items()) out += key + "=" + value + "&";
    return out;
}

response json_response(const request& req, const json& body, const data::map_snapshot& snapshot,
                       std::string_view identity) {
    return cacheable_response(req, body.dump(), "application/json", snapshot.data_version, identity, api_max_age);
}

const data::force_info* find_force(const data::map_snapshot& snapshot, std::string_view id) {
    auto it = std::lower_bound(snapshot.forces.begin(), snapshot.forces.end(), id,
                               [](const auto& f, std::string_view key) { return f.id < key; });
    return it != snapshot.forces.end() && it->id == id ? &*it : nullptr;
}

bool force_known(const data::map_snapshot& snapshot, std::string_view force) {
    if (find_force(snapshot, force)) return true;
    return std::any_of(snapshot.neighbourhoods.begin(), snapshot.neighbourhoods.end(),
                       [&](const auto& n) { return n.force == force; });
}

const data::neighbourhood_info& find_neighbourhood(const data::map_snapshot& snapshot, std::string_view force,
                                                   std::string_view id) {
    auto it = std::lower_bound(snapshot.neighbourhoods.begin(), snapshot.neighbourhoods.end(),
                               std::pair{force, id}, [](const auto& n, const auto& key) {
                                   return std::pair<std::string_view, std::string_view>{n.force, n.id} < key;
                               });
    if (it == snapshot.neighbourhoods.end() || it->force != force || it->id != id) {
        if (!force_known(snapshot, force))
            throw http_error(error_kind::not_found, "no force '" + std::string(force.substr(0, 60)) + "'");
        throw http_error(error_kind::not_found, "force '" + std::string(force.substr(0, 60)) +
                                                    "' has no neighbourhood '" + std::string(id.substr(0, 60)) + "'");
    }
    return *it;
}

// A list member of the details object, or an empty array.
json detail_list(const nlohmann::json& details, const char* key) {
    if (details.is_object()) {
        auto it = details.find(key);
        if (it != details.end() && it->is_array()) return json::parse(it->dump());
    }
    return json::array();
}

json neighbourhood_object(const data::neighbourhood_info& n) {
    json out = n.details.is_object() ? json::parse(n.details.dump()) : json::object();
    for (const char* internal : {"people", "priorities", "events"}) out.erase(internal);  // their own endpoints
    out["id"] = n.id;
    if (!out.contains("name")) out["name"] = n.name;
    return out;
}

constexpr double earth_radius_m = 6371008.8;  // mean radius: distances are on this sphere
constexpr double one_mile_m = 1609.344;
constexpr std::size_t max_results = 10000;

double radians(double degrees) { return degrees * 3.14159265358979323846 / 180.0; }

// Great-circle distance in metres (haversine).
double distance_m(double lat1, double lng1, double lat2, double lng2) {
    double dlat = radians(lat2 - lat1), dlng = radians(lng2 - lng1);
    double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(radians(lat1)) * std::cos(radians(lat2)) * std::sin(dlng / 2) * std::sin(dlng / 2);
    return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(a)));
}

std::string six_decimals(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", value);
    return text;
}

std::string hex_id(const std::array<std::uint8_t, 32>& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(64, '0');
    for (std::size_t i = 0; i < 32; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    return out;
}

json outcome_status(const data::map_snapshot& s, const data::crime_record& c, std::int32_t outcome_month) {
    if (c.outcome == 0) return nullptr;
    // The month of its latest outcomes-file row; its own month when no outcomes were imported.
    int month = outcome_month ? outcome_month : s.months[c.month];
    return {{"category", s.outcome_labels[c.outcome]}, {"date", data::month_text(month)}};
}

// A crime without a location, as crimes-no-location shows it.
json unlocated_json(const data::map_snapshot& s, const data::unlocated_crime& u) {
    return {{"category", s.categories[u.record.category].slug},
            {"location_type", nullptr},
            {"location", nullptr},
            {"context", u.context},
            {"outcome_status", outcome_status(s, u.record, s.outcome_month_of(u.persistent_id))},
            {"persistent_id", u.persistent_id},
            {"id", u.record.id},
            {"location_subtype", ""},
            {"month", data::month_text(s.months[u.record.month])}};
}

// One crime in the shape of data.police.uk's crimes-street (api-examples/crime.json).
json crime_json(const data::map_snapshot& s, std::uint32_t location, std::uint32_t index) {
    const auto& c = s.crimes_by_location[index];
    const auto& where = s.location_positions[location];
    std::string pid;
    if (c.pid_kind == 1) pid = hex_id(s.crime_pids[index]);
    if (c.pid_kind == 2) pid = s.other_pids.at(index);
    auto context = s.contexts.find(index);
    json outcome = outcome_status(s, c, c.outcome ? s.outcome_month(index) : 0);
    return {{"category", s.categories[c.category].slug},
            {"location_type", "Force"},
            {"location",
             {{"latitude", six_decimals(where.y())},
              {"street", {{"id", s.location_ids[location]}, {"name", s.streets[s.location_streets[location]]}}},
              {"longitude", six_decimals(where.x())}}},
            {"context", context == s.contexts.end() ? std::string() : context->second},
            {"outcome_status", outcome},
            {"persistent_id", pid},
            {"id", c.id},
            {"location_subtype", ""},
            {"month", data::month_text(s.months[c.month])}};
}

// The locations a crimes-street query covers: 1 mile around lat/lng, or inside poly.
std::vector<std::uint32_t> street_locations(const query_parameters& query, const data::map_snapshot& s) {
    std::vector<std::uint32_t> found;
    if (auto poly = query.get("poly")) {
        geo::polygon area;
        std::string_view rest = *poly;
        while (!rest.empty()) {
            auto colon = rest.find(':');
            auto pair = rest.substr(0, colon);
            auto comma = pair.find(',');
            double lat = 0, lng = 0;
            if (comma == std::string_view::npos || !parse_degrees(pair.substr(0, comma), lat) ||
                !parse_degrees(pair.substr(comma + 1), lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180)
                throw http_error(error_kind::bad_request, "poly: '" + std::string(pair.substr(0, 60)) +
                                                              "' is not lat,lng; want lat,lng:lat,lng:lat,lng...");
            area.outer().emplace_back(lng, lat);
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
        if (area.outer().size() < 3) throw http_error(error_kind::bad_request, "poly: needs at least 3 points");
        boost::geometry::correct(area);
        double west = 180, east = -180, south = 90, north = -90;
        for (const auto& p : area.outer()) {
            west = std::min(west, p.x());
            east = std::max(east, p.x());
            south = std::min(south, p.y());
            north = std::max(north, p.y());
        }
        auto min = geo::to_world(west, north), max = geo::to_world(east, south);
        s.crime_tiles.locations_in(min, max, [&](std::uint32_t l) {
            if (boost::geometry::covered_by(s.location_positions[l], area)) found.push_back(l);
        });
        return found;
    }
    auto lat_text = query.get("lat"), lng_text = query.get("lng");
    double lat = 0, lng = 0;
    if (!lat_text || !parse_degrees(*lat_text, lat) || lat < -90 || lat > 90)
        throw http_error(error_kind::bad_request, "lat: want a latitude in degrees (or give poly)");
    if (!lng_text || !parse_degrees(*lng_text, lng) || lng < -180 || lng > 180)
        throw http_error(error_kind::bad_request, "lng: want a longitude in degrees (or give poly)");
    // A box that holds the circle, then the exact distance; a point at exactly one mile is in.
    double dlat = one_mile_m / earth_radius_m * 180.0 / 3.14159265358979323846;
    double dlng = dlat / std::max(0.01, std::cos(radians(lat)));
    auto min = geo::to_world(lng - dlng, std::min(90.0, lat + dlat));
    auto max = geo::to_world(lng + dlng, std::max(-90.0, lat - dlat));
    s.crime_tiles.locations_in(min, max, [&](std::uint32_t l) {
        const auto& p = s.location_positions[l];
        if (distance_m(lat, lng, p.y(), p.x()) <= one_mile_m) found.push_back(l);
    });
    return found;
}

// The crimes of one month (and category, if given) at the locations, ordered by id;
// 503 past 10,000.
std::vector<std::pair<std::uint32_t, std::uint32_t>> crimes_in_month(const data::map_snapshot& s,
                                                                     const std::vector<std::uint32_t>& locations,
                                                                     int date, std::optional<std::uint8_t> category) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> hits;  // location, crime index
    auto month = std::lower_bound(s.months.begin(), s.months.end(), date);
    if (month == s.months.end() || *month != date) return hits;
    auto m = static_cast<std::uint16_t>(month - s.months.begin());
    for (auto l : locations) {
        auto begin = s.crimes_by_location.begin() + s.crime_first[l];
        auto end = s.crimes_by_location.begin() + s.crime_first[l + 1];
        auto it = std::partition_point(begin, end, [&](const auto& c) { return c.month < m; });
        for (; it != end && it->month == m; ++it)
            if (!category || it->category == *category)
                hits.emplace_back(l, static_cast<std::uint32_t>(it - s.crimes_by_location.begin()));
        if (hits.size() > max_results)
            throw http_error(error_kind::too_many_results,
                             "more than 10,000 crimes match: ask for a smaller area or one category");
    }
    std::sort(hits.begin(), hits.end(), [&](const auto& a, const auto& b) {
        return s.crimes_by_location[a.second].id < s.crimes_by_location[b.second].id;
    });
    return hits;
}

}  // namespace

response handle_api(const request& req, std::string_view path, const query_parameters& query,
                    const data::map_snapshot& snapshot) {
    auto parts = split_nonempty(path.substr(5), '/');  // after "/api/"
    if (parts.empty()) throw http_error(error_kind::not_found, "no API method at /api/");
    std::string identity(path);
    const auto method = parts[0];

    if (method == "forces") {
        if (parts.size() == 1) {
            json list = json::array();
            for (const auto& f : snapshot.forces) list.push_back({{"id", f.id}, {"name", f.name}});
            return json_response(req, list, snapshot, identity);
        }
        const auto* force = find_force(snapshot, parts[1]);
        if (!force) throw http_error(error_kind::not_found, "no force '" + std::string(parts[1].substr(0, 60)) + "'");
        if (parts.size() == 2) return json_response(req, json::parse(force->details.dump()), snapshot, identity);
        if (parts.size() == 3 && parts[2] == "people")
            return json_response(req, detail_list(force->details, "people"), snapshot, identity);
        throw http_error(error_kind::not_found, "no API method at " + std::string(path.substr(0, 200)));
    }
    if (method == "crime-categories" && parts.size() == 1) {
        int date = date_parameter(query, snapshot);
        auto month = std::lower_bound(snapshot.months.begin(), snapshot.months.end(), date);
        std::uint64_t present = ~std::uint64_t{0};  // a month without data: every category known
        if (month != snapshot.months.end() && *month == date)
            present = snapshot.categories_by_month[static_cast<std::size_t>(month - snapshot.months.begin())];
        json list = json::array({{{"url", "all-crime"}, {"name", "All crime"}}});
        for (std::size_t i = 0; i < snapshot.categories.size(); ++i)
            if ((present >> i) & 1u) list.push_back({{"url", snapshot.categories[i].slug}, {"name", snapshot.categories[i].name}});
        return json_response(req, list, snapshot, identity + "?" + std::to_string(date));
    }
    if (method == "crime-last-updated" && parts.size() == 1) {
        json body = {{"date", snapshot.last_updated ? data::month_text(snapshot.last_updated) + "-01" : ""}};
        return json_response(req, body, snapshot, identity);
    }
    if (method == "crimes-street-dates" && parts.size() == 1) {
        json list = json::array();
        for (const auto& m : snapshot.dataset_months)
            list.push_back({{"date", data::month_text(m.month)}, {"stop-and-search", m.stop_and_search_forces}});
        return json_response(req, list, snapshot, identity);
    }
    if (method == "crimes-street" && parts.size() == 2) {
        int date = date_parameter(query, snapshot);
        // An unknown slug means all crime, as the original's (clients rely on it).
        std::optional<std::uint8_t> category;
        for (std::size_t i = 0; i < snapshot.categories.size(); ++i)
            if (snapshot.categories[i].slug == parts[1]) category = static_cast<std::uint8_t>(i);
        json list = json::array();
        for (const auto& [l, i] : crimes_in_month(snapshot, street_locations(query, snapshot), date, category))
            list.push_back(crime_json(snapshot, l, i));
        return cacheable_response(req, list.dump(), "application/json", snapshot.data_version,
                                  identity + "?" + std::string(query_identity(query)), api_max_age);
    }
    if (method == "crimes-no-location" && parts.size() == 1) {
        int date = date_parameter(query, snapshot);
        auto force = query.get("force");
        if (!force || force->empty()) throw http_error(error_kind::bad_request, "force: required, e.g. force=leicestershire");
        if (!force_known(snapshot, *force) &&
            std::none_of(snapshot.unlocated.begin(), snapshot.unlocated.end(), [&](const auto& u) { return u.force == *force; }))
            throw http_error(error_kind::not_found, "no force '" + force->substr(0, 60) + "'");
        std::optional<std::uint8_t> category;
        if (auto slug = query.get("category"))
            for (std::size_t i = 0; i < snapshot.categories.size(); ++i)
                if (snapshot.categories[i].slug == *slug) category = static_cast<std::uint8_t>(i);
        json list = json::array();
        auto month = std::lower_bound(snapshot.months.begin(), snapshot.months.end(), date);
        if (month != snapshot.months.end() && *month == date) {
            auto m = static_cast<std::uint16_t>(month - snapshot.months.begin());
            auto key = [](const data::unlocated_crime& u) { return std::tie(u.force, u.record.month); };
            auto wanted = std::tie(*force, m);
            auto first = std::partition_point(snapshot.unlocated.begin(), snapshot.unlocated.end(),
                                              [&](const auto& u) { return key(u) < wanted; });
            auto last = std::partition_point(first, snapshot.unlocated.end(),
                                             [&](const auto& u) { return key(u) == wanted; });
            for (auto it = first; it != last; ++it)
                if (!category || it->record.category == *category) list.push_back(unlocated_json(snapshot, *it));
        }
        return cacheable_response(req, list.dump(), "application/json", snapshot.data_version,
                                  identity + "?" + query_identity(query), api_max_age);
    }
    if (method == "crimes-at-location" && parts.size() == 1) {
        int date = date_parameter(query, snapshot);
        std::uint32_t location = 0;
        if (auto id_text = query.get("location_id")) {
            std::int64_t id = -1;
            auto [end, error] = std::from_chars(id_text->data(), id_text->data() + id_text->size(), id);
            if (error != std::errc() || end != id_text->data() + id_text->size() || id < 0)
                throw http_error(error_kind::bad_request, "location_id: want a whole number");
            if (static_cast<std::size_t>(id) >= snapshot.location_index_by_id.size() ||
                snapshot.location_index_by_id[static_cast<std::size_t>(id)] < 0)
                throw http_error(error_kind::not_found, "no map location " + *id_text);
            location = static_cast<std::uint32_t>(snapshot.location_index_by_id[static_cast<std::size_t>(id)]);
        } else {
            double lat = 0, lng = 0;
            auto lat_text = query.get("lat"), lng_text = query.get("lng");
            if (!lat_text || !parse_degrees(*lat_text, lat) || lat < -90 || lat > 90)
                throw http_error(error_kind::bad_request, "lat: want a latitude in degrees (or give location_id)");
            if (!lng_text || !parse_degrees(*lng_text, lng) || lng < -180 || lng > 180)
                throw http_error(error_kind::bad_request, "lng: want a longitude in degrees (or give location_id)");
            auto nearest = snapshot.crime_tiles.nearest_location(geo::to_world(lng, lat));
            if (!nearest) throw http_error(error_kind::not_found, "there are no map locations");
            location = *nearest;
        }
        json list = json::array();
        for (const auto& [l, i] : crimes_in_month(snapshot, {location}, date, std::nullopt))
            list.push_back(crime_json(snapshot, l, i));
        return cacheable_response(req, list.dump(), "application/json", snapshot.data_version,
                                  identity + "?" + query_identity(query), api_max_age);
    }
    if (method == "locate-neighbourhood" && parts.size() == 1) {
        auto q = query.get("q");
        double lat = 0, lng = 0;
        auto comma = q ? q->find(',') : std::string::npos;
        if (!q || comma == std::string::npos || !parse_degrees(std::string_view(*q).substr(0, comma), lat) ||
            !parse_degrees(std::string_view(*q).substr(comma + 1), lng) || lat < -90 || lat > 90 || lng < -180 ||
            lng > 180)
            throw http_error(error_kind::bad_request, "q: want latitude,longitude in degrees, e.g. q=52.629729,-1.131592");
        auto found = snapshot.neighbourhood_index.find(geo::lonlat(lng, lat));
        if (!found) throw http_error(error_kind::not_found, "no neighbourhood covers " + *q);
        const auto& n = snapshot.neighbourhoods[*found];
        return json_response(req, json{{"force", n.force}, {"neighbourhood", n.id}}, snapshot, identity + "?" + *q);
    }
    // /{force}/neighbourhoods and /{force}/{id}[/boundary|/people|/events|/priorities]
    if (parts.size() == 2 && parts[1] == "neighbourhoods") {
        if (!force_known(snapshot, parts[0]))
            throw http_error(error_kind::not_found, "no force '" + std::string(parts[0].substr(0, 60)) + "'");
        json list = json::array();
        for (const auto& n : snapshot.neighbourhoods)
            if (n.force == parts[0]) list.push_back({{"id", n.id}, {"name", n.name}});
        return json_response(req, list, snapshot, identity);
    }
    if (parts.size() == 2 || parts.size() == 3) {
        const auto& n = find_neighbourhood(snapshot, parts[0], parts[1]);
        if (parts.size() == 2) return json_response(req, neighbourhood_object(n), snapshot, identity);
        if (parts[2] == "boundary") {
            json list = json::array();
            for (const auto& p : n.outer)
                list.push_back({{"latitude", coordinate_text(p.y())}, {"longitude", coordinate_text(p.x())}});
            return json_response(req, list, snapshot, identity);
        }
        if (parts[2] == "people" || parts[2] == "events" || parts[2] == "priorities")
            return json_response(req, detail_list(n.details, std::string(parts[2]).c_str()), snapshot, identity);
    }
    throw http_error(error_kind::not_found, "no API method at " + std::string(path.substr(0, 200)));
}

}  // namespace crimemap::server
