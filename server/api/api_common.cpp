#include "server/api/api_common.hpp"

#include "data/vocabulary/crime_id.hpp"
#include "data/vocabulary/months.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"
#include "server/http/request_parsers.hpp"

#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <unordered_map>

namespace crimemap::server::api {

std::string call::identity() const {
    std::string out(path);
    out += '?';
    for (const auto& [key, value] : query.items()) out += key + "=" + value + "&";
    return out;
}

response call::reply(const json& body) const {
    return cacheable_response(req, body.dump(), "application/json", snapshot.data_version, identity(), max_age);
}

response call::reply_live(const json& body, std::int64_t data_version) const {
    return cacheable_response(req, body.dump(), "application/json", data_version, identity(), max_age);
}

response call::reply_text(std::string body) const {
    return cacheable_response(req, std::move(body), "application/json", snapshot.data_version, identity(), max_age);
}

std::string clip(std::string_view text, std::size_t n) { return std::string(text.substr(0, n)); }

int date_parameter(const call& c) {
    auto value = c.query.get("date");
    if (!value || value->empty()) return c.snapshot.last_updated;
    return parse_month_parameter(*value, "date");
}

std::pair<int, int> month_range_parameters(const call& c) {
    auto month = [&](const char* name) {
        auto value = c.query.get(name);
        if (!value || value->empty()) return c.snapshot.last_updated;
        return parse_month_parameter(*value, name);
    };
    const int from = month("from"), to = month("to");
    if (to < from)
        throw http_error(error_kind::bad_request, "to: " + data::month_text(to) + " is before from (" + data::month_text(from) +
                                                      "); want from <= to");
    return {from, to};
}

std::optional<std::uint16_t> month_index(const data::map_snapshot& s, int yyyymm) {
    auto it = std::lower_bound(s.months.begin(), s.months.end(), yyyymm);
    if (it == s.months.end() || *it != yyyymm) return std::nullopt;
    return static_cast<std::uint16_t>(it - s.months.begin());
}

std::optional<std::uint8_t> category_index(const data::map_snapshot& s, std::string_view slug) {
    for (std::size_t i = 0; i < s.categories.size(); ++i)
        if (s.categories[i].slug == slug) return static_cast<std::uint8_t>(i);
    return std::nullopt;
}

std::pair<double, double> lat_lng_parameters(const call& c, std::string_view alternative) {
    auto lat_text = c.query.get("lat"), lng_text = c.query.get("lng");
    double lat = 0, lng = 0;
    const auto or_else = alternative.empty() ? std::string() : " (or give " + std::string(alternative) + ")";
    if (!lat_text || !parse_degrees(*lat_text, lat) || lat < -90 || lat > 90)
        throw http_error(error_kind::bad_request, "lat: want a latitude in degrees" + or_else);
    if (!lng_text || !parse_degrees(*lng_text, lng) || lng < -180 || lng > 180)
        throw http_error(error_kind::bad_request, "lng: want a longitude in degrees" + or_else);
    return {lat, lng};
}

namespace {
double radians(double degrees) { return degrees * std::numbers::pi / 180.0; }
}  // namespace

double distance_m(double lat1, double lng1, double lat2, double lng2) {
    double dlat = radians(lat2 - lat1), dlng = radians(lng2 - lng1);
    double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(radians(lat1)) * std::cos(radians(lat2)) * std::sin(dlng / 2) * std::sin(dlng / 2);
    return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(a)));
}

area::area(const call& c) {
    if (auto poly = c.query.get("poly")) {
        polygon_ = parse_poly(*poly);
        double west = 180, east = -180, south = 90, north = -90;
        for (const auto& p : polygon_.outer()) {
            west = std::min(west, p.x());
            east = std::max(east, p.x());
            south = std::min(south, p.y());
            north = std::max(north, p.y());
        }
        bounds_ = geo::box(geo::lonlat(west, south), geo::lonlat(east, north));
        prepared_.emplace(polygon_);
        return;
    }
    std::tie(lat_, lng_) = lat_lng_parameters(c, "poly");
    // A box that holds the circle; contains() then measures the distance.
    double dlat = one_mile_m / earth_radius_m * 180.0 / std::numbers::pi;
    double dlng = dlat / std::max(0.01, std::cos(radians(lat_)));
    bounds_ = geo::box(geo::lonlat(lng_ - dlng, std::max(-90.0, lat_ - dlat)),
                       geo::lonlat(lng_ + dlng, std::min(90.0, lat_ + dlat)));
}

