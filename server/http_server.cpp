#include "server/http_server.hpp"

#include "server/errors.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
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

void set_security_headers(response& res, const server_config& config) {
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Content-Security-Policy", config.content_security_policy);
    // A page whose address holds a secret (the set-password link) sets a stricter policy itself.
    if (res.find("Referrer-Policy") == res.end()) res.set("Referrer-Policy", "strict-origin-when-cross-origin");
    res.set("X-Frame-Options", "DENY");
}

// The whole answer to a connection past the cap, serialized once: a 503 that asks the client
// to retry, then the connection closes.
std::string refusal_bytes(const server_config& config) {
    auto res = error_response(error_kind::unavailable, "too many connections; try again shortly", 11, false);
    res.set(http::field::retry_after, "5");
    set_security_headers(res, config);
    std::ostringstream out;
    out << res;
    return out.str();
}

// A connection past the cap: the 503 is written, our side shut, and what the client sends is
// read and dropped until it closes (at most 2 s), so that closing does not reset the connection
// and lose the answer. At most 64 such at once; past that a connection is closed unanswered.
class refusal : public std::enable_shared_from_this<refusal> {
public:
    // Holds its own references: it may outlive the listener when the server stops.
    refusal(tcp::socket socket, std::shared_ptr<std::atomic<int>> lingering, std::shared_ptr<const std::string> bytes)
        : stream_(std::move(socket)), lingering_(std::move(lingering)), bytes_(std::move(bytes)) {
        ++*lingering_;
    }
    ~refusal() { --*lingering_; }
    void start() {
        stream_.expires_after(std::chrono::seconds(2));
        asio::async_write(stream_, asio::buffer(*bytes_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
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
    std::shared_ptr<const std::string> bytes_;
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
    session(tcp::socket socket, const server_config& config, const handler& handle, std::atomic<std::size_t>& open,
            std::atomic<std::size_t>& busy, const std::atomic<bool>& draining, slow_lane& slow)
        : stream_(std::move(socket)), config_(config), handle_(handle), open_(open), busy_(busy), draining_(draining),
          slow_(slow) {
        beast::error_code ec;
        auto peer = stream_.socket().remote_endpoint(ec);
        if (!ec) client_ = peer.address().to_string();
    }
    ~session() { --open_; }

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

    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset)
            return close();
        if (ec == http::error::body_limit) {
            return write(error_response(error_kind::payload_too_large, "request body too large", 11, false), false);
        }
        if (ec == http::error::header_limit) {
            return write(error_response(error_kind::header_too_large, "request headers over 8 KB", 11, false), false);
        }
        if (ec) {
            if (ec.category() == beast::error_code(http::error::bad_target).category())
                return write(error_response(error_kind::bad_request, "malformed request", 11, false), false);
            return close();
        }
        request req = parser_->release();
        ++busy_;  // until its response is written
        if (config_.is_slow && config_.is_slow(req)) {
            if (slow_.queued.fetch_add(1) >= config_.slow_queue) {
                --slow_.queued;
                auto res = error_response(error_kind::unavailable, "too many sign-ins at once; try again shortly",
                                          req.version(), req.keep_alive());
                res.set(http::field::retry_after, "1");
                if (config_.on_overload) res = config_.on_overload(req, std::move(res));
                return write(std::move(res));
            }
            // The stream is touched only on its own strand: the answer is posted back to it.
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
        set_security_headers(*response_, config_);
        if (draining_.load()) response_->keep_alive(false);  // shutting down: one answer, then close
        stream_.expires_after(std::chrono::seconds(config_.read_timeout_seconds));
        http::async_write(stream_, *response_, [self = shared_from_this(), counted](beast::error_code ec, std::size_t) {
            if (counted) --self->busy_;
            bool keep = self->response_->keep_alive();
            self->response_.reset();
            if (ec || !keep) return self->close();
            self->read();
        });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    const server_config& config_;
    const handler& handle_;
    std::atomic<std::size_t>& open_;
    std::atomic<std::size_t>& busy_;
    const std::atomic<bool>& draining_;
    slow_lane& slow_;
    std::string client_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<response> response_;
};

class listener : public std::enable_shared_from_this<listener> {
public:
    listener(asio::io_context& io, tcp::endpoint endpoint, const server_config& config, const handler& handle,
             slow_lane& slow)
        : io_(io), acceptor_(asio::make_strand(io)), config_(config), handle_(handle), slow_(slow),
          open_(*config.open_connections) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    void accept() {
        acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                if (self->open_.load() >= self->config_.max_connections) {
                    ++*self->config_.refused_connections;
                    if (self->lingering_->load() < 64) {
                        std::make_shared<refusal>(std::move(s), self->lingering_, self->refusal_)->start();
                    } else {
                        beast::error_code ignored;
                        s.close(ignored);
                    }
                } else {
                    ++self->open_;
                    std::make_shared<session>(std::move(s), self->config_, self->handle_, self->open_, self->busy_,
                                              self->draining_, self->slow_)
                        ->start();
                }
            }
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
    asio::io_context& io_;
    tcp::acceptor acceptor_;
    const server_config& config_;
    const handler& handle_;
    slow_lane& slow_;
    const std::shared_ptr<const std::string> refusal_ = std::make_shared<const std::string>(refusal_bytes(config_));
    const std::shared_ptr<std::atomic<int>> lingering_ = std::make_shared<std::atomic<int>>(0);  // refusals open
    std::atomic<std::size_t>& open_;
    std::atomic<std::size_t> busy_{0};  // requests read and not yet answered
    std::atomic<bool> draining_{false};
};

}  // namespace

void run_server(const server_config& config, handler handle, const std::function<void(unsigned short)>& on_listening,
                const std::function<void()>& on_reload) {
    asio::io_context io(config.threads);
    slow_lane slow(config.slow_threads);  // after io: its threads are joined first
    auto endpoint = tcp::endpoint(asio::ip::make_address(config.address), config.port);
    auto accepting = std::make_shared<listener>(io, endpoint, config, handle, slow);
    accepting->accept();
    // SIGTERM/SIGINT: stop accepting, then stop once nothing is in flight or the drain time is up.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer drain(io);
    auto deadline = std::chrono::steady_clock::now();
    std::function<void()> wait_for_quiet = [&] {
        if (accepting->busy() == 0 || std::chrono::steady_clock::now() >= deadline) return io.stop();
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
    for (int i = 1; i < config.threads; ++i) workers.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& worker : workers) worker.join();
    slow.pool.join();
}

}  // namespace crimemap::server
