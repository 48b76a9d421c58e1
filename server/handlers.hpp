#pragma once
// Request handlers: plain functions from a request to a response, testable without sockets.

#include "server/http.hpp"

#include <string>

namespace crimemap::server {

/// What the server loaded at start, shared read-only by every handler.
struct app_state {
    std::string store_path;
    long long crimes = 0;
    long long locations = 0;
    long long neighbourhoods = 0;
};

/// Routes one request. Never throws: failures become JSON error responses.
response handle_request(const request& req, const app_state& state);

}  // namespace crimemap::server
