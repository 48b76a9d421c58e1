#pragma once
// Request routing: the route table (server/routes.hpp) from a request to its handler, with
// the errors every handler may throw turned into answers. Plain functions, testable without sockets.

#include "server/app_state.hpp"
#include "server/http/http.hpp"

#include <string>

namespace crimemap::server {

/// Routes one request from `client` (an IP address, "" when unknown). Never throws: failures
/// become JSON error responses by the error table.
response handle_request(const request& req, const app_state& state, const std::string& client = "");

}  // namespace crimemap::server
