#pragma once
// Neighbourhood Watch under /api/watch/: the scheme finder and pages, residents' join requests
// and messages, and the coordinator's inbox.

#include "server/handlers.hpp"
#include "server/query_string.hpp"

#include <string>
#include <string_view>

namespace crimemap::server {

/// The token a public form carries instead of a session's CSRF token: a MAC of the scheme id
/// and the day under the server's secret (valid today and yesterday).
std::string public_form_token(const app_state& state, std::string_view scheme_id, int days_ago = 0);

/// Answers /api/watch/... `path` starts with "/api/watch/".
response handle_watch(const request& req, std::string_view path, const query_parameters& query, const app_state& state,
                      const std::string& client);

}  // namespace crimemap::server
