#pragma once
// The one table from error kind to HTTP status and message, used at the HTTP edge.

#include "server/http/http.hpp"

#include <map>
#include <string>
#include <string_view>

namespace crimemap::server {

enum class error_kind {
    bad_request,
    unauthorized,       ///< no session, or a failed login
    forbidden,          ///< signed in but outside one's scope, or a failed CSRF or Origin check
    not_found,
    method_not_allowed,
    payload_too_large,
    header_too_large,   ///< request headers past the 8 KB limit
    too_many_requests,  ///< a rate limit
    too_many_results,
    unavailable,        ///< the server is at its connection cap
    internal
};

/// Per-field messages for a form that cannot be accepted: field name → message.
using field_errors = std::map<std::string, std::string>;

/// Thrown by handlers for an answer that is the caller's fault (or ours, for internal).
class http_error : public std::runtime_error {
public:
    http_error(error_kind kind, std::string message, field_errors fields = {})
        : std::runtime_error(std::move(message)), kind_(kind), fields_(std::move(fields)) {}
    [[nodiscard]] error_kind kind() const { return kind_; }
    [[nodiscard]] const field_errors& fields() const { return fields_; }

private:
    error_kind kind_;
    field_errors fields_;
};

/// `{"error": "<kind>", "message": "...", "fields": {...}}` with the status the table gives the
/// kind; "fields" only when there are any.
response error_response(error_kind kind, std::string_view message, unsigned version, bool keep_alive,
                        const field_errors& fields = {});

}  // namespace crimemap::server