bool area::contains(const geo::lonlat& p) const {
    if (prepared_) return prepared_->covers(p);
    // A point at exactly one mile is inside.
    return distance_m(lat_, lng_, p.y(), p.x()) <= one_mile_m;
}

std::vector<std::uint32_t> area::locations(const data::map_snapshot& s) const {
    std::vector<std::uint32_t> found;
    auto min = geo::to_world(bounds_.min_corner().x(), bounds_.max_corner().y());
    auto max = geo::to_world(bounds_.max_corner().x(), bounds_.min_corner().y());
    s.crime_tiles.locations_in(min, max, [&](std::uint32_t l) {
        if (contains(s.location_positions[l])) found.push_back(l);
    });
    return found;
}

std::uint32_t location_parameter(const call& c) {
    const auto& s = c.snapshot;
    if (auto id_text = c.query.get("location_id")) {
        const std::int64_t id = parse_location_id(*id_text);
        if (static_cast<std::size_t>(id) >= s.location_index_by_id.size() ||
            s.location_index_by_id[static_cast<std::size_t>(id)] < 0)
            throw http_error(error_kind::not_found, "no map location " + clip(*id_text));
        return static_cast<std::uint32_t>(s.location_index_by_id[static_cast<std::size_t>(id)]);
    }
    auto [lat, lng] = lat_lng_parameters(c, "location_id");
    auto nearest = s.crime_tiles.nearest_location(geo::to_world(lng, lat));
    if (!nearest) throw http_error(error_kind::not_found, "there are no map locations");
    return *nearest;
}

std::string six_decimals(double value) {
    char text[32];
    auto [end, error] = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 6);
    if (error != std::errc()) {
        std::snprintf(text, sizeof text, "%.6f", value);
        return text;
    }
    return std::string(text, end);
}

std::string crime_id_text(const data::map_snapshot& s, std::uint32_t index) {
    const auto& c = s.crimes_by_location[index];
    if (c.pid_kind == data::crime_id_kind::packed) return data::crime_id_hex(s.crime_pid(index));
    if (c.pid_kind == data::crime_id_kind::text) return std::string(s.other_pid(index));
    return {};
}

namespace {

json outcome_status(const data::map_snapshot& s, const data::crime_record& c, std::int32_t outcome_month) {
    if (c.outcome == 0) return nullptr;
    // The month of its latest outcomes-file row; its own month when no outcomes were imported.
    int month = outcome_month ? outcome_month : s.months[c.month];
    return {{"category", s.outcome_labels[c.outcome]}, {"date", data::month_text(month)}};
}

}  // namespace

json location_json(const data::map_snapshot& s, std::uint32_t location) {
    const auto& where = s.location_positions[location];
    return {{"latitude", six_decimals(where.y())},
            {"street", {{"id", s.location_ids[location]}, {"name", s.streets[s.location_streets[location]]}}},
            {"longitude", six_decimals(where.x())}};
}

namespace {

// location_json(s, location).dump(), written directly: an answer holds hundreds of locations.
std::string location_json_text(const data::map_snapshot& s, std::uint32_t location) {
    const auto& where = s.location_positions[location];
    std::string out = "{\"latitude\":\"";
    out += six_decimals(where.y());
    out += "\",\"street\":{\"id\":";
    out += std::to_string(s.location_ids[location]);
    out += ",\"name\":";
    out += json(s.streets[s.location_streets[location]]).dump();
    out += "},\"longitude\":\"";
    out += six_decimals(where.x());
    out += "\"}";
    return out;
}

}  // namespace

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

json crime_json(const data::map_snapshot& s, std::uint32_t location, std::uint32_t index) {
    const auto& c = s.crimes_by_location[index];
    return {{"category", s.categories[c.category].slug},
            {"location_type", "Force"},
            {"location", location_json(s, location)},
            {"context", s.context(index)},
            {"outcome_status", outcome_status(s, c, c.outcome ? s.outcome_month(index) : 0)},
            {"persistent_id", crime_id_text(s, index)},
            {"id", c.id},
            {"location_subtype", ""},
            {"month", data::month_text(s.months[c.month])}};
}

