#include "server/ops/live_state.hpp"

#include "data/snapshot/map_snapshot.hpp"

namespace crimemap::server {

live_state::~live_state() {
    if (worker_.joinable()) worker_.join();
}

std::shared_ptr<const app_state> live_state::current() const {
    std::lock_guard lock(mutex_);
    return active_;
}

void live_state::reload(const std::string& store_path, std::function<void(const std::string&)> log,
                        data::snapshot_options options) {
    if (running_.exchange(true)) {
        log("a reload is already running; this one is skipped");
        return;
    }
    if (worker_.joinable()) worker_.join();  // the last one has finished: running_ was false
    worker_ = std::thread([this, store_path, log = std::move(log), options = std::move(options)] {
        try {
            auto snapshot = data::load_snapshot(store_path, options);
            auto next = std::make_shared<app_state>(*current());
            next->snapshot = snapshot;
            {
                std::lock_guard lock(mutex_);
                active_ = std::move(next);
            }
            ++reloads_;
            log("reloaded " + std::to_string(snapshot->crimes + snapshot->crimes_without_location) + " crimes (" +
                std::to_string(snapshot->crimes) + " with a location; data version " +
                std::to_string(snapshot->data_version) + ") in " + std::to_string(snapshot->load_seconds) + " s; " +
                snapshot->origin);
        } catch (const std::exception& error) {
            ++failures_;
            log(std::string("reload failed, still serving the earlier data: ") + error.what());
        }
        running_ = false;
    });
}

periodic_task::periodic_task(std::chrono::seconds interval, std::function<void()> task) {
    task();
    thread_ = std::thread([this, interval, task = std::move(task)] {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            task();
            lock.lock();
        }
    });
}

periodic_task::~periodic_task() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

}  // namespace crimemap::server
