#pragma once
// Signing in and what every signed-in request is checked for: a live session from the
// HttpOnly cookie, and on state-changing requests a CSRF token and the server's own Origin.

#include "data/accounts/accounts.hpp"
#include "server/app_state.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace crimemap::server {

inline constexpr std::string_view session_cookie = "crimemap_session";

struct signed_in {
    data::user user;
    std::string csrf_token;
};

/// The account of the request's session; nullopt without a live session or for a disabled account.
std::optional<signed_in> find_session(const request& req, const app_state& state);
/// The same, or 401.
signed_in require_session(const request& req, const app_state& state);
/// For a state-changing request: 403 unless it carries the session's CSRF token (the
/// X-CSRF-Token header, or `form_token` from a form) and an Origin that is the server's own.
void require_csrf(const request& req, const app_state& state, const signed_in& who, std::string_view form_token = {});
/// 403 unless the request's Origin is the server's own (for forms posted without a session).
void require_same_origin(const request& req, const app_state& state);

/// What a role may touch, as the API shows it: {} for admin, {"force", "neighbourhood"} for
/// a team, {"schemes": [...]} for a coordinator.
nlohmann::json scope_json(const data::user& u);

/// The /auth/ routes, one function each (server/routes.cpp routes to them).
namespace auth {
response login(const request& req, const app_state& state, const std::string& client);  ///< POST /auth/login
response logout(const request& req, const app_state& state);                            ///< POST /auth/logout
response me(const request& req, const app_state& state);       ///< GET /auth/me: 401 without a session
response session(const request& req, const app_state& state);  ///< GET /auth/session: null without one
response set_password_page(const request& req, const app_state& state);     ///< GET /auth/set-password
response set_password_account(const request& req, const app_state& state);  ///< GET /auth/set-password/account
response set_password(const request& req, const app_state& state, const std::string& client);  ///< POST /auth/set-password
response forgot_password(const request& req, const app_state& state, const std::string& client);  ///< POST /auth/forgot-password
}  // namespace auth

}  // namespace crimemap::server
