#include "server/accounts/sessions.hpp"

#include "data/accounts/accounts.hpp"
#include "data/accounts/shared_state.hpp"
#include "data/store/store_writer.hpp"

#include <vector>

namespace crimemap::server {

std::int64_t session_store::unix_now() const {
    std::lock_guard lock(mutex_);
    return std::chrono::duration_cast<std::chrono::seconds>((std::chrono::system_clock::now() + skew_).time_since_epoch())
        .count();
}

std::pair<std::string, session> session_store::create(std::int64_t user_id, std::int64_t epoch) {
    auto token = data::random_token();
    session s{user_id, epoch, data::random_token(), now(), now()};
    if (shared_) {
        auto t = unix_now();
        shared_->run([&](data::Database& db) {
            data::insert_session(db, data::token_hash(token), {user_id, epoch, s.csrf_token, t, t}, limits_.idle.count(),
                                 limits_.absolute.count(), static_cast<std::int64_t>(max_sessions_per_account));
        });
        return {token, s};
    }
    std::lock_guard lock(mutex_);
    // Expired sessions go when new ones come, so the map stays the size of those signed in; an
    // account keeps its most recently used sessions only, so signing in again and again cannot
    // grow it either.
    auto least_recent = sessions_.end();
    std::size_t of_account = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (now() - it->second.last_seen > limits_.idle || now() - it->second.created > limits_.absolute) {
            it = sessions_.erase(it);
            continue;
        }
        if (it->second.user_id == user_id) {
            ++of_account;
            if (least_recent == sessions_.end() || it->second.last_seen < least_recent->second.last_seen)
                least_recent = it;
        }
        ++it;
    }
    if (of_account >= max_sessions_per_account) sessions_.erase(least_recent);
    sessions_[data::token_hash(token)] = s;
    return {token, s};
}

std::optional<session> session_store::find(const std::string& token) {
    if (token.empty()) return std::nullopt;
    auto key = data::token_hash(token);
    if (shared_) {
        auto t = unix_now();
        auto row = shared_->run([&](data::Database& db) {
            return data::touch_session(db, key, t, limits_.idle.count(), limits_.absolute.count());
        });
        if (!row) return std::nullopt;
        // The steady clock's points are this process's: the ages are what they carry over.
        auto steady = now();
        return session{row->user_id, row->epoch, row->csrf_token, steady - std::chrono::seconds(t - row->created_at),
                       steady - std::chrono::seconds(t - row->last_seen)};
    }
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) return std::nullopt;
    auto t = now();
    if (t - it->second.last_seen > limits_.idle || t - it->second.created > limits_.absolute) {
        sessions_.erase(it);
        return std::nullopt;
    }
    it->second.last_seen = t;
    return it->second;
}

void session_store::end(const std::string& token) {
    if (shared_) return shared_->run([&](data::Database& db) { data::delete_session(db, data::token_hash(token)); });
    std::lock_guard lock(mutex_);
    sessions_.erase(data::token_hash(token));
}

void session_store::end_all(std::int64_t user_id) {
    if (shared_) return shared_->run([&](data::Database& db) { data::delete_sessions_of(db, user_id); });
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& entry) { return entry.second.user_id == user_id; });
}

void session_store::purge() {
    if (!shared_) return;  // in memory, expired sessions go as new ones come
    auto t = unix_now();
    shared_->run([&](data::Database& db) { data::purge_sessions(db, t, limits_.idle.count(), limits_.absolute.count()); });
}

void session_store::advance(std::chrono::seconds by) {
    std::lock_guard lock(mutex_);
    skew_ += by;
}

}  // namespace crimemap::server
