#include "server/api/api_methods.hpp"

#include "data/store/published_details.hpp"
#include "data/vocabulary/months.hpp"
#include "server/accounts/team_handlers.hpp"
#include "server/api/calendar.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"

#include <ctime>

namespace crimemap::server::api {

namespace {

// The store's details (nlohmann::json, keys sorted) as the API writes them (ordered_json,
// keys in the order written): nlohmann converts one into the other member by member.
json answer_json(const nlohmann::json& stored) { return json(stored); }

// A list member of the details object, or an empty array.
json detail_list(const nlohmann::json& details, const char* key) {
    if (details.is_object()) {
        auto it = details.find(key);
        if (it != details.end() && it->is_array()) return answer_json(*it);
    }
    return json::array();
}

json neighbourhood_object(const std::string& id, const data::published_details& n) {
    json out = answer_json(n.details);
    for (auto list : team_lists) out.erase(std::string(list));  // their own endpoints
    out["id"] = id;
    if (!out.contains("name")) out["name"] = n.name;
    return out;
}

// A force's details, read from the store: an edit shows at once. 404 for an unknown force.
data::published_details force_details(const call& c, data::Database& db) {
    auto force = data::read_force_details(db, c.parts[1]);
    if (!force) throw http_error(error_kind::not_found, "no force '" + clip(c.parts[1]) + "'");
    return *force;
}

// A neighbourhood's details, read from the store: a team's edit shows at once. 404 naming
// the force or the neighbourhood.
data::published_details neighbourhood_details(const call& c, data::Database& db) {
    auto n = data::read_neighbourhood_details(db, c.parts[0], c.parts[1]);
    if (!n) {
        find_neighbourhood(c.snapshot, c.parts[0], c.parts[1]);  // 404 naming the force or the neighbourhood
        throw http_error(error_kind::not_found,
                         "force '" + clip(c.parts[0]) + "' has no neighbourhood '" + clip(c.parts[1]) + "'");
    }
    return *n;
}

}  // namespace

response forces(const call& c) {
    json list = json::array();
    for (const auto& f : c.snapshot.forces) list.push_back({{"id", f.id}, {"name", f.name}});
    return c.reply(list);
}

response force(const call& c) {
    auto db = c.store.acquire();
    auto force = force_details(c, *db);
    json out = answer_json(force.details);
    out.erase("people");  // its own endpoint
    if (!out.contains("id")) out["id"] = std::string(c.parts[1]);
    if (!out.contains("name")) out["name"] = force.name;
    return c.reply_live(out, force.data_version);
}

response force_people(const call& c) {
    auto db = c.store.acquire();
    auto force = force_details(c, *db);
    return c.reply_live(detail_list(force.details, "people"), force.data_version);
}

response force_support(const call& c) {
    require_force(c.snapshot, c.parts[1]);
    auto db = c.store.acquire();
    auto version = db->query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'");
    return c.reply_live(answer_json(data::read_support_services(*db, c.parts[1])), version);
}

response crime_categories(const call& c) {
    int date = date_parameter(c);
    auto month = month_index(c.snapshot, date);
    std::uint64_t present = month ? c.snapshot.categories_by_month[*month] : ~std::uint64_t{0};  // no data: all known
    json list = json::array({{{"url", "all-crime"}, {"name", "All crime"}}});
    for (std::size_t i = 0; i < c.snapshot.categories.size(); ++i)
        if ((present >> i) & 1u) list.push_back({{"url", c.snapshot.categories[i].slug}, {"name", c.snapshot.categories[i].name}});
    return c.reply(list);
}

response crime_last_updated(const call& c) {
    return c.reply({{"date", c.snapshot.last_updated ? data::month_text(c.snapshot.last_updated) + "-01" : ""}});
}

response crimes_street_dates(const call& c) {
    json list = json::array();
    for (const auto& m : c.snapshot.dataset_months)
        list.push_back({{"date", data::month_text(m.month)}, {"stop-and-search", m.stop_and_search_forces}});
    return c.reply(list);
}

response locate_neighbourhood(const call& c) {
    auto q = c.query.get("q");
    double lat = 0, lng = 0;
    auto comma = q ? q->find(',') : std::string::npos;
    if (!q || comma == std::string::npos || !parse_degrees(std::string_view(*q).substr(0, comma), lat) ||
        !parse_degrees(std::string_view(*q).substr(comma + 1), lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180)
        throw http_error(error_kind::bad_request, "q: want latitude,longitude in degrees, e.g. q=52.629729,-1.131592");
    auto found = c.snapshot.neighbourhood_index.find(geo::lonlat(lng, lat));
    if (!found) throw http_error(error_kind::not_found, "no neighbourhood covers " + clip(*q));
    const auto& n = c.snapshot.neighbourhoods[*found];
    return c.reply({{"force", n.force}, {"neighbourhood", n.id}});
}

response neighbourhoods(const call& c) {
    require_force(c.snapshot, c.parts[0]);
    json list = json::array();
    for (const auto& n : c.snapshot.neighbourhoods)
        if (n.force == c.parts[0]) list.push_back({{"id", n.id}, {"name", n.name}});
    return c.reply(list);
}

response neighbourhood(const call& c) {
    auto db = c.store.acquire();
    auto n = neighbourhood_details(c, *db);
    return c.reply_live(neighbourhood_object(std::string(c.parts[1]), n), n.data_version);
}

response neighbourhood_part(const call& c) {
    auto db = c.store.acquire();
    auto n = neighbourhood_details(c, *db);
    if (c.parts[2] == "contact_details") {  // what a team's PUT replaces, on its own
        auto it = n.details.find("contact_details");
        return c.reply_live(it != n.details.end() && it->is_object() ? answer_json(*it) : json::object(), n.data_version);
    }
    return c.reply_live(detail_list(n.details, std::string(c.parts[2]).c_str()), n.data_version);
}

response neighbourhood_calendar(const call& c) {
    auto db = c.store.acquire();
    auto n = neighbourhood_details(c, *db);
    auto name = n.details.is_object() && n.details.contains("name") && n.details["name"].is_string()
                    ? n.details["name"].get<std::string>()
                    : (n.name.empty() ? std::string(c.parts[1]) : n.name);
    auto events = detail_list(n.details, "events");
    return cacheable_response(c.req,
                              events_calendar(events, name + " events", std::string(c.parts[0]) + "/" + std::string(c.parts[1]),
                                              std::time(nullptr)),
                              "text/calendar; charset=utf-8", n.data_version, c.identity(), max_age);
}

response boundary(const call& c) {
    const auto& n = c.snapshot.neighbourhoods[find_neighbourhood(c.snapshot, c.parts[0], c.parts[1])];
    json list = json::array();
    for (const auto& p : n.outer) list.push_back({{"latitude", six_decimals(p.y())}, {"longitude", six_decimals(p.x())}});
    return c.reply(list);
}

response team_fields(const call& c) { return c.reply(team_fields_json()); }

}  // namespace crimemap::server::api
