#include "server/router.hpp"

#include "data/store/postgres.hpp"
#include "server/http/errors.hpp"
#include "server/http/query_string.hpp"
#include "server/routes.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <iostream>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

// The path only: a query string may hold what a resident typed (a postcode).
std::string_view path_of(const request& req) {
    std::string_view target(req.target().data(), req.target().size());
    return target.substr(0, target.find('?'));
}

// The caller sees only "internal error"; the operator needs the cause.
void internal_error(const request& req, const std::exception& error) {
    std::cerr << "crimemap: internal error answering " << path_of(req) << ": " << error.what() << '\n';
}

// PostgreSQL away, or too slow: the client is asked to come back shortly, while a replica's
// reads from memory go on.
response store_unavailable(const request& req, const std::exception& error) {
    std::cerr << "crimemap: the store is unavailable answering " << path_of(req) << ": " << error.what() << '\n';
    auto res = error_response(error_kind::unavailable, "the store is unavailable just now; try again shortly", req.version(),
                              req.keep_alive());
    res.set(http::field::retry_after, "5");
    return res;
}

constexpr std::size_t form_body_limit = 16 * 1024;

}  // namespace

response handle_request(const request& req, const app_state& state, const std::string& client) {
    try {
        require_utf8_request(req);
        auto [path, raw_query] = split_request_target(std::string_view(req.target().data(), req.target().size()));
        auto segments = split_nonempty(path, '/');
        const auto* row = find_route(segments, req.method());
        if (!row) throw http_error(error_kind::method_not_allowed, "not a method this path answers");
        // Forms and edits are small: past 16 KB is a 413 (POSTed polygons may take the parser's 64 KB).
        if (req.body().size() > form_body_limit && !row->large_body)
            throw http_error(error_kind::payload_too_large, "the body is larger than 16 KB");
        return row->handler(route_request{req, path, std::move(segments), raw_query, state, client});
    } catch (const http_error& error) {
        auto res = error_response(error.kind(), error.what(), req.version(), req.keep_alive(), error.fields());
        if (error.kind() == error_kind::method_not_allowed) res.set(http::field::allow, allowed_methods(path_of(req)));
        return res;
    } catch (const data::pg::unavailable& error) {
        return store_unavailable(req, error);
    } catch (const data::pg::error& error) {
        if (error.sqlstate() == "57014") return store_unavailable(req, error);  // the writer's statement timeout
        internal_error(req, error);
        return error_response(error_kind::internal, "internal error", req.version(), false);
    } catch (const std::exception& error) {
        internal_error(req, error);
        return error_response(error_kind::internal, "internal error", req.version(), false);
    }
}

}  // namespace crimemap::server
