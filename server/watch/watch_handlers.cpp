#include "server/watch/watch_handlers.hpp"

#include "data/accounts/accounts.hpp"
#include "data/store/local_edits.hpp"
#include "data/snapshot/search.hpp"
#include "data/store/store.hpp"
#include "data/watch/watch.hpp"
#include "data/watch/watch_finder.hpp"
#include "data/watch/watch_notices.hpp"
#include "server/accounts/auth.hpp"
#include "server/http/errors.hpp"
#include "server/http/forms.hpp"
#include "server/http/http_caching.hpp"
#include "server/mail/mail_sender.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <sodium.h>

#include <array>
#include <charconv>
#include <cmath>
#include <ctime>

namespace crimemap::server {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr const char* hidden_note = "hidden until an admin verifies this scheme";

response json_answer(const request& req, http::status status, const json& body) {
    return private_json_response(req, status, body.dump());
}

std::int64_t id_segment(std::string_view text, const char* what) {
    std::int64_t id = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id <= 0)
        throw http_error(error_kind::not_found, std::string("no ") + what + " '" + std::string(text.substr(0, 40)) + "'");
    return id;
}

std::string iso_time(std::int64_t seconds) {
    std::time_t t = seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

double degrees_parameter(const query_parameters& query, const char* name, double limit) {
    auto text = query.get(name);
    double value = 0;
    if (!text) throw http_error(error_kind::bad_request, std::string(name) + ": required (or give postcode)");
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || !std::isfinite(value) || std::abs(value) > limit)
        throw http_error(error_kind::bad_request, std::string(name) + ": want degrees, e.g. " + (limit == 90 ? "52.63" : "-1.13"));
    return value;
}

}  // namespace

