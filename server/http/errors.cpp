#include "server/http/errors.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

struct error_entry {
    error_kind kind;
    http::status status;
    std::string_view code;
};

constexpr std::array<error_entry, 11> error_table{{
    {error_kind::bad_request, http::status::bad_request, "bad-request"},
    {error_kind::unauthorized, http::status::unauthorized, "unauthorized"},
    {error_kind::forbidden, http::status::forbidden, "forbidden"},
    {error_kind::too_many_requests, http::status::too_many_requests, "too-many-requests"},
    {error_kind::not_found, http::status::not_found, "not-found"},
    {error_kind::method_not_allowed, http::status::method_not_allowed, "method-not-allowed"},
    {error_kind::payload_too_large, http::status::payload_too_large, "payload-too-large"},
    {error_kind::header_too_large, http::status::request_header_fields_too_large, "header-too-large"},
    // data.police.uk answers 503 when an area holds more than 10,000 crimes.
    {error_kind::too_many_results, http::status::service_unavailable, "too-many-results"},
    {error_kind::unavailable, http::status::service_unavailable, "unavailable"},
    {error_kind::internal, http::status::internal_server_error, "internal-error"},
}};

}  // namespace

response error_response(error_kind kind, std::string_view message, unsigned version, bool keep_alive,
                        const field_errors& fields) {
    const error_entry* entry = &error_table.back();
    for (const auto& e : error_table)
        if (e.kind == kind) entry = &e;
    response res{entry->status, version};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    nlohmann::json body{{"error", entry->code}, {"message", message}};
    if (!fields.empty()) body["fields"] = fields;
    // A message may quote what the client sent; text that is not UTF-8 must not stop the answer.
    res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    res.prepare_payload();
    return res;
}

}  // namespace crimemap::server
