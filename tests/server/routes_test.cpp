// The route table: every route's Allow header, 405s and metrics label come from its rows.

#include "server/http/query_string.hpp"
#include "server/ops/metrics.hpp"
#include "server/router.hpp"
#include "server/routes.hpp"
#include "server/server_fixtures.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;

namespace {

// A path the pattern matches: each {name} (with its .ext) and rest filled in; an {id} is a number.
std::string example_path(std::string_view pattern) {
    std::string out;
    for (auto part : split_nonempty(pattern, '/')) {
        std::string segment(part);
        if (part == "*" || part == "*.*") {
            segment = part == "*" ? "x" : "x.txt";
        } else if (part.front() == '{') {
            segment = (part.starts_with("{id}") ? "1" : "x") + std::string(part.substr(part.find('}') + 1));
        }
        out += "/" + segment;
    }
    return out.empty() ? "/" : out;
}

// Every pattern's methods, gathered from the table's rows by the test itself.
std::map<std::string, unsigned> methods_by_pattern() {
    std::map<std::string, unsigned> out;
    for (const auto& row : route_table()) out[std::string(row.pattern)] |= row.methods;
    return out;
}

std::string allow_text(unsigned methods) {
    std::string out;
    for (auto [bit, name] : {std::pair{methods::get, "GET"}, {methods::head, "HEAD"}, {methods::post, "POST"},
                             {methods::put, "PUT"}, {methods::delete_, "DELETE"}})
        if (methods & bit) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

const std::array<std::pair<http::verb, unsigned>, 6> verbs{{{http::verb::get, methods::get},
                                                            {http::verb::head, methods::head},
                                                            {http::verb::post, methods::post},
                                                            {http::verb::put, methods::put},
                                                            {http::verb::delete_, methods::delete_},
                                                            {http::verb::patch, 0}}};

}  // namespace

TEST_CASE("every route is reachable: its example path falls in its own pattern, not an earlier one") {
    for (const auto& row : route_table()) {
        auto path = example_path(row.pattern);
        INFO(row.pattern << " as " << path);
        const route* first = nullptr;
        for (const auto& r : route_table())
            if (pattern_matches(r.pattern, split_nonempty(path, '/'))) {
                first = &r;
                break;
            }
        REQUIRE(first);
        CHECK(first->pattern == row.pattern);
    }
    // The last row takes every path, so that no request falls outside the table.
    CHECK(route_table().back().pattern == "/*");
}

TEST_CASE("every route's Allow header is the union of its rows' methods, and a method outside it is a 405 with that Allow") {
    auto by_pattern = methods_by_pattern();
    for (const auto& [pattern, answered] : by_pattern) {
        auto path = example_path(pattern);
        INFO(pattern << " as " << path);
        CHECK(allowed_methods(path) == allow_text(answered));
        for (auto [verb, bit] : verbs) {
            if (answered & bit) continue;
            INFO(http::to_string(verb));
            auto res = handle_request(test_request(path, {}, verb), generated_app_state());
            CHECK(res.result() == http::status::method_not_allowed);
            CHECK(res[http::field::allow] == allow_text(answered));
            CHECK(nlohmann::json::parse(res.body())["error"] == "method-not-allowed");
        }
    }
}

TEST_CASE("a row answers each method it lists, and no two rows of a pattern answer the same method") {
    auto by_pattern = methods_by_pattern();
    for (const auto& [pattern, answered] : by_pattern) {
        const auto path = example_path(pattern);
        auto segments = split_nonempty(path, '/');
        unsigned seen = 0;
        for (const auto& row : route_table())
            if (row.pattern == pattern) {
                INFO(pattern);
                CHECK((seen & row.methods) == 0);
                seen |= row.methods;
            }
        for (auto [verb, bit] : verbs) {
            const route* found = find_route(segments, verb);
            CHECK((found != nullptr) == ((answered & bit) != 0));
            if (found) CHECK(found->pattern == pattern);
        }
    }
}

TEST_CASE("every route's metrics label is one /metrics counts, and the label of its paths") {
    for (const auto& row : route_table()) {
        INFO(row.pattern);
        CHECK(std::find(metrics::route_names.begin(), metrics::route_names.end(), row.label) != metrics::route_names.end());
        CHECK(route_label(example_path(row.pattern)) == row.label);
    }
    CHECK(route_label("") == "other");
}

TEST_CASE("a route that needs a session answers 401 without one") {
    for (const auto& row : route_table()) {
        if (row.needs != access::signed_in) continue;
        auto path = example_path(row.pattern);
        for (auto [verb, bit] : verbs) {
            if (!(row.methods & bit) || verb == http::verb::head) continue;
            INFO(row.pattern << " " << http::to_string(verb));
            auto res = handle_request(test_request(path, {}, verb), generated_app_state());
            CHECK(res.result() == http::status::unauthorized);
        }
    }
}

TEST_CASE("the Allow headers and labels of the paths the server answered before the route table") {
    // What the hand-written allowed_methods and route_of said, kept by the table.
    const std::vector<std::tuple<std::string, std::string, std::string>> paths{
        {"/", "GET, HEAD", "pages"},
        {"/healthz", "GET, HEAD", "health"},
        {"/metrics", "GET, HEAD", "metrics"},
        {"/list", "GET, HEAD", "list"},
        {"/index.html", "GET, HEAD", "other"},
        {"/watch", "GET, HEAD", "pages"},
        {"/static/app.js", "GET, HEAD", "pages"},
        {"/tiles/crimes.json", "GET, HEAD", "tilejson"},
        {"/tiles/crimes/1/0/0.mvt", "GET, HEAD", "tiles"},
        {"/auth/login", "POST", "auth"},
        {"/auth/logout", "POST", "auth"},
        {"/auth/me", "GET, HEAD", "auth"},
        {"/auth/session", "GET, HEAD", "auth"},
        {"/auth/set-password", "GET, HEAD, POST", "auth"},
        {"/auth/set-password/account", "GET, HEAD", "auth"},
        {"/auth/forgot-password", "POST", "auth"},
        {"/api/crimes-street/all-crime", "GET, HEAD, POST", "api_crimes"},
        {"/api/crime-categories", "GET, HEAD", "api_crimes"},
        {"/api/outcomes-for-crime/abc", "GET, HEAD", "api_outcomes"},
        {"/api/stops-force", "GET, HEAD", "api_stops"},
        {"/api/summary/leicestershire/NC04", "GET, HEAD", "api_summary"},
        {"/api/search", "GET, HEAD", "api_search"},
        {"/api/forces", "GET, HEAD", "api_reference"},
        {"/api/leicestershire/NC04", "GET, HEAD", "api_reference"},
        {"/api/subscriptions", "POST", "api_reference"},
        {"/api/subscriptions/confirm", "POST", "api_reference"},
        {"/subscriptions/confirm", "GET, HEAD", "pages"},
        {"/subscriptions/unsubscribe", "GET, HEAD, POST", "pages"},
        {"/api/watch/schemes", "GET, HEAD", "watch"},
        {"/api/watch/schemes/s1", "GET, HEAD, PUT", "watch"},
        {"/api/watch/schemes/s1/messages", "POST", "watch"},
        {"/api/watch/inbox", "GET, HEAD", "watch"},
        {"/api/watch/inbox/notices", "GET, HEAD", "watch"},
        {"/api/watch/inbox/5", "DELETE", "watch"},
        {"/api/watch/inbox/5/read", "POST", "watch"},
        {"/api/watch/messages/5", "DELETE", "watch"},
    };
    for (const auto& [path, allow, label] : paths) {
        INFO(path);
        CHECK(allowed_methods(path) == allow);
        CHECK(route_label(path) == label);
    }
    for (auto part : {"contact_details", "people", "priorities", "events"}) {
        auto path = std::string("/api/leicestershire/NC04/") + part;
        CHECK(allowed_methods(path) == "GET, HEAD, PUT");
        CHECK(route_label(path) == "team_edit");
    }
}
