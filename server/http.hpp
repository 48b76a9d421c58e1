#pragma once
// Request and response types shared by the server's parts.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace crimemap::server {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace crimemap::server
