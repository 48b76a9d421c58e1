#pragma once
// The Boost.Beast HTTP/1.1 server: accepts connections, reads requests with size
// and time limits, hands each to a handler, writes the response.

#include "server/http/client_address.hpp"
#include "server/http/http.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace crimemap::server {

/// The Content-Security-Policy: this origin only, framing forbidden. `elsewhere` (sources such
/// as "https: http://tiles.internal:8081", for an operator's basemap) is added where images,
/// fonts and fetches may come from.
std::string content_security_policy(std::string_view elsewhere = {});

struct server_config {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;
    int threads = 2;
    std::size_t max_connections = 4096;    ///< past it a new connection gets a 503 and is closed
    /// Connections open at once from one address (IPv6: one /64; trusted proxies are not capped);
    /// past it the same 503.
    std::size_t max_connections_per_address = 256;
    /// Proxies whose X-Forwarded-For names the client (see client_address). The X-Forwarded-For,
    /// -Host and -Proto headers of every other connection are removed before a handler sees them.
    trusted_proxies proxies;
    std::size_t header_limit = 8 * 1024;   ///< bytes
    std::size_t body_limit = 64 * 1024;    ///< bytes
    int read_timeout_seconds = 30;         ///< per request, including an idle keep-alive wait
    /// Connections open now; the server keeps it current, others may read it.
    std::shared_ptr<std::atomic<std::size_t>> open_connections = std::make_shared<std::atomic<std::size_t>>(0);
    /// Connections refused with a 503 at the cap since start.
    std::shared_ptr<std::atomic<std::uint64_t>> refused_connections = std::make_shared<std::atomic<std::uint64_t>>(0);
    int drain_seconds = 10;                ///< on SIGTERM/SIGINT, how long in-flight requests may take to finish
    /// Requests it says yes to (signing in and setting a password: argon2id, about 20 ms of CPU
    /// each) are answered on `slow_threads` threads of their own, so a burst of them never holds
    /// up the I/O threads; at most `slow_queue` wait there, past that a 503 answers at once.
    std::function<bool(const request&)> is_slow;
    int slow_threads = 1;
    std::size_t slow_queue = 32;
    /// Sent on every response, with X-Content-Type-Options, Referrer-Policy (unless the handler
    /// set its own) and X-Frame-Options.
    std::string content_security_policy = server::content_security_policy();
};

/// Answers one request; `client` is the client's IP address as text, from client_address.
using handler = std::function<response(const request&, const std::string& client)>;

/// The answer to a GET or HEAD already serialised (a cached tile), or null when the request is
/// not one the cache answers: then `handler` answers it. Asked only for HTTP/1.1 requests that
/// keep the connection open; it must count and log the answer itself, as `handler` would.
using prepared_handler = std::function<std::shared_ptr<const prepared_response>(const request&, const std::string& client)>;

/// `res` as the server would write it to an HTTP/1.1 request that keeps the connection open
/// (with the headers every answer carries, set_server_headers), serialised once. Its bytes
/// written with a Date line at date_at are byte for byte what the server writes for `res`.
prepared_response prepare_response(response res, const server_config& config);

/// The Date line ("Date: ...\r\n") of now, as every answer carries it; a view of a
/// per-thread buffer, valid until the next call on the same thread.
std::string_view date_line();

/// Told of each answer the server gives without the handler: to a request that could not be
/// read whole (too large, malformed), and the 503 of a full hashing thread: its method and
/// target as far as they were read ("" when not), the status, the body's bytes, the client's address.
using own_answer_observer = std::function<void(std::string_view method, std::string_view target, unsigned status,
                                               std::size_t bytes, const std::string& client)>;

/// Serves until SIGINT or SIGTERM; then stops accepting, lets the requests in flight finish
/// (at most drain_seconds) and returns. `on_listening` is called once the socket accepts (with
/// the bound port); `on_reload`, when given, on each SIGHUP (on a signal-handling thread: it
/// should start the work and return); `on_own_answer`, when given, for the answers described above.
/// Every answer carries a Date header; a 204 or 304 no Content-Length.
/// Throws boost::system::system_error when the address cannot be bound.
/// `prepared`, when given, is asked first for each GET or HEAD that it may answer (see
/// prepared_handler).
void run_server(const server_config& config, handler handle, const std::function<void(unsigned short)>& on_listening,
                const std::function<void()>& on_reload = {}, own_answer_observer on_own_answer = {},
                prepared_handler prepared = {});

}  // namespace crimemap::server
