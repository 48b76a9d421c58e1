#include "server/watch/subscription_handlers.hpp"

#include "data/accounts/accounts.hpp"
#include "data/watch/subscriptions.hpp"
#include "data/vocabulary/text.hpp"
#include "server/accounts/auth.hpp"
#include "server/http/errors.hpp"
#include "server/http/forms.hpp"
#include "server/http/http_caching.hpp"
#include "server/mail/mail_sender.hpp"
#include "server/http/query_string.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace crimemap::server {

namespace {

namespace http = boost::beast::http;

// A small page of our own: never cached, and its address (which holds a token) never sent on.
response page(const request& req, http::status status, std::string_view title, std::string_view body) {
    response res{status, req.version()};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.keep_alive(req.keep_alive());
    res.body() = "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                 data::escape_markup(title) +
                 " - crimemap</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                 "</head>\n<body class=\"page\">\n<main id=\"main\" class=\"page-main\">\n<h1>" +
                 data::escape_markup(title) + "</h1>\n" + std::string(body) + "\n</main>\n</body>\n</html>\n";
    if (req.method() == http::verb::head) res.body().clear();
    res.prepare_payload();
    return res;
}

bool wants_json(const request& req) {
    auto type = req[http::field::content_type];
    return std::string_view(type.data(), type.size()).starts_with("application/json");
}

std::string token_of(std::string_view raw_query, const body_fields& fields) {
    auto from_query = query_parameters(raw_query).get("token");
    if (from_query && !from_query->empty()) return std::string(*from_query);
    auto it = fields.find("token");
    return it == fields.end() ? std::string() : it->second;
}

}  // namespace

namespace subscriptions {

// POST /api/subscriptions {"email", "force", "neighbourhood"}: 202 whether or not the address
// is subscribed already; the mail asks only to confirm.
response subscribe(const request& req, const app_state& state, const std::string& client) {
    require_same_origin(req, state);
    auto fields = read_body_fields(req);
    const auto email = fields["email"], force = fields["force"], id = fields["neighbourhood"];
    field_errors problems;
    if (email.empty()) problems["email"] = "Enter your email address";
    else if (!data::email_problem(email).empty())
        problems["email"] = "Enter an email address in the correct format, like name@example.com";
    const auto& hoods = state.snapshot->neighbourhoods;
    auto hood = std::find_if(hoods.begin(), hoods.end(), [&](const auto& h) { return h.force == force && h.id == id; });
    if (hood == hoods.end()) problems["neighbourhood"] = "There is no such neighbourhood";
    if (!problems.empty()) throw http_error(error_kind::bad_request, "some answers need changing", problems);
    if (!state.mail) throw http_error(error_kind::unavailable, "this server sends no mail, so it cannot email you");
    auto& limits = *state.limits;
    const auto target = data::lower(email);
    if (!limits.subscribe_per_address.take(client))
        throw http_error(error_kind::too_many_requests, "too many subscription requests: try again later");
    if (!limits.subscribe_per_target.take(target)) {
        limits.subscribe_per_address.give_back(client);
        throw http_error(error_kind::too_many_requests, "too many subscription requests for this address: try again tomorrow");
    }
    const auto base = link_base_url(req, state);
    bool queued = state.writer->run([&](data::Database& db) {
        return data::request_subscription(db, {email, force, id, hood->name}, base);
    });
    if (queued) state.mail->wake();
    return private_json_response(
        req, http::status::accepted,
        nlohmann::json{{"message", "Check your email: we have sent a link to confirm. Nothing else is sent to it until you "
                                   "confirm."}}
            .dump());
}

response confirm_page(const request& req, std::string_view raw_query) {
    // The link in the confirmation mail: a button to press, so a scanner's GET confirms nothing.
    auto token = query_parameters(raw_query).get("token").value_or("");
    return page(req, http::status::ok, "Confirm your emails",
                "<p>Press the button to start getting an email when new crime figures for your neighbourhood are "
                "published. You can stop them from any of them.</p>\n"
                "<form method=\"post\" action=\"/api/subscriptions/confirm\">\n<input type=\"hidden\" name=\"token\" value=\"" +
                    data::escape_markup(token) +
                    "\">\n<button type=\"submit\" class=\"button\">Confirm</button>\n</form>");
}

response confirm(const request& req, std::string_view raw_query, const app_state& state) {
    // No Origin check: the page's form is posted under Referrer-Policy no-referrer (so its
    // Origin is "null"), and the token, known only to the mailbox's owner, is the authority.
    auto fields = read_body_fields(req);
    auto token = token_of(raw_query, fields);
    bool confirmed = state.writer->run([&](data::Database& db) { return data::confirm_subscription(db, token); });
    if (wants_json(req)) {
        if (!confirmed)
            throw http_error(error_kind::bad_request, "this link is not valid, has been used or is more than 7 days old",
                             {{"token", "This link is not valid"}});
        return private_json_response(req, http::status::ok, R"({"confirmed":true})");
    }
    return confirmed ? page(req, http::status::ok, "Confirmed",
                            "<p>You will get an email when new crime figures for your neighbourhood are published. "
                            "Each one has a link to stop them.</p>")
                     : page(req, http::status::bad_request, "This link does not work",
                            "<p>It is not valid, has been used already, or is more than 7 days old. Ask again from "
                            "your neighbourhood's page.</p>");
}

response unsubscribe_page(const request& req, std::string_view raw_query) {
    auto token = query_parameters(raw_query).get("token").value_or("");
    return page(req, http::status::ok, "Stop these emails",
                "<p>Press the button and you will get no more emails about this neighbourhood; your address "
                "is deleted.</p>\n<form method=\"post\" action=\"/subscriptions/unsubscribe?token=" +
                    data::escape_markup(token) +
                    "\">\n<button type=\"submit\" class=\"button\">Stop these emails</button>\n</form>");
}

response unsubscribe(const request& req, std::string_view raw_query, const app_state& state) {
    // RFC 8058: the mail provider's one-click POST carries no Origin and no cookie; the
    // token is the authority. The same answer whether or not it was still subscribed.
    body_fields fields;
    try {
        fields = read_body_fields(req);  // "List-Unsubscribe=One-Click", or the page's empty form
    } catch (const http_error&) {       // a multipart body: the token is in the URL anyway
    }
    auto token = token_of(raw_query, fields);
    state.writer->run([&](data::Database& db) { return data::unsubscribe(db, token); });
    return page(req, http::status::ok, "You will get no more emails",
                "<p>Your address has been deleted from this neighbourhood's emails.</p>");
}

}  // namespace subscriptions

}  // namespace crimemap::server
