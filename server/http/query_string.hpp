#pragma once
// Request targets: the path and the decoded query parameters (RFC 3986, via uriparser).

#include "server/http/http.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::server {

class query_parameters {
public:
    /// Decodes `a=1&b=x%20y` ('+' as space). Empty items (`?&date=...`) are skipped.
    /// Throws http_error(bad_request) when the query cannot be decoded, or when a decoded name or
    /// value is not UTF-8 (the message and `fields` name the parameter).
    explicit query_parameters(std::string_view query);
    /// The first value of a parameter; nullopt when absent.
    [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct split_target {
    std::string_view path;
    std::string_view query;  ///< without the '?'
};

/// The non-empty pieces of `text` between `separator`s: path segments, comma lists.
/// Views into `text`; copies nothing.
std::vector<std::string_view> split_nonempty(std::string_view text, char separator);

/// Where a request enters: 400 unless its target and the headers that are read as text (Host,
/// Origin, Referer, Content-Type, If-None-Match, Accept-Encoding, X-CSRF-Token, X-Forwarded-*)
/// are UTF-8. The message names the header; it never repeats the bytes.
void require_utf8_request(const request& req);

/// Splits a request target at the first '?'. Throws http_error(bad_request) for a
/// target that is not an origin-form path ("/...").
split_target split_request_target(std::string_view target);

}  // namespace crimemap::server
