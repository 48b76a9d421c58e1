#include "data/accounts/shared_state.hpp"

namespace crimemap::data {

void insert_session(Database& db, const std::string& token_hash, const session_row& row, std::int64_t idle_seconds,
                    std::int64_t absolute_seconds, std::int64_t max_per_account) {
    Transaction tx(db);
    Statement expired(db, "DELETE FROM sessions WHERE user_id = ? AND (last_seen <= ? OR created_at <= ?)");
    expired.bind(1, row.user_id).bind(2, row.last_seen - idle_seconds).bind(3, row.created_at - absolute_seconds).run();
    // The account keeps its most recently used sessions only: signing in again and again
    // cannot grow the table.
    Statement oldest(db, "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE user_id = ? "
                         "ORDER BY last_seen DESC, created_at DESC OFFSET ?)");
    oldest.bind(1, row.user_id).bind(2, max_per_account - 1).run();
    Statement insert(db, "INSERT INTO sessions(token_hash, user_id, epoch, csrf_token, created_at, last_seen) "
                         "VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, token_hash).bind(2, row.user_id).bind(3, row.epoch).bind(4, row.csrf_token);
    insert.bind(5, row.created_at).bind(6, row.last_seen).run();
    tx.commit();
}

std::optional<session_row> touch_session(Database& db, const std::string& token_hash, std::int64_t now,
                                         std::int64_t idle_seconds, std::int64_t absolute_seconds) {
    Statement select(db, "SELECT user_id, epoch, csrf_token, created_at, last_seen FROM sessions WHERE token_hash = ?");
    select.bind(1, token_hash);
    if (!select.step()) return std::nullopt;
    session_row row{select.column_int(0), select.column_int(1), std::string(select.column_text(2)), select.column_int(3),
                    select.column_int(4)};
    select.reset();
    if (now - row.last_seen > idle_seconds || now - row.created_at > absolute_seconds) {
        delete_session(db, token_hash);
        return std::nullopt;
    }
    // Idle time is counted in minutes: a signed-in page's requests do not each write.
    if (now - row.last_seen >= 60) {
        Statement touch(db, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
        touch.bind(1, now).bind(2, token_hash).run();
        row.last_seen = now;
    }
    return row;
}

void delete_session(Database& db, const std::string& token_hash) {
    Statement remove(db, "DELETE FROM sessions WHERE token_hash = ?");
    remove.bind(1, token_hash).run();
}

void delete_sessions_of(Database& db, std::int64_t user_id) {
    Statement remove(db, "DELETE FROM sessions WHERE user_id = ?");
    remove.bind(1, user_id).run();
}

std::int64_t purge_sessions(Database& db, std::int64_t now, std::int64_t idle_seconds, std::int64_t absolute_seconds) {
    Statement remove(db, "DELETE FROM sessions WHERE last_seen < ? OR created_at < ?");
    remove.bind(1, now - idle_seconds).bind(2, now - absolute_seconds).run();
    return db.changes();
}

bool shared_limit::take(Database& db, const std::string& key, std::int64_t now_ms) const {
    // One statement: the count and the insert see the same rows.
    Statement take(db, "INSERT INTO rate_events(name, key, at) SELECT ?1, ?2, ?3 "
                       "WHERE (SELECT count(*) FROM rate_events WHERE name = ?1 AND key = ?2 AND at > ?4) < ?5");
    take.bind(1, name).bind(2, key).bind(3, now_ms).bind(4, now_ms - window_ms).bind(5, limit).run();
    return db.changes() > 0;
}

bool shared_limit::allows(Database& db, const std::string& key, std::int64_t now_ms) const {
    Statement count(db, "SELECT count(*) FROM rate_events WHERE name = ? AND key = ? AND at > ?");
    count.bind(1, name).bind(2, key).bind(3, now_ms - window_ms);
    return count.step() && count.column_int(0) < limit;
}

void shared_limit::record(Database& db, const std::string& key, std::int64_t now_ms) const {
    Statement insert(db, "INSERT INTO rate_events(name, key, at) VALUES (?, ?, ?)");
    insert.bind(1, name).bind(2, key).bind(3, now_ms).run();
}

void shared_limit::give_back(Database& db, const std::string& key) const {
    Statement remove(db, "DELETE FROM rate_events WHERE id = (SELECT max(id) FROM rate_events WHERE name = ? AND key = ?)");
    remove.bind(1, name).bind(2, key).run();
}

void shared_limit::clear(Database& db, const std::string& key) const {
    Statement remove(db, "DELETE FROM rate_events WHERE name = ? AND key = ?");
    remove.bind(1, name).bind(2, key).run();
}

std::int64_t shared_limit::sweep(Database& db, std::int64_t now_ms) const {
    Statement remove(db, "DELETE FROM rate_events WHERE name = ? AND at <= ?");
    remove.bind(1, name).bind(2, now_ms - window_ms).run();
    Statement keys(db, "SELECT count(DISTINCT key) FROM rate_events WHERE name = ?");
    keys.bind(1, name);
    return keys.step() ? keys.column_int(0) : 0;
}

}  // namespace crimemap::data