std::string crimes_json_text(const data::map_snapshot& s, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& crimes) {
    auto quoted = [](std::string_view text) { return json(text).dump(); };
    std::vector<std::string> slugs, labels;
    for (const auto& c : s.categories) slugs.push_back(quoted(c.slug));
    std::vector<std::string> months;
    for (int m : s.months) months.push_back(data::month_text(m));
    std::unordered_map<std::uint32_t, std::string> places;  // location → its object, once per answer
    std::string out;
    out.reserve(crimes.size() * 360 + 2);
    out += '[';
    char digits[24];
    // The Crime IDs in one go: they are read from the index file, not memory.
    std::vector<std::uint32_t> with_pid;
    for (const auto& [location, index] : crimes)
        if (s.crimes_by_location[index].pid_kind == data::crime_id_kind::packed) with_pid.push_back(index);
    const auto pids = s.crime_pids_of(with_pid);
    std::size_t n = 0;
    for (const auto& [location, index] : crimes) {
        const auto& c = s.crimes_by_location[index];
        if (out.size() > 1) out += ',';
        out += "{\"category\":";
        out += slugs[c.category];
        out += ",\"location_type\":\"Force\",\"location\":";
        auto place = places.find(location);
        if (place == places.end()) place = places.emplace(location, location_json_text(s, location)).first;
        out += place->second;
        out += ",\"context\":";
        out += quoted(s.context(index));
        out += ",\"outcome_status\":";
        if (c.outcome == 0) {
            out += "null";
        } else {
            if (labels.empty()) labels.resize(s.outcome_labels.size());
            if (labels[c.outcome].empty()) labels[c.outcome] = quoted(s.outcome_labels[c.outcome]);
            int month = s.outcome_month(index);
            out += "{\"category\":";
            out += labels[c.outcome];
            out += ",\"date\":\"";
            if (month) {
                char text[7] = {static_cast<char>('0' + month / 100000 % 10), static_cast<char>('0' + month / 10000 % 10),
                                static_cast<char>('0' + month / 1000 % 10), static_cast<char>('0' + month / 100 % 10), '-',
                                static_cast<char>('0' + month / 10 % 10), static_cast<char>('0' + month % 10)};
                out.append(text, sizeof text);
            } else {
                out += months[c.month];
            }
            out += "\"}";
        }
        out += ",\"persistent_id\":";
        if (c.pid_kind == data::crime_id_kind::packed) {
            auto at = out.size();
            out.resize(at + 66);
            out[at] = '"';
            data::write_crime_id_hex(pids[n++].data(), out.data() + at + 1);
            out[at + 65] = '"';
        } else {
            out += quoted(c.pid_kind == data::crime_id_kind::text ? s.other_pid(index) : std::string_view());
        }
        out += ",\"id\":";
        auto [end, error] = std::to_chars(digits, digits + sizeof digits, c.id);
        out.append(digits, end);
        out += ",\"location_subtype\":\"\",\"month\":\"";
        out += months[c.month];
        out += "\"}";
    }
    out += ']';
    return out;
}

namespace {

using crime_hits = std::vector<std::pair<std::uint32_t, std::uint32_t>>;  // location, crime index

// Adds the location's crimes of the months [lo, hi) (indexes into s.months), of the category
// if given; 503 past max_results.
void add_crimes_of(const data::map_snapshot& s, std::uint32_t l, std::size_t lo, std::size_t hi,
                   std::optional<std::uint8_t> category, crime_hits& hits) {
    auto begin = s.crimes_by_location.begin() + s.crime_first[l];
    auto end = s.crimes_by_location.begin() + s.crime_first[l + 1];
    auto it = std::partition_point(begin, end, [&](const auto& c) { return c.month < lo; });
    for (; it != end && it->month < hi; ++it)
        if (!category || it->category == *category)
            hits.emplace_back(l, static_cast<std::uint32_t>(it - s.crimes_by_location.begin()));
    if (hits.size() > max_results)
        throw http_error(error_kind::too_many_results,
                         "more than 10,000 crimes match: ask for a smaller area or one category");
}

crime_hits sorted_by_id(const data::map_snapshot& s, crime_hits hits);

}  // namespace

