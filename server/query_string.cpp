#include "server/query_string.hpp"

#include "server/errors.hpp"

#include <uriparser/Uri.h>

#include <memory>

namespace crimemap::server {

query_parameters::query_parameters(std::string_view query) {
    if (query.empty()) return;
    UriQueryListA* list = nullptr;
    int count = 0;
    if (uriDissectQueryMallocExA(&list, &count, query.data(), query.data() + query.size(), URI_TRUE,
                                 URI_BR_DONT_TOUCH) != URI_SUCCESS)
        throw http_error(error_kind::bad_request, "the query string cannot be decoded");
    std::unique_ptr<UriQueryListA, void (*)(UriQueryListA*)> owner(list, uriFreeQueryListA);
    for (auto* item = list; item; item = item->next) {
        if (!item->key || (*item->key == '\0' && !item->value)) continue;
        items_.emplace_back(item->key, item->value ? item->value : "");
    }
}

std::optional<std::string> query_parameters::get(std::string_view name) const {
    for (const auto& [key, value] : items_)
        if (key == name) return value;
    return std::nullopt;
}

std::vector<std::string_view> split_nonempty(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    while (!text.empty()) {
        auto at = text.find(separator);
        auto piece = text.substr(0, at);
        if (!piece.empty()) pieces.push_back(piece);
        if (at == std::string_view::npos) break;
        text.remove_prefix(at + 1);
    }
    return pieces;
}

split_target split_request_target(std::string_view target) {
    if (target.empty() || target.front() != '/')
        throw http_error(error_kind::bad_request, "the request target must be a path starting with '/'");
    auto question = target.find('?');
    if (question == std::string_view::npos) return {target, {}};
    return {target.substr(0, question), target.substr(question + 1)};
}

}  // namespace crimemap::server
