#include "server/router.hpp"

#include "data/vocabulary/months.hpp"

#include "server/api/api_handlers.hpp"
#include "server/tiles/basemap_handlers.hpp"
#include "server/watch/subscription_handlers.hpp"
#include "server/accounts/auth.hpp"
#include "server/pages/list_page.hpp"
#include "server/accounts/team_handlers.hpp"
#include "server/watch/watch_handlers.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"
#include "server/http/query_string.hpp"
#include "server/tiles/tile_handlers.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <iostream>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

constexpr std::size_t form_body_limit = 16 * 1024;

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

}  // namespace

std::string allowed_methods(std::string_view path) {
    auto parts = split_nonempty(path, '/');
    auto is = [&](std::size_t i, std::string_view text) { return parts.size() > i && parts[i] == text; };
    if (is(0, "auth")) {
        if (is(1, "me") || is(1, "session")) return "GET, HEAD";
        if (is(1, "set-password")) return parts.size() == 2 ? "GET, HEAD, POST" : "GET, HEAD";
        return "POST";
    }
    if (is(0, "api") && is(1, "crimes-street")) return "GET, HEAD, POST";
    if (is(0, "api") && is(1, "subscriptions")) return "POST";
    if (is(0, "subscriptions")) return is(1, "unsubscribe") ? "GET, HEAD, POST" : "GET, HEAD";
    if (is(0, "api") && is(1, "watch")) {
        if (is(2, "schemes")) return parts.size() == 4 ? "GET, HEAD, PUT" : parts.size() == 5 ? "POST" : "GET, HEAD";
        if (is(2, "inbox"))
            return parts.size() == 4 ? (is(3, "notices") ? "GET, HEAD" : "DELETE") : parts.size() == 5 ? "POST" : "GET, HEAD";
        if (is(2, "messages")) return "DELETE";
    }
    if (is(0, "api") && parts.size() == 4 &&
        (parts[3] == "contact_details" || parts[3] == "people" || parts[3] == "priorities" || parts[3] == "events"))
        return "GET, HEAD, PUT";
    return "GET, HEAD";
}

std::string base_url(const request& req, const app_state& state) {
    if (!state.public_url.empty()) return state.public_url;
    auto host = req[http::field::host];
    std::string_view h(host.data(), host.size());
    if (h.empty()) return "";
    for (char c : h)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            throw http_error(error_kind::bad_request, "the Host header is not a host name");
    return "http://" + std::string(h);
}

std::string link_base_url(const request& req, const app_state& state) {
    if (!state.public_url.empty()) return state.public_url;
    auto last_item = [&](std::string_view name) {
        auto value = req[boost::beast::string_view(name.data(), name.size())];
        std::string_view list(value.data(), value.size());
        auto items = split_nonempty(list, ',');
        std::string_view item = items.empty() ? std::string_view() : items.back();
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        return item;
    };
    auto host = last_item("X-Forwarded-Host");
    if (host.empty()) {
        // On loopback, localhost, 127.0.0.1 and [::1] with the listen port all name this server
        // and nothing else: a page opened at any of them gets links of its own origin.
        std::string_view listen = state.listen_url;
        auto port = listen.substr(listen.rfind(':') + 1);
        auto asked = req[http::field::host];
        std::string_view named(asked.data(), asked.size());
        const bool loopback = listen.starts_with("http://127.") || listen.starts_with("http://[::1]:");
        for (std::string_view name : {"localhost:", "127.0.0.1:", "[::1]:"})
            if (loopback && named.size() == name.size() + port.size() && named.starts_with(name) && named.ends_with(port))
                return "http://" + std::string(named);
        return state.listen_url;
    }
    for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            throw http_error(error_kind::bad_request, "the X-Forwarded-Host header is not a host name");
    const bool https = last_item("X-Forwarded-Proto") == "https";
    if (host.ends_with(https ? ":443" : ":80")) host.remove_suffix(https ? 4 : 3);  // nginx's $server_port
    return (https ? "https://" : "http://") + std::string(host);
}

