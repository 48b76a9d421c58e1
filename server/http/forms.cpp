#include "server/http/forms.hpp"

#include "data/vocabulary/text.hpp"
#include "server/http/errors.hpp"
#include "server/http/query_string.hpp"

#include <boost/beast/http/field.hpp>

#include <nlohmann/json.hpp>

namespace crimemap::server {

namespace {

// A JSON body that is not UTF-8 (byte `at`): a 400 naming the member it is in. The parser stops
// at the bad byte; the last top-level key it reported before is the member whose value holds
// it, unless a value followed that key (then the bad byte is in the next key).
[[noreturn]] void not_utf8_json(const std::string& body, std::size_t at) {
    std::string key;
    bool in_value = false;
    nlohmann::json::parser_callback_t note = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        if (depth == 1 && event == nlohmann::json::parse_event_t::key) {
            key = parsed.get<std::string>();
            in_value = true;
        } else if (depth == 1 && (event == nlohmann::json::parse_event_t::value ||
                                  event == nlohmann::json::parse_event_t::object_end ||
                                  event == nlohmann::json::parse_event_t::array_end)) {
            in_value = false;
        }
        return true;
    };
    [[maybe_unused]] auto partial = nlohmann::json::parse(body, note, false);
    std::string message = "not UTF-8 text (byte " + std::to_string(at + 1) + " of the body)";
    if (!in_value || key.empty())
        throw http_error(error_kind::bad_request, "the body is not UTF-8 text (byte " + std::to_string(at + 1) + ")");
    throw http_error(error_kind::bad_request, key + ": " + message, {{key, message}});
}

}  // namespace

body_fields read_body_fields(const request& req) {
    body_fields out;
    auto type = req[boost::beast::http::field::content_type];
    std::string_view content_type(type.data(), type.size());
    if (content_type.starts_with("application/json")) {
        if (auto at = data::invalid_utf8_at(req.body())) not_utf8_json(req.body(), *at);
        auto body = nlohmann::json::parse(req.body(), nullptr, false);
        if (body.is_discarded() || !body.is_object())
            throw http_error(error_kind::bad_request, "the body is not a JSON object");
        for (const auto& [key, value] : body.items()) {
            if (value.is_null()) continue;
            out[key] = value.is_string() ? value.get<std::string>() : value.dump();
        }
        return out;
    }
    if (content_type.empty() || content_type.starts_with("application/x-www-form-urlencoded")) {
        query_parameters form(req.body());
        for (const auto& [key, value] : form.items()) out.emplace(key, value);
        return out;
    }
    throw http_error(error_kind::bad_request, "send JSON (application/json) or a form (application/x-www-form-urlencoded)");
}

}  // namespace crimemap::server
