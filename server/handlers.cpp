#include "server/handlers.hpp"

#include "server/errors.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

response text(http::status status, std::string body, const char* content_type, const request& req) {
    response res{status, req.version()};
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

std::string placeholder_page(const app_state& state) {
    return "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>crimemap</title></head>\n"
           "<body>\n<h1>crimemap</h1>\n<p>The store holds " +
           std::to_string(state.crimes) + " crimes at " + std::to_string(state.locations) + " map locations in " +
           std::to_string(state.neighbourhoods) +
           " neighbourhoods.</p>\n<p>The map arrives with the tile server.</p>\n</body>\n</html>\n";
}

}  // namespace

response handle_request(const request& req, const app_state& state) {
    try {
        std::string_view target(req.target().data(), req.target().size());
        auto path = target.substr(0, target.find('?'));
        if (req.method() != http::verb::get && req.method() != http::verb::head)
            throw http_error(error_kind::method_not_allowed, "only GET and HEAD are served here");
        if (path == "/healthz") return text(http::status::ok, "ok\n", "text/plain; charset=utf-8", req);
        if (path == "/") return text(http::status::ok, placeholder_page(state), "text/html; charset=utf-8", req);
        throw http_error(error_kind::not_found, "no such page: " + std::string(path));
    } catch (const http_error& error) {
        return error_response(error.kind(), error.what(), req.version(), req.keep_alive());
    } catch (const std::exception& error) {
        return error_response(error_kind::internal, "internal error", req.version(), false);
    }
}

}  // namespace crimemap::server
