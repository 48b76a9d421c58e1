#include "server/http/query_string.hpp"

#include "data/vocabulary/text.hpp"
#include "server/http/errors.hpp"

#include <boost/beast/http/field.hpp>
#include <uriparser/Uri.h>

#include <memory>

namespace crimemap::server {

namespace http = boost::beast::http;

query_parameters::query_parameters(std::string_view query) {
    // A form body's final line end (curl --data-binary @file, a here-document) is not part of its
    // last value; a URL's query string never holds a raw line end.
    while (!query.empty() && (query.back() == '\n' || query.back() == '\r')) query.remove_suffix(1);
    if (query.empty()) return;
    UriQueryListA* list = nullptr;
    int count = 0;
    if (uriDissectQueryMallocExA(&list, &count, query.data(), query.data() + query.size(), URI_TRUE,
                                 URI_BR_DONT_TOUCH) != URI_SUCCESS)
        throw http_error(error_kind::bad_request, "the query string cannot be decoded");
    std::unique_ptr<UriQueryListA, void (*)(UriQueryListA*)> owner(list, uriFreeQueryListA);
    for (auto* item = list; item; item = item->next) {
        if (!item->key || (*item->key == '\0' && !item->value)) continue;
        std::string key = item->key, value = item->value ? item->value : "";
        // What is decoded is stored, compared and echoed as text: it must be UTF-8 here, where it
        // enters, or it ends up in the store and in JSON that can no longer be written.
        if (auto at = data::invalid_utf8_at(key))
            throw http_error(error_kind::bad_request,
                             "a parameter name is not UTF-8 text (byte " + std::to_string(*at + 1) + " of it)");
        if (auto at = data::invalid_utf8_at(value)) {
            std::string message = "not UTF-8 text (byte " + std::to_string(*at + 1) + " of the value)";
            throw http_error(error_kind::bad_request, key + ": " + message, {{key, message}});
        }
        items_.emplace_back(std::move(key), std::move(value));
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

void require_utf8_request(const request& req) {
    std::string_view target(req.target().data(), req.target().size());
    if (auto at = data::invalid_utf8_at(target))
        throw http_error(error_kind::bad_request,
                         "the request target is not UTF-8 text (byte " + std::to_string(*at + 1) + "); percent-encode it");
    // The headers that are read as text, and may be echoed in an answer or a log.
    for (auto field : {http::field::host, http::field::origin, http::field::referer, http::field::content_type,
                       http::field::if_none_match, http::field::accept_encoding}) {
        auto value = req[field];
        if (auto at = data::invalid_utf8_at(std::string_view(value.data(), value.size())))
            throw http_error(error_kind::bad_request, "the " + std::string(http::to_string(field)) +
                                                          " header is not UTF-8 text (byte " + std::to_string(*at + 1) + ")");
    }
    for (std::string_view name : {"X-CSRF-Token", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}) {
        auto value = req[boost::beast::string_view(name.data(), name.size())];
        if (auto at = data::invalid_utf8_at(std::string_view(value.data(), value.size())))
            throw http_error(error_kind::bad_request,
                             "the " + std::string(name) + " header is not UTF-8 text (byte " + std::to_string(*at + 1) + ")");
    }
}

split_target split_request_target(std::string_view target) {
    if (target.empty() || target.front() != '/')
        throw http_error(error_kind::bad_request, "the request target must be a path starting with '/'");
    auto question = target.find('?');
    if (question == std::string_view::npos) return {target, {}};
    return {target.substr(0, question), target.substr(question + 1)};
}

}  // namespace crimemap::server