namespace watch {

// GET /api/watch/schemes?lat=&lng= or ?postcode=
response find_schemes(const request& req, const query_parameters& query, const app_state& state) {
    const auto& s = *state.snapshot;
    auto db = state.store->acquire();
    geo::lonlat where(0, 0);
    if (auto postcode = query.get("postcode")) {
        auto normalised = data::normalise_postcode(*postcode);
        if (normalised.empty()) throw http_error(error_kind::bad_request, "postcode: '" + postcode->substr(0, 20) + "' is not a postcode");
        auto hit = data::find_postcode(*db, normalised);
        if (!hit) throw http_error(error_kind::not_found, "postcode: " + postcode->substr(0, 20) + " is not in the postcode table");
        where = hit->where;
    } else {
        where = geo::lonlat(degrees_parameter(query, "lng", 180), degrees_parameter(query, "lat", 90));
    }
    json list = json::array();
    for (const auto& hit : data::find_watch_schemes(s, where)) {
        // Name, status and visibility as they are now (an admin may have verified or hidden it).
        auto scheme = data::read_watch_scheme(*db, s.schemes[hit.scheme].id);
        if (!scheme || scheme->visibility == "hidden") continue;
        list.push_back({{"id", scheme->id},
                        {"name", scheme->name},
                        {"status", scheme->status},
                        {"covers", hit.covers},
                        {"distance_m", std::round(hit.distance_m)}});
    }
    return json_answer(req, http::status::ok, list);
}

namespace {

json scheme_json(const app_state& state, const data::watch_scheme& scheme) {
    json out = {{"id", scheme.id},
                {"name", scheme.name},
                {"description", scheme.description},
                {"status", scheme.status},
                {"households", scheme.households ? json(*scheme.households) : json(nullptr)},
                {"meetings", scheme.meetings},
                {"website", scheme.website},
                {"latitude", nullptr},
                {"longitude", nullptr}};
    const auto& s = *state.snapshot;
    for (const auto& info : s.schemes)
        if (info.id == scheme.id) {
            out["latitude"] = info.point.y();
            out["longitude"] = info.point.x();
        }
    return out;
}

// The scheme a coordinator or admin may manage; 403 (audited) otherwise.
void require_scheme_scope(const app_state& state, const signed_in& who, std::string_view scheme, const std::string& action,
                          bool admin_too) {
    bool own = who.user.kind == data::role::coordinator &&
               std::find(who.user.schemes.begin(), who.user.schemes.end(), scheme) != who.user.schemes.end();
    bool admin = admin_too && who.user.kind == data::role::admin;
    if (own || admin) return;
    state.writer->run([&](data::Database& db) {
        data::audit(db, {who.user.id, who.user.email, action, "watch/" + std::string(scheme), "", "", "denied"});
    });
    throw http_error(error_kind::forbidden, "your account may not do this for scheme '" + std::string(scheme.substr(0, 60)) + "'");
}

}  // namespace

// GET /api/watch/schemes/{id}: a scheme's public page, with the token its message form carries.
response scheme(const request& req, std::string_view id, const app_state& state) {
    auto db = state.store->acquire();
    auto found = data::read_watch_scheme(*db, id);
    if (!found || found->visibility == "hidden")
        throw http_error(error_kind::not_found, "no Watch scheme '" + std::string(id.substr(0, 60)) + "'");
    json out = scheme_json(state, *found);
    out["csrf_token"] = public_form_token(state, found->id);  // for its message form
    return json_answer(req, http::status::ok, out);
}

// PUT /api/watch/schemes/{id}: coordinators edit their scheme's description, meetings, website,
// households and visibility; only an admin changes its name, status or area.
response edit_scheme(const request& req, std::string_view id, const app_state& state) {
    auto who = require_session(req, state);
    require_csrf(req, state, who);
    require_scheme_scope(state, who, id, "PUT scheme", true);
    auto body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) throw http_error(error_kind::bad_request, "send the changes as a JSON object");
    for (const auto& [key, value] : body.items()) {
        bool admin_only = key == "name" || key == "status" || key == "area";
        if (admin_only && who.user.kind != data::role::admin) {
            state.writer->run([&](data::Database& db) {
                data::audit(db, {who.user.id, who.user.email, "PUT scheme " + key, "watch/" + std::string(id), "", "", "denied"});
            });
            throw http_error(error_kind::forbidden, key + ": only an admin may change a scheme's " + key);
        }
        if (key == "status" && (!value.is_string() || !data::is_scheme_status(value.get_ref<const std::string&>())))
            throw http_error(error_kind::bad_request, "status: want " + std::string(data::scheme_status_choices),
                             {{"status", "Choose a status"}});
        if (key == "visibility" && value != "public" && value != "hidden")
            throw http_error(error_kind::bad_request, "visibility: want public or hidden", {{"visibility", "Choose public or hidden"}});
        if (key == "households" && !value.is_null() && (!value.is_number_integer() || value.get<std::int64_t>() < 0))
            throw http_error(error_kind::bad_request, "households: want a whole number", {{"households", "Enter a whole number"}});
        if (key == "area" && !value.is_object())
            throw http_error(error_kind::bad_request, "area: want a GeoJSON Polygon, MultiPolygon or Point", {{"area", "Draw the area"}});
        bool known = admin_only || key == "description" || key == "meetings" || key == "website" || key == "households" ||
                     key == "visibility";
        if (!known) throw http_error(error_kind::bad_request, key + ": not a field of a scheme", {{key, "Not a field of a scheme"}});
        if (key != "households" && key != "area" && (!value.is_string() || value.get_ref<const std::string&>().size() > 5000))
            throw http_error(error_kind::bad_request, key + ": want text of at most 5000 characters", {{key, "Enter text"}});
        if (key == "website" && !value.get_ref<const std::string&>().empty() &&
            !data::url_problem(value.get_ref<const std::string&>(), {"https", "http"}).empty())
            throw http_error(error_kind::bad_request, "website: want a web address starting https:// or http://",
                             {{"website", "Enter a web address starting https://, like https://www.example.org"}});
        if (key == "name" || key == "description" || key == "meetings") {
            const auto& text = value.get_ref<const std::string&>();
            auto problem = key == "name" ? data::one_line_problem(text) : data::multi_line_problem(text);
            if (!problem.empty()) throw http_error(error_kind::bad_request, key + ": " + problem, {{key, "The " + key + " " + problem}});
        }
    }
    auto result = state.writer->run([&](data::Database& db) -> std::optional<json> {
        data::Transaction tx(db);
        auto before = data::read_watch_scheme(db, id);
        if (!before) return std::nullopt;
        for (const auto& [key, value] : body.items()) {
            // Kept across imports of the scheme's file from now on; visibility is the app's alone.
            if (key == "area") {
                auto wkb = data::scheme_area_wkb(value.dump());
                if (!wkb)
                    throw http_error(error_kind::bad_request, "area: want a GeoJSON Polygon, MultiPolygon or Point",
                                     {{"area", "Draw the area as a polygon or a point"}});
                data::mark_edited(db, data::watch_scheme_entity, id, key, data::scheme_area_before(db, id));
                data::set_scheme_area(db, id, *wkb);
                continue;
            }
            if (key != "visibility") {
                data::Statement was(db, "SELECT " + data::sql::json_quote(db, key) + " FROM watch_schemes WHERE id = ?");
                was.bind(1, id);
                if (was.step()) data::mark_edited(db, data::watch_scheme_entity, id, key, was.column_text(0));
            }
            data::Statement update(db, "UPDATE watch_schemes SET " + key + " = ? WHERE id = ?");
            if (value.is_null()) {
                update.bind_null(1);
            } else if (value.is_number_integer()) {
                update.bind(1, value.get<std::int64_t>());
            } else {
                update.bind(1, value.get<std::string>());
            }
            update.bind(2, id);
            update.run();
        }
        data::bump_data_version(db);
        auto after = data::read_watch_scheme(db, id);
        json before_json = scheme_json(state, *before), after_json = scheme_json(state, *after);
        data::audit(db, {who.user.id, who.user.email, "PUT scheme", "watch/" + std::string(id), before_json.dump(),
                         body.dump(), "allowed"});
        tx.commit();
        return after_json;
    });
    if (!result) throw http_error(error_kind::not_found, "no Watch scheme '" + std::string(id.substr(0, 60)) + "'");
    return json_answer(req, http::status::ok, *result);
}

