#include "server/api/api_handlers.hpp"

#include "data/vocabulary/months.hpp"
#include "data/store/published_details.hpp"
#include "server/api/api_methods.hpp"
#include "server/api/calendar.hpp"
#include "server/http/http_caching.hpp"
#include "server/accounts/team_handlers.hpp"
#include "server/http/errors.hpp"

#include <ctime>

namespace crimemap::server {

using namespace api;

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
    for (const char* internal : {"people", "priorities", "events"}) out.erase(internal);  // their own endpoints
    out["id"] = id;
    if (!out.contains("name")) out["name"] = n.name;
    return out;
}

}  // namespace

response handle_api(const request& req, std::string_view path, const query_parameters& query,
                    const data::map_snapshot& snapshot, data::store_readers& store) {
    const call c{req, path, split_nonempty(path.substr(5), '/'), query, snapshot, store};  // after "/api/"
    const auto& parts = c.parts;
    if (parts.empty()) throw http_error(error_kind::not_found, "no API method at /api/");
    const auto method = parts[0];
    const auto size = parts.size();

    if (size == 1) {
        if (method == "crimes-at-location") return crimes_at_location(c);
        if (method == "crimes-no-location") return crimes_no_location(c);
        if (method == "outcomes-at-location") return outcomes_at_location(c);
        if (method == "stops-street") return stops_street(c);
        if (method == "stops-at-location") return stops_at_location(c);
        if (method == "stops-no-location") return stops_no_location(c);
        if (method == "stops-force") return stops_force(c);
        if (method == "search") return search(c);
        if (method == "summary") return summary(c);
        if (method == "location-crimes") return location_crimes(c);
        if (method == "neighbourhood-at") return neighbourhood_at(c);
        if (method == "team-fields") return c.reply(team_fields_json());  // what the team editor edits
    }
    if (method == "crimes-street" && size == 2) return crimes_street(c);
    if (method == "outcomes-for-crime" && size == 2) return outcomes_for_crime(c);
    if (method == "summary" && size == 3) return summary(c);
    if (method == "forces") {
        if (size == 1) {
            json list = json::array();
            for (const auto& f : snapshot.forces) list.push_back({{"id", f.id}, {"name", f.name}});
            return c.reply(list);
        }
        // Read from the store: an edit shows at once.
        auto db = store.acquire();
        if (size == 3 && parts[2] == "support") {  // our extension: victim support services
            require_force(snapshot, parts[1]);
            auto version = db->query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'");
            return c.reply_live(answer_json(data::read_support_services(*db, parts[1])), version);
        }
        auto force = data::read_force_details(*db, parts[1]);
        if (!force) throw http_error(error_kind::not_found, "no force '" + clip(parts[1]) + "'");
        if (size == 2) {
            json out = answer_json(force->details);
            out.erase("people");  // its own endpoint
            if (!out.contains("id")) out["id"] = std::string(parts[1]);
            if (!out.contains("name")) out["name"] = force->name;
            return c.reply_live(out, force->data_version);
        }
        if (size == 3 && parts[2] == "people") return c.reply_live(detail_list(force->details, "people"), force->data_version);
        throw http_error(error_kind::not_found, "no API method at " + clip(path, 200));
    }
    if (method == "crime-categories" && size == 1) {
        int date = date_parameter(c);
        auto month = month_index(snapshot, date);
        std::uint64_t present = month ? snapshot.categories_by_month[*month] : ~std::uint64_t{0};  // no data: all known
        json list = json::array({{{"url", "all-crime"}, {"name", "All crime"}}});
        for (std::size_t i = 0; i < snapshot.categories.size(); ++i)
            if ((present >> i) & 1u) list.push_back({{"url", snapshot.categories[i].slug}, {"name", snapshot.categories[i].name}});
        return c.reply(list);
    }
    if (method == "crime-last-updated" && size == 1)
        return c.reply({{"date", snapshot.last_updated ? data::month_text(snapshot.last_updated) + "-01" : ""}});
    if (method == "crimes-street-dates" && size == 1) {
        json list = json::array();
        for (const auto& m : snapshot.dataset_months)
            list.push_back({{"date", data::month_text(m.month)}, {"stop-and-search", m.stop_and_search_forces}});
        return c.reply(list);
    }
    if (method == "locate-neighbourhood" && size == 1) {
        auto q = query.get("q");
        double lat = 0, lng = 0;
        auto comma = q ? q->find(',') : std::string::npos;
        if (!q || comma == std::string::npos || !parse_degrees(std::string_view(*q).substr(0, comma), lat) ||
            !parse_degrees(std::string_view(*q).substr(comma + 1), lng) || lat < -90 || lat > 90 || lng < -180 ||
            lng > 180)
            throw http_error(error_kind::bad_request, "q: want latitude,longitude in degrees, e.g. q=52.629729,-1.131592");
        auto found = snapshot.neighbourhood_index.find(geo::lonlat(lng, lat));
        if (!found) throw http_error(error_kind::not_found, "no neighbourhood covers " + clip(*q));
        const auto& n = snapshot.neighbourhoods[*found];
        return c.reply({{"force", n.force}, {"neighbourhood", n.id}});
    }
    // /{force}/neighbourhoods and /{force}/{id}[/boundary|/people|/events|/priorities]
    if (size == 2 && parts[1] == "neighbourhoods") {
        require_force(snapshot, parts[0]);
        json list = json::array();
        for (const auto& n : snapshot.neighbourhoods)
            if (n.force == parts[0]) list.push_back({{"id", n.id}, {"name", n.name}});
        return c.reply(list);
    }
    if (size == 2 || (size == 3 && parts[2] != "boundary")) {
        // Read from the store: a team's edit shows at once.
        auto db = store.acquire();
        auto n = data::read_neighbourhood_details(*db, parts[0], parts[1]);
        if (!n) {
            find_neighbourhood(snapshot, parts[0], parts[1]);  // 404 naming the force or the neighbourhood
            throw http_error(error_kind::not_found, "force '" + clip(parts[0]) + "' has no neighbourhood '" + clip(parts[1]) + "'");
        }
        if (size == 2) return c.reply_live(neighbourhood_object(std::string(parts[1]), *n), n->data_version);
        if (parts[2] == "events.ics") {  // the events for a calendar application (RFC 5545)
            auto name = n->details.is_object() && n->details.contains("name") && n->details["name"].is_string()
                            ? n->details["name"].get<std::string>()
                            : (n->name.empty() ? std::string(parts[1]) : n->name);
            auto events = detail_list(n->details, "events");
            return cacheable_response(req, events_calendar(events, name + " events", std::string(parts[0]) + "/" + std::string(parts[1]),
                                                           std::time(nullptr)),
                                      "text/calendar; charset=utf-8", n->data_version, c.identity(), max_age);
        }
        if (parts[2] == "people" || parts[2] == "events" || parts[2] == "priorities")
            return c.reply_live(detail_list(n->details, std::string(parts[2]).c_str()), n->data_version);
        if (parts[2] == "contact_details") {  // what a team's PUT replaces, on its own
            auto it = n->details.find("contact_details");
            return c.reply_live(it != n->details.end() && it->is_object() ? answer_json(*it) : json::object(),
                                n->data_version);
        }
    }
    if (size == 3 && parts[2] == "boundary") {
        const auto& n = snapshot.neighbourhoods[find_neighbourhood(snapshot, parts[0], parts[1])];
        json list = json::array();
        for (const auto& p : n.outer)
            list.push_back({{"latitude", six_decimals(p.y())}, {"longitude", six_decimals(p.x())}});
        return c.reply(list);
    }
    throw http_error(error_kind::not_found, "no API method at " + clip(path, 200));
}

}  // namespace crimemap::server
