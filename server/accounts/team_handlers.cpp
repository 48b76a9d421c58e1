#include "server/accounts/team_handlers.hpp"

#include "data/accounts/accounts.hpp"
#include "data/store/local_edits.hpp"
#include "data/store/store.hpp"
#include "server/accounts/auth.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

namespace crimemap::server {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr std::array<std::string_view, 16> contact_keys{"email",    "telephone", "mobile",      "fax",
                                                         "web",      "address",   "facebook",    "twitter",
                                                         "youtube",  "myspace",   "bebo",        "flickr",
                                                         "google-plus", "forum",  "e-messaging", "rss"};
constexpr std::size_t max_items = 200, max_short = 200, max_long = 5000;

// Every bad field is reported, not only the first, as the Watch form does: one answer tells
// the team all that needs changing.
using problems = std::map<std::string, std::string>;

void bad(problems& found, const std::string& field, const std::string& message) { found.emplace(field, message); }

enum class lines { one, many };

// The fields of each repeating part, in form order: what the PUTs check and what
// GET /api/team-fields tells the editor (team_fields_json), from this one table.
enum class field_kind { one_line, many_lines, date, contact_details };

struct team_field {
    std::string_view key;
    field_kind kind;
    bool required;
    std::size_t max_length;  ///< bytes; 0 for dates and contact details
};

const std::vector<team_field>& fields_of(std::string_view part) {
    static const std::vector<team_field> people{{"name", field_kind::one_line, true, max_short},
                                                {"rank", field_kind::one_line, false, max_short},
                                                {"bio", field_kind::many_lines, false, max_long},
                                                {"contact_details", field_kind::contact_details, false, 0}};
    static const std::vector<team_field> priorities{{"issue", field_kind::many_lines, true, max_long},
                                                    {"issue-date", field_kind::date, false, 0},
                                                    {"action", field_kind::many_lines, false, max_long},
                                                    {"action-date", field_kind::date, false, 0}};
    static const std::vector<team_field> events{{"title", field_kind::one_line, true, max_short},
                                                {"type", field_kind::one_line, false, max_short},
                                                {"start_date", field_kind::date, false, 0},
                                                {"end_date", field_kind::date, false, 0},
                                                {"address", field_kind::many_lines, false, max_short * 2},
                                                {"description", field_kind::many_lines, false, max_long},
                                                {"contact_details", field_kind::contact_details, false, 0}};
    if (part == "people") return people;
    if (part == "priorities") return priorities;
    return events;
}

std::string_view kind_name(field_kind kind) {
    switch (kind) {
    case field_kind::one_line: return "one-line";
    case field_kind::many_lines: return "many-lines";
    case field_kind::date: return "date";
    case field_kind::contact_details: return "contact-details";
    }
    return "";
}

void check_text(problems& found, const json& object, const std::string& key, const std::string& where, bool required,
                std::size_t max_length, lines kind) {
    auto it = object.find(key);
    const std::string field = where + "." + key;
    if (it == object.end() || it->is_null()) {
        if (required) bad(found, field, "is required");
        return;
    }
    if (!it->is_string()) return bad(found, field, "must be text");
    const auto& text = it->get_ref<const std::string&>();
    if (required && text.empty()) return bad(found, field, "is required");
    if (text.size() > max_length) return bad(found, field, "must be at most " + std::to_string(max_length) + " characters");
    auto problem = kind == lines::one ? data::one_line_problem(text) : data::multi_line_problem(text);
    if (!problem.empty()) bad(found, field, problem);
}

// "2024-09-01T10:00:00" or "2024-09-01", as the API's dates are written.
void check_date(problems& found, const json& object, const std::string& key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    if (!it->is_string()) return bad(found, where + "." + key, "must be a date like 2024-09-01T10:00:00");
    const auto& t = it->get_ref<const std::string&>();
    auto digits = [&](std::size_t from, std::size_t n) {
        for (std::size_t i = from; i < from + n; ++i)
            if (i >= t.size() || t[i] < '0' || t[i] > '9') return false;
        return true;
    };
    bool ok = t.size() >= 10 && digits(0, 4) && t[4] == '-' && digits(5, 2) && t[7] == '-' && digits(8, 2) &&
              (t.size() == 10 || (t.size() == 19 && t[10] == 'T' && digits(11, 2) && t[13] == ':' && digits(14, 2) &&
                                  t[16] == ':' && digits(17, 2)));
    if (!ok) bad(found, where + "." + key, "must be a date like 2024-09-01T10:00:00");
}

void check_only(problems& found, const json& object, const std::vector<team_field>& allowed, const std::string& where) {
    for (const auto& [key, value] : object.items())
        if (std::none_of(allowed.begin(), allowed.end(), [&](const team_field& f) { return f.key == key; }))
            bad(found, where + "." + key, "is not a field here");
}

void check_contact_details(problems& found, const json& value, const std::string& where) {
    if (!value.is_object()) return bad(found, where, "must be an object of contact details");
    for (const auto& [key, item] : value.items()) {
        const std::string field = where + "." + key;
        if (!is_contact_key(key)) {
            bad(found, field, "is not a contact detail data.police.uk knows");
            continue;
        }
        if (!item.is_string() && !item.is_null()) {
            bad(found, field, "must be text");
            continue;
        }
        if (!item.is_string() || item.get_ref<const std::string&>().empty()) continue;
        const auto& text = item.get_ref<const std::string&>();
        if (text.size() > max_short * 2) {
            bad(found, field, "must be at most " + std::to_string(max_short * 2) + " characters");
            continue;
        }
        // Residents write to and follow these: an email address must be one, a link a web address
        // (never javascript: or data:), a telephone number one line.
        if (key == "email") {
            if (!data::email_problem(text).empty())
                bad(found, field, "Enter an email address in the correct format, like team@example.org");
        } else if (key == "address") {
            if (auto problem = data::multi_line_problem(text); !problem.empty()) bad(found, field, problem);
        } else if (key == "telephone" || key == "mobile" || key == "fax") {
            if (auto problem = data::one_line_problem(text); !problem.empty()) bad(found, field, problem);
        } else if (key == "e-messaging") {
            if (!data::url_problem(text, {"https", "http", "mailto"}).empty())
                bad(found, field, "Enter a web address starting https:// or an address starting mailto:");
        } else if (!data::url_problem(text, {"https", "http"}).empty()) {
            bad(found, field, "Enter a web address starting https://, like https://www.example.org");
        }
    }
}

void check_list(problems& found, const json& value, std::string_view part) {
    if (!value.is_array()) return bad(found, std::string(part), "must be a JSON array");
    if (value.size() > max_items)
        return bad(found, std::string(part), "may hold at most " + std::to_string(max_items) + " items");
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto& item = value[i];
        std::string where = std::string(part) + "[" + std::to_string(i) + "]";
        if (!item.is_object()) {
            bad(found, where, "must be an object");
            continue;
        }
        const auto& fields = fields_of(part);
        check_only(found, item, fields, where);
        for (const auto& f : fields) {
            const std::string key(f.key);
            switch (f.kind) {
            case field_kind::one_line: check_text(found, item, key, where, f.required, f.max_length, lines::one); break;
            case field_kind::many_lines: check_text(found, item, key, where, f.required, f.max_length, lines::many); break;
            case field_kind::date: check_date(found, item, key, where); break;
            case field_kind::contact_details:
                if (item.contains(key) && !item[key].is_null()) check_contact_details(found, item[key], where + "." + key);
                break;
            }
        }
    }
}

}  // namespace