// POST /api/watch/schemes/{id}/messages: a resident's join request or message.
response post_message(const request& req, std::string_view id, const app_state& state, const std::string& client) {
    require_same_origin(req, state);
    auto fields = read_body_fields(req);
    auto csrf_header = req["X-CSRF-Token"];
    std::string token(csrf_header.data(), csrf_header.size());
    if (token.empty()) token = fields["csrf_token"];
    if (!valid_form_token(state, id, token))
        throw http_error(error_kind::forbidden, "the form's token is missing or old: reload the scheme's page");
    auto scheme = [&] {
        auto db = state.store->acquire();
        return data::read_watch_scheme(*db, id);
    }();
    if (!scheme || scheme->visibility == "hidden")
        throw http_error(error_kind::not_found, "no Watch scheme '" + std::string(id.substr(0, 60)) + "'");
    data::watch_message_form form{fields["kind"], fields["name"], fields["email"], fields["phone"], fields["text"]};
    auto problems = data::watch_message_problems(form);
    if (!problems.empty()) throw http_error(error_kind::bad_request, "some answers need changing", problems);
    // The honeypot: people leave "website" empty; a filled one is a robot, told nothing. It is
    // counted nowhere: what is not stored must not use up a limit meant for residents.
    if (!fields["website"].empty()) return json_answer(req, http::status::created, {{"id", 0}});
    // Limits count stored messages only, by sender and by sender to this scheme; a stranger
    // cannot use up a scheme's form for its residents. The scheme's own ceiling is high, and
    // reaching it is shown to its coordinator and in /metrics.
    const auto inbox_url = link_base_url(req, state) + "/inbox";
    auto& limits = *state.limits;
    const std::string scheme_key(id), sender_key = scheme_key + "|" + client;
    if (!limits.messages_per_address.take(client))
        throw http_error(error_kind::too_many_requests, "too many messages for now: try again later");
    if (!limits.messages_per_scheme_address.take(sender_key)) {
        limits.messages_per_address.give_back(client);
        throw http_error(error_kind::too_many_requests, "too many messages to this scheme for now: try again later");
    }
    if (!limits.messages_per_scheme.take(scheme_key)) {
        limits.messages_per_address.give_back(client);
        limits.messages_per_scheme_address.give_back(sender_key);
        ++limits.scheme_ceiling_refusals;
        throw http_error(error_kind::too_many_requests, "this scheme has had too many messages this hour: try again later");
    }
    // The coordinators' notices are queued in the message's own transaction: neither without the other.
    auto stored = state.writer->run([&](data::Database& db) {
        return data::store_watch_message(db, id, form, [&](data::Database& d) {
            data::notify_coordinators(d, id, form.kind, inbox_url, state.notice_interval_seconds, std::time(nullptr));
        });
    });
    if (state.mail) state.mail->wake();
    return json_answer(req, http::status::created,
                       {{"id", stored.id},
                        {"delete_url", "/api/watch/messages/" + std::to_string(stored.id) + "?token=" + stored.delete_token}});
}

