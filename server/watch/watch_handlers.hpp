#pragma once
// Neighbourhood Watch under /api/watch/: the scheme finder and pages, residents' join requests
// and messages, and the coordinator's inbox.

#include "server/app_state.hpp"
#include "server/http/query_string.hpp"

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::server {

/// The secrets the public forms' tokens are keyed with, newest first (data::form_secrets):
/// the newest makes tokens, each is accepted. Replaced whole when the store rotates them.
class form_keys {
public:
    explicit form_keys(std::vector<std::string> secrets = {}) : secrets_(std::move(secrets)) {}
    void replace(std::vector<std::string> secrets);
    [[nodiscard]] std::vector<std::string> secrets() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> secrets_;
};

/// The token a public form carries instead of a session's CSRF token: a MAC of the scheme id
/// and the day under the newest form secret (valid today and yesterday).
std::string public_form_token(const app_state& state, std::string_view scheme_id, int days_ago = 0);
/// True when `token` is one of the scheme's form tokens of today or yesterday under any
/// secret still accepted; compared in constant time.
bool valid_form_token(const app_state& state, std::string_view scheme_id, std::string_view token);

/// The /api/watch/ routes, one function each (server/routes.cpp routes to them). An `id` is the
/// path's segment as sent: a message id that is not a positive number is a 404.
namespace watch {
response find_schemes(const request& req, const query_parameters& query, const app_state& state);  ///< GET schemes?lat&lng|postcode
response scheme(const request& req, std::string_view id, const app_state& state);       ///< GET schemes/{id}
response edit_scheme(const request& req, std::string_view id, const app_state& state);  ///< PUT schemes/{id}
response post_message(const request& req, std::string_view id, const app_state& state,
                      const std::string& client);  ///< POST schemes/{id}/messages
response inbox(const request& req, const app_state& state);          ///< GET inbox
response inbox_notices(const request& req, const app_state& state);  ///< GET inbox/notices
/// DELETE inbox/{id} (`remove`) and POST inbox/{id}/read
response inbox_change(const request& req, std::string_view id, bool remove, const app_state& state);
/// DELETE messages/{id}?token=: the applicant's own delete link
response delete_own(const request& req, std::string_view id, const query_parameters& query, const app_state& state);
}  // namespace watch

}  // namespace crimemap::server
