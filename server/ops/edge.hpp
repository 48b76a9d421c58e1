#pragma once
// The edge every request passes: it picks the live state, answers /metrics, and counts and
// logs each answer. The access log is JSON lines with no personal data: no addresses (only a
// key that tells one client from another within a run of the server, see client_key), no
// query strings (they can hold a postcode or a token), no bodies, no cookies.

#include "server/router.hpp"
#include "server/ops/live_state.hpp"
#include "server/ops/metrics.hpp"

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

namespace crimemap::server {

class access_log {
public:
    /// Appends to `path`; "-" is standard output. Throws std::runtime_error when it cannot be opened.
    explicit access_log(const std::string& path);
    /// One line; text that is not UTF-8 (a raw path) is written with U+FFFD in its place.
    void write(std::string_view method, std::string_view path, unsigned status, std::size_t bytes, double seconds,
               std::string_view client);

    /// The anonymised key of a client address: 16 hex digits of a keyed BLAKE2b hash, the key
    /// random at start and never written anywhere, so one client's lines can be told apart (an
    /// abuser, a rate limit) but not traced to an address, nor linked across restarts.
    [[nodiscard]] std::string client_key(const std::string& address) const;

private:
    struct closer {
        void operator()(std::FILE* f) const noexcept;
    };
    std::mutex mutex_;
    std::unique_ptr<std::FILE, closer> file_;
    std::string key_;
};

struct edge {
    live_state& live;
    metrics& counts;
    access_log* log;  ///< may be null
    const std::atomic<std::size_t>& open_connections;
    const std::atomic<std::uint64_t>& refused_connections;

    response operator()(const request& req, const std::string& client) const;
    /// A cached tile's prepared answer (cached_tile_answer), counted and logged as operator()
    /// would; nullptr for anything else.
    std::shared_ptr<const prepared_response> prepared(const request& req, const std::string& client) const;

    /// Counts and logs an answer: each one the handler gives, and those the server gives itself
    /// to a request that could not be read (own_answer_observer).
    void record(std::string_view method, std::string_view target, unsigned status, std::size_t bytes, double seconds,
                const std::string& client) const;
};

}  // namespace crimemap::server
