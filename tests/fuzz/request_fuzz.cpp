// libFuzzer target for what a request carries: its target (path and query string, decoded by
// uriparser), a tile's z/x/y path, a poly= list, and a body read as JSON and as a form. Any
// bytes must give a value or an http_error, never a crash, a hang or a read out of bounds, and
// what is given is UTF-8 text. The body is also an X-Forwarded-For from a trusted proxy.
// Input: the request target, a newline, then the body.

#include "data/vocabulary/text.hpp"
#include "geo/prepared_polygon.hpp"
#include "server/http/client_address.hpp"
#include "server/http/errors.hpp"
#include "server/http/forms.hpp"
#include "server/http/query_string.hpp"
#include "server/http/request_parsers.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace crimemap::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto newline = input.find('\n');
    auto target = input.substr(0, newline);
    auto body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    try {
        auto [path, query_text] = split_request_target(target);
        if (path.size() > target.size()) std::abort();
        query_parameters query(query_text);
        for (const auto& [key, value] : query.items()) {
            if (key.size() + value.size() > query_text.size()) std::abort();  // decoding never grows text
            if (crimemap::data::invalid_utf8_at(key) || crimemap::data::invalid_utf8_at(value)) std::abort();
        }
        if (path.starts_with("/tiles/")) {
            auto tile = parse_tile_path(path);
            if (tile.tile.z > crimemap::geo::max_tile_zoom) std::abort();
        }
        if (auto poly = query.get("poly")) {
            auto polygon = parse_poly(*poly);
            if (polygon.outer().size() < 4) std::abort();  // three points at least, closed
            if (polygon.outer().size() > max_poly_points + 1) std::abort();  // the cap, closed
            // The prepared polygon answers as covered_by at the vertices, the edges' midpoints
            // and the points between vertices across the ring.
            crimemap::geo::prepared_polygon prepared(polygon);
            const auto& ring = polygon.outer();
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                const auto& a = ring[i];
                const auto& b = ring[i + 1];
                const auto& c = ring[(i + ring.size() / 2) % (ring.size() - 1)];
                for (auto p : {a, crimemap::geo::lonlat((a.x() + b.x()) / 2, (a.y() + b.y()) / 2),
                               crimemap::geo::lonlat((a.x() + c.x()) / 2, (a.y() + c.y()) / 2)})
                    if (prepared.covers(p) != boost::geometry::covered_by(p, polygon)) std::abort();
            }
        }
    } catch (const http_error&) {
    }
    for (const char* type : {"application/json", "application/x-www-form-urlencoded"}) {
        request req{boost::beast::http::verb::post, "/", 11};
        req.set(boost::beast::http::field::content_type, type);
        req.body() = std::string(body);
        try {
            for (const auto& [key, value] : read_body_fields(req))
                if (crimemap::data::invalid_utf8_at(key) || crimemap::data::invalid_utf8_at(value)) std::abort();
        } catch (const http_error&) {
        }
    }
    request forwarded{boost::beast::http::verb::get, "/", 11};
    forwarded.set("X-Forwarded-For", std::string(body));
    static const trusted_proxies proxies("127.0.0.1,10.0.0.0/8,fd00::/8");
    auto client = client_address(boost::asio::ip::make_address("127.0.0.1"), forwarded, proxies);
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(client, ec);
    if (ec) std::abort();  // always an address
    return 0;
}
