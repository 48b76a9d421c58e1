#pragma once
// PRAGMA integrity_check on the store, run on its own thread and connection when the server
// starts, so a damaged store is reported without holding up the first request.

#include "data/store/sqlite.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace crimemap::data {

class integrity_check {
public:
    enum class state { checking, ok, failed };

    /// Starts the check; `report` is called once with its verdict (on the checking thread).
    integrity_check(const std::string& store_path, std::function<void(const std::string&)> report);
    integrity_check(const integrity_check&) = delete;
    integrity_check& operator=(const integrity_check&) = delete;
    /// Interrupts a check still running, and waits for its thread.
    ~integrity_check();

    [[nodiscard]] state current() const { return state_.load(); }
    /// "checking", "ok", or what SQLite found.
    [[nodiscard]] std::string verdict() const;

private:
    std::atomic<state> state_{state::checking};
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::string verdict_ = "checking";
    std::unique_ptr<Database> db_;
    std::thread thread_;
};

}  // namespace crimemap::data
