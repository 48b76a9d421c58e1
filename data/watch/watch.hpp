#pragma once
// Neighbourhood Watch: schemes as the store holds them, and the join requests and messages
// residents send to a scheme's coordinator.

#include "data/store/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::data {

/// A scheme's statuses (the store's CHECK constraint says the same), least verified first.
inline constexpr std::string_view scheme_statuses[] = {"self-declared", "verified-by-volunteer", "verified-by-police"};
/// Where a status is refused: what is wanted, as the messages say it.
inline constexpr std::string_view scheme_status_choices = "self-declared, verified-by-volunteer or verified-by-police";
inline bool is_scheme_status(std::string_view status) {
    for (auto known : scheme_statuses)
        if (status == known) return true;
    return false;
}
/// Set up by residents and not checked by anyone yet.
inline bool is_unverified(std::string_view status) { return status == scheme_statuses[0]; }

/// A scheme's public details. Nothing in it identifies a coordinator.
struct watch_scheme {
    std::string id, name, description, status, website, meetings, visibility;
    std::optional<std::int64_t> households;
};
std::optional<watch_scheme> read_watch_scheme(Database& db, std::string_view id);

/// A scheme's area from GeoJSON (a Point, Polygon or MultiPolygon in WGS84) as 2D WKB; nullopt
/// for anything else or GeoJSON that does not parse.
std::optional<std::string> scheme_area_wkb(std::string_view geojson);
/// The scheme's area as JSON text of its WKB in hexadecimal ("null" when it has none), as an
/// edit records the value it replaced.
std::string scheme_area_before(Database& db, std::string_view id);
/// Sets the scheme's area to `wkb` (scheme_area_wkb's).
void set_scheme_area(Database& db, std::string_view id, std::string_view wkb);

/// Which schemes are hidden now, and the store's data version read with it (changing a
/// scheme's visibility bumps it): what the public watch tiles leave out between reloads.
struct watch_visibility {
    std::int64_t data_version = 0;
    std::set<std::string> hidden;
};
watch_visibility read_watch_visibility(Database& db);

/// What a resident sends: kind "join" or "message".
struct watch_message_form {
    std::string kind, name, email, phone, text;
};

inline constexpr std::size_t max_name_length = 100, max_phone_length = 30, max_text_length = 2000;

/// A message for each field that cannot be accepted, by field name; empty when all can.
/// Name, email and phone may not hold CR or LF (nothing that could become a mail header).
std::map<std::string, std::string> watch_message_problems(const watch_message_form& form);

struct stored_watch_message {
    std::int64_t id = 0;
    std::string delete_token;  ///< the applicant's own: with it they can delete the message
};
/// Stores a valid message for a scheme in one transaction, with what `within` writes (the
/// coordinators' notices); durable once it returns when the connection runs with synchronous=FULL.
stored_watch_message store_watch_message(Database& db, std::string_view scheme_id, const watch_message_form& form,
                                         const std::function<void(Database&)>& within = {});

struct watch_message {
    std::int64_t id = 0;
    std::string scheme_id, kind, name, email, phone, text;
    std::int64_t created_at = 0;               ///< Unix seconds
    std::optional<std::int64_t> read_at;
};
/// The messages to these schemes, newest first.
std::vector<watch_message> watch_inbox(Database& db, const std::vector<std::string>& schemes);
/// The scheme a message was sent to; nullopt when there is no such message.
std::optional<std::string> watch_message_scheme(Database& db, std::int64_t id);
void mark_watch_message_read(Database& db, std::int64_t id);
void delete_watch_message(Database& db, std::int64_t id);
/// Deletes a message with the applicant's own token; false when the token does not fit.
bool delete_own_watch_message(Database& db, std::int64_t id, std::string_view token);
/// Deletes messages older than `age`; how many went.
std::int64_t purge_watch_messages(Database& db, std::chrono::seconds age);

}  // namespace crimemap::data