response handle_request(const request& req, const app_state& state, const std::string& client) {
    try {
        require_utf8_request(req);
        auto [path, raw_query] = split_request_target(std::string_view(req.target().data(), req.target().size()));
        const auto verb = req.method();
        const bool read = verb == http::verb::get || verb == http::verb::head;
        // Forms and edits are small: past 16 KB is a 413 (POSTed polygons may take the parser's 64 KB).
        if (req.body().size() > form_body_limit && !path.starts_with("/api/crimes-street/") &&
            !(verb == http::verb::put && path.starts_with("/api/")))
            throw http_error(error_kind::payload_too_large, "the body is larger than 16 KB");
        if (path.starts_with("/auth/")) return handle_auth(req, path, state, client);
        if (path.starts_with("/api/watch/")) return handle_watch(req, path, query_parameters(raw_query), state, client);
        if (path == "/api/subscriptions" || path == "/api/subscriptions/confirm" || path.starts_with("/subscriptions/"))
            return handle_subscriptions(req, path, raw_query, state, client);
        if (verb == http::verb::put && path.starts_with("/api/")) {
            // PUT /api/{force}/{neighbourhood}/{contact_details|people|priorities|events}
            auto parts = split_nonempty(path.substr(5), '/');
            if (parts.size() == 3 && (parts[2] == "contact_details" || parts[2] == "people" || parts[2] == "priorities" ||
                                      parts[2] == "events"))
                return handle_team_edit(req, parts[0], parts[1], parts[2], state);
        }
        const bool post_form = verb == http::verb::post && path.starts_with("/api/crimes-street/");
        if (!read && !post_form) throw http_error(error_kind::method_not_allowed, "only GET and HEAD are served here");
        const auto& snapshot = *state.snapshot;
        if (path == "/healthz") return text(http::status::ok, "ok\n", "text/plain; charset=utf-8", req);
        if (path == "/readyz") {
            // The port opens only once the indexes are loaded; this says which data they hold.
            nlohmann::json ready{{"ready", true},
                                 {"data_version", snapshot.data_version},
                                 {"crimes", snapshot.crimes + snapshot.crimes_without_location},
                                 {"crimes_with_location", snapshot.crimes},
                                 {"latest_month", snapshot.last_updated ? data::month_text(snapshot.last_updated) : ""},
                                 {"load_seconds", snapshot.load_seconds},
                                 {"integrity", state.integrity ? state.integrity->verdict() : "not checked"}};
            return text(http::status::ok, ready.dump() + "\n", "application/json", req);
        }
        if (path.starts_with("/api/")) {
            // As data.police.uk: long polygons go in a POST body, not the URL.
            if (req.target().size() > 4094)
                throw http_error(error_kind::bad_request, "the URL is longer than 4,094 characters; POST the parameters instead");
            // A POSTed form (long polygons) counts as the query string.
            if (post_form) return handle_api(req, path, query_parameters(req.body()), snapshot, *state.store);
            return handle_api(req, path, query_parameters(raw_query), snapshot, *state.store);
        }
        if (state.basemap && path == "/tiles/basemap.json")
            return handle_basemap_tilejson(req, *state.basemap, link_base_url(req, state));
        if (state.basemap && path.starts_with("/tiles/basemap/")) return handle_basemap_tile(req, path, *state.basemap, state.tiles.get());
        if (state.glyphs && path.starts_with("/fonts/"))
            return handle_glyphs(req, path, *state.glyphs, state.own_style.get());
        if (state.own_style && path == "/basemap/style.json")
            return handle_local_style(req, *state.own_style, link_base_url(req, state));
        if (state.own_style && path.starts_with("/basemap/sprite")) return handle_sprite(req, path, *state.own_style);
        if (path.starts_with("/tiles/")) {
            query_parameters query(raw_query);
            if (path.ends_with(".json") && path.find('/', 7) == std::string_view::npos) {
                auto layer = path.substr(7, path.size() - 7 - 5);
                return handle_tilejson(req, layer, raw_query, query, snapshot, link_base_url(req, state));
            }
            if (path.starts_with("/tiles/watch/") && state.store) {
                // Visibility as it is now: a scheme hidden since the load is out of its tiles at once.
                auto visibility = data::read_watch_visibility(*state.store->acquire());
                return handle_tile(req, path, query, snapshot, state.tiles.get(), &visibility);
            }
            return handle_tile(req, path, query, snapshot, state.tiles.get());
        }
        if (path == "/list") return handle_list_page(req, query_parameters(raw_query), state);
        if (path == "/config.json") {
            // What the web app is configured with: a basemap style URL (--basemap-style; our own
            // /basemap/style.json for a local style file) or null, and the TileJSON of our own basemap
            // archive (--basemap) or null. A style, when given, is drawn rather than the built-in one.
            nlohmann::json config{{"basemap_style", state.own_style ? nlohmann::json("/basemap/style.json")
                                                    : state.basemap_style.empty() ? nlohmann::json(nullptr)
                                                                                  : nlohmann::json(state.basemap_style)},
                                  {"basemap_tiles", state.basemap ? nlohmann::json("/tiles/basemap.json") : nlohmann::json(nullptr)}};
            return cacheable_response(req, config.dump(), "application/json", 0, config.dump(), 300);
        }
        if (const auto* file = state.web.find(path))
            return static_file_response(req, *file, path);
        if (path == "/")
            return text(http::status::ok, placeholder_page(snapshot), "text/html; charset=utf-8", req);
        throw http_error(error_kind::not_found, "no such page: " + std::string(path.substr(0, 200)));
    } catch (const http_error& error) {
        auto res = error_response(error.kind(), error.what(), req.version(), req.keep_alive(), error.fields());
        if (error.kind() == error_kind::method_not_allowed) {
            std::string_view target(req.target().data(), req.target().size());
            res.set(http::field::allow, allowed_methods(target.substr(0, target.find('?'))));
        }
        return res;
    } catch (const std::exception& error) {
        // The caller sees only "internal error"; the operator needs the cause.
        // The path only: a query string may hold what a resident typed (a postcode).
        std::string_view target(req.target().data(), req.target().size());
        std::cerr << "crimemap: internal error answering " << target.substr(0, target.find('?')) << ": "
                  << error.what() << '\n';
        return error_response(error_kind::internal, "internal error", req.version(), false);
    }
}

}  // namespace crimemap::server
