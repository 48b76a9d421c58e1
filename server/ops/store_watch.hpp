#pragma once
// A replica's watch on a store in PostgreSQL: new data reaches it by itself, and /readyz can say
// whether the store answers. One thread holds a connection that LISTENs for an import's
// announcement (data::announce_import) and, every poll interval besides (a notification missed
// while the connection was down), reads the store's import version; when it differs from the
// served one, `reload` is called, as SIGHUP does. While the store cannot be reached it tries
// again each second and reports itself degraded.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace crimemap::server {

class store_watch {
public:
    /// `served` gives the import version of the snapshot being served; `reload` starts a reload.
    store_watch(std::string uri, std::chrono::seconds poll, std::function<std::int64_t()> served,
                std::function<void()> reload);
    store_watch(const store_watch&) = delete;
    store_watch& operator=(const store_watch&) = delete;
    /// Stops the thread (within a second).
    ~store_watch();

    /// True while the last attempt to reach the store succeeded.
    [[nodiscard]] bool reachable() const { return reachable_.load(); }
    /// Why the store could not be reached last; empty while reachable.
    [[nodiscard]] std::string problem() const;

private:
    void run();
    void note(bool reachable, const std::string& why);
    std::string uri_;
    std::chrono::seconds poll_;
    std::function<std::int64_t()> served_;
    std::function<void()> reload_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> reachable_{true};
    mutable std::mutex mutex_;
    std::string problem_;
    std::thread thread_;
};

}  // namespace crimemap::server
