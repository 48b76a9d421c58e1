#pragma once
// Residents' subscriptions to their neighbourhood's new figures (data/watch/subscriptions.hpp) over
// HTTP: the request (double opt-in), the confirmation page and POST, and the unsubscribe page
// and one-click POST (RFC 8058). A GET never confirms nor unsubscribes: mail scanners follow links.

#include "server/router.hpp"

#include <string>
#include <string_view>

namespace crimemap::server {

/// Answers /api/subscriptions, /api/subscriptions/confirm, /subscriptions/confirm and
/// /subscriptions/unsubscribe; 404 for another path under them.
response handle_subscriptions(const request& req, std::string_view path, std::string_view raw_query, const app_state& state,
                              const std::string& client);

}  // namespace crimemap::server
