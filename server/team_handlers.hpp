#pragma once
// Local policing teams keep their neighbourhood's published details current:
// PUT /api/{force}/{neighbourhood}/contact_details|people|priorities|events.

#include "server/handlers.hpp"

#include <string_view>

namespace crimemap::server {

/// The data.police.uk contact detail keys a team may set.
bool is_contact_key(std::string_view key);

/// Replaces one part of a neighbourhood's details with the request's JSON body, for a team of
/// that neighbourhood or an admin (401 without a session, 403 outside the scope, audited).
response handle_team_edit(const request& req, std::string_view force, std::string_view neighbourhood,
                          std::string_view part, const app_state& state);

}  // namespace crimemap::server
