#include "server/routes.hpp"

#include "server/ops/store_watch.hpp"

#include "data/vocabulary/months.hpp"
#include "server/accounts/auth.hpp"
#include "server/accounts/team_handlers.hpp"
#include "server/api/api_methods.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"
#include "server/http/query_string.hpp"
#include "server/ops/store_watch.hpp"
#include "server/pages/list_page.hpp"
#include "server/tiles/basemap_handlers.hpp"
#include "server/tiles/tile_handlers.hpp"
#include "server/watch/subscription_handlers.hpp"
#include "server/watch/watch_handlers.hpp"

#include <boost/beast/http/field.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <deque>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

using methods::any;
using methods::delete_;
using methods::post;
using methods::put;
using methods::read;

response text(http::status status, std::string body, const char* content_type, const request& req) {
    response res{status, req.version()};
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

std::string placeholder_page(const data::map_snapshot& snapshot) {
    return "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>crimemap</title></head>\n"
           "<body>\n<h1>crimemap</h1>\n<p>The store holds " +
           std::to_string(snapshot.crimes) + " crimes on the map at " + std::to_string(snapshot.location_ids.size()) +
           " locations in " + std::to_string(snapshot.neighbourhoods.size()) +
           " neighbourhoods.</p>\n<p>Tiles: <a href=\"/tiles/crimes.json\">/tiles/crimes.json</a></p>\n</body>\n</html>\n";
}

[[noreturn]] void no_page(const route_request& r) {
    throw http_error(error_kind::not_found, "no such page: " + std::string(r.path.substr(0, 200)));
}

[[noreturn]] void no_api_method(const route_request& r) {
    throw http_error(error_kind::not_found, "no API method at " + std::string(r.path.substr(0, 200)));
}

// One /api/ method of data.police.uk's or ours: the call it answers, then the method.
template <response (*method)(const api::call&)>
response api_route(const route_request& r) {
    // As data.police.uk: long polygons go in a POST body, not the URL.
    if (r.req.target().size() > 4094)
        throw http_error(error_kind::bad_request, "the URL is longer than 4,094 characters; POST the parameters instead");
    // A POSTed form (long polygons) counts as the query string.
    const query_parameters query(r.req.method() == http::verb::post ? std::string_view(r.req.body()) : r.raw_query);
    const api::call c{r.req, r.path, {r.segments.begin() + 1, r.segments.end()}, query, *r.state.snapshot, *r.state.store};
    return method(c);
}

response static_file(const route_request& r) {
    if (const auto* file = r.state.web.find(r.path)) return static_file_response(r.req, *file, r.path);
    no_page(r);
}

response home(const route_request& r) {
    if (const auto* file = r.state.web.find(r.path)) return static_file_response(r.req, *file, r.path);
    return text(http::status::ok, placeholder_page(*r.state.snapshot), "text/html; charset=utf-8", r.req);
}

response readyz(const route_request& r) {
    // The port opens only once the indexes are loaded; this says which data they hold.
    const auto& snapshot = *r.state.snapshot;
    nlohmann::json ready{{"ready", true},
                         {"data_version", snapshot.data_version},
                         {"crimes", snapshot.crimes + snapshot.crimes_without_location},
                         {"crimes_with_location", snapshot.crimes},
                         {"latest_month", snapshot.last_updated ? data::month_text(snapshot.last_updated) : ""},
                         {"load_seconds", snapshot.load_seconds},
                         {"integrity", r.state.integrity ? r.state.integrity->verdict() : "not checked"},
                         {"store", "ok"},
                         {"degraded", nlohmann::json::array()}};
    // A replica whose PostgreSQL is away still serves every read it holds (so it stays ready
    // for the load balancer), but says that writes and sign-ins are refused meanwhile.
    if (r.state.watch && !r.state.watch->reachable()) {
        ready["store"] = "unreachable: " + r.state.watch->problem();
        ready["degraded"] = {"writes", "sign-in", "live reads"};
    }
    return text(http::status::ok, ready.dump() + "\n", "application/json", r.req);
}

response config_json(const route_request& r) {
    // What the web app is configured with: a basemap style URL (--basemap-style; our own
    // /basemap/style.json for a local style file) or null, and the TileJSON of our own basemap
    // archive (--basemap) or null. A style, when given, is drawn rather than the built-in one.
    const auto& state = r.state;
    nlohmann::json config{{"basemap_style", state.own_style ? nlohmann::json("/basemap/style.json")
                                            : state.basemap_style.empty() ? nlohmann::json(nullptr)
                                                                          : nlohmann::json(state.basemap_style)},
                          {"basemap_tiles", state.basemap ? nlohmann::json("/tiles/basemap.json") : nlohmann::json(nullptr)}};
    return cacheable_response(r.req, config.dump(), "application/json", 0, config.dump(), 300);
}

response tilejson(const route_request& r) {
    auto file = r.segments[1];
    auto layer = file.substr(0, file.size() - 5);  // before ".json"
    return handle_tilejson(r.req, layer, r.raw_query, query_parameters(r.raw_query), *r.state.snapshot,
                           link_base_url(r.req, r.state));
}

response tile(const route_request& r) {
    return handle_tile(r.req, r.path, query_parameters(r.raw_query), *r.state.snapshot, r.state.tiles.get());
}

response watch_tile(const route_request& r) {
    if (!r.state.store) return tile(r);
    // Visibility as it is now: a scheme hidden since the load is out of its tiles at once.
    auto visibility = data::read_watch_visibility(*r.state.store->acquire());
    return handle_tile(r.req, r.path, query_parameters(r.raw_query), *r.state.snapshot, r.state.tiles.get(), &visibility);
}

response basemap_tilejson(const route_request& r) {
    if (!r.state.basemap) return tilejson(r);
    return handle_basemap_tilejson(r.req, *r.state.basemap, link_base_url(r.req, r.state));
}

response basemap_tile(const route_request& r) {
    if (!r.state.basemap) return tile(r);
    return handle_basemap_tile(r.req, r.path, *r.state.basemap, r.state.tiles.get());
}

response glyphs(const route_request& r) {
    if (!r.state.glyphs) return static_file(r);
    return handle_glyphs(r.req, r.path, *r.state.glyphs, r.state.own_style.get());
}

response local_style(const route_request& r) {
    if (!r.state.own_style) return static_file(r);
    return handle_local_style(r.req, *r.state.own_style, link_base_url(r.req, r.state));
}

response sprite(const route_request& r) {
    if (!r.state.own_style || !r.path.starts_with("/basemap/sprite")) return static_file(r);
    return handle_sprite(r.req, r.path, *r.state.own_style);
}

// Path segments of /api/watch/...: 0 api, 1 watch, 2 schemes|inbox|messages, 3 {id}.
response watch_scheme(const route_request& r) { return watch::scheme(r.req, r.segments[3], r.state); }

// The four team parts' rows: a team's PUT and everyone's GET of one part of the details.
std::span<const route> team_part_rows() {
    static const std::deque<std::string> patterns = [] {
        std::deque<std::string> out;
        for (auto part : team_parts) out.push_back("/api/{force}/{neighbourhood}/" + std::string(part));
        return out;
    }();
    static const std::vector<route> rows = [] {
        std::vector<route> out;
        for (const auto& pattern : patterns) {
            out.push_back({pattern, read, api_route<api::neighbourhood_part>, "team_edit"});
            out.push_back({pattern, put,
                           [](const route_request& r) {
                               return handle_team_edit(r.req, r.segments[1], r.segments[2], r.segments[3], r.state);
                           },
                           "team_edit", access::signed_in, true});
        }
        return out;
    }();
    return rows;
}

std::vector<route> build_table() {
    std::vector<route> t = {
        {"/healthz", read, [](const route_request& r) { return text(http::status::ok, "ok\n", "text/plain; charset=utf-8", r.req); },
         "health"},
        {"/readyz", read, readyz, "health"},
        // Answered by the edge (server/ops/edge.cpp) before it routes; here only for its Allow and label.
        {"/metrics", read, [](const route_request& r) -> response { no_page(r); }, "metrics"},

        // data.police.uk's API (docs/api.md), then our extensions
        {"/api/crimes-street/{category}", read | post, api_route<api::crimes_street>, "api_crimes", access::anyone, true},
        {"/api/crimes-at-location", read, api_route<api::crimes_at_location>, "api_crimes"},
        {"/api/crimes-no-location", read, api_route<api::crimes_no_location>, "api_crimes"},
        {"/api/crime-categories", read, api_route<api::crime_categories>, "api_crimes"},
        {"/api/crime-last-updated", read, api_route<api::crime_last_updated>, "api_crimes"},
        {"/api/crimes-street-dates", read, api_route<api::crimes_street_dates>, "api_crimes"},
        {"/api/outcomes-at-location", read, api_route<api::outcomes_at_location>, "api_outcomes"},
        {"/api/outcomes-for-crime/{persistent_id}", read, api_route<api::outcomes_for_crime>, "api_outcomes"},
        {"/api/stops-street", read, api_route<api::stops_street>, "api_stops"},
        {"/api/stops-at-location", read, api_route<api::stops_at_location>, "api_stops"},
        {"/api/stops-no-location", read, api_route<api::stops_no_location>, "api_stops"},
        {"/api/stops-force", read, api_route<api::stops_force>, "api_stops"},
        {"/api/summary", read, api_route<api::summary>, "api_summary"},
        {"/api/summary/{force}/{neighbourhood}", read, api_route<api::summary>, "api_summary"},
        {"/api/search", read, api_route<api::search>, "api_search"},
        {"/api/location-crimes", read, api_route<api::location_crimes>, "api_reference"},
        {"/api/neighbourhood-at", read, api_route<api::neighbourhood_at>, "api_reference"},
        {"/api/locate-neighbourhood", read, api_route<api::locate_neighbourhood>, "api_reference"},
        {"/api/team-fields", read, api_route<api::team_fields>, "api_reference"},
        {"/api/forces", read, api_route<api::forces>, "api_reference"},
        {"/api/forces/{force}", read, api_route<api::force>, "api_reference"},
        {"/api/forces/{force}/people", read, api_route<api::force_people>, "api_reference"},
        {"/api/forces/{force}/support", read, api_route<api::force_support>, "api_reference"},

        // Residents' subscriptions (docs/accounts.md)
        {"/api/subscriptions", post,
         [](const route_request& r) { return subscriptions::subscribe(r.req, r.state, r.client); }, "api_reference"},
        {"/api/subscriptions/confirm", post,
         [](const route_request& r) { return subscriptions::confirm(r.req, r.raw_query, r.state); }, "api_reference",
         access::link_token},
        {"/subscriptions/confirm", read,
         [](const route_request& r) { return subscriptions::confirm_page(r.req, r.raw_query); }, "pages", access::link_token},
        {"/subscriptions/unsubscribe", read,
         [](const route_request& r) { return subscriptions::unsubscribe_page(r.req, r.raw_query); }, "pages",
         access::link_token},
        {"/subscriptions/unsubscribe", post,
         [](const route_request& r) { return subscriptions::unsubscribe(r.req, r.raw_query, r.state); }, "pages",
         access::link_token},
        {"/subscriptions/*", any, [](const route_request& r) -> response { no_page(r); }, "pages"},

        // Neighbourhood Watch (docs/accounts.md)
        {"/api/watch/schemes", read,
         [](const route_request& r) { return watch::find_schemes(r.req, query_parameters(r.raw_query), r.state); }, "watch"},
        {"/api/watch/schemes/{id}", read, watch_scheme, "watch"},
        {"/api/watch/schemes/{id}", put,
         [](const route_request& r) { return watch::edit_scheme(r.req, r.segments[3], r.state); }, "watch",
         access::signed_in, true},
        {"/api/watch/schemes/{id}/messages", post,
         [](const route_request& r) { return watch::post_message(r.req, r.segments[3], r.state, r.client); }, "watch"},
        {"/api/watch/inbox", read, [](const route_request& r) { return watch::inbox(r.req, r.state); }, "watch",
         access::signed_in},
        {"/api/watch/inbox/notices", read, [](const route_request& r) { return watch::inbox_notices(r.req, r.state); },
         "watch", access::signed_in},
        {"/api/watch/inbox/{id}", delete_,
         [](const route_request& r) { return watch::inbox_change(r.req, r.segments[3], true, r.state); }, "watch",
         access::signed_in},
        {"/api/watch/inbox/{id}/read", post,
         [](const route_request& r) { return watch::inbox_change(r.req, r.segments[3], false, r.state); }, "watch",
         access::signed_in},
        {"/api/watch/messages/{id}", delete_,
         [](const route_request& r) {
             return watch::delete_own(r.req, r.segments[3], query_parameters(r.raw_query), r.state);
         },
         "watch", access::link_token},
        {"/api/watch/*", any, [](const route_request& r) -> response { no_api_method(r); }, "watch"},

        // A force's neighbourhoods and their published details (after every literal /api/ path)
        {"/api/{force}/neighbourhoods", read, api_route<api::neighbourhoods>, "api_reference"},
        {"/api/{force}/{neighbourhood}", read, api_route<api::neighbourhood>, "api_reference"},
        {"/api/{force}/{neighbourhood}/boundary", read, api_route<api::boundary>, "api_reference"},
        {"/api/{force}/{neighbourhood}/events.ics", read, api_route<api::neighbourhood_calendar>, "api_reference"},
    };
    auto team = team_part_rows();
    t.insert(t.end(), team.begin(), team.end());
    std::vector<route> rest = {
        {"/api/*", read, [](const route_request& r) -> response { no_api_method(r); }, "api_reference"},

        // Signing in (docs/accounts.md)
        {"/auth/login", post, [](const route_request& r) { return auth::login(r.req, r.state, r.client); }, "auth"},
        {"/auth/logout", post, [](const route_request& r) { return auth::logout(r.req, r.state); }, "auth"},
        {"/auth/me", read, [](const route_request& r) { return auth::me(r.req, r.state); }, "auth", access::signed_in},
        {"/auth/session", read, [](const route_request& r) { return auth::session(r.req, r.state); }, "auth"},
        {"/auth/set-password", read, [](const route_request& r) { return auth::set_password_page(r.req, r.state); }, "auth",
         access::link_token},
        {"/auth/set-password", post, [](const route_request& r) { return auth::set_password(r.req, r.state, r.client); },
         "auth", access::link_token},
        {"/auth/set-password/account", read,
         [](const route_request& r) { return auth::set_password_account(r.req, r.state); }, "auth", access::link_token},
        {"/auth/forgot-password", post,
         [](const route_request& r) { return auth::forgot_password(r.req, r.state, r.client); }, "auth"},
        {"/auth/*", any, [](const route_request& r) -> response { no_page(r); }, "auth"},

        // Tiles (docs/tiles.md) and the basemap (docs/basemap.md)
        {"/tiles/basemap.json", read, basemap_tilejson, "tilejson"},
        {"/tiles/basemap/*", read, basemap_tile, "tiles"},
        {"/tiles/{layer}.json", read, tilejson, "tilejson"},
        {"/tiles/watch/*", read, watch_tile, "tiles"},
        {"/tiles/*", read, tile, "tiles"},
        {"/fonts/*", read, glyphs, "other"},
        {"/basemap/style.json", read, local_style, "other"},
        {"/basemap/*", read, sprite, "other"},

        // Pages: the list view, the web app's settings and files
        {"/list", read, [](const route_request& r) { return handle_list_page(r.req, query_parameters(r.raw_query), r.state); },
         "list"},
        {"/config.json", read, config_json, "other"},
        {"/", read, home, "pages"},
        {"/static/*", read, static_file, "pages"},
        {"/vendor/*", read, static_file, "pages"},
        {"/*.*", read, static_file, "other"},
        {"/*", read, static_file, "pages"},
    };
    t.insert(t.end(), rest.begin(), rest.end());
    return t;
}

// A pattern cut into its segments once, so that matching a request allocates nothing.
struct pattern_part {
    enum kind_t { literal, any, suffixed, rest, rest_with_dot } kind;
    std::string_view text;  // the literal, or the suffix of a suffixed {name}.ext
};
using compiled_pattern = std::vector<pattern_part>;

compiled_pattern compile(std::string_view pattern) {
    compiled_pattern out;
    auto parts = split_nonempty(pattern, '/');
    for (std::size_t i = 0; i < parts.size(); ++i) {
        auto p = parts[i];
        const bool last = i + 1 == parts.size();
        if (last && p == "*") {
            out.push_back({pattern_part::rest, {}});
        } else if (last && p == "*.*") {
            out.push_back({pattern_part::rest_with_dot, {}});
        } else if (p.front() == '{') {
            auto suffix = p.substr(p.find('}') + 1);  // ".json", or "" for any segment
            out.push_back({suffix.empty() ? pattern_part::any : pattern_part::suffixed, suffix});
        } else {
            out.push_back({pattern_part::literal, p});
        }
    }
    return out;
}

bool matches(const compiled_pattern& parts, const std::vector<std::string_view>& segments) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& p = parts[i];
        if (p.kind == pattern_part::rest) return true;
        if (p.kind == pattern_part::rest_with_dot)
            return segments.size() > i && segments.back().find('.') != std::string_view::npos;
        if (i >= segments.size()) return false;
        switch (p.kind) {
            case pattern_part::literal:
                if (segments[i] != p.text) return false;
                break;
            case pattern_part::suffixed:
                if (segments[i].size() <= p.text.size() || !segments[i].ends_with(p.text)) return false;
                break;
            default: break;  // any one segment
        }
    }
    return parts.size() == segments.size();
}

