#include "server/accounts/auth.hpp"

#include "data/accounts/account_mail.hpp"
#include "data/accounts/accounts.hpp"
#include "data/vocabulary/text.hpp"
#include "server/http/errors.hpp"
#include "server/http/forms.hpp"
#include "server/http/http_caching.hpp"
#include "server/mail/mail_sender.hpp"
#include "server/http/query_string.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <cctype>
#include <chrono>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

std::string header(const request& req, http::field field) {
    auto value = req[field];
    return std::string(value.data(), value.size());
}

// The session token from the Cookie header; "" when absent.
std::string cookie_token(const request& req) {
    auto cookie_header = req[http::field::cookie];
    std::string_view cookies(cookie_header.data(), cookie_header.size());
    for (auto part : split_nonempty(cookies, ';')) {
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        if (part.starts_with(session_cookie) && part.size() > session_cookie.size() && part[session_cookie.size()] == '=')
            return std::string(part.substr(session_cookie.size() + 1));
    }
    return {};
}

std::string cookie_value(const app_state& state, const std::string& token, bool clear) {
    std::string out = std::string(session_cookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
    if (clear) out += "; Max-Age=0";
    if (state.secure_cookies) out += "; Secure";
    return out;
}

response json_answer(const request& req, http::status status, const nlohmann::json& body) {
    return private_json_response(req, status, body.dump());
}

nlohmann::json me_json(const signed_in& who) {
    return {{"email", who.user.email},
            {"role", data::role_name(who.user.kind)},
            {"scope", scope_json(who.user)},
            {"csrf_token", who.csrf_token}};
}

}  // namespace

