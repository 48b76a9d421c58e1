#pragma once
// What the server counts for its operator, served at /metrics in Prometheus text format:
// requests by route and status, latency and tile-size histograms, bytes sent, and what the
// caller adds (open connections, reloads, store writes, rate-limit refusals).

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace crimemap::server {

class metrics {
public:
    /// Counts one answer under its route label (route_label in server/routes.hpp); a label
    /// not in route_names counts as "other".
    void record(std::string_view route, unsigned status, double seconds, std::size_t bytes);

    /// Gauges and counters owned elsewhere, read when /metrics is asked for.
    struct outside {
        std::size_t open_connections = 0;
        std::uint64_t refused_connections = 0;
        std::uint64_t reloads = 0, reload_failures = 0;
        std::uint64_t store_writes = 0;
        double store_write_seconds = 0;
        double snapshot_load_seconds = 0;
        std::int64_t data_version = 0;
        std::uint64_t watch_scheme_ceilings = 0;  ///< messages refused at a scheme's hourly ceiling
        std::int64_t mail_queued = 0, mail_failed_stored = 0;  ///< rows of the outbox now
        double mail_oldest_queued_seconds = 0;
        std::uint64_t mail_sent = 0, mail_retried = 0, mail_failed = 0;  ///< by this process's sender
        std::int64_t subscriptions_confirmed = 0, subscriptions_unconfirmed = 0;  ///< counted, never listed
    };
    [[nodiscard]] std::string prometheus_text(const outside& more) const;

    static constexpr std::size_t route_count = 16;
    /// The route labels: a small fixed set, so the metrics stay bounded. The route table's rows
    /// each name one.
    static constexpr std::array<std::string_view, route_count> route_names{
        "tiles",    "tilejson",   "api_crimes", "api_outcomes", "api_stops", "api_summary", "api_search", "api_reference",
        "watch",    "team_edit",  "auth",       "list",         "pages",     "health",      "metrics",    "other"};
    static constexpr std::array<unsigned, 14> statuses{200, 201, 204, 304, 400, 401, 403, 404, 405, 413, 429, 431, 500, 503};
    /// From 50 µs: a cached tile is answered in well under a millisecond.
    static constexpr std::array<double, 15> latency_buckets{0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                            0.0025,  0.005,  0.01,    0.025,  0.05,
                                                            0.1,     0.25,   0.5,     1,      2.5};
    static constexpr std::array<double, 8> size_buckets{256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304};

private:
    struct per_route {
        std::array<std::atomic<std::uint64_t>, statuses.size() + 1> by_status{};  // last: any other status
        std::array<std::atomic<std::uint64_t>, latency_buckets.size() + 1> latency{};
        std::atomic<std::uint64_t> latency_micros{0};
        std::atomic<std::uint64_t> bytes{0};
    };
    std::array<per_route, route_count> routes_{};
    std::array<std::atomic<std::uint64_t>, size_buckets.size() + 1> tile_sizes_{};
    std::atomic<std::uint64_t> tile_bytes_{0}, tiles_{0};
};

}  // namespace crimemap::server
