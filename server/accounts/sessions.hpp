#pragma once
// Signed-in sessions: a session's token is 256 random bits that only the browser holds (the
// server keeps its hash); it ends on logout, after 30 idle minutes or after 8 hours. Kept in
// memory (a restart ends them all); on a store in PostgreSQL, in the store (share()), so that a
// sign-in through one replica is valid on every other and a sign-out ends it everywhere.

#include <chrono>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace crimemap::data {
class store_writer;
}

namespace crimemap::server {

struct session_limits {
    std::chrono::seconds idle{30 * 60};
    std::chrono::seconds absolute{8 * 60 * 60};
};

struct session {
    std::int64_t user_id = 0;
    std::int64_t epoch = 0;  ///< the account's session epoch at sign-in (data::user::session_epoch)
    std::string csrf_token;  ///< sent back on every state-changing request
    std::chrono::steady_clock::time_point created, last_seen;
};

class session_store {
public:
    using clock = std::chrono::steady_clock;
    /// Signing in past this ends the account's least recently used session.
    static constexpr std::size_t max_sessions_per_account = 10;
    explicit session_store(session_limits limits = {}) : limits_(limits) {}

    /// A new session for the account: its token (for the cookie) and the session.
    std::pair<std::string, session> create(std::int64_t user_id, std::int64_t epoch = 0);
    /// The live session of a token, touched; nullopt when unknown, idle too long or too old.
    std::optional<session> find(const std::string& token);
    void end(const std::string& token);
    /// Ends every session of an account (disabled, or its password changed).
    void end_all(std::int64_t user_id);
    /// For tests: moves the store's clock on.
    void advance(std::chrono::seconds by);
    /// Keeps the sessions in the store from now on, through `store` (its own connection).
    void share(std::shared_ptr<data::store_writer> store) { shared_ = std::move(store); }
    /// Deletes expired sessions kept in the store (the server does it now and then).
    void purge();

private:
    /// Wall-clock seconds (shared sessions are compared across machines), skew included.
    [[nodiscard]] std::int64_t unix_now() const;
    std::shared_ptr<data::store_writer> shared_;
    [[nodiscard]] clock::time_point now() const { return clock::now() + skew_; }
    session_limits limits_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, session> sessions_;  // by token hash
    clock::duration skew_{};
};

}  // namespace crimemap::server
