#include "server/http/http_server.hpp"

#include "server/http/errors.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <ctime>
#include <mutex>
#include <unordered_map>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace crimemap::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string content_security_policy(std::string_view elsewhere) {
    std::string more = elsewhere.empty() ? std::string() : " " + std::string(elsewhere);
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" + more +
           "; worker-src blob:; child-src blob:; connect-src 'self'" + more + "; font-src 'self'" + more +
           "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

namespace {

// RFC 9110 §5.6.7's IMF-fixdate of now as a whole Date line, written once a second per thread
// (no locale involved).
struct date_text {
    std::time_t written = 0;
    char line[48] = {};  // "Date: " + 29 characters + "\r\n"
    std::size_t size = 0;
};
const date_text& current_date() {
    thread_local date_text date;
    std::time_t now = std::time(nullptr);
    if (now != date.written) {
        static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        std::tm tm{};
        gmtime_r(&now, &tm);
        int n = std::snprintf(date.line, sizeof date.line, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
                              days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                              tm.tm_min, tm.tm_sec);
        date.size = static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof date.line) - 1));
        date.written = now;
    }
    return date;
}
std::string_view http_date() {
    const auto& date = current_date();
    return {date.line + 6, date.size - 8};  // without "Date: " and "\r\n"
}

// What every answer carries, whoever made it.
void set_server_headers(response& res, const server_config& config) {
    auto date = http_date();
    res.set(http::field::date, boost::beast::string_view(date.data(), date.size()));
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Content-Security-Policy", config.content_security_policy);
    // A page whose address holds a secret (the set-password link) sets a stricter policy itself.
    if (res.find("Referrer-Policy") == res.end()) res.set("Referrer-Policy", "strict-origin-when-cross-origin");
    res.set("X-Frame-Options", "DENY");
    // A 204 or 304 has no body to measure (RFC 9110 §8.6): Beast's prepare_payload says 0, which a
    // cache would take for the length of the representation a 304 stands for.
    if (res.result() == http::status::no_content || res.result() == http::status::not_modified) {
        res.erase(http::field::content_length);
        if (res.result() == http::status::no_content) res.erase(http::field::content_type);
    }
}

// The whole answer to a connection past a cap: a 503 that asks the client to retry, then the
// connection closes.
std::string refusal_bytes(const server_config& config) {
    auto res = error_response(error_kind::unavailable, "too many connections; try again shortly", 11, false);
    res.set(http::field::retry_after, "5");
    set_server_headers(res, config);
    std::ostringstream out;
    out << res;
    return out.str();
}

// After an answer that closes the connection, what the client still sends (the rest of a body
// too large to take, a pipelined request) is read and dropped until it closes, for at most this
// long and this much, so that closing with unread data does not reset the connection and lose
// the answer before the client has read it (a client that sends a whole body before reading).
constexpr auto linger_time = std::chrono::seconds(5);
constexpr std::size_t linger_bytes = 4 << 20;

// What the per-address cap counts a connection under: its IPv4 address, or its IPv6 /64 (one
// machine's share of addresses; a /128 would let it open 2^64 times as many).
std::string connection_key(const asio::ip::address& peer) {
    if (peer.is_v4()) return peer.to_string();
    auto bytes = peer.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return asio::ip::address_v6(bytes).to_string() + "/64";
}

// Connections open per client address, for the per-address cap. Shared by the listener and
// its sessions, which may outlive it when the server stops.
class address_counts {
public:
    bool try_add(const std::string& address, std::size_t cap) {
        std::lock_guard lock(mutex_);
        auto& n = open_[address];
        if (n >= cap) {
            if (n == 0) open_.erase(address);
            return false;
        }
        ++n;
        return true;
    }
    void remove(const std::string& address) {
        std::lock_guard lock(mutex_);
        auto it = open_.find(address);
        if (it != open_.end() && --it->second == 0) open_.erase(it);
    }

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> open_;
};

// A connection past a cap: the 503 is written, our side shut, and what the client sends is
// read and dropped until it closes (at most 2 s), so that closing does not reset the connection
// and lose the answer. At most 64 such at once; past that a connection is closed unanswered.
class refusal : public std::enable_shared_from_this<refusal> {
public:
    // Holds its own references: it may outlive the listener when the server stops.
    refusal(tcp::socket socket, std::shared_ptr<std::atomic<int>> lingering, std::string bytes)
        : stream_(std::move(socket)), lingering_(std::move(lingering)), bytes_(std::move(bytes)) {
        ++*lingering_;
    }
    ~refusal() { --*lingering_; }
    void start() {
        stream_.expires_after(std::chrono::seconds(2));
        asio::async_write(stream_, asio::buffer(bytes_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            self->drain();
        });
    }

private:
    void drain() {
        stream_.async_read_some(asio::buffer(sink_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (!ec) self->drain();
        });
    }
    beast::tcp_stream stream_;
    std::shared_ptr<std::atomic<int>> lingering_;
    std::string bytes_;
    std::array<char, 1024> sink_{};
};