// GET /api/watch/inbox
response inbox(const request& req, const app_state& state) {
    auto who = require_session(req, state);
    if (who.user.kind != data::role::coordinator)
        throw http_error(error_kind::forbidden, "only a scheme's coordinator reads its messages");
    auto db = state.store->acquire();
    std::map<std::string, bool> verified;
    for (const auto& id : who.user.schemes) {
        auto scheme = data::read_watch_scheme(*db, id);
        verified[id] = scheme && !data::is_unverified(scheme->status);
    }
    json list = json::array();
    for (const auto& m : data::watch_inbox(*db, who.user.schemes)) {
        json item = {{"id", m.id},
                     {"scheme_id", m.scheme_id},
                     {"kind", m.kind},
                     {"created_at", iso_time(m.created_at)},
                     {"read", m.read_at.has_value()}};
        if (verified[m.scheme_id]) {
            item["name"] = m.name;
            item["email"] = m.email;
            item["phone"] = m.phone.empty() ? json(nullptr) : json(m.phone);
            item["text"] = m.text;
        } else {
            for (const char* field : {"name", "email", "phone", "text"}) item[field] = nullptr;
            item["hidden"] = hidden_note;
        }
        list.push_back(std::move(item));
    }
    return json_answer(req, http::status::ok, list);
}

// GET /api/watch/inbox/notices: what a coordinator should know of their schemes now (a
// scheme's form at its hourly ceiling refuses messages until the hour has passed).
response inbox_notices(const request& req, const app_state& state) {
    auto who = require_session(req, state);
    if (who.user.kind != data::role::coordinator)
        throw http_error(error_kind::forbidden, "only a scheme's coordinator reads its messages");
    json list = json::array();
    for (const auto& id : who.user.schemes)
        if (!state.limits->messages_per_scheme.allows(id))
            list.push_back({{"scheme_id", id},
                            {"notice", "So many messages came to this scheme in the last hour that its form is refusing "
                                       "more for now; it opens again within the hour."}});
    return json_answer(req, http::status::ok, list);
}

