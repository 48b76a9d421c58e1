#include "server/ops/metrics.hpp"

#include <cstdio>

namespace crimemap::server {

namespace {

std::size_t route_index(std::string_view route) {
    for (std::size_t i = 0; i < metrics::route_names.size(); ++i)
        if (metrics::route_names[i] == route) return i;
    return metrics::route_names.size() - 1;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

}  // namespace

void metrics::record(std::string_view route, unsigned status, double seconds, std::size_t bytes) {
    auto& r = routes_[route_index(route)];
    std::size_t s = statuses.size();
    for (std::size_t i = 0; i < statuses.size(); ++i)
        if (statuses[i] == status) s = i;
    ++r.by_status[s];
    std::size_t b = latency_buckets.size();
    for (std::size_t i = 0; i < latency_buckets.size(); ++i)
        if (seconds <= latency_buckets[i]) {
            b = i;
            break;
        }
    ++r.latency[b];
    r.latency_micros += static_cast<std::uint64_t>(seconds * 1e6);
    r.bytes += bytes;
    if (route == "tiles" && status == 200) {
        std::size_t k = size_buckets.size();
        for (std::size_t i = 0; i < size_buckets.size(); ++i)
            if (static_cast<double>(bytes) <= size_buckets[i]) {
                k = i;
                break;
            }
        ++tile_sizes_[k];
        tile_bytes_ += bytes;
        ++tiles_;
    }
}

std::string metrics::prometheus_text(const outside& more) const {
    std::string out;
    out += "# HELP crimemap_requests_total Requests answered, by route and status.\n"
           "# TYPE crimemap_requests_total counter\n";
    for (std::size_t r = 0; r < route_count; ++r)
        for (std::size_t s = 0; s <= statuses.size(); ++s)
            if (auto n = routes_[r].by_status[s].load())
                out += "crimemap_requests_total{route=\"" + std::string(route_names[r]) + "\",status=\"" +
                       (s < statuses.size() ? std::to_string(statuses[s]) : std::string("other")) + "\"} " +
                       std::to_string(n) + "\n";
    out += "# HELP crimemap_request_seconds Time from a request read to its answer ready, by route.\n"
           "# TYPE crimemap_request_seconds histogram\n";
    for (std::size_t r = 0; r < route_count; ++r) {
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= latency_buckets.size(); ++b) cumulative += routes_[r].latency[b].load();
        if (cumulative == 0) continue;
        std::string label = "route=\"" + std::string(route_names[r]) + "\"";
        std::uint64_t running = 0;
        for (std::size_t b = 0; b <= latency_buckets.size(); ++b) {
            running += routes_[r].latency[b].load();
            out += "crimemap_request_seconds_bucket{" + label + ",le=\"" +
                   (b < latency_buckets.size() ? number(latency_buckets[b]) : std::string("+Inf")) + "\"} " +
                   std::to_string(running) + "\n";
        }
        out += "crimemap_request_seconds_sum{" + label + "} " + number(routes_[r].latency_micros.load() / 1e6) + "\n";
        out += "crimemap_request_seconds_count{" + label + "} " + std::to_string(running) + "\n";
    }
    out += "# HELP crimemap_response_bytes_total Body bytes sent, by route.\n# TYPE crimemap_response_bytes_total counter\n";
    for (std::size_t r = 0; r < route_count; ++r)
        if (auto n = routes_[r].bytes.load())
            out += "crimemap_response_bytes_total{route=\"" + std::string(route_names[r]) + "\"} " + std::to_string(n) + "\n";
    out += "# HELP crimemap_tile_bytes Size of the vector tiles sent (200 answers, as sent).\n"
           "# TYPE crimemap_tile_bytes histogram\n";
    std::uint64_t running = 0;
    for (std::size_t b = 0; b <= size_buckets.size(); ++b) {
        running += tile_sizes_[b].load();
        out += "crimemap_tile_bytes_bucket{le=\"" + (b < size_buckets.size() ? number(size_buckets[b]) : std::string("+Inf")) +
               "\"} " + std::to_string(running) + "\n";
    }
    out += "crimemap_tile_bytes_sum " + std::to_string(tile_bytes_.load()) + "\ncrimemap_tile_bytes_count " +
           std::to_string(tiles_.load()) + "\n";
    std::uint64_t limited = 0;
    for (std::size_t r = 0; r < route_count; ++r) limited += routes_[r].by_status[10].load();  // 429
    // One sample of a metric without labels: its HELP and TYPE lines, then the value.
    auto scalar = [&out](const char* name, const char* type, const char* help, const std::string& value) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + value + "\n";
    };
    auto count = [](auto n) { return std::to_string(n); };
    scalar("crimemap_rate_limited_total", "counter", "Requests refused by a rate limit (429).", count(limited));
    scalar("crimemap_open_connections", "gauge", "Connections open now.", count(more.open_connections));
    scalar("crimemap_refused_connections_total", "counter", "Connections refused with a 503 at the connection cap.",
           count(more.refused_connections));
    scalar("crimemap_reloads_total", "counter", "Store reloads that succeeded (on SIGHUP, or on new data in a PostgreSQL store).", count(more.reloads));
    scalar("crimemap_reload_failures_total", "counter", "Store reloads that failed (the earlier data kept serving).",
           count(more.reload_failures));
    scalar("crimemap_store_writes_total", "counter", "Writes committed by the server (messages, edits, sign-ins).",
           count(more.store_writes));
    scalar("crimemap_store_write_seconds_total", "counter", "Time spent in those writes, waiting for the lock included.",
           number(more.store_write_seconds));
    scalar("crimemap_snapshot_load_seconds", "gauge", "How long the data being served took to load.",
           number(more.snapshot_load_seconds));
    scalar("crimemap_data_version", "gauge", "The store's data version being served.", std::to_string(more.data_version));
    scalar("crimemap_watch_scheme_ceiling_total", "counter",
           "Watch messages refused because their scheme reached its hourly ceiling.", count(more.watch_scheme_ceilings));
    scalar("crimemap_mail_queued", "gauge", "Mail in the outbox waiting to be sent (or retried).", count(more.mail_queued));
    scalar("crimemap_mail_oldest_queued_seconds", "gauge", "Age of the oldest mail waiting in the outbox; 0 when none.",
           number(more.mail_oldest_queued_seconds));
    scalar("crimemap_mail_sent_total", "counter", "Mail the relay accepted.", count(more.mail_sent));
    scalar("crimemap_mail_retried_total", "counter", "Tries to send that failed and will be retried.",
           count(more.mail_retried));
    scalar("crimemap_mail_failed_total", "counter",
           "Mail given up on (refused for good, or not accepted within 48 hours).", count(more.mail_failed));
    scalar("crimemap_mail_failed_stored", "gauge", "Failed mail kept in the outbox for the operator (30 days).",
           count(more.mail_failed_stored));
    out += "# HELP crimemap_subscriptions Residents' subscriptions to their neighbourhood's new figures, by state.\n"
           "# TYPE crimemap_subscriptions gauge\ncrimemap_subscriptions{state=\"confirmed\"} " +
           std::to_string(more.subscriptions_confirmed) + "\ncrimemap_subscriptions{state=\"unconfirmed\"} " +
           std::to_string(more.subscriptions_unconfirmed) + "\n";
    return out;
}

}  // namespace crimemap::server
