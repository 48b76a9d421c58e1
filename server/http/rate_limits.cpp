#include "server/http/rate_limits.hpp"

#include <iterator>

namespace crimemap::server {

void rate_limit::prune(std::deque<clock::time_point>& events, clock::time_point now) const {
    while (!events.empty() && now - events.front() >= window_) events.pop_front();
}

bool rate_limit::allows(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = events_.find(key);
    if (it == events_.end()) return true;
    prune(it->second, clock::now());
    if (it->second.empty()) {
        events_.erase(it);
        return true;
    }
    return it->second.size() < limit_;
}

void rate_limit::record(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto& events = events_[key];
    prune(events, clock::now());
    events.push_back(clock::now());
}

bool rate_limit::take(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto& events = events_[key];
    prune(events, clock::now());
    if (events.size() >= limit_) return false;
    events.push_back(clock::now());
    return true;
}

void rate_limit::give_back(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = events_.find(key);
    if (it == events_.end()) return;
    if (!it->second.empty()) it->second.pop_back();
    if (it->second.empty()) events_.erase(it);
}

void rate_limit::clear(const std::string& key) {
    std::lock_guard lock(mutex_);
    events_.erase(key);
}

std::size_t rate_limit::sweep(clock::time_point now) {
    std::lock_guard lock(mutex_);
    for (auto it = events_.begin(); it != events_.end();) {
        prune(it->second, now);
        it = it->second.empty() ? events_.erase(it) : std::next(it);
    }
    return events_.size();
}

std::size_t rate_limit::size() {
    std::lock_guard lock(mutex_);
    return events_.size();
}

std::size_t rate_limits::sweep() {
    return login_per_account.sweep() + login_per_address.sweep() + set_password_per_address.sweep() +
           messages_per_address.sweep() + messages_per_scheme_address.sweep() + messages_per_scheme.sweep() +
           reset_per_address.sweep() + reset_per_target.sweep() + subscribe_per_address.sweep() +
           subscribe_per_target.sweep();
}

}  // namespace crimemap::server