// Where the slow requests (config.is_slow) are answered, off the I/O threads.
struct slow_lane {
    explicit slow_lane(int threads) : pool(static_cast<std::size_t>(std::max(threads, 1))) {}
    asio::thread_pool pool;
    std::atomic<std::size_t> queued{0};  // posted and not yet answered
};

class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, asio::ip::address peer, const server_config& config, const handler& handle,
            const own_answer_observer& on_own_answer, std::atomic<std::size_t>& open, std::atomic<std::size_t>& busy,
            const std::atomic<bool>& draining, std::shared_ptr<address_counts> per_address, std::string counted_as,
            slow_lane& slow, const prepared_handler& prepared)
        : stream_(std::move(socket)), peer_(peer), config_(config), handle_(handle), on_own_answer_(on_own_answer),
          open_(open), busy_(busy), draining_(draining), per_address_(std::move(per_address)),
          counted_as_(std::move(counted_as)), slow_(slow), prepared_(prepared), client_(peer.to_string()) {}
    ~session() {
        --open_;
        if (!counted_as_.empty()) per_address_->remove(counted_as_);
    }

    void start() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

private:
    void read() {
        parser_.emplace();  // a new parser per request: limits apply to each one
        parser_->header_limit(static_cast<std::uint32_t>(config_.header_limit));
        parser_->body_limit(config_.body_limit);
        stream_.expires_after(std::chrono::seconds(config_.read_timeout_seconds));
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    // An answer to a request that could not be read whole; the connection closes after it.
    void refuse(error_kind kind, std::string_view message) {
        auto res = error_response(kind, message, 11, false);
        std::string_view method, target;
        if (parser_->is_header_done()) {
            const auto& head = parser_->get();
            method = std::string_view(head.method_string().data(), head.method_string().size());
            target = std::string_view(head.target().data(), head.target().size());
            client_ = client_address(peer_, head, config_.proxies);
        }
        if (on_own_answer_) on_own_answer_(method, target, res.result_int(), res.body().size(), client_);
        write(std::move(res), false);
    }

    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset)
            return close();
        if (ec == http::error::body_limit) return refuse(error_kind::payload_too_large, "request body too large");
        if (ec == http::error::header_limit) return refuse(error_kind::header_too_large, "request headers over 8 KB");
        if (ec) {
            if (ec.category() == beast::error_code(http::error::bad_target).category())
                return refuse(error_kind::bad_request, "malformed request");
            return close();
        }
        request req = parser_->release();
        // Past a trusted proxy the client is named per request; otherwise it is the peer, as text
        // since the connection opened (client_address would give the same, formatted again).
        if (config_.proxies.contains(peer_))
            client_ = client_address(peer_, req, config_.proxies);
        else
            for (auto name : {"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}) req.erase(name);
        ++busy_;  // until its response is written
        if (prepared_ && req.version() == 11 && req.keep_alive() && !draining_.load() &&
            (req.method() == http::verb::get || req.method() == http::verb::head)) {
            std::shared_ptr<const prepared_response> ready;
            try {
                ready = prepared_(req, client_);
            } catch (const std::exception&) {
                ready = nullptr;  // the handler answers it, and says what went wrong
            }
            if (ready) return write_prepared(std::move(ready), req.method() == http::verb::head);
        }
        if (config_.is_slow && config_.is_slow(req)) {
            if (slow_.queued.fetch_add(1) >= config_.slow_queue) {
                --slow_.queued;
                auto res = error_response(error_kind::unavailable, "too many sign-ins at once; try again shortly",
                                          req.version(), req.keep_alive());
                res.set(http::field::retry_after, "1");
                if (on_own_answer_)
                    on_own_answer_(std::string_view(req.method_string().data(), req.method_string().size()),
                                   std::string_view(req.target().data(), req.target().size()), res.result_int(),
                                   res.body().size(), client_);
                return write(std::move(res));
            }
            // The stream is touched only on its own thread: the answer is posted back to it.
            asio::post(slow_.pool, [self = shared_from_this(), req = std::move(req)]() mutable {
                auto res = self->answer(req);
                --self->slow_.queued;
                asio::post(self->stream_.get_executor(),
                           [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
            });
            return;
        }
        write(answer(req));
    }

    response answer(const request& req) {
        response res;
        try {
            res = handle_(req, client_);
        } catch (const std::exception& error) {
            std::cerr << "crimemap: internal error: " << error.what() << '\n';
            res = error_response(error_kind::internal, "internal error", req.version(), false);
        }
        if (req.method() == http::verb::head) {
            auto length = res.body().size();
            res.body().clear();
            res.content_length(length);
        }
        return res;
    }

    void write(response res, bool counted = true) {
        response_ = std::make_shared<response>(std::move(res));
        set_server_headers(*response_, config_);
        if (draining_.load()) response_->keep_alive(false);  // shutting down: one answer, then close
        stream_.expires_after(std::chrono::seconds(config_.read_timeout_seconds));
        http::async_write(stream_, *response_, [self = shared_from_this(), counted](beast::error_code ec, std::size_t) {
            if (counted) --self->busy_;
            bool keep = self->response_->keep_alive();
            self->response_.reset();
            if (ec) return self->close();
            if (!keep) return self->linger();
            self->read();
        });
    }

    // One write of bytes serialised before (a cached tile): the part before the Date line, this
    // second's Date line, the rest (without the body for a HEAD). Nothing is allocated.
    void write_prepared(std::shared_ptr<const prepared_response> ready, bool head) {
        ready_ = std::move(ready);
        auto date = date_line();
        std::copy(date.begin(), date.end(), date_.begin());
        const auto& bytes = ready_->bytes;
        const std::size_t end = head ? ready_->body_at : bytes.size();
        std::array<asio::const_buffer, 3> parts{asio::buffer(bytes.data(), ready_->date_at),
                                                asio::buffer(date_.data(), date.size()),
                                                asio::buffer(bytes.data() + ready_->date_at, end - ready_->date_at)};
        stream_.expires_after(std::chrono::seconds(config_.read_timeout_seconds));
        asio::async_write(stream_, parts, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            --self->busy_;
            self->ready_.reset();
            if (ec) return self->close();
            self->read();
        });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    // See linger_time. The session ends (and the socket closes) when the client closes, an error
    // or the time ends the reading, or linger_bytes have been dropped.
    void linger() {
        close();
        stream_.expires_after(linger_time);
        drop();
    }
    void drop() {
        stream_.async_read_some(asio::buffer(sink_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->dropped_ += n;
            if (!ec && self->dropped_ < linger_bytes) self->drop();
        });
    }

    beast::tcp_stream stream_;
    asio::ip::address peer_;
    const server_config& config_;
    const handler& handle_;
    const own_answer_observer& on_own_answer_;
    std::atomic<std::size_t>& open_;
    std::atomic<std::size_t>& busy_;
    const std::atomic<bool>& draining_;
    std::shared_ptr<address_counts> per_address_;
    std::string counted_as_;  // the key in per_address_; "" when not counted (a trusted proxy)
    slow_lane& slow_;
    const prepared_handler& prepared_;
    std::string client_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<response> response_;
    std::shared_ptr<const prepared_response> ready_;  // being written
    std::array<char, 48> date_{};                      // its Date line
    std::array<char, 4096> sink_{};
    std::size_t dropped_ = 0;
};

class listener : public std::enable_shared_from_this<listener> {
public:
    // Accepts on the first of `contexts` and hands each connection to the next one in turn.
    listener(const std::vector<std::unique_ptr<asio::io_context>>& contexts, tcp::endpoint endpoint,
             const server_config& config, const handler& handle,
             const own_answer_observer& on_own_answer, slow_lane& slow, const prepared_handler& prepared)
        : contexts_(contexts), acceptor_(*contexts.front()), config_(config), handle_(handle), on_own_answer_(on_own_answer),
          slow_(slow), prepared_(prepared),
          open_(*config.open_connections) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    void accept() {
        // Each connection runs on one context, that is on one thread, so it needs no strand.
        auto& next = *contexts_[next_context_++ % contexts_.size()];
        acceptor_.async_accept(next, [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) self->admit(std::move(s));
            self->accept();
        });
    }
    void stop() {
        draining_ = true;
        beast::error_code ignored;
        acceptor_.close(ignored);
    }
    [[nodiscard]] std::size_t busy() const { return busy_.load(); }

private:
    // A new connection: served, or refused with the 503 past the global or the per-address cap.
    void admit(tcp::socket s) {
        beast::error_code ec;
        auto endpoint = s.remote_endpoint(ec);
        if (ec) return;  // already gone
        auto peer = plain_address(endpoint.address());
        // A trusted proxy carries many clients on its connections: it is not capped per address.
        std::string counted_as = config_.proxies.contains(peer) ? std::string() : connection_key(peer);
        bool admitted = open_.load() < config_.max_connections &&
                        (counted_as.empty() || per_address_->try_add(counted_as, config_.max_connections_per_address));
        if (!admitted) {
            ++*config_.refused_connections;
            if (lingering_->load() < 64) {
                std::make_shared<refusal>(std::move(s), lingering_, refusal_bytes(config_))->start();
            } else {
                beast::error_code ignored;
                s.close(ignored);
            }
            return;
        }
        ++open_;
        std::make_shared<session>(std::move(s), peer, config_, handle_, on_own_answer_, open_, busy_, draining_,
                                  per_address_, std::move(counted_as), slow_, prepared_)
            ->start();
    }

    const std::vector<std::unique_ptr<asio::io_context>>& contexts_;
    std::size_t next_context_ = 0;
    tcp::acceptor acceptor_;
    const server_config& config_;
    const handler& handle_;
    const own_answer_observer& on_own_answer_;
    slow_lane& slow_;
    const prepared_handler& prepared_;
    const std::shared_ptr<std::atomic<int>> lingering_ = std::make_shared<std::atomic<int>>(0);  // refusals open
    const std::shared_ptr<address_counts> per_address_ = std::make_shared<address_counts>();
    std::atomic<std::size_t>& open_;
    std::atomic<std::size_t> busy_{0};  // requests read and not yet answered
    std::atomic<bool> draining_{false};
};

}  // namespace

