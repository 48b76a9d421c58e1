#include "server/tiles/tile_cache.hpp"

#include <functional>

namespace crimemap::server {

namespace {
constexpr std::size_t shard_count = 16;  // lock contention stays low with a few worker threads
}

tile_cache::tile_cache(std::size_t capacity_bytes, preparer prepare)
    : capacity_(capacity_bytes), shard_capacity_(capacity_bytes / shard_count), prepare_(std::move(prepare)) {
    for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<shard>());
}

tile_cache::shard& tile_cache::shard_for(const std::string& key) {
    return *shards_[std::hash<std::string>{}(key) % shard_count];
}

std::size_t tile_cache::size_of(const std::string& key, const entry& e) {
    return key.size() + e.etag.size() + e.ok.bytes.size() + e.not_modified.bytes.size() + e.body_only.size();
}

std::shared_ptr<const tile_cache::entry> tile_cache::find(const std::string& key, bool count_miss) {
    if (!enabled()) return nullptr;
    auto& s = shard_for(key);
    std::lock_guard lock(s.mutex);
    auto it = s.index.find(key);
    if (it == s.index.end()) {
        if (count_miss) ++s.misses;
        return nullptr;
    }
    ++s.hits;
    s.order.splice(s.order.begin(), s.order, it->second);
    return it->second->second;
}

void tile_cache::insert(const std::string& key, std::string body, const response* ok, const response* not_modified,
                        std::string_view etag) {
    if (!enabled() || body.size() > shard_capacity_ / 4) return;
    auto made = std::make_shared<entry>();
    if (prepare_ && ok && not_modified) {
        made->ok = prepare_(*ok);
        made->not_modified = prepare_(*not_modified);
        made->etag = etag;
        made->prepared = true;
    } else {
        made->body_only = std::move(body);
    }
    const std::size_t size = size_of(key, *made);
    auto& s = shard_for(key);
    std::lock_guard lock(s.mutex);
    if (s.index.count(key)) return;  // another thread built it meanwhile
    s.bytes += size;
    s.order.emplace_front(key, std::move(made));
    s.index.emplace(s.order.front().first, s.order.begin());
    while (s.bytes > shard_capacity_ && !s.order.empty()) {
        auto& last = s.order.back();
        s.bytes -= size_of(last.first, *last.second);
        s.index.erase(last.first);
        s.order.pop_back();
    }
}

template <typename Count>
Count tile_cache::total(Count shard::*count) const {
    Count sum = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s->mutex);
        sum += s.get()->*count;
    }
    return sum;
}

std::uint64_t tile_cache::hits() const { return total(&shard::hits); }

std::uint64_t tile_cache::misses() const { return total(&shard::misses); }

std::size_t tile_cache::bytes() const { return total(&shard::bytes); }

}  // namespace crimemap::server
