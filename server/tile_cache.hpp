#pragma once
// A bounded, thread-safe LRU cache of encoded tiles, so a tile many people look at is
// built and compressed once per data version.

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crimemap::server {

class tile_cache {
public:
    /// @param capacity_bytes total size of cached bodies; 0 disables the cache.
    explicit tile_cache(std::size_t capacity_bytes);

    /// The cached body for `key`, or nullptr. Copies nothing.
    std::shared_ptr<const std::string> find(const std::string& key);
    /// Keeps `body` under `key`, evicting the least recently used entries past capacity.
    void insert(const std::string& key, std::shared_ptr<const std::string> body);

    [[nodiscard]] bool enabled() const { return capacity_ > 0; }
    [[nodiscard]] std::uint64_t hits() const;
    [[nodiscard]] std::uint64_t misses() const;

private:
    struct shard {
        std::mutex mutex;
        std::list<std::pair<std::string, std::shared_ptr<const std::string>>> order;  // most recent first
        std::unordered_map<std::string_view, decltype(order)::iterator> index;
        std::size_t bytes = 0;
        std::uint64_t hits = 0, misses = 0;
    };
    shard& shard_for(const std::string& key);

    std::size_t capacity_;
    std::size_t shard_capacity_;
    std::vector<std::unique_ptr<shard>> shards_;
};

}  // namespace crimemap::server
