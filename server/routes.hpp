#pragma once
// The route table: every path the server answers, as a pattern, the methods each handler
// answers there, what the caller must bring, and the label its requests are counted under.
// Dispatch (server/router.cpp), a 405's Allow header and the route label of /metrics and the
// access log (server/ops/edge.cpp) all read this one table, so they cannot disagree.

#include "server/app_state.hpp"
#include "server/http/http.hpp"

#include <boost/beast/http/verb.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::server {

/// Sets of methods, as bits. HEAD is answered wherever GET is (Beast sends no body for it).
namespace methods {
inline constexpr unsigned get = 1, head = 2, post = 4, put = 8, delete_ = 16;
inline constexpr unsigned read = get | head;
inline constexpr unsigned any = get | head | post | put | delete_;
}  // namespace methods

/// The bit of a request method; 0 for a method no route answers (OPTIONS, PATCH, ...).
unsigned method_bit(boost::beast::http::verb verb);

/// What a route asks of the caller. The handler checks it (it knows which session or token);
/// the table says it, and tests/server/routes_test.cpp holds the two to each other.
enum class access {
    anyone,      ///< public
    signed_in,   ///< a live session: 401 without one
    link_token,  ///< a one-time token from a mailed link, or from the answer that made the message
};

/// One request as a route's handler gets it.
struct route_request {
    const request& req;
    std::string_view path;                   ///< the target without its query string
    std::vector<std::string_view> segments;  ///< the path's non-empty segments
    std::string_view raw_query;              ///< after '?', still percent-encoded
    const app_state& state;
    const std::string& client;               ///< the client's address, "" when unknown
};

/// One row: a handler of some methods at a pattern. A pattern is segments between '/': a
/// literal, `{name}` (any one segment), `{name}.ext` (one that ends in ".ext"), or as the last
/// segment `*` (any rest, none too) or `*.*` (any rest whose last segment holds a dot).
struct route {
    std::string_view pattern;
    unsigned methods;
    response (*handler)(const route_request&);
    std::string_view label;  ///< the route label of /metrics, one of metrics::route_names
    access needs = access::anyone;
    bool large_body = false;  ///< takes bodies past 16 KB (POSTed polygons, edits with areas): up to the parser's limit
};

/// The table, in the order it is matched: a path's route is the pattern of the first row that
/// matches it, and the rows of that pattern are the methods it answers. The last row matches
/// every path.
std::span<const route> route_table();

/// True when `pattern` matches the path of these segments.
bool pattern_matches(std::string_view pattern, const std::vector<std::string_view>& segments);

/// The row that answers `verb` at the path of these segments; nullptr when the path's route
/// does not answer it (a 405).
const route* find_route(const std::vector<std::string_view>& segments, boost::beast::http::verb verb);

/// The methods the path's route answers, for a 405's Allow header: "GET, HEAD", "POST", ...
std::string allowed_methods(std::string_view path);

/// The path's route label for /metrics and the access log; "other" for an empty path (a
/// request refused before its target was read).
std::string_view route_label(std::string_view path);

}  // namespace crimemap::server
