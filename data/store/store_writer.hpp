#pragma once
// The server's one write connection to the store, shared by requests under a lock. It
// commits with synchronous=FULL: what it has committed survives a power cut, so an answer
// sent after a commit (a Watch message's 201) is never lost. On PostgreSQL (whose commits are
// durable as configured there) a broken connection is made again at the next run, and a
// statement is bounded as bound_for_requests() says: a request waits for the store briefly,
// then gets a 503, never a hang.

#include "data/store/postgres.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace crimemap::data {

/// For a connection a request waits on (the server's writer, its per-request readers, the
/// store watch): on PostgreSQL a statement is cancelled after 4 s and a server that sends
/// nothing for 4.5 s is given up, so a request is answered (503) within 5 s whatever the
/// database does. Nothing on SQLite.
void bound_for_requests(Database& db);

class store_writer {
public:
    /// Opens the store for writing (bringing an older schema up to date). Throws as
    /// open_store_for_writing does.
    /// `durable` false (PostgreSQL only): commits do not wait for the disk (synchronous_commit
    /// off), for state a crash of the database may lose: sessions (their holders sign in again)
    /// and rate-limit counts.
    explicit store_writer(const std::string& path, bool durable = true);

    /// Runs `work(db)` while holding the connection; returns what it returns.
    template <class Work>
    decltype(auto) run(Work&& work) {
        struct timed {
            store_writer& owner;
            std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
            ~timed() {
                ++owner.writes_;
                owner.write_micros_ += static_cast<std::uint64_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
            }
        } clock{*this};
        std::lock_guard lock(mutex_);
        if (broken_ || (db_.is_postgresql() && !db_.postgresql_connection().alive())) {
            if (std::chrono::steady_clock::now() < retry_at_) throw pg::unavailable(why_, "08006");
            reconnect();
        }
        try {
            return work(db_);
        } catch (const pg::unavailable&) {
            broken_ = true;  // made again at the next run
            throw;
        }
    }

    /// How many runs, and their total time (waiting for the lock included), for /metrics.
    [[nodiscard]] std::uint64_t runs() const { return writes_.load(); }
    [[nodiscard]] double run_seconds() const { return static_cast<double>(write_micros_.load()) / 1e6; }

private:
    void reconnect();
    void prepare();
    std::string path_;
    std::atomic<std::uint64_t> writes_{0}, write_micros_{0};
    std::mutex mutex_;
    Database db_;
    bool broken_ = false;
    bool durable_ = true;
    std::chrono::steady_clock::time_point retry_at_{};  // no reconnect before then (the last one failed)
    std::string why_;
};

}  // namespace crimemap::data
