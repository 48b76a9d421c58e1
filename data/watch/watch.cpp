#include "data/watch/watch.hpp"

#include "data/accounts/accounts.hpp"
#include "data/import/ogr.hpp"
#include "data/vocabulary/text.hpp"

#include <algorithm>
#include <ctime>
#include <memory>

namespace crimemap::data {

namespace {

std::string optional_text(const Statement& row, int column) {
    return row.is_null(column) ? std::string() : std::string(row.column_text(column));
}

}  // namespace

std::optional<watch_scheme> read_watch_scheme(Database& db, std::string_view id) {
    Statement select(db, "SELECT id, name, description, status, website, meetings, visibility, households "
                         "FROM watch_schemes WHERE id = ?");
    select.bind(1, id);
    if (!select.step()) return std::nullopt;
    watch_scheme s{std::string(select.column_text(0)), std::string(select.column_text(1)), optional_text(select, 2),
                   std::string(select.column_text(3)), optional_text(select, 4), optional_text(select, 5),
                   std::string(select.column_text(6)), std::nullopt};
    if (!select.is_null(7)) s.households = select.column_int(7);
    return s;
}

std::optional<std::string> scheme_area_wkb(std::string_view geojson) {
    std::unique_ptr<OGRGeometry> geometry(OGRGeometryFactory::createFromGeoJson(std::string(geojson).c_str()));
    if (!geometry) return std::nullopt;
    switch (wkbFlatten(geometry->getGeometryType())) {
    case wkbPoint:
    case wkbPolygon:
    case wkbMultiPolygon:
        return detail::to_wkb(*geometry);
    default:
        return std::nullopt;
    }
}

std::string scheme_area_before(Database& db, std::string_view id) {
    Statement was(db, "SELECT " + sql::json_quote(db, sql::hex(db, sql::wkb_of(db, "area"))) +
                          " FROM watch_schemes WHERE id = ?");
    was.bind(1, id);
    return was.step() ? std::string(was.column_text(0)) : "null";
}

void set_scheme_area(Database& db, std::string_view id, std::string_view wkb) {
    Statement update(db, "UPDATE watch_schemes SET area = " + sql::geometry_from_wkb(db, "?") + " WHERE id = ?");
    update.bind_blob(1, wkb.data(), wkb.size()).bind(2, id).run();
}

watch_visibility read_watch_visibility(Database& db) {
    watch_visibility out;
    out.data_version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'", 0);
    Statement select(db, "SELECT id FROM watch_schemes WHERE visibility = 'hidden'");
    while (select.step()) out.hidden.emplace(select.column_text(0));
    return out;
}

std::map<std::string, std::string> watch_message_problems(const watch_message_form& f) {
    std::map<std::string, std::string> problems;
    if (f.kind != "join" && f.kind != "message") problems["kind"] = "Choose whether to ask to join or to send a message";
    if (f.name.empty() || f.name.find_first_not_of(' ') == std::string::npos) {
        problems["name"] = "Enter your name";
    } else if (utf8_length(f.name) > max_name_length) {
        problems["name"] = "Name must be " + std::to_string(max_name_length) + " characters or fewer";
    } else if (!one_line_problem(f.name).empty()) {
        problems["name"] = "Name must be on one line, without control characters";
    }
    if (f.email.empty()) {
        problems["email"] = "Enter your email address";
    } else if (!email_problem(f.email).empty() || !one_line_problem(f.email).empty()) {
        problems["email"] = "Enter an email address in the correct format, like name@example.com";
    }
    if (!f.phone.empty()) {
        if (utf8_length(f.phone) > max_phone_length) {
            problems["phone"] = "Phone number must be " + std::to_string(max_phone_length) + " characters or fewer";
        } else if (f.phone.find_first_not_of("0123456789 +()-") != std::string::npos) {
            problems["phone"] = "Enter a phone number using only digits, spaces, +, ( ) and -";
        }
    }
    if (f.text.empty() || f.text.find_first_not_of(" \r\n\t") == std::string::npos) {
        problems["text"] = f.kind == "join" ? "Tell the coordinator a little about yourself" : "Enter your message";
    } else if (utf8_length(f.text) > max_text_length) {
        problems["text"] = "Message must be " + std::to_string(max_text_length) + " characters or fewer";
    } else if (!multi_line_problem(f.text).empty()) {
        problems["text"] = "Message must not contain control characters";
    }
    return problems;
}

stored_watch_message store_watch_message(Database& db, std::string_view scheme_id, const watch_message_form& f,
                                         const std::function<void(Database&)>& within) {
    stored_watch_message out;
    out.delete_token = random_token();
    Transaction tx(db);
    Statement insert(db, "INSERT INTO watch_messages(scheme_id, kind, name, email, phone, text, created_at, "
                         "delete_token_hash) VALUES (?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?)");
    insert.bind(1, scheme_id).bind(2, f.kind).bind(3, f.name).bind(4, f.email).bind(5, f.phone).bind(6, f.text);
    insert.bind(7, static_cast<std::int64_t>(std::time(nullptr))).bind(8, token_hash(out.delete_token));
    insert.run();
    out.id = db.last_insert_rowid();
    if (within) within(db);
    tx.commit();
    return out;
}

std::vector<watch_message> watch_inbox(Database& db, const std::vector<std::string>& schemes) {
    std::vector<watch_message> out;
    Statement select(db, "SELECT id, scheme_id, kind, name, email, phone, text, created_at, read_at FROM watch_messages "
                         "WHERE scheme_id = ? ORDER BY created_at DESC, id DESC");
    for (const auto& scheme : schemes) {
        select.reset();
        select.bind(1, scheme);
        while (select.step()) {
            watch_message m{select.column_int(0),         std::string(select.column_text(1)),
                            std::string(select.column_text(2)), std::string(select.column_text(3)),
                            std::string(select.column_text(4)), optional_text(select, 5),
                            std::string(select.column_text(6)), select.column_int(7),
                            std::nullopt};
            if (!select.is_null(8)) m.read_at = select.column_int(8);
            out.push_back(std::move(m));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
    return out;
}

std::optional<std::string> watch_message_scheme(Database& db, std::int64_t id) {
    Statement select(db, "SELECT scheme_id FROM watch_messages WHERE id = ?");
    select.bind(1, id);
    if (!select.step()) return std::nullopt;
    return std::string(select.column_text(0));
}

void mark_watch_message_read(Database& db, std::int64_t id) {
    Statement update(db, "UPDATE watch_messages SET read_at = coalesce(read_at, ?) WHERE id = ?");
    update.bind(1, static_cast<std::int64_t>(std::time(nullptr))).bind(2, id);
    update.run();
}

void delete_watch_message(Database& db, std::int64_t id) {
    Statement remove(db, "DELETE FROM watch_messages WHERE id = ?");
    remove.bind(1, id);
    remove.run();
}

bool delete_own_watch_message(Database& db, std::int64_t id, std::string_view token) {
    Statement remove(db, "DELETE FROM watch_messages WHERE id = ? AND delete_token_hash = ?");
    remove.bind(1, id).bind(2, token_hash(token));
    remove.run();
    return db.changes() > 0;
}

std::int64_t purge_watch_messages(Database& db, std::chrono::seconds age) {
    Statement remove(db, "DELETE FROM watch_messages WHERE created_at < ?");
    remove.bind(1, static_cast<std::int64_t>(std::time(nullptr)) - age.count());
    remove.run();
    return db.changes();
}

}  // namespace crimemap::data
