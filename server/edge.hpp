#pragma once
// The edge every request passes: it picks the live state, answers /metrics, and counts and
// logs each answer. The access log is JSON lines with no personal data: no addresses, no
// query strings (they can hold a postcode or a token), no bodies, no cookies.

#include "server/handlers.hpp"
#include "server/live_state.hpp"
#include "server/metrics.hpp"

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

namespace crimemap::server {

class access_log {
public:
    /// Appends to `path`; "-" is standard output. Throws std::runtime_error when it cannot be opened.
    explicit access_log(const std::string& path);
    void write(const request& req, std::string_view path, unsigned status, std::size_t bytes, double seconds);

private:
    struct closer {
        void operator()(std::FILE* f) const noexcept;
    };
    std::mutex mutex_;
    std::unique_ptr<std::FILE, closer> file_;
};

struct edge {
    live_state& live;
    metrics& counts;
    access_log* log;  ///< may be null
    const std::atomic<std::size_t>& open_connections;
    const std::atomic<std::uint64_t>& refused_connections;

    response operator()(const request& req, const std::string& client) const;
    /// Counts and logs an answer made without a handler (the 503 of a full hashing thread).
    response answered(const request& req, response res) const;
};

}  // namespace crimemap::server
