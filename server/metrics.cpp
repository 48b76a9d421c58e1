#include "server/metrics.hpp"

#include <cstdio>

namespace crimemap::server {

namespace {

constexpr std::array<std::string_view, metrics::route_count> route_names{
    "tiles",    "tilejson",   "api_crimes", "api_outcomes", "api_stops", "api_summary", "api_search", "api_reference",
    "watch",    "team_edit",  "auth",       "list",         "pages",     "health",      "metrics",    "other"};

std::size_t route_index(std::string_view route) {
    for (std::size_t i = 0; i < route_names.size(); ++i)
        if (route_names[i] == route) return i;
    return route_names.size() - 1;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

}  // namespace

std::string_view route_of(std::string_view path) {
    auto starts = [&](std::string_view prefix) { return path.starts_with(prefix); };
    if (path.empty()) return "other";  // a request refused before its target was read
    if (starts("/tiles/")) return path.ends_with(".json") ? "tilejson" : "tiles";
    if (starts("/api/crimes-") || starts("/api/crime-")) return "api_crimes";
    if (starts("/api/outcomes-")) return "api_outcomes";
    if (starts("/api/stops-")) return "api_stops";
    if (starts("/api/summary")) return "api_summary";
    if (starts("/api/search")) return "api_search";
    if (starts("/api/watch/")) return "watch";
    if (starts("/api/")) {
        for (std::string_view part : {"/contact_details", "/people", "/priorities", "/events"})
            if (path.ends_with(part)) return "team_edit";  // and their GETs
        return "api_reference";
    }
    if (starts("/auth/")) return "auth";
    if (path == "/list") return "list";
    if (path == "/healthz" || path == "/readyz") return "health";
    if (path == "/metrics") return "metrics";
    if (path == "/" || starts("/static/") || starts("/vendor/") || path.find('.') == std::string_view::npos) return "pages";
    return "other";
}

void metrics::record(std::string_view path, unsigned status, double seconds, std::size_t bytes) {
    auto route = route_of(path);
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
    out += "# HELP crimemap_rate_limited_total Requests refused by a rate limit (429).\n"
           "# TYPE crimemap_rate_limited_total counter\ncrimemap_rate_limited_total " + std::to_string(limited) + "\n";
    out += "# HELP crimemap_open_connections Connections open now.\n# TYPE crimemap_open_connections gauge\n"
           "crimemap_open_connections " + std::to_string(more.open_connections) + "\n";
    out += "# HELP crimemap_refused_connections_total Connections refused with a 503 at the connection cap.\n"
           "# TYPE crimemap_refused_connections_total counter\ncrimemap_refused_connections_total " +
           std::to_string(more.refused_connections) + "\n";
    out += "# HELP crimemap_reloads_total Store reloads (SIGHUP) that succeeded.\n# TYPE crimemap_reloads_total counter\n"
           "crimemap_reloads_total " + std::to_string(more.reloads) + "\n";
    out += "# HELP crimemap_reload_failures_total Store reloads that failed (the earlier data kept serving).\n"
           "# TYPE crimemap_reload_failures_total counter\ncrimemap_reload_failures_total " +
           std::to_string(more.reload_failures) + "\n";
    out += "# HELP crimemap_store_writes_total Writes committed by the server (messages, edits, sign-ins).\n"
           "# TYPE crimemap_store_writes_total counter\ncrimemap_store_writes_total " + std::to_string(more.store_writes) + "\n";
    out += "# HELP crimemap_store_write_seconds_total Time spent in those writes, waiting for the lock included.\n"
           "# TYPE crimemap_store_write_seconds_total counter\ncrimemap_store_write_seconds_total " +
           number(more.store_write_seconds) + "\n";
    out += "# HELP crimemap_snapshot_load_seconds How long the data being served took to load.\n"
           "# TYPE crimemap_snapshot_load_seconds gauge\ncrimemap_snapshot_load_seconds " +
           number(more.snapshot_load_seconds) + "\n";
    out += "# HELP crimemap_data_version The store's data version being served.\n# TYPE crimemap_data_version gauge\n"
           "crimemap_data_version " + std::to_string(more.data_version) + "\n";
    out += "# HELP crimemap_watch_scheme_ceiling_total Watch messages refused because their scheme reached its hourly ceiling.\n"
           "# TYPE crimemap_watch_scheme_ceiling_total counter\ncrimemap_watch_scheme_ceiling_total " +
           std::to_string(more.watch_scheme_ceilings) + "\n";
    out += "# HELP crimemap_mail_queued Mail in the outbox waiting to be sent (or retried).\n"
           "# TYPE crimemap_mail_queued gauge\ncrimemap_mail_queued " + std::to_string(more.mail_queued) + "\n";
    out += "# HELP crimemap_mail_oldest_queued_seconds Age of the oldest mail waiting in the outbox; 0 when none.\n"
           "# TYPE crimemap_mail_oldest_queued_seconds gauge\ncrimemap_mail_oldest_queued_seconds " +
           number(more.mail_oldest_queued_seconds) + "\n";
    out += "# HELP crimemap_mail_sent_total Mail the relay accepted.\n# TYPE crimemap_mail_sent_total counter\n"
           "crimemap_mail_sent_total " + std::to_string(more.mail_sent) + "\n";
    out += "# HELP crimemap_mail_retried_total Tries to send that failed and will be retried.\n"
           "# TYPE crimemap_mail_retried_total counter\ncrimemap_mail_retried_total " + std::to_string(more.mail_retried) + "\n";
    out += "# HELP crimemap_mail_failed_total Mail given up on (refused for good, or not accepted within 48 hours).\n"
           "# TYPE crimemap_mail_failed_total counter\ncrimemap_mail_failed_total " + std::to_string(more.mail_failed) + "\n";
    out += "# HELP crimemap_mail_failed_stored Failed mail kept in the outbox for the operator (30 days).\n"
           "# TYPE crimemap_mail_failed_stored gauge\ncrimemap_mail_failed_stored " + std::to_string(more.mail_failed_stored) + "\n";
    out += "# HELP crimemap_subscriptions Residents' subscriptions to their neighbourhood's new figures, by state.\n"
           "# TYPE crimemap_subscriptions gauge\ncrimemap_subscriptions{state=\"confirmed\"} " +
           std::to_string(more.subscriptions_confirmed) + "\ncrimemap_subscriptions{state=\"unconfirmed\"} " +
           std::to_string(more.subscriptions_unconfirmed) + "\n";
    return out;
}

}  // namespace crimemap::server