namespace auth {

namespace {

constexpr auto forgotten_link_lifetime = std::chrono::hours(1);

constexpr const char* login_failed = "the email address or password is not right";

}  // namespace

response login(const request& req, const app_state& state, const std::string& client) {
    require_same_origin(req, state);
    auto fields = read_body_fields(req);
    auto email = fields["email"], password = fields["password"];
    if (email.empty() || password.empty())
        throw http_error(error_kind::bad_request, "give email and password",
                         {{"email", email.empty() ? "Enter your email address" : ""},
                          {"password", password.empty() ? "Enter your password" : ""}});
    const auto account_key = data::lower(email);
    // Each try is counted before its password is checked, in the same step as the limit is
    // read: parallel tries cannot all pass the check before any of them is counted.
    auto& limits = *state.limits;
    if (!limits.login_per_address.take(client))
        throw http_error(error_kind::too_many_requests, "too many failed sign-in attempts: try again in 15 minutes");
    if (!limits.login_per_account.take(account_key)) {
        limits.login_per_address.give_back(client);
        throw http_error(error_kind::too_many_requests, "too many failed sign-in attempts: try again in 15 minutes");
    }
    auto found = data::find_user_by_email(*state.store->acquire(), email);
    bool ok = false;
    if (found && !found->first.disabled && !found->second.empty()) {
        ok = data::verify_password(found->second, password);
    } else {
        data::verify_nothing(password);  // the same time as a wrong password
    }
    if (!ok) {
        state.writer->run([&](data::Database& db) {
            data::audit(db, {found ? std::optional(found->first.id) : std::nullopt, email, "login", "", "", "", "failed"});
        });
        throw http_error(error_kind::unauthorized, login_failed);
    }
    limits.login_per_account.clear(account_key);
    limits.login_per_address.give_back(client);  // only failures count against an address
    auto [token, s] = state.sessions->create(found->first.id, found->first.session_epoch);
    state.writer->run([&](data::Database& db) {
        data::audit(db, {found->first.id, found->first.email, "login", "", "", "", "allowed"});
    });
    signed_in who{found->first, s.csrf_token};
    auto res = json_answer(req, http::status::ok,
                           {{"role", data::role_name(who.user.kind)}, {"scope", scope_json(who.user)}, {"csrf_token", s.csrf_token}});
    res.set(http::field::set_cookie, cookie_value(state, token, false));
    return res;
}

response logout(const request& req, const app_state& state) {
    auto who = find_session(req, state);
    if (who) {
        require_csrf(req, state, *who);
        state.sessions->end(cookie_token(req));
    }
    auto res = private_json_response(req, http::status::no_content, {});
    res.set(http::field::set_cookie, cookie_value(state, "", true));
    return res;
}

// The page a set-password link opens (web/set-password.html): never cached, and its address,
// which holds the token, is never sent on as a Referer.
response set_password_page(const request& req, const app_state& state) {
    const auto* page = state.web.find("/set-password");
    if (!page) throw http_error(error_kind::not_found, "the web app's set-password page is not installed");
    response res{http::status::ok, req.version()};
    res.set(http::field::content_type, page->content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.keep_alive(req.keep_alive());
    res.body() = page->content;
    res.prepare_payload();
    return res;
}

// Whose a set-password link is, so the page can show the address (and a password manager can
// save the new password under it). Reading does not use the link up.
response set_password_account(const request& req, const app_state& state) {
    std::string_view target(req.target().data(), req.target().size());
    auto token = query_parameters(split_request_target(target).query).get("token").value_or("");
    auto u = token.empty() ? std::nullopt : data::password_token_account(*state.store->acquire(), token);
    if (!u) throw http_error(error_kind::not_found, "this link is not valid, has been used or has expired: ask for a new one");
    return json_answer(req, http::status::ok, {{"email", u->email}});
}

response set_password(const request& req, const app_state& state, const std::string& client) {
    require_same_origin(req, state);
    if (!state.limits->set_password_per_address.take(client))
        throw http_error(error_kind::too_many_requests, "too many tries at setting a password: try again in 15 minutes");
    auto fields = read_body_fields(req);
    const auto invalid_link = [] {
        return http_error(error_kind::bad_request, "this link is not valid or has expired: ask for a new one",
                          {{"token", "This link is not valid or has expired"}});
    };
    // The token first: hashing costs about 20 ms of CPU, spent only for a link that is valid.
    const auto& token = fields["token"];
    if (token.empty() || !data::password_token_account(*state.store->acquire(), token)) throw invalid_link();
    if (auto problem = data::password_problem(fields["password"]); !problem.empty())
        throw http_error(error_kind::bad_request, "the password cannot be used", {{"password", "Password " + problem}});
    auto hash = data::hash_password(fields["password"]);
    auto user_id = state.writer->run([&](data::Database& db) -> std::optional<std::int64_t> {
        auto id = data::use_password_token(db, token);
        if (!id) return std::nullopt;
        auto u = data::find_user(db, *id);
        if (!u || u->disabled) return std::nullopt;
        data::set_password_hash(db, *id, hash);
        data::audit(db, {*id, u->email, "set password", "", "", "", "allowed"});
        return id;
    });
    if (!user_id) throw invalid_link();
    state.sessions->end_all(*user_id);
    return json_answer(req, http::status::ok, {{"password_set", true}});
}

// POST /auth/forgot-password {"email"}: mails a reset link when the address has an account
// that can sign in; the same answer either way (no account enumeration). The password stays
// until the link is used.
response forgot_password(const request& req, const app_state& state, const std::string& client) {
    require_same_origin(req, state);
    auto fields = read_body_fields(req);
    const auto email = fields["email"];
    if (email.empty() || !data::email_problem(email).empty())
        throw http_error(error_kind::bad_request, "give the account's email address",
                         {{"email", email.empty() ? "Enter your email address"
                                                  : "Enter an email address in the correct format, like name@example.com"}});
    if (!state.mail)
        throw http_error(error_kind::unavailable, "this server sends no mail: ask your administrator for a new link");
    auto& limits = *state.limits;
    const auto target_key = data::lower(email);
    if (!limits.reset_per_address.take(client))
        throw http_error(error_kind::too_many_requests, "too many password reset requests: try again in 15 minutes");
    if (!limits.reset_per_target.take(target_key)) {
        limits.reset_per_address.give_back(client);
        throw http_error(error_kind::too_many_requests, "too many password reset requests for this address: try again later");
    }
    auto found = data::find_user_by_email(*state.store->acquire(), email);
    if (found && !found->first.disabled) {
        const auto base = link_base_url(req, state);
        state.writer->run([&](data::Database& db) {
            data::Transaction tx(db);
            auto token = data::create_password_token(db, found->first.id, forgotten_link_lifetime);
            data::queue_password_link(db, found->first.email, base + "/auth/set-password?token=" + token,
                                      data::link_reason::forgotten, forgotten_link_lifetime);
            data::audit(db, {found->first.id, found->first.email, "forgot password", "", "", "", "allowed"});
            tx.commit();
        });
        state.mail->wake();
    } else {
        // The same kind of write (one synchronous commit) as for an account, so the answer's
        // time does not tell either; the attempt is audited as a failed sign-in is.
        state.writer->run([&](data::Database& db) {
            data::audit(db, {found ? std::optional(found->first.id) : std::nullopt, email, "forgot password", "", "", "",
                             "failed"});
        });
    }
    return json_answer(req, http::status::accepted,
                       {{"message", "If an account has this email address, a link to set a new password is on its way "
                                    "to it. The link works for 1 hour."}});
}

response me(const request& req, const app_state& state) {
    return json_answer(req, http::status::ok, me_json(require_session(req, state)));
}

// The same for a page that only asks whether anyone is signed in (sign-in): null when no
// one is, so a signed-out visitor's page logs no failed request.
response session(const request& req, const app_state& state) {
    auto who = find_session(req, state);
    return json_answer(req, http::status::ok, who ? me_json(*who) : nlohmann::json(nullptr));
}

}  // namespace auth

nlohmann::json scope_json(const data::user& u) {
    switch (u.kind) {
        case data::role::team: return {{"force", u.force}, {"neighbourhood", u.neighbourhood}};
        case data::role::coordinator: return {{"schemes", u.schemes}};
        case data::role::admin: break;
    }
    return nlohmann::json::object();
}

std::optional<signed_in> find_session(const request& req, const app_state& state) {
    auto token = cookie_token(req);
    if (token.empty() || !state.sessions) return std::nullopt;
    auto s = state.sessions->find(token);
    if (!s) return std::nullopt;
    // Read through the pool: a signed-in request never waits for the write lock.
    auto u = data::find_user(*state.store->acquire(), s->user_id);
    if (!u || u->disabled) return std::nullopt;
    if (u->session_epoch != s->epoch) {  // reset by `crimemap user reset` since this sign-in
        state.sessions->end(token);
        return std::nullopt;
    }
    return signed_in{*u, s->csrf_token};
}

signed_in require_session(const request& req, const app_state& state) {
    auto who = find_session(req, state);
    if (!who) throw http_error(error_kind::unauthorized, "sign in first");
    return *who;
}

void require_same_origin(const request& req, const app_state& state) {
    auto origin = header(req, http::field::origin);
    std::string own = base_url(req, state);
    // Behind a TLS proxy without --public-url the browser's origin is https://host.
    bool same = !origin.empty() && (origin == own || (state.public_url.empty() && own.starts_with("http://") &&
                                                        origin == "https://" + own.substr(7)));
    if (!same) throw http_error(error_kind::forbidden, "this request must come from this site (Origin " +
                                                           (origin.empty() ? std::string("missing") : origin.substr(0, 80)) + ")");
}

void require_csrf(const request& req, const app_state& state, const signed_in& who, std::string_view form_token) {
    require_same_origin(req, state);
    auto csrf_header = req["X-CSRF-Token"];
    std::string token(csrf_header.data(), csrf_header.size());
    if (token.empty()) token = std::string(form_token);
    if (!data::same_token(token, who.csrf_token))
        throw http_error(error_kind::forbidden, "the CSRF token is missing or wrong: reload the page");
}

}  // namespace crimemap::server
