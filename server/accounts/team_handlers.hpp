#pragma once
// Local policing teams keep their neighbourhood's published details current:
// PUT /api/{force}/{neighbourhood}/contact_details|people|priorities|events.

#include "server/app_state.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <span>
#include <string_view>

namespace crimemap::server {

/// The parts of a neighbourhood's published details a team edits, each read and replaced on
/// its own at /api/{force}/{neighbourhood}/{part}: its contact details, then three lists.
inline constexpr std::array<std::string_view, 4> team_parts{"contact_details", "people", "priorities", "events"};
/// The lists among them: every team part but contact_details.
inline constexpr std::span<const std::string_view, 3> team_lists{team_parts.data() + 1, 3};

/// The data.police.uk contact detail keys a team may set.
bool is_contact_key(std::string_view key);

/// What a team may edit, from the table the PUTs check with: {"contact_details": [{"key",
/// "max_length"}], "people" | "priorities" | "events": [{"key", "kind" (one-line, many-lines,
/// date, contact-details), "required", "max_length" (null for dates and contact details)}] in
/// form order, "max_items"}. Served at GET /api/team-fields.
nlohmann::ordered_json team_fields_json();

/// Replaces one part of a neighbourhood's details with the request's JSON body, for a team of
/// that neighbourhood or an admin (401 without a session, 403 outside the scope, audited).
response handle_team_edit(const request& req, std::string_view force, std::string_view neighbourhood,
                          std::string_view part, const app_state& state);

}  // namespace crimemap::server