std::vector<std::pair<std::uint32_t, std::uint32_t>> area::crimes_in_month(const data::map_snapshot& s, int date,
                                                                           std::optional<std::uint8_t> category) const {
    crime_hits hits;
    auto month = month_index(s, date);
    if (!month) return hits;
    geo::crime_filter filter;
    filter.from = filter.to = *month;
    if (category) filter.categories = std::uint64_t{1} << *category;
    auto min = geo::to_world(bounds_.min_corner().x(), bounds_.max_corner().y());
    auto max = geo::to_world(bounds_.max_corner().x(), bounds_.min_corner().y());
    s.crime_tiles.locations_matching({min.x, min.y, max.x, max.y}, filter, [&](std::uint32_t l) {
        if (contains(s.location_positions[l])) add_crimes_of(s, l, *month, std::size_t{*month} + 1, category, hits);
        return true;
    });
    return sorted_by_id(s, std::move(hits));
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> crimes_in_month(const data::map_snapshot& s,
                                                                     const std::vector<std::uint32_t>& locations,
                                                                     int date, std::optional<std::uint8_t> category) {
    return crimes_in_months(s, locations, date, date, category);
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> crimes_in_months(const data::map_snapshot& s,
                                                                      const std::vector<std::uint32_t>& locations,
                                                                      int first, int last,
                                                                      std::optional<std::uint8_t> category) {
    crime_hits hits;
    // The range's months as indexes into s.months, [lo, hi): a month without data adds none.
    const auto lo = static_cast<std::size_t>(std::lower_bound(s.months.begin(), s.months.end(), first) - s.months.begin());
    const auto hi = static_cast<std::size_t>(std::upper_bound(s.months.begin(), s.months.end(), last) - s.months.begin());
    if (lo >= hi) return hits;
    for (auto l : locations) add_crimes_of(s, l, lo, hi, category, hits);
    return sorted_by_id(s, std::move(hits));
}

namespace {

crime_hits sorted_by_id(const data::map_snapshot& s, crime_hits hits) {
    // By id: sorted with the ids beside them, not looked up per comparison.
    struct keyed {
        std::int64_t id;
        std::pair<std::uint32_t, std::uint32_t> hit;
    };
    std::vector<keyed> by_id;
    by_id.reserve(hits.size());
    for (const auto& h : hits) by_id.push_back({s.crimes_by_location[h.second].id, h});
    std::sort(by_id.begin(), by_id.end(), [](const keyed& a, const keyed& b) { return a.id < b.id; });
    for (std::size_t i = 0; i < hits.size(); ++i) hits[i] = by_id[i].hit;
    return hits;
}

}  // namespace

const data::force_info* find_force(const data::map_snapshot& s, std::string_view id) {
    auto it = std::lower_bound(s.forces.begin(), s.forces.end(), id,
                               [](const auto& f, std::string_view key) { return f.id < key; });
    return it != s.forces.end() && it->id == id ? &*it : nullptr;
}

bool force_known(const data::map_snapshot& s, std::string_view force) {
    if (find_force(s, force)) return true;
    auto same = [&](const auto& x) { return x.force == force; };
    if (std::any_of(s.neighbourhoods.begin(), s.neighbourhoods.end(), same)) return true;
    if (std::any_of(s.unlocated.begin(), s.unlocated.end(), same)) return true;
    return std::any_of(s.dataset_months.begin(), s.dataset_months.end(), [&](const auto& m) {
        return std::find(m.stop_and_search_forces.begin(), m.stop_and_search_forces.end(), force) !=
               m.stop_and_search_forces.end();
    });
}

void require_force(const data::map_snapshot& s, std::string_view force) {
    if (!force_known(s, force)) throw http_error(error_kind::not_found, "no force '" + clip(force) + "'");
}

std::size_t find_neighbourhood(const data::map_snapshot& s, std::string_view force, std::string_view id) {
    auto it = std::lower_bound(s.neighbourhoods.begin(), s.neighbourhoods.end(), std::pair{force, id},
                               [](const auto& n, const auto& key) {
                                   return std::pair<std::string_view, std::string_view>{n.force, n.id} < key;
                               });
    if (it == s.neighbourhoods.end() || it->force != force || it->id != id) {
        require_force(s, force);
        throw http_error(error_kind::not_found, "force '" + clip(force) + "' has no neighbourhood '" + clip(id) + "'");
    }
    return static_cast<std::size_t>(it - s.neighbourhoods.begin());
}

}  // namespace crimemap::server::api