std::string_view date_line() {
    const auto& date = current_date();
    return {date.line, date.size};
}

prepared_response prepare_response(response res, const server_config& config) {
    res.version(11);
    res.keep_alive(true);
    set_server_headers(res, config);
    std::ostringstream out;
    out << res;
    std::string text = out.str();
    prepared_response ready;
    ready.status = res.result_int();
    const auto date = text.find("\r\nDate: ");
    const auto date_end = text.find("\r\n", date + 2);
    if (date == std::string::npos || date_end == std::string::npos)
        throw std::logic_error("a response without its Date line");
    ready.date_at = date + 2;
    ready.bytes = text.substr(0, ready.date_at) + text.substr(date_end + 2);
    ready.body_at = ready.bytes.find("\r\n\r\n") + 4;
    return ready;
}

void run_server(const server_config& config, handler handle, const std::function<void(unsigned short)>& on_listening,
                const std::function<void()>& on_reload, own_answer_observer on_own_answer, prepared_handler prepared) {
    // One context per thread, each running its share of the connections: no strands, no lock
    // shared by the threads, and each thread waits on its own epoll set.
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    for (int i = 0; i < std::max(config.threads, 1); ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
    auto& io = *contexts.front();  // accepts, and handles the signals
    slow_lane slow(config.slow_threads);  // after the contexts: its threads are joined first
    auto endpoint = tcp::endpoint(asio::ip::make_address(config.address), config.port);
    auto accepting = std::make_shared<listener>(contexts, endpoint, config, handle, on_own_answer, slow, prepared);
    accepting->accept();
    auto stop_all = [&contexts] {
        for (auto& context : contexts) context->stop();
    };
    // SIGTERM/SIGINT: stop accepting, then stop once nothing is in flight or the drain time is up.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer drain(io);
    auto deadline = std::chrono::steady_clock::now();
    std::function<void()> wait_for_quiet = [&] {
        if (accepting->busy() == 0 || std::chrono::steady_clock::now() >= deadline) return stop_all();
        drain.expires_after(std::chrono::milliseconds(20));
        drain.async_wait([&](beast::error_code) { wait_for_quiet(); });
    };
    signals.async_wait([&](beast::error_code, int) {
        accepting->stop();
        deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.drain_seconds);
        wait_for_quiet();
    });
    asio::signal_set hangups(io);
    std::function<void()> wait_for_hangup = [&] {
        hangups.async_wait([&](beast::error_code ec, int) {
            if (ec) return;
            on_reload();
            wait_for_hangup();
        });
    };
    if (on_reload) {
        hangups.add(SIGHUP);
        wait_for_hangup();
    }
    on_listening(accepting->port());
    std::vector<std::thread> workers;
    for (std::size_t i = 1; i < contexts.size(); ++i)
        workers.emplace_back([context = contexts[i].get()] {
            auto busy = asio::make_work_guard(*context);  // runs until stopped, with or without connections
            context->run();
        });
    io.run();
    for (auto& worker : workers) worker.join();
    slow.pool.join();
}

}  // namespace crimemap::server
