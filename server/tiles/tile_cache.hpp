#pragma once
// A bounded, thread-safe LRU cache of encoded tiles, so a tile many people look at is
// built and compressed once per data version. With a preparer, a tile's answers (the 200 and
// the 304) are kept serialised too, so that a hit is one lookup and one write.

#include "server/http/http.hpp"

#include <cstdint>
#include <functional>
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
    /// Serialises a response as the server writes it (prepare_response with the server's config).
    using preparer = std::function<prepared_response(response)>;

    /// What is kept under one key.
    struct entry {
        std::string etag;                ///< of `ok`, when prepared
        prepared_response ok;            ///< the 200 (or the 204 of an empty tile), when prepared
        prepared_response not_modified;  ///< the 304 to a matching If-None-Match, when prepared
        std::string body_only;           ///< the body, when not prepared
        bool prepared = false;
        /// The body as sent (gzip or not); a view into this entry.
        [[nodiscard]] std::string_view body() const {
            return prepared ? std::string_view(ok.bytes).substr(ok.body_at) : std::string_view(body_only);
        }
    };

    /// @param capacity_bytes total size of cached entries (bodies, keys and prepared answers);
    ///        0 disables the cache.
    /// @param prepare when given, insert() keeps the answers it is given serialised by it.
    explicit tile_cache(std::size_t capacity_bytes, preparer prepare = {});

    /// The entry for `key`, or nullptr. Copies nothing. A miss is counted unless `count_miss` is
    /// false (a lookup that the caller follows with a counted one).
    std::shared_ptr<const entry> find(const std::string& key, bool count_miss = true);
    /// Keeps `body` under `key`, evicting the least recently used entries past capacity. With a
    /// preparer and both answers given (`ok` carrying `body`, `not_modified`, with ETag `etag`),
    /// keeps them serialised, `body` only within `ok`.
    void insert(const std::string& key, std::string body, const response* ok = nullptr,
                const response* not_modified = nullptr, std::string_view etag = {});

    [[nodiscard]] bool enabled() const { return capacity_ > 0; }
    [[nodiscard]] bool prepares() const { return static_cast<bool>(prepare_); }
    [[nodiscard]] std::uint64_t hits() const;
    [[nodiscard]] std::uint64_t misses() const;
    /// Bytes held now, as counted against the capacity.
    [[nodiscard]] std::size_t bytes() const;

private:
    struct shard {
        mutable std::mutex mutex;
        std::list<std::pair<std::string, std::shared_ptr<const entry>>> order;  // most recent first
        std::unordered_map<std::string_view, decltype(order)::iterator> index;
        std::size_t bytes = 0;
        std::uint64_t hits = 0, misses = 0;
    };
    shard& shard_for(const std::string& key);
    /// A shard counter summed over the shards, each read under its lock.
    template <typename Count>
    Count total(Count shard::*count) const;
    static std::size_t size_of(const std::string& key, const entry& e);

    std::size_t capacity_;
    std::size_t shard_capacity_;
    preparer prepare_;
    std::vector<std::unique_ptr<shard>> shards_;
};

}  // namespace crimemap::server