// The table's patterns compiled, by row.
const std::vector<compiled_pattern>& compiled_patterns() {
    static const std::vector<compiled_pattern> compiled = [] {
        std::vector<compiled_pattern> out;
        for (const auto& row : route_table()) out.push_back(compile(row.pattern));
        return out;
    }();
    return compiled;
}

// The row of the first pattern that matches the path (the path's route).
const route* first_match(const std::vector<std::string_view>& segments) {
    const auto table = route_table();
    const auto& compiled = compiled_patterns();
    for (std::size_t i = 0; i < table.size(); ++i)
        if (matches(compiled[i], segments)) return &table[i];
    return nullptr;
}

}  // namespace

unsigned method_bit(http::verb verb) {
    switch (verb) {
        case http::verb::get: return methods::get;
        case http::verb::head: return methods::head;
        case http::verb::post: return methods::post;
        case http::verb::put: return methods::put;
        case http::verb::delete_: return methods::delete_;
        default: return 0;
    }
}

std::span<const route> route_table() {
    static const std::vector<route> table = build_table();
    return table;
}

bool pattern_matches(std::string_view pattern, const std::vector<std::string_view>& segments) {
    return matches(compile(pattern), segments);
}

const route* find_route(const std::vector<std::string_view>& segments, http::verb verb) {
    const auto* first = first_match(segments);
    if (!first) return nullptr;
    const unsigned bit = method_bit(verb);
    for (const auto& row : route_table())
        if (row.pattern == first->pattern && (row.methods & bit)) return &row;
    return nullptr;
}

std::string allowed_methods(std::string_view path) {
    const auto* first = first_match(split_nonempty(path, '/'));
    unsigned answered = 0;
    for (const auto& row : route_table())
        if (first && row.pattern == first->pattern) answered |= row.methods;
    std::string out;
    for (auto [bit, name] : {std::pair{methods::get, "GET"}, {methods::head, "HEAD"}, {methods::post, "POST"},
                             {methods::put, "PUT"}, {methods::delete_, "DELETE"}})
        if (answered & bit) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

std::string_view route_label(std::string_view path) {
    if (path.empty()) return "other";
    const auto* first = first_match(split_nonempty(path, '/'));
    return first ? first->label : "other";
}

}  // namespace crimemap::server
