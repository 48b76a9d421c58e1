#pragma once
// Request targets: the path and the decoded query parameters (RFC 3986, via uriparser).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::server {

class query_parameters {
public:
    /// Decodes `a=1&b=x%20y` ('+' as space). Empty items (`?&date=...`) are skipped.
    /// Throws http_error(bad_request) when the query cannot be decoded.
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

/// Splits a request target at the first '?'. Throws http_error(bad_request) for a
/// target that is not an origin-form path ("/...").
split_target split_request_target(std::string_view target);

}  // namespace crimemap::server
