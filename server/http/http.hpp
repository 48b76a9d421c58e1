#pragma once
// Request and response types shared by the server's parts.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace crimemap::server {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// A response serialised once (status line, every header the server adds, body) to be written
/// many times, as a cached tile is: `bytes` is the whole message without its Date line, which
/// belongs at `date_at` and is written fresh each time. Made by prepare_response
/// (server/http/http_server.hpp); an answer to an HTTP/1.1 request that keeps the connection open.
struct prepared_response {
    std::string bytes;
    std::size_t date_at = 0;     ///< where the Date line goes (after the "\r\n" of the field before it)
    std::size_t body_at = 0;     ///< where the body starts: a HEAD request gets bytes up to here
    unsigned status = 0;
    [[nodiscard]] std::size_t body_size() const { return bytes.size() - body_at; }
};

}  // namespace crimemap::server