// POST /api/watch/inbox/{id}/read and DELETE /api/watch/inbox/{id}
response inbox_change(const request& req, std::string_view id_text, bool remove, const app_state& state) {
    const auto id = id_segment(id_text, "message");
    auto who = require_session(req, state);
    require_csrf(req, state, who);
    const std::string action = remove ? "DELETE message" : "read message";
    auto scheme = state.writer->run([&](data::Database& db) { return data::watch_message_scheme(db, id); });
    if (!scheme) throw http_error(error_kind::not_found, "no message " + std::to_string(id));
    // Another scheme's message is answered as one that does not exist: its id tells nothing.
    bool own = who.user.kind == data::role::coordinator &&
               std::find(who.user.schemes.begin(), who.user.schemes.end(), *scheme) != who.user.schemes.end();
    if (!own) {
        state.writer->run([&](data::Database& db) {
            data::audit(db, {who.user.id, who.user.email, action, "watch/" + *scheme + "/message/" + std::to_string(id), "",
                             "", "denied"});
        });
        throw http_error(error_kind::not_found, "no message " + std::to_string(id));
    }
    state.writer->run([&](data::Database& db) {
        data::Transaction tx(db);
        if (remove) {
            data::delete_watch_message(db, id);
        } else {
            data::mark_watch_message_read(db, id);
        }
        data::audit(db, {who.user.id, who.user.email, action, "watch/" + *scheme + "/message/" + std::to_string(id), "", "", "allowed"});
        tx.commit();
    });
    return json_answer(req, http::status::no_content, nullptr);
}

// DELETE /api/watch/messages/{id}?token=: the applicant's own delete link.
response delete_own(const request& req, std::string_view id_text, const query_parameters& query, const app_state& state) {
    const auto id = id_segment(id_text, "message");
    require_same_origin(req, state);
    auto token = query.get("token").value_or("");
    bool deleted = !token.empty() && state.writer->run([&](data::Database& db) { return data::delete_own_watch_message(db, id, token); });
    if (!deleted) throw http_error(error_kind::not_found, "no message " + std::to_string(id) + " with this link's token");
    return json_answer(req, http::status::no_content, nullptr);
}

}  // namespace watch

namespace {

std::string form_token_under(std::string_view secret, std::string_view scheme_id, int days_ago) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    std::string message = "watch-message:" + std::string(scheme_id) + ":" + std::to_string(std::time(nullptr) / 86400 - days_ago);
    std::array<unsigned char, crypto_auth_BYTES> mac{};
    std::array<unsigned char, crypto_auth_KEYBYTES> key{};
    crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                       nullptr, 0);
    crypto_auth(mac.data(), reinterpret_cast<const unsigned char*>(message.data()), message.size(), key.data());
    std::array<char, 64> text{};
    sodium_bin2base64(text.data(), text.size(), mac.data(), mac.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return text.data();
}

}  // namespace

void form_keys::replace(std::vector<std::string> secrets) {
    std::lock_guard lock(mutex_);
    secrets_ = std::move(secrets);
}

std::vector<std::string> form_keys::secrets() const {
    std::lock_guard lock(mutex_);
    return secrets_;
}

std::string public_form_token(const app_state& state, std::string_view scheme_id, int days_ago) {
    auto secrets = state.form_secrets ? state.form_secrets->secrets() : std::vector<std::string>{};
    if (secrets.empty()) throw std::runtime_error("no form secret: the server was started without one");
    return form_token_under(secrets.front(), scheme_id, days_ago);
}

bool valid_form_token(const app_state& state, std::string_view scheme_id, std::string_view token) {
    if (token.empty() || !state.form_secrets) return false;
    auto valid_under = [&](const std::vector<std::string>& secrets) {
        bool valid = false;
        for (const auto& secret : secrets)
            for (int days_ago : {0, 1}) valid = data::same_token(token, form_token_under(secret, scheme_id, days_ago)) || valid;
        return valid;
    };
    if (valid_under(state.form_secrets->secrets())) return true;
    // Replicas share the secrets through the store: one may have rotated them since this one
    // last read them, and its forms are as good as ours.
    if (!state.watch) return false;
    auto stored = state.writer->run([](data::Database& db) { return data::stored_form_secrets(db); });
    state.form_secrets->replace(stored);
    return valid_under(stored);
}

}  // namespace crimemap::server
