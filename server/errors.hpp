#pragma once
// The one table from error kind to HTTP status and message, used at the HTTP edge.

#include "server/http.hpp"

#include <string>
#include <string_view>

namespace crimemap::server {

enum class error_kind { bad_request, not_found, method_not_allowed, payload_too_large, too_many_results, internal };

/// Thrown by handlers for an answer that is the caller's fault (or ours, for internal).
class http_error : public std::runtime_error {
public:
    http_error(error_kind kind, std::string message) : std::runtime_error(std::move(message)), kind_(kind) {}
    [[nodiscard]] error_kind kind() const { return kind_; }

private:
    error_kind kind_;
};

/// `{"error": "<kind>", "message": "..."}` with the status the table gives the kind.
response error_response(error_kind kind, std::string_view message, unsigned version, bool keep_alive);

}  // namespace crimemap::server
