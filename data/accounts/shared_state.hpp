#pragma once
// What replicas on one PostgreSQL share beyond the stored data, so that any replica answers as
// any other: signed-in sessions and rate-limit counts. A server on SQLite (one process) keeps
// both in memory instead (server/accounts/sessions.hpp, server/http/rate_limits.hpp). Times
// are Unix seconds (sessions) and milliseconds (limits) of the replicas' clocks.

#include "data/store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace crimemap::data {

struct session_row {
    std::int64_t user_id = 0;
    std::int64_t epoch = 0;
    std::string csrf_token;
    std::int64_t created_at = 0, last_seen = 0;
};

/// Stores a new session under its token's hash; first drops the account's expired sessions,
/// and its least recently used ones past `max_per_account - 1`.
void insert_session(Database& db, const std::string& token_hash, const session_row& row, std::int64_t idle_seconds,
                    std::int64_t absolute_seconds, std::int64_t max_per_account);
/// The live session of a token hash at `now`, its last use moved to `now` (written at most once
/// a minute); nullopt (and the row gone) when unknown, idle too long or too old.
std::optional<session_row> touch_session(Database& db, const std::string& token_hash, std::int64_t now,
                                         std::int64_t idle_seconds, std::int64_t absolute_seconds);
void delete_session(Database& db, const std::string& token_hash);
void delete_sessions_of(Database& db, std::int64_t user_id);
/// Deletes every session past its idle or absolute limit at `now`; returns how many went.
std::int64_t purge_sessions(Database& db, std::int64_t now, std::int64_t idle_seconds, std::int64_t absolute_seconds);

/// A sliding-window count of one named limit's events per key, shared by every replica. Two
/// replicas taking the last place at the same moment may both get it: limits hold within one
/// event per replica.
struct shared_limit {
    std::string name;
    std::int64_t limit = 0;
    std::int64_t window_ms = 0;

    /// Counts an event and returns true while the key is under the limit at `now_ms`.
    bool take(Database& db, const std::string& key, std::int64_t now_ms) const;
    [[nodiscard]] bool allows(Database& db, const std::string& key, std::int64_t now_ms) const;
    void record(Database& db, const std::string& key, std::int64_t now_ms) const;
    /// Takes back the key's latest event.
    void give_back(Database& db, const std::string& key) const;
    void clear(Database& db, const std::string& key) const;
    /// Forgets events older than the window; returns the keys still counted.
    std::int64_t sweep(Database& db, std::int64_t now_ms) const;
};

}  // namespace crimemap::data
