#pragma once
// The state requests are answered from, and its replacement on SIGHUP: the store is loaded
// again beside the running state and the new state swapped in whole, so no request fails or
// waits during a reload.

#include "server/app_state.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace crimemap::server {

class live_state {
public:
    explicit live_state(std::shared_ptr<const app_state> first) : active_(std::move(first)) {}
    live_state(const live_state&) = delete;
    live_state& operator=(const live_state&) = delete;
    ~live_state();

    /// The state to answer one request from; it stays alive as long as the caller holds it.
    [[nodiscard]] std::shared_ptr<const app_state> current() const;

    /// Starts loading `store_path` again on a background thread; when done, swaps the new
    /// snapshot in. A reload asked for while one runs is skipped. Reports to `log`.
    void reload(const std::string& store_path, std::function<void(const std::string&)> log,
                data::snapshot_options options = {});

    [[nodiscard]] std::uint64_t reloads() const { return reloads_.load(); }
    [[nodiscard]] std::uint64_t reload_failures() const { return failures_.load(); }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const app_state> active_;
    std::thread worker_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> reloads_{0}, failures_{0};
};

/// Runs a task now and then every `interval` until destroyed (on its own thread).
class periodic_task {
public:
    periodic_task(std::chrono::seconds interval, std::function<void()> task);
    periodic_task(const periodic_task&) = delete;
    periodic_task& operator=(const periodic_task&) = delete;
    ~periodic_task();

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace crimemap::server
