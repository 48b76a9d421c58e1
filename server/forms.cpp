#include "server/forms.hpp"

#include "server/errors.hpp"
#include "server/query_string.hpp"

#include <boost/beast/http/field.hpp>

#include <nlohmann/json.hpp>

namespace crimemap::server {

body_fields read_body_fields(const request& req) {
    body_fields out;
    auto type = req[boost::beast::http::field::content_type];
    std::string_view content_type(type.data(), type.size());
    if (content_type.starts_with("application/json")) {
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
