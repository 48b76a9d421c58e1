#pragma once
// Residents' subscriptions to their neighbourhood's new figures (data/watch/subscriptions.hpp) over
// HTTP: the request (double opt-in), the confirmation page and POST, and the unsubscribe page
// and one-click POST (RFC 8058). A GET never confirms nor unsubscribes: mail scanners follow links.

#include "server/app_state.hpp"

#include <string>
#include <string_view>

namespace crimemap::server {

/// The subscription routes, one function each (server/routes.cpp routes to them).
namespace subscriptions {
response subscribe(const request& req, const app_state& state, const std::string& client);  ///< POST /api/subscriptions
response confirm_page(const request& req, std::string_view raw_query);                       ///< GET /subscriptions/confirm?token=
response confirm(const request& req, std::string_view raw_query, const app_state& state);    ///< POST /api/subscriptions/confirm
response unsubscribe_page(const request& req, std::string_view raw_query);                   ///< GET /subscriptions/unsubscribe?token=
response unsubscribe(const request& req, std::string_view raw_query, const app_state& state);  ///< POST /subscriptions/unsubscribe
}  // namespace subscriptions

}  // namespace crimemap::server
