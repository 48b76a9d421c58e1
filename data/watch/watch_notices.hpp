#pragma once
// Coordinators are told by mail that a resident's message or join request came: how many for
// which scheme, and a link to the inbox. Never who sent it or what it says: those stay behind
// sign-in. At most one notice per coordinator in each interval; what comes meanwhile is added
// to the notice that waits.

#include "data/store/sqlite.hpp"

#include <cstdint>
#include <string_view>

namespace crimemap::data {

/// Queues or adds to the notice for every coordinator account of the scheme that can sign in;
/// call it in the transaction that stores the message. `kind` is "join" or "message";
/// `inbox_url` the absolute link to the inbox. A coordinator whose latest notice was due less
/// than `interval_seconds` ago gets the next one that long after it. Returns how many were told.
int notify_coordinators(Database& db, std::string_view scheme_id, std::string_view kind, std::string_view inbox_url,
                        std::int64_t interval_seconds, std::int64_t now);

}  // namespace crimemap::data
