#include "server/http/rate_limits.hpp"

#include "data/store/store_writer.hpp"

#include <iterator>

namespace crimemap::server {

void rate_limit::prune(std::deque<clock::time_point>& events, clock::time_point now) const {
    while (!events.empty() && now - events.front() >= window_) events.pop_front();
}

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void rate_limit::share(std::shared_ptr<data::store_writer> store, std::string name) {
    shared_ = std::move(store);
    shared_limit_ = {std::move(name), static_cast<std::int64_t>(limit_),
                     std::chrono::duration_cast<std::chrono::milliseconds>(window_).count()};
}

bool rate_limit::allows(const std::string& key) {
    if (shared_) return shared_->run([&](data::Database& db) { return shared_limit_.allows(db, key, now_ms()); });
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
    if (shared_) return shared_->run([&](data::Database& db) { shared_limit_.record(db, key, now_ms()); });
    std::lock_guard lock(mutex_);
    auto& events = events_[key];
    prune(events, clock::now());
    events.push_back(clock::now());
}

bool rate_limit::take(const std::string& key) {
    if (shared_) return shared_->run([&](data::Database& db) { return shared_limit_.take(db, key, now_ms()); });
    std::lock_guard lock(mutex_);
    auto& events = events_[key];
    prune(events, clock::now());
    if (events.size() >= limit_) return false;
    events.push_back(clock::now());
    return true;
}

void rate_limit::give_back(const std::string& key) {
    if (shared_) return shared_->run([&](data::Database& db) { shared_limit_.give_back(db, key); });
    std::lock_guard lock(mutex_);
    auto it = events_.find(key);
    if (it == events_.end()) return;
    if (!it->second.empty()) it->second.pop_back();
    if (it->second.empty()) events_.erase(it);
}

void rate_limit::clear(const std::string& key) {
    if (shared_) return shared_->run([&](data::Database& db) { shared_limit_.clear(db, key); });
    std::lock_guard lock(mutex_);
    events_.erase(key);
}

std::size_t rate_limit::sweep(clock::time_point now) {
    if (shared_)
        return static_cast<std::size_t>(shared_->run([&](data::Database& db) { return shared_limit_.sweep(db, now_ms()); }));
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

template <class Visit>
void rate_limits::each(Visit&& visit) {
    visit(login_per_account, "login_per_account");
    visit(login_per_address, "login_per_address");
    visit(set_password_per_address, "set_password_per_address");
    visit(messages_per_address, "messages_per_address");
    visit(reset_per_address, "reset_per_address");
    visit(reset_per_target, "reset_per_target");
    visit(subscribe_per_address, "subscribe_per_address");
    visit(subscribe_per_target, "subscribe_per_target");
    visit(messages_per_scheme_address, "messages_per_scheme_address");
    visit(messages_per_scheme, "messages_per_scheme");
}

void rate_limits::share(const std::shared_ptr<data::store_writer>& store) {
    each([&](rate_limit& limit, const char* name) { limit.share(store, name); });
}

std::size_t rate_limits::sweep() {
    std::size_t kept = 0;
    each([&](rate_limit& limit, const char*) { kept += limit.sweep(); });
    return kept;
}

}  // namespace crimemap::server
