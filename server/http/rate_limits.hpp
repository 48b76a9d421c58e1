#pragma once
// Counting limits: at most `limit` events per key in a sliding window. Used for failed logins
// (per account and per address), set-password posts (per address) and stored Watch messages
// (per address, per scheme and address, and a high ceiling per scheme). Kept in memory; on a
// store in PostgreSQL, in the store (rate_limits::share), so that every replica counts the
// same events and a client spread over replicas gets no more than one would give it.

#include "data/accounts/shared_state.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace crimemap::data {
class store_writer;
}

namespace crimemap::server {

class rate_limit {
public:
    using clock = std::chrono::steady_clock;
    rate_limit(std::size_t limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

    /// True while the key has had fewer than `limit` events in the window.
    bool allows(const std::string& key);
    /// Counts one event for the key.
    void record(const std::string& key);
    /// allows() and record() as one step: counts an event and returns true while the key is
    /// under its limit, so parallel requests cannot all pass the check before any is counted.
    bool take(const std::string& key);
    /// Takes back the key's latest event (one taken for an attempt that turned out not to count).
    void give_back(const std::string& key);
    /// Forgets the key's events (a successful login clears its failures).
    void clear(const std::string& key);
    /// Forgets every key whose events are all older than the window at `now`, so a flood of
    /// distinct addresses cannot grow the map past one window's worth. Returns the keys kept.
    std::size_t sweep(clock::time_point now = clock::now());
    /// Keys held now.
    [[nodiscard]] std::size_t size();
    /// Counts in the store from now on, under `name`, through `store` (its own connection).
    void share(std::shared_ptr<data::store_writer> store, std::string name);

private:
    std::shared_ptr<data::store_writer> shared_;
    data::shared_limit shared_limit_;
    void prune(std::deque<clock::time_point>& events, clock::time_point now) const;
    std::size_t limit_;
    std::chrono::seconds window_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::deque<clock::time_point>> events_;
};

/// The server's limits, one place to read them.
struct rate_limits {
    rate_limit login_per_account{5, std::chrono::minutes(15)};
    rate_limit login_per_address{20, std::chrono::minutes(15)};
    rate_limit set_password_per_address{10, std::chrono::minutes(15)};
    rate_limit messages_per_address{10, std::chrono::minutes(10)};
    /// "Forgot your password?": by client address, and by the address asked for, an account's
    /// (addresses are unique, case aside) or not, so that a refusal tells nothing: nobody can
    /// make crimemap mail-bomb an account.
    rate_limit reset_per_address{5, std::chrono::minutes(15)};
    rate_limit reset_per_target{3, std::chrono::hours(1)};
    /// Subscription requests, the same way: by client address and by the address to be mailed.
    rate_limit subscribe_per_address{5, std::chrono::hours(1)};
    rate_limit subscribe_per_target{3, std::chrono::hours(24)};
    /// Keyed "scheme|address": one sender cannot use up a scheme's form for everyone.
    rate_limit messages_per_scheme_address{5, std::chrono::hours(1)};
    /// A scheme-wide ceiling far above what residents send; reaching it shows in the
    /// coordinator's inbox and in /metrics (crimemap_watch_scheme_ceiling_total).
    rate_limit messages_per_scheme{300, std::chrono::hours(1)};
    /// Messages refused at a scheme's ceiling since start.
    std::atomic<std::uint64_t> scheme_ceiling_refusals{0};

    /// Sweeps every limit (the server does it each minute); returns the keys kept in all.
    std::size_t sweep();
    /// Every limit counted in the store (replicas on PostgreSQL), each under its own name.
    void share(const std::shared_ptr<data::store_writer>& store);

private:
    /// Calls visit(limit, name) for every limit: the one list of them.
    template <class Visit>
    void each(Visit&& visit);
};

}  // namespace crimemap::server
