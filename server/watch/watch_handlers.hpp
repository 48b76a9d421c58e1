#pragma once
// Neighbourhood Watch under /api/watch/: the scheme finder and pages, residents' join requests
// and messages, and the coordinator's inbox.

#include "server/router.hpp"
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

/// Answers /api/watch/... `path` starts with "/api/watch/".
response handle_watch(const request& req, std::string_view path, const query_parameters& query, const app_state& state,
                      const std::string& client);

}  // namespace crimemap::server
