#include "server/tile_cache.hpp"

#include <functional>

namespace crimemap::server {

namespace {
constexpr std::size_t shard_count = 16;  // lock contention stays low with a few worker threads
}

tile_cache::tile_cache(std::size_t capacity_bytes)
    : capacity_(capacity_bytes), shard_capacity_(capacity_bytes / shard_count) {
    for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<shard>());
}

tile_cache::shard& tile_cache::shard_for(const std::string& key) {
    return *shards_[std::hash<std::string>{}(key) % shard_count];
}

std::shared_ptr<const std::string> tile_cache::find(const std::string& key) {
    if (!enabled()) return nullptr;
    auto& s = shard_for(key);
    std::lock_guard lock(s.mutex);
    auto it = s.index.find(key);
    if (it == s.index.end()) {
        ++s.misses;
        return nullptr;
    }
    ++s.hits;
    s.order.splice(s.order.begin(), s.order, it->second);
    return it->second->second;
}

void tile_cache::insert(const std::string& key, std::shared_ptr<const std::string> body) {
    if (!enabled() || body->size() > shard_capacity_ / 4) return;
    auto& s = shard_for(key);
    std::lock_guard lock(s.mutex);
    if (s.index.count(key)) return;  // another thread built it meanwhile
    s.bytes += body->size() + key.size();
    s.order.emplace_front(key, std::move(body));
    s.index.emplace(s.order.front().first, s.order.begin());
    while (s.bytes > shard_capacity_ && !s.order.empty()) {
        auto& last = s.order.back();
        s.bytes -= last.second->size() + last.first.size();
        s.index.erase(last.first);
        s.order.pop_back();
    }
}

std::uint64_t tile_cache::hits() const {
    std::uint64_t total = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s->mutex);
        total += s->hits;
    }
    return total;
}

std::uint64_t tile_cache::misses() const {
    std::uint64_t total = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s->mutex);
        total += s->misses;
    }
    return total;
}

}  // namespace crimemap::server
