#include "server/rate_limits.hpp"

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

void rate_limit::clear(const std::string& key) {
    std::lock_guard lock(mutex_);
    events_.erase(key);
}

}  // namespace crimemap::server
