#include "server/ops/edge.hpp"

#include "data/mail/outbox.hpp"
#include "data/watch/subscriptions.hpp"
#include "server/mail/mail_sender.hpp"

#include "server/http/query_string.hpp"
#include "server/routes.hpp"
#include "server/tiles/tile_handlers.hpp"

#include <boost/beast/http/field.hpp>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <chrono>
#include <ctime>
#include <stdexcept>

namespace crimemap::server {

namespace http = boost::beast::http;

void access_log::closer::operator()(std::FILE* f) const noexcept {
    if (f && f != stdout) std::fclose(f);
}

access_log::access_log(const std::string& path) {
    if (path == "-") {
        file_.reset(stdout);
    } else {
        file_.reset(std::fopen(path.c_str(), "a"));
        if (!file_) throw std::runtime_error(path + ": cannot open the access log for appending");
    }
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
    key_.resize(crypto_generichash_KEYBYTES);
    randombytes_buf(key_.data(), key_.size());
}

std::string access_log::client_key(const std::string& address) const {
    unsigned char hash[8];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(address.data()), address.size(),
                       reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
    char hex[2 * sizeof hash + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

void access_log::write(std::string_view method, std::string_view path, unsigned status, std::size_t bytes,
                       double seconds, std::string_view client) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[96];
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    nlohmann::json line{{"time", when},
                        {"method", std::string(method)},
                        {"path", std::string(path.substr(0, 300))},
                        {"route", std::string(route_label(path))},
                        {"status", status},
                        {"bytes", bytes},
                        {"ms", static_cast<double>(static_cast<long>(seconds * 100000)) / 100},
                        {"client", std::string(client)}};
    auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), file_.get());
    std::fflush(file_.get());
}

response edge::operator()(const request& req, const std::string& client) const {
    auto start = std::chrono::steady_clock::now();
    auto current = live.current();  // held for the request: a reload cannot free it meanwhile
    std::string_view target(req.target().data(), req.target().size());
    auto path = target.substr(0, target.find('?'));
    response res;
    if (path == "/metrics" && (req.method() == http::verb::get || req.method() == http::verb::head)) {
        metrics::outside more;
        more.open_connections = open_connections.load();
        more.refused_connections = refused_connections.load();
        more.reloads = live.reloads();
        more.reload_failures = live.reload_failures();
        if (current->writer) {
            more.store_writes = current->writer->runs();
            more.store_write_seconds = current->writer->run_seconds();
        }
        more.snapshot_load_seconds = current->snapshot->load_seconds;
        more.data_version = current->snapshot->data_version;
        if (current->limits) more.watch_scheme_ceilings = current->limits->scheme_ceiling_refusals.load();
        if (current->store) {
            auto db = current->store->acquire();
            auto mail = data::read_outbox_counts(*db);
            more.mail_queued = mail.queued;
            more.mail_failed_stored = mail.failed;
            auto subscriptions = data::count_subscriptions(*db);
            more.subscriptions_confirmed = subscriptions.confirmed;
            more.subscriptions_unconfirmed = subscriptions.unconfirmed;
            if (mail.oldest_queued_at)
                more.mail_oldest_queued_seconds = static_cast<double>(std::max<std::int64_t>(0, std::time(nullptr) - mail.oldest_queued_at));
        }
        if (current->mail) {
            more.mail_sent = current->mail->sent();
            more.mail_retried = current->mail->retried();
            more.mail_failed = current->mail->failed();
        }
        res = response{http::status::ok, req.version()};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.set(http::field::cache_control, "no-store");
        res.keep_alive(req.keep_alive());
        res.body() = counts.prometheus_text(more);
        res.prepare_payload();
    } else {
        res = handle_request(req, *current, client);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record(std::string_view(req.method_string().data(), req.method_string().size()), target, res.result_int(),
           res.body().size(), seconds, client);
    return res;
}

std::shared_ptr<const prepared_response> edge::prepared(const request& req, const std::string& client) const {
    auto start = std::chrono::steady_clock::now();
    std::string_view target(req.target().data(), req.target().size());
    auto [path, raw_query] = split_request_target(target);
    if (!path.starts_with("/tiles/")) return nullptr;
    auto current = live.current();
    if (!current->tiles) return nullptr;
    auto ready = cached_tile_answer(req, path, raw_query, *current->snapshot, *current->tiles);
    if (!ready) return nullptr;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record(std::string_view(req.method_string().data(), req.method_string().size()), target, ready->status,
           ready->body_size(), seconds, client);
    return ready;
}

void edge::record(std::string_view method, std::string_view target, unsigned status, std::size_t bytes, double seconds,
                  const std::string& client) const {
    auto path = target.substr(0, target.find('?'));
    counts.record(route_label(path), status, seconds, bytes);
    if (log) log->write(method, path, status, bytes, seconds, log->client_key(client));
}

}  // namespace crimemap::server