bool is_contact_key(std::string_view key) {
    return std::find(contact_keys.begin(), contact_keys.end(), key) != contact_keys.end();
}

nlohmann::ordered_json team_fields_json() {
    nlohmann::ordered_json out;
    out["contact_details"] = nlohmann::ordered_json::array();
    for (auto key : contact_keys) out["contact_details"].push_back({{"key", key}, {"max_length", max_short * 2}});
    for (auto part : team_lists) {
        auto& list = out[std::string(part)] = nlohmann::ordered_json::array();
        for (const auto& f : fields_of(part)) {
            nlohmann::ordered_json field{{"key", f.key}, {"kind", kind_name(f.kind)}, {"required", f.required}};
            field["max_length"] = f.max_length ? nlohmann::ordered_json(f.max_length) : nlohmann::ordered_json(nullptr);
            list.push_back(std::move(field));
        }
    }
    out["max_items"] = max_items;
    return out;
}

response handle_team_edit(const request& req, std::string_view force, std::string_view neighbourhood,
                          std::string_view part, const app_state& state) {
    auto who = require_session(req, state);
    require_csrf(req, state, who);
    const std::string target = std::string(force) + "/" + std::string(neighbourhood);
    const std::string action = "PUT " + std::string(part);
    bool allowed = who.user.kind == data::role::admin ||
                   (who.user.kind == data::role::team && who.user.force == force && who.user.neighbourhood == neighbourhood);
    if (!allowed) {
        state.writer->run([&](data::Database& db) { data::audit(db, {who.user.id, who.user.email, action, target, "", "", "denied"}); });
        throw http_error(error_kind::forbidden, "your account may not change " + target.substr(0, 120));
    }
    auto type = req[http::field::content_type];
    if (!std::string_view(type.data(), type.size()).starts_with("application/json"))
        throw http_error(error_kind::bad_request, "send the new " + std::string(part) + " as JSON (application/json)");
    auto value = json::parse(req.body(), nullptr, false);
    if (value.is_discarded()) throw http_error(error_kind::bad_request, "the body is not JSON");
    problems wrong;
    if (part == "contact_details") {
        check_contact_details(wrong, value, "contact_details");
    } else {
        check_list(wrong, value, part);
    }
    if (!wrong.empty()) {
        std::string message;
        for (const auto& [field, problem] : wrong) {
            if (message.size() > 400) {
                message += "; and more";
                break;
            }
            message += (message.empty() ? "" : "; ") + field + ": " + problem;
        }
        throw http_error(error_kind::bad_request, message, wrong);
    }
    bool found = state.writer->run([&](data::Database& db) {
        data::Transaction tx(db);
        data::Statement select(db, "SELECT key, details FROM neighbourhoods WHERE force = ? AND id = ?");
        select.bind(1, force).bind(2, neighbourhood);
        if (!select.step()) return false;
        auto key = select.column_int(0);
        json details = select.is_null(1) ? json::object() : json::parse(select.column_text(1), nullptr, false);
        select.reset();
        if (!details.is_object()) details = json::object();
        json before = details.contains(std::string(part)) ? details[std::string(part)] : json(nullptr);
        // Kept across imports of the neighbourhood's file from now on.
        data::mark_edited(db, data::neighbourhood_entity, target, part, details.contains(std::string(part)) ? before.dump() : "");
        details[std::string(part)] = value;
        data::Statement update(db, "UPDATE neighbourhoods SET details = ? WHERE key = ?");
        update.bind(1, details.dump()).bind(2, key);
        update.run();
        data::bump_data_version(db);
        data::audit(db, {who.user.id, who.user.email, action, target, before.dump(), value.dump(), "allowed"});
        tx.commit();
        return true;
    });
    if (!found) throw http_error(error_kind::not_found, "force '" + std::string(force.substr(0, 60)) +
                                                            "' has no neighbourhood '" + std::string(neighbourhood.substr(0, 60)) + "'");
    return private_json_response(req, http::status::ok, value.dump());
}

}  // namespace crimemap::server
